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
mod setup;
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
use setup::{ModelReport, Setup};

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
