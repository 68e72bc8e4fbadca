//! The int8 layers: integers only, no heap, no floating point.
//!
//! Each is a plain struct of integer arrays, buildable in a `static` (so
//! its tables stay in flash), with a [`Int8Layer::forward`] for one
//! sample. The arithmetic is TensorFlow Lite's reference kernels':
//!
//! | layer | TensorFlow Lite op | computes |
//! |---|---|---|
//! | [`Int8Dense`] | `FULLY_CONNECTED`, per-channel int8 weights | `y[c] = z_out + M_c (b[c] + sum_i w[c][i] (x[i] - z_in))`, clamped to int8 |
//! | [`Int8Clamp`] | a fused `RELU` / `RELU6`, or the op alone | `clamp(x, min, max)` (input and output share one quantization) |
//! | [`Int8Table`] | `LOGISTIC`, `TANH` | a 256-entry table, indexed by the input |
//! | [`Int8Softmax`] | `SOFTMAX` | TensorFlow Lite Micro's fixed-point softmax ([`SoftmaxParams`]) |
//!
//! `M_c` is applied with
//! [`multiply_by_quantized_multiplier`].

use super::fixed_point::{QuantizedMultiplier, multiply_by_quantized_multiplier};
use super::softmax::SoftmaxParams;

/// One int8 layer of `I` inputs and `O` outputs, for one sample.
pub trait Int8Layer<const I: usize, const O: usize> {
    /// `output = f(input)`, integers only.
    fn forward(&self, input: &[i8; I], output: &mut [i8; O]);
}

/// An int8 fully connected layer with per-output-channel weight scales.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Int8Dense<const I: usize, const O: usize> {
    /// `w[c][i]` in `[-127, 127]`, row `c` at scale `s_w[c]` (PyTorch's
    /// `out x in` layout).
    pub weights: [[i8; I]; O],
    /// `b[c]` at scale `s_in * s_w[c]`, zero point 0.
    pub bias: [i32; O],
    /// `M_c = s_in * s_w[c] / s_out` as TensorFlow Lite's significand.
    pub multipliers: [i32; O],
    /// The power of two of `M_c` (see
    /// [`QuantizedMultiplier`]).
    pub shifts: [i8; O],
    /// The input's zero point `z_in`.
    pub input_zero_point: i8,
    /// The output's zero point `z_out`.
    pub output_zero_point: i8,
}

impl<const I: usize, const O: usize> Int8Dense<I, O> {
    /// Channel `c`'s multiplier.
    #[inline]
    #[must_use]
    pub fn multiplier(&self, c: usize) -> QuantizedMultiplier {
        QuantizedMultiplier {
            multiplier: self.multipliers[c],
            shift: i32::from(self.shifts[c]),
        }
    }

    /// The int32 accumulators `b[c] + sum_i w[c][i] (x[i] - z_in)` before
    /// requantization (what the diagnostics read).
    #[must_use]
    pub fn accumulators(&self, input: &[i8; I]) -> [i32; O] {
        let zero = i16::from(self.input_zero_point);
        // `x - z_in` fits in i16: both are int8.
        let centered: [i16; I] = core::array::from_fn(|i| i16::from(input[i]) - zero);
        core::array::from_fn(|c| {
            let mut acc = self.bias[c];
            for (&w, &x) in self.weights[c].iter().zip(&centered) {
                acc = acc.wrapping_add(i32::from(w) * i32::from(x));
            }
            acc
        })
    }
}

impl<const I: usize, const O: usize> Int8Layer<I, O> for Int8Dense<I, O> {
    fn forward(&self, input: &[i8; I], output: &mut [i8; O]) {
        let acc = self.accumulators(input);
        for (c, y) in output.iter_mut().enumerate() {
            let scaled = multiply_by_quantized_multiplier(acc[c], self.multiplier(c));
            *y = scaled
                .saturating_add(i32::from(self.output_zero_point))
                .clamp(-128, 127) as i8;
        }
    }
}

/// `y = clamp(x, min, max)`: ReLU (`min` = the zero point, `max` = 127)
/// and ReLU6 (`max = z + round(6 / s)`) in the quantization they share
/// with their input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Int8Clamp<const N: usize> {
    /// The lower bound.
    pub min: i8,
    /// The upper bound.
    pub max: i8,
}

impl<const N: usize> Int8Layer<N, N> for Int8Clamp<N> {
    fn forward(&self, input: &[i8; N], output: &mut [i8; N]) {
        for (y, &x) in output.iter_mut().zip(input) {
            *y = x.clamp(self.min, self.max);
        }
    }
}

/// Which function an [`Int8Table`] tabulates (the TensorFlow Lite op it
/// is written as).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TableFunction {
    /// `1 / (1 + e^-x)`, output scale 1/256 and zero point -128.
    Logistic,
    /// `tanh x`, output scale 1/128 and zero point 0.
    Tanh,
}

/// `y = table[x + 128]`: an elementwise function of an int8 input as the
/// LiteRT interpreter evaluates `LOGISTIC` and `TANH` (a table filled at
/// preparation, entry by entry as the interpreter fills it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Int8Table<const N: usize> {
    /// The function tabulated.
    pub function: TableFunction,
    /// `table[q + 128]` is the output for input `q`.
    pub table: [i8; 256],
}

impl<const N: usize> Int8Layer<N, N> for Int8Table<N> {
    fn forward(&self, input: &[i8; N], output: &mut [i8; N]) {
        for (y, &x) in output.iter_mut().zip(input) {
            *y = self.table[(i16::from(x) + 128) as usize];
        }
    }
}

/// Softmax over the `N` features of a sample (output scale 1/256, zero
/// point -128).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Int8Softmax<const N: usize> {
    /// The input rescaling and cut-off.
    pub params: SoftmaxParams,
}

impl<const N: usize> Int8Layer<N, N> for Int8Softmax<N> {
    fn forward(&self, input: &[i8; N], output: &mut [i8; N]) {
        self.params.apply(input, output);
    }
}

/// The identity (a layer with no effect on the int8 values).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Int8Identity<const N: usize>;

impl<const N: usize> Int8Layer<N, N> for Int8Identity<N> {
    fn forward(&self, input: &[i8; N], output: &mut [i8; N]) {
        *output = *input;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quant::fixed_point::quantize_multiplier;

    #[test]
    fn dense_matches_the_integer_formula() {
        let m = quantize_multiplier(0.01).unwrap();
        let layer = Int8Dense::<3, 2> {
            weights: [[1, -2, 3], [127, -127, 0]],
            bias: [100, -5001],
            multipliers: [m.multiplier; 2],
            shifts: [m.shift as i8; 2],
            input_zero_point: -10,
            output_zero_point: 5,
        };
        let x = [20_i8, -30, 127];
        let mut y = [0_i8; 2];
        layer.forward(&x, &mut y);
        // (100 + 30 + 40 + 411) * 0.01 = 5.81 -> 6, + 5.
        assert_eq!(y[0], 11);
        // (-5001 + 3810 + 2540) * 0.01 = 13.49 -> 13, + 5.
        assert_eq!(y[1], 18);
        assert_eq!(layer.accumulators(&x), [581, 1349]);
    }

    #[test]
    fn dense_saturates_at_the_int8_range() {
        let m = quantize_multiplier(1.0).unwrap();
        let layer = Int8Dense::<1, 2> {
            weights: [[127], [-127]],
            bias: [0, 0],
            multipliers: [m.multiplier; 2],
            shifts: [m.shift as i8; 2],
            input_zero_point: 0,
            output_zero_point: 0,
        };
        let mut y = [0_i8; 2];
        layer.forward(&[100], &mut y);
        assert_eq!(y, [127, -128]);
    }

    #[test]
    fn clamp_and_table() {
        let mut y = [0_i8; 4];
        Int8Clamp::<4> { min: -20, max: 100 }.forward(&[-128, -20, 50, 127], &mut y);
        assert_eq!(y, [-20, -20, 50, 100]);
        let table: [i8; 256] = core::array::from_fn(|i| (255 - i) as u8 as i8);
        let layer = Int8Table::<4> {
            function: TableFunction::Tanh,
            table,
        };
        layer.forward(&[-128, -1, 0, 127], &mut y);
        assert_eq!(y, [-1, -128, 127, 0]);
    }
}
