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
mod owned {
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
        pub(super) fn random(
            op: &mut impl LinearOperator<T>,
            options: LanczosOptions,
        ) -> Result<Self> {
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
}
