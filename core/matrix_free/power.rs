//! Power iteration: the eigenpair of largest magnitude, and the top few by
//! deflation, as PyHessian computes the top Hessian eigenvalues.
//!
//! From a seeded Rademacher vector, `v <- A v / |A v|` until the residual
//! `|A v - lambda v|` (with `lambda = v^T A v`) falls below
//! `tolerance * |lambda|`. It converges to the eigenvalue of largest
//! magnitude (which is the largest eigenvalue when the spectrum's
//! positive end dominates, as near a minimum) at the rate
//! `|lambda_2 / lambda_1|` per step. Deflation keeps `v` orthogonal to
//! eigenvectors already found; they must be orthonormal, and are checked.
//!
//! [`power_iteration_in`] and [`top_eigenpairs_power_in`] work in caller
//! storage (no heap); [`power_iteration`] and [`top_eigenpairs_power`]
//! (`std`) allocate it.

use super::LinearOperator;
use super::vectors::{
    check_dim, check_orthonormal, check_product, dot, norm, normalize, orthogonalize, rademacher,
    scaled_norm,
};
use crate::error::{Error, Result, check_count, check_param};
use crate::rng::Rng;
use crate::scalar::{Float, check_in_scalar};

/// Stopping rule and seed of [`power_iteration_in`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerOptions {
    /// Most products (>= 1). Default: 1000.
    pub max_iterations: usize,
    /// Stop when `|A v - lambda v| <= tolerance * |lambda|` (finite, > 0,
    /// and nonzero in the scalar computed in). Default: 1e-8.
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

impl PowerOptions {
    fn check<T: Float>(&self) -> Result<()> {
        check_count("max_iterations", self.max_iterations)?;
        let tolerance = self.tolerance;
        check_param(
            "tolerance",
            tolerance,
            tolerance.is_finite() && tolerance > 0.0,
            "must be finite and > 0",
        )?;
        check_in_scalar::<T>("tolerance", tolerance)
    }
}

/// An eigenvalue estimate; its unit vector is in the caller's buffer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerEstimate<T> {
    /// The Rayleigh quotient `v^T A v`.
    pub value: T,
    /// `|A v - value v|`.
    pub residual: T,
    /// Products computed.
    pub iterations: usize,
    /// Whether the residual met the tolerance.
    pub converged: bool,
}

/// Values of workspace [`power_iteration_in`] needs for an operator of
/// dimension `n`: one vector.
#[must_use]
pub const fn power_workspace_len(n: usize) -> usize {
    n
}

/// The eigenpair of largest magnitude of `op` restricted to the orthogonal
/// complement of `deflate` (orthonormal vectors of `op.dim()` values, one
/// after the other, e.g. eigenvectors already found; empty for none). The
/// unit vector goes to `vector` (`op.dim()` values); `workspace` holds
/// [`power_workspace_len`] values. No heap.
///
/// # Errors
/// [`Error::InvalidHyperParameter`] for zero iterations or a tolerance that
/// is not finite and positive, [`Error::ZeroWidth`] for an operator of
/// dimension 0, [`Error::BufferLength`] for buffers of the wrong length
/// (`deflate` not a whole number of vectors), [`Error::NotOrthonormal`]
/// for deflation vectors that are not orthonormal,
/// [`Error::NonFiniteResult`] and the operator's errors, and
/// [`Error::DegenerateStart`] when the start vector lies in `span(deflate)`.
pub fn power_iteration_in<T: Float>(
    op: &mut impl LinearOperator<T>,
    deflate: &[T],
    options: PowerOptions,
    vector: &mut [T],
    workspace: &mut [T],
) -> Result<PowerEstimate<T>> {
    let n = op.dim();
    check_dim(n)?;
    options.check::<T>()?;
    for (what, given) in [
        ("power iteration vector", vector.len()),
        ("power iteration workspace", workspace.len()),
    ] {
        if given != n {
            return Err(Error::BufferLength {
                what,
                given,
                required: n,
            });
        }
    }
    check_orthonormal("deflation vector", deflate, n)?;
    let (v, w) = (vector, workspace);
    rademacher(&mut Rng::seed_from(options.seed), v);
    orthogonalize(deflate, v);
    if !normalize(v) {
        return Err(Error::DegenerateStart {
            what: "power iteration",
        });
    }
    let tolerance = T::of_f64(options.tolerance);
    let mut estimate = PowerEstimate {
        value: T::zero(),
        residual: T::zero(),
        iterations: 0,
        converged: false,
    };
    for iteration in 1..=options.max_iterations {
        op.matvec(v, w)?;
        check_product(w)?;
        orthogonalize(deflate, w);
        let value = dot(v, w);
        let residual = scaled_norm(n, |i| w[i] - value * v[i]);
        if !(value.finite() && residual.finite()) {
            return Err(Error::NonFiniteResult {
                what: "the power iteration's estimate",
            });
        }
        estimate.value = value;
        estimate.residual = residual;
        estimate.iterations = iteration;
        if residual <= tolerance * crate::math::abs(value) || norm(w) == T::zero() {
            estimate.converged = true;
            break;
        }
        v.copy_from_slice(w);
        normalize(v);
    }
    Ok(estimate)
}

/// The `estimates.len()` eigenpairs of largest magnitude by power iteration
/// with deflation (each found vector is projected out of the next run), in
/// the order found: vector `i` goes to `vectors[i * n..(i + 1) * n]`
/// (`vectors` holds `estimates.len() * op.dim()` values), run `i` seeded
/// with `options.seed + i`. No heap.
///
/// # Errors
/// As [`power_iteration_in`]; [`Error::InvalidHyperParameter`] when no
/// pair or more pairs than the dimension are asked for.
pub fn top_eigenpairs_power_in<T: Float>(
    op: &mut impl LinearOperator<T>,
    options: PowerOptions,
    vectors: &mut [T],
    estimates: &mut [PowerEstimate<T>],
    workspace: &mut [T],
) -> Result<()> {
    let (n, k) = (op.dim(), estimates.len());
    check_pair_count(k, n)?;
    let required = super::product_len("eigenvectors", k, n)?;
    if vectors.len() != required {
        return Err(Error::BufferLength {
            what: "eigenvectors",
            given: vectors.len(),
            required,
        });
    }
    for (i, estimate) in estimates.iter_mut().enumerate() {
        let run_options = PowerOptions {
            seed: options.seed.wrapping_add(i as u64),
            ..options
        };
        let (found, rest) = vectors.split_at_mut(i * n);
        *estimate = power_iteration_in(op, found, run_options, &mut rest[..n], workspace)?;
    }
    Ok(())
}

/// Refuses a number of eigenpairs outside `1..=n`.
fn check_pair_count(k: usize, n: usize) -> Result<()> {
    check_param(
        "k",
        k as f64,
        k >= 1 && k <= n,
        "must be at least 1 and at most the dimension",
    )
}

#[cfg(feature = "std")]
pub use owned::{EigenEstimate, power_iteration, top_eigenpairs_power};

#[cfg(feature = "std")]
mod owned {
    use std::vec::Vec;

    use super::{
        PowerEstimate, PowerOptions, check_pair_count, power_iteration_in, top_eigenpairs_power_in,
    };
    use crate::error::{Error, Result};
    use crate::matrix_free::{LinearOperator, product_len, zeroed_vec};
    use crate::scalar::Float;

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

    impl<T: Float> EigenEstimate<T> {
        fn of(estimate: PowerEstimate<T>, vector: Vec<T>) -> Self {
            Self {
                value: estimate.value,
                vector,
                residual: estimate.residual,
                iterations: estimate.iterations,
                converged: estimate.converged,
            }
        }
    }

    /// [`power_iteration_in`] with its storage on the heap: `deflate` holds
    /// orthonormal vectors of `op.dim()` values (empty for none).
    ///
    /// # Errors
    /// As [`power_iteration_in`]; [`Error::BufferLength`] for a deflation
    /// vector of the wrong length.
    pub fn power_iteration<T: Float>(
        op: &mut impl LinearOperator<T>,
        deflate: &[Vec<T>],
        options: PowerOptions,
    ) -> Result<EigenEstimate<T>> {
        let n = op.dim();
        if let Some(bad) = deflate.iter().find(|d| d.len() != n) {
            return Err(Error::BufferLength {
                what: "deflation vector",
                given: bad.len(),
                required: n,
            });
        }
        let flat: Vec<T> = deflate.concat();
        let mut vector = zeroed_vec("power iteration vector", n)?;
        let mut workspace = zeroed_vec("power iteration workspace", n)?;
        let estimate = power_iteration_in(op, &flat, options, &mut vector, &mut workspace)?;
        Ok(EigenEstimate::of(estimate, vector))
    }

    /// The `k` eigenpairs of largest magnitude by power iteration with
    /// deflation ([`top_eigenpairs_power_in`] with its storage on the heap).
    ///
    /// # Errors
    /// As [`top_eigenpairs_power_in`]; [`Error::TooLarge`] when the `k`
    /// vectors cannot be allocated.
    pub fn top_eigenpairs_power<T: Float>(
        op: &mut impl LinearOperator<T>,
        k: usize,
        options: PowerOptions,
    ) -> Result<Vec<EigenEstimate<T>>> {
        let n = op.dim();
        check_pair_count(k, n)?;
        let mut vectors = zeroed_vec("eigenvectors", product_len("eigenvectors", k, n)?)?;
        let blank = PowerEstimate {
            value: T::zero(),
            residual: T::zero(),
            iterations: 0,
            converged: false,
        };
        let mut estimates = std::vec![blank; k];
        let mut workspace = zeroed_vec("power iteration workspace", n)?;
        top_eigenpairs_power_in(op, options, &mut vectors, &mut estimates, &mut workspace)?;
        Ok(estimates
            .into_iter()
            .zip(vectors.chunks_exact(n))
            .map(|(estimate, vector)| EigenEstimate::of(estimate, vector.to_vec()))
            .collect())
    }
}
