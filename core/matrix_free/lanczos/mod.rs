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
//!
//! [`LanczosRun::run_in`] works in one caller-provided buffer of
//! [`lanczos_storage_len`] values (no heap); [`Lanczos`] (`std`) owns its
//! storage.

use super::tridiagonal::{Vectors, symmetric_tridiagonal_eigen};
use super::vectors::{axpy, check_dim, check_product, dot, norm, orthogonalize, rademacher};
use super::{LinearOperator, take};
use crate::error::{Error, Result, check_count};
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

/// Values of storage a run of up to `steps` steps on vectors of length `n`
/// needs: `m n + 2 m + n` with `m = min(steps, n)` (the basis, `alpha`,
/// `beta` and one work vector); `None` when that overflows `usize`.
#[must_use]
pub const fn lanczos_storage_len(n: usize, steps: usize) -> Option<usize> {
    let m = if steps < n { steps } else { n };
    match m.checked_mul(n) {
        Some(basis) => match basis.checked_add(2 * m) {
            Some(with_coefficients) => with_coefficients.checked_add(n),
            None => None,
        },
        None => None,
    }
}

/// Where the start vector comes from.
#[derive(Clone, Copy)]
enum Start<'s, T> {
    Given(&'s [T]),
    Rademacher(u64),
}

/// A finished Lanczos run in caller storage: `T = Q^T A Q` and the basis
/// `Q`, borrowed from the buffer given to [`LanczosRun::run_in`].
#[derive(Clone, Copy, Debug)]
pub struct LanczosRun<'a, T> {
    alpha: &'a [T],
    beta: &'a [T],
    basis: &'a [T],
    n: usize,
}

impl<'a, T: Float> LanczosRun<'a, T> {
    /// Runs up to `steps` Lanczos steps of `op` from `start` (any nonzero
    /// finite vector of `op.dim()` values; it is normalized), in `storage`
    /// ([`lanczos_storage_len`] values or more; no heap).
    ///
    /// # Errors
    /// [`Error::BufferLength`] if `start` is not `op.dim()` long or
    /// `storage` is short, [`Error::ZeroWidth`] for an operator of
    /// dimension 0, [`Error::InvalidHyperParameter`] for zero steps or a
    /// zero or non-finite start, [`Error::NonFiniteResult`] and any error
    /// of the operator's `matvec`.
    pub fn run_in(
        op: &mut impl LinearOperator<T>,
        start: &[T],
        steps: usize,
        storage: &'a mut [T],
    ) -> Result<Self> {
        Self::run_from(op, Start::Given(start), steps, storage)
    }

    /// [`LanczosRun::run_in`] from a seeded Rademacher start vector (no
    /// heap): the run [`top_eigenvalues`] and [`smallest_eigenvalue`] make.
    ///
    /// # Errors
    /// As [`LanczosRun::run_in`].
    pub fn random_in(
        op: &mut impl LinearOperator<T>,
        options: LanczosOptions,
        storage: &'a mut [T],
    ) -> Result<Self> {
        Self::run_from(op, Start::Rademacher(options.seed), options.steps, storage)
    }

    fn run_from(
        op: &mut impl LinearOperator<T>,
        start: Start<'_, T>,
        steps: usize,
        storage: &'a mut [T],
    ) -> Result<Self> {
        let n = op.dim();
        check_dim(n)?;
        check_count("steps", steps)?;
        let m = steps.min(n);
        let required = lanczos_storage_len(n, steps).ok_or(Error::TooLarge {
            what: "Lanczos storage",
            requested: usize::MAX,
        })?;
        let what = "Lanczos storage";
        super::check_storage(storage, required, what)?;
        let (basis, rest) = take(storage, m * n, what, required)?;
        let (alpha, rest) = take(rest, m, what, required)?;
        let (beta, rest) = take(rest, m, what, required)?;
        let (w, _) = take(rest, n, what, required)?;
        let first = &mut basis[..n];
        match start {
            Start::Given(start) => {
                if start.len() != n {
                    return Err(Error::BufferLength {
                        what: "Lanczos start vector",
                        given: start.len(),
                        required: n,
                    });
                }
                first.copy_from_slice(start);
            }
            Start::Rademacher(seed) => rademacher(&mut Rng::seed_from(seed), first),
        }
        let start_norm = norm(first);
        if !(start_norm > T::zero() && start_norm.finite()) {
            return Err(Error::InvalidHyperParameter {
                name: "start",
                value: start_norm.to_f64(),
                expected: "the Lanczos start vector must have a nonzero finite norm",
            });
        }
        for x in first.iter_mut() {
            *x /= start_norm;
        }
        let mut taken = 0;
        let mut scale = T::zero();
        // A new direction below this size is rounding noise: the Krylov
        // space has closed.
        let breakdown = T::of_f64(64.0) * T::EPSILON * crate::math::sqrt(T::of_usize(n));
        for j in 0..m {
            let (done, next) = basis.split_at_mut((j + 1) * n);
            let q = &done[j * n..];
            op.matvec(q, w)?;
            check_product(w)?;
            let a = dot(q, w);
            alpha[j] = a;
            taken = j + 1;
            axpy(-a, q, w);
            if j > 0 {
                axpy(-beta[j - 1], &done[(j - 1) * n..j * n], w);
            }
            orthogonalize(done, w);
            let b = norm(w);
            scale = scale.max(crate::math::abs(a)).max(b);
            if j + 1 == m || b <= breakdown * scale {
                break;
            }
            beta[j] = b;
            for (q, &x) in next[..n].iter_mut().zip(w.iter()) {
                *q = x / b;
            }
        }
        let (alpha, beta, basis): (&'a [T], &'a [T], &'a [T]) = (alpha, beta, basis);
        Ok(Self {
            alpha: &alpha[..taken],
            beta: &beta[..taken - 1],
            basis: &basis[..taken * n],
            n,
        })
    }

    /// The number of steps taken (the size of `T`).
    #[must_use]
    pub fn steps(&self) -> usize {
        self.alpha.len()
    }

    /// The diagonal of `T`, one value per step.
    #[must_use]
    pub fn alpha(&self) -> &'a [T] {
        self.alpha
    }

    /// The off-diagonal of `T` (one fewer than [`LanczosRun::alpha`]).
    #[must_use]
    pub fn beta(&self) -> &'a [T] {
        self.beta
    }

    /// The orthonormal basis `Q`, one vector of `op.dim()` values per step.
    pub fn basis(&self) -> core::slice::ChunksExact<'a, T> {
        self.basis.chunks_exact(self.n)
    }

    /// The Ritz values, ascending, written into `values` (`steps()` long),
    /// with `scratch` (`steps()` values) as workspace.
    ///
    /// # Errors
    /// [`Error::BufferLength`] for buffers of another length;
    /// [`Error::NotConverged`] if the small eigen-decomposition fails.
    pub fn ritz_values_into(&self, values: &mut [T], scratch: &mut [T]) -> Result<()> {
        self.load(values, scratch)?;
        symmetric_tridiagonal_eigen(values, scratch, Vectors::None)
    }

    /// Gauss quadrature of the start vector's spectral measure: the Ritz
    /// values (`nodes`) and the squared first components of `T`'s
    /// eigenvectors (`weights`, summing to 1), each `steps()` long, with
    /// `scratch` (`steps()` values) as workspace.
    ///
    /// # Errors
    /// As [`LanczosRun::ritz_values_into`].
    pub fn quadrature_into(
        &self,
        nodes: &mut [T],
        weights: &mut [T],
        scratch: &mut [T],
    ) -> Result<()> {
        self.load(nodes, scratch)?;
        if weights.len() != self.steps() {
            return Err(Error::BufferLength {
                what: "quadrature weights",
                given: weights.len(),
                required: self.steps(),
            });
        }
        symmetric_tridiagonal_eigen(nodes, scratch, Vectors::FirstRow(weights))?;
        for w in weights.iter_mut() {
            *w *= *w;
        }
        Ok(())
    }

    /// Copies `alpha` into `diagonal` and `beta` into `off`.
    fn load(&self, diagonal: &mut [T], off: &mut [T]) -> Result<()> {
        let m = self.steps();
        for (what, given) in [
            ("Ritz values", diagonal.len()),
            ("Lanczos scratch", off.len()),
        ] {
            if given != m {
                return Err(Error::BufferLength {
                    what,
                    given,
                    required: m,
                });
            }
        }
        diagonal.copy_from_slice(self.alpha);
        off[..m - 1].copy_from_slice(self.beta);
        Ok(())
    }
}

#[cfg(feature = "std")]
pub use owned::{Lanczos, smallest_eigenvalue, top_eigenvalues};

#[cfg(feature = "std")]
mod owned;
