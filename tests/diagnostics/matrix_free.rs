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
    pub struct Net {
        fc1: Dense<3, 6>,
        act: Tanh,
        out: Dense<6, 4>,
    }
}

pub(crate) const P: usize = Net::<f64>::PARAMS;

pub(crate) struct Fixture {
    pub(crate) net: Net<f64>,
    pub(crate) x: SMatrix<f64, 3, 10>,
    pub(crate) targets: [[f64; 4]; 10],
    pub(crate) spectrum: Spectrum<f64>,
    pub(crate) trace: f64,
}

pub(crate) fn fixture() -> Fixture {
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

pub(crate) fn close(a: f64, b: f64, tol: f64) -> bool {
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
