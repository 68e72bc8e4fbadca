//! The const-size kernels: every size a const generic.
//!
//! The layers' forward and backward passes are all products of a small
//! matrix with a batch. They run through two kernels:
//!
//! - [`mul_at_b`]: `C = A^T B` (or `C += A^T B`), computed in register tiles of
//!   two rows by four-wide vectors: per step of the shared dimension `k`,
//!   one contiguous row of `B` is loaded once and multiplied by broadcast
//!   scalars of `A`. Every element of `C` is one sum over `k` in order.
//! - [`matvec_rows`]: `y = W x` for a row-major `W`, rows taken in groups with
//!   lane-wise partial sums (a fixed, documented summation order), for
//!   single-sample inference where there is no batch to vectorize over.
//!
//! Both are written with explicit four-wide vectors (`Lanes`, from the
//! `wide` crate, which falls back to plain arrays without SIMD), not left to
//! the auto-vectorizer: with scalar loops the compiler was seen to pick a
//! different, 2x slower vectorization depending on the caller. Lane-wise
//! IEEE operations give the same bits with or without SIMD.
//!
//! Strides are plain arguments; after inlining they are constants, and
//! slices are cut to their exact extent first so bounds checks fold away.

// Every function here is `inline(always)`: the strides and sizes must become
// constants at the call site for the loops to unroll and vectorize.
#![allow(clippy::inline_always)]

use crate::scalar::Float;

/// Rows of `C` per register tile.
const TILE_MR: usize = 2;
/// Four-wide vectors of `C` per tile row for `f32` (16 columns): with two
/// rows, eight accumulators, a row of `B` and one broadcast fit the sixteen
/// 128-bit registers of the baseline x86-64 target.
const TILE_NV32: usize = 4;
/// Four-wide vectors per tile row for `f64` (8 columns; an `f64x4` is two
/// 128-bit registers, so the same register budget).
const TILE_NV64: usize = 2;

/// `C = A^T B` (`accumulate = false`) or `C += A^T B` (`accumulate = true`),
/// with `A` of shape `K x M`, `B` of shape `K x N` and `C` of shape `M x N`,
/// addressed as
///
/// - `A(k, m) = a[m * a_m + k * a_k]`, contiguous along `k` (`a_k = 1`) or
///   along `m` (`a_m = 1`),
/// - `B(k, n) = b[k * b_k + n]` (each row contiguous),
/// - `C(m, n) = c[m * c_m + n]` (each row contiguous).
///
/// Every element of `C` is summed over `k` in increasing order.
#[inline(always)]
pub fn mul_at_b<T: Float, const M: usize, const N: usize, const K: usize>(
    accumulate: bool,
    a: &[T],
    a_m: usize,
    a_k: usize,
    b: &[T],
    b_k: usize,
    c: &mut [T],
    c_m: usize,
) {
    if core::mem::size_of::<T>() == 4 {
        mul_at_b_tiled::<T, M, N, K, TILE_MR, TILE_NV32>(accumulate, a, a_m, a_k, b, b_k, c, c_m);
    } else {
        mul_at_b_tiled::<T, M, N, K, TILE_MR, TILE_NV64>(accumulate, a, a_m, a_k, b, b_k, c, c_m);
    }
}

#[inline(always)]
fn mul_at_b_tiled<
    T: Float,
    const M: usize,
    const N: usize,
    const K: usize,
    const MR: usize,
    const NV: usize,
>(
    accumulate: bool,
    a: &[T],
    a_m: usize,
    a_k: usize,
    b: &[T],
    b_k: usize,
    c: &mut [T],
    c_m: usize,
) {
    let mut m = 0;
    while m + MR <= M {
        row_block::<T, N, K, MR, NV>(
            accumulate,
            &a[m * a_m..],
            a_m,
            a_k,
            b,
            b_k,
            &mut c[m * c_m..],
            c_m,
        );
        m += MR;
    }
    while m < M {
        row_block::<T, N, K, 1, NV>(
            accumulate,
            &a[m * a_m..],
            a_m,
            a_k,
            b,
            b_k,
            &mut c[m * c_m..],
            c_m,
        );
        m += 1;
    }
}

/// `R` rows of `C`, across all `N` columns: full tiles of `NV` vectors,
/// then the remainder in tiles of two and one vector, then single columns,
/// so narrow outputs (ten classes, one logit) still run vectorized.
#[inline(always)]
fn row_block<T: Float, const N: usize, const K: usize, const R: usize, const NV: usize>(
    accumulate: bool,
    a: &[T],
    a_m: usize,
    a_k: usize,
    b: &[T],
    b_k: usize,
    c: &mut [T],
    c_m: usize,
) {
    let mut n = 0;
    while n + 4 * NV <= N {
        tile::<T, K, R, NV>(accumulate, a, a_m, a_k, &b[n..], b_k, &mut c[n..], c_m);
        n += 4 * NV;
    }
    if NV > 2 && n + 8 <= N {
        tile::<T, K, R, 2>(accumulate, a, a_m, a_k, &b[n..], b_k, &mut c[n..], c_m);
        n += 8;
    }
    if NV > 1 && n + 4 <= N {
        tile::<T, K, R, 1>(accumulate, a, a_m, a_k, &b[n..], b_k, &mut c[n..], c_m);
        n += 4;
    }
    if n < N {
        edge::<T, K>(
            accumulate,
            R,
            N - n,
            a,
            a_m,
            a_k,
            &b[n..],
            b_k,
            &mut c[n..],
            c_m,
        );
    }
}

/// One `R x 4 NV` register tile of `C`, summed over all `K`, in explicit
/// four-wide vectors (`Lanes`). Operands are cut into fixed-size arrays
/// once per row, so the inner loop has no bounds checks.
#[inline(always)]
fn tile<T: Float, const K: usize, const R: usize, const NV: usize>(
    accumulate: bool,
    a: &[T],
    a_m: usize,
    a_k: usize,
    b: &[T],
    b_k: usize,
    c: &mut [T],
    c_m: usize,
) {
    let mut acc = [[T::zero4(); NV]; R];
    if accumulate {
        for (r, row) in acc.iter_mut().enumerate() {
            for (v, vector) in row.iter_mut().enumerate() {
                *vector = T::load4(slice_array(&c[r * c_m + 4 * v..]));
            }
        }
    }
    let b_row = |k: usize| -> [T::X4; NV] {
        core::array::from_fn(|v| T::load4(slice_array(&b[k * b_k + 4 * v..])))
    };
    if a_k == 1 {
        // A's scalars for one row of the tile are contiguous along k.
        let a_rows: [&[T; K]; R] = core::array::from_fn(|r| slice_array::<T, K>(&a[r * a_m..]));
        let a_column = |k: usize| -> [T; R] { core::array::from_fn(|r| a_rows[r][k]) };
        for k in 0..K {
            add_outer(&mut acc, a_column(k), &b_row(k));
        }
    } else {
        // A's scalars for one step k are contiguous along the tile's rows.
        debug_assert_eq!(a_m, 1);
        for k in 0..K {
            add_outer(&mut acc, *slice_array(&a[k * a_k..]), &b_row(k));
        }
    }
    for (r, row) in acc.iter().enumerate() {
        for (v, &vector) in row.iter().enumerate() {
            c[r * c_m + 4 * v..r * c_m + 4 * v + 4].copy_from_slice(&T::store4(vector));
        }
    }
}

/// One step of the shared dimension in a register tile: `acc[r] += a[r] b`
/// for each of its rows, `b` one row of `B` in four-wide vectors.
#[inline(always)]
fn add_outer<T: Float, const R: usize, const NV: usize>(
    acc: &mut [[T::X4; NV]; R],
    a: [T; R],
    b: &[T::X4; NV],
) {
    for (row, &scalar) in acc.iter_mut().zip(&a) {
        let scalar = T::splat4(scalar);
        for (out, &bv) in row.iter_mut().zip(b) {
            *out = *out + scalar * bv;
        }
    }
}

/// The columns left over when `N` is not a multiple of the tile width.
#[inline(always)]
fn edge<T: Float, const K: usize>(
    accumulate: bool,
    rows: usize,
    cols: usize,
    a: &[T],
    a_m: usize,
    a_k: usize,
    b: &[T],
    b_k: usize,
    c: &mut [T],
    c_m: usize,
) {
    for r in 0..rows {
        for n in 0..cols {
            let mut sum = if accumulate {
                c[r * c_m + n]
            } else {
                T::zero()
            };
            for k in 0..K {
                sum += a[r * a_m + k * a_k] * b[k * b_k + n];
            }
            c[r * c_m + n] = sum;
        }
    }
}

/// The first `N` elements of a slice as an array reference.
#[inline(always)]
fn slice_array<T, const N: usize>(s: &[T]) -> &[T; N] {
    match s.first_chunk::<N>() {
        Some(chunk) => chunk,
        // Callers pass slices of at least N elements (a tile inside the
        // matrix); an out-of-range tile is a bug in this module.
        None => panic!("kernel tile out of range"),
    }
}

/// `y = bias + W x` for one sample, `W` row-major `O x I`.
///
/// Rows are taken eight, then four, then one at a time (eight independent
/// accumulator chains hide the latency of the additions); each row's dot
/// product keeps `L` lane-wise
/// partial sums (lane `l` sums the products at `i = l, l + L, ...` in
/// order), added as `(l0 + l1) + (l2 + l3)` at the end, then the last
/// `I mod L` products in order.
#[inline(always)]
pub fn matvec_rows<T: Float, const I: usize, const O: usize>(
    w: &[T],
    bias: &[T],
    x: &[T],
    y: &mut [T],
) {
    let w = &w[..O * I];
    let x = &x[..I];
    let y = &mut y[..O];
    let mut o = 0;
    while o + 8 <= O {
        biased_rows::<T, I, 8>(w, bias, x, y, o);
        o += 8;
    }
    if o + 4 <= O {
        biased_rows::<T, I, 4>(w, bias, x, y, o);
        o += 4;
    }
    while o < O {
        biased_rows::<T, I, 1>(w, bias, x, y, o);
        o += 1;
    }
}

/// `y[o..o + R] = bias[o..o + R] + W[o..o + R] x`: `R` rows of
/// [`matvec_rows`] at once.
#[inline(always)]
fn biased_rows<T: Float, const I: usize, const R: usize>(
    w: &[T],
    bias: &[T],
    x: &[T],
    y: &mut [T],
    o: usize,
) {
    let sums = row_dots::<T, I, R>(&w[o * I..(o + R) * I], x);
    for (r, sum) in sums.into_iter().enumerate() {
        y[o + r] = bias[o + r] + sum;
    }
}

/// The dot products of `R` consecutive rows of length `I` with `x`.
///
/// The lanes are explicit four-wide vectors (`Lanes`): written with
/// scalar arrays, the compiler was seen to vectorize across rows instead
/// (transposing blocks of `W` with shuffles), 2x slower and differently in
/// different callers.
#[inline(always)]
fn row_dots<T: Float, const I: usize, const R: usize>(rows: &[T], x: &[T]) -> [T; R] {
    const L: usize = 4;
    let chunks = I / L;
    let rows: [&[T]; R] = core::array::from_fn(|r| &rows[r * I..(r + 1) * I]);
    let mut lanes = [T::zero4(); R];
    for c in 0..chunks {
        let xc = T::load4(slice_array(&x[c * L..]));
        for (lane, row) in lanes.iter_mut().zip(&rows) {
            *lane = *lane + T::load4(slice_array(&row[c * L..])) * xc;
        }
    }
    core::array::from_fn(|r| {
        let lane = T::store4(lanes[r]);
        let mut sum = (lane[0] + lane[1]) + (lane[2] + lane[3]);
        for i in chunks * L..I {
            sum += rows[r][i] * x[i];
        }
        sum
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(
        m: usize,
        n: usize,
        k: usize,
        a: impl Fn(usize, usize) -> f64,
        b: impl Fn(usize, usize) -> f64,
    ) -> std::vec::Vec<f64> {
        let mut c = std::vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k).map(|t| a(t, i) * b(t, j)).sum();
            }
        }
        c
    }

    fn check<const M: usize, const N: usize, const K: usize>() {
        let a: std::vec::Vec<f64> = (0..M * K)
            .map(|i| ((i * 37 % 17) as f64 - 8.0) / 4.0)
            .collect();
        let b: std::vec::Vec<f64> = (0..K * N)
            .map(|i| ((i * 11 % 13) as f64 - 6.0) / 8.0)
            .collect();
        // A(k, m) at a[m * K + k]: each A column stored contiguously.
        let expected = reference(M, N, K, |k, m| a[m * K + k], |k, n| b[k * N + n]);
        let mut c = std::vec![0.0; M * N];
        mul_at_b::<f64, M, N, K>(false, &a, K, 1, &b, N, &mut c, N);
        assert_eq!(c, expected, "mul_at_b {M}x{N}x{K}");
        mul_at_b::<f64, M, N, K>(true, &a, K, 1, &b, N, &mut c, N);
        let doubled: std::vec::Vec<f64> = expected.iter().map(|v| 2.0 * v).collect();
        assert_eq!(c, doubled, "accumulating mul_at_b {M}x{N}x{K}");
        let af: std::vec::Vec<f32> = a.iter().map(|&v| v as f32).collect();
        let bf: std::vec::Vec<f32> = b.iter().map(|&v| v as f32).collect();
        let mut cf = std::vec![0.0f32; M * N];
        mul_at_b::<f32, M, N, K>(false, &af, K, 1, &bf, N, &mut cf, N);
        for (x, y) in cf.iter().zip(&expected) {
            // Inputs are multiples of 1/8 and 1/4: products and sums are exact in f32 too.
            assert_eq!(f64::from(*x), *y);
        }
    }

    #[test]
    fn mul_at_b_matches_the_definition_for_every_tile_shape() {
        check::<1, 1, 1>();
        check::<4, 8, 3>();
        check::<5, 9, 2>();
        check::<3, 4, 7>();
        check::<8, 16, 5>();
        check::<10, 32, 6>();
        check::<7, 3, 1>();
        check::<3, 30, 5>();
        check::<2, 12, 3>();
        check::<5, 28, 4>();
    }

    #[test]
    fn matvec_matches_the_definition() {
        fn run<const I: usize, const O: usize>() {
            let w: std::vec::Vec<f64> = (0..O * I)
                .map(|i| ((i * 29 % 23) as f64 - 11.0) / 8.0)
                .collect();
            let x: std::vec::Vec<f64> = (0..I).map(|i| ((i * 7 % 5) as f64 - 2.0) / 2.0).collect();
            let bias: std::vec::Vec<f64> = (0..O).map(|o| o as f64 / 4.0).collect();
            let mut y = std::vec![0.0; O];
            matvec_rows::<f64, I, O>(&w, &bias, &x, &mut y);
            for o in 0..O {
                let expected: f64 = bias[o] + (0..I).map(|i| w[o * I + i] * x[i]).sum::<f64>();
                assert_eq!(y[o], expected, "row {o} of {O}x{I}");
            }
        }
        run::<1, 1>();
        run::<2, 8>();
        run::<64, 32>();
        run::<13, 5>();
        run::<32, 10>();
    }
}
