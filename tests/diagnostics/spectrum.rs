//! Spectrum analysis: eigenpairs, extremes, counts with the documented
//! tolerance, classification with the index, condition number and the
//! stable learning rate, on matrices whose answers are known.

use constnet::nalgebra::{DMatrix, DVector};
use constnet::prelude::*;
use constnet::spectrum::{Inertia, default_tolerance};

/// `Q diag(values) Q^T` for a fixed rotation `Q` (a product of Givens
/// rotations), so the matrix is dense but its spectrum is known.
fn rotated(values: &[f64]) -> DMatrix<f64> {
    let n = values.len();
    let mut q = DMatrix::<f64>::identity(n, n);
    for i in 0..n - 1 {
        let (c, s) = ((0.3 + i as f64).cos(), (0.3 + i as f64).sin());
        let mut g = DMatrix::<f64>::identity(n, n);
        g[(i, i)] = c;
        g[(i + 1, i + 1)] = c;
        g[(i, i + 1)] = -s;
        g[(i + 1, i)] = s;
        q *= g;
    }
    &q * DMatrix::from_diagonal(&DVector::from_column_slice(values)) * q.transpose()
}

#[test]
fn eigenpairs_of_a_known_matrix() {
    let values = [3.0, -1.0, 0.5, 0.0, 2.0];
    let h = rotated(&values);
    let spectrum = Spectrum::of(h.clone()).unwrap();
    let mut sorted = values;
    sorted.sort_by(f64::total_cmp);
    for (got, want) in spectrum.eigenvalues().iter().zip(sorted) {
        assert!((got - want).abs() < 1e-14, "{:?}", spectrum.eigenvalues());
    }
    for i in 0..5 {
        let v = spectrum.eigenvector(i).unwrap();
        let residual = (&h * &v - &v * spectrum.eigenvalues()[i]).norm();
        assert!(
            residual < 1e-14 && (v.norm() - 1.0).abs() < 1e-14,
            "pair {i}"
        );
    }
    assert!(spectrum.eigenvector(5).is_none());
    assert_eq!(spectrum.lambda_max(), spectrum.eigenvalues()[4]);
    assert_eq!(spectrum.lambda_min(), spectrum.eigenvalues()[0]);
    // |H| has the absolute values as eigenvalues.
    let absolute = Spectrum::of(spectrum.map(f64::abs)).unwrap();
    let mut magnitudes = values.map(f64::abs);
    magnitudes.sort_by(f64::total_cmp);
    for (got, want) in absolute.eigenvalues().iter().zip(magnitudes) {
        assert!((got - want).abs() < 1e-14);
    }
}

#[test]
fn classification_counts_and_bounds() {
    // (eigenvalues, kind, inertia (+, -, 0), index, condition, 2 / lambda_max)
    let minimum = Curvature::of(&[0.5, 2.0, 4.0]).unwrap();
    assert_eq!(minimum.kind, PointKind::Minimum);
    assert_eq!(
        minimum.inertia,
        Inertia {
            positive: 3,
            negative: 0,
            zero: 0
        }
    );
    assert_eq!(minimum.index, 0.0);
    assert_eq!(minimum.condition_number, 8.0);
    assert_eq!(minimum.stability_bound, Some(0.5));
    assert_eq!((minimum.lambda_min, minimum.lambda_max), (0.5, 4.0));

    let maximum = Curvature::of(&[-1.0, -3.0]).unwrap();
    assert_eq!(maximum.kind, PointKind::Maximum);
    assert_eq!(maximum.index, 1.0);
    assert_eq!(maximum.condition_number, 3.0);
    assert_eq!(maximum.stability_bound, None);

    let saddle = Curvature::of(&[-1.0, 0.0, 2.0, 3.0]).unwrap();
    assert_eq!(saddle.kind, PointKind::Saddle);
    assert_eq!(
        saddle.inertia,
        Inertia {
            positive: 2,
            negative: 1,
            zero: 1
        }
    );
    assert_eq!(saddle.index, 0.25);
    assert_eq!(saddle.condition_number, f64::INFINITY);
    assert_eq!(saddle.stability_bound, Some(2.0 / 3.0));

    let degenerate = Curvature::of(&[0.0, 1.0]).unwrap();
    assert_eq!(degenerate.kind, PointKind::Degenerate);
    let flat = Curvature::of(&[0.0_f64; 3]).unwrap();
    assert_eq!(flat.kind, PointKind::Degenerate);
    assert_eq!(flat.stability_bound, None);
}

/// "Zero" is `n * eps * max |lambda|`: rounding noise of that size counts
/// as zero, anything above it does not.
#[test]
fn documented_tolerance() {
    let values = [1e-17, -2e-16, 1.0, 3.0];
    let tolerance = default_tolerance(&values);
    assert_eq!(tolerance, 4.0 * f64::EPSILON * 3.0);
    let curvature = Curvature::of(&values).unwrap();
    assert_eq!(
        curvature.inertia,
        Inertia {
            positive: 2,
            negative: 0,
            zero: 2
        }
    );
    assert_eq!(curvature.kind, PointKind::Degenerate);
    let strict = Curvature::with_tolerance(&values, 0.0).unwrap();
    assert_eq!(strict.kind, PointKind::Saddle);
    assert_eq!(
        default_tolerance(&[1.0_f32, -2.0]),
        2.0 * f64::from(f32::EPSILON) * 2.0
    );
}

#[test]
fn bad_input_is_an_error() {
    assert!(Curvature::of::<f64>(&[]).is_err());
    assert!(Curvature::of(&[1.0, f64::NAN]).is_err());
    assert!(Curvature::with_tolerance(&[1.0], -1.0).is_err());
    assert!(Spectrum::of(DMatrix::<f64>::zeros(2, 3)).is_err());
    assert!(Spectrum::of(DMatrix::from_element(2, 2, f64::INFINITY)).is_err());
    assert!(Spectrum::of_slice(&[1.0, 2.0, 3.0], 2).is_err());
}
