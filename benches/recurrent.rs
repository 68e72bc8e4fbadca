//! `recurrent`: the cost of a step of the three recurrent kinds at the same
//! size, so `Lstm` and `Gru` can be priced against `Rnn`. Each model reads
//! 10 steps of 4 features (time-major, one column per sample) with 16
//! hidden units and a `Dense<16, 1>` read-out, f32; MSE on batches of 8.
//! Groups: `recurrent_inference` (one sample, `forward`) and
//! `recurrent_train_step` (training forward, loss, backward through time
//! and an SGD step on a batch of 8).
//!
//! Run: `cargo bench --bench recurrent`.

use std::hint::black_box;

use constnet::prelude::*;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Input features per step, hidden units, steps and batch size.
const FEATURES: usize = 4;
const STEPS: usize = 10;
const BATCH: usize = 8;

network! {
    /// Elman RNN: 4 features x 10 steps -> 16 tanh units -> 1.
    pub struct RnnModel {
        rnn: Rnn<4, 16, 10>,
        out: Dense<16, 1>,
    }

    /// LSTM: 4 features x 10 steps -> 16 units -> 1.
    pub struct LstmModel {
        lstm: Lstm<4, 16, 10>,
        out: Dense<16, 1>,
    }

    /// GRU: 4 features x 10 steps -> 16 units -> 1.
    pub struct GruModel {
        gru: Gru<4, 16, 10>,
        out: Dense<16, 1>,
    }
}

/// One SGD step: training forward, MSE, backward through time, update.
fn step<N, const P: usize>(
    net: &mut N,
    cache: &mut N::Cache<BATCH>,
    sgd: &mut Sgd<f32, P>,
    x: &SMatrix<f32, { FEATURES * STEPS }, BATCH>,
    targets: &[[f32; 1]; BATCH],
) -> f32
where
    N: Network<f32, { FEATURES * STEPS }, 1, P>,
{
    let output = net.forward_train(x, cache);
    let mut d_output = SMatrix::<f32, 1, BATCH>::zeros();
    let value = Mse.loss_and_gradient(&output, targets, &mut d_output);
    let mut grad = [0.0; P];
    net.backward(cache, &d_output, &mut grad);
    sgd.step(net.parameters_mut(), &grad);
    value
}

fn recurrent(c: &mut Criterion) {
    let mut rng = Rng::seed_from(2024);
    let x = SMatrix::<f32, { FEATURES * STEPS }, BATCH>::from_fn(|_, _| {
        rng.uniform_in(-1.0, 1.0) as f32
    });
    let targets: [[f32; 1]; BATCH] = core::array::from_fn(|b| [x[(0, b)]]);
    let sample = SMatrix::<f32, { FEATURES * STEPS }, 1>::from_fn(|i, _| x[(i, 0)]);

    let mut group = c.benchmark_group("recurrent_inference");
    let rnn = RnnModel::<f32>::seeded(2024);
    group.bench_function("rnn", |b| b.iter(|| rnn.forward(black_box(&sample))));
    let lstm = LstmModel::<f32>::seeded(2024);
    group.bench_function("lstm", |b| b.iter(|| lstm.forward(black_box(&sample))));
    let gru = GruModel::<f32>::seeded(2024);
    group.bench_function("gru", |b| b.iter(|| gru.forward(black_box(&sample))));
    group.finish();

    let mut group = c.benchmark_group("recurrent_train_step");
    group.throughput(Throughput::Elements(BATCH as u64));
    macro_rules! train {
        ($name:literal, $model:ident) => {{
            let mut net = $model::<f32>::seeded(2024);
            let mut cache = Zeroed::zeroed();
            let mut sgd = Sgd::with_lr(1e-3).expect("valid learning rate");
            group.bench_function($name, |b| {
                b.iter(|| step(&mut net, &mut cache, &mut sgd, black_box(&x), &targets));
            });
        }};
    }
    train!("rnn", RnnModel);
    train!("lstm", LstmModel);
    train!("gru", GruModel);
    group.finish();
}

criterion_group!(benches, recurrent);
criterion_main!(benches);
