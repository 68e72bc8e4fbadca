//! The int8 pooling layers and `Flatten`. Each keeps its input's
//! quantization (TensorFlow Lite requires it of `MAX_POOL_2D`,
//! `AVERAGE_POOL_2D` and `RESHAPE`): pooling selects or averages int8
//! values, with no requantization.
//!
//! | layer | int8 form | computes |
//! |---|---|---|
//! | `MaxPool1d`, `MaxPool2d` | [`Int8MaxPool`] | `y = max` over the window's taps inside the input (PyTorch pads with `-inf`) |
//! | `AvgPool1d`, `AvgPool2d`, `GlobalAvgPool` | [`Int8AvgPool`] | `y = round(acc / k)`, `acc` the window's sum with each padded tap counted as `z_in`, `k` the full window's taps |
//! | `Flatten` | [`Int8Identity`] | `y = x` |
//!
//! The rounding of the average is TensorFlow Lite's reference int8
//! `AveragePool`: `(acc + k / 2) / k` for `acc > 0`, else `(acc - k / 2) /
//! k`, dividing with truncation (to nearest, ties away from zero). The
//! divisor is the full window, padded taps included, as the float layers
//! (PyTorch's `count_include_pad = true`) divide: a padded tap is a real 0,
//! the int8 value `z_in`. (TensorFlow Lite's own `SAME` padding divides by
//! the taps inside the input instead, so the `.tflite` writer pads with
//! `PAD` and pools `VALID`, which computes exactly this.)

use super::QuantError;
use super::convert::{OutputQuantization, Quantize};
use super::layers::{Int8Identity, Int8Layer};
use super::params::ActivationParams;
use crate::layer::pool::Window;
use crate::layer::{AvgPool1d, AvgPool2d, Flatten, GlobalAvgPool, MaxPool1d, MaxPool2d};

/// A pooling layer's window geometry, as a trait the int8 forms read.
pub trait PoolWindow {
    /// The geometry.
    const WINDOW: Window;
}

/// `max` over the taps of each window inside the input (at least one: the
/// padding is at most half the kernel).
fn max_pool_int8(window: &Window, input: &[i8], output: &mut [i8]) {
    window.for_each_output(|o, c, oy, ox| {
        let mut largest = i8::MIN;
        window.for_each_tap(c, oy, ox, |i| largest = largest.max(input[i]));
        output[o] = largest;
    });
}

/// The rounded average of each window, padded taps counted as `zero`.
fn avg_pool_int8(window: &Window, zero: i8, input: &[i8], output: &mut [i8]) {
    let taps = window.taps() as i32;
    window.for_each_output(|o, c, oy, ox| {
        let (mut acc, mut inside) = (0_i32, 0_i32);
        window.for_each_tap(c, oy, ox, |i| {
            acc += i32::from(input[i]);
            inside += 1;
        });
        acc += (taps - inside) * i32::from(zero);
        let average = if acc > 0 {
            (acc + taps / 2) / taps
        } else {
            (acc - taps / 2) / taps
        };
        output[o] = average.clamp(-128, 127) as i8;
    });
}

/// An int8 average pooling over the window of the float layer `P`
/// (`AvgPool1d`, `AvgPool2d` or `GlobalAvgPool`), in its input's
/// quantization. See the module documentation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Int8AvgPool<P> {
    /// The float layer (a unit type: its geometry).
    pub pool: P,
    /// The input's zero point `z_in`, the int8 value of a padded tap.
    pub input_zero_point: i8,
}

macro_rules! pool_window {
    ($($name:ident [$($g:ident),*]),*) => {$(
        impl<$(const $g: usize),*> PoolWindow for $name<$($g),*> {
            const WINDOW: Window = Self::WINDOW;
        }
    )*};
}

pool_window!(
    MaxPool1d[C, L, K, STRIDE, PADDING],
    MaxPool2d[C, H, W, K, STRIDE, PADDING],
    AvgPool1d[C, L, K, STRIDE, PADDING],
    AvgPool2d[C, H, W, K, STRIDE, PADDING],
    GlobalAvgPool[C, N]
);

/// An int8 max pooling over the window of the float layer `P`
/// (`MaxPool1d` or `MaxPool2d`): the largest int8 value of each window, in
/// its input's quantization.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Int8MaxPool<P> {
    /// The float layer (a unit type: its geometry).
    pub pool: P,
}

impl<P: PoolWindow, const I: usize, const O: usize> Int8Layer<I, O> for Int8MaxPool<P> {
    fn forward(&self, input: &[i8; I], output: &mut [i8; O]) {
        const {
            assert!(
                I == P::WINDOW.input() && O == P::WINDOW.output(),
                "the widths of `Int8Layer<I, O>` are the pooling's input and output widths"
            );
        };
        max_pool_int8(&P::WINDOW, input, output);
    }
}

macro_rules! max_pool {
    ($($name:ident [$($g:ident),*]),*) => {$(
        impl<$(const $g: usize,)* const I: usize, const O: usize> Quantize<I, O>
            for $name<$($g),*>
        {
            type Int8 = Int8MaxPool<Self>;
            const OUTPUT_QUANTIZATION: OutputQuantization = OutputQuantization::SharesInput;

            fn quantize(
                &self,
                _layer: usize,
                _parameters: &[f32],
                _input: ActivationParams,
                _output: ActivationParams,
            ) -> Result<Int8MaxPool<Self>, QuantError> {
                Ok(Int8MaxPool { pool: *self })
            }
        }
    )*};
}

max_pool!(
    MaxPool1d[C, L, K, STRIDE, PADDING],
    MaxPool2d[C, H, W, K, STRIDE, PADDING]
);

impl<P: PoolWindow, const I: usize, const O: usize> Int8Layer<I, O> for Int8AvgPool<P> {
    fn forward(&self, input: &[i8; I], output: &mut [i8; O]) {
        const {
            assert!(
                I == P::WINDOW.input() && O == P::WINDOW.output(),
                "the widths of `Int8Layer<I, O>` are the pooling's input and output widths"
            );
        };
        avg_pool_int8(&P::WINDOW, self.input_zero_point, input, output);
    }
}

macro_rules! avg_pool {
    ($($name:ident [$($g:ident),*]),*) => {$(
        impl<$(const $g: usize,)* const I: usize, const O: usize> Quantize<I, O>
            for $name<$($g),*>
        {
            type Int8 = Int8AvgPool<Self>;
            const OUTPUT_QUANTIZATION: OutputQuantization = OutputQuantization::SharesInput;

            fn quantize(
                &self,
                _layer: usize,
                _parameters: &[f32],
                input: ActivationParams,
                _output: ActivationParams,
            ) -> Result<Int8AvgPool<Self>, QuantError> {
                Ok(Int8AvgPool {
                    pool: *self,
                    input_zero_point: input.zero_point,
                })
            }
        }
    )*};
}

avg_pool!(
    AvgPool1d[C, L, K, STRIDE, PADDING],
    AvgPool2d[C, H, W, K, STRIDE, PADDING],
    GlobalAvgPool[C, N]
);

/// `Flatten` is the identity on constnet's flat samples (a `RESHAPE` in a
/// `.tflite` file).
impl<const N: usize> Quantize<N, N> for Flatten {
    type Int8 = Int8Identity<N>;
    const OUTPUT_QUANTIZATION: OutputQuantization = OutputQuantization::SharesInput;

    fn quantize(
        &self,
        _layer: usize,
        _parameters: &[f32],
        _input: ActivationParams,
        _output: ActivationParams,
    ) -> Result<Int8Identity<N>, QuantError> {
        Ok(Int8Identity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_and_average_of_a_padded_window() {
        // One channel of 1 x 4, kernel 3, stride 1, padding 1.
        let x = [10_i8, -20, 7, 100];
        let mut y = [0_i8; 4];
        Int8MaxPool {
            pool: MaxPool1d::<1, 4, 3, 1, 1>,
        }
        .forward(&x, &mut y);
        assert_eq!(y, [10, 10, 100, 100]);
        let pool = Int8AvgPool {
            pool: AvgPool1d::<1, 4, 3, 1, 1>,
            input_zero_point: -6,
        };
        pool.forward(&x, &mut y);
        // (-6 + 10 - 20) / 3 = -5.33 -> -5; (10 - 20 + 7) / 3 = -1;
        // (-20 + 7 + 100) / 3 = 29; (7 + 100 - 6) / 3 = 33.67 -> 34.
        assert_eq!(y, [-5, -1, 29, 34]);
        // Ties round away from zero: (1 + 2) / 2 and (-1 - 2) / 2.
        let pool = Int8AvgPool {
            pool: AvgPool1d::<1, 2, 2>,
            input_zero_point: 0,
        };
        let mut one = [0_i8; 1];
        pool.forward(&[1, 2], &mut one);
        assert_eq!(one, [2]);
        pool.forward(&[-1, -2], &mut one);
        assert_eq!(one, [-2]);
    }
}
