//! Matrix-free methods on bad input: operators check their vectors and
//! shapes, options and deflation vectors are validated, and sizes that come
//! from the caller never panic or abort (typed errors instead).

use constnet::matrix_free::{
    Lanczos, LanczosOptions, LinearOperator, PowerOptions, SlqOptions, hutchinson_trace, operator,
    power_iteration, spectral_density, top_eigenpairs_power, top_eigenvalues,
};
use constnet::nalgebra::{DMatrix, SMatrix};
use constnet::prelude::*;

use crate::matrix_free::{P, fixture};

#[test]
fn operators_and_errors() {
    let mut m = SMatrix::<f64, 2, 2>::new(2.0, 1.0, 1.0, 3.0);
    let mut out = [0.0; 2];
    m.matvec(&[1.0, -1.0], &mut out).unwrap();
    assert_eq!(out, [1.0, -2.0]);
    let top = top_eigenvalues(&mut m, 2, LanczosOptions::default()).unwrap();
    // The eigenvalues of [[2, 1], [1, 3]]: (5 +- sqrt 5) / 2.
    let (a, b) = (
        f64::midpoint(5.0, 5.0_f64.sqrt()),
        f64::midpoint(5.0, -(5.0_f64.sqrt())),
    );
    assert!(
        (top[0] - a).abs() < 1e-14 && (top[1] - b).abs() < 1e-14,
        "{top:?}"
    );

    let mut empty = operator(0, |_: &[f64], _: &mut [f64]| {});
    assert!(hutchinson_trace(&mut empty, 1, 0).is_err());
    assert!(top_eigenvalues(&mut m, 3, LanczosOptions::default()).is_err());
    assert!(Lanczos::run(&mut m, &[0.0, 0.0], 2).is_err());
    assert!(Lanczos::run(&mut m, &[1.0], 2).is_err());
    let mut broken = operator(2, |_: &[f64], out: &mut [f64]| out.fill(f64::NAN));
    assert!(power_iteration(&mut broken, &[], PowerOptions::default()).is_err());
}

#[test]
fn operators_check_their_vectors_and_shape() {
    let wrong_length = |result: constnet::Result<()>, given: usize| match result {
        Err(Error::BufferLength {
            given: g, required, ..
        }) => {
            assert_eq!((g, required), (given, 2));
        }
        other => panic!("expected a buffer-length error, got {other:?}"),
    };
    let mut out = [0.0; 2];
    let mut m = SMatrix::<f64, 2, 2>::new(2.0, 1.0, 1.0, 3.0);
    wrong_length(m.matvec(&[1.0; 3], &mut out), 3);
    let mut closure = operator(2, |v: &[f64], out: &mut [f64]| out.copy_from_slice(v));
    wrong_length(closure.matvec(&[1.0], &mut out), 1);
    wrong_length(closure.matvec(&[1.0; 2], &mut [0.0; 5]), 5);
    let mut dense = DMatrix::<f64>::identity(2, 2);
    wrong_length(dense.matvec(&[], &mut out), 0);

    // A non-square matrix is refused, by every method, before any value is
    // computed from it.
    let mut tall = DMatrix::<f64>::from_element(3, 2, 1.0);
    let not_square = Error::NotSquare { rows: 3, cols: 2 };
    assert_eq!(
        tall.matvec(&[1.0; 3], &mut [0.0; 3]).unwrap_err(),
        not_square
    );
    assert_eq!(
        top_eigenvalues(&mut tall, 1, LanczosOptions::default()).unwrap_err(),
        not_square
    );
    assert_eq!(hutchinson_trace(&mut tall, 3, 0).unwrap_err(), not_square);
    assert_eq!(
        power_iteration(&mut tall, &[], PowerOptions::default()).unwrap_err(),
        not_square
    );
    assert_eq!(
        spectral_density(&mut tall, SlqOptions::default()).unwrap_err(),
        not_square
    );

    // The Hessian operator too.
    let f = fixture();
    let mut op = f.net.hessian_operator(&Mse, &f.x, &f.targets);
    assert!(matches!(
        op.matvec(&[0.0; 3], &mut [0.0; P]),
        Err(Error::BufferLength {
            given: 3,
            required: P,
            ..
        })
    ));
    assert_eq!(op.products(), 0);
}

#[test]
fn deflation_vectors_tolerances_and_variances_are_checked() {
    let mut m =
        SMatrix::<f64, 3, 3>::from_diagonal(&constnet::nalgebra::Vector3::new(3.0, 2.0, 1.0));
    let options = PowerOptions::default();
    let short = vec![vec![1.0, 0.0]];
    assert!(matches!(
        power_iteration(&mut m, &short, options),
        Err(Error::BufferLength {
            given: 2,
            required: 3,
            ..
        })
    ));
    let long = vec![vec![2.0, 0.0, 0.0]];
    assert!(matches!(
        power_iteration(&mut m, &long, options),
        Err(Error::NotOrthonormal { first: 0, second: 0, product, .. }) if product == 4.0
    ));
    let skew = vec![vec![1.0, 0.0, 0.0], vec![0.6, 0.8, 0.0]];
    assert!(matches!(
        power_iteration(&mut m, &skew, options),
        Err(Error::NotOrthonormal {
            first: 0,
            second: 1,
            ..
        })
    ));
    // Orthonormal deflation finds the next eigenvalue.
    let found = vec![vec![1.0, 0.0, 0.0]];
    let next = power_iteration(&mut m, &found, options).unwrap();
    assert!((next.value - 2.0).abs() < 1e-7, "{next:?}");
    for tolerance in [f64::INFINITY, f64::NAN, 0.0, -1.0] {
        let bad = PowerOptions {
            tolerance,
            ..options
        };
        assert!(
            matches!(
                power_iteration(&mut m, &[], bad),
                Err(Error::InvalidHyperParameter {
                    name: "tolerance",
                    ..
                })
            ),
            "{tolerance}"
        );
    }
    let density = spectral_density(
        &mut m,
        SlqOptions {
            runs: 2,
            steps: 3,
            seed: 0,
        },
    )
    .unwrap();
    for variance in [0.0, -1e-3, f64::NAN, f64::INFINITY, 1e-320] {
        assert!(
            matches!(
                density.density(2.0, variance),
                Err(Error::InvalidHyperParameter {
                    name: "variance",
                    ..
                })
            ),
            "{variance}"
        );
        assert!(density.grid(10, variance, 0.1).is_err());
    }
    assert!(density.density(f64::NAN, 1e-2).is_err());
    assert!(density.grid(0, 1e-2, 0.1).is_err());
    assert!(density.grid(10, 1e-2, f64::INFINITY).is_err());
    assert!(density.grid(10, 1e-2, -1.0).is_err());
    // Asking for more points than memory holds is an error, not an abort.
    assert!(matches!(
        density.grid(usize::MAX, 1e-2, 0.1),
        Err(Error::TooLarge { .. })
    ));
    let broken = constnet::matrix_free::SpectralDensity {
        nodes: vec![1.0, f64::NAN],
        weights: vec![0.5, 0.5],
    };
    assert!(broken.density(1.0, 1e-2).is_err());
    let ragged = constnet::matrix_free::SpectralDensity {
        nodes: vec![1.0, 2.0],
        weights: vec![1.0],
    };
    assert!(ragged.moment(0).is_err());
}

#[test]
fn sizes_from_the_caller_never_panic_or_abort() {
    // Dimensions whose storage overflows usize or cannot be allocated.
    let mut huge = operator(usize::MAX / 4, |_: &[f64], _: &mut [f64]| {});
    assert!(matches!(
        hutchinson_trace(&mut huge, 1, 0),
        Err(Error::TooLarge { .. })
    ));
    assert!(matches!(
        top_eigenvalues(&mut huge, 1, LanczosOptions::default()),
        Err(Error::TooLarge { .. })
    ));
    assert!(matches!(
        spectral_density(&mut huge, SlqOptions::default()),
        Err(Error::TooLarge { .. })
    ));
    assert!(matches!(
        power_iteration(&mut huge, &[], PowerOptions::default()),
        Err(Error::TooLarge { .. })
    ));
    let mut m = SMatrix::<f64, 2, 2>::identity();
    let many = SlqOptions {
        runs: usize::MAX,
        steps: 2,
        seed: 0,
    };
    assert!(matches!(
        spectral_density(&mut m, many),
        Err(Error::TooLarge { .. })
    ));
    assert!(matches!(
        top_eigenpairs_power(&mut m, usize::MAX, PowerOptions::default()),
        Err(Error::InvalidHyperParameter { name: "k", .. })
    ));
    // Lanczos steps beyond the dimension are capped, not allocated.
    let run = Lanczos::run(&mut m, &[1.0, 1.0], usize::MAX).unwrap();
    assert_eq!(run.steps(), 1);
    assert!(matches!(
        Spectrum::<f64>::of_slice(&[], 1 << 32),
        Err(Error::TooLarge { .. })
    ));
    assert!(matches!(
        Spectrum::<f64>::of_slice(&[1.0; 3], 2),
        Err(Error::BufferLength {
            given: 3,
            required: 4,
            ..
        })
    ));
}
