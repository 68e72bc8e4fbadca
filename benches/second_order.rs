//! Second-order benchmarks of the benchmark models: one exact Hessian-vector
//! product (group `hvp`, beside the time of one gradient of the same batch)
//! and the full exact Hessian (group `hessian`) of the mean batch loss, f64,
//! for the XOR, SINE and DIGITS models with their batch sizes and seeded
//! inputs.
//!
//! Run: `cargo bench --bench second_order` (filter with e.g. `-- hessian/digits`).

mod models;

use constnet::hessian::HessianOptions;
use constnet::hessian::Kernel;
use constnet::prelude::*;
use criterion::{Criterion, criterion_group, criterion_main};
use models::{Digits, Sine, Xor};
use std::hint::black_box;

/// The three models with seeded parameters and inputs.
struct Models {
    xor: (Xor<f64>, SMatrix<f64, 2, 4>, [[f64; 1]; 4]),
    sine: (Sine<f64>, SMatrix<f64, 1, 32>, [[f64; 1]; 32]),
    digits: (Digits<f64>, SMatrix<f64, 64, 32>, [usize; 32]),
}

fn models() -> Models {
    let mut rng = Rng::seed_from(2024);
    let xor_x = SMatrix::from_fn(|_, _| rng.uniform());
    let xor_t = core::array::from_fn(|_| [rng.below(2) as f64]);
    let sine_x =
        SMatrix::from_fn(|_, _| rng.uniform_in(-core::f64::consts::PI, core::f64::consts::PI));
    let sine_t = core::array::from_fn(|b| [sine_x[b].sin()]);
    let digits_x = SMatrix::from_fn(|_, _| rng.uniform());
    let digits_t = core::array::from_fn(|_| rng.below(10));
    Models {
        xor: (Xor::seeded(1), xor_x, xor_t),
        sine: (Sine::seeded(2), sine_x, sine_t),
        digits: (Digits::seeded(3), digits_x, digits_t),
    }
}

/// `P` values on the heap, seen as an array (DIGITS' 2410 would be a large
/// stack array).
fn array<const P: usize>(values: &mut [f64]) -> &mut [f64; P] {
    values
        .try_into()
        .unwrap_or_else(|_| unreachable!("callers pass P values"))
}

/// A seeded direction.
fn direction(p: usize) -> Vec<f64> {
    let mut rng = Rng::seed_from(7);
    (0..p).map(|_| rng.uniform_in(-1.0, 1.0)).collect()
}

fn hvp(c: &mut Criterion) {
    let m = models();
    let mut group = c.benchmark_group("hvp");
    macro_rules! model {
        ($name:literal, $model:expr, $loss:expr, $p:literal) => {{
            let (net, x, t) = &$model;
            let mut v = direction($p);
            let (mut grad, mut hv) = (vec![0.0; $p], vec![0.0; $p]);
            let (v, grad, hv) = (
                array::<$p>(&mut v),
                array::<$p>(&mut grad),
                array::<$p>(&mut hv),
            );
            group.bench_function(concat!($name, "/gradient"), |b| {
                b.iter(|| black_box(net.loss_and_gradient(&$loss, black_box(x), t, grad)))
            });
            group.bench_function(concat!($name, "/hvp"), |b| {
                b.iter(|| {
                    black_box(net.hessian_vector_product(&$loss, black_box(x), t, v, grad, hv))
                })
            });
        }};
    }
    model!("xor", m.xor, BceWithLogits, 33);
    model!("sine", m.sine, Mse, 321);
    model!("digits", m.digits, CrossEntropy, 2410);
    group.finish();
}

fn hessian(c: &mut Criterion) {
    let m = models();
    let mut group = c.benchmark_group("hessian");
    group.sample_size(20);
    let heap = |threads| HessianOptions {
        threads,
        kernel: Kernel::Optimized,
        ..HessianOptions::default()
    };
    macro_rules! model {
        ($name:literal, $model:expr, $loss:expr, $p:literal) => {{
            let (net, x, t) = &$model;
            let mut grad = vec![0.0; $p];
            let grad = array::<$p>(&mut grad);
            let mut h = vec![0.0; $p * $p];
            group.bench_function(concat!($name, "/stack"), |b| {
                b.iter(|| black_box(net.hessian_into(&$loss, black_box(x), t, grad, &mut h)))
            });
            for threads in [1, 2] {
                let options = heap(threads);
                group.bench_function(format!("{}/heap-{threads}-thread", $name), |b| {
                    b.iter(|| {
                        black_box(net.hessian_with(&$loss, black_box(x), t, &options, grad, &mut h))
                    })
                });
            }
        }};
    }
    model!("xor", m.xor, BceWithLogits, 33);
    model!("sine", m.sine, Mse, 321);
    model!("digits", m.digits, CrossEntropy, 2410);
    group.finish();
}

criterion_group!(benches, hvp, hessian);
criterion_main!(benches);
