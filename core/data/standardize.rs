//! Feature standardization: `z = (x - mean) / std` per feature, with the
//! statistics of the training set only, as scikit-learn's `StandardScaler`
//! computes them (population standard deviation, divisor `n`; a constant
//! feature keeps scale 1 so it maps to 0 instead of dividing by zero).
//!
//! Fitting on the training rows and applying the same map to held-out rows
//! keeps the held-out set unseen: its loss stays an honest estimate of the
//! expected risk.

use crate::error::{Error, Result};
use crate::math;
use crate::scalar::{Float, all_finite};

/// The per-feature mean and standard deviation of a set of rows, and the
/// map `z = (x - mean) / std` they define.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Standardizer<T, const I: usize> {
    mean: [T; I],
    std: [T; I],
}

/// The largest power of two at most `m` (1 for `m` below `2^-1000` or not
/// finite and positive: such features cannot overflow a sum).
fn power_of_two_at_most(m: f64) -> f64 {
    if !(m >= f64::from_bits(23 << 52) && m.is_finite()) {
        return 1.0;
    }
    // Keep the sign and exponent bits, clear the mantissa.
    f64::from_bits(m.to_bits() & 0xfff0_0000_0000_0000)
}

impl<T: Float, const I: usize> Standardizer<T, I> {
    /// Measures the rows (in `f64`, each feature divided by a power of two
    /// near its largest magnitude first, so values up to `f64::MAX` cannot
    /// overflow the sums). Fails when there are no rows or a value is NaN
    /// or infinite.
    pub fn fit(rows: &[[T; I]]) -> Result<Self> {
        if rows.is_empty() {
            return Err(Error::NotEnoughSamples {
                available: 0,
                needed: 1,
            });
        }
        if let Some(sample) = rows.iter().position(|row| !all_finite(row)) {
            return Err(Error::NonFiniteData { sample });
        }
        let n = rows.len() as f64;
        let mut largest = [0.0_f64; I];
        for row in rows {
            for (m, x) in largest.iter_mut().zip(row) {
                *m = m.max(math::abs(x.to_f64()));
            }
        }
        // Statistics of x / scale (every value in (-2, 2)), scaled back;
        // a power of two divides exactly, so ordinary data gives the
        // statistics of the unscaled sums.
        let scale = largest.map(power_of_two_at_most);
        let mut mean = [0.0_f64; I];
        for row in rows {
            for ((m, x), s) in mean.iter_mut().zip(row).zip(&scale) {
                *m += x.to_f64() / s;
            }
        }
        mean = mean.map(|m| m / n);
        let mut variance = [0.0_f64; I];
        for row in rows {
            for (((v, x), m), s) in variance.iter_mut().zip(row).zip(&mean).zip(&scale) {
                let d = x.to_f64() / s - m;
                *v += d * d;
            }
        }
        let std: [f64; I] = core::array::from_fn(|k| {
            let s = math::sqrt(variance[k] / n) * scale[k];
            if s > 0.0 { s } else { 1.0 }
        });
        Ok(Self {
            mean: core::array::from_fn(|k| T::of_f64(mean[k] * scale[k])),
            std: std.map(T::of_f64),
        })
    }

    /// The feature means.
    #[must_use]
    pub const fn mean(&self) -> &[T; I] {
        &self.mean
    }

    /// The feature standard deviations (1 for a constant feature).
    #[must_use]
    pub const fn std(&self) -> &[T; I] {
        &self.std
    }

    /// One row, standardized (computed in `f64`, rounded once to `T`).
    ///
    /// # Errors
    /// [`Error::NonFiniteData`] (sample 0) when the row is not finite or a
    /// standardized value overflows `T`: a held-out value extremely far
    /// from a training feature of tiny spread.
    pub fn transform(&self, row: &[T; I]) -> Result<[T; I]> {
        let mut z = [T::zero(); I];
        for (k, value) in z.iter_mut().enumerate() {
            let centered = row[k].to_f64() - self.mean[k].to_f64();
            *value = T::of_f64(centered / self.std[k].to_f64());
        }
        if all_finite(&z) {
            Ok(z)
        } else {
            Err(Error::NonFiniteData { sample: 0 })
        }
    }

    /// Standardizes rows in place.
    ///
    /// # Errors
    /// As [`Standardizer::transform`], naming the first row that fails;
    /// the rows before it are standardized, it and the rest are unchanged.
    pub fn apply(&self, rows: &mut [[T; I]]) -> Result<()> {
        for (sample, row) in rows.iter_mut().enumerate() {
            *row = self
                .transform(row)
                .map_err(|error| error.for_sample(sample))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standardized_training_rows_have_mean_zero_and_unit_variance() {
        let mut rows = [[1.0_f64, 5.0, 2.0], [3.0, 5.0, 4.0], [5.0, 5.0, 9.0]];
        let scaler = Standardizer::fit(&rows).unwrap();
        // Column 0: mean 3, population variance 8/3; column 1 is constant.
        assert_eq!(scaler.mean(), &[3.0, 5.0, 5.0]);
        assert!((scaler.std()[0] - (8.0_f64 / 3.0).sqrt()).abs() < 1e-15);
        assert_eq!(scaler.std()[1], 1.0);
        scaler.apply(&mut rows).unwrap();
        for k in 0..3 {
            let mean: f64 = rows.iter().map(|r| r[k]).sum::<f64>() / 3.0;
            let var: f64 = rows.iter().map(|r| r[k] * r[k]).sum::<f64>() / 3.0;
            assert!(mean.abs() < 1e-15);
            let expected = if k == 1 { 0.0 } else { 1.0 };
            assert!((var - expected).abs() < 1e-14, "column {k}: variance {var}");
        }
        // A held-out row goes through the training statistics.
        let z = scaler.transform(&[7.0, 6.0, 5.0]).unwrap();
        assert!((z[0] - 4.0 / (8.0_f64 / 3.0).sqrt()).abs() < 1e-15);
        assert_eq!(z[1..], [1.0, 0.0]);
    }

    #[test]
    fn extreme_rows_give_finite_statistics_or_an_error() {
        // Sums of these would overflow f64; the scaled statistics do not.
        let rows = [[f64::MAX], [-f64::MAX], [f64::MAX]];
        let scaler = Standardizer::fit(&rows).unwrap();
        assert!((scaler.mean()[0] - f64::MAX / 3.0).abs() <= 1e-15 * f64::MAX);
        let std = f64::MAX * (8.0_f64 / 9.0).sqrt();
        assert!((scaler.std()[0] - std).abs() <= 1e-15 * f64::MAX);
        // In f32, x - mean is computed in f64: no overflow at 4e38.
        let rows = [[3e38_f32], [-3e38], [-3e38]];
        let scaler = Standardizer::fit(&rows).unwrap();
        let z = scaler.transform(&[3e38]).unwrap();
        assert!((z[0] - 2.0_f32.sqrt()).abs() < 1e-6, "{z:?}");
        // A held-out value 1e40 spreads away: not representable in f32.
        let rows = [[0.0_f32], [1e-30]];
        let scaler = Standardizer::fit(&rows).unwrap();
        let mut held_out = [[0.5e-30_f32], [1e10]];
        assert_eq!(
            scaler.apply(&mut held_out).unwrap_err(),
            Error::NonFiniteData { sample: 1 }
        );
        assert_eq!(held_out[1], [1e10]);
    }

    #[test]
    fn bad_rows_are_errors() {
        let empty: [[f32; 2]; 0] = [];
        assert!(matches!(
            Standardizer::fit(&empty),
            Err(Error::NotEnoughSamples { .. })
        ));
        assert_eq!(
            Standardizer::fit(&[[1.0_f32], [f32::NAN]]).unwrap_err(),
            Error::NonFiniteData { sample: 1 }
        );
    }
}
