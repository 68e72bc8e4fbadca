//! Power iteration: the eigenpair of largest magnitude, and the top few by
//! deflation, as PyHessian computes the top Hessian eigenvalues.
//!
//! From a seeded Rademacher vector, `v <- A v / |A v|` until the residual
//! `|A v - lambda v|` (with `lambda = v^T A v`) falls below
//! `tolerance * |lambda|`. It converges to the eigenvalue of largest
//! magnitude (which is the largest eigenvalue when the spectrum's
//! positive end dominates, as near a minimum) at the rate
//! `|lambda_2 / lambda_1|` per step. Deflation keeps `v` orthogonal to
//! eigenvectors already found.

use std::vec;
use std::vec::Vec;

use super::LinearOperator;
use super::vectors::{check_dim, check_product, dot, norm, orthogonalize, rademacher};
use crate::error::{Error, Result, check_count, check_param};
use crate::rng::Rng;
use crate::scalar::Float;

/// Stopping rule and seed of [`power_iteration`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerOptions {
    /// Most products (>= 1). Default: 1000.
    pub max_iterations: usize,
    /// Stop when `|A v - lambda v| <= tolerance * |lambda|` (> 0).
    /// Default: 1e-8.
    pub tolerance: f64,
    /// Seed of the Rademacher start vector. Default: 0.
    pub seed: u64,
}

impl Default for PowerOptions {
    fn default() -> Self {
        Self {
            max_iterations: 1000,
            tolerance: 1e-8,
            seed: 0,
        }
    }
}

/// An eigenvalue estimate with its unit eigenvector.
#[derive(Clone, Debug, PartialEq)]
pub struct EigenEstimate<T: Float> {
    /// The Rayleigh quotient `v^T A v`.
    pub value: T,
    /// The unit vector `v`.
    pub vector: Vec<T>,
    /// `|A v - value v|`.
    pub residual: T,
    /// Products computed.
    pub iterations: usize,
    /// Whether the residual met the tolerance.
    pub converged: bool,
}

/// The eigenpair of largest magnitude of `op` restricted to the orthogonal
/// complement of `deflate` (orthonormal vectors, e.g. eigenvectors already
/// found; empty for none).
///
/// # Errors
/// [`Error::InvalidHyperParameter`] for zero iterations or a tolerance that
/// is not positive, [`Error::Numerical`] for an operator of dimension 0,
/// non-finite products, or a start vector inside `span(deflate)`.
pub fn power_iteration<T: Float>(
    op: &mut impl LinearOperator<T>,
    deflate: &[Vec<T>],
    options: PowerOptions,
) -> Result<EigenEstimate<T>> {
    let n = op.dim();
    check_dim(n)?;
    check_count("max_iterations", options.max_iterations)?;
    check_param(
        "tolerance",
        options.tolerance,
        options.tolerance > 0.0,
        "must be positive",
    )?;
    let mut v: Vec<T> = rademacher(&mut Rng::seed_from(options.seed), n);
    orthogonalize(deflate, &mut v);
    if !normalize(&mut v) {
        return Err(Error::Numerical {
            reason: "the start vector lies in the deflated space",
        });
    }
    let tolerance = T::of_f64(options.tolerance);
    let mut w = vec![T::zero(); n];
    let mut estimate = EigenEstimate {
        value: T::zero(),
        vector: Vec::new(),
        residual: T::zero(),
        iterations: 0,
        converged: false,
    };
    for iteration in 1..=options.max_iterations {
        op.matvec(&v, &mut w);
        check_product(&w)?;
        orthogonalize(deflate, &mut w);
        let value = dot(&v, &w);
        let residual = crate::math::sqrt(
            w.iter()
                .zip(&v)
                .map(|(&a, &b)| (a - value * b) * (a - value * b))
                .fold(T::zero(), |s, x| s + x),
        );
        estimate.value = value;
        estimate.residual = residual;
        estimate.iterations = iteration;
        if residual <= tolerance * crate::math::abs(value) || norm(&w) == T::zero() {
            estimate.converged = true;
            break;
        }
        v.copy_from_slice(&w);
        normalize(&mut v);
    }
    estimate.vector = v;
    Ok(estimate)
}

/// The `k` eigenpairs of largest magnitude by power iteration with
/// deflation (each found vector is projected out of the next run), in the
/// order found.
///
/// # Errors
/// As [`power_iteration`]; [`Error::InvalidHyperParameter`] when `k` is 0
/// or exceeds the dimension.
pub fn top_eigenpairs_power<T: Float>(
    op: &mut impl LinearOperator<T>,
    k: usize,
    options: PowerOptions,
) -> Result<Vec<EigenEstimate<T>>> {
    check_param(
        "k",
        k as f64,
        k >= 1 && k <= op.dim(),
        "must be at least 1 and at most the dimension",
    )?;
    let mut found: Vec<EigenEstimate<T>> = Vec::with_capacity(k);
    let mut deflate: Vec<Vec<T>> = Vec::with_capacity(k);
    for i in 0..k {
        let run_options = PowerOptions {
            seed: options.seed.wrapping_add(i as u64),
            ..options
        };
        let estimate = power_iteration(op, &deflate, run_options)?;
        deflate.push(estimate.vector.clone());
        found.push(estimate);
    }
    Ok(found)
}

/// Scales `v` to unit length; `false` when it is (numerically) zero.
fn normalize<T: Float>(v: &mut [T]) -> bool {
    let length = norm(v);
    if length > T::zero() && length.finite() {
        for x in v.iter_mut() {
            *x /= length;
        }
        true
    } else {
        false
    }
}
