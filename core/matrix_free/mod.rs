//! Matrix-free curvature: what can be learned about a Hessian too big to
//! form, using only products `v -> H v` (each one R-operator pass).
//!
//! - [`lanczos::Lanczos`]: the Lanczos process with full
//!   reorthogonalization (C. Lanczos, J. Res. Nat. Bur. Standards 45, 1950;
//!   B. N. Parlett, "The Symmetric Eigenvalue Problem", 1998, for
//!   reorthogonalizing twice), and from it [`lanczos::top_eigenvalues`] and
//!   [`lanczos::smallest_eigenvalue`] (the most negative curvature).
//! - [`power::power_iteration`]: the dominant eigenpair, with deflation for
//!   the top few, as PyHessian computes them (Z. Yao, A. Gholami,
//!   K. Keutzer, M. Mahoney, "PyHessian: Neural networks through the lens
//!   of the Hessian", IEEE Big Data 2020).
//! - [`hutchinson::hutchinson_trace`]: the trace from Rademacher probes
//!   (M. F. Hutchinson, Commun. Stat. Simul. Comput. 19(2), 1990).
//! - [`slq::spectral_density`]: the eigenvalue density by stochastic
//!   Lanczos quadrature (S. Ubaru, J. Chen, Y. Saad, SIAM J. Matrix Anal.
//!   Appl. 38(4), 2017; B. Ghorbani, S. Krishnan, Y. Xiao, ICML 2019), with
//!   PyHessian's Gaussian broadening.
//!
//! They take any [`LinearOperator`]: a network's
//! [`HvpOperator`](crate::hessian::HvpOperator), a closure
//! ([`FnOperator`]), or an explicit matrix. The operator must be symmetric.
//! The algorithms need a few vectors of the operator's size and live behind
//! the `std` feature; the operator trait does not.

#[cfg(feature = "std")]
pub mod hutchinson;
#[cfg(feature = "std")]
pub mod lanczos;
#[cfg(feature = "std")]
pub mod power;
#[cfg(feature = "std")]
pub mod slq;

#[cfg(feature = "std")]
pub use hutchinson::{TraceEstimate, hutchinson_trace};
#[cfg(feature = "std")]
pub use lanczos::{Lanczos, LanczosOptions, smallest_eigenvalue, top_eigenvalues};
#[cfg(feature = "std")]
pub use power::{EigenEstimate, PowerOptions, power_iteration, top_eigenpairs_power};
#[cfg(feature = "std")]
pub use slq::{SlqOptions, SpectralDensity, spectral_density};

use nalgebra::SMatrix;

use crate::scalar::Float;

/// A symmetric linear map `v -> A v` on vectors of length [`dim`](LinearOperator::dim)
/// (`matvec`, as in scipy's `LinearOperator`; not `apply` or `product`, which
/// nalgebra's matrices already have with other meanings).
pub trait LinearOperator<T> {
    /// The length of the vectors it acts on.
    fn dim(&self) -> usize;
    /// Writes `A v` into `out` (overwritten). Both are `dim()` long;
    /// implementations may panic otherwise.
    fn matvec(&mut self, v: &[T], out: &mut [T]);
}

impl<T, Op: LinearOperator<T> + ?Sized> LinearOperator<T> for &mut Op {
    fn dim(&self) -> usize {
        (**self).dim()
    }
    fn matvec(&mut self, v: &[T], out: &mut [T]) {
        (**self).matvec(v, out);
    }
}

/// A closure as a [`LinearOperator`]; build it with [`operator`].
#[derive(Clone, Copy, Debug)]
pub struct FnOperator<F> {
    dim: usize,
    apply: F,
}

/// The operator `v -> f(v)` on vectors of length `dim`; `f(v, out)` writes
/// `A v` into `out`.
pub const fn operator<F>(dim: usize, f: F) -> FnOperator<F> {
    FnOperator { dim, apply: f }
}

impl<T, F: FnMut(&[T], &mut [T])> LinearOperator<T> for FnOperator<F> {
    fn dim(&self) -> usize {
        self.dim
    }
    fn matvec(&mut self, v: &[T], out: &mut [T]) {
        (self.apply)(v, out);
    }
}

impl<T: Float, const D: usize> LinearOperator<T> for SMatrix<T, D, D> {
    fn dim(&self) -> usize {
        D
    }
    fn matvec(&mut self, v: &[T], out: &mut [T]) {
        matrix_vector(self.as_slice(), D, v, out);
    }
}

#[cfg(feature = "std")]
impl<T: Float> LinearOperator<T> for nalgebra::DMatrix<T> {
    fn dim(&self) -> usize {
        self.nrows()
    }
    fn matvec(&mut self, v: &[T], out: &mut [T]) {
        matrix_vector(self.as_slice(), self.nrows(), v, out);
    }
}

/// `out = A v` for a column-major `n x n` matrix.
fn matrix_vector<T: Float>(a: &[T], n: usize, v: &[T], out: &mut [T]) {
    out[..n].fill(T::zero());
    for (column, &vj) in a.chunks_exact(n.max(1)).zip(v) {
        for (o, &aij) in out.iter_mut().zip(column) {
            *o += aij * vj;
        }
    }
}

/// Small vector kernels shared by the methods.
#[cfg(feature = "std")]
mod vectors {
    use crate::error::{Error, Result};
    use crate::rng::Rng;
    use crate::scalar::Float;
    use std::vec::Vec;

    pub fn dot<T: Float>(a: &[T], b: &[T]) -> T {
        let mut sum = T::zero();
        for (&x, &y) in a.iter().zip(b) {
            sum += x * y;
        }
        sum
    }

    pub fn norm<T: Float>(a: &[T]) -> T {
        crate::math::sqrt(dot(a, a))
    }

    /// `y += alpha x`.
    pub fn axpy<T: Float>(alpha: T, x: &[T], y: &mut [T]) {
        for (y, &x) in y.iter_mut().zip(x) {
            *y += alpha * x;
        }
    }

    /// Removes from `w` its components along the orthonormal `basis`,
    /// twice (Parlett's "twice is enough").
    pub fn orthogonalize<T: Float>(basis: &[Vec<T>], w: &mut [T]) {
        for _ in 0..2 {
            for q in basis {
                let c = dot(q, w);
                axpy(-c, q, w);
            }
        }
    }

    /// A Rademacher vector: entries +1 or -1 with equal probability.
    pub fn rademacher<T: Float>(rng: &mut Rng, n: usize) -> Vec<T> {
        (0..n).map(|_| T::of_f64(rng.sign())).collect()
    }

    /// Refuses operators of dimension 0.
    pub fn check_dim(dim: usize) -> Result<()> {
        if dim == 0 {
            Err(Error::Numerical {
                reason: "the operator has dimension 0",
            })
        } else {
            Ok(())
        }
    }

    /// Refuses a product with NaN or infinite entries.
    pub fn check_product<T: Float>(product: &[T]) -> Result<()> {
        if crate::scalar::all_finite(product) {
            Ok(())
        } else {
            Err(Error::Numerical {
                reason: "the operator returned a NaN or infinite value",
            })
        }
    }
}
