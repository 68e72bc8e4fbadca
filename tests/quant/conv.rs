//! int8 convolution and pooling networks: each int8 convolution against a
//! straightforward `i64` computation written here from the definition
//! (4-D indices, explicit zero-point padding), each pooling layer against
//! its definition, and a lone convolution against the float layer within
//! the quantization error bound.

use constnet::prelude::*;
use constnet::quant::{
    ActivationParams, Int8Layer, LayerChain, Quantize,
    multiply_by_quantized_multiplier_double_rounding,
};

network! {
    /// Conv2d 2 -> 4 (3 x 3, stride 2, padding 1) over 2 x 7 x 7, ReLU,
    /// 2 x 2 max pooling, flatten, dense to 3.
    pub struct Small2d {
        conv: Conv2d<2, 4, 3, 3, 7, 7>(stride = 2, padding = 1),
        act: ReLU,
        pool: MaxPool2d<4, 4, 4, 2>,
        flat: Flatten,
        out: Dense<16, 3>,
    }

    /// A depthwise convolution with two filters per channel (dilation 2,
    /// padding 2), ReLU, padded 3 x 3 average pooling, dense to 2.
    pub struct Depthwise {
        conv: Conv2d<3, 6, 3, 3, 6, 6>(groups = 3, padding = 2, dilation = 2),
        act: ReLU,
        pool: AvgPool2d<6, 6, 6, 3>(stride = 2, padding = 1),
        flat: Flatten,
        out: Dense<54, 2>,
    }

    /// A grouped Conv1d without bias, ReLU, global average pooling.
    pub struct Signal1d {
        conv: Conv1d<2, 4, 3, 10>(padding = 2, dilation = 2, groups = 2, bias = false),
        act: ReLU,
        pool: GlobalAvgPool<4, 10>,
        out: Dense<4, 2>,
    }

    /// A lone convolution, to compare with its float layer.
    pub struct Lone {
        conv: Conv2d<2, 3, 3, 3, 5, 5>(padding = 1),
    }
}

/// `n` seeded samples of `N` values, normal with standard deviation 1.5.
pub fn samples<const N: usize>(n: usize, seed: u64) -> Vec<[f32; N]> {
    let mut rng = Rng::seed_from(seed);
    (0..n)
        .map(|_| core::array::from_fn(|_| rng.normal(0.0, 1.5) as f32))
        .collect()
}

/// The geometry of a convolution as plain numbers, for the reference.
struct Conv {
    cin: usize,
    cout: usize,
    groups: usize,
    h: usize,
    w: usize,
    kh: usize,
    kw: usize,
    stride: (usize, usize),
    pad: (usize, usize),
    dil: (usize, usize),
}

impl Conv {
    fn out(&self) -> (usize, usize) {
        let len = |n: usize, k: usize, s: usize, p: usize, d: usize| {
            (n + 2 * p - d * (k - 1) - 1) / s + 1
        };
        (
            len(self.h, self.kh, self.stride.0, self.pad.0, self.dil.0),
            len(self.w, self.kw, self.stride.1, self.pad.1, self.dil.1),
        )
    }

    /// The int32 accumulators in `i64`, the input padded explicitly with
    /// `z_in`: `acc[co][oy][ox] = b[co] + sum w[co][ci][u][v] (xp[..] - z_in)`,
    /// `w` read through `weight(co, ci, u, v)`.
    fn accumulators(
        &self,
        x: &[i8],
        z_in: i8,
        bias: &[i32],
        weight: impl Fn(usize, usize, usize, usize) -> i8,
    ) -> Vec<i64> {
        let (ph, pw) = (self.h + 2 * self.pad.0, self.w + 2 * self.pad.1);
        let mut padded = vec![i64::from(z_in); self.cin * ph * pw];
        for c in 0..self.cin {
            for y in 0..self.h {
                for xx in 0..self.w {
                    padded[(c * ph + y + self.pad.0) * pw + xx + self.pad.1] =
                        i64::from(x[(c * self.h + y) * self.w + xx]);
                }
            }
        }
        let (oh, ow) = self.out();
        let (per_group_in, per_group_out) = (self.cin / self.groups, self.cout / self.groups);
        let mut acc = Vec::new();
        for (co, &b) in bias.iter().enumerate().take(self.cout) {
            let g = co / per_group_out;
            for oy in 0..oh {
                for ox in 0..ow {
                    let mut sum = i64::from(b);
                    for ci in 0..per_group_in {
                        let c = g * per_group_in + ci;
                        for u in 0..self.kh {
                            for v in 0..self.kw {
                                let y = oy * self.stride.0 + u * self.dil.0;
                                let xx = ox * self.stride.1 + v * self.dil.1;
                                let value = padded[(c * ph + y) * pw + xx];
                                sum += i64::from(weight(co, ci, u, v)) * (value - i64::from(z_in));
                            }
                        }
                    }
                    acc.push(sum);
                }
            }
        }
        acc
    }
}

/// `clamp(z_out + M_c acc, -128, 127)` (the multiplier applied with two
/// roundings, as LiteRT's convolution kernels apply it) for every output of channel-major
/// accumulators, `positions` per channel.
fn requantize(
    acc: &[i64],
    positions: usize,
    multiplier: impl Fn(usize) -> constnet::quant::QuantizedMultiplier,
    z_out: i8,
) -> Vec<i8> {
    acc.iter()
        .enumerate()
        .map(|(o, &a)| {
            let a = i32::try_from(a).expect("the accumulator fits i32");
            let y = multiply_by_quantized_multiplier_double_rounding(a, multiplier(o / positions));
            (y + i32::from(z_out)).clamp(-128, 127) as i8
        })
        .collect()
}

/// Seeded int8 inputs covering the whole range.
fn int8_inputs<const N: usize>(n: usize, seed: u64) -> Vec<[i8; N]> {
    let mut rng = Rng::seed_from(seed);
    (0..n)
        .map(|_| core::array::from_fn(|_| (rng.below(256) as i32 - 128) as i8))
        .collect()
}

#[test]
fn conv2d_equals_the_i64_definition_and_pooling_its_definition() {
    let net = Small2d::<f32>::seeded(1);
    let calibration = samples::<98>(64, 2);
    let q8 = net.quantize(&Calibration::new(&calibration)).unwrap();
    let conv = &q8.layers.first;
    let geometry = Conv {
        cin: 2,
        cout: 4,
        groups: 1,
        h: 7,
        w: 7,
        kh: 3,
        kw: 3,
        stride: (2, 2),
        pad: (1, 1),
        dil: (1, 1),
    };
    let relu = &q8.layers.rest.first;
    assert_eq!((relu.min, relu.max), (conv.output_zero_point, 127));
    for x in int8_inputs::<98>(50, 3) {
        let acc = geometry.accumulators(&x, conv.input_zero_point, &conv.bias, |co, ci, u, v| {
            conv.weights[co][ci][u][v]
        });
        let want = requantize(&acc, 16, |c| conv.multiplier(c), conv.output_zero_point);
        let mut got = [0_i8; 64];
        conv.forward(&x, &mut got);
        assert_eq!(got.to_vec(), want);
        // Max pooling 2 x 2 of the clamped map, in the same quantization.
        let mut clamped = [0_i8; 64];
        relu.forward(&got, &mut clamped);
        let mut pooled = [0_i8; 16];
        q8.layers.rest.rest.first.forward(&clamped, &mut pooled);
        for c in 0..4 {
            for i in 0..2 {
                for j in 0..2 {
                    let window = [(0, 0), (0, 1), (1, 0), (1, 1)]
                        .map(|(a, b)| clamped[c * 16 + (2 * i + a) * 4 + 2 * j + b]);
                    assert_eq!(pooled[c * 4 + i * 2 + j], *window.iter().max().unwrap());
                }
            }
        }
    }
}

#[test]
fn depthwise_conv_and_padded_average_pooling_equal_their_definitions() {
    let net = Depthwise::<f32>::seeded(4);
    let calibration = samples::<108>(64, 5);
    let q8 = net.quantize(&Calibration::new(&calibration)).unwrap();
    let conv = &q8.layers.first;
    let geometry = Conv {
        cin: 3,
        cout: 6,
        groups: 3,
        h: 6,
        w: 6,
        kh: 3,
        kw: 3,
        stride: (1, 1),
        pad: (2, 2),
        dil: (2, 2),
    };
    // Only the first `C_IN / GROUPS` rows of each filter are used.
    assert!(
        conv.weights
            .iter()
            .all(|w| w[1..].iter().flatten().flatten().all(|&v| v == 0))
    );
    let pool = &q8.layers.rest.rest.first;
    for x in int8_inputs::<108>(50, 6) {
        let acc = geometry.accumulators(&x, conv.input_zero_point, &conv.bias, |co, ci, u, v| {
            conv.weights[co][ci][u][v]
        });
        let want = requantize(&acc, 36, |c| conv.multiplier(c), conv.output_zero_point);
        let mut got = [0_i8; 216];
        conv.forward(&x, &mut got);
        assert_eq!(got.to_vec(), want);
        // Average 3 x 3, stride 2, padding 1: 6 x 3 x 3 outputs, each the
        // rounded mean of 9 taps, a padded tap counting as the zero point.
        let mut pooled = [0_i8; 54];
        pool.forward(&got, &mut pooled);
        let z = i64::from(pool.input_zero_point);
        for c in 0..6 {
            for i in 0..3 {
                for j in 0..3 {
                    let mut sum = 0_i64;
                    for a in 0..3 {
                        for b in 0..3 {
                            let (y, xx) = ((2 * i + a) as i64 - 1, (2 * j + b) as i64 - 1);
                            sum += if (0..6).contains(&y) && (0..6).contains(&xx) {
                                i64::from(got[c * 36 + (y * 6 + xx) as usize])
                            } else {
                                z
                            };
                        }
                    }
                    // Nearest, ties away from zero.
                    let mean = (sum as f64 / 9.0).abs().round().copysign(sum as f64) as i64;
                    assert_eq!(i64::from(pooled[c * 9 + i * 3 + j]), mean.clamp(-128, 127));
                }
            }
        }
    }
}

#[test]
fn grouped_conv1d_without_bias_and_global_average() {
    let net = Signal1d::<f32>::seeded(7);
    let calibration = samples::<20>(64, 8);
    let q8 = net.quantize(&Calibration::new(&calibration)).unwrap();
    let conv = &q8.layers.first;
    assert_eq!(conv.bias, [0; 4]);
    let geometry = Conv {
        cin: 2,
        cout: 4,
        groups: 2,
        h: 1,
        w: 10,
        kh: 1,
        kw: 3,
        stride: (1, 1),
        pad: (0, 2),
        dil: (1, 2),
    };
    for x in int8_inputs::<20>(50, 9) {
        let acc = geometry.accumulators(&x, conv.input_zero_point, &conv.bias, |co, ci, _, v| {
            conv.weights[co][ci][v]
        });
        let want = requantize(&acc, 10, |c| conv.multiplier(c), conv.output_zero_point);
        let mut got = [0_i8; 40];
        conv.forward(&x, &mut got);
        assert_eq!(got.to_vec(), want);
        let mut pooled = [0_i8; 4];
        q8.layers.rest.rest.first.forward(&got, &mut pooled);
        for c in 0..4 {
            let sum: i64 = got[c * 10..(c + 1) * 10]
                .iter()
                .map(|&v| i64::from(v))
                .sum();
            let mean = (sum as f64 / 10.0).abs().round().copysign(sum as f64) as i64;
            assert_eq!(i64::from(pooled[c]), mean);
        }
    }
}

#[test]
fn a_conv_network_keeps_its_float_accuracy_within_the_quantization_bound() {
    let net = Lone::<f32>::seeded(10);
    let calibration = samples::<50>(200, 11);
    let q8 = net.quantize(&Calibration::new(&calibration)).unwrap();
    let p = net.parameters();
    let (weights, bias) = p.split_at(54);
    let input = q8.input;
    let mut worst = 0.0_f32;
    for x in samples::<50>(40, 12) {
        // On the input's grid (saturated to its range), so only the weights
        // and the output round.
        let x = x.map(|v| input.dequantize(input.quantize(v)));
        let want = net.forward(&SMatrix::<f32, 50, 1>::from_column_slice(&x));
        let got = q8.forward_real(&x);
        for co in 0..3 {
            // Weight rounding (half a step of s_w per |x|), the input is
            // exact here (x is on the input's grid), half an output step.
            let row = &weights[co * 18..(co + 1) * 18];
            let s_w = row.iter().fold(0.0_f32, |m, w| m.max(w.abs())) / 127.0;
            let l1_x: f32 = x.iter().map(|v| v.abs()).sum();
            let bound = 0.5 * s_w * l1_x + q8.output.scale * 0.5 + 1e-4 + 1e-6 * bias[co].abs();
            for o in co * 25..(co + 1) * 25 {
                let err = (got[o] - want[o]).abs();
                worst = worst.max(err / bound);
                assert!(err <= bound, "output {o}: {} vs {}", got[o], want[o]);
            }
        }
    }
    // The bound is not vacuous: the error reaches a fair share of it.
    assert!(worst > 0.05, "largest error / bound = {worst}");
}

#[test]
fn the_chain_lists_the_conv_and_pooling_layers() {
    let chain = <Small2d as LayerChain>::chain();
    let p = ActivationParams::fixed(0.1, 0);
    // The parameters are the float layer's: weight, then bias.
    let conv = <Conv2d<2, 4, 3, 3, 7, 7, 2, 1> as Quantize<98, 64>>::quantize(
        &chain.first,
        0,
        &[0.5; 76],
        p,
        p,
    )
    .unwrap();
    assert_eq!(conv.weights[3][1][2][2], 127);
    // b / (s_in s_w) = 0.5 / (0.1 * 0.5 / 127).
    assert_eq!(conv.bias, [1270; 4]);
}
