//! The structured initializers: orthogonal (`W^T W = I` or `W W^T = I`,
//! gain, agreement with a sign-corrected Householder QR, rank-deficient
//! input), eye on every shape, sparse's exact zero count per column and
//! uniform placement, vectors and zero fans.

use constnet::init::orthogonal::orthonormalize;
use constnet::init::{Fans, calculate_gain};
use constnet::nalgebra::DMatrix;
use constnet::prelude::*;

pub(crate) fn fill<T: Float>(init: Init, rows: usize, cols: usize, seed: u64) -> Vec<T> {
    let mut values = vec![T::zero(); rows * cols];
    let fans = Fans::new(cols, rows);
    init.fill_weight(&mut values, rows, cols, fans, &mut Rng::seed_from(seed));
    values
}

fn matrix<T: Float>(values: &[T], rows: usize, cols: usize) -> DMatrix<f64> {
    DMatrix::from_row_iterator(rows, cols, values.iter().map(|v| v.to_f64()))
}

/// The largest deviation of `W^T W` (tall or square) or `W W^T` (wide)
/// from `gain^2 I`.
fn orthogonality_error(w: &DMatrix<f64>, gain: f64) -> f64 {
    let gram = if w.nrows() >= w.ncols() {
        w.transpose() * w
    } else {
        w * w.transpose()
    };
    let n = gram.nrows();
    (gram - DMatrix::identity(n, n) * (gain * gain)).amax()
}

#[test]
fn orthogonal_is_orthonormal_for_every_shape_and_scaled_by_the_gain() {
    for (rows, cols) in [(8, 8), (16, 4), (3, 10), (1, 5), (5, 1), (64, 63), (1, 1)] {
        for gain in [1.0, calculate_gain(Nonlinearity::ReLU, None)] {
            let w64 = matrix(
                &fill::<f64>(Init::orthogonal(gain), rows, cols, 1),
                rows,
                cols,
            );
            let error = orthogonality_error(&w64, gain);
            assert!(error < 1e-13, "{rows} x {cols}, gain {gain}: {error:e}");
            let w32 = matrix(
                &fill::<f32>(Init::orthogonal(gain), rows, cols, 1),
                rows,
                cols,
            );
            let error = orthogonality_error(&w32, gain);
            assert!(error < 2e-6, "f32 {rows} x {cols}, gain {gain}: {error:e}");
            if rows == cols {
                // Square: both products are the identity.
                let other = &w64 * w64.transpose() - DMatrix::identity(rows, rows) * (gain * gain);
                assert!(other.amax() < 1e-13);
            }
        }
    }
}

/// PyTorch's recipe with a Householder QR: normal matrix (transposed if
/// wide), `Q` times the signs of `diag(R)`, transposed back.
fn sign_corrected_householder<const R: usize, const C: usize>(seed: u64) -> DMatrix<f64> {
    let mut rng = Rng::seed_from(seed);
    let draws: Vec<f64> = (0..R * C).map(|_| rng.normal(0.0, 1.0)).collect();
    let a = DMatrix::from_row_slice(R, C, &draws);
    let tall = if R >= C { a } else { a.transpose() };
    let qr = tall.clone().qr();
    let (mut q, r) = (qr.q(), qr.r());
    for j in 0..q.ncols() {
        if r[(j, j)] < 0.0 {
            q.column_mut(j).neg_mut();
        }
    }
    if R >= C { q } else { q.transpose() }
}

#[test]
fn orthogonal_equals_pytorchs_sign_corrected_qr_of_the_same_draws() {
    fn case<const R: usize, const C: usize>(seed: u64) {
        let ours = matrix(&fill::<f64>(Init::orthogonal(1.0), R, C, seed), R, C);
        let reference = sign_corrected_householder::<R, C>(seed);
        let error = (ours - reference).amax();
        assert!(error < 1e-12, "{R} x {C}: {error:e}");
    }
    case::<6, 6>(2);
    case::<9, 4>(3);
    case::<3, 7>(4);
    case::<32, 32>(5);
}

#[test]
fn orthonormalize_handles_dependent_vectors() {
    // All ones: every column after the first is dependent on it.
    let mut w = [1.0_f64; 12];
    orthonormalize(&mut w, 4, 3);
    assert!(orthogonality_error(&matrix(&w, 4, 3), 1.0) < 1e-14);
    // A zero row in a wide matrix, and a repeated row.
    let mut w = [
        1.0, 2.0, 3.0, 4.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0_f32,
    ];
    orthonormalize(&mut w, 3, 4);
    assert!(orthogonality_error(&matrix(&w, 3, 4), 1.0) < 1e-6);
    // Independent columns keep their span: the first is only normalized.
    let mut w = [3.0, 1.0, 4.0, 1.0_f64];
    orthonormalize(&mut w, 2, 2);
    assert!((w[0] - 0.6).abs() < 1e-15 && (w[2] - 0.8).abs() < 1e-15);
}

#[test]
fn eye_follows_torch_eye_on_every_shape() {
    for (rows, cols) in [(4, 4), (5, 3), (3, 5), (1, 4), (4, 1)] {
        let mut rng = Rng::seed_from(9);
        let untouched = rng.clone();
        let mut w = vec![7.0_f64; rows * cols];
        Init::eye().fill_weight(&mut w, rows, cols, Fans::new(cols, rows), &mut rng);
        for r in 0..rows {
            for c in 0..cols {
                assert_eq!(w[r * cols + c], if r == c { 1.0 } else { 0.0 });
            }
        }
        assert_eq!(rng, untouched, "eye draws nothing");
    }
    let mut bias = [5.0_f32; 3];
    Init::Eye.fill_bias(&mut bias, Fans::new(2, 3), &mut Rng::seed_from(0));
    assert_eq!(bias, [1.0, 0.0, 0.0]);
}

#[test]
fn sparse_zeroes_exactly_ceil_sparsity_rows_per_column() {
    let (rows, cols) = (50, 2000);
    for sparsity in [0.0, 0.1, 0.3, 0.55, 1.0] {
        let w = fill::<f64>(Init::sparse(sparsity, 0.01), rows, cols, 11);
        // PyTorch: num_zeros = math.ceil(sparsity * rows).
        let expected = (sparsity * rows as f64).ceil() as usize;
        for c in 0..cols {
            let zeros = (0..rows).filter(|&r| w[r * cols + c] == 0.0).count();
            assert_eq!(zeros, expected, "sparsity {sparsity}, column {c}");
        }
        if expected > 0 && expected < rows {
            // Each row is zeroed in a column with probability expected / rows.
            let p = expected as f64 / rows as f64;
            let se = (p * (1.0 - p) / cols as f64).sqrt();
            for r in 0..rows {
                let rate =
                    (0..cols).filter(|&c| w[r * cols + c] == 0.0).count() as f64 / cols as f64;
                assert!((rate - p).abs() <= 5.0 * se, "row {r}: {rate} vs {p}");
            }
        }
        // The survivors are N(0, 0.01^2).
        let kept: Vec<f64> = w.iter().copied().filter(|&v| v != 0.0).collect();
        if !kept.is_empty() {
            let n = kept.len() as f64;
            let var = kept.iter().map(|v| v * v).sum::<f64>() / n;
            assert!((var - 1e-4).abs() <= 5.0 * 1e-4 * (2.0 / n).sqrt(), "{var}");
        }
    }
    // PyTorch's rounding: 0.14 * 50 = 7.000000000000001, so 8 zeros, not 7.
    let w = fill::<f32>(Init::sparse(0.14, 1.0), 50, 3, 12);
    for c in 0..3 {
        assert_eq!((0..50).filter(|&r| w[r * 3 + c] == 0.0).count(), 8);
    }
}

#[test]
fn fan_scaled_initializers_give_zeros_for_zero_fans() {
    let inits = [
        Init::TorchDefault,
        Init::xavier_uniform(1.0),
        Init::xavier_normal(1.0),
        Init::kaiming_uniform(0.0, FanMode::FanIn, Nonlinearity::ReLU),
        Init::kaiming_normal(0.0, FanMode::FanOut, Nonlinearity::ReLU),
        Init::lecun_uniform(),
        Init::lecun_normal(),
    ];
    for init in inits {
        let mut bias = [1.0_f64; 4];
        init.fill_bias(&mut bias, Fans::new(0, 0), &mut Rng::seed_from(1));
        assert_eq!(bias, [0.0; 4], "{init:?}");
    }
    // Empty tensors are left alone.
    let mut empty: [f64; 0] = [];
    Init::orthogonal(1.0).fill_weight(&mut empty, 0, 3, Fans::new(3, 0), &mut Rng::seed_from(1));
    Init::sparse(0.5, 1.0).fill_weight(&mut empty, 3, 0, Fans::new(0, 3), &mut Rng::seed_from(1));
}

#[test]
fn vectors_are_one_column_matrices() {
    let mut bias = [0.0_f64; 6];
    Init::orthogonal(2.0).fill_bias(&mut bias, Fans::new(3, 6), &mut Rng::seed_from(3));
    let norm = bias.iter().map(|v| v * v).sum::<f64>().sqrt();
    assert!(
        (norm - 2.0).abs() < 1e-15,
        "a unit vector times the gain: {norm}"
    );
    let mut bias = [1.0_f64; 10];
    Init::sparse(0.25, 1.0).fill_bias(&mut bias, Fans::new(3, 10), &mut Rng::seed_from(4));
    assert_eq!(bias.iter().filter(|&&v| v == 0.0).count(), 3);
}
