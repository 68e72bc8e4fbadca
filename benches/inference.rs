//! `inference`: the forward pass of one sample (B = 1, f32) for the three
//! benchmark models, beside the hand-written models
//! (`handwritten_inference`), in the same run.

mod models;

use std::hint::black_box;

use constnet::prelude::*;
use criterion::{Criterion, criterion_group, criterion_main};
use models::handwritten::{HandDigits, HandSine, HandXor};
use models::{Digits, Sine, Xor};

fn inference(c: &mut Criterion) {
    let x2 = SMatrix::<f32, 2, 1>::new(1.0, 0.0);
    let x1 = SMatrix::<f32, 1, 1>::new(0.5);
    let x64 = SMatrix::<f32, 64, 1>::from_fn(|i, _| (i % 17) as f32);

    let mut group = c.benchmark_group("inference");
    let xor = Xor::<f32>::seeded(models::SEED);
    group.bench_function("xor", |b| {
        b.iter(|| xor.forward(black_box(&x2)));
    });
    let sine = Sine::<f32>::seeded(models::SEED);
    group.bench_function("sine", |b| {
        b.iter(|| sine.forward(black_box(&x1)));
    });
    let digits = Digits::<f32>::seeded(models::SEED);
    group.bench_function("digits", |b| {
        b.iter(|| digits.forward(black_box(&x64)));
    });
    group.finish();

    let mut group = c.benchmark_group("handwritten_inference");
    let hand = HandXor::new();
    group.bench_function("xor", |b| {
        b.iter(|| hand.infer(black_box(x2)));
    });
    let hand = HandSine::new();
    group.bench_function("sine", |b| {
        b.iter(|| hand.infer(black_box(x1)));
    });
    let hand = HandDigits::new();
    group.bench_function("digits", |b| {
        b.iter(|| hand.infer(black_box(&x64)));
    });
    group.finish();
}

criterion_group!(benches, inference);
criterion_main!(benches);
