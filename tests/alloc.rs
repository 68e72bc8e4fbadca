//! Zero-allocation proof: a counting global allocator shows that the hot
//! paths allocate nothing on the heap, for the three models of the
//! benchmark suite (XOR, SINE, DIGITS) and a gated recurrent classifier
//! (LSTM) at their batch sizes and at batch size 1: inference `forward`,
//! `forward_train`, `backward`, `loss_and_gradient`, a step of every
//! optimizer (`Sgd`, `Adam`, `AdamW`, `RmsProp`, and a `Scheduled` one
//! across an epoch end), a whole `Trainer::fit_with_order` run (f32), the
//! exact `hessian_vector_product` (f64), and the full Hessian on the stack,
//! `hessian_into` (f64; XOR and SINE, the models it is meant for); the same
//! for XOR with a layer normalization or a convolution in it and for digits
//! models made of pooling layers (max pooling keeps its selected indices on
//! the stack) or of 1-D and 2-D convolutions.
//!
//! The allocator (`stats_alloc`, which wraps the system allocator) counts
//! every thread, so this file runs without the test harness (`harness =
//! false` in `Cargo.toml`): nothing else runs while a region is measured. A
//! control case checks that an allocation is counted, so the check can fail.

mod common;

use std::alloc::System;
use std::hint::black_box;

use common::models::{Digits, Sine, Xor};
use constnet::prelude::*;

network! {
    /// XOR through layer normalization: 2 -> Dense 8 -> LayerNorm -> tanh
    /// -> Dense 1, P = 24 + 16 + 9.
    struct XorNormed {
        hidden: Dense<2, 8>,
        norm: LayerNorm<8>,
        act: Tanh,
        out: Dense<8, 1>,
    }
}
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, Stats, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

network! {
    /// The digits as 1x8x8 images through every pooling layer.
    struct PooledDigits {
        max: MaxPool2d<1, 8, 8, 2>,
        avg: AvgPool2d<1, 4, 4, 2>(stride = 1, padding = 1),
        rows: MaxPool1d<5, 5, 3>(stride = 1, padding = 1),
        line: AvgPool1d<5, 5, 2>(stride = 1),
        mean: GlobalAvgPool<5, 4>,
        flat: Flatten,
        out: Dense<5, 10>,
    }
}

network! {
    /// The digits as 1x8x8 images through a 2-D and a grouped 1-D convolution.
    struct ConvDigits {
        conv: Conv2d<1, 4, 3, 3, 8, 8>(padding = 1),
        act: ReLU,
        pool: MaxPool2d<4, 8, 8, 2>,
        line: Conv1d<4, 4, 3, 16>(padding = 1, groups = 2),
        out: Dense<64, 10>,
    }

    /// XOR's inputs as one channel of length 2: P = 6 + 7.
    struct ConvXor {
        conv: Conv1d<1, 2, 2, 2>(padding = 1),
        out: Dense<6, 1>,
    }
}

/// What a measured closure allocated, by name.
struct Measurements {
    rows: Vec<(String, Stats)>,
}

impl Measurements {
    /// Runs `f` inside a counting region and records what it allocated.
    /// The result goes through `black_box` so the work cannot be removed.
    fn measure<R>(&mut self, name: &str, f: impl FnOnce() -> R) -> R {
        let region = Region::new(GLOBAL);
        let result = black_box(f());
        let stats = region.change();
        self.rows.push((name.to_owned(), stats));
        result
    }
}

fn allocated_nothing(stats: &Stats) -> bool {
    stats.allocations == 0 && stats.reallocations == 0 && stats.bytes_allocated == 0
}

/// A data set of `N` samples: inputs uniform in `[-1, 1]` and targets from
/// `target`, from a fixed seed.
fn dataset<T: Float, Y, const I: usize, const N: usize>(
    seed: u64,
    target: impl Fn(&[T; I], &mut Rng) -> Y,
) -> ([[T; I]; N], [Y; N]) {
    let mut rng = Rng::seed_from(seed);
    let inputs: [[T; I]; N] =
        std::array::from_fn(|_| std::array::from_fn(|_| T::of_f64(rng.uniform_in(-1.0, 1.0))));
    let targets = std::array::from_fn(|k| target(&inputs[k], &mut rng));
    (inputs, targets)
}

/// The first `B` samples of `data`, wrapping around when it has fewer.
fn first_batch<T: Float, Y: Copy, const I: usize, const B: usize>(
    data: &Dataset<'_, T, I, Y>,
) -> (SMatrix<T, I, B>, [Y; B]) {
    data.gather(&std::array::from_fn(|k| k % data.len()))
}

/// Every f32 hot path of one model, batch size `B` and batch size 1.
fn check_f32<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
    m: &mut Measurements,
    model: &str,
    loss: &L,
    train: &Dataset<'_, f32, I, L::Target>,
    validation: &Dataset<'_, f32, I, L::Target>,
) where
    N: Network<f32, I, O, P>,
    L: Loss<f32, O>,
{
    let mut net = N::initialized(&mut Rng::seed_from(1));
    let (x, targets) = first_batch::<_, _, I, B>(train);
    let (one, _) = train.gather(&[0]);

    let y = m.measure(&format!("{model}: forward, B = {B}"), || {
        net.forward(black_box(&x))
    });
    assert!(y.iter().all(|v| v.is_finite()));
    let y = m.measure(&format!("{model}: forward, B = 1"), || {
        net.forward(black_box(&one))
    });
    assert!(y.iter().all(|v| v.is_finite()));

    let mut cache = m.measure(&format!("{model}: forward_train, B = {B}"), || {
        let mut cache = N::Cache::<B>::zeroed();
        let y = net.forward_train(black_box(&x), &mut cache);
        (cache, y)
    });
    let mut d_output = SMatrix::<f32, O, B>::zeros();
    let value = loss.loss_and_gradient(&cache.1, &targets, &mut d_output);
    let mut grad = [0.0_f32; P];
    m.measure(&format!("{model}: backward, B = {B}"), || {
        net.backward(&mut cache.0, black_box(&d_output), &mut grad);
    });
    let mut grad_again = [0.0_f32; P];
    let value_again = m.measure(&format!("{model}: loss_and_gradient, B = {B}"), || {
        net.loss_and_gradient(loss, black_box(&x), &targets, &mut grad_again)
    });
    assert_eq!(value, value_again, "{model}: same batch, same loss");
    assert_eq!(grad, grad_again, "{model}: same batch, same gradient");
    assert!(grad.iter().any(|g| *g != 0.0), "{model}: a gradient");

    let config = SgdConfig {
        lr: 0.01,
        momentum: 0.9,
        weight_decay: 1e-4,
        nesterov: true,
        ..SgdConfig::default()
    };
    let mut sgd: Sgd<f32, P> = Sgd::new(config).expect("valid settings");
    let before = *net.parameters();
    m.measure(&format!("{model}: Sgd step (momentum, Nesterov)"), || {
        sgd.step(net.parameters_mut(), black_box(&grad));
        sgd.step(net.parameters_mut(), black_box(&grad));
    });
    assert_ne!(&before, net.parameters(), "{model}: the step moved");
    check_optimizers(m, model, net.parameters_mut(), &grad);

    let mut order = vec![0_usize; train.len()];
    let report = m.measure(&format!("{model}: Trainer::fit_with_order"), || {
        let config = TrainConfig {
            max_epochs: 3,
            patience: Some(10),
            ..TrainConfig::default()
        };
        let mut sgd: Sgd<f32, P> = Sgd::new(config_sgd()).expect("valid settings");
        let mut epochs_seen = 0;
        let result = Trainer::<B>::new(config).and_then(|trainer| {
            trainer
                .observer(EachEpoch(|_: &EpochReport| epochs_seen += 1))
                .fit_with_order(
                    &mut net,
                    loss,
                    &mut sgd,
                    train,
                    Some(validation),
                    &mut order,
                )
        });
        (result, epochs_seen)
    });
    let (result, epochs_seen) = report;
    let report = result.expect("training runs");
    assert_eq!(
        (report.epochs, epochs_seen),
        (3, 3),
        "{model}: three epochs ran"
    );
    assert!(report.final_loss.is_finite());
}

/// Two steps of each of the other optimizers, every one with state
/// (moments, AMSGrad's maxima, a centered mean), and of a scheduled SGD
/// across an epoch end (where its schedule sets the rate).
fn check_optimizers<const P: usize>(
    m: &mut Measurements,
    model: &str,
    params: &mut [f32; P],
    grad: &[f32; P],
) {
    let before = *params;
    let mut adam: Adam<f32, P> = Adam::new(AdamConfig {
        amsgrad: true,
        weight_decay: 1e-4,
        ..AdamConfig::default()
    })
    .expect("valid settings");
    m.measure(&format!("{model}: Adam step (AMSGrad, L2)"), || {
        adam.step(params, black_box(grad));
        adam.step(params, black_box(grad));
    });
    let mut adamw: AdamW<f32, P> = AdamW::new(AdamWConfig {
        amsgrad: true,
        ..AdamWConfig::default()
    })
    .expect("valid settings");
    m.measure(&format!("{model}: AdamW step (AMSGrad)"), || {
        adamw.step(params, black_box(grad));
        adamw.step(params, black_box(grad));
    });
    let mut rmsprop: RmsProp<f32, P> = RmsProp::new(RmsPropConfig {
        momentum: 0.9,
        centered: true,
        ..RmsPropConfig::default()
    })
    .expect("valid settings");
    m.measure(
        &format!("{model}: RmsProp step (centered, momentum)"),
        || {
            rmsprop.step(params, black_box(grad));
            rmsprop.step(params, black_box(grad));
        },
    );
    let sgd: Sgd<f32, P> = Sgd::new(config_sgd()).expect("valid settings");
    let schedule = StepLr::new(1, 0.5).expect("valid settings");
    let mut scheduled = Scheduled::new(sgd, schedule).expect("valid settings");
    m.measure(
        &format!("{model}: Scheduled (StepLr) step and epoch end"),
        || {
            scheduled.step(params, black_box(grad));
            scheduled.end_epoch().expect("a valid scheduled rate");
            scheduled.step(params, black_box(grad));
        },
    );
    assert_ne!(&before, params, "{model}: the steps moved");
}

fn config_sgd() -> SgdConfig {
    SgdConfig {
        lr: 0.05,
        momentum: 0.5,
        ..SgdConfig::default()
    }
}

/// The exact Hessian-vector product of one model in f64, batch size `B`.
fn check_hvp<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
    m: &mut Measurements,
    model: &str,
    loss: &L,
    train: &Dataset<'_, f64, I, L::Target>,
) where
    N: Network<f64, I, O, P>,
    L: Loss<f64, O>,
{
    let net = N::initialized(&mut Rng::seed_from(2));
    let (x, targets) = first_batch::<_, _, I, B>(train);
    let mut rng = Rng::seed_from(3);
    let v: [f64; P] = std::array::from_fn(|_| rng.uniform_in(-1.0, 1.0));
    let (mut grad, mut hv) = ([0.0; P], [0.0; P]);
    let value = m.measure(
        &format!("{model}: hessian_vector_product (f64), B = {B}"),
        || net.hessian_vector_product(loss, black_box(&x), &targets, &v, &mut grad, &mut hv),
    );
    assert!(value.is_finite());
    assert!(hv.iter().any(|h| *h != 0.0), "{model}: a curvature");
}

/// The full exact Hessian of one model on the stack, f64, batch size `B`.
fn check_stack_hessian<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
    m: &mut Measurements,
    model: &str,
    loss: &L,
    train: &Dataset<'_, f64, I, L::Target>,
) where
    N: SecondOrder<f64, I, O, P>,
    L: Loss<f64, O>,
{
    let net = N::initialized(&mut Rng::seed_from(2));
    let (x, targets) = first_batch::<_, _, I, B>(train);
    let mut grad = [0.0; P];
    let mut hessian = vec![0.0; P * P];
    let value = m.measure(&format!("{model}: hessian_into (f64), B = {B}"), || {
        net.hessian_into(loss, black_box(&x), &targets, &mut grad, &mut hessian)
    });
    assert!(value.is_ok_and(f64::is_finite));
    assert!(hessian.iter().any(|h| *h != 0.0), "{model}: a curvature");
}

fn xor_data<T: Float>() -> ([[T; 2]; 4], [[T; 1]; 4]) {
    let inputs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]].map(|r| r.map(T::of_f64));
    let targets = [[0.0], [1.0], [1.0], [0.0]].map(|r| r.map(T::of_f64));
    (inputs, targets)
}

/// 40 points: one full batch of 32 and a last partial one (filled).
fn sine_data<T: Float>(seed: u64) -> ([[T; 1]; 40], [[T; 1]; 40]) {
    dataset(seed, |x: &[T; 1], _| {
        let x = x[0].to_f64() * core::f64::consts::PI;
        [T::of_f64(x.sin())]
    })
}

fn digits_data<T: Float>(seed: u64) -> ([[T; 64]; 48], [usize; 48]) {
    dataset(seed, |_: &[T; 64], rng| rng.below(10))
}

network! {
    /// A gated sequence classifier: 5 steps of 2 features, 2 classes.
    struct LstmSequence {
        lstm: Lstm<2, 6, 5>,
        out: Dense<6, 2>,
    }

    /// The same classifier with a GRU.
    struct GruSequence {
        gru: Gru<2, 6, 5>,
        out: Dense<6, 2>,
    }
}

fn sequence_data<T: Float>(seed: u64) -> ([[T; 10]; 16], [usize; 16]) {
    dataset(seed, |_: &[T; 10], rng| rng.below(2))
}

fn main() {
    let mut m = Measurements { rows: Vec::new() };

    // Control: the allocator counts, so a zero below means nothing was allocated.
    let control = m.measure("control: vec![0u8; 100]", || vec![0_u8; 100]);
    drop(control);
    let (_, control_stats) = m.rows.pop().expect("the control was measured");
    assert!(
        control_stats.allocations >= 1 && control_stats.bytes_allocated >= 100,
        "the counting allocator missed an allocation: {control_stats:?}"
    );

    let (inputs, targets) = xor_data::<f32>();
    let xor = Dataset::new(&inputs, &targets).expect("valid data");
    check_f32::<Xor, _, 2, 1, 33, 4>(&mut m, "XOR", &BceWithLogits, &xor, &xor);
    check_f32::<XorNormed, _, 2, 1, 49, 4>(&mut m, "XOR+LayerNorm", &BceWithLogits, &xor, &xor);
    let (inputs, targets) = sine_data::<f32>(10);
    let (held_inputs, held_targets) = sine_data::<f32>(11);
    let sine = Dataset::new(&inputs, &targets).expect("valid data");
    let sine_held = Dataset::new(&held_inputs, &held_targets).expect("valid data");
    check_f32::<Sine, _, 1, 1, 321, 32>(&mut m, "SINE", &Mse, &sine, &sine_held);
    let (inputs, targets) = digits_data::<f32>(20);
    let (held_inputs, held_targets) = digits_data::<f32>(21);
    let digits = Dataset::new(&inputs, &targets).expect("valid data");
    let digits_held = Dataset::new(&held_inputs, &held_targets).expect("valid data");
    check_f32::<Digits, _, 64, 10, 2410, 32>(
        &mut m,
        "DIGITS",
        &CrossEntropy,
        &digits,
        &digits_held,
    );

    let (inputs, targets) = sequence_data::<f32>(30);
    let lstm = Dataset::new(&inputs, &targets).expect("valid data");
    check_f32::<LstmSequence, _, 10, 2, 254, 8>(&mut m, "LSTM", &CrossEntropy, &lstm, &lstm);
    check_f32::<GruSequence, _, 10, 2, 194, 8>(&mut m, "GRU", &CrossEntropy, &lstm, &lstm);
    check_f32::<PooledDigits, _, 64, 10, 60, 32>(
        &mut m,
        "POOLED",
        &CrossEntropy,
        &digits,
        &digits_held,
    );
    let held = &digits_held;
    check_f32::<ConvDigits, _, 64, 10, 718, 32>(&mut m, "CONV", &CrossEntropy, &digits, held);
    check_f32::<ConvXor, _, 2, 1, 13, 4>(&mut m, "XOR+Conv1d", &BceWithLogits, &xor, &xor);

    let (inputs, targets) = xor_data::<f64>();
    let xor = Dataset::new(&inputs, &targets).expect("valid data");
    check_hvp::<Xor<f64>, _, 2, 1, 33, 4>(&mut m, "XOR", &BceWithLogits, &xor);
    check_hvp::<XorNormed<f64>, _, 2, 1, 49, 4>(&mut m, "XOR+LayerNorm", &BceWithLogits, &xor);
    let (inputs, targets) = sine_data::<f64>(12);
    let sine = Dataset::new(&inputs, &targets).expect("valid data");
    check_hvp::<Sine<f64>, _, 1, 1, 321, 32>(&mut m, "SINE", &Mse, &sine);
    let (inputs, targets) = digits_data::<f64>(22);
    let digits = Dataset::new(&inputs, &targets).expect("valid data");
    check_hvp::<Digits<f64>, _, 64, 10, 2410, 32>(&mut m, "DIGITS", &CrossEntropy, &digits);
    let (inputs, targets) = sequence_data::<f64>(32);
    let lstm = Dataset::new(&inputs, &targets).expect("valid data");
    check_hvp::<LstmSequence<f64>, _, 10, 2, 254, 8>(&mut m, "LSTM", &CrossEntropy, &lstm);
    check_hvp::<GruSequence<f64>, _, 10, 2, 194, 8>(&mut m, "GRU", &CrossEntropy, &lstm);
    check_hvp::<PooledDigits<f64>, _, 64, 10, 60, 32>(&mut m, "POOLED", &CrossEntropy, &digits);
    check_hvp::<ConvDigits<f64>, _, 64, 10, 718, 32>(&mut m, "CONV", &CrossEntropy, &digits);
    check_stack_hessian::<ConvXor<f64>, _, 2, 1, 13, 4>(&mut m, "XOR+Conv1d", &BceWithLogits, &xor);
    check_stack_hessian::<Xor<f64>, _, 2, 1, 33, 4>(&mut m, "XOR", &BceWithLogits, &xor);
    check_stack_hessian::<XorNormed<f64>, _, 2, 1, 49, 4>(
        &mut m,
        "XOR+LayerNorm",
        &BceWithLogits,
        &xor,
    );
    check_stack_hessian::<Sine<f64>, _, 1, 1, 321, 32>(&mut m, "SINE", &Mse, &sine);

    let failed: Vec<&(String, Stats)> = m
        .rows
        .iter()
        .filter(|(_, stats)| !allocated_nothing(stats))
        .collect();
    for (name, stats) in &m.rows {
        let verdict = if allocated_nothing(stats) {
            "ok"
        } else {
            "ALLOCATED"
        };
        println!(
            "{name:<48} {:>3} allocations, {:>6} bytes  {verdict}",
            stats.allocations + stats.reallocations,
            stats.bytes_allocated
        );
    }
    println!(
        "alloc: {} passed, {} failed",
        m.rows.len() - failed.len(),
        failed.len()
    );
    assert!(
        failed.is_empty(),
        "heap allocations in hot paths: {failed:?}"
    );
    assert_eq!(m.rows.len(), 9 * 11 + 8 + 4, "every case was measured");
}
