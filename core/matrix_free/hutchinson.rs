//! Hutchinson's trace estimator (M. F. Hutchinson, "A stochastic estimator
//! of the trace of the influence matrix for Laplacian smoothing splines",
//! Commun. Stat. Simul. Comput. 19(2), 1990).
//!
//! For a Rademacher vector `v` (entries +-1), `E[v^T A v] = tr A`, and
//! `v^T A v = sum_i A_ii + sum_{i != j} v_i v_j A_ij`: exact for a diagonal
//! `A` with a single sample; otherwise the variance is
//! `2 sum_{i != j} A_ij^2` per sample, the smallest of the common probes.
//! The samples are accumulated as they come (Welford's running mean and
//! variance, in `f64`), so their number costs time, never memory.

use super::LinearOperator;
use super::vectors::{check_dim, check_product, dot, rademacher};
use crate::error::{Error, Result, check_count};
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

/// Values of workspace [`hutchinson_trace_in`] needs for an operator of
/// dimension `n`: two vectors (`None` if `2 n` overflows).
#[must_use]
pub const fn hutchinson_workspace_len(n: usize) -> Option<usize> {
    n.checked_mul(2)
}

/// Estimates `tr A` from `samples` seeded Rademacher probes, in `workspace`
/// ([`hutchinson_workspace_len`] values or more; no heap).
///
/// # Errors
/// [`Error::InvalidHyperParameter`] for zero samples,
/// [`Error::ZeroWidth`] for an operator of dimension 0,
/// [`Error::BufferLength`] for a short workspace,
/// [`Error::NonFiniteResult`] for non-finite products (or an estimate
/// that overflows), and the operator's errors.
pub fn hutchinson_trace_in<T: Float>(
    op: &mut impl LinearOperator<T>,
    samples: usize,
    seed: u64,
    workspace: &mut [T],
) -> Result<TraceEstimate<T>> {
    let n = op.dim();
    check_dim(n)?;
    check_count("samples", samples)?;
    let required = hutchinson_workspace_len(n).ok_or(Error::TooLarge {
        what: "Hutchinson workspace",
        requested: usize::MAX,
    })?;
    super::check_storage(workspace, required, "Hutchinson workspace")?;
    let (probe, product) = super::take(workspace, n, "Hutchinson workspace", required)?;
    let (product, _) = super::take(product, n, "Hutchinson workspace", required)?;
    let mut rng = Rng::seed_from(seed);
    let (mut mean, mut spread) = (0.0_f64, 0.0_f64);
    for k in 1..=samples {
        rademacher(&mut rng, probe);
        op.matvec(probe, product)?;
        check_product(product)?;
        let x = dot(probe, product).to_f64();
        let delta = x - mean;
        mean += delta / k as f64;
        spread += delta * (x - mean);
    }
    let standard_error = (samples > 1).then(|| {
        let count = samples as f64;
        crate::math::sqrt(spread / ((count - 1.0) * count))
    });
    let finite = mean.is_finite() && standard_error.is_none_or(f64::is_finite);
    if !finite || !T::of_f64(mean).finite() {
        return Err(Error::NonFiniteResult {
            what: "the operator's product",
        });
    }
    Ok(TraceEstimate {
        trace: T::of_f64(mean),
        standard_error: standard_error.map(T::of_f64),
        samples,
    })
}

/// [`hutchinson_trace_in`] with its two vectors on the heap.
///
/// # Errors
/// As [`hutchinson_trace_in`]; [`Error::TooLarge`] when the two vectors
/// cannot be allocated.
#[cfg(feature = "std")]
pub fn hutchinson_trace<T: Float>(
    op: &mut impl LinearOperator<T>,
    samples: usize,
    seed: u64,
) -> Result<TraceEstimate<T>> {
    check_dim(op.dim())?;
    check_count("samples", samples)?;
    let len = hutchinson_workspace_len(op.dim()).unwrap_or(usize::MAX);
    let mut workspace = super::zeroed_vec("Hutchinson workspace", len)?;
    hutchinson_trace_in(op, samples, seed, &mut workspace)
}
