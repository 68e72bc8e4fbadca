//! `train_step`: forward + backward + one SGD update on one batch (f32), for
//! the three benchmark models (README "Performance"), beside the same models written by
//! hand with explicit loops (`handwritten_train_step`), in the same run.
//! Throughput is in samples per second; a step costs about 6 P B flops.

mod models;

use std::hint::black_box;

use constnet::prelude::*;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use models::handwritten::{HandDigits, HandSine, HandXor};
use models::{Digits, Sine, Xor, digits_batch, sine_batch, xor_batch};

fn step<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
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

fn train_step(c: &mut Criterion) {
    let lr = 1e-3;
    let mut group = c.benchmark_group("train_step");

    let (x, t) = xor_batch::<f32>();
    let mut net = Xor::<f32>::seeded(models::SEED);
    let mut cache = Zeroed::zeroed();
    let mut sgd = Sgd::with_lr(lr).expect("valid learning rate");
    group.throughput(Throughput::Elements(4));
    group.bench_function("xor", |b| {
        b.iter(|| {
            step(
                &mut net,
                &mut cache,
                &BceWithLogits,
                &mut sgd,
                black_box(&x),
                &t,
            )
        });
    });

    let (x, t) = sine_batch::<f32>();
    let mut net = Sine::<f32>::seeded(models::SEED);
    let mut cache = Zeroed::zeroed();
    let mut sgd = Sgd::with_lr(lr).expect("valid learning rate");
    group.throughput(Throughput::Elements(32));
    group.bench_function("sine", |b| {
        b.iter(|| step(&mut net, &mut cache, &Mse, &mut sgd, black_box(&x), &t));
    });

    let (x, t) = digits_batch::<f32>();
    let mut net = Digits::<f32>::seeded(models::SEED);
    let mut cache = Zeroed::zeroed();
    let mut sgd = Sgd::with_lr(lr).expect("valid learning rate");
    group.throughput(Throughput::Elements(32));
    group.bench_function("digits", |b| {
        b.iter(|| {
            step(
                &mut net,
                &mut cache,
                &CrossEntropy,
                &mut sgd,
                black_box(&x),
                &t,
            )
        });
    });
    group.finish();

    let lr = lr as f32;
    let mut group = c.benchmark_group("handwritten_train_step");
    let (x, t) = xor_batch::<f32>();
    let t = t.map(|v| v[0]);
    let mut hand = HandXor::new();
    group.throughput(Throughput::Elements(4));
    group.bench_function("xor", |b| {
        b.iter(|| hand.train_step(black_box(&x), &t, lr));
    });
    let (x, t) = sine_batch::<f32>();
    let t = t.map(|v| v[0]);
    let mut hand = HandSine::new();
    group.throughput(Throughput::Elements(32));
    group.bench_function("sine", |b| {
        b.iter(|| hand.train_step(black_box(&x), &t, lr));
    });
    let (x, t) = digits_batch::<f32>();
    let mut hand = HandDigits::new();
    group.throughput(Throughput::Elements(32));
    group.bench_function("digits", |b| {
        b.iter(|| hand.train_step(black_box(&x), &t, lr));
    });
    group.finish();
}

criterion_group!(benches, train_step);
criterion_main!(benches);
