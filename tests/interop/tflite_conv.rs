//! The int8 convolution and pooling layers against the LiteRT interpreter,
//! as `tflite.rs` checks the dense ones: three seeded networks are
//! quantized, written as `.tflite` files (`CONV_2D`, `DEPTHWISE_CONV_2D`,
//! `MAX_POOL_2D`, `AVERAGE_POOL_2D`, `PAD`, `RESHAPE` and `TRANSPOSE`
//! between constnet's `(C, H, W)` and the file's NHWC) and run on seeded
//! int8 inputs; `fixtures/tflite/make.py` stored the interpreter's
//! reference-kernel outputs, which constnet's must equal bit for bit.
//!
//! - `conv2d`: Conv2d 2 -> 4 (3 x 3, stride 2, padding 1: `SAME`), ReLU
//!   (fused), 2 x 2 max pooling, flatten, dense;
//! - `depthwise`: a depthwise Conv2d with two filters per channel
//!   (dilation 2, padding 2: `SAME`), ReLU, 3 x 3 average pooling with
//!   stride 2 and padding 1 (an explicit `PAD`), flatten, dense;
//! - `conv1d`: a grouped Conv1d (stride 2, padding 1: an explicit `PAD`),
//!   ReLU, a depthwise Conv1d without bias, global average pooling, dense.

use constnet::prelude::*;

use super::tflite::{Chain, check, stage};

fn samples(n: usize, width: usize, seed: u64) -> Vec<Vec<f32>> {
    let mut rng = Rng::seed_from(seed);
    (0..n)
        .map(|_| (0..width).map(|_| rng.normal(0.0, 1.5) as f32).collect())
        .collect()
}

fn params(n: usize, seed: u64, scale: f64) -> Vec<f32> {
    let mut rng = Rng::seed_from(seed);
    (0..n).map(|_| rng.normal(0.0, scale) as f32).collect()
}

fn conv2d_chain() -> Chain {
    let stages = vec![
        stage::<_, 98, 64>(
            "conv",
            Conv2d::<2, 4, 3, 3, 7, 7, 2, 1>::new(),
            &params(76, 21, 0.3),
        ),
        stage::<_, 64, 64>("act", ReLU, &[]),
        stage::<_, 64, 16>("pool", MaxPool2d::<4, 4, 4, 2>, &[]),
        stage::<_, 16, 16>("flat", Flatten, &[]),
        stage::<_, 16, 3>("out", Dense::<16, 3>::new(), &params(51, 22, 0.4)),
    ];
    Chain::quantize(stages, &samples(200, 98, 23))
}

fn depthwise_chain() -> Chain {
    let stages = vec![
        stage::<_, 108, 216>(
            "conv",
            Conv2d::<3, 6, 3, 3, 6, 6, 1, 2, 2, 3>::new(),
            &params(60, 24, 0.4),
        ),
        stage::<_, 216, 216>("act", ReLU, &[]),
        stage::<_, 216, 54>("pool", AvgPool2d::<6, 6, 6, 3, 2, 1>, &[]),
        stage::<_, 54, 54>("flat", Flatten, &[]),
        stage::<_, 54, 2>("out", Dense::<54, 2>::new(), &params(110, 25, 0.2)),
    ];
    Chain::quantize(stages, &samples(200, 108, 26))
}

fn conv1d_chain() -> Chain {
    let stages = vec![
        stage::<_, 40, 20>(
            "conv1",
            Conv1d::<4, 4, 3, 10, 2, 1, 1, 2>::new(),
            &params(28, 27, 0.4),
        ),
        stage::<_, 20, 20>("act", ReLU, &[]),
        stage::<_, 20, 32>(
            "conv2",
            Conv1d::<4, 8, 2, 5, 1, 0, 1, 4, false>::new(),
            &params(16, 28, 0.5),
        ),
        stage::<_, 32, 8>("pool", GlobalAvgPool::<8, 4>, &[]),
        stage::<_, 8, 2>("out", Dense::<8, 2>::new(), &params(18, 29, 0.5)),
    ];
    Chain::quantize(stages, &samples(200, 40, 30))
}

#[test]
fn conv2d_relu_max_pool_dense_equals_the_reference_kernels_bit_for_bit() {
    assert_eq!(check("conv2d", &conv2d_chain()), 0);
}

#[test]
fn depthwise_conv_and_padded_average_pool_equal_the_reference_kernels_bit_for_bit() {
    assert_eq!(check("depthwise", &depthwise_chain()), 0);
}

#[test]
fn grouped_and_depthwise_conv1d_and_global_average_equal_the_reference_kernels() {
    assert_eq!(check("conv1d", &conv1d_chain()), 0);
}
