//! One model's setup (its constnet networks in f32 and f64, the loss, the
//! batch and the peers' constructors), the cross-checks run before timing,
//! the paired timing itself, and the report it fills.

use std::hint::black_box;

use constnet::prelude::*;

use crate::export::Json;
use crate::models::hand_hessian::{HandLoss, HandMlp};
use crate::timing::{Timings, paired};
use crate::{CHECK_STEPS, Contender, HESSIAN_TOL, LOSS_TOL, Options, TIMED_LR};

/// One model's results.
pub(crate) struct ModelReport {
    pub(crate) name: &'static str,
    pub(crate) params: usize,
    pub(crate) batch: usize,
    /// constnet, hand-written, dfdx; ns per step.
    pub(crate) train: Timings,
    /// constnet, hand-written, dfdx; ns per call.
    pub(crate) infer: Timings,
    /// constnet 1 thread, constnet 2 threads, hand-written; ns per Hessian.
    pub(crate) hessian: Timings,
    pub(crate) checks: Vec<Check>,
    pub(crate) json: Json,
}

pub(crate) struct Check {
    pub(crate) what: String,
    pub(crate) relative: f64,
    pub(crate) tolerance: f64,
}

pub(crate) fn relative(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else {
        (a - b).abs() / a.abs().max(b.abs())
    }
}

/// Loss at step 0 and after `CHECK_STEPS` steps.
pub(crate) fn trajectory(mut step: impl FnMut() -> f32) -> (f32, f32) {
    let first = step();
    for _ in 1..CHECK_STEPS {
        step();
    }
    (first, step())
}

/// One training step of constnet: training forward, loss gradient,
/// backward, SGD update.
pub(crate) fn constnet_step<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
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
pub(crate) fn trace_and_norm(h: &[f64], p: usize) -> (f64, f64) {
    let trace = (0..p).map(|i| h[i * p + i]).sum();
    let norm = h.iter().map(|v| v * v).sum::<f64>().sqrt();
    (trace, norm)
}

/// Everything about one model that the comparison needs.
pub(crate) struct Setup<
    N32,
    N64,
    L,
    H,
    D,
    const I: usize,
    const O: usize,
    const P: usize,
    const B: usize,
> where
    L: Loss<f32, O> + Loss<f64, O>,
{
    pub(crate) name: &'static str,
    /// The loss, as `compare.py` names it.
    pub(crate) loss_name: &'static str,
    pub(crate) check_lr: f64,
    pub(crate) net32: N32,
    pub(crate) net64: N64,
    pub(crate) loss: L,
    pub(crate) x32: SMatrix<f32, I, B>,
    pub(crate) t32: [<L as Loss<f32, O>>::Target; B],
    pub(crate) x64: SMatrix<f64, I, B>,
    pub(crate) t64: [<L as Loss<f64, O>>::Target; B],
    /// The f32 and f64 targets, flat (class indices for cross-entropy).
    pub(crate) targets_export: (Vec<f64>, Vec<f64>),
    pub(crate) hand: fn(&[f32], f64) -> H,
    pub(crate) dfdx: fn(&[f32], f64) -> D,
    pub(crate) hand_hessian: HandMlp,
    pub(crate) hand_loss: HandLoss,
}

pub(crate) fn one_thread() -> HessianOptions {
    HessianOptions {
        threads: 1,
        ..HessianOptions::default()
    }
}

pub(crate) fn two_threads() -> HessianOptions {
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
    pub(crate) fn params32(&self) -> Vec<f32> {
        self.net32.parameters().to_vec()
    }

    /// The loss of the same batch after 0 and 100 SGD steps, in each
    /// implementation; returns constnet's.
    pub(crate) fn check_training(&self, checks: &mut Vec<Check>) -> (f32, f32) {
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
    pub(crate) fn check_hessian(&self, checks: &mut Vec<Check>) -> (f64, f64) {
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
    pub(crate) fn time_training(&self, options: &Options) -> Timings {
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
    pub(crate) fn time_inference(&self, options: &Options) -> Timings {
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
    pub(crate) fn time_hessian(&self, options: &Options) -> Timings {
        let (one, two) = (one_thread(), two_threads());
        let (mut grad1, mut grad2) = ([0.0; P], [0.0; P]);
        let (mut h1, mut h2, mut h3) = (vec![0.0; P * P], vec![0.0; P * P], vec![0.0; P * P]);
        let whole = P * P * 8 > crate::models::hand_hessian::MIRROR_BYTES;
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

    pub(crate) fn run(self, options: &Options) -> ModelReport {
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
