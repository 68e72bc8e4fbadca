//! Matrix-free curvature: what can be learned about a Hessian too big to
//! form, using only products `v -> H v` (each one R-operator pass).
//!
//! - [`lanczos`]: the Lanczos process with full reorthogonalization
//!   (C. Lanczos, J. Res. Nat. Bur. Standards 45, 1950; B. N. Parlett,
//!   "The Symmetric Eigenvalue Problem", 1998, for reorthogonalizing
//!   twice), and from it the top eigenvalues and the smallest (the most
//!   negative curvature).
//! - [`power`]: the dominant eigenpair, with deflation for the top few, as
//!   PyHessian computes them (Z. Yao, A. Gholami, K. Keutzer, M. Mahoney,
//!   "PyHessian: Neural networks through the lens of the Hessian", IEEE
//!   Big Data 2020).
//! - [`hutchinson`]: the trace from Rademacher probes (M. F. Hutchinson,
//!   Commun. Stat. Simul. Comput. 19(2), 1990).
//! - [`slq`]: the eigenvalue density by stochastic Lanczos quadrature
//!   (S. Ubaru, J. Chen, Y. Saad, SIAM J. Matrix Anal. Appl. 38(4), 2017;
//!   B. Ghorbani, S. Krishnan, Y. Xiao, ICML 2019), with PyHessian's
//!   Gaussian broadening.
//! - [`tridiagonal`]: the eigenvalues of the small tridiagonal matrices
//!   Lanczos builds (implicit QL), on caller storage.
//!
//! They take any [`LinearOperator`]: a network's
//! [`HvpOperator`](crate::hessian::HvpOperator), a closure
//! ([`FnOperator`]), or an explicit matrix. The operator must be symmetric.
//!
//! # Without `std`
//!
//! Every method has a form that works in caller-provided storage, so
//! curvature can be measured on a device: `hutchinson_trace_in`,
//! `power_iteration_in`, `top_eigenpairs_power_in`, `LanczosRun::run_in`
//! and `spectral_density_in`, each taking flat `&mut [T]` buffers whose
//! required lengths are given by a `const fn` (`lanczos_storage_len`, ...)
//! and checked (a short buffer is [`Error::BufferLength`], never a panic).
//! The `std` forms (`hutchinson_trace`, `power_iteration`,
//! [`Lanczos`], `spectral_density`) allocate that storage
//! on the heap, refusing sizes that cannot be allocated with
//! [`Error::TooLarge`] instead of aborting, and call them.

pub mod hutchinson;
pub mod lanczos;
pub mod power;
pub mod slq;
pub mod tridiagonal;

#[cfg(feature = "std")]
pub use hutchinson::hutchinson_trace;
pub use hutchinson::{TraceEstimate, hutchinson_trace_in, hutchinson_workspace_len};
#[cfg(feature = "std")]
pub use lanczos::{Lanczos, smallest_eigenvalue, top_eigenvalues};
pub use lanczos::{LanczosOptions, LanczosRun, lanczos_storage_len};
#[cfg(feature = "std")]
pub use power::{EigenEstimate, power_iteration, top_eigenpairs_power};
pub use power::{
    PowerEstimate, PowerOptions, power_iteration_in, power_workspace_len, top_eigenpairs_power_in,
};
pub use slq::{SlqOptions, slq_storage_len, spectral_density_in};
#[cfg(feature = "std")]
pub use slq::{SpectralDensity, spectral_density};

use nalgebra::SMatrix;

use crate::error::{Error, Result};
use crate::scalar::Float;

/// A symmetric linear map `v -> A v` on vectors of length [`dim`](LinearOperator::dim)
/// (`matvec`, as in scipy's `LinearOperator`; not `apply` or `product`, which
/// nalgebra's matrices already have with other meanings).
pub trait LinearOperator<T> {
    /// The length of the vectors it acts on.
    fn dim(&self) -> usize;

    /// Writes `A v` into `out` (overwritten). Both must be `dim()` long:
    /// an implementation refuses other lengths with
    /// [`Error::BufferLength`] ([`check_vectors`] does the check) and never
    /// panics; it may report other failures as errors too (a non-square
    /// matrix). The methods of this module propagate the error.
    fn matvec(&mut self, v: &[T], out: &mut [T]) -> Result<()>;
}

/// Checks that `v` and `out` are both `dim` long, as
/// [`LinearOperator::matvec`] requires.
///
/// # Errors
/// [`Error::BufferLength`] naming the vector that is not.
pub fn check_vectors<T>(dim: usize, v: &[T], out: &[T]) -> Result<()> {
    for (what, given) in [("operator input", v.len()), ("operator output", out.len())] {
        if given != dim {
            return Err(Error::BufferLength {
                what,
                given,
                required: dim,
            });
        }
    }
    Ok(())
}

impl<T, Op: LinearOperator<T> + ?Sized> LinearOperator<T> for &mut Op {
    fn dim(&self) -> usize {
        (**self).dim()
    }
    fn matvec(&mut self, v: &[T], out: &mut [T]) -> Result<()> {
        (**self).matvec(v, out)
    }
}

/// A closure as a [`LinearOperator`]; build it with [`operator`].
#[derive(Clone, Copy, Debug)]
pub struct FnOperator<F> {
    dim: usize,
    apply: F,
}

/// The operator `v -> f(v)` on vectors of length `dim`; `f(v, out)` writes
/// `A v` into `out`, and is only called with vectors of length `dim`.
pub const fn operator<F>(dim: usize, f: F) -> FnOperator<F> {
    FnOperator { dim, apply: f }
}

impl<T, F: FnMut(&[T], &mut [T])> LinearOperator<T> for FnOperator<F> {
    fn dim(&self) -> usize {
        self.dim
    }
    fn matvec(&mut self, v: &[T], out: &mut [T]) -> Result<()> {
        check_vectors(self.dim, v, out)?;
        (self.apply)(v, out);
        Ok(())
    }
}

impl<T: Float, const D: usize> LinearOperator<T> for SMatrix<T, D, D> {
    fn dim(&self) -> usize {
        D
    }
    fn matvec(&mut self, v: &[T], out: &mut [T]) -> Result<()> {
        check_vectors(D, v, out)?;
        matrix_vector(self.as_slice(), D, v, out);
        Ok(())
    }
}

/// A `DMatrix` is an operator of dimension `nrows()`; a matrix that is not
/// square is refused by `matvec` ([`Error::NotSquare`]), so no method
/// computes with it.
#[cfg(feature = "std")]
impl<T: Float> LinearOperator<T> for nalgebra::DMatrix<T> {
    fn dim(&self) -> usize {
        self.nrows()
    }
    fn matvec(&mut self, v: &[T], out: &mut [T]) -> Result<()> {
        let (rows, cols) = self.shape();
        if rows != cols {
            return Err(Error::NotSquare { rows, cols });
        }
        check_vectors(rows, v, out)?;
        matrix_vector(self.as_slice(), rows, v, out);
        Ok(())
    }
}

/// `out = A v` for a column-major `n x n` matrix.
fn matrix_vector<T: Float>(a: &[T], n: usize, v: &[T], out: &mut [T]) {
    out.fill(T::zero());
    for (column, &vj) in a.chunks_exact(n.max(1)).zip(v) {
        for (o, &aij) in out.iter_mut().zip(column) {
            *o += aij * vj;
        }
    }
}

/// `count * len` values, or [`Error::TooLarge`] when the product
/// overflows `usize`.
pub(crate) fn product_len(what: &'static str, count: usize, len: usize) -> Result<usize> {
    count.checked_mul(len).ok_or(Error::TooLarge {
        what,
        requested: usize::MAX,
    })
}

/// Refuses storage shorter than `required`.
pub(crate) fn check_storage<T>(storage: &[T], required: usize, what: &'static str) -> Result<()> {
    if storage.len() < required {
        Err(Error::BufferLength {
            what,
            given: storage.len(),
            required,
        })
    } else {
        Ok(())
    }
}

/// Splits the first `len` values off `storage`, or
/// [`Error::BufferLength`] when it is shorter (call [`check_storage`] on
/// the whole buffer first, so the error names its length).
pub(crate) fn take<'a, T>(
    storage: &'a mut [T],
    len: usize,
    what: &'static str,
    required: usize,
) -> Result<(&'a mut [T], &'a mut [T])> {
    if storage.len() < len {
        return Err(Error::BufferLength {
            what,
            given: storage.len(),
            required,
        });
    }
    Ok(storage.split_at_mut(len))
}

/// A zeroed vector of `len` values on the heap, or [`Error::TooLarge`]
/// when it cannot be allocated (instead of aborting).
#[cfg(feature = "std")]
pub(crate) fn zeroed_vec<T: Float>(what: &'static str, len: usize) -> Result<std::vec::Vec<T>> {
    let mut values = std::vec::Vec::new();
    values.try_reserve_exact(len).map_err(|_| Error::TooLarge {
        what,
        requested: len,
    })?;
    values.resize(len, T::zero());
    Ok(values)
}

/// Small vector kernels shared by the methods, on slices.
pub(crate) mod vectors {
    use crate::error::{Error, Result};
    use crate::rng::Rng;
    use crate::scalar::Float;

    pub fn dot<T: Float>(a: &[T], b: &[T]) -> T {
        let mut sum = T::zero();
        for (&x, &y) in a.iter().zip(b) {
            sum += x * y;
        }
        sum
    }

    /// The Euclidean norm, scaled by the largest magnitude first so it
    /// neither overflows nor underflows where the result is representable.
    pub fn norm<T: Float>(a: &[T]) -> T {
        scaled_norm(a.len(), |i| a[i])
    }

    /// The Euclidean norm of the `len` values `value(i)`, scaled.
    pub fn scaled_norm<T: Float>(len: usize, value: impl Fn(usize) -> T) -> T {
        let largest = (0..len).fold(T::zero(), |m, i| m.max(crate::math::abs(value(i))));
        if largest == T::zero() || !largest.finite() {
            return largest;
        }
        let sum = (0..len).fold(T::zero(), |s, i| {
            let x = value(i) / largest;
            s + x * x
        });
        crate::math::sqrt(sum) * largest
    }

    /// `y += alpha x`.
    pub fn axpy<T: Float>(alpha: T, x: &[T], y: &mut [T]) {
        for (y, &x) in y.iter_mut().zip(x) {
            *y += alpha * x;
        }
    }

    /// Removes from `w` its components along the orthonormal vectors of
    /// `basis` (consecutive runs of `w.len()` values), twice (Parlett's
    /// "twice is enough").
    pub fn orthogonalize<T: Float>(basis: &[T], w: &mut [T]) {
        let n = w.len().max(1);
        for _ in 0..2 {
            for q in basis.chunks_exact(n) {
                let c = dot(q, w);
                axpy(-c, q, w);
            }
        }
    }

    /// Fills `v` with a Rademacher vector: entries +1 or -1 with equal
    /// probability.
    pub fn rademacher<T: Float>(rng: &mut Rng, v: &mut [T]) {
        for x in v {
            *x = T::of_f64(rng.sign());
        }
    }

    /// Scales `v` to unit length; `false` when it is (numerically) zero.
    pub fn normalize<T: Float>(v: &mut [T]) -> bool {
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

    /// Refuses operators of dimension 0.
    pub fn check_dim(dim: usize) -> Result<()> {
        if dim == 0 {
            Err(Error::ZeroWidth {
                what: "the operator",
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
            Err(Error::NonFiniteResult {
                what: "the operator's product",
            })
        }
    }

    /// Checks that the vectors of `basis` (runs of `n` values) are
    /// orthonormal to within `sqrt(eps)`: unit length, pairwise orthogonal.
    pub fn check_orthonormal<T: Float>(what: &'static str, basis: &[T], n: usize) -> Result<()> {
        if n == 0 || !basis.len().is_multiple_of(n) {
            return Err(Error::BufferLength {
                what,
                given: basis.len(),
                required: (basis.len() / n.max(1) + 1) * n,
            });
        }
        let tolerance = crate::math::sqrt(T::EPSILON).to_f64();
        let vectors = || basis.chunks_exact(n).enumerate();
        for (i, a) in vectors() {
            for (j, b) in vectors().skip(i) {
                let product = dot(a, b).to_f64();
                let target = if i == j { 1.0 } else { 0.0 };
                let off = (product - target).abs();
                if off.is_nan() || off > tolerance {
                    return Err(Error::NotOrthonormal {
                        what,
                        first: i,
                        second: j,
                        product,
                    });
                }
            }
        }
        Ok(())
    }
}
