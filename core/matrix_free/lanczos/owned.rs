//! A Lanczos run that owns its storage on the heap (`std`), and the
//! one-call eigenvalue estimates built on it.

use std::vec::Vec;

use super::{
    LanczosOptions, LanczosRun, Vectors, lanczos_storage_len, symmetric_tridiagonal_eigen,
};
use crate::error::{Error, Result, check_param};
use crate::matrix_free::vectors::axpy;
use crate::matrix_free::{LinearOperator, zeroed_vec};
use crate::scalar::Float;

/// The result of a Lanczos run, on the heap: `T = Q^T A Q` and the
/// basis `Q`.
#[derive(Clone, Debug, PartialEq)]
pub struct Lanczos<T: Float> {
    /// Diagonal of `T`, one value per step.
    pub alpha: Vec<T>,
    /// Off-diagonal of `T` (one fewer than `alpha`).
    pub beta: Vec<T>,
    basis: Vec<T>,
    n: usize,
}

impl<T: Float> Lanczos<T> {
    /// Runs up to `steps` Lanczos steps of `op` from `start` (any nonzero
    /// vector; it is normalized), as [`LanczosRun::run_in`] in storage
    /// allocated here.
    ///
    /// # Errors
    /// As [`LanczosRun::run_in`]; [`Error::TooLarge`] when the storage
    /// (`min(steps, n) * n` values for the basis) cannot be allocated.
    pub fn run(op: &mut impl LinearOperator<T>, start: &[T], steps: usize) -> Result<Self> {
        let n = op.dim();
        let mut storage = allocate(n, steps)?;
        let run = LanczosRun::run_in(op, start, steps, &mut storage)?;
        let (alpha, beta) = (run.alpha().to_vec(), run.beta().to_vec());
        Ok(Self::keep(alpha, beta, storage, n))
    }

    /// A run from a seeded Rademacher start vector.
    pub(super) fn random(op: &mut impl LinearOperator<T>, options: LanczosOptions) -> Result<Self> {
        let n = op.dim();
        let mut storage = allocate(n, options.steps)?;
        let run = LanczosRun::random_in(op, options, &mut storage)?;
        let (alpha, beta) = (run.alpha().to_vec(), run.beta().to_vec());
        Ok(Self::keep(alpha, beta, storage, n))
    }

    /// Keeps the coefficients and, in place, the basis at the front of
    /// the storage.
    fn keep(alpha: Vec<T>, beta: Vec<T>, mut storage: Vec<T>, n: usize) -> Self {
        storage.truncate(alpha.len() * n);
        Self {
            alpha,
            beta,
            basis: storage,
            n,
        }
    }

    fn view(&self) -> LanczosRun<'_, T> {
        LanczosRun {
            alpha: &self.alpha,
            beta: &self.beta,
            basis: &self.basis,
            n: self.n,
        }
    }

    /// The number of steps taken (the size of `T`).
    #[must_use]
    pub fn steps(&self) -> usize {
        self.alpha.len()
    }

    /// The orthonormal basis `Q`, one vector per step.
    pub fn basis(&self) -> core::slice::ChunksExact<'_, T> {
        self.basis.chunks_exact(self.n)
    }

    /// The Ritz values, ascending.
    ///
    /// # Errors
    /// [`Error::NotConverged`] if the small eigen-decomposition fails.
    pub fn ritz_values(&self) -> Result<Vec<T>> {
        let m = self.steps();
        let (mut values, mut scratch) = (std::vec![T::zero(); m], std::vec![T::zero(); m]);
        self.view().ritz_values_into(&mut values, &mut scratch)?;
        Ok(values)
    }

    /// The Ritz values, ascending, with their Ritz vectors (unit vectors of
    /// the operator's space).
    ///
    /// # Errors
    /// [`Error::NotConverged`] if the small eigen-decomposition fails.
    pub fn ritz_pairs(&self) -> Result<(Vec<T>, Vec<Vec<T>>)> {
        let m = self.steps();
        let mut values = self.alpha.clone();
        let mut off = self.beta.clone();
        let mut z = zeroed_vec("Ritz eigenvector matrix", m.saturating_mul(m))?;
        symmetric_tridiagonal_eigen(&mut values, &mut off, Vectors::All(&mut z))?;
        let vectors = (0..m)
            .map(|c| {
                let mut v = std::vec![T::zero(); self.n];
                for (r, q) in self.basis().enumerate() {
                    axpy(z[r * m + c], q, &mut v);
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
    /// [`Error::NotConverged`] if the small eigen-decomposition fails.
    pub fn quadrature(&self) -> Result<(Vec<T>, Vec<T>)> {
        let m = self.steps();
        let mut nodes = std::vec![T::zero(); m];
        let mut weights = std::vec![T::zero(); m];
        let mut scratch = std::vec![T::zero(); m];
        self.view()
            .quadrature_into(&mut nodes, &mut weights, &mut scratch)?;
        Ok((nodes, weights))
    }
}

/// The zeroed storage of a run, or [`Error::TooLarge`].
fn allocate<T: Float>(n: usize, steps: usize) -> Result<Vec<T>> {
    let len = lanczos_storage_len(n, steps).ok_or(Error::TooLarge {
        what: "Lanczos storage",
        requested: usize::MAX,
    })?;
    zeroed_vec("Lanczos storage", len)
}

/// The `k` largest eigenvalues, descending, as Ritz values of one Lanczos
/// run from a seeded Rademacher vector. Take `steps` well above `k` (the
/// extreme values converge first; `steps = dim` gives all of them exactly
/// up to rounding). Without `std`: [`LanczosRun::random_in`] and
/// [`LanczosRun::ritz_values_into`].
///
/// # Errors
/// As [`Lanczos::run`]; [`Error::InvalidHyperParameter`] when `k` is 0 or
/// larger than the steps taken.
pub fn top_eigenvalues<T: Float>(
    op: &mut impl LinearOperator<T>,
    k: usize,
    options: LanczosOptions,
) -> Result<Vec<T>> {
    let values = Lanczos::random(op, options)?.ritz_values()?;
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
    let values = Lanczos::random(op, options)?.ritz_values()?;
    // A run takes at least one step.
    Ok(values.first().copied().unwrap_or(T::zero()))
}
