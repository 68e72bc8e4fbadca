//! The curvature analyses against independent computations: the GGN
//! against `J^T H_l J` with `J` from central differences of the outputs and
//! `H_l` in closed form; the Hessian's split into GGN and residual; the
//! per-sample gradients against one-sample batches; the empirical Fisher
//! against its definition; the noise-scale estimators against known
//! moments; the per-layer blocks against the dense Hessian; the sharpness
//! tracker against the dense Hessian's largest eigenvalue at every step it
//! measured.

use crate::common::models::{Sine, Xor};
use crate::common::{FD_STEP, assert_all_close, relative_error};
use constnet::diagnostics::gauss_newton::{
    empirical_fisher_matrix, empirical_fisher_vector_product, gauss_newton_split, ggn_matrix,
    ggn_vector_product,
};
use constnet::diagnostics::layer_blocks::{LayerBlock, layer_blocks};
use constnet::diagnostics::per_sample::{NoiseScale, per_sample_gradients};
use constnet::diagnostics::sharpness::{SharpnessConfig, SharpnessTracker};
use constnet::hessian::HvpOperator;
use constnet::matrix_free::LinearOperator;
use constnet::nalgebra::DMatrix;
use constnet::prelude::*;
use constnet::train::{Control, Observer, StepView};

network! {
    /// A small classifier: 3 -> 5 -> tanh -> 4 logits, P = 44.
    pub struct Small {
        fc1: Dense<3, 5>,
        act: Tanh,
        fc2: Dense<5, 4>,
    }
}

const B: usize = 6;

fn small_batch() -> (Small<f64>, SMatrix<f64, 3, B>, [usize; B]) {
    let mut rng = Rng::seed_from(11);
    let x = SMatrix::from_fn(|_, _| rng.uniform_in(-1.5, 1.5));
    let labels = core::array::from_fn(|_| rng.below(4));
    (Small::seeded(5), x, labels)
}

/// `dy/dtheta` by central differences: `(O B) x P`, outputs column-major.
fn output_jacobian<
    N: Network<f64, I, O, P>,
    const I: usize,
    const O: usize,
    const P: usize,
    const BB: usize,
>(
    net: &N,
    x: &SMatrix<f64, I, BB>,
) -> DMatrix<f64> {
    let mut jacobian = DMatrix::zeros(O * BB, P);
    for p in 0..P {
        let at = |t: f64| {
            let mut moved = net.clone();
            moved.parameters_mut()[p] += t;
            let mut cache = N::Cache::<BB>::zeroed();
            moved.forward_train(x, &mut cache)
        };
        let diff = (at(FD_STEP) - at(-FD_STEP)) / (2.0 * FD_STEP);
        jacobian.column_mut(p).copy_from_slice(diff.as_slice());
    }
    jacobian
}

fn softmax(z: &[f64]) -> Vec<f64> {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|v| (v - max).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.iter().map(|v| v / sum).collect()
}

#[test]
fn ggn_is_jacobian_transpose_loss_hessian_jacobian() {
    let (net, x, labels) = small_batch();
    let mut cache = SmallCache::<f64, B>::zeroed();
    let y = net.forward_train(&x, &mut cache);
    // Softmax cross-entropy's Hessian in the logits: (diag p - p p^T) / B per sample.
    let mut loss_hessian = DMatrix::zeros(4 * B, 4 * B);
    for b in 0..B {
        let p = softmax(y.column(b).as_slice());
        for i in 0..4 {
            for j in 0..4 {
                let delta = if i == j { p[i] } else { 0.0 };
                loss_hessian[(4 * b + i, 4 * b + j)] = (delta - p[i] * p[j]) / B as f64;
            }
        }
    }
    let j = output_jacobian(&net, &x);
    let dense = j.transpose() * loss_hessian * &j;
    let ggn = ggn_matrix(&net, &CrossEntropy, &x, &labels).unwrap();
    assert_all_close(ggn.as_slice(), dense.as_slice(), 1e-7, "GGN");
    // The product agrees with the matrix column by column, and the GGN is
    // positive semi-definite (the loss is convex in the logits).
    let mut rng = Rng::seed_from(3);
    let v: [f64; 44] = core::array::from_fn(|_| rng.uniform_in(-1.0, 1.0));
    let mut gv = [0.0; 44];
    ggn_vector_product(&net, &CrossEntropy, &x, &labels, &v, &mut gv).unwrap();
    let expected = &ggn * DMatrix::from_column_slice(44, 1, &v);
    assert_all_close(&gv, expected.as_slice(), 1e-12, "GGN product");
    let lowest = ggn.symmetric_eigen().eigenvalues.min();
    assert!(lowest > -1e-12, "GGN eigenvalue {lowest} < 0");
}

#[test]
fn hessian_is_ggn_plus_residual_and_the_residual_vanishes_at_a_perfect_fit() {
    let (x, t) = sine_data();
    let net = Sine::<f64>::seeded(2);
    let split = gauss_newton_split(&net, &Mse, &x, &t).expect("a finite Hessian");
    let sum = &split.ggn + &split.residual;
    assert_all_close(sum.as_slice(), split.hessian.as_slice(), 1e-14, "G + R = H");
    assert!(
        split.residual_share() > 1e-3,
        "a misfit network has a residual term"
    );
    // Targets equal to the outputs: dl/dy = 0, so R = 0 and H = G.
    let fitted: [[f64; 1]; 16] = core::array::from_fn(|b| [net.forward(&x)[b]]);
    let split = gauss_newton_split(&net, &Mse, &x, &fitted).expect("a finite Hessian");
    assert!(
        split.residual.norm() <= 1e-12 * split.hessian.norm(),
        "residual {:e} at a perfect fit",
        split.residual.norm()
    );
}

fn sine_data() -> (SMatrix<f64, 1, 16>, [[f64; 1]; 16]) {
    let x = SMatrix::from_fn(|_, b| -3.0 + 0.4 * b as f64);
    (x, core::array::from_fn(|b| [x[b].sin()]))
}

#[test]
fn per_sample_gradients_are_one_sample_batch_gradients() {
    let (net, x, labels) = small_batch();
    let (loss, grads) = per_sample_gradients(&net, &CrossEntropy, &x, &labels).unwrap();
    let mut batch_grad = [0.0; 44];
    let batch_loss = net
        .loss_and_gradient(&CrossEntropy, &x, &labels, &mut batch_grad)
        .unwrap();
    assert_eq!(loss, batch_loss);
    let mut mean = [0.0; 44];
    for b in 0..B {
        let single = x.fixed_columns::<1>(b).into_owned();
        let mut g = [0.0; 44];
        net.loss_and_gradient(&CrossEntropy, &single, &[labels[b]], &mut g)
            .unwrap();
        assert_all_close(
            &grads[b * 44..(b + 1) * 44],
            &g,
            1e-13,
            "per-sample gradient",
        );
        for (m, v) in mean.iter_mut().zip(&g) {
            *m += v / B as f64;
        }
    }
    assert_all_close(
        &mean,
        &batch_grad,
        1e-13,
        "mean of the per-sample gradients",
    );
}

#[test]
fn empirical_fisher_is_the_mean_outer_product() {
    let (net, x, labels) = small_batch();
    let mut expected = DMatrix::<f64>::zeros(44, 44);
    for (b, &label) in labels.iter().enumerate() {
        let single = x.fixed_columns::<1>(b).into_owned();
        let mut g = [0.0; 44];
        net.loss_and_gradient(&CrossEntropy, &single, &[label], &mut g)
            .unwrap();
        let g = DMatrix::from_column_slice(44, 1, &g);
        expected += &g * g.transpose() / B as f64;
    }
    let fisher = empirical_fisher_matrix(&net, &CrossEntropy, &x, &labels).unwrap();
    assert_all_close(
        fisher.as_slice(),
        expected.as_slice(),
        1e-13,
        "empirical Fisher",
    );
    let v: [f64; 44] = core::array::from_fn(|i| (i as f64 * 0.37).sin());
    let mut fv = [0.0; 44];
    empirical_fisher_vector_product(&net, &CrossEntropy, &x, &labels, &v, &mut fv).unwrap();
    let product = &expected * DMatrix::from_column_slice(44, 1, &v);
    assert_all_close(&fv, product.as_slice(), 1e-13, "empirical Fisher product");
    // It is not the GGN (the Fisher of the model's own distribution).
    let ggn = ggn_matrix(&net, &CrossEntropy, &x, &labels).unwrap();
    assert!((&ggn - &fisher).norm() > 1e-3 * ggn.norm());
}

#[test]
fn noise_scale_estimates_are_unbiased_on_known_moments() {
    // g_b = G + noise, noise uniform in [-a, a] per coordinate: tr(Sigma) = p a^2 / 3.
    let (p, batch, a) = (8, 16, 0.9);
    let true_gradient: Vec<f64> = (0..p).map(|i| 0.1 * (i as f64 - 3.0)).collect();
    let g2: f64 = true_gradient.iter().map(|v| v * v).sum();
    let trace = p as f64 * a * a / 3.0;
    let mut rng = Rng::seed_from(9);
    let batches: Vec<Vec<f64>> = (0..4000)
        .map(|_| {
            (0..batch * p)
                .map(|k| true_gradient[k % p] + rng.uniform_in(-a, a))
                .collect()
        })
        .collect();
    let views: Vec<&[f64]> = batches.iter().map(Vec::as_slice).collect();
    let estimate = NoiseScale::from_batches(&views, batch, p).expect("valid batches");
    assert!(
        relative_error(estimate.trace_covariance, trace) < 0.01,
        "{estimate:?} vs trace {trace}"
    );
    assert!(
        (estimate.gradient_sq - g2).abs() < 0.02 * g2,
        "{estimate:?} vs |G|^2 {g2}"
    );
    let noise = estimate.simple().expect("positive |G|^2");
    assert!(relative_error(noise, trace / g2) < 0.03);
    assert!((estimate.step_efficiency(batch) - 1.0 / (1.0 + noise / batch as f64)).abs() < 1e-15);
    // One batch of one sample cannot estimate a variance.
    assert!(NoiseScale::from_batches(&[&batches[0][..p]], 1, p).is_err());
    assert!(NoiseScale::from_batches(&[&batches[0][..=p]], 2, p).is_err());
    // B * p overflowing usize is refused, not wrapped (an empty slice would
    // match a wrapped product of 0).
    assert!(matches!(
        NoiseScale::from_batches::<f64>(&[&[]], 2, usize::MAX / 2 + 1),
        Err(Error::TooLarge { .. })
    ));
}

#[test]
fn layer_blocks_are_the_diagonal_blocks_of_the_hessian() {
    let (x, t) = sine_data();
    let net = Sine::<f64>::seeded(4);
    let full = net.hessian(&Mse, &x, &t).expect("a finite Hessian").matrix;
    // A ReLU network's blocks are singular: the condition number is over
    // the nonzero eigenvalues; a full-rank matrix gives the usual one.
    let full_rank = LayerBlock {
        layer: "test",
        range: 0..2,
        block: DMatrix::from_row_slice(2, 2, &[4.0, 1.0, 1.0, -2.0]),
    };
    let s = full_rank.spectrum();
    // Eigenvalues 1 +- sqrt(10).
    let (a, b) = (1.0 + 10.0_f64.sqrt(), 1.0 - 10.0_f64.sqrt());
    assert!(relative_error(s.condition_number(), a.abs() / b.abs()) < 1e-14);
    assert_eq!(s.rank(), 2);
    let blocks = layer_blocks(&net, &Mse, &x, &t).expect("finite products");
    let names: Vec<&str> = blocks.iter().map(|b| b.layer).collect();
    assert_eq!(names, ["fc1", "fc2", "out"]);
    let mut trace = 0.0;
    for block in &blocks {
        let r = block.range.clone();
        let expected = full
            .view((r.start, r.start), (r.len(), r.len()))
            .into_owned();
        assert_all_close(
            block.block.as_slice(),
            expected.as_slice(),
            1e-12,
            block.layer,
        );
        let mut eigenvalues: Vec<f64> = expected
            .symmetric_eigen()
            .eigenvalues
            .iter()
            .copied()
            .collect();
        eigenvalues.sort_by(|a, b| b.total_cmp(a));
        let spectrum = block.spectrum();
        assert_all_close(
            &spectrum.eigenvalues,
            &eigenvalues,
            1e-10,
            "block eigenvalues",
        );
        assert_eq!(spectrum.top(2), &spectrum.eigenvalues[..2]);
        assert!(relative_error(spectrum.lambda_max(), eigenvalues[0]) < 1e-10);
        // Condition number over the nonzero eigenvalues, rank by LAPACK's tolerance.
        let tolerance =
            r.len() as f64 * f64::EPSILON * eigenvalues.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        let nonzero: Vec<f64> = eigenvalues
            .iter()
            .map(|v| v.abs())
            .filter(|v| *v > tolerance)
            .collect();
        assert_eq!(spectrum.rank(), nonzero.len());
        let ratio = nonzero.iter().fold(0.0_f64, |m, v| m.max(*v))
            / nonzero.iter().fold(f64::INFINITY, |m, v| m.min(*v));
        assert!(relative_error(spectrum.condition_number(), ratio) < 1e-9);
        trace += block.trace();
    }
    assert!(relative_error(trace, full.trace()) < 1e-12);
}

/// Records the dense Hessian's largest eigenvalue at every step the
/// tracker measures.
struct DenseSharpness {
    every: usize,
    values: Vec<f64>,
}

impl Observer<f64> for DenseSharpness {
    fn before_step<N, L, const I: usize, const O: usize, const P: usize, const BB: usize>(
        &mut self,
        step: &StepView<'_, f64, N, L, I, O, P, BB>,
    ) -> Control
    where
        N: Network<f64, I, O, P>,
        L: Loss<f64, O>,
    {
        if step.step.is_multiple_of(self.every) {
            let mut op = HvpOperator::new(step.network, step.loss_fn, step.inputs, step.targets);
            let mut dense = DMatrix::zeros(P, P);
            let (mut e, mut column) = (vec![0.0; P], vec![0.0; P]);
            for j in 0..P {
                e[j] = 1.0;
                op.matvec(&e, &mut column).expect("a finite product");
                e[j] = 0.0;
                dense.column_mut(j).copy_from_slice(&column);
            }
            self.values.push(dense.symmetric_eigen().eigenvalues.max());
        }
        Control::Continue
    }
}

#[test]
fn sharpness_tracker_matches_the_dense_largest_eigenvalue() {
    let inputs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    let targets = [[0.0], [1.0], [1.0], [0.0]];
    let data = Dataset::new(&inputs, &targets).expect("valid data");
    let mut net = Xor::<f64>::seeded(3);
    let mut sgd = Sgd::with_lr(0.5).expect("valid lr");
    let config = SharpnessConfig {
        every: 7,
        steps: 12,
        first_steps: 33,
        seed: 1,
    };
    let mut tracker = SharpnessTracker::<f64>::new(config).expect("valid config");
    let mut dense = DenseSharpness {
        every: 7,
        values: Vec::new(),
    };
    let train = TrainConfig {
        max_epochs: 60,
        ..TrainConfig::default()
    };
    Trainer::<4>::new(train)
        .expect("valid config")
        .observer((&mut tracker, &mut dense))
        .fit(&mut net, &BceWithLogits, &mut sgd, &data, None)
        .expect("training runs");
    assert!(tracker.error().is_none());
    let records = tracker.records();
    assert_eq!(records.len(), dense.values.len());
    assert_eq!(records.len(), 60usize.div_ceil(7));
    for (record, &exact) in records.iter().zip(&dense.values) {
        assert!(
            relative_error(record.sharpness, exact) < 1e-6,
            "step {}: tracked {} vs dense {exact} (residual {:e})",
            record.step,
            record.sharpness,
            record.residual
        );
        assert!(record.residual < 1e-3);
        assert_eq!(record.stability_threshold(), 2.0 / 0.5);
        assert!((record.edge_ratio() - 0.25 * record.sharpness).abs() < 1e-15);
    }
    // The first run starts cold (up to 33 Lanczos steps and the residual's
    // product); later ones warm, with at most 12 steps.
    assert!(records[0].products <= 34 && records[0].products > 13);
    assert!(records[1..].iter().all(|r| r.products <= 13));
    let (products, seconds) = tracker.cost();
    assert_eq!(products, records.iter().map(|r| r.products).sum::<usize>());
    assert!(seconds >= 0.0);
    assert!(SharpnessTracker::<f64>::new(SharpnessConfig { every: 0, ..config }).is_err());
}
