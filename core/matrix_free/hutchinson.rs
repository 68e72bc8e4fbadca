//! Hutchinson's trace estimator (M. F. Hutchinson, "A stochastic estimator
//! of the trace of the influence matrix for Laplacian smoothing splines",
//! Commun. Stat. Simul. Comput. 19(2), 1990).
//!
//! For a Rademacher vector `v` (entries +-1), `E[v^T A v] = tr A`, and
//! `v^T A v = sum_i A_ii + sum_{i != j} v_i v_j A_ij`: exact for a diagonal
//! `A` with a single sample; otherwise the variance is
//! `2 sum_{i != j} A_ij^2` per sample, the smallest of the common probes.

use std::vec;
use std::vec::Vec;

use super::LinearOperator;
use super::vectors::{check_dim, check_product, dot, rademacher};
use crate::error::{Result, check_count};
use crate::rng::Rng;
use crate::scalar::Float;

/// A trace estimate from independent samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TraceEstimate<T> {
    /// The mean of `v^T A v` over the samples.
    pub trace: T,
    /// The standard error of that mean (sample standard deviation over
    /// `sqrt(samples)`); `None` with a single sample.
    pub standard_error: Option<T>,
    /// Samples drawn (one product each).
    pub samples: usize,
}

/// Estimates `tr A` from `samples` seeded Rademacher probes.
///
/// # Errors
/// [`crate::Error::InvalidHyperParameter`] for zero samples,
/// [`crate::Error::Numerical`] for an operator of dimension 0 or non-finite
/// products.
pub fn hutchinson_trace<T: Float>(
    op: &mut impl LinearOperator<T>,
    samples: usize,
    seed: u64,
) -> Result<TraceEstimate<T>> {
    let n = op.dim();
    check_dim(n)?;
    check_count("samples", samples)?;
    let mut rng = Rng::seed_from(seed);
    let mut product = vec![T::zero(); n];
    let mut values: Vec<T> = Vec::with_capacity(samples);
    for _ in 0..samples {
        let v: Vec<T> = rademacher(&mut rng, n);
        op.matvec(&v, &mut product);
        check_product(&product)?;
        values.push(dot(&v, &product));
    }
    let count = T::of_usize(samples);
    let mean = values.iter().fold(T::zero(), |s, &x| s + x) / count;
    let standard_error = (samples > 1).then(|| {
        let spread = values
            .iter()
            .fold(T::zero(), |s, &x| s + (x - mean) * (x - mean));
        crate::math::sqrt(spread / (T::of_usize(samples - 1) * count))
    });
    Ok(TraceEstimate {
        trace: mean,
        standard_error,
        samples,
    })
}
