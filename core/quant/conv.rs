//! The int8 convolutions, [`Int8Conv1d`] and [`Int8Conv2d`]: TensorFlow
//! Lite's `CONV_2D` and `DEPTHWISE_CONV_2D` with per-output-channel int8
//! weights (its reference `integer_ops::ConvPerChannel` and
//! `DepthwiseConvPerChannel`), on constnet's `(C, H, W)` row-major samples.
//!
//! For output channel `co` at position `(oy, ox)`, with `g` the group of
//! `co` and the sums over the taps that fall inside the input,
//!
//! `acc = b[co] + sum_{ci < C_IN / GROUPS, u, v} w[co][ci][u][v] (x[g C_IN / GROUPS + ci, oy S + u D - P, ox S + v D - P] - z_in)`
//!
//! `y = clamp(z_out + M_co acc, -128, 127)`, `M_co = s_in s_w[co] / s_out`
//! applied with
//! [`multiply_by_quantized_multiplier_double_rounding`]: gemmlowp's
//! rounding doubling high multiply, then a rounding shift. That is what the
//! LiteRT interpreter's convolution kernels compute (`ai-edge-litert` 2.3,
//! reference kernels, checked on the fixtures, including the tensors
//! between ops), where its fully connected kernel rounds once
//! ([`Int8Dense`](super::layers::Int8Dense)); the two differ by one step
//! on a few outputs in a thousand.
//! A tap outside the input is skipped, which is the same as padding with
//! the input's zero point `z_in` (the real 0 of PyTorch's zero padding):
//! what TensorFlow Lite's reference kernels do. A fused ReLU or ReLU6 is
//! the [`Int8Clamp`](super::layers::Int8Clamp) stage after the layer.
//!
//! The weight arrays have room for `C_IN` input channels per output
//! channel (stable Rust cannot size an array by `C_IN / GROUPS`): a grouped
//! or depthwise convolution uses the first `C_IN / GROUPS` rows of each
//! `w[co]` and leaves the others 0.

use super::QuantError;
use super::convert::{Channel, OutputQuantization, Quantize};
use super::fixed_point::{QuantizedMultiplier, multiply_by_quantized_multiplier_double_rounding};
use super::layers::Int8Layer;
use super::params::ActivationParams;
use crate::layer::conv::ConvGeometry;
use crate::layer::{Conv1d, Conv2d};

/// The integer arithmetic of one convolution over flat slices: `weights`
/// holds `C_IN taps` values per output channel (see the module
/// documentation), `input` and `output` one sample each.
#[allow(clippy::too_many_arguments)]
#[inline]
fn conv_int8(
    geometry: &ConvGeometry,
    weights: &[i8],
    bias: &[i32],
    multipliers: &[i32],
    shifts: &[i8],
    zero_points: (i8, i8),
    input: &[i8],
    output: &mut [i8],
) {
    let (oh, ow) = (geometry.out_h(), geometry.out_w());
    let (cin, cout) = (geometry.group_inputs(), geometry.group_outputs());
    let (height, width) = (geometry.height, geometry.width);
    let (kh, kw) = (geometry.kernel_h, geometry.kernel_w);
    let taps = geometry.taps();
    let per_channel = geometry.in_channels * taps;
    let plane = height * width;
    let z_in = i32::from(zero_points.0);
    let z_out = i32::from(zero_points.1);
    let mut o = 0;
    for co in 0..geometry.out_channels {
        let first_input = (co / cout.max(1)) * cin;
        let filter = &weights[co * per_channel..(co + 1) * per_channel];
        let m = QuantizedMultiplier {
            multiplier: multipliers[co],
            shift: i32::from(shifts[co]),
        };
        for oy in 0..oh {
            for ox in 0..ow {
                let mut acc = bias[co];
                for ci in 0..cin {
                    let plane_at = (first_input + ci) * plane;
                    for ky in 0..kh {
                        let Some(y) = (oy * geometry.stride_h + ky * geometry.dil_h)
                            .checked_sub(geometry.pad_h)
                            .filter(|&y| y < height)
                        else {
                            continue;
                        };
                        let row = plane_at + y * width;
                        let taps_at = ci * taps + ky * kw;
                        for kx in 0..kw {
                            let Some(x) = (ox * geometry.stride_w + kx * geometry.dil_w)
                                .checked_sub(geometry.pad_w)
                                .filter(|&x| x < width)
                            else {
                                continue;
                            };
                            let centered = i32::from(input[row + x]) - z_in;
                            acc = acc.wrapping_add(i32::from(filter[taps_at + kx]) * centered);
                        }
                    }
                }
                let scaled = multiply_by_quantized_multiplier_double_rounding(acc, m);
                output[o] = scaled.saturating_add(z_out).clamp(-128, 127) as i8;
                o += 1;
            }
        }
    }
}

/// Quantizes a convolution's float parameters (`weight` `[C_out, C_in /
/// groups, taps]` row-major, then the bias when `bias`) into `weights`
/// (`C_in taps` values per output channel) and the per-channel bias and
/// multipliers.
#[allow(clippy::too_many_arguments)]
fn quantize_conv(
    geometry: &ConvGeometry,
    layer: usize,
    parameters: &[f32],
    has_bias: bool,
    input: ActivationParams,
    output: ActivationParams,
    weights: &mut [i8],
    bias: &mut [i32],
    multipliers: &mut [i32],
    shifts: &mut [i8],
) -> Result<(), QuantError> {
    let row = geometry.group_inputs() * geometry.taps();
    let per_channel = geometry.in_channels * geometry.taps();
    let weight_len = geometry.weight_len();
    for c in 0..geometry.out_channels {
        let channel = Channel {
            layer,
            index: c,
            weights: &parameters[c * row..(c + 1) * row],
            weight_index: c * row,
            bias: if has_bias {
                parameters[weight_len + c]
            } else {
                0.0
            },
            bias_index: weight_len + c,
            terms: row,
        };
        let out = &mut weights[c * per_channel..c * per_channel + row];
        let (b, m) = channel.quantize(input, output, out)?;
        bias[c] = b;
        multipliers[c] = m.multiplier;
        shifts[c] = m.shift as i8;
    }
    Ok(())
}

macro_rules! int8_conv {
    (
        $(#[$doc:meta])*
        $name:ident, $float:ident, [$($g:ident),*], [$($d:ident = $default:expr),*],
        $weights:ty, $zero:expr, $flat:ident, $flat_mut:ident
    ) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name<$(const $g: usize,)* $(const $d: usize = $default),*> {
            /// `w[co][ci]`, the filter of output channel `co` on the `ci`-th
            /// input channel of its group, in `[-127, 127]` at scale
            /// `s_w[co]` (rows from `C_IN / GROUPS` on are 0).
            pub weights: $weights,
            /// `b[co]` at scale `s_in * s_w[co]`, zero point 0.
            pub bias: [i32; C_OUT],
            /// `M_co = s_in * s_w[co] / s_out` as TensorFlow Lite's significand.
            pub multipliers: [i32; C_OUT],
            /// The power of two of `M_co` (see [`QuantizedMultiplier`]).
            pub shifts: [i8; C_OUT],
            /// The input's zero point `z_in` (also the padding value).
            pub input_zero_point: i8,
            /// The output's zero point `z_out`.
            pub output_zero_point: i8,
        }

        impl<$(const $g: usize,)* $(const $d: usize),*> $name<$($g,)* $($d),*> {
            /// The geometry, the float layer's.
            pub const GEOMETRY: ConvGeometry = $float::<$($g,)* $($d,)* true>::GEOMETRY;

            /// Output channel `c`'s multiplier.
            #[inline]
            #[must_use]
            pub fn multiplier(&self, c: usize) -> QuantizedMultiplier {
                QuantizedMultiplier {
                    multiplier: self.multipliers[c],
                    shift: i32::from(self.shifts[c]),
                }
            }

            /// The weights as one slice, `C_IN taps` values per output channel.
            #[must_use]
            pub fn flat_weights(&self) -> &[i8] {
                self.weights.$flat()
            }
        }

        impl<$(const $g: usize,)* $(const $d: usize,)* const I: usize, const O: usize>
            Int8Layer<I, O> for $name<$($g,)* $($d),*>
        {
            fn forward(&self, input: &[i8; I], output: &mut [i8; O]) {
                const {
                    assert!(
                        I == Self::GEOMETRY.input() && O == Self::GEOMETRY.output(),
                        "the widths of `Int8Layer<I, O>` are the convolution's input and output widths"
                    );
                };
                conv_int8(
                    &Self::GEOMETRY,
                    self.flat_weights(),
                    &self.bias,
                    &self.multipliers,
                    &self.shifts,
                    (self.input_zero_point, self.output_zero_point),
                    input,
                    output,
                );
            }
        }

        impl<$(const $g: usize,)* $(const $d: usize,)* const BIAS: bool, const I: usize, const O: usize>
            Quantize<I, O> for $float<$($g,)* $($d,)* BIAS>
        {
            type Int8 = $name<$($g,)* $($d),*>;
            const OUTPUT_QUANTIZATION: OutputQuantization = OutputQuantization::Calibrated;

            /// Weights per output channel (symmetric), biases at
            /// `s_in * s_w[co]` (0 without a bias), multipliers
            /// `s_in * s_w[co] / s_out`. Errors index the parameters as the
            /// float layer does (weight, then bias).
            fn quantize(
                &self,
                layer: usize,
                parameters: &[f32],
                input: ActivationParams,
                output: ActivationParams,
            ) -> Result<Self::Int8, QuantError> {
                let mut int8 = $name {
                    weights: $zero,
                    bias: [0; C_OUT],
                    multipliers: [0; C_OUT],
                    shifts: [0; C_OUT],
                    input_zero_point: input.zero_point,
                    output_zero_point: output.zero_point,
                };
                let geometry = Self::GEOMETRY;
                let weights = int8.weights.$flat_mut();
                quantize_conv(
                    &geometry,
                    layer,
                    parameters,
                    BIAS,
                    input,
                    output,
                    weights,
                    &mut int8.bias,
                    &mut int8.multipliers,
                    &mut int8.shifts,
                )?;
                Ok(int8)
            }
        }
    };
}

/// Flattens `[[[i8; K]; C_IN]; C_OUT]`.
trait Flat3 {
    fn flat3(&self) -> &[i8];
    fn flat3_mut(&mut self) -> &mut [i8];
}

impl<const A: usize, const B: usize, const C: usize> Flat3 for [[[i8; A]; B]; C] {
    fn flat3(&self) -> &[i8] {
        self.as_flattened().as_flattened()
    }
    fn flat3_mut(&mut self) -> &mut [i8] {
        self.as_flattened_mut().as_flattened_mut()
    }
}

/// Flattens `[[[[i8; KW]; KH]; C_IN]; C_OUT]`.
trait Flat4 {
    fn flat4(&self) -> &[i8];
    fn flat4_mut(&mut self) -> &mut [i8];
}

impl<const A: usize, const B: usize, const C: usize, const D: usize> Flat4
    for [[[[i8; A]; B]; C]; D]
{
    fn flat4(&self) -> &[i8] {
        self.as_flattened().as_flattened().as_flattened()
    }
    fn flat4_mut(&mut self) -> &mut [i8] {
        self.as_flattened_mut()
            .as_flattened_mut()
            .as_flattened_mut()
    }
}

int8_conv!(
    /// An int8 [`Conv1d`]: TensorFlow Lite's `CONV_2D` (or
    /// `DEPTHWISE_CONV_2D` when `GROUPS = C_IN`) on a height-1 image. The
    /// same generic arguments as the float layer, without `BIAS` (a layer
    /// without one has `b = 0`). See the module documentation.
    Int8Conv1d, Conv1d, [C_IN, C_OUT, K, L],
    [STRIDE = 1, PADDING = 0, DILATION = 1, GROUPS = 1],
    [[[i8; K]; C_IN]; C_OUT], [[[0; K]; C_IN]; C_OUT], flat3, flat3_mut
);

int8_conv!(
    /// An int8 [`Conv2d`]: TensorFlow Lite's `CONV_2D` (or
    /// `DEPTHWISE_CONV_2D` when `GROUPS = C_IN`). The same generic arguments
    /// as the float layer, without `BIAS` (a layer without one has
    /// `b = 0`). See the module documentation.
    Int8Conv2d, Conv2d, [C_IN, C_OUT, KH, KW, H, W],
    [STRIDE = 1, PADDING = 0, DILATION = 1, GROUPS = 1],
    [[[[i8; KW]; KH]; C_IN]; C_OUT], [[[[0; KW]; KH]; C_IN]; C_OUT], flat4, flat4_mut
);
