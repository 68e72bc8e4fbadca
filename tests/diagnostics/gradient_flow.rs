//! Vanishing and exploding gradients (`diagnostics::gradient_flow`):
//! eigenvalues and `W^t = V diag(lambda)^t V^-1` against closed forms,
//! defective matrices reported as such, singular values against the 2 x 2
//! formula, orthogonal matrices keeping norms, and the verdicts of growth
//! factors (the gradient norms of declared networks are in
//! `gradient_norms.rs`).

use crate::common::{random_matrix, random_vec};
use constnet::diagnostics::gradient_flow::{
    C64, DEFAULT_BAND, Decomposition, Verdict, matrix_power, orbit_norms, singular_values,
    spectral_norm, weight_spectrum,
};
use constnet::nalgebra::{Matrix2, Matrix4};
use constnet::prelude::*;

/// `|a - b| <= tol * max(1, |b|)`.
pub(super) fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

pub(super) fn assert_matrix_close<const N: usize>(
    a: &SMatrix<f64, N, N>,
    b: &SMatrix<f64, N, N>,
    tol: f64,
) {
    let scale = b.norm().max(1.0);
    assert!((a - b).norm() <= tol * scale, "{a} differs from {b}");
}

#[test]
fn diagonal_powers_are_exact() {
    let w = Matrix2::new(2.0, 0.0, 0.0, 0.5);
    let s = weight_spectrum(&w).expect("finite matrix");
    assert_eq!(s.eigenvalues, [C64::new(2.0, 0.0), C64::new(0.5, 0.0)]);
    assert_eq!(s.spectral_radius(), 2.0);
    assert!(s.is_diagonalisable());
    let expected = Matrix2::new(1024.0, 0.0, 0.0, 0.000_976_562_5);
    assert_eq!(s.power(10), Some(expected));
    assert_eq!(matrix_power(&w, 10), expected);
    let growth = s.growth(10, DEFAULT_BAND).expect("valid band");
    assert_eq!(growth.predicted, 1024.0);
    assert!(close(growth.measured, 1024.0, 1e-15));
    assert!(close(
        growth.measured_frobenius,
        1024.0_f64.hypot(0.000_976_562_5),
        1e-15
    ));
    assert_eq!(growth.verdict, Verdict::Exploding);
}

#[test]
fn similar_matrix_powers_match_the_closed_form() {
    // W = S diag(2, 1/2) S^-1 with S = [[1, 1], [0, 1]] is [[2, -3/2], [0, 1/2]],
    // and W^t = [[2^t, 2^-t - 2^t], [0, 2^-t]].
    let w = Matrix2::new(2.0, -1.5, 0.0, 0.5);
    let s = weight_spectrum(&w).expect("finite matrix");
    assert!(close(s.eigenvalues[0].re, 2.0, 1e-15) && s.eigenvalues[0].im == 0.0);
    assert!(close(s.eigenvalues[1].re, 0.5, 1e-15) && s.eigenvalues[1].im == 0.0);
    for t in [1, 2, 7, 10, 20] {
        let (a, b) = (2.0_f64.powi(t as i32), 0.5_f64.powi(t as i32));
        let expected = Matrix2::new(a, b - a, 0.0, b);
        assert_matrix_close(&s.power(t).expect("diagonalisable"), &expected, 1e-14);
        assert_matrix_close(&matrix_power(&w, t), &expected, 1e-15);
    }
    let Decomposition::Diagonalisable { condition, .. } = s.decomposition else {
        panic!("W is diagonalisable");
    };
    // Transient growth is bounded by the eigenvectors' condition number.
    for t in [1, 5, 10] {
        let growth = s.growth(t, DEFAULT_BAND).expect("valid band");
        assert!(growth.predicted <= growth.measured * (1.0 + 1e-12));
        assert!(growth.measured <= condition * growth.predicted);
    }
}

#[test]
fn rotations_have_unit_complex_eigenvalues_and_keep_norms() {
    let angle = 0.7_f64;
    let (c, s) = (angle.cos(), angle.sin());
    let w = Matrix2::new(c, -s, s, c);
    let spec = weight_spectrum(&w).expect("finite matrix");
    let mut found = spec.eigenvalues;
    found.sort_by(|a, b| a.im.total_cmp(&b.im));
    assert!(close(found[0].re, c, 1e-15) && close(found[0].im, -s, 1e-15));
    assert!(close(found[1].re, c, 1e-15) && close(found[1].im, s, 1e-15));
    assert!(close(spec.spectral_radius(), 1.0, 1e-15));
    for t in [1, 3, 25, 100] {
        let turned = t as f64 * angle;
        let expected = Matrix2::new(turned.cos(), -turned.sin(), turned.sin(), turned.cos());
        assert_matrix_close(&spec.power(t).expect("diagonalisable"), &expected, 1e-13);
        let growth = spec.growth(t, DEFAULT_BAND).expect("valid band");
        assert!(close(growth.measured, 1.0, 1e-13));
        assert_eq!(growth.verdict, Verdict::Stable);
    }
}

/// An orthogonal 4 x 4 matrix: the Q of a random matrix's QR factorization.
pub(super) fn random_orthogonal(seed: u64) -> Matrix4<f64> {
    let mut rng = Rng::seed_from(seed);
    let m: Matrix4<f64> = random_matrix(&mut rng, 1.0);
    m.qr().q()
}

#[test]
fn orthogonal_matrices_keep_the_norm_of_every_power() {
    for seed in 0..3 {
        let q = random_orthogonal(seed);
        let mut rng = Rng::seed_from(seed + 10);
        let x = SVector::<f64, 4>::from(random_vec::<4>(&mut rng, 1.0));
        for (t, norm) in orbit_norms(&q, &x).take(200).enumerate() {
            assert!(close(norm, x.norm(), 1e-12), "||W^{} x|| = {norm}", t + 1);
        }
        let spec = weight_spectrum(&q).expect("finite matrix");
        for lambda in spec.eigenvalues {
            assert!(
                close(lambda.norm(), 1.0, 1e-13),
                "|lambda| = {}",
                lambda.norm()
            );
        }
        assert!(close(spectral_norm(&matrix_power(&q, 50)), 1.0, 1e-12));
    }
}

#[test]
fn a_jordan_block_is_reported_not_diagonalisable() {
    let w = Matrix2::new(1.0, 1.0, 0.0, 1.0);
    let s = weight_spectrum(&w).expect("finite matrix");
    assert_eq!(s.eigenvalues, [C64::new(1.0, 0.0); 2]);
    assert!(!s.is_diagonalisable());
    assert_eq!(s.power(3), None);
    let Decomposition::NotDiagonalisable {
        reconstruction_error,
        ..
    } = s.decomposition
    else {
        panic!("a Jordan block has one eigenvector");
    };
    assert!(reconstruction_error > 1e-3);
    // rho = 1 predicts no growth, but W^t = [[1, t], [0, 1]] grows linearly:
    // ||W^t||_2 = (t + sqrt(t^2 + 4)) / 2.
    for t in [1_usize, 10, 100] {
        let growth = s.growth(t, DEFAULT_BAND).expect("valid band");
        let tf = t as f64;
        assert_eq!(growth.predicted, 1.0);
        assert!(close(
            growth.measured,
            f64::midpoint(tf, (tf * tf + 4.0).sqrt()),
            1e-13
        ));
    }
}

#[test]
fn companion_matrix_eigenvalues_are_the_polynomial_roots() {
    // (z - 3)(z + 2)(z - 0.5)(z^2 - 2z + 5): roots 3, -2, 0.5, 1 +- 2i.
    // Expanded: z^5 - 3.5 z^4 + 2.5 z^3 + 6.5 z^2 - 33.5 z + 15.
    let coefficients = [-3.5, 2.5, 6.5, -33.5, 15.0];
    let w = SMatrix::<f64, 5, 5>::from_fn(|i, j| {
        if i == 0 {
            -coefficients[j]
        } else if i == j + 1 {
            1.0
        } else {
            0.0
        }
    });
    let s = weight_spectrum(&w).expect("finite matrix");
    let expected = [
        C64::new(3.0, 0.0),
        C64::new(1.0, 2.0),
        C64::new(1.0, -2.0),
        C64::new(-2.0, 0.0),
        C64::new(0.5, 0.0),
    ];
    // By decreasing modulus; the conjugate pair 1 +- 2i in either order.
    for (k, (got, want)) in s.eigenvalues.iter().zip(&expected).enumerate() {
        let want = if k == 1 || k == 2 {
            C64::new(1.0, 2.0 * got.im.signum())
        } else {
            *want
        };
        assert!((got - want).norm() < 1e-11, "{got} vs {want}");
    }
    assert!(close(s.eigenvalues[1].im, -s.eigenvalues[2].im, 1e-11));
    assert!(close(s.spectral_radius(), 3.0, 1e-12));
    assert!(s.is_diagonalisable());
}

/// The determinant by Gaussian elimination with partial pivoting.
fn determinant<const N: usize>(m: &SMatrix<f64, N, N>) -> f64 {
    let mut a = *m;
    let mut det = 1.0;
    for col in 0..N {
        let pivot = (col..N)
            .max_by(|&r, &s| a[(r, col)].abs().total_cmp(&a[(s, col)].abs()))
            .unwrap_or(col);
        if pivot != col {
            a.swap_rows(col, pivot);
            det = -det;
        }
        det *= a[(col, col)];
        for r in col + 1..N {
            let factor = a[(r, col)] / a[(col, col)];
            for j in col..N {
                a[(r, j)] -= factor * a[(col, j)];
            }
        }
    }
    det
}

fn random_matrix_case<const N: usize>(seed: u64) {
    let mut rng = Rng::seed_from(seed);
    let w: SMatrix<f64, N, N> = random_matrix(&mut rng, 1.0);
    let s = weight_spectrum(&w).expect("finite matrix");
    let Decomposition::Diagonalisable {
        eigenvectors,
        condition,
        ..
    } = &s.decomposition
    else {
        panic!("a random matrix is diagonalisable");
    };
    let wc = w.map(|x| C64::new(x, 0.0));
    for (k, &lambda) in s.eigenvalues.iter().enumerate() {
        let v = eigenvectors.column(k);
        assert!(close(v.norm(), 1.0, 1e-14));
        let residual = (wc * v - v * lambda).norm();
        assert!(
            residual <= 1e-13 * w.norm(),
            "eigenpair {k}: residual {residual}"
        );
        if lambda.im != 0.0 {
            let conjugate_present = s
                .eigenvalues
                .iter()
                .any(|mu| (mu - lambda.conj()).norm() <= 1e-12);
            assert!(conjugate_present, "{lambda} without its conjugate");
        }
    }
    let sum: C64 = s.eigenvalues.iter().sum();
    let product: C64 = s.eigenvalues.iter().product();
    assert!(close(sum.re, w.trace(), 1e-13) && sum.im.abs() < 1e-13);
    assert!(close(product.re, determinant(&w), 1e-12) && product.im.abs() < 1e-12);
    let moduli: Vec<f64> = s.eigenvalues.iter().map(|l| l.norm()).collect();
    assert!(moduli.windows(2).all(|m| m[0] >= m[1]), "sorted by modulus");
    for t in [1, 5, 12] {
        let direct = matrix_power(&w, t);
        assert_matrix_close(&s.power(t).expect("diagonalisable"), &direct, 1e-11);
        let growth = s.growth(t, DEFAULT_BAND).expect("valid band");
        assert!(growth.predicted <= growth.measured * (1.0 + 1e-12));
        assert!(growth.measured <= condition * growth.predicted * (1.0 + 1e-12));
        assert!(growth.measured <= growth.measured_frobenius * (1.0 + 1e-14));
    }
}

#[test]
fn random_matrices_decompose_and_rebuild_their_powers() {
    for seed in 0..4 {
        random_matrix_case::<3>(seed);
        random_matrix_case::<6>(seed + 10);
        random_matrix_case::<9>(seed + 20);
    }
}

#[test]
fn singular_values_match_closed_forms() {
    // 2 x 2: s^2 = (S +- sqrt(S^2 - 4 det^2)) / 2 with S the sum of squares.
    let mut rng = Rng::seed_from(3);
    for _ in 0..20 {
        let m: Matrix2<f64> = random_matrix(&mut rng, 2.0);
        let sum = m.norm_squared();
        let det = m.determinant();
        let root = (sum * sum - 4.0 * det * det).sqrt();
        let expected = [f64::midpoint(sum, root).sqrt(), ((sum - root) / 2.0).sqrt()];
        let got = singular_values(&m);
        assert!(close(got[0], expected[0], 1e-14) && close(got[1], expected[1], 1e-7));
    }
    // Q diag(s) Q': the singular values are s, whatever the rotations.
    let diagonal = Matrix4::from_diagonal(&SVector::<f64, 4>::new(5.0, 2.0, 0.1, 1e-6));
    let m = random_orthogonal(7) * diagonal * random_orthogonal(8);
    let got = singular_values(&m);
    for (g, e) in got.iter().zip([5.0, 2.0, 0.1, 1e-6]) {
        assert!((g - e).abs() <= 1e-14 * 5.0, "{g} vs {e}");
    }
}

#[test]
fn verdicts_follow_the_band() {
    assert_eq!(Verdict::of_growth(0.05, 10.0), Ok(Verdict::Vanishing));
    assert_eq!(Verdict::of_growth(0.1, 10.0), Ok(Verdict::Stable));
    assert_eq!(Verdict::of_growth(9.9, 10.0), Ok(Verdict::Stable));
    assert_eq!(Verdict::of_growth(10.5, 10.0), Ok(Verdict::Exploding));
    assert_eq!(
        Verdict::of_growth(f64::INFINITY, 10.0),
        Ok(Verdict::Exploding)
    );
    assert_eq!(Verdict::of_growth(f64::NAN, 10.0), Ok(Verdict::Exploding));
    assert_eq!(Verdict::of_growth(1.0, 1.0), Ok(Verdict::Stable));
    assert!(matches!(
        Verdict::of_growth(1.0, 0.5),
        Err(Error::InvalidHyperParameter { name: "band", .. })
    ));
    // rho^10 for rho = 0.5, 1, 1.5: 1e-3, 1, 57.7.
    for (rho, verdict) in [
        (0.5, Verdict::Vanishing),
        (1.0, Verdict::Stable),
        (1.5, Verdict::Exploding),
    ] {
        let s = weight_spectrum(&(random_orthogonal(1) * rho)).expect("finite matrix");
        let growth = s.growth(10, DEFAULT_BAND).expect("valid band");
        assert!(close(growth.predicted, f64::powi(rho, 10), 1e-12));
        assert_eq!(growth.verdict, verdict);
    }
}

#[test]
fn hard_cases_of_the_eigenvalue_algorithm() {
    // The cyclic shift: eigenvalues are the 6th roots of unity, all of modulus
    // 1, a classic cycle for unshifted and Wilkinson-shifted QR.
    let shift = SMatrix::<f64, 6, 6>::from_fn(|i, j| if (j + 1) % 6 == i { 1.0 } else { 0.0 });
    let s = weight_spectrum(&shift).expect("finite matrix");
    for lambda in s.eigenvalues {
        assert!(close(lambda.norm(), 1.0, 1e-13));
        assert!((lambda.powu(6) - C64::new(1.0, 0.0)).norm() < 1e-12);
    }
    assert!(s.is_diagonalisable());
    assert_matrix_close(
        &s.power(6).expect("diagonalisable"),
        &SMatrix::identity(),
        1e-12,
    );

    // Repeated eigenvalues with a full set of eigenvectors.
    let repeated = SMatrix::<f64, 3, 3>::from_diagonal(&SVector::<f64, 3>::new(2.0, 2.0, -1.0));
    let s = weight_spectrum(&repeated).expect("finite matrix");
    assert!(s.is_diagonalisable());
    assert_eq!(s.power(3), Some(matrix_power(&repeated, 3)));
    let s = weight_spectrum(&SMatrix::<f64, 4, 4>::identity()).expect("finite matrix");
    assert!(s.is_diagonalisable() && s.spectral_radius() == 1.0);

    // Nilpotent: every eigenvalue 0, one eigenvector, W^4 = 0.
    let nilpotent = SMatrix::<f64, 4, 4>::from_fn(|i, j| if j == i + 1 { 1.0 } else { 0.0 });
    let s = weight_spectrum(&nilpotent).expect("finite matrix");
    assert!(s.eigenvalues.iter().all(|l| l.norm() == 0.0));
    assert!(!s.is_diagonalisable());
    assert_eq!(matrix_power(&nilpotent, 4), SMatrix::<f64, 4, 4>::zeros());

    // The zero matrix and a 1 x 1 matrix.
    let s = weight_spectrum(&SMatrix::<f64, 3, 3>::zeros()).expect("finite matrix");
    assert!(s.is_diagonalisable() && s.spectral_radius() == 0.0);
    assert_eq!(s.power(2), Some(SMatrix::<f64, 3, 3>::zeros()));
    let s = weight_spectrum(&SMatrix::<f32, 1, 1>::new(-0.5)).expect("finite matrix");
    assert_eq!(s.eigenvalues, [C64::new(-0.5, 0.0)]);

    // Symmetric: real eigenvalues, and ||W^t||_2 = rho^t exactly.
    let mut rng = Rng::seed_from(5);
    let a: SMatrix<f64, 7, 7> = random_matrix(&mut rng, 1.0);
    let symmetric = a + a.transpose();
    let s = weight_spectrum(&symmetric).expect("finite matrix");
    assert!(s.eigenvalues.iter().all(|l| l.im.abs() < 1e-13));
    let growth = s.growth(9, DEFAULT_BAND).expect("valid band");
    assert!(close(growth.measured, growth.predicted, 1e-12));

    // Larger random matrices still rebuild their powers.
    let big: SMatrix<f64, 24, 24> = random_matrix(&mut rng, 0.3);
    let s = weight_spectrum(&big).expect("finite matrix");
    assert_matrix_close(
        &s.power(5).expect("diagonalisable"),
        &matrix_power(&big, 5),
        1e-10,
    );

    // Non-finite input is refused.
    let bad = Matrix2::new(1.0, f64::NAN, 0.0, 1.0);
    assert!(matches!(
        weight_spectrum(&bad),
        Err(Error::NonFiniteInput {
            what: "matrix entry"
        })
    ));
}
