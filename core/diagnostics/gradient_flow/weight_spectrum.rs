//! Eigenvalues, eigenvectors, singular values and powers of a square weight
//! matrix: the decomposition `W^t = V diag(lambda)^t V^-1` behind the
//! vanishing- and exploding-gradient argument (Goodfellow, Bengio and
//! Courville, *Deep Learning*, 2016, section 8.2.5), verified rather than
//! assumed.
//!
//! Everything is computed in `f64`, whatever the network's scalar: a
//! diagnostic wants accuracy, not speed. Eigenvalues come from the complex
//! Schur form ([`super::schur`]); a matrix counts as diagonalisable when its
//! eigenvectors rebuild it to [`DIAGONALISATION_TOLERANCE`]. Singular values
//! come from one-sided Jacobi rotations (M. R. Hestenes, "Inversion of
//! matrices by biorthogonalization", J. SIAM 6(1), 1958), which are accurate
//! for every singular value, large or small.

use nalgebra::SMatrix;

use super::schur::{self, C64, abs, hypot, powi};
use crate::error::{Error, Result};
use crate::math;
use crate::scalar::Float;

/// Largest relative error `||V diag(lambda) V^-1 - W||_F / ||W||_F` for
/// which a matrix is reported diagonalisable: `sqrt(f64::EPSILON)`, about
/// `1.5e-8`. Round-off alone gives about `cond(V) * 1e-16`, so a matrix whose
/// eigenvectors are too close to parallel (condition beyond about `1e8`) is
/// reported as not diagonalisable, as is a defective one (a Jordan block).
pub const DIAGONALISATION_TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// Sweeps of Jacobi rotations before [`singular_values`] stops; convergence
/// is quadratic, so a handful suffice in practice.
const JACOBI_SWEEPS: usize = 60;

/// Whether, and how well, `W = V diag(lambda) V^-1`.
#[derive(Clone, Debug, PartialEq)]
pub enum Decomposition<const N: usize> {
    /// The eigenvectors form a basis and rebuild `W` to
    /// [`DIAGONALISATION_TOLERANCE`].
    Diagonalisable {
        /// `V`: unit-norm eigenvectors as columns, in the order of
        /// [`WeightSpectrum::eigenvalues`].
        eigenvectors: SMatrix<C64, N, N>,
        /// `V^-1`.
        inverse: SMatrix<C64, N, N>,
        /// `cond_F(V) = ||V||_F ||V^-1||_F`; bounds the transient growth:
        /// `rho^t <= ||W^t||_2 <= cond_F(V) rho^t`.
        condition: f64,
        /// `||V diag(lambda) V^-1 - W||_F / ||W||_F` (absolute for `W = 0`).
        reconstruction_error: f64,
    },
    /// No basis of eigenvectors: `W` is defective (has a Jordan block) or
    /// too close to one to tell in `f64`. `W^t` then grows like
    /// `t^(k-1) rho^t` for a Jordan block of size `k`, not like `rho^t`.
    NotDiagonalisable {
        /// The eigenvectors found (some nearly parallel).
        eigenvectors: SMatrix<C64, N, N>,
        /// The relative reconstruction error; infinite when `V` is singular
        /// to working precision.
        reconstruction_error: f64,
    },
}

/// The eigen-decomposition of a real square matrix `W`.
#[derive(Clone, Debug, PartialEq)]
pub struct WeightSpectrum<const N: usize> {
    /// `W`, in `f64`.
    pub matrix: SMatrix<f64, N, N>,
    /// The eigenvalues with multiplicity (complex in general, in conjugate
    /// pairs), by decreasing computed modulus; ties (exactly equal computed
    /// moduli) put the larger real part first, then the larger imaginary
    /// part. The two members of a conjugate pair may come in either order,
    /// as rounding makes their computed moduli differ in the last bits.
    pub eigenvalues: [C64; N],
    /// The eigenvectors and whether they diagonalise `W`.
    pub decomposition: Decomposition<N>,
}

/// The eigenvalues, eigenvectors and diagonalisability of `w`.
///
/// Works on the stack: about ten `N x N` complex matrices (`160 N^2`
/// bytes, 650 KB for `N = 64`) and `O(N^3)` operations.
///
/// # Errors
/// [`Error::NonFiniteInput`] when `w` has a NaN or infinite entry,
/// [`Error::NotConverged`] when the
/// QR algorithm does not converge (not observed in practice).
pub fn weight_spectrum<T: Float, const N: usize>(
    w: &SMatrix<T, N, N>,
) -> Result<WeightSpectrum<N>> {
    let matrix = w.map(Float::to_f64);
    if !matrix.iter().all(|v| v.is_finite()) {
        return Err(Error::NonFiniteInput {
            what: "matrix entry",
        });
    }
    let schur = schur::schur(&matrix)?;
    let vectors = schur::eigenvectors(&schur);
    let mut order: [usize; N] = core::array::from_fn(|i| i);
    order.sort_unstable_by(|&a, &b| {
        let (x, y) = (schur.t[(a, a)], schur.t[(b, b)]);
        abs(y)
            .total_cmp(&abs(x))
            .then(y.re.total_cmp(&x.re))
            .then(y.im.total_cmp(&x.im))
    });
    let eigenvalues = order.map(|k| schur.t[(k, k)]);
    let eigenvectors = SMatrix::from_fn(|i, j| vectors[(i, order[j])]);
    let decomposition = decompose(&matrix, &eigenvalues, eigenvectors);
    Ok(WeightSpectrum {
        matrix,
        eigenvalues,
        decomposition,
    })
}

fn decompose<const N: usize>(
    matrix: &SMatrix<f64, N, N>,
    eigenvalues: &[C64; N],
    eigenvectors: SMatrix<C64, N, N>,
) -> Decomposition<N> {
    let Some(inverse) = schur::inverse(&eigenvectors) else {
        return Decomposition::NotDiagonalisable {
            eigenvectors,
            reconstruction_error: f64::INFINITY,
        };
    };
    let rebuilt = scale_columns(&eigenvectors, eigenvalues, 1) * inverse;
    let difference = rebuilt - matrix.map(|x| C64::new(x, 0.0));
    let w_norm = frobenius(matrix);
    let error = schur::frobenius(&difference) / if w_norm > 0.0 { w_norm } else { 1.0 };
    if error <= DIAGONALISATION_TOLERANCE {
        Decomposition::Diagonalisable {
            condition: schur::frobenius(&eigenvectors) * schur::frobenius(&inverse),
            eigenvectors,
            inverse,
            reconstruction_error: error,
        }
    } else {
        Decomposition::NotDiagonalisable {
            eigenvectors,
            reconstruction_error: error,
        }
    }
}

/// `V diag(lambda^t)`.
fn scale_columns<const N: usize>(
    v: &SMatrix<C64, N, N>,
    eigenvalues: &[C64; N],
    t: usize,
) -> SMatrix<C64, N, N> {
    let mut scaled = *v;
    for (mut column, &lambda) in scaled.column_iter_mut().zip(eigenvalues) {
        column *= powi(lambda, t);
    }
    scaled
}

impl<const N: usize> WeightSpectrum<N> {
    /// The spectral radius `rho = max |lambda|` (0 for an empty matrix).
    #[must_use]
    pub fn spectral_radius(&self) -> f64 {
        self.eigenvalues.first().map_or(0.0, |&lambda| abs(lambda))
    }

    /// `true` when `W = V diag(lambda) V^-1` holds (see [`Decomposition`]).
    #[must_use]
    pub fn is_diagonalisable(&self) -> bool {
        matches!(self.decomposition, Decomposition::Diagonalisable { .. })
    }

    /// `W^t` rebuilt from the decomposition, `V diag(lambda)^t V^-1`, or
    /// `None` when `W` is not diagonalisable. The imaginary parts, zero in
    /// exact arithmetic for a real `W`, are dropped.
    #[must_use]
    pub fn power(&self, t: usize) -> Option<SMatrix<f64, N, N>> {
        match &self.decomposition {
            Decomposition::Diagonalisable {
                eigenvectors,
                inverse,
                ..
            } => Some((scale_columns(eigenvectors, &self.eigenvalues, t) * inverse).map(|z| z.re)),
            Decomposition::NotDiagonalisable { .. } => None,
        }
    }

    /// The growth the spectrum predicts over `t` steps: `rho^t`.
    #[must_use]
    pub fn predicted_growth(&self, t: usize) -> f64 {
        powi(C64::new(self.spectral_radius(), 0.0), t).re
    }
}

/// `W^t` by repeated squaring, in `f64` (`W^0 = I`).
#[must_use]
pub fn matrix_power<T: Float, const N: usize>(
    w: &SMatrix<T, N, N>,
    t: usize,
) -> SMatrix<f64, N, N> {
    let (mut base, mut result, mut n) = (w.map(Float::to_f64), SMatrix::identity(), t);
    while n > 0 {
        if n & 1 == 1 {
            result *= base;
        }
        base = base * base;
        n >>= 1;
    }
    result
}

/// The Frobenius norm `sqrt(sum m_ij^2)`, without overflow in the squares.
#[must_use]
pub fn frobenius<T: Float, const R: usize, const C: usize>(m: &SMatrix<T, R, C>) -> f64 {
    m.iter().fold(0.0, |acc, v| hypot(acc, v.to_f64()))
}

/// The singular values of `m`, largest first (NaN if `m` has a NaN entry,
/// infinite if it has an infinite one).
#[must_use]
pub fn singular_values<T: Float, const N: usize>(m: &SMatrix<T, N, N>) -> [f64; N] {
    let mut a = m.map(Float::to_f64);
    if a.iter().any(|v| v.is_nan()) {
        return [f64::NAN; N];
    }
    let scale = a.iter().fold(0.0_f64, |s, &v| s.max(math::abs(v)));
    if scale == 0.0 || scale.is_infinite() {
        return [scale; N];
    }
    a /= scale;
    for _ in 0..JACOBI_SWEEPS {
        let mut rotated = false;
        for p in 0..N {
            for q in p + 1..N {
                let (cp, cq) = (a.column(p), a.column(q));
                let (alpha, beta, gamma) = (cp.dot(&cp), cq.dot(&cq), cp.dot(&cq));
                if math::abs(gamma) <= f64::EPSILON * math::sqrt(alpha * beta) {
                    continue;
                }
                rotated = true;
                // The rotation that makes columns p and q orthogonal.
                let zeta = (beta - alpha) / (2.0 * gamma);
                let sign = if zeta >= 0.0 { 1.0 } else { -1.0 };
                let tan = sign / (math::abs(zeta) + hypot(1.0, zeta));
                let cos = 1.0 / hypot(1.0, tan);
                let sin = cos * tan;
                for i in 0..N {
                    let (x, y) = (a[(i, p)], a[(i, q)]);
                    a[(i, p)] = cos * x - sin * y;
                    a[(i, q)] = sin * x + cos * y;
                }
            }
        }
        if !rotated {
            break;
        }
    }
    let mut values: [f64; N] =
        core::array::from_fn(|j| scale * frobenius(&a.column(j).into_owned()));
    values.sort_unstable_by(|x, y| y.total_cmp(x));
    values
}

/// The spectral norm `||m||_2`, the largest singular value (0 for an empty
/// matrix).
#[must_use]
pub fn spectral_norm<T: Float, const N: usize>(m: &SMatrix<T, N, N>) -> f64 {
    singular_values(m).first().copied().unwrap_or(0.0)
}
