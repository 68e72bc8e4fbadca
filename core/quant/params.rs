//! Choosing int8 quantization parameters, at conversion time (`f64`).
//!
//! TensorFlow Lite's int8 scheme (its quantization specification):
//!
//! - activations: per tensor, asymmetric, `real = scale * (q - zero_point)`
//!   with `q` in `[-128, 127]`; the range is widened to contain 0 so that 0
//!   is exact (ReLU's floor, zero padding) ([`ActivationParams::from_range`]);
//! - weights: per output channel, symmetric, `real = scale[c] * q` with `q`
//!   in `[-127, 127]` ([`quantize_weights`]);
//! - biases: `i32` at scale `s_in * s_w[c]` and zero point 0, so they add
//!   straight into the accumulator ([`quantize_bias`]).
//!
//! Scales are stored as `f32`, as a `.tflite` file stores them; every real
//! multiplier is then formed from those `f32`s in `f64`, as the
//! interpreter forms it, so both compute the same integers.

use super::QuantError;

/// The quantization of one activation tensor: `real = scale * (q - zero_point)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ActivationParams {
    /// The step between consecutive int8 values. Always finite and positive.
    pub scale: f32,
    /// The int8 value that represents real 0.
    pub zero_point: i8,
}

impl ActivationParams {
    /// Scale and zero point covering `[min, max]` with the 256 int8 values,
    /// as TensorFlow Lite's converter nudges them: the range is first
    /// widened to contain 0, then `scale = (max - min) / 255` and the zero
    /// point is `-128 - min / scale` (or `127 - max / scale`, whichever has
    /// the smaller rounding error) rounded to an integer (ties away from
    /// zero) and clamped to `[-128, 127]`.
    ///
    /// A range of zero width (a tensor that was 0 on every calibration
    /// sample, such as a dead ReLU) gets `scale = 1` and `zero_point =
    /// -128`, as TensorFlow Lite does: 0 is exact and nothing divides by 0.
    ///
    /// # Errors
    ///
    /// [`QuantError::InvalidRange`] when an end is not finite, `min > max`,
    /// or the scale underflows `f32`.
    pub fn from_range(min: f64, max: f64) -> Result<Self, QuantError> {
        if !min.is_finite() || !max.is_finite() || min > max {
            return Err(QuantError::InvalidRange { min, max });
        }
        let (min, max) = (min.min(0.0), max.max(0.0));
        if (max - min).abs() < f64::EPSILON {
            return Ok(Self {
                scale: 1.0,
                zero_point: -128,
            });
        }
        let scale = (max - min) / 255.0;
        let from_min = -128.0 - min / scale;
        let from_max = 127.0 - max / scale;
        let error_min = 128.0 + (min / scale).abs();
        let error_max = 127.0 + (max / scale).abs();
        let zero_point = if error_min < error_max {
            from_min
        } else {
            from_max
        };
        let zero_point = libm::round(zero_point.clamp(-128.0, 127.0)) as i8;
        let scale = scale as f32;
        if !(scale.is_normal()) {
            return Err(QuantError::InvalidRange { min, max });
        }
        Ok(Self { scale, zero_point })
    }

    /// Fixed parameters (the outputs of logistic, tanh and softmax).
    #[must_use]
    pub const fn fixed(scale: f32, zero_point: i8) -> Self {
        Self { scale, zero_point }
    }

    /// `clamp(zero_point + round(x / scale), -128, 127)`, the int8 value
    /// nearest to `x` (ties away from zero; NaN maps to the zero point).
    /// Conversion and host-side helpers only (uses `f32`).
    #[must_use]
    pub fn quantize(&self, x: f32) -> i8 {
        let q = libm::roundf(x / self.scale);
        if q.is_nan() {
            return self.zero_point;
        }
        (q + f32::from(self.zero_point)).clamp(-128.0, 127.0) as i8
    }

    /// `scale * (q - zero_point)`.
    #[must_use]
    pub fn dequantize(&self, q: i8) -> f32 {
        self.scale * f32::from(i16::from(q) - i16::from(self.zero_point))
    }

    /// `zero_point + round(x / scale)` without clamping, computed in `f32`
    /// as TensorFlow Lite computes the bounds of a fused activation
    /// (`CalculateActivationRangeQuantized`); clamp the result to int8.
    #[must_use]
    pub fn activation_bound(&self, x: f32) -> i32 {
        i32::from(self.zero_point) + libm::roundf(x / self.scale) as i32
    }
}

/// Quantizes one output channel of a weight matrix symmetrically: `scale =
/// max |w| / 127`, `q = round(w / scale)` (ties away from zero) clamped to
/// `[-127, 127]`. Returns the scale; `row` and `out` have one value per input.
///
/// A channel of zeros gets `scale = 1/127` (as if its largest weight were
/// 1), so its bias keeps a usable resolution `s_in / 127`.
///
/// # Errors
///
/// [`QuantError::NonFiniteParameter`] (with `layer` and the index in `row`)
/// for a NaN or infinite weight. Weights cannot overflow int8: the scale
/// is chosen from their largest magnitude.
pub fn quantize_weights(layer: usize, row: &[f32], out: &mut [i8]) -> Result<f32, QuantError> {
    let mut largest = 0.0_f32;
    for (index, &w) in row.iter().enumerate() {
        if !w.is_finite() {
            return Err(QuantError::NonFiniteParameter { layer, index });
        }
        largest = largest.max(w.abs());
    }
    let scale = if largest > 0.0 {
        (f64::from(largest) / 127.0) as f32
    } else {
        1.0 / 127.0
    };
    // A largest weight so small that its scale is subnormal or zero in f32:
    // quantize it as a channel of zeros rather than divide by 0.
    let scale = if scale.is_normal() {
        scale
    } else {
        1.0 / 127.0
    };
    for (q, &w) in out.iter_mut().zip(row) {
        *q = libm::round(f64::from(w) / f64::from(scale)).clamp(-127.0, 127.0) as i8;
    }
    Ok(scale)
}

/// `round(b / (s_in * s_w))` as `i32` (ties away from zero), the bias of a
/// channel at its accumulator's scale.
///
/// # Errors
///
/// [`QuantError::NonFiniteParameter`] for a NaN or infinite bias (`index`
/// is the channel), [`QuantError::BiasOverflow`] when the quotient leaves
/// the `i32` range.
pub fn quantize_bias(
    layer: usize,
    channel: usize,
    bias: f32,
    input_scale: f32,
    weight_scale: f32,
) -> Result<i32, QuantError> {
    if !bias.is_finite() {
        return Err(QuantError::NonFiniteParameter {
            layer,
            index: channel,
        });
    }
    let scaled = f64::from(bias) / (f64::from(input_scale) * f64::from(weight_scale));
    let q = libm::round(scaled);
    if !(f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&q) {
        return Err(QuantError::BiasOverflow {
            layer,
            channel,
            scaled,
        });
    }
    Ok(q as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_is_widened_to_contain_zero_and_zero_is_exact() {
        let p = ActivationParams::from_range(0.5, 2.0).unwrap();
        assert_eq!(p.zero_point, -128);
        assert!((p.scale - 2.0 / 255.0).abs() < 1e-9);
        assert_eq!(p.dequantize(p.quantize(0.0)), 0.0);
        let p = ActivationParams::from_range(-1.0, 1.0).unwrap();
        // 127 - 1 / (2/255) = -0.5 (the max end has the smaller error),
        // rounded away from zero.
        assert_eq!(p.zero_point, -1);
        let p = ActivationParams::from_range(-3.0, -1.0).unwrap();
        assert_eq!(p.zero_point, 127);
        assert_eq!(p.quantize(-3.0), -128);
    }

    #[test]
    fn every_value_in_the_range_is_within_half_a_step() {
        for &(min, max) in &[(-0.3, 1.7), (-5.0, 0.25), (0.0, 6.0), (-1e-3, 1e-3)] {
            let p = ActivationParams::from_range(min, max).unwrap();
            for i in 0..=100 {
                let x = (min + (max - min) * f64::from(i) / 100.0) as f32;
                let err = (p.dequantize(p.quantize(x)) - x).abs();
                assert!(
                    err <= p.scale * 0.5001 + 1e-7,
                    "{x} in [{min}, {max}]: {err}"
                );
            }
        }
    }

    #[test]
    fn a_zero_width_range_and_bad_ranges() {
        assert_eq!(
            ActivationParams::from_range(0.0, 0.0).unwrap(),
            ActivationParams::fixed(1.0, -128)
        );
        // A constant nonzero tensor still has a range: [0, c].
        let p = ActivationParams::from_range(2.5, 2.5).unwrap();
        assert_eq!(p.quantize(2.5), 127);
        assert!(ActivationParams::from_range(1.0, 0.0).is_err());
        assert!(ActivationParams::from_range(f64::NAN, 1.0).is_err());
        assert!(ActivationParams::from_range(0.0, f64::INFINITY).is_err());
        // Narrower than f64's epsilon counts as zero width, as in TFLite.
        assert_eq!(
            ActivationParams::from_range(0.0, 1e-300).unwrap(),
            ActivationParams::fixed(1.0, -128)
        );
        // A scale that overflows f32.
        assert!(ActivationParams::from_range(0.0, 1e300).is_err());
    }

    #[test]
    fn weights_are_symmetric_per_channel() {
        let row = [0.5, -1.27, 0.0, 0.02];
        let mut q = [0_i8; 4];
        let scale = quantize_weights(0, &row, &mut q).unwrap();
        assert!((scale - 0.01).abs() < 1e-8);
        assert_eq!(q, [50, -127, 0, 2]);
        let scale = quantize_weights(0, &[0.0; 4], &mut q).unwrap();
        assert_eq!((scale, q), (1.0 / 127.0, [0; 4]));
        assert_eq!(
            quantize_weights(3, &[0.0, f32::NAN], &mut q[..2]),
            Err(QuantError::NonFiniteParameter { layer: 3, index: 1 })
        );
    }

    #[test]
    fn bias_at_the_accumulator_scale() {
        assert_eq!(quantize_bias(0, 0, 0.3, 0.01, 0.5).unwrap(), 60);
        assert_eq!(quantize_bias(0, 0, -0.3, 0.01, 0.5).unwrap(), -60);
        assert!(matches!(
            quantize_bias(1, 2, 1.0, 1e-6, 1e-6),
            Err(QuantError::BiasOverflow {
                layer: 1,
                channel: 2,
                ..
            })
        ));
        assert!(quantize_bias(0, 0, f32::INFINITY, 1.0, 1.0).is_err());
    }

    #[test]
    fn fused_bounds_as_tflite_computes_them() {
        let p = ActivationParams::fixed(0.05, -100);
        assert_eq!(p.activation_bound(0.0), -100);
        assert_eq!(p.activation_bound(6.0), 20);
    }
}
