//! constnet beside its peers on the XOR, SINE and DIGITS benchmark models:
//! the same weights (constnet's seeded initialization, copied into each) and
//! the same batch, timed in one run.
//!
//! - hand-written nalgebra: static matrices and explicit loops for training
//!   and inference (f32), and a blocked R-operator for the full Hessian
//!   (f64), in `benches/models/`;
//! - dfdx 0.13 (its `Cpu` device, f32; it has no second derivatives);
//! - PyTorch and JAX: `python/compare.py`, fed by `--export`.
//!
//! Every contender runs on one thread (dfdx's rayon pool is set to one
//! thread); constnet's Hessian is also timed on two threads. Timings are
//! paired: in each round every contender runs in turn for about
//! `--budget-ms`, and the figures are medians over `--rounds` rounds; a
//! ratio is the median of the per-round ratios (how many times faster
//! constnet is). Before timing, the contenders are cross-checked: the batch
//! loss after 0 and 100 SGD steps agrees to f32 rounding, the Hessian's
//! trace and Frobenius norm to 1e-12 relative; a failed check exits with
//! status 1.
//!
//! `cargo run --release --manifest-path benches/compare/Cargo.toml [-- --rounds 15 --budget-ms 20 --export compare.json]`

#[path = "../../models/mod.rs"]
mod models;

mod dfdx_models;
mod export;
mod timing;

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Duration;

use constnet::prelude::*;
use dfdx_models::{DfdxDigits, DfdxSine, DfdxXor};
use export::Json;
use models::hand_hessian::{Act, HandLoss, HandMlp};
use models::handwritten::{HandDigits, HandSine, HandXor};
use models::{Digits, SEED, Sine, Xor, digits_batch, sine_batch, xor_batch};
use timing::{Timings, paired};

/// SGD steps of the training cross-check.
const CHECK_STEPS: usize = 100;
/// Learning rate while timing (small, so the weights barely move).
const TIMED_LR: f64 = 1e-3;
/// Losses "agree to f32 rounding": relative difference at most this (about
/// 17 f32 ulps: the implementations sum in different orders, and their
/// `tanh` and `exp` differ by up to an ulp, over 100 steps).
const LOSS_TOL: f64 = 2e-6;
/// Hessian trace and Frobenius norm, relative.
const HESSIAN_TOL: f64 = 1e-12;

/// A training-and-inference contender with its own copy of the model and batch.
trait Contender {
    fn train_step(&mut self) -> f32;
    fn infer(&self) -> f32;
}

struct Options {
    rounds: usize,
    budget: Duration,
    export: Option<String>,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        rounds: 15,
        budget: Duration::from_millis(20),
        export: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--rounds" => {
                options.rounds = value()?.parse().map_err(|e| format!("--rounds: {e}"))?;
            }
            "--budget-ms" => {
                let ms: u64 = value()?.parse().map_err(|e| format!("--budget-ms: {e}"))?;
                options.budget = Duration::from_millis(ms);
            }
            "--export" => options.export = Some(value()?),
            _ => return Err(format!("unknown argument `{arg}`")),
        }
    }
    if options.rounds == 0 {
        return Err("--rounds must be at least 1".into());
    }
    Ok(options)
}

/// One model's results.
struct ModelReport {
    name: &'static str,
    params: usize,
    batch: usize,
    /// constnet, hand-written, dfdx; ns per step.
    train: Timings,
    /// constnet, hand-written, dfdx; ns per call.
    infer: Timings,
    /// constnet 1 thread, constnet 2 threads, hand-written; ns per Hessian.
    hessian: Timings,
    checks: Vec<Check>,
    json: Json,
}

struct Check {
    what: String,
    relative: f64,
    tolerance: f64,
}

fn relative(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else {
        (a - b).abs() / a.abs().max(b.abs())
    }
}

/// Loss at step 0 and after `CHECK_STEPS` steps.
fn trajectory(mut step: impl FnMut() -> f32) -> (f32, f32) {
    let first = step();
    for _ in 1..CHECK_STEPS {
        step();
    }
    (first, step())
}

/// One training step of constnet: training forward, loss gradient,
/// backward, SGD update.
fn constnet_step<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &mut N,
    cache: &mut N::Cache<B>,
    loss: &L,
    sgd: &mut Sgd<f32, P>,
    x: &SMatrix<f32, I, B>,
    targets: &[L::Target; B],
) -> f32
where
    N: Network<f32, I, O, P>,
    L: Loss<f32, O>,
{
    let output = net.forward_train(x, cache);
    let mut d_output = SMatrix::<f32, O, B>::zeros();
    let value = loss.loss_and_gradient(&output, targets, &mut d_output);
    let mut grad = [0.0; P];
    net.backward(cache, &d_output, &mut grad);
    sgd.step(net.parameters_mut(), &grad);
    value
}

/// Trace and Frobenius norm of a square matrix stored flat.
fn trace_and_norm(h: &[f64], p: usize) -> (f64, f64) {
    let trace = (0..p).map(|i| h[i * p + i]).sum();
    let norm = h.iter().map(|v| v * v).sum::<f64>().sqrt();
    (trace, norm)
}

/// Everything about one model that the comparison needs.
struct Setup<N32, N64, L, H, D, const I: usize, const O: usize, const P: usize, const B: usize>
where
    L: Loss<f32, O> + Loss<f64, O>,
{
    name: &'static str,
    /// The loss, as `compare.py` names it.
    loss_name: &'static str,
    check_lr: f64,
    net32: N32,
    net64: N64,
    loss: L,
    x32: SMatrix<f32, I, B>,
    t32: [<L as Loss<f32, O>>::Target; B],
    x64: SMatrix<f64, I, B>,
    t64: [<L as Loss<f64, O>>::Target; B],
    /// The f32 and f64 targets, flat (class indices for cross-entropy).
    targets_export: (Vec<f64>, Vec<f64>),
    hand: fn(&[f32], f64) -> H,
    dfdx: fn(&[f32], f64) -> D,
    hand_hessian: HandMlp,
    hand_loss: HandLoss,
}

fn one_thread() -> HessianOptions {
    HessianOptions {
        threads: 1,
        ..HessianOptions::default()
    }
}

fn two_threads() -> HessianOptions {
    HessianOptions {
        threads: 2,
        ..HessianOptions::default()
    }
}

impl<N32, N64, L, H, D, const I: usize, const O: usize, const P: usize, const B: usize>
    Setup<N32, N64, L, H, D, I, O, P, B>
where
    N32: Network<f32, I, O, P>,
    N64: SecondOrder<f64, I, O, P> + Sync,
    N64::Cache<B>: Sync,
    L: Loss<f32, O> + Loss<f64, O> + Sync,
    <L as Loss<f64, O>>::Target: Sync,
    H: Contender,
    D: Contender,
{
    fn params32(&self) -> Vec<f32> {
        self.net32.parameters().to_vec()
    }

    /// The loss of the same batch after 0 and 100 SGD steps, in each
    /// implementation; returns constnet's.
    fn check_training(&self, checks: &mut Vec<Check>) -> (f32, f32) {
        let ours = {
            let (mut net, mut cache) = (self.net32.clone(), N32::Cache::<B>::zeroed());
            let mut sgd = Sgd::with_lr(self.check_lr).expect("a valid learning rate");
            trajectory(|| {
                constnet_step(
                    &mut net, &mut cache, &self.loss, &mut sgd, &self.x32, &self.t32,
                )
            })
        };
        let mut hand = (self.hand)(&self.params32(), self.check_lr);
        let mut dfdx = (self.dfdx)(&self.params32(), self.check_lr);
        let theirs = [
            ("hand-written", trajectory(|| hand.train_step())),
            ("dfdx", trajectory(|| dfdx.train_step())),
        ];
        for (who, losses) in theirs {
            for (steps, a, b) in [(0, ours.0, losses.0), (CHECK_STEPS, ours.1, losses.1)] {
                checks.push(Check {
                    what: format!("loss after {steps} steps, constnet {a:.7} vs {who} {b:.7}"),
                    relative: relative(f64::from(a), f64::from(b)),
                    tolerance: LOSS_TOL,
                });
            }
        }
        ours
    }

    /// constnet's Hessian against the hand-written R-operator's; returns
    /// constnet's trace and Frobenius norm.
    fn check_hessian(&self, checks: &mut Vec<Check>) -> (f64, f64) {
        let mut grad = [0.0; P];
        let mut h = vec![0.0; P * P];
        let loss = self
            .net64
            .hessian_with(
                &self.loss,
                &self.x64,
                &self.t64,
                &one_thread(),
                &mut grad,
                &mut h,
            )
            .expect("a finite Hessian");
        let (trace, norm) = trace_and_norm(&h, P);
        let (hand_loss, _, hand_h) =
            self.hand_hessian
                .hessian(self.x64.as_slice(), B, &self.hand_loss, 32);
        let (hand_trace, hand_norm) = trace_and_norm(&hand_h, P);
        let largest = h.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        let worst = h
            .iter()
            .zip(&hand_h)
            .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs()));
        for (what, relative) in [
            (
                format!("Hessian trace, constnet {trace:.12e} vs hand-written {hand_trace:.12e}"),
                relative(trace, hand_trace),
            ),
            (
                format!(
                    "Hessian Frobenius norm, constnet {norm:.12e} vs hand-written {hand_norm:.12e}"
                ),
                relative(norm, hand_norm),
            ),
            (
                "Hessian, largest entrywise difference / largest entry, constnet vs hand-written"
                    .into(),
                worst / largest,
            ),
            (
                "f64 loss at the Hessian, constnet vs hand-written".into(),
                relative(loss, hand_loss),
            ),
        ] {
            checks.push(Check {
                what,
                relative,
                tolerance: HESSIAN_TOL,
            });
        }
        (trace, norm)
    }

    /// Train steps of constnet, hand-written, dfdx.
    fn time_training(&self, options: &Options) -> Timings {
        let (mut net, mut cache) = (self.net32.clone(), N32::Cache::<B>::zeroed());
        let mut sgd = Sgd::with_lr(TIMED_LR).expect("a valid learning rate");
        let mut hand = (self.hand)(&self.params32(), TIMED_LR);
        let mut dfdx = (self.dfdx)(&self.params32(), TIMED_LR);
        paired(
            &mut [
                &mut || {
                    black_box(constnet_step(
                        &mut net,
                        &mut cache,
                        &self.loss,
                        &mut sgd,
                        black_box(&self.x32),
                        &self.t32,
                    ));
                },
                &mut || {
                    black_box(hand.train_step());
                },
                &mut || {
                    black_box(dfdx.train_step());
                },
            ],
            options.rounds,
            options.budget,
        )
    }

    /// Batch-1 inference on the batch's first sample: constnet, hand-written, dfdx.
    fn time_inference(&self, options: &Options) -> Timings {
        let sample: SMatrix<f32, I, 1> = self.x32.fixed_columns::<1>(0).into_owned();
        let hand = (self.hand)(&self.params32(), TIMED_LR);
        let dfdx = (self.dfdx)(&self.params32(), TIMED_LR);
        paired(
            &mut [
                &mut || {
                    black_box(self.net32.forward(black_box(&sample)));
                },
                &mut || {
                    black_box(hand.infer());
                },
                &mut || {
                    black_box(dfdx.infer());
                },
            ],
            options.rounds,
            options.budget,
        )
    }

    /// Full Hessians, each into its reused buffer: constnet on one and two
    /// threads, hand-written.
    fn time_hessian(&self, options: &Options) -> Timings {
        let (one, two) = (one_thread(), two_threads());
        let (mut grad1, mut grad2) = ([0.0; P], [0.0; P]);
        let (mut h1, mut h2, mut h3) = (vec![0.0; P * P], vec![0.0; P * P], vec![0.0; P * P]);
        let whole = P * P * 8 > models::hand_hessian::MIRROR_BYTES;
        let x = &self.x64;
        paired(
            &mut [
                &mut || {
                    black_box(self.net64.hessian_with(
                        &self.loss,
                        black_box(x),
                        &self.t64,
                        &one,
                        &mut grad1,
                        &mut h1,
                    ))
                    .ok();
                },
                &mut || {
                    black_box(self.net64.hessian_with(
                        &self.loss,
                        black_box(x),
                        &self.t64,
                        &two,
                        &mut grad2,
                        &mut h2,
                    ))
                    .ok();
                },
                &mut || {
                    black_box(self.hand_hessian.hessian_into(
                        black_box(x.as_slice()),
                        B,
                        &self.hand_loss,
                        32,
                        whole,
                        &mut h3,
                    ));
                },
            ],
            options.rounds,
            options.budget,
        )
    }

    fn run(self, options: &Options) -> ModelReport {
        let mut checks = Vec::new();
        let losses = self.check_training(&mut checks);
        let (trace, norm) = self.check_hessian(&mut checks);
        let train = self.time_training(options);
        let infer = self.time_inference(options);
        let hessian = self.time_hessian(options);
        let mut json = Json::object();
        json.text("loss", self.loss_name)
            .number("params", P as f64)
            .number("batch", B as f64)
            .number("inputs", I as f64)
            .number("outputs", O as f64)
            .number("check_lr", self.check_lr)
            .number("check_steps", CHECK_STEPS as f64)
            .numbers(
                "parameters_f32",
                self.params32().iter().map(|&v| f64::from(v)),
            )
            .numbers("parameters_f64", self.net64.parameters().iter().copied())
            .numbers("x_f32", self.x32.iter().map(|&v| f64::from(v)))
            .numbers("x_f64", self.x64.iter().copied())
            .numbers("targets_f32", self.targets_export.0.iter().copied())
            .numbers("targets_f64", self.targets_export.1.iter().copied())
            .number("loss_0", f64::from(losses.0))
            .number("loss_after_steps", f64::from(losses.1))
            .number("hessian_trace", trace)
            .number("hessian_frobenius", norm)
            .number("train_step_ns", train.median_ns(0))
            .number("inference_ns", infer.median_ns(0))
            .number("hessian_ns", hessian.median_ns(0))
            .number("hessian_2_threads_ns", hessian.median_ns(1));
        ModelReport {
            name: self.name,
            params: P,
            batch: B,
            train,
            infer,
            hessian,
            checks,
            json,
        }
    }
}

/// The hand-written f32 models with their batch and first sample.
struct HandRun<M, X, S, T> {
    model: M,
    x: X,
    sample: S,
    targets: T,
    lr: f32,
}

impl Contender for HandRun<HandXor, SMatrix<f32, 2, 4>, SMatrix<f32, 2, 1>, [f32; 4]> {
    fn train_step(&mut self) -> f32 {
        self.model.train_step(&self.x, &self.targets, self.lr)
    }
    fn infer(&self) -> f32 {
        self.model.infer(black_box(self.sample))
    }
}

impl Contender for HandRun<HandSine, SMatrix<f32, 1, 32>, SMatrix<f32, 1, 1>, [f32; 32]> {
    fn train_step(&mut self) -> f32 {
        self.model.train_step(&self.x, &self.targets, self.lr)
    }
    fn infer(&self) -> f32 {
        self.model.infer(black_box(self.sample))
    }
}

impl Contender for HandRun<HandDigits, SMatrix<f32, 64, 32>, SMatrix<f32, 64, 1>, [usize; 32]> {
    fn train_step(&mut self) -> f32 {
        self.model.train_step(&self.x, &self.targets, self.lr)
    }
    fn infer(&self) -> f32 {
        self.model.infer(black_box(&self.sample))[0]
    }
}

fn hand_run<M, const I: usize, const B: usize, T>(
    model: M,
    x: SMatrix<f32, I, B>,
    targets: T,
    lr: f64,
) -> HandRun<M, SMatrix<f32, I, B>, SMatrix<f32, I, 1>, T> {
    HandRun {
        model,
        sample: x.fixed_columns::<1>(0).into_owned(),
        x,
        targets,
        lr: lr as f32,
    }
}

fn flat_targets<const O: usize, const B: usize>(targets: &[[f32; O]; B]) -> Vec<f32> {
    targets.iter().flatten().copied().collect()
}

fn one_hot<const B: usize>(labels: &[usize; B], classes: usize) -> Vec<f32> {
    labels
        .iter()
        .flat_map(|&c| (0..classes).map(move |o| if o == c { 1.0 } else { 0.0 }))
        .collect()
}

fn xor(options: &Options) -> ModelReport {
    let ((x32, t32), (x64, t64)) = (xor_batch::<f32>(), xor_batch::<f64>());
    let net64 = Xor::<f64>::seeded(SEED);
    Setup {
        name: "XOR",
        loss_name: "bce_with_logits",
        targets_export: (
            t32.iter().map(|[t]| f64::from(*t)).collect(),
            t64.iter().map(|[t]| *t).collect(),
        ),
        check_lr: 0.5,
        net32: Xor::<f32>::seeded(SEED),
        hand_hessian: HandMlp {
            widths: vec![2, 8, 1],
            act: Act::Tanh,
            params: net64.parameters().to_vec(),
        },
        hand_loss: HandLoss::BceWithLogits(t64.iter().flatten().copied().collect()),
        net64,
        loss: BceWithLogits,
        x32,
        t32,
        x64,
        t64,
        hand: |p, lr| {
            let (x, t) = xor_batch::<f32>();
            hand_run(HandXor::from_parameters(p), x, t.map(|[t]| t), lr)
        },
        dfdx: |p, lr| {
            let (x, t) = xor_batch::<f32>();
            DfdxXor::new(p, x.as_slice(), &flat_targets(&t), lr)
        },
    }
    .run(options)
}

fn sine(options: &Options) -> ModelReport {
    let ((x32, t32), (x64, t64)) = (sine_batch::<f32>(), sine_batch::<f64>());
    let net64 = Sine::<f64>::seeded(SEED);
    Setup {
        name: "SINE",
        loss_name: "mse",
        targets_export: (
            t32.iter().map(|[t]| f64::from(*t)).collect(),
            t64.iter().map(|[t]| *t).collect(),
        ),
        check_lr: 0.05,
        net32: Sine::<f32>::seeded(SEED),
        hand_hessian: HandMlp {
            widths: vec![1, 16, 16, 1],
            act: Act::Relu,
            params: net64.parameters().to_vec(),
        },
        hand_loss: HandLoss::Mse(t64.iter().flatten().copied().collect()),
        net64,
        loss: Mse,
        x32,
        t32,
        x64,
        t64,
        hand: |p, lr| {
            let (x, t) = sine_batch::<f32>();
            hand_run(HandSine::from_parameters(p), x, t.map(|[t]| t), lr)
        },
        dfdx: |p, lr| {
            let (x, t) = sine_batch::<f32>();
            DfdxSine::new(p, x.as_slice(), &flat_targets(&t), lr)
        },
    }
    .run(options)
}

fn digits(options: &Options) -> ModelReport {
    let ((x32, t32), (x64, t64)) = (digits_batch::<f32>(), digits_batch::<f64>());
    let net64 = Digits::<f64>::seeded(SEED);
    Setup {
        name: "DIGITS",
        loss_name: "cross_entropy",
        targets_export: (
            t32.iter().map(|&c| c as f64).collect(),
            t64.iter().map(|&c| c as f64).collect(),
        ),
        check_lr: 0.01,
        net32: Digits::<f32>::seeded(SEED),
        hand_hessian: HandMlp {
            widths: vec![64, 32, 10],
            act: Act::Relu,
            params: net64.parameters().to_vec(),
        },
        hand_loss: HandLoss::CrossEntropy(t64.to_vec()),
        net64,
        loss: CrossEntropy,
        x32,
        t32,
        x64,
        t64,
        hand: |p, lr| {
            let (x, t) = digits_batch::<f32>();
            hand_run(HandDigits::from_parameters(p), x, t, lr)
        },
        dfdx: |p, lr| {
            let (x, t) = digits_batch::<f32>();
            DfdxDigits::new(p, x.as_slice(), &one_hot(&t, 10), lr)
        },
    }
    .run(options)
}

fn si(value: f64) -> String {
    match value {
        v if v >= 1e9 => format!("{:.2} G", v / 1e9),
        v if v >= 1e6 => format!("{:.2} M", v / 1e6),
        v if v >= 1e3 => format!("{:.1} k", v / 1e3),
        v => format!("{v:.0}"),
    }
}

fn print_reports(reports: &[ModelReport], options: &Options) {
    println!(
        "{} paired rounds of ~{} ms per contender; medians; ratio = how many times faster constnet is (median of per-round ratios)",
        options.rounds,
        options.budget.as_millis()
    );
    println!();
    println!(
        "| model | metric | constnet | hand-written | constnet / hand-written | dfdx 0.13 | constnet / dfdx |"
    );
    println!("|---|---|---|---|---|---|---|");
    for r in reports {
        let per_second = |ns: f64| si(r.batch as f64 * 1e9 / ns);
        let gflops = 6.0 * r.params as f64 * r.batch as f64 / r.train.median_ns(0);
        println!(
            "| {} | train step, samples/s | {} ({gflops:.1} GFLOP/s) | {} | {:.2}x | {} | {:.2}x |",
            r.name,
            per_second(r.train.median_ns(0)),
            per_second(r.train.median_ns(1)),
            r.train.speedup(0, 1),
            per_second(r.train.median_ns(2)),
            r.train.speedup(0, 2),
        );
        println!(
            "| {} | inference (B = 1), ns | {:.1} | {:.1} | {:.2}x | {:.0} | {:.2}x |",
            r.name,
            r.infer.median_ns(0),
            r.infer.median_ns(1),
            r.infer.speedup(0, 1),
            r.infer.median_ns(2),
            r.infer.speedup(0, 2),
        );
        println!(
            "| {} | full Hessian (f64), ms | {:.4} (2 threads {:.4}) | {:.4} | {:.2}x (2 threads {:.2}x) | n/a | |",
            r.name,
            r.hessian.median_ns(0) / 1e6,
            r.hessian.median_ns(1) / 1e6,
            r.hessian.median_ns(2) / 1e6,
            r.hessian.speedup(0, 2),
            r.hessian.speedup(1, 2),
        );
    }
    println!();
    println!("cross-checks (identical weights and batch):");
    for r in reports {
        for c in &r.checks {
            let verdict = if c.relative <= c.tolerance {
                "ok"
            } else {
                "FAILED"
            };
            println!(
                "  {:<6} {}: relative difference {:.1e} (tolerance {:.0e}) {verdict}",
                r.name, c.what, c.relative, c.tolerance
            );
        }
    }
}

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build_global()
        .is_err()
    {
        eprintln!("error: could not set dfdx's thread pool to one thread");
        return ExitCode::from(2);
    }
    println!("machine: {}", export::machine_line());
    let reports = [xor(&options), sine(&options), digits(&options)];
    print_reports(&reports, &options);
    let failed = reports
        .iter()
        .flat_map(|r| &r.checks)
        .filter(|c| c.relative > c.tolerance)
        .count();
    if let Some(path) = &options.export {
        let mut json = Json::object();
        json.text("machine", &export::machine_line());
        for report in &reports {
            json.object_field(&report.name.to_lowercase(), &report.json);
        }
        if let Err(e) = std::fs::write(path, json.finish()) {
            eprintln!("error: writing {path}: {e}");
            return ExitCode::from(2);
        }
        println!("wrote {path}");
    }
    if failed > 0 {
        eprintln!("{failed} cross-check(s) failed");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
