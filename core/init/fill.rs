//! Filling a tensor from an [`Init`]: the draws of every initializer.
//!
//! A weight is a row-major `rows x cols` matrix; a bias vector is filled as
//! a one-column matrix with its layer's fans (so `Eye` gives `(1, 0, ...)`,
//! `orthogonal` a unit vector times the gain, and the fan-scaled
//! initializers use the weight's fans, as PyTorch's `nn.Linear` default
//! does for its bias).

use core::f64::consts::SQRT_2;

use super::orthogonal::orthonormalize;
use super::truncated;
use super::{Fans, Init, calculate_gain};
use crate::math;
use crate::rng::Rng;
use crate::scalar::Float;

impl Init {
    /// Fills a row-major `rows x cols` weight tensor of a layer with fans
    /// `fans`, drawing from `rng`. `values` should hold `rows * cols`
    /// values; if it does not, every value is still filled and the
    /// initializers with structure (`Orthogonal`, `Eye`, `Sparse`) use its
    /// complete rows of `cols` values. Never panics.
    pub fn fill_weight<T: Float>(
        &self,
        values: &mut [T],
        rows: usize,
        cols: usize,
        fans: Fans,
        rng: &mut Rng,
    ) {
        self.fill_matrix(values, rows, cols, fans, rng);
    }

    /// Fills a bias vector, as a one-column matrix; `fans` are those of the
    /// layer's weight, as PyTorch uses them for the default bias bound.
    pub fn fill_bias<T: Float>(&self, values: &mut [T], fans: Fans, rng: &mut Rng) {
        let len = values.len();
        self.fill_matrix(values, len, 1, fans, rng);
    }

    fn fill_matrix<T: Float>(
        &self,
        values: &mut [T],
        rows: usize,
        cols: usize,
        fans: Fans,
        rng: &mut Rng,
    ) {
        match *self {
            Self::TorchDefault => {
                let bound = if fans.fan_in == 0 {
                    0.0
                } else {
                    1.0 / math::sqrt(fans.fan_in as f64)
                };
                uniform(values, -bound, bound, rng);
            }
            Self::Zeros => values.fill(T::zero()),
            Self::Ones => values.fill(T::one()),
            Self::Constant(c) => values.fill(T::of_f64(c)),
            Self::Uniform { low, high } => uniform(values, low, high, rng),
            Self::Normal { mean, std } => normal(values, mean, std, rng),
            Self::TruncatedNormal { mean, std, a, b } => {
                truncated_normal(values, mean, std, a, b, rng);
            }
            Self::XavierUniform { gain } => {
                let bound = math::sqrt(3.0) * xavier_std(gain, fans);
                uniform(values, -bound, bound, rng);
            }
            Self::XavierNormal { gain } => normal(values, 0.0, xavier_std(gain, fans), rng),
            Self::KaimingUniform {
                a,
                mode,
                nonlinearity,
            } => {
                let gain = calculate_gain(nonlinearity, Some(a));
                let bound = math::sqrt(3.0) * over_sqrt_fan(gain, fans.select(mode));
                uniform(values, -bound, bound, rng);
            }
            Self::KaimingNormal {
                a,
                mode,
                nonlinearity,
            } => {
                let gain = calculate_gain(nonlinearity, Some(a));
                normal(values, 0.0, over_sqrt_fan(gain, fans.select(mode)), rng);
            }
            Self::LecunUniform => {
                let bound = math::sqrt(3.0) * over_sqrt_fan(1.0, fans.fan_in);
                uniform(values, -bound, bound, rng);
            }
            Self::LecunNormal => normal(values, 0.0, over_sqrt_fan(1.0, fans.fan_in), rng),
            Self::Orthogonal { gain } => {
                normal(values, 0.0, 1.0, rng);
                orthonormalize(values, rows, cols);
                let gain = T::of_f64(gain);
                for v in values {
                    *v *= gain;
                }
            }
            Self::Eye => eye(values, cols),
            Self::Sparse { sparsity, std } => {
                normal(values, 0.0, std, rng);
                zero_per_column(values, rows, cols, sparsity, rng);
            }
        }
    }
}

/// `gain * sqrt(2 / (fan_in + fan_out))`, 0 for empty fans.
fn xavier_std(gain: f64, fans: Fans) -> f64 {
    // Summed in f64: fans given by hand may be as large as usize::MAX.
    let total = fans.fan_in as f64 + fans.fan_out as f64;
    if total == 0.0 {
        0.0
    } else {
        gain * math::sqrt(2.0 / total)
    }
}

/// `gain / sqrt(fan)`, 0 for an empty fan.
fn over_sqrt_fan(gain: f64, fan: usize) -> f64 {
    if fan == 0 {
        0.0
    } else {
        gain / math::sqrt(fan as f64)
    }
}

fn uniform<T: Float>(values: &mut [T], low: f64, high: f64, rng: &mut Rng) {
    for v in values {
        *v = T::of_f64(rng.uniform_in(low, high));
    }
}

fn normal<T: Float>(values: &mut [T], mean: f64, std: f64, rng: &mut Rng) {
    for v in values {
        *v = T::of_f64(rng.normal(mean, std));
    }
}

/// `N(mean, std^2)` truncated to `[a, b]`: PyTorch's `trunc_normal_`
/// arithmetic where it is accurate, exact rejection in the far tails (see
/// [`truncated`](super::truncated)), then clamped to the cutoffs. `max`
/// then `min` (not `clamp`, which panics when `a > b`) also map a NaN to a
/// cutoff; a negative `std` acts as its absolute value.
fn truncated_normal<T: Float>(
    values: &mut [T],
    mean: f64,
    std: f64,
    a: f64,
    b: f64,
    rng: &mut Rng,
) {
    let std = math::abs(std);
    let (alpha, beta) = ((a - mean) / std, (b - mean) / std);
    if truncated::uses_inverse_cdf(alpha, beta) {
        let scale = std * SQRT_2;
        for v in values {
            let z = truncated::inverse_cdf_erfinv(alpha, beta, rng);
            *v = T::of_f64((z * scale + mean).max(a).min(b));
        }
    } else {
        for v in values {
            let z = truncated::standard_truncated_normal(alpha, beta, rng);
            *v = T::of_f64((mean + std * z).max(a).min(b));
        }
    }
}

/// Ones at `(i, i)`, zeros elsewhere, in a row-major matrix of `cols` columns.
fn eye<T: Float>(values: &mut [T], cols: usize) {
    for (k, v) in values.iter_mut().enumerate() {
        *v = if cols > 0 && k / cols == k % cols {
            T::one()
        } else {
            T::zero()
        };
    }
}

/// Zeroes `ceil(sparsity * rows)` entries of every column, at rows chosen
/// uniformly without replacement by selection sampling (Knuth, TAOCP vol. 2,
/// Algorithm 3.4.2 S: row `r` is taken with probability
/// `needed / (rows - r)`), which needs no index buffer. PyTorch draws a
/// `randperm` per column instead: the same distribution.
fn zero_per_column<T: Float>(
    values: &mut [T],
    rows: usize,
    cols: usize,
    sparsity: f64,
    rng: &mut Rng,
) {
    // Only complete rows of the slice are touched, whatever the shape says
    // (and a huge `cols` is not walked).
    if cols == 0 || cols > values.len() {
        return;
    }
    let rows = rows.min(values.len() / cols);
    let count = math::ceil(sparsity * rows as f64);
    let zeros = if count.is_nan() || count <= 0.0 {
        0
    } else if count >= rows as f64 {
        rows
    } else {
        count as usize
    };
    for col in 0..cols {
        let mut needed = zeros;
        for row in 0..rows {
            if needed == 0 {
                break;
            }
            if rng.below(rows - row) < needed {
                values[row * cols + col] = T::zero();
                needed -= 1;
            }
        }
    }
}
