//! Where an int8 network loses accuracy: per tensor, its quantization,
//! how much of the calibration data saturates, and how far the int8
//! values are from the float network's.
//!
//! A [`TensorErrors`] accumulates, for one tensor, the float network's
//! values `f` and the int8 network's values `q` (both run on the same
//! samples, the int8 one from the quantized input, so errors accumulate
//! through the layers as they do on the device): the fraction of `f`
//! outside the representable range `[s (-128 - z), s (127 - z)]`, and the
//! root-mean-square and largest `|s (q - z) - f|`.

use super::params::ActivationParams;

/// The error of one tensor of an int8 network against the float network.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TensorErrors {
    /// Values compared.
    pub count: u64,
    /// Float values outside the int8 range (they saturate).
    pub saturated: u64,
    /// Sum of squared differences.
    pub sum_squared_error: f64,
    /// Sum of squared float values (for the relative error).
    pub sum_squared_value: f64,
    /// The largest absolute difference.
    pub max_abs_error: f64,
}

impl TensorErrors {
    /// Adds one sample: the float values and the int8 values in the
    /// tensor's quantization `params`.
    pub fn observe(&mut self, params: ActivationParams, float: &[f32], int8: &[i8]) {
        let low = f64::from(params.dequantize(-128));
        let high = f64::from(params.dequantize(127));
        for (&f, &q) in float.iter().zip(int8) {
            let f = f64::from(f);
            let d = f64::from(params.dequantize(q)) - f;
            self.count += 1;
            self.saturated += u64::from(f < low || f > high);
            self.sum_squared_error += d * d;
            self.sum_squared_value += f * f;
            self.max_abs_error = self.max_abs_error.max(d.abs());
        }
    }

    /// The fraction of values that saturate.
    #[must_use]
    pub fn saturated_fraction(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.saturated as f64 / self.count as f64
        }
    }

    /// `sqrt(mean (s (q - z) - f)^2)`.
    #[must_use]
    pub fn rms_error(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            libm::sqrt(self.sum_squared_error / self.count as f64)
        }
    }

    /// The RMS error over the RMS of the float values (0 when both are 0).
    #[must_use]
    pub fn relative_rms_error(&self) -> f64 {
        if self.sum_squared_value == 0.0 {
            0.0
        } else {
            libm::sqrt(self.sum_squared_error / self.sum_squared_value)
        }
    }
}

/// One row of a quantization report: a tensor's quantization and errors.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TensorReport {
    /// The layer that writes the tensor (`"input"` for the network's input).
    pub layer: &'static str,
    /// The tensor's quantization.
    pub params: ActivationParams,
    /// The int8 network's errors on the tensor.
    pub errors: TensorErrors,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_and_saturation_are_counted() {
        let p = ActivationParams::fixed(0.5, 0);
        let mut e = TensorErrors::default();
        // 100 is past 127 * 0.5 = 63.5; 1.2 quantizes to 1.0 (error 0.2).
        e.observe(p, &[1.2, 100.0, -3.0], &[2, 127, -6]);
        assert_eq!((e.count, e.saturated), (3, 1));
        assert!((e.max_abs_error - 36.5).abs() < 1e-9);
        let want = libm::sqrt((0.2_f64 * 0.2 + 36.5 * 36.5) / 3.0);
        assert!((e.rms_error() - want).abs() < 1e-6);
        assert!((e.saturated_fraction() - 1.0 / 3.0).abs() < 1e-12);
        assert!(e.relative_rms_error() > 0.0);
    }
}
