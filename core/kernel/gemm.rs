//! The run-time-size matrix multiply behind the blocked R-operator (full
//! Hessians): `C = A B` or `C += A B` on strided views of flat slices whose
//! sizes are known only at run time (the number of directions in a block
//! varies). The [`Kernel`] chosen by the caller picks the implementation:
//!
//! - [`Kernel::Portable`]: safe Rust, no heap, `no_std`. Products of a few
//!   thousand multiply-adds or more are tiled in the manner of Goto's BLAS (K. Goto and
//!   R. van de Geijn, "Anatomy of high-performance matrix multiplication",
//!   ACM TOMS 34(3), 2008): a panel of `A` and a micro-panel of `B` are
//!   packed into small stack buffers and a 4 x 4 register tile accumulates
//!   over the shared dimension. Smaller products run as plain loops.
//! - [`Kernel::Optimized`]: with the `std` feature, products large enough to
//!   gain go to nalgebra's `gemm`, which calls the `matrixmultiply` crate
//!   (runtime-selected AVX2/FMA/AVX-512 micro-kernels; it allocates its
//!   packing buffers on the heap). Without `std`, or for small products, it
//!   is the portable kernel.
//!
//! Both are exact up to rounding; they differ only in the order of the sums.

use super::Kernel;
use crate::scalar::Float;

/// A read-only strided matrix view of a slice: element `(i, j)` is
/// `data[i * row_stride + j * col_stride]`.
#[derive(Clone, Copy, Debug)]
pub struct MatRef<'a, T> {
    /// The elements (the view starts at index 0).
    pub data: &'a [T],
    /// Distance between consecutive rows.
    pub row_stride: usize,
    /// Distance between consecutive columns.
    pub col_stride: usize,
}

impl<'a, T: Copy> MatRef<'a, T> {
    /// A column-major view with leading dimension `rows` (nalgebra's layout).
    #[must_use]
    pub const fn col_major(data: &'a [T], rows: usize) -> Self {
        Self {
            data,
            row_stride: 1,
            col_stride: rows,
        }
    }

    /// A row-major view with `cols` columns (PyTorch's weight layout).
    #[must_use]
    pub const fn row_major(data: &'a [T], cols: usize) -> Self {
        Self {
            data,
            row_stride: cols,
            col_stride: 1,
        }
    }

    #[inline]
    fn at(&self, i: usize, j: usize) -> T {
        self.data[i * self.row_stride + j * self.col_stride]
    }
}

/// A column-major mutable matrix view of a slice with leading dimension
/// `ld`: element `(i, j)` is `data[i + j * ld]`.
#[derive(Debug)]
pub struct MatMut<'a, T> {
    /// The elements (the view starts at index 0).
    pub data: &'a mut [T],
    /// Distance between consecutive columns (at least the number of rows).
    pub ld: usize,
}

impl<'a, T> MatMut<'a, T> {
    /// A column-major view with leading dimension `ld`.
    #[must_use]
    pub const fn new(data: &'a mut [T], ld: usize) -> Self {
        Self { data, ld }
    }
}

/// Register tile of the portable kernel: `MR x NR` accumulators.
const MR: usize = 4;
const NR: usize = 4;
/// Depth of one packed panel (the shared dimension per pass).
const KC: usize = 64;
/// Rows of `A` packed at once.
const MC: usize = 32;
/// Below this many multiply-adds, packing costs more than it saves.
const TILED_MIN: usize = 4096;
/// From this many multiply-adds on (and every dimension above nalgebra's
/// own small-size cut-off of 5), the optimized kernel hands over to
/// nalgebra's `gemm`.
#[cfg(feature = "std")]
const OPTIMIZED_MIN: usize = 2048;

/// `C = A B` (or `C += A B` when `accumulate`), with `A` `m x k`, `B`
/// `k x n` and `C` `m x n`.
///
/// # Panics
/// When a view is too short for its dimensions: callers in this crate size
/// every view from the same constants, so this is an invariant, not input.
pub fn gemm<T: Float>(
    kernel: Kernel,
    m: usize,
    n: usize,
    k: usize,
    a: MatRef<'_, T>,
    b: MatRef<'_, T>,
    mut c: MatMut<'_, T>,
    accumulate: bool,
) {
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            for j in 0..n {
                c.data[j * c.ld..j * c.ld + m].fill(T::zero());
            }
        }
        return;
    }
    #[cfg(feature = "std")]
    if kernel == Kernel::Optimized && m * n * k >= OPTIMIZED_MIN && m.min(n).min(k) > 5 {
        nalgebra_gemm(m, n, k, a, b, &mut c, accumulate);
        return;
    }
    let _ = kernel;
    if m * n * k < TILED_MIN {
        small(m, n, k, a, b, &mut c, accumulate);
    } else {
        tiled(m, n, k, a, b, &mut c, accumulate);
    }
}

#[cfg(feature = "std")]
fn nalgebra_gemm<T: Float>(
    m: usize,
    n: usize,
    k: usize,
    a: MatRef<'_, T>,
    b: MatRef<'_, T>,
    c: &mut MatMut<'_, T>,
    accumulate: bool,
) {
    use nalgebra::{DMatrixView, DMatrixViewMut};
    let a = DMatrixView::from_slice_with_strides(a.data, m, k, a.row_stride, a.col_stride);
    let b = DMatrixView::from_slice_with_strides(b.data, k, n, b.row_stride, b.col_stride);
    let mut c = DMatrixViewMut::from_slice_with_strides_mut(&mut *c.data, m, n, 1, c.ld);
    let beta = if accumulate { T::one() } else { T::zero() };
    c.gemm(T::one(), &a, &b, beta);
}

/// Plain loops for products too small to pack.
fn small<T: Float>(
    m: usize,
    n: usize,
    k: usize,
    a: MatRef<'_, T>,
    b: MatRef<'_, T>,
    c: &mut MatMut<'_, T>,
    accumulate: bool,
) {
    for j in 0..n {
        let column = &mut c.data[j * c.ld..j * c.ld + m];
        if !accumulate {
            column.fill(T::zero());
        }
        for p in 0..k {
            let bpj = b.at(p, j);
            if a.row_stride == 1 {
                let a_column = &a.data[p * a.col_stride..p * a.col_stride + m];
                for (c, &a) in column.iter_mut().zip(a_column) {
                    *c += a * bpj;
                }
            } else {
                for (i, c) in column.iter_mut().enumerate() {
                    *c += a.at(i, p) * bpj;
                }
            }
        }
    }
}

/// The register tile: `acc[i][j] = sum_p ap[p][i] * bp[p][j]`.
#[inline]
fn micro_tile<T: Float>(ap: &[[T; MR]], bp: &[[T; NR]]) -> [[T; NR]; MR] {
    let mut acc = [[T::zero(); NR]; MR];
    for (a, b) in ap.iter().zip(bp) {
        for i in 0..MR {
            for j in 0..NR {
                acc[i][j] += a[i] * b[j];
            }
        }
    }
    acc
}

/// Packed, register-tiled product (Goto's loop order: depth panels, row
/// panels of `A`, column micro-panels of `B`).
fn tiled<T: Float>(
    m: usize,
    n: usize,
    k: usize,
    a: MatRef<'_, T>,
    b: MatRef<'_, T>,
    c: &mut MatMut<'_, T>,
    accumulate: bool,
) {
    let mut a_pack = [[T::zero(); MR]; KC * (MC / MR)];
    let mut b_pack = [[T::zero(); NR]; KC];
    for p0 in (0..k).step_by(KC) {
        let kc = KC.min(k - p0);
        let add = accumulate || p0 > 0;
        for i0 in (0..m).step_by(MC) {
            let panels = MC.min(m - i0).div_ceil(MR);
            for q in 0..panels {
                for (p, row) in a_pack[q * kc..(q + 1) * kc].iter_mut().enumerate() {
                    for (i, slot) in row.iter_mut().enumerate() {
                        let r = i0 + q * MR + i;
                        *slot = if r < m { a.at(r, p0 + p) } else { T::zero() };
                    }
                }
            }
            for j0 in (0..n).step_by(NR) {
                let nr = NR.min(n - j0);
                for (p, row) in b_pack[..kc].iter_mut().enumerate() {
                    for (j, slot) in row.iter_mut().enumerate() {
                        *slot = if j < nr {
                            b.at(p0 + p, j0 + j)
                        } else {
                            T::zero()
                        };
                    }
                }
                for q in 0..panels {
                    let acc = micro_tile(&a_pack[q * kc..(q + 1) * kc], &b_pack[..kc]);
                    let r0 = i0 + q * MR;
                    let mr = MR.min(m - r0);
                    for (j, _) in acc[0].iter().enumerate().take(nr) {
                        let column = &mut c.data[(j0 + j) * c.ld + r0..][..mr];
                        for (i, slot) in column.iter_mut().enumerate() {
                            if add {
                                *slot += acc[i][j];
                            } else {
                                *slot = acc[i][j];
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use std::vec::Vec;

    fn reference(
        m: usize,
        n: usize,
        k: usize,
        a: &MatRef<'_, f64>,
        b: &MatRef<'_, f64>,
    ) -> Vec<f64> {
        let mut c = std::vec![0.0; m * n];
        for j in 0..n {
            for i in 0..m {
                c[i + j * m] = (0..k).map(|p| a.at(i, p) * b.at(p, j)).sum();
            }
        }
        c
    }

    /// Every path (small, tiled, optimized) against the textbook triple
    /// loop, on transposed and strided operands, overwriting and
    /// accumulating, with sizes that are not multiples of the tiles.
    #[test]
    fn all_paths_match_the_triple_loop() {
        let mut rng = Rng::seed_from(5);
        for &(m, n, k) in &[
            (1, 1, 1),
            (3, 5, 2),
            (7, 9, 70),
            (33, 17, 65),
            (10, 130, 32),
            (64, 40, 33),
        ] {
            let a_data: Vec<f64> = (0..m * k).map(|_| rng.uniform_in(-1.0, 1.0)).collect();
            let b_data: Vec<f64> = (0..k * n).map(|_| rng.uniform_in(-1.0, 1.0)).collect();
            let c0: Vec<f64> = (0..m * n).map(|_| rng.uniform_in(-1.0, 1.0)).collect();
            // A stored row-major (transposed view), B column-major.
            let a = MatRef::row_major(&a_data, k);
            let b = MatRef::col_major(&b_data, k);
            let expected = reference(m, n, k, &a, &b);
            for kernel in [Kernel::Portable, Kernel::Optimized] {
                for accumulate in [false, true] {
                    let mut c = c0.clone();
                    gemm(kernel, m, n, k, a, b, MatMut::new(&mut c, m), accumulate);
                    for (idx, (&got, &want)) in c.iter().zip(&expected).enumerate() {
                        let want = if accumulate { want + c0[idx] } else { want };
                        assert!(
                            (got - want).abs() <= 1e-13 * (k as f64),
                            "{kernel:?} m{m} n{n} k{k} acc {accumulate}: [{idx}] {got} vs {want}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn zero_depth_clears_or_keeps() {
        let mut c = [1.0_f64; 6];
        let empty: [f64; 0] = [];
        for (accumulate, expected) in [(true, [1.0; 6]), (false, [0.0; 6])] {
            gemm(
                Kernel::Portable,
                2,
                3,
                0,
                MatRef::col_major(&empty, 2),
                MatRef::col_major(&empty, 0),
                MatMut::new(&mut c, 2),
                accumulate,
            );
            assert_eq!(c, expected, "accumulate {accumulate}");
        }
    }
}
