//! `conv`: the convolution layers' inference forward and training step
//! (forward, MSE gradient, backward, one SGD update; f32, batch 32), each
//! beside a hand-written direct loop over the same shapes in the same run:
//! `Conv2d<1, 8, 3, 3, 8, 8>(padding = 1)` (the `digits_cnn` example's
//! layer) and `Conv1d<4, 8, 3, 32>(padding = 1)`. Throughput is in samples
//! per second.

use std::hint::black_box;

use constnet::prelude::*;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const B: usize = 32;

network! {
    /// The `digits_cnn` example's convolution alone.
    struct Image {
        conv: Conv2d<1, 8, 3, 3, 8, 8>(padding = 1),
    }

    /// Four channels of length 32 to eight.
    struct Line {
        conv: Conv1d<4, 8, 3, 32>(padding = 1),
    }
}

/// A stride-1, zero-padded convolution written out as loops: `C x H x W`
/// in, `F x H x W` out (a `KH x KW` kernel with padding `KH / 2`, `KW / 2`).
struct Hand<
    const C: usize,
    const F: usize,
    const H: usize,
    const W: usize,
    const KH: usize,
    const KW: usize,
> {
    weight: Vec<f32>,
    bias: Vec<f32>,
}

impl<
    const C: usize,
    const F: usize,
    const H: usize,
    const W: usize,
    const KH: usize,
    const KW: usize,
> Hand<C, F, H, W, KH, KW>
{
    fn new(params: &[f32]) -> Self {
        let (weight, bias) = params.split_at(F * C * KH * KW);
        Self {
            weight: weight.to_vec(),
            bias: bias.to_vec(),
        }
    }

    /// Calls `tap(output, input, weight)` for every product of one sample.
    #[inline]
    fn taps(mut tap: impl FnMut(usize, usize, usize)) {
        let (pad_h, pad_w) = (KH / 2, KW / 2);
        for f in 0..F {
            for y in 0..H {
                for x in 0..W {
                    for c in 0..C {
                        for ky in 0..KH {
                            let Some(iy) = (y + ky).checked_sub(pad_h).filter(|&v| v < H) else {
                                continue;
                            };
                            for kx in 0..KW {
                                let Some(ix) = (x + kx).checked_sub(pad_w).filter(|&v| v < W)
                                else {
                                    continue;
                                };
                                tap(
                                    (f * H + y) * W + x,
                                    (c * H + iy) * W + ix,
                                    ((f * C + c) * KH + ky) * KW + kx,
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    fn forward(&self, x: &[f32], y: &mut [f32]) {
        for (yc, xc) in y.chunks_exact_mut(F * H * W).zip(x.chunks_exact(C * H * W)) {
            for (channel, &b) in yc.chunks_exact_mut(H * W).zip(&self.bias) {
                channel.fill(b);
            }
            Self::taps(|o, i, k| yc[o] += self.weight[k] * xc[i]);
        }
    }

    /// Forward, the gradient of `mean((y - t)^2)`, backward and an SGD step.
    fn step(&mut self, x: &[f32], targets: &[f32], y: &mut [f32], lr: f32) {
        self.forward(x, y);
        let scale = 2.0 / y.len() as f32;
        for (v, &t) in y.iter_mut().zip(targets) {
            *v = scale * (*v - t);
        }
        let mut dw = vec![0.0f32; self.weight.len()];
        let mut db = vec![0.0f32; F];
        for (dy, xc) in y.chunks_exact(F * H * W).zip(x.chunks_exact(C * H * W)) {
            Self::taps(|o, i, k| dw[k] += dy[o] * xc[i]);
            for (d, channel) in db.iter_mut().zip(dy.chunks_exact(H * W)) {
                *d += channel.iter().sum::<f32>();
            }
        }
        for (w, g) in self.weight.iter_mut().zip(&dw) {
            *w -= lr * g;
        }
        for (b, g) in self.bias.iter_mut().zip(&db) {
            *b -= lr * g;
        }
    }
}

fn bench_pair<
    N,
    const I: usize,
    const O: usize,
    const P: usize,
    const C: usize,
    const F: usize,
    const H: usize,
    const W: usize,
    const KH: usize,
>(
    c: &mut Criterion,
    name: &str,
) where
    N: Network<f32, I, O, P>,
{
    let mut rng = Rng::seed_from(2024);
    let x = SMatrix::<f32, I, B>::from_fn(|_, _| rng.uniform_in(-1.0, 1.0) as f32);
    let targets: [[f32; O]; B] =
        core::array::from_fn(|_| core::array::from_fn(|_| rng.uniform_in(-1.0, 1.0) as f32));
    let mut net = N::initialized(&mut Rng::seed_from(2024));
    let mut hand = Hand::<C, F, H, W, KH, 3>::new(net.parameters());
    let flat_targets: Vec<f32> = targets.iter().flatten().copied().collect();
    let mut group = c.benchmark_group(format!("conv/{name}"));
    group.throughput(Throughput::Elements(B as u64));
    group.bench_function("forward", |b| b.iter(|| net.forward(black_box(&x))));
    let mut y = vec![0.0f32; O * B];
    // The same function: the hand-written loop computes what the layer does.
    hand.forward(x.as_slice(), &mut y);
    let declared = net.forward(&x);
    assert!(
        declared.iter().zip(&y).all(|(a, b)| (a - b).abs() <= 1e-5),
        "{name}: the hand-written forward differs"
    );
    group.bench_function("handwritten_forward", |b| {
        b.iter(|| hand.forward(black_box(x.as_slice()), &mut y));
    });
    let mut sgd: Sgd<f32, P> = Sgd::with_lr(1e-3).expect("valid learning rate");
    let mut cache = N::Cache::<B>::zeroed();
    let mut grad = [0.0f32; P];
    group.bench_function("train_step", |b| {
        b.iter(|| {
            let output = net.forward_train(black_box(&x), &mut cache);
            let mut d_output = SMatrix::<f32, O, B>::zeros();
            let value = Mse.loss_and_gradient(&output, &targets, &mut d_output);
            net.backward(&mut cache, &d_output, &mut grad);
            sgd.step(net.parameters_mut(), &grad);
            value
        });
    });
    group.bench_function("handwritten_train_step", |b| {
        b.iter(|| hand.step(black_box(x.as_slice()), &flat_targets, &mut y, 1e-3));
    });
    group.finish();
}

fn conv(c: &mut Criterion) {
    bench_pair::<Image<f32>, 64, 512, 80, 1, 8, 8, 8, 3>(c, "conv2d_1x8x8_to_8");
    // The hand-written loop reads a line as a 1 x 32 image and a 1 x 3 kernel.
    bench_pair::<Line<f32>, 128, 256, 104, 4, 8, 1, 32, 1>(c, "conv1d_4x32_to_8");
}

criterion_group!(benches, conv);
criterion_main!(benches);
