//! Eigenvalues of a symmetric tridiagonal matrix, in place, without heap:
//! the implicit QL algorithm with Wilkinson's shift (H. Bowdler, R. S.
//! Martin, C. Reinsch and J. H. Wilkinson, "The QR and QL algorithms for
//! symmetric matrices", Numer. Math. 11, 1968: EISPACK's `tql2`), as the
//! Lanczos methods need it for their small `T = Q^T A Q`.
//!
//! The eigenvector matrix `Z` (columns: eigenvectors) is accumulated
//! through the same plane rotations, either whole (`m x m`) or only its
//! first row: the first components of the eigenvectors are what Gauss
//! quadrature needs (Golub and Welsch, "Calculation of Gauss quadrature
//! rules", Math. Comp. 23, 1969), in `O(m)` storage.

use crate::error::{Error, Result};
use crate::math;
use crate::scalar::Float;

/// QL sweeps allowed per eigenvalue before the decomposition is declared
/// not convergent (EISPACK allows 30; two or three are typical).
const MAX_SWEEPS: usize = 60;

/// Which part of the eigenvector matrix `Z` to accumulate.
#[derive(Debug)]
pub enum Vectors<'a, T> {
    /// None: eigenvalues only.
    None,
    /// The first row of `Z` (`m` values): the first component of each
    /// eigenvector.
    FirstRow(&'a mut [T]),
    /// All of `Z` (`m * m` values, row-major: `z[r * m + c]` is component
    /// `r` of eigenvector `c`).
    All(&'a mut [T]),
    /// All of `Z`, laid out as [`Vectors::All`], starting from the given
    /// matrix instead of the identity: with the orthogonal `Q` of a
    /// tridiagonalization `A = Q T Q^T`, the result holds the eigenvectors
    /// of `A`.
    Accumulate(&'a mut [T]),
}

/// Replaces `diagonal` (length `m`) by the eigenvalues, ascending, of the
/// symmetric tridiagonal matrix with that diagonal and `off[i]` coupling
/// `i` and `i + 1` (`off` has `m - 1` values or more; it is overwritten).
/// `vectors` receives the eigenvectors in the same order.
///
/// # Errors
/// [`Error::BufferLength`] for `off` shorter than `m - 1` or a `vectors`
/// buffer of the wrong size, [`Error::NonFiniteData`] for a non-finite
/// entry, [`Error::NotConverged`] if an eigenvalue needs more than 60 QL
/// sweeps, [`Error::NonFiniteResult`] if entries near the top of the
/// scalar's range overflow.
pub fn symmetric_tridiagonal_eigen<T: Float>(
    diagonal: &mut [T],
    off: &mut [T],
    mut vectors: Vectors<'_, T>,
) -> Result<()> {
    let m = diagonal.len();
    if m == 0 {
        return Ok(());
    }
    if off.len() < m - 1 {
        return Err(Error::BufferLength {
            what: "tridiagonal off-diagonal",
            given: off.len(),
            required: m - 1,
        });
    }
    let rows = match &vectors {
        Vectors::None => 0,
        Vectors::FirstRow(z) => check_len(z.len(), m, "eigenvector first row").map(|_| 1)?,
        Vectors::All(z) | Vectors::Accumulate(z) => {
            check_len(z.len(), m.saturating_mul(m), "eigenvector matrix")? / m
        }
    };
    if !crate::scalar::all_finite(diagonal) || !crate::scalar::all_finite(&off[..m - 1]) {
        return Err(Error::NonFiniteData { sample: 0 });
    }
    // Z starts as the identity (or its first row), unless given.
    match &mut vectors {
        Vectors::None | Vectors::Accumulate(_) => {}
        Vectors::FirstRow(z) | Vectors::All(z) => {
            for (k, value) in z.iter_mut().enumerate() {
                *value = if k / m == k % m { T::one() } else { T::zero() };
            }
        }
    }
    // off[i] couples i and i + 1. EISPACK's e[m - 1], a sentinel written
    // but never read, has no slot: `set_e` drops writes to it.
    for l in 0..m {
        let mut sweeps = 0;
        loop {
            // The first negligible off-diagonal entry at or after l.
            let mut split = l;
            while split + 1 < m {
                let scale = math::abs(diagonal[split]) + math::abs(diagonal[split + 1]);
                if math::abs(off[split]) <= T::EPSILON * scale {
                    break;
                }
                split += 1;
            }
            if split == l {
                break;
            }
            sweeps += 1;
            if sweeps > MAX_SWEEPS {
                return Err(Error::NotConverged {
                    what: "the tridiagonal eigen-decomposition",
                    iterations: MAX_SWEEPS,
                });
            }
            // Wilkinson's shift from the leading 2 x 2 block.
            let two = T::one() + T::one();
            let mut g = (diagonal[l + 1] - diagonal[l]) / (two * off[l]);
            let mut r = hypot(g, T::one());
            g = diagonal[split] - diagonal[l] + off[l] / (g + with_sign(r, g));
            let (mut s, mut c, mut p) = (T::one(), T::one(), T::zero());
            let mut deflated = false;
            let mut i = split;
            while i > l {
                i -= 1;
                let f = s * off[i];
                let b = c * off[i];
                r = hypot(f, g);
                set_e(off, m, i + 1, r);
                if r == T::zero() {
                    // Underflow: the matrix splits here; start over.
                    diagonal[i + 1] -= p;
                    set_e(off, m, split, T::zero());
                    deflated = true;
                    break;
                }
                s = f / r;
                c = g / r;
                g = diagonal[i + 1] - p;
                r = (diagonal[i] - g) * s + two * c * b;
                p = s * r;
                diagonal[i + 1] = g + p;
                g = c * r - b;
                rotate(&mut vectors, m, rows, i, s, c);
            }
            if deflated {
                continue;
            }
            diagonal[l] -= p;
            set_e(off, m, l, g);
            set_e(off, m, split, T::zero());
        }
    }
    // Entries near the top of the scalar's range can overflow on the way.
    let overflowed = match &vectors {
        Vectors::None => false,
        Vectors::FirstRow(z) | Vectors::All(z) | Vectors::Accumulate(z) => {
            !crate::scalar::all_finite(z)
        }
    };
    if overflowed || !crate::scalar::all_finite(diagonal) {
        return Err(Error::NonFiniteResult {
            what: "the tridiagonal eigen-decomposition",
        });
    }
    sort_ascending(diagonal, &mut vectors, m, rows);
    Ok(())
}

/// `len` if it is `required`, else the buffer-length error.
fn check_len(len: usize, required: usize, what: &'static str) -> Result<usize> {
    if len == required {
        Ok(len)
    } else {
        Err(Error::BufferLength {
            what,
            given: len,
            required,
        })
    }
}

/// Writes `off[i]`, except the sentinel `e[m - 1]` outside the buffer.
fn set_e<T>(off: &mut [T], m: usize, i: usize, value: T) {
    if i + 1 < m {
        off[i] = value;
    }
}

/// Applies the plane rotation of columns `i` and `i + 1` to the rows of
/// `Z` kept.
fn rotate<T: Float>(vectors: &mut Vectors<'_, T>, m: usize, rows: usize, i: usize, s: T, c: T) {
    let z = match vectors {
        Vectors::None => return,
        Vectors::FirstRow(z) | Vectors::All(z) | Vectors::Accumulate(z) => z,
    };
    for row in 0..rows {
        let (a, b) = (row * m + i, row * m + i + 1);
        let f = z[b];
        z[b] = s * z[a] + c * f;
        z[a] = c * z[a] - s * f;
    }
}

/// Sorts the eigenvalues ascending, moving the columns of `Z` along
/// (selection sort: `m` swaps at most).
fn sort_ascending<T: Float>(values: &mut [T], vectors: &mut Vectors<'_, T>, m: usize, rows: usize) {
    for i in 0..m {
        let mut smallest = i;
        for j in i + 1..m {
            if values[j] < values[smallest] {
                smallest = j;
            }
        }
        if smallest != i {
            values.swap(i, smallest);
            if let Vectors::FirstRow(z) | Vectors::All(z) | Vectors::Accumulate(z) = vectors {
                for row in 0..rows {
                    z.swap(row * m + i, row * m + smallest);
                }
            }
        }
    }
}

/// `sqrt(a^2 + b^2)` without overflow or harmful underflow.
fn hypot<T: Float>(a: T, b: T) -> T {
    let (a, b) = (math::abs(a), math::abs(b));
    let (big, small) = if a > b { (a, b) } else { (b, a) };
    if big == T::zero() {
        return T::zero();
    }
    let ratio = small / big;
    big * math::sqrt(T::one() + ratio * ratio)
}

/// `|magnitude|` with the sign of `sign` (`+` for zero).
fn with_sign<T: Float>(magnitude: T, sign: T) -> T {
    let magnitude = math::abs(magnitude);
    if sign < T::zero() {
        -magnitude
    } else {
        magnitude
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `m x m` matrix with 2 on the diagonal and -1 beside it has the
    /// eigenvalues `2 - 2 cos(k pi / (m + 1))` and the eigenvectors
    /// `sin(j k pi / (m + 1))` (normalized).
    #[test]
    fn the_second_difference_matrix_has_its_closed_form_spectrum() {
        const M: usize = 12;
        let mut d = [2.0_f64; M];
        let mut e = [-1.0_f64; M - 1];
        let mut z = [0.0_f64; M * M];
        symmetric_tridiagonal_eigen(&mut d, &mut e, Vectors::All(&mut z)).unwrap();
        let h = core::f64::consts::PI / (M + 1) as f64;
        for (k, &value) in d.iter().enumerate() {
            let expected = 2.0 - 2.0 * libm::cos((k + 1) as f64 * h);
            assert!(
                (value - expected).abs() < 1e-13,
                "{k}: {value} vs {expected}"
            );
            // Eigenvector k up to sign.
            let norm = libm::sqrt((M + 1) as f64 / 2.0);
            let sign = if z[k] * libm::sin((k + 1) as f64 * h) >= 0.0 {
                1.0
            } else {
                -1.0
            };
            for j in 0..M {
                let want = libm::sin((j + 1) as f64 * (k + 1) as f64 * h) / norm;
                assert!(
                    (sign * z[j * M + k] - want).abs() < 1e-12,
                    "vector {k}, entry {j}"
                );
            }
        }
        // The first row alone is the first row of the full matrix.
        let (mut d1, mut e1, mut first) = ([2.0_f64; M], [-1.0_f64; M - 1], [0.0_f64; M]);
        symmetric_tridiagonal_eigen(&mut d1, &mut e1, Vectors::FirstRow(&mut first)).unwrap();
        assert_eq!(d1, d);
        for k in 0..M {
            assert!((first[k] - z[k]).abs() < 1e-15);
        }
    }

    #[test]
    fn degenerate_inputs_are_handled() {
        // Already diagonal, unsorted.
        let (mut d, mut e) = ([3.0_f64, -1.0, 2.0], [0.0_f64, 0.0]);
        symmetric_tridiagonal_eigen(&mut d, &mut e, Vectors::None).unwrap();
        assert_eq!(d, [-1.0, 2.0, 3.0]);
        // One value; none.
        let mut one = [5.0_f64];
        symmetric_tridiagonal_eigen(&mut one, &mut [], Vectors::None).unwrap();
        assert_eq!(one, [5.0]);
        symmetric_tridiagonal_eigen::<f64>(&mut [], &mut [], Vectors::None).unwrap();
        // Bad buffers and values are errors.
        let mut d = [1.0_f64, 2.0];
        assert!(symmetric_tridiagonal_eigen(&mut d, &mut [], Vectors::None).is_err());
        assert!(symmetric_tridiagonal_eigen(&mut d, &mut [f64::NAN], Vectors::None).is_err());
        let mut z = [0.0_f64; 3];
        assert!(symmetric_tridiagonal_eigen(&mut d, &mut [1.0], Vectors::All(&mut z)).is_err());
        // Huge and tiny entries do not overflow.
        let mut d = [1e300_f64, -1e300];
        let mut e = [1e300_f64];
        symmetric_tridiagonal_eigen(&mut d, &mut e, Vectors::None).unwrap();
        let root2 = core::f64::consts::SQRT_2 * 1e300;
        assert!(
            (d[0] + root2).abs() < 1e286 && (d[1] - root2).abs() < 1e286,
            "{d:?}"
        );
    }
}
