//! The Lanczos process with full reorthogonalization, and the extreme
//! eigenvalues it finds.
//!
//! From a unit start vector `q_1`, `m` steps build an orthonormal basis
//! `Q = [q_1 .. q_m]` of the Krylov space `span{q_1, A q_1, .., A^(m-1) q_1}`
//! and the tridiagonal `T = Q^T A Q` (diagonal `alpha`, off-diagonal
//! `beta`). The eigenvalues of `T` (Ritz values) approach the extreme
//! eigenvalues of `A` first. Each new vector is orthogonalized against the
//! whole basis twice, which keeps the basis orthonormal to rounding (plain
//! Lanczos loses orthogonality and produces spurious copies). If the
//! Krylov space closes (an invariant subspace, `beta` at rounding level)
//! the process stops early and its Ritz values are exact eigenvalues.

use std::vec;
use std::vec::Vec;

use nalgebra::{DMatrix, SymmetricEigen};

use super::LinearOperator;
use super::vectors::{axpy, check_dim, check_product, dot, norm, orthogonalize, rademacher};
use crate::error::{Error, Result, check_count, check_param};
use crate::rng::Rng;
use crate::scalar::Float;

/// Lanczos steps and the seed of the random start vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LanczosOptions {
    /// Steps (>= 1; capped at the dimension). Default: 100.
    pub steps: usize,
    /// Seed of the Rademacher start vector. Default: 0.
    pub seed: u64,
}

impl Default for LanczosOptions {
    fn default() -> Self {
        Self {
            steps: 100,
            seed: 0,
        }
    }
}

/// The result of a Lanczos run: `T = Q^T A Q` and the basis `Q`.
#[derive(Clone, Debug, PartialEq)]
pub struct Lanczos<T: Float> {
    /// Diagonal of `T`, one value per step.
    pub alpha: Vec<T>,
    /// Off-diagonal of `T` (one fewer than `alpha`).
    pub beta: Vec<T>,
    basis: Vec<Vec<T>>,
}

impl<T: Float> Lanczos<T> {
    /// Runs up to `steps` Lanczos steps of `op` from `start` (any nonzero
    /// vector; it is normalized).
    ///
    /// # Errors
    /// [`Error::BufferLength`] if `start` is not `op.dim()` long,
    /// [`Error::Numerical`] for a zero or non-finite start, an operator of
    /// dimension 0 or one that returns non-finite values,
    /// [`Error::InvalidHyperParameter`] for zero steps.
    pub fn run(op: &mut impl LinearOperator<T>, start: &[T], steps: usize) -> Result<Self> {
        let n = op.dim();
        check_dim(n)?;
        check_count("steps", steps)?;
        if start.len() != n {
            return Err(Error::BufferLength {
                what: "Lanczos start vector",
                given: start.len(),
                required: n,
            });
        }
        let start_norm = norm(start);
        if !(start_norm > T::zero() && start_norm.finite()) {
            return Err(Error::Numerical {
                reason: "the Lanczos start vector must be nonzero and finite",
            });
        }
        let steps = steps.min(n);
        let mut basis: Vec<Vec<T>> = vec![start.iter().map(|&s| s / start_norm).collect()];
        let (mut alpha, mut beta) = (Vec::with_capacity(steps), Vec::<T>::with_capacity(steps));
        let mut w = vec![T::zero(); n];
        let mut scale = T::zero();
        // A new direction below this size is rounding noise: the Krylov
        // space has closed.
        let breakdown = T::of_f64(64.0) * T::EPSILON * crate::math::sqrt(T::of_usize(n));
        for j in 0..steps {
            op.matvec(&basis[j], &mut w);
            check_product(&w)?;
            let a = dot(&basis[j], &w);
            alpha.push(a);
            axpy(-a, &basis[j], &mut w);
            if j > 0 {
                axpy(-beta[j - 1], &basis[j - 1], &mut w);
            }
            orthogonalize(&basis, &mut w);
            let b = norm(&w);
            scale = scale.max(crate::math::abs(a)).max(b);
            if j + 1 == steps || b <= breakdown * scale {
                break;
            }
            beta.push(b);
            basis.push(w.iter().map(|&x| x / b).collect());
        }
        Ok(Self { alpha, beta, basis })
    }

    /// The number of steps taken (the size of `T`).
    #[must_use]
    pub fn steps(&self) -> usize {
        self.alpha.len()
    }

    /// The orthonormal basis `Q`, one vector per step.
    #[must_use]
    pub fn basis(&self) -> &[Vec<T>] {
        &self.basis
    }

    /// The eigen-decomposition of `T`: Ritz values ascending, with the
    /// eigenvectors of `T` as columns in the same order.
    fn eigen(&self) -> Result<(Vec<T>, DMatrix<T>)> {
        let m = self.steps();
        let tridiagonal = DMatrix::from_fn(m, m, |i, j| {
            if i == j {
                self.alpha[i]
            } else if i + 1 == j {
                self.beta[i]
            } else if j + 1 == i {
                self.beta[j]
            } else {
                T::zero()
            }
        });
        let eigen =
            SymmetricEigen::try_new(tridiagonal, T::EPSILON, 1000 * m).ok_or(Error::Numerical {
                reason: "the tridiagonal eigen-decomposition did not converge",
            })?;
        let mut order: Vec<usize> = (0..m).collect();
        order.sort_by(|&a, &b| eigen.eigenvalues[a].total_cmp_float(eigen.eigenvalues[b]));
        let values = order.iter().map(|&i| eigen.eigenvalues[i]).collect();
        let vectors = DMatrix::from_fn(m, m, |r, c| eigen.eigenvectors[(r, order[c])]);
        Ok((values, vectors))
    }

    /// The Ritz values, ascending.
    ///
    /// # Errors
    /// [`Error::Numerical`] if the small eigen-decomposition fails.
    pub fn ritz_values(&self) -> Result<Vec<T>> {
        Ok(self.eigen()?.0)
    }

    /// The Ritz values, ascending, with their Ritz vectors (unit vectors of
    /// the operator's space).
    ///
    /// # Errors
    /// [`Error::Numerical`] if the small eigen-decomposition fails.
    pub fn ritz_pairs(&self) -> Result<(Vec<T>, Vec<Vec<T>>)> {
        let (values, y) = self.eigen()?;
        let n = self.basis[0].len();
        let vectors = (0..values.len())
            .map(|c| {
                let mut v = vec![T::zero(); n];
                for (r, q) in self.basis.iter().enumerate() {
                    axpy(y[(r, c)], q, &mut v);
                }
                v
            })
            .collect();
        Ok((values, vectors))
    }

    /// Gauss quadrature nodes and weights of the start vector's spectral
    /// measure: the Ritz values and the squared first components of `T`'s
    /// eigenvectors (the weights sum to 1).
    ///
    /// # Errors
    /// [`Error::Numerical`] if the small eigen-decomposition fails.
    pub fn quadrature(&self) -> Result<(Vec<T>, Vec<T>)> {
        let (values, y) = self.eigen()?;
        let weights = (0..values.len()).map(|c| y[(0, c)] * y[(0, c)]).collect();
        Ok((values, weights))
    }
}

/// Total order on floats for sorting (NaN last).
trait TotalOrder {
    fn total_cmp_float(self, other: Self) -> core::cmp::Ordering;
}

impl<T: Float> TotalOrder for T {
    fn total_cmp_float(self, other: Self) -> core::cmp::Ordering {
        self.to_f64().total_cmp(&other.to_f64())
    }
}

/// The `k` largest eigenvalues, descending, as Ritz values of one Lanczos
/// run from a seeded Rademacher vector. Take `steps` well above `k` (the
/// extreme values converge first; `steps = dim` gives all of them exactly
/// up to rounding).
///
/// # Errors
/// As [`Lanczos::run`]; [`Error::InvalidHyperParameter`] when `k` is 0 or
/// larger than the steps taken.
pub fn top_eigenvalues<T: Float>(
    op: &mut impl LinearOperator<T>,
    k: usize,
    options: LanczosOptions,
) -> Result<Vec<T>> {
    let run = from_random_start(op, options)?;
    let values = run.ritz_values()?;
    check_param(
        "k",
        k as f64,
        k >= 1 && k <= values.len(),
        "must be at least 1 and at most the number of Lanczos steps taken",
    )?;
    Ok(values.iter().rev().take(k).copied().collect())
}

/// The smallest (most negative) eigenvalue, as the smallest Ritz value of
/// one Lanczos run from a seeded Rademacher vector: the direction of most
/// negative curvature, the one a saddle point escapes along.
///
/// # Errors
/// As [`Lanczos::run`].
pub fn smallest_eigenvalue<T: Float>(
    op: &mut impl LinearOperator<T>,
    options: LanczosOptions,
) -> Result<T> {
    let run = from_random_start(op, options)?;
    let values = run.ritz_values()?;
    values.first().copied().ok_or(Error::Numerical {
        reason: "Lanczos produced no Ritz value",
    })
}

fn from_random_start<T: Float>(
    op: &mut impl LinearOperator<T>,
    options: LanczosOptions,
) -> Result<Lanczos<T>> {
    check_dim(op.dim())?;
    let start: Vec<T> = rademacher(&mut Rng::seed_from(options.seed), op.dim());
    Lanczos::run(op, &start, options.steps)
}
