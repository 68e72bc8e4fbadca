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

impl<T: Float, const I: usize> Standardizer<T, I> {
    /// Measures the rows (sums in `f64`). Fails when there are no rows or a
    /// value is NaN or infinite.
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
        let mut mean = [0.0_f64; I];
        for row in rows {
            for (m, x) in mean.iter_mut().zip(row) {
                *m += x.to_f64();
            }
        }
        mean = mean.map(|m| m / n);
        let mut variance = [0.0_f64; I];
        for row in rows {
            for ((v, x), m) in variance.iter_mut().zip(row).zip(&mean) {
                let d = x.to_f64() - m;
                *v += d * d;
            }
        }
        let std = variance.map(|v| {
            let s = math::sqrt(v / n);
            if s > 0.0 { s } else { 1.0 }
        });
        Ok(Self {
            mean: mean.map(T::of_f64),
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

    /// One row, standardized.
    #[must_use]
    pub fn transform(&self, row: &[T; I]) -> [T; I] {
        core::array::from_fn(|k| (row[k] - self.mean[k]) / self.std[k])
    }

    /// Standardizes rows in place.
    pub fn apply(&self, rows: &mut [[T; I]]) {
        for row in rows {
            *row = self.transform(row);
        }
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
        scaler.apply(&mut rows);
        for k in 0..3 {
            let mean: f64 = rows.iter().map(|r| r[k]).sum::<f64>() / 3.0;
            let var: f64 = rows.iter().map(|r| r[k] * r[k]).sum::<f64>() / 3.0;
            assert!(mean.abs() < 1e-15);
            let expected = if k == 1 { 0.0 } else { 1.0 };
            assert!((var - expected).abs() < 1e-14, "column {k}: variance {var}");
        }
        // A held-out row goes through the training statistics.
        let z = scaler.transform(&[7.0, 6.0, 5.0]);
        assert!((z[0] - 4.0 / (8.0_f64 / 3.0).sqrt()).abs() < 1e-15);
        assert_eq!(z[1..], [1.0, 0.0]);
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
