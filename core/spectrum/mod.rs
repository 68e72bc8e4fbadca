//! What a Hessian's eigenvalues say about a point of the loss surface.
//!
//! At a critical point (zero gradient) the signs of the Hessian's
//! eigenvalues classify it (the second-derivative test): all positive, a
//! strict local minimum; all negative, a strict local maximum; both signs,
//! a saddle, whose index is the fraction of negative eigenvalues (Dauphin
//! et al., "Identifying and attacking the saddle point problem in
//! high-dimensional non-convex optimization", NIPS 2014); any
//! eigenvalue at zero without both signs, degenerate (the test cannot
//! tell). Away from a critical point the same numbers describe the local
//! quadratic model. The largest eigenvalue bounds the stable learning rate
//! of gradient descent, `lr < 2 / lambda_max` (on a quadratic, the step
//! along that eigenvector is multiplied by `1 - lr lambda_max`); the ratio
//! of the extreme magnitudes is the condition number that slows it down.
//!
//! [`Curvature`] is computed from any list of eigenvalues, without heap,
//! and [`symmetric_eigen_in`] decomposes a matrix in caller storage without
//! heap (`no_std`, for a device); [`Spectrum`] (`std`) decomposes a Hessian with nalgebra's
//! `SymmetricEigen` (Householder tridiagonalization and implicit QR), in
//! `O(P^3)`: 14 ms for SINE's 321 x 321 Hessian, 9 s for DIGITS'
//! 2410 x 2410 on the benchmark machine. Beyond that, the extreme
//! eigenvalues, the trace and the density come from
//! [`crate::matrix_free`] without forming the matrix.
//!
//! Zero is decided with a tolerance: `tol = n * eps * max |lambda|`, with
//! `n` the matrix size and `eps` the scalar's machine epsilon (the
//! convention of LAPACK and of `numpy.linalg.matrix_rank`: the rounding error a
//! backward-stable eigensolver leaves on an `n x n` matrix).

use core::fmt;

mod dense;

pub use dense::symmetric_eigen_in;

use crate::error::{Error, Result};
use crate::scalar::Float;

/// The kind of point the eigenvalues describe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PointKind {
    /// Every eigenvalue positive: a strict local minimum (at a critical point).
    Minimum,
    /// Every eigenvalue negative: a strict local maximum.
    Maximum,
    /// Eigenvalues of both signs: a saddle.
    Saddle,
    /// Some eigenvalue at zero and not both signs: the second-derivative
    /// test cannot tell.
    Degenerate,
}

/// How many eigenvalues are positive, negative and zero (Sylvester's
/// inertia), counted with a tolerance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Inertia {
    /// Eigenvalues above the tolerance.
    pub positive: usize,
    /// Eigenvalues below minus the tolerance.
    pub negative: usize,
    /// Eigenvalues within the tolerance of zero.
    pub zero: usize,
}

/// The curvature summary of a symmetric matrix's eigenvalues.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Curvature {
    /// Size of the matrix (number of eigenvalues).
    pub size: usize,
    /// The largest eigenvalue.
    pub lambda_max: f64,
    /// The smallest eigenvalue.
    pub lambda_min: f64,
    /// The tolerance that decided "zero".
    pub tolerance: f64,
    /// Positive, negative and zero counts.
    pub inertia: Inertia,
    /// Minimum, maximum, saddle or degenerate.
    pub kind: PointKind,
    /// The fraction of negative eigenvalues.
    pub index: f64,
    /// `max |lambda| / min |lambda|`; infinite when an eigenvalue is zero.
    pub condition_number: f64,
    /// `2 / lambda_max`, the largest stable gradient-descent learning rate
    /// on the local quadratic model; `None` without positive curvature.
    pub stability_bound: Option<f64>,
}

/// The default tolerance for "zero": `n * eps * max |lambda|`.
#[must_use]
pub fn default_tolerance<T: Float>(eigenvalues: &[T]) -> f64 {
    let largest = eigenvalues
        .iter()
        .fold(0.0_f64, |m, &l| m.max(l.to_f64().abs()));
    eigenvalues.len() as f64 * T::EPSILON.to_f64() * largest
}

impl Curvature {
    /// The summary of `eigenvalues` (in any order) with the
    /// [`default_tolerance`].
    ///
    /// # Errors
    /// [`Error::ZeroWidth`] for an empty list, [`Error::NonFiniteInput`] for a
    /// non-finite eigenvalue.
    pub fn of<T: Float>(eigenvalues: &[T]) -> Result<Self> {
        Self::with_tolerance(eigenvalues, default_tolerance(eigenvalues))
    }

    /// The summary of `eigenvalues` with a given tolerance (>= 0) for zero.
    ///
    /// # Errors
    /// [`Error::ZeroWidth`] for an empty list, [`Error::NonFiniteInput`] for a
    /// non-finite eigenvalue;
    /// [`Error::InvalidHyperParameter`] for a negative or NaN tolerance.
    pub fn with_tolerance<T: Float>(eigenvalues: &[T], tolerance: f64) -> Result<Self> {
        crate::error::check_param(
            "tolerance",
            tolerance,
            tolerance >= 0.0,
            "must be finite and at least 0",
        )?;
        if eigenvalues.is_empty() {
            return Err(Error::ZeroWidth {
                what: "list of eigenvalues",
            });
        }
        if !crate::scalar::all_finite(eigenvalues) {
            return Err(Error::NonFiniteInput { what: "eigenvalue" });
        }
        let mut inertia = Inertia::default();
        let (mut lambda_max, mut lambda_min) = (f64::NEG_INFINITY, f64::INFINITY);
        let (mut largest, mut smallest) = (0.0_f64, f64::INFINITY);
        for &l in eigenvalues {
            let l = l.to_f64();
            lambda_max = lambda_max.max(l);
            lambda_min = lambda_min.min(l);
            largest = largest.max(l.abs());
            smallest = smallest.min(l.abs());
            if l > tolerance {
                inertia.positive += 1;
            } else if l < -tolerance {
                inertia.negative += 1;
            } else {
                inertia.zero += 1;
            }
        }
        let kind = match inertia {
            Inertia {
                positive: 1..,
                negative: 1..,
                ..
            } => PointKind::Saddle,
            Inertia {
                negative: 0,
                zero: 0,
                ..
            } => PointKind::Minimum,
            Inertia {
                positive: 0,
                zero: 0,
                ..
            } => PointKind::Maximum,
            _ => PointKind::Degenerate,
        };
        Ok(Self {
            size: eigenvalues.len(),
            lambda_max,
            lambda_min,
            tolerance,
            inertia,
            kind,
            index: inertia.negative as f64 / eigenvalues.len() as f64,
            condition_number: if inertia.zero > 0 {
                f64::INFINITY
            } else {
                largest / smallest
            },
            stability_bound: (lambda_max > tolerance).then(|| 2.0 / lambda_max),
        })
    }
}

impl fmt::Display for Curvature {
    /// One line: kind, index, extremes, inertia, condition number and the
    /// stable learning rate.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} (index {:.3}): lambda in [{:.6e}, {:.6e}], {} positive / {} negative / {} zero (tol {:.1e}), condition {:.3e}",
            self.kind,
            self.index,
            self.lambda_min,
            self.lambda_max,
            self.inertia.positive,
            self.inertia.negative,
            self.inertia.zero,
            self.tolerance,
            self.condition_number,
        )?;
        match self.stability_bound {
            Some(bound) => write!(f, ", stable lr < {bound:.4e}"),
            None => write!(f, ", no positive curvature"),
        }
    }
}

#[cfg(feature = "std")]
pub use eigen::Spectrum;

#[cfg(feature = "std")]
mod eigen {
    use std::vec::Vec;

    use nalgebra::{DMatrix, DVector, SymmetricEigen};

    use super::Curvature;
    use crate::error::{Error, Result};
    use crate::scalar::Float;

    /// The eigen-decomposition of a symmetric matrix: eigenvalues
    /// ascending, with unit eigenvectors as the columns of a matrix in the
    /// same order.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Spectrum<T: Float> {
        eigenvalues: Vec<T>,
        eigenvectors: DMatrix<T>,
        curvature: Curvature,
    }

    impl<T: Float> Spectrum<T> {
        /// Decomposes a symmetric matrix (only its lower triangle is read,
        /// as `SymmetricEigen` does).
        ///
        /// # Errors
        /// [`Error::NotSquare`] for a matrix that is not square,
        /// [`Error::ZeroWidth`] for an empty matrix, [`Error::NonFiniteInput`] for a
        /// non-finite entry, [`Error::NotConverged`]
        /// a decomposition that does not converge.
        pub fn of(matrix: DMatrix<T>) -> Result<Self> {
            let (n, cols) = matrix.shape();
            if cols != n {
                return Err(Error::NotSquare { rows: n, cols });
            }
            if n == 0 {
                return Err(Error::ZeroWidth { what: "matrix" });
            }
            if !crate::scalar::all_finite(matrix.as_slice()) {
                return Err(Error::NonFiniteInput {
                    what: "matrix entry",
                });
            }
            let eigen = SymmetricEigen::try_new(matrix, T::EPSILON, 1000 * n).ok_or(
                Error::NotConverged {
                    what: "symmetric eigen-decomposition",
                    iterations: 1000 * n,
                },
            )?;
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &b| {
                eigen.eigenvalues[a]
                    .to_f64()
                    .total_cmp(&eigen.eigenvalues[b].to_f64())
            });
            let eigenvalues: Vec<T> = order.iter().map(|&i| eigen.eigenvalues[i]).collect();
            Ok(Self {
                curvature: Curvature::of(&eigenvalues)?,
                eigenvalues,
                eigenvectors: DMatrix::from_fn(n, n, |r, c| eigen.eigenvectors[(r, order[c])]),
            })
        }

        /// Decomposes a symmetric `n x n` matrix given as `n * n` values.
        ///
        /// # Errors
        /// As [`Spectrum::of`]; [`Error::BufferLength`] when the slice is
        /// not `n * n` long, [`Error::TooLarge`] when `n * n` overflows.
        pub fn of_slice(values: &[T], n: usize) -> Result<Self> {
            let required = n.checked_mul(n).ok_or(Error::TooLarge {
                what: "square matrix",
                requested: usize::MAX,
            })?;
            if values.len() != required {
                return Err(Error::BufferLength {
                    what: "square matrix",
                    given: values.len(),
                    required,
                });
            }
            Self::of(DMatrix::from_column_slice(n, n, values))
        }

        /// The eigenvalues, ascending.
        #[must_use]
        pub fn eigenvalues(&self) -> &[T] {
            &self.eigenvalues
        }

        /// The unit eigenvectors as columns, in the order of
        /// [`Spectrum::eigenvalues`].
        #[must_use]
        pub fn eigenvectors(&self) -> &DMatrix<T> {
            &self.eigenvectors
        }

        /// The eigenvector of the `i`-th smallest eigenvalue, if `i` is in range.
        #[must_use]
        pub fn eigenvector(&self, i: usize) -> Option<DVector<T>> {
            (i < self.eigenvalues.len()).then(|| self.eigenvectors.column(i).into_owned())
        }

        /// The largest eigenvalue.
        #[must_use]
        pub fn lambda_max(&self) -> T {
            self.eigenvalues[self.eigenvalues.len() - 1]
        }

        /// The smallest eigenvalue.
        #[must_use]
        pub fn lambda_min(&self) -> T {
            self.eigenvalues[0]
        }

        /// The curvature summary with the default tolerance.
        #[must_use]
        pub fn curvature(&self) -> Curvature {
            self.curvature
        }

        /// The curvature summary with another tolerance for zero.
        ///
        /// # Errors
        /// [`Error::InvalidHyperParameter`] for a negative or NaN tolerance.
        pub fn curvature_with(&self, tolerance: f64) -> Result<Curvature> {
            Curvature::with_tolerance(&self.eigenvalues, tolerance)
        }

        /// `f(H) = V f(Lambda) V^T`: the matrix with the same eigenvectors
        /// and each eigenvalue mapped by `f` (`abs` gives the `|H|` of
        /// saddle-free Newton).
        #[must_use]
        pub fn map(&self, f: impl Fn(T) -> T) -> DMatrix<T> {
            let mapped = DVector::from_iterator(
                self.eigenvalues.len(),
                self.eigenvalues.iter().map(|&l| f(l)),
            );
            let v = &self.eigenvectors;
            v * DMatrix::from_diagonal(&mapped) * v.transpose()
        }
    }
}
