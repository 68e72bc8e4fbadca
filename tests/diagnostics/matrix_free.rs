//! Matrix-free methods against the full decomposition of a small network's
//! Hessian: Lanczos top-k and most negative eigenvalue, power iteration,
//! Hutchinson's trace (exact in one Rademacher sample for a diagonal
//! matrix), and stochastic Lanczos quadrature (its density integrates to 1
//! and its moments are the probes' quadratic forms, `tr(H^k) / P` exactly
//! for a diagonal matrix).

use constnet::matrix_free::{
    Lanczos, LanczosOptions, LinearOperator, PowerOptions, SlqOptions, hutchinson_trace, operator,
    power_iteration, smallest_eigenvalue, spectral_density, top_eigenpairs_power, top_eigenvalues,
};
use constnet::nalgebra::{DMatrix, SMatrix};
use constnet::prelude::*;

network! {
    /// 52 parameters; at random parameters its Hessian is indefinite.
    struct Net {
        fc1: Dense<3, 6>,
        act: Tanh,
        out: Dense<6, 4>,
    }
}

const P: usize = Net::<f64>::PARAMS;

struct Fixture {
    net: Net<f64>,
    x: SMatrix<f64, 3, 10>,
    targets: [[f64; 4]; 10],
    spectrum: Spectrum<f64>,
    trace: f64,
}

fn fixture() -> Fixture {
    let mut rng = Rng::seed_from(9);
    let net = Net::<f64>::seeded(9);
    let x = SMatrix::from_fn(|_, _| rng.uniform_in(-2.0, 2.0));
    let targets = core::array::from_fn(|_| core::array::from_fn(|_| rng.uniform_in(-3.0, 3.0)));
    let hessian = net.hessian(&Mse, &x, &targets).unwrap();
    let trace = hessian.matrix.trace();
    let spectrum = Spectrum::of(hessian.matrix).unwrap();
    assert_eq!(
        spectrum.curvature().kind,
        PointKind::Saddle,
        "an indefinite test matrix"
    );
    Fixture {
        net,
        x,
        targets,
        spectrum,
        trace,
    }
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

#[test]
fn lanczos_agrees_with_the_full_decomposition() {
    let f = fixture();
    let mut op = f.net.hessian_operator(&Mse, &f.x, &f.targets);
    let all = f.spectrum.eigenvalues();
    let full = LanczosOptions { steps: P, seed: 1 };
    let top = top_eigenvalues(&mut op, 3, full).unwrap();
    for (got, want) in top.iter().zip(all.iter().rev()) {
        assert!(
            close(*got, *want, 1e-10),
            "top: {top:?} vs {:?}",
            &all[P - 3..]
        );
    }
    let lowest = smallest_eigenvalue(&mut op, full).unwrap();
    assert!(close(lowest, all[0], 1e-10), "{lowest} vs {}", all[0]);
    assert!(lowest < 0.0, "the most negative curvature");

    // The extremes converge long before the dimension.
    let short = LanczosOptions { steps: 30, seed: 2 };
    let top_short = top_eigenvalues(&mut op, 1, short).unwrap()[0];
    assert!(
        close(top_short, all[P - 1], 1e-8),
        "{top_short} vs {}",
        all[P - 1]
    );

    // Full reorthogonalization keeps the basis orthonormal, and the Ritz
    // pairs are eigenpairs.
    let start: Vec<f64> = (0..P).map(|i| 1.0 + i as f64).collect();
    let run = Lanczos::run(&mut op, &start, 40).unwrap();
    let q: Vec<&[f64]> = run.basis().collect();
    for i in 0..q.len() {
        for j in 0..q.len() {
            let dot: f64 = q[i].iter().zip(q[j]).map(|(a, b)| a * b).sum();
            let want = if i == j { 1.0 } else { 0.0 };
            assert!((dot - want).abs() < 1e-12, "q{i} . q{j} = {dot}");
        }
    }
    let (values, vectors) = run.ritz_pairs().unwrap();
    let extreme = values.len() - 1;
    let mut product = vec![0.0; P];
    op.matvec(&vectors[extreme], &mut product).unwrap();
    let residual: f64 = product
        .iter()
        .zip(&vectors[extreme])
        .map(|(a, b)| (a - values[extreme] * b).powi(2))
        .sum::<f64>()
        .sqrt();
    assert!(residual < 1e-8, "Ritz residual {residual}");
    assert!(op.products() >= P);
}

#[test]
fn power_iteration_finds_the_largest_magnitudes() {
    let f = fixture();
    let mut op = f.net.hessian_operator(&Mse, &f.x, &f.targets);
    let mut by_magnitude = f.spectrum.eigenvalues().to_vec();
    by_magnitude.sort_by(|a, b| b.abs().total_cmp(&a.abs()));
    let options = PowerOptions {
        max_iterations: 20_000,
        tolerance: 1e-10,
        seed: 3,
    };
    let top = power_iteration(&mut op, &[], options).unwrap();
    assert!(top.converged, "{top:?}");
    assert!(
        close(top.value, by_magnitude[0], 1e-9),
        "{} vs {}",
        top.value,
        by_magnitude[0]
    );
    let pairs = top_eigenpairs_power(&mut op, 3, options).unwrap();
    for (pair, want) in pairs.iter().zip(&by_magnitude) {
        assert!(close(pair.value, *want, 1e-8), "{} vs {want}", pair.value);
    }
}

#[test]
fn hutchinson_is_exact_for_a_diagonal_matrix_and_unbiased() {
    let diagonal = [3.0, -1.5, 0.25, 7.0, -2.0];
    let mut op = operator(5, |v: &[f64], out: &mut [f64]| {
        for ((o, &x), &d) in out.iter_mut().zip(v).zip(&diagonal) {
            *o = d * x;
        }
    });
    for seed in 0..5 {
        let one = hutchinson_trace(&mut op, 1, seed).unwrap();
        assert_eq!(one.trace, diagonal.iter().sum::<f64>());
        assert_eq!(one.standard_error, None);
    }

    let f = fixture();
    let mut op = f.net.hessian_operator(&Mse, &f.x, &f.targets);
    let estimate = hutchinson_trace(&mut op, 2000, 4).unwrap();
    let error = estimate.standard_error.unwrap();
    assert!(
        (estimate.trace - f.trace).abs() < 4.0 * error,
        "{} vs {} (standard error {error})",
        estimate.trace,
        f.trace
    );
}

#[test]
fn slq_density_integrates_to_one_and_matches_the_moments() {
    // Diagonal: every probe's quadratic forms are exactly tr(D^k).
    let diagonal = [1.0, 2.0, 2.0, 5.0, -3.0, 0.5];
    let mut op = DMatrix::from_diagonal(&constnet::nalgebra::DVector::from_column_slice(&diagonal));
    let density = spectral_density(
        &mut op,
        SlqOptions {
            runs: 3,
            steps: 6,
            seed: 5,
        },
    )
    .unwrap();
    let n = diagonal.len() as f64;
    let trace: f64 = diagonal.iter().sum();
    let trace_squares: f64 = diagonal.iter().map(|d| d * d).sum();
    assert!((density.moment(0).unwrap() - 1.0).abs() < 1e-14);
    assert!((density.moment(1).unwrap() - trace / n).abs() < 1e-14);
    assert!((density.moment(2).unwrap() - trace_squares / n).abs() < 1e-13);

    let f = fixture();
    let mut op = f.net.hessian_operator(&Mse, &f.x, &f.targets);
    let options = SlqOptions {
        runs: 20,
        steps: 25,
        seed: 6,
    };
    let density = spectral_density(&mut op, options).unwrap();
    let weights: f64 = density.weights.iter().sum();
    assert!((weights - 1.0).abs() < 1e-13);
    let (low, high) = (f.spectrum.lambda_min(), f.spectrum.lambda_max());
    assert!(
        density
            .nodes
            .iter()
            .all(|&t| t >= low - 1e-9 && t <= high + 1e-9)
    );
    // The first moment is the Hutchinson estimate with the same probes.
    let same = hutchinson_trace(&mut op, options.runs, options.seed).unwrap();
    assert!(close(
        density.moment(1).unwrap(),
        same.trace / P as f64,
        1e-12
    ));
    assert!(
        (density.moment(1).unwrap() - f.trace / P as f64).abs()
            < 4.0 * same.standard_error.unwrap() / P as f64
    );
    // The broadened density integrates to 1 (trapezoid rule on its grid).
    let variance = 1e-3 * (high - low);
    let grid = density
        .grid(20_000, variance, 10.0 * variance.sqrt())
        .unwrap();
    let integral: f64 = grid
        .windows(2)
        .map(|w| 0.5 * (w[0].1 + w[1].1) * (w[1].0 - w[0].0))
        .sum();
    assert!((integral - 1.0).abs() < 1e-6, "integral {integral}");
}

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

#[test]
fn the_caller_storage_forms_match_the_heap_forms() {
    const STEPS: usize = 20;
    use constnet::matrix_free::{
        LanczosRun, PowerEstimate, hutchinson_trace_in, hutchinson_workspace_len,
        lanczos_storage_len, power_iteration_in, slq_storage_len, spectral_density_in,
        top_eigenpairs_power_in,
    };
    let f = fixture();
    let mut op = f.net.hessian_operator(&Mse, &f.x, &f.targets);
    // Hutchinson: the same estimate from a stack workspace.
    let mut workspace = [0.0; 2 * P];
    assert_eq!(hutchinson_workspace_len(P), Some(2 * P));
    let on_stack = hutchinson_trace_in(&mut op, 50, 3, &mut workspace).unwrap();
    assert_eq!(on_stack, hutchinson_trace(&mut op, 50, 3).unwrap());
    assert!(matches!(
        hutchinson_trace_in(&mut op, 50, 3, &mut workspace[..P]),
        Err(Error::BufferLength { given: P, required, .. }) if required == 2 * P
    ));
    // Lanczos: the same Ritz values, and the top ones agree with the full
    // decomposition.
    let mut storage = [0.0; STEPS * P + 2 * STEPS + P];
    assert_eq!(lanczos_storage_len(P, STEPS), Some(storage.len()));
    let options = LanczosOptions {
        steps: STEPS,
        seed: 4,
    };
    let run = LanczosRun::random_in(&mut op, options, &mut storage).unwrap();
    let (mut values, mut scratch) = ([0.0; STEPS], [0.0; STEPS]);
    run.ritz_values_into(&mut values, &mut scratch).unwrap();
    let heap = top_eigenvalues(&mut op, STEPS, options).unwrap();
    for (a, b) in values.iter().rev().zip(&heap) {
        assert_eq!(a, b);
    }
    let all = f.spectrum.eigenvalues();
    assert!(close(values[STEPS - 1], all[P - 1], 1e-8));
    assert!(LanczosRun::random_in(&mut op, options, &mut storage[..100]).is_err());
    // Power iteration with deflation: two pairs in caller buffers.
    let power = PowerOptions {
        max_iterations: 20_000,
        tolerance: 1e-10,
        seed: 3,
    };
    let mut vectors = [0.0; 2 * P];
    let blank = PowerEstimate {
        value: 0.0,
        residual: 0.0,
        iterations: 0,
        converged: false,
    };
    let mut estimates = [blank; 2];
    let mut work = [0.0; P];
    top_eigenpairs_power_in(&mut op, power, &mut vectors, &mut estimates, &mut work).unwrap();
    let heap = top_eigenpairs_power(&mut op, 2, power).unwrap();
    for (k, (estimate, pair)) in estimates.iter().zip(&heap).enumerate() {
        assert_eq!(estimate.value, pair.value);
        assert_eq!(&vectors[k * P..(k + 1) * P], &pair.vector[..]);
    }
    let mut vector = [0.0; P];
    let single = power_iteration_in(&mut op, &[], power, &mut vector, &mut work).unwrap();
    assert_eq!(single.value, estimates[0].value);
    // SLQ: the same nodes and weights.
    let slq = SlqOptions {
        runs: 3,
        steps: 10,
        seed: 8,
    };
    let (mut nodes, mut weights) = ([0.0; 30], [0.0; 30]);
    let mut storage = [0.0; 10 * P + 20 + P + 10 + P];
    assert_eq!(slq_storage_len(P, 10), Some(storage.len()));
    let count = spectral_density_in(&mut op, slq, &mut nodes, &mut weights, &mut storage).unwrap();
    let heap = spectral_density(&mut op, slq).unwrap();
    assert_eq!(&nodes[..count], &heap.nodes[..]);
    assert_eq!(&weights[..count], &heap.weights[..]);
    let moment = constnet::matrix_free::slq::moment(&nodes[..count], &weights[..count], 1).unwrap();
    assert_eq!(moment, heap.moment(1).unwrap());
}
