//! The eigen-decomposition of a dense symmetric matrix in caller storage,
//! without heap (`no_std`): Householder reduction to tridiagonal form,
//! accumulating the orthogonal `Q` in place, then the implicit QL algorithm
//! on the tridiagonal matrix with its rotations applied to `Q` (R. S.
//! Martin, C. Reinsch and J. H. Wilkinson, "Householder's tridiagonalization
//! of a symmetric matrix", Numer. Math. 11, 1968, and Bowdler et al., same
//! volume: EISPACK's `tred2` and `tql2`). `O(n^3)` operations, `n^2 + 2 n`
//! values of storage, the matrix's own included.
//!
//! With `std`, [`Spectrum`](super::Spectrum) does the same through
//! nalgebra and owns its result; this is the form for a device, where the
//! Hessian itself already sits in a caller's buffer
//! ([`SecondOrder::hessian_into`](crate::hessian::SecondOrder::hessian_into)).

use crate::error::{Error, Result};
use crate::math;
use crate::matrix_free::tridiagonal::{Vectors, symmetric_tridiagonal_eigen};
use crate::scalar::Float;

/// Decomposes the symmetric `n x n` matrix in `matrix` (`n * n` values,
/// row-major; only the lower triangle is read): the eigenvalues, ascending,
/// go to `eigenvalues` (`n` values), and `matrix` is overwritten by the unit
/// eigenvectors, vector `j` in `matrix[j * n..(j + 1) * n]`, in the same
/// order. `work` holds `n` values. No heap.
///
/// ```
/// use constnet::spectrum::{Curvature, PointKind, symmetric_eigen_in};
/// // [[2, 1], [1, 2]]: eigenvalues 1 and 3, eigenvectors (1, -1) and (1, 1) / sqrt 2.
/// let mut matrix = [2.0_f64, 1.0, 1.0, 2.0];
/// let (mut values, mut work) = ([0.0; 2], [0.0; 2]);
/// symmetric_eigen_in(&mut matrix, 2, &mut values, &mut work)?;
/// assert!((values[0] - 1.0).abs() < 1e-15 && (values[1] - 3.0).abs() < 1e-15);
/// assert!((matrix[2].abs() - 0.5_f64.sqrt()).abs() < 1e-15); // vector 1
/// assert_eq!(Curvature::of(&values)?.kind, PointKind::Minimum);
/// # Ok::<(), constnet::Error>(())
/// ```
///
/// # Errors
/// [`Error::BufferLength`] for buffers of the wrong length (or
/// [`Error::TooLarge`] when `n * n` overflows), [`Error::ZeroWidth`] for
/// `n = 0`, [`Error::NonFiniteData`] for a non-finite entry,
/// [`Error::NotConverged`] or [`Error::NonFiniteResult`] from the QL
/// iteration. The buffers hold anything after an error.
pub fn symmetric_eigen_in<T: Float>(
    matrix: &mut [T],
    n: usize,
    eigenvalues: &mut [T],
    work: &mut [T],
) -> Result<()> {
    let required = n.checked_mul(n).ok_or(Error::TooLarge {
        what: "square matrix",
        requested: usize::MAX,
    })?;
    for (what, given, needed) in [
        ("square matrix", matrix.len(), required),
        ("eigenvalues", eigenvalues.len(), n),
        ("eigen-decomposition work", work.len(), n),
    ] {
        if given != needed {
            return Err(Error::BufferLength {
                what,
                given,
                required: needed,
            });
        }
    }
    if n == 0 {
        return Err(Error::ZeroWidth { what: "the matrix" });
    }
    // The lower triangle is the matrix; mirror it so both triangles agree.
    for r in 0..n {
        for c in 0..r {
            matrix[c * n + r] = matrix[r * n + c];
        }
    }
    if !crate::scalar::all_finite(matrix) {
        return Err(Error::NonFiniteData { sample: 0 });
    }
    tridiagonalize(matrix, n, eigenvalues, work);
    // off[i] couples i and i + 1: the sub-diagonal shifted down by one.
    for i in 0..n - 1 {
        work[i] = work[i + 1];
    }
    let (off, _) = work.split_at_mut(n - 1);
    symmetric_tridiagonal_eigen(eigenvalues, off, Vectors::Accumulate(matrix))?;
    // Column j of the accumulated matrix is eigenvector j: store it as row j.
    for r in 0..n {
        for c in r + 1..n {
            matrix.swap(r * n + c, c * n + r);
        }
    }
    Ok(())
}

/// Householder reduction of the row-major symmetric `a` to tridiagonal
/// form: `d` receives the diagonal, `e[i]` the element coupling `i - 1` and
/// `i` (`e[0] = 0`), and `a` the orthogonal `Q` with `A = Q T Q^T`
/// (Numerical Recipes' `tred2`, 0-based).
fn tridiagonalize<T: Float>(a: &mut [T], n: usize, d: &mut [T], e: &mut [T]) {
    let at = |r: usize, c: usize| r * n + c;
    for i in (1..n).rev() {
        let l = i - 1;
        let mut h = T::zero();
        if l > 0 {
            let scale = (0..=l).fold(T::zero(), |s, k| s + math::abs(a[at(i, k)]));
            if scale == T::zero() {
                e[i] = a[at(i, l)];
            } else {
                for k in 0..=l {
                    a[at(i, k)] /= scale;
                    h += a[at(i, k)] * a[at(i, k)];
                }
                let f = a[at(i, l)];
                let root = math::sqrt(h);
                let g = if f >= T::zero() { -root } else { root };
                e[i] = scale * g;
                h -= f * g;
                a[at(i, l)] = f - g;
                let mut f = T::zero();
                for j in 0..=l {
                    a[at(j, i)] = a[at(i, j)] / h;
                    let mut g = T::zero();
                    for k in 0..=j {
                        g += a[at(j, k)] * a[at(i, k)];
                    }
                    for k in j + 1..=l {
                        g += a[at(k, j)] * a[at(i, k)];
                    }
                    e[j] = g / h;
                    f += e[j] * a[at(i, j)];
                }
                let hh = f / (h + h);
                for j in 0..=l {
                    let f = a[at(i, j)];
                    let g = e[j] - hh * f;
                    e[j] = g;
                    for k in 0..=j {
                        a[at(j, k)] -= f * e[k] + g * a[at(i, k)];
                    }
                }
            }
        } else {
            e[i] = a[at(i, l)];
        }
        d[i] = h;
    }
    d[0] = T::zero();
    e[0] = T::zero();
    // Accumulate the transformations into Q.
    for i in 0..n {
        if d[i] != T::zero() {
            for j in 0..i {
                let g = (0..i).fold(T::zero(), |s, k| s + a[at(i, k)] * a[at(k, j)]);
                for k in 0..i {
                    a[at(k, j)] -= g * a[at(k, i)];
                }
            }
        }
        d[i] = a[at(i, i)];
        a[at(i, i)] = T::one();
        for j in 0..i {
            a[at(j, i)] = T::zero();
            a[at(i, j)] = T::zero();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    /// A seeded symmetric matrix with entries in [-1, 1).
    fn random(n: usize, seed: u64) -> Vec<f64> {
        let mut rng = crate::rng::Rng::seed_from(seed);
        let mut m = std::vec![0.0; n * n];
        for r in 0..n {
            for c in 0..=r {
                let v = rng.uniform_in(-1.0, 1.0);
                m[r * n + c] = v;
                m[c * n + r] = v;
            }
        }
        m
    }

    #[test]
    fn eigenpairs_match_nalgebra_and_satisfy_the_definition() {
        for (n, seed) in [(1, 1), (2, 2), (5, 3), (17, 4), (40, 5)] {
            let a = random(n, seed);
            let mut vectors = a.clone();
            let (mut values, mut work) = (std::vec![0.0; n], std::vec![0.0; n]);
            symmetric_eigen_in(&mut vectors, n, &mut values, &mut work).unwrap();
            let reference = nalgebra::DMatrix::from_row_slice(n, n, &a).symmetric_eigenvalues();
            let mut expected: Vec<f64> = reference.iter().copied().collect();
            expected.sort_by(f64::total_cmp);
            for (got, want) in values.iter().zip(&expected) {
                assert!((got - want).abs() < 1e-12, "n = {n}: {got} vs {want}");
            }
            for j in 0..n {
                let v = &vectors[j * n..(j + 1) * n];
                let residual: f64 = (0..n)
                    .map(|r| {
                        let av: f64 = (0..n).map(|c| a[r * n + c] * v[c]).sum();
                        (av - values[j] * v[r]).powi(2)
                    })
                    .sum::<f64>()
                    .sqrt();
                assert!(residual < 1e-12, "n = {n}, vector {j}: residual {residual}");
                for k in 0..n {
                    let w = &vectors[k * n..(k + 1) * n];
                    let dot: f64 = v.iter().zip(w).map(|(x, y)| x * y).sum();
                    let want = if j == k { 1.0 } else { 0.0 };
                    assert!((dot - want).abs() < 1e-12, "n = {n}: q{j} . q{k} = {dot}");
                }
            }
        }
    }

    #[test]
    fn only_the_lower_triangle_is_read_and_bad_input_is_refused() {
        // The upper triangle holds garbage; the lower one is [[2, 1], [1, 2]].
        let mut m = [2.0_f64, 99.0, 1.0, 2.0];
        let (mut values, mut work) = ([0.0; 2], [0.0; 2]);
        symmetric_eigen_in(&mut m, 2, &mut values, &mut work).unwrap();
        assert!((values[0] - 1.0).abs() < 1e-15 && (values[1] - 3.0).abs() < 1e-15);
        assert!(symmetric_eigen_in(&mut [0.0_f64; 3], 2, &mut values, &mut work).is_err());
        assert!(symmetric_eigen_in(&mut [0.0_f64; 4], 2, &mut values[..1], &mut work).is_err());
        assert!(symmetric_eigen_in(&mut [f64::NAN; 4], 2, &mut values, &mut work).is_err());
        assert!(symmetric_eigen_in::<f64>(&mut [], 0, &mut [], &mut []).is_err());
        assert!(symmetric_eigen_in::<f64>(&mut [], 1 << 33, &mut [], &mut []).is_err());
        // f32 works the same.
        let mut m = [4.0_f32, 0.0, 0.0, -1.0];
        let (mut values, mut work) = ([0.0_f32; 2], [0.0_f32; 2]);
        symmetric_eigen_in(&mut m, 2, &mut values, &mut work).unwrap();
        assert_eq!(values, [-1.0, 4.0]);
    }
}
