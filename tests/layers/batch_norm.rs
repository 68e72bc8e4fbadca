//! Batch normalization against independent derivations: central differences
//! through the batch statistics (layer backward and R-operator, whole
//! networks' gradients and Hessian-vector products), the hand-computed
//! one-channel case of PyTorch's `BatchNorm1d`, and inference with the
//! running statistics (their updates are in `batch_norm_running.rs`).

use crate::common::{assert_all_close, check_layer, check_network, random_matrix, random_vec};
use constnet::layer::{BatchNorm, Layer, TrainContext, Zeroed};
use constnet::prelude::*;

/// Tolerance of values computed in a few f64 operations.
pub(super) const EXACT: f64 = 1e-12;

/// A batch-norm layer with random gamma (away from 0) and beta.
fn random_parameters<const N: usize>(rng: &mut Rng) -> Vec<f64> {
    let mut params: Vec<f64> = (0..N)
        .map(|_| rng.uniform_in(0.5, 2.0) * rng.sign())
        .collect();
    params.extend((0..N).map(|_| rng.uniform_in(-1.0, 1.0)));
    params
}

fn layer_case<const N: usize, const B: usize>(layer: &BatchNorm<N>, seed: u64) {
    let mut rng = Rng::seed_from(seed);
    let params = random_parameters::<N>(&mut rng);
    // Features with different offsets and scales, as a dense layer produces.
    let x: SMatrix<f64, N, B> = SMatrix::from_fn(|n, _| {
        n as f64 * 0.7 - 1.0 + (1.0 + n as f64) * rng.uniform_in(-1.0, 1.0)
    });
    // Buffers far from the batch statistics: training mode must not read them.
    let buffers: Vec<f64> = (0..2 * N).map(|k| 5.0 + k as f64).collect();
    check_layer::<_, N, N, B>(layer, &params, &buffers, &x, seed + 1000);
}

#[test]
fn layer_derivatives_through_the_batch_statistics() {
    for seed in 0..3 {
        layer_case::<1, 2>(&BatchNorm::new(), seed);
        layer_case::<1, 3>(&BatchNorm::new(), seed);
        layer_case::<3, 4>(&BatchNorm::new(), seed);
        layer_case::<5, 2>(&BatchNorm::new().eps(1e-3), seed);
        layer_case::<4, 7>(&BatchNorm::new().eps(0.5), seed);
        layer_case::<16, 16>(&BatchNorm::new(), seed);
    }
}

network! {
    /// Batch norm after a dense layer, then a smooth activation.
    pub(super) struct DenseBnTanh {
        fc1: Dense<3, 5>,
        bn: BatchNorm<5>,
        act: Tanh,
        out: Dense<5, 2>,
    }

    /// The Iris shape: dense, batch norm, ReLU, dense logits.
    pub(super) struct DenseBnRelu {
        fc1: Dense<4, 6>,
        bn: BatchNorm<6>(eps = 1e-3, momentum = 0.05),
        act: ReLU,
        out: Dense<6, 3>,
    }

    /// Batch norm on the raw input and on a hidden layer, cumulative average.
    pub(super) struct TwoNorms {
        bn0: BatchNorm<2>(momentum = None),
        fc1: Dense<2, 4>,
        act: Sigmoid,
        bn1: BatchNorm<4>,
        out: Dense<4, 1>,
    }

    /// One channel alone, for the hand-computed case.
    pub(super) struct OneChannel {
        bn: BatchNorm<1>,
    }

    /// Three channels with the cumulative average.
    pub(super) struct Cumulative {
        bn: BatchNorm<3>(momentum = None),
    }
}

/// Moves every parameter randomly so gamma and beta are not at 1 and 0.
pub(super) fn perturbed<
    N: Network<f64, I, O, P>,
    const I: usize,
    const O: usize,
    const P: usize,
>(
    mut net: N,
    rng: &mut Rng,
) -> N {
    for p in net.parameters_mut() {
        *p += rng.uniform_in(-0.3, 0.3);
    }
    net
}

#[test]
fn network_gradients_and_hessian_vector_products_through_batch_norm() {
    for seed in 0..3 {
        let mut rng = Rng::seed_from(seed + 300);
        let net = perturbed(DenseBnTanh::<f64>::seeded(seed), &mut rng);
        let x: SMatrix<f64, 3, 6> = random_matrix(&mut rng, 2.0);
        let targets: [[f64; 2]; 6] = core::array::from_fn(|_| random_vec(&mut rng, 1.0));
        check_network(&net, &Mse, &x, &targets, &mut rng);

        let net = perturbed(DenseBnRelu::<f64>::seeded(seed), &mut rng);
        let x: SMatrix<f64, 4, 8> = random_matrix(&mut rng, 2.0);
        let classes: [usize; 8] = core::array::from_fn(|_| rng.below(3));
        check_network(&net, &CrossEntropy, &x, &classes, &mut rng);

        let net = perturbed(TwoNorms::<f64>::seeded(seed), &mut rng);
        let x: SMatrix<f64, 2, 3> = random_matrix(&mut rng, 2.0);
        let targets = [[0.0], [1.0], [1.0]];
        check_network(&net, &BceWithLogits, &x, &targets, &mut rng);
    }
}

#[test]
fn one_channel_matches_the_hand_computed_case() {
    // x = (1, 2, 4): mean 7/3, biased variance 14/9, unbiased variance 7/3.
    let mut net = OneChannel::<f64>::seeded(0);
    let x = SMatrix::<f64, 1, 3>::new(1.0, 2.0, 4.0);
    let mut cache = Zeroed::zeroed();
    let y = net.forward_train(&x, &mut cache);
    let inv_std = 1.0 / (14.0_f64 / 9.0 + 1e-5).sqrt();
    let expected = [
        -4.0 / 3.0 * inv_std,
        -1.0 / 3.0 * inv_std,
        5.0 / 3.0 * inv_std,
    ];
    assert_all_close(y.as_slice(), &expected, EXACT, "y");
    assert_all_close(
        y.as_slice(),
        &[-1.069_041_5, -0.267_260_4, 1.336_301_9],
        1e-7,
        "y (rounded)",
    );
    assert_eq!(
        net.buffers(),
        &[0.0, 1.0],
        "forward_train leaves the buffers alone"
    );

    net.update_buffers(&cache);
    // running_mean = 0.9 * 0 + 0.1 * 7/3, running_var = 0.9 * 1 + 0.1 * 7/3.
    assert_all_close(
        net.buffers(),
        &[0.7 / 3.0, 0.9 + 0.7 / 3.0],
        EXACT,
        "buffers",
    );
    // PyTorch prints them to 7 significant digits: half a unit in the 7th
    // digit of 0.2333333 is 2.2e-7 of it.
    assert_all_close(
        net.buffers(),
        &[0.233_333_3, 1.133_333_3],
        2.2e-7,
        "buffers (rounded)",
    );
    assert_eq!(net.batches_tracked(), [1]);

    // The same in f32.
    let mut net = OneChannel::<f32>::seeded(0);
    let x = SMatrix::<f32, 1, 3>::new(1.0, 2.0, 4.0);
    let mut cache = Zeroed::zeroed();
    let y = net.forward_train(&x, &mut cache);
    net.update_buffers(&cache);
    for (got, want) in y.iter().zip([-1.069_041_5_f32, -0.267_260_4, 1.336_301_9]) {
        assert!((got - want).abs() < 1e-6, "f32 y: {got} vs {want}");
    }
    assert!((net.buffers()[0] - 0.233_333_3).abs() < 1e-6);
    assert!((net.buffers()[1] - 1.133_333_3).abs() < 1e-6);
}

#[test]
fn input_gradient_sums_to_zero_over_the_batch() {
    let layer = BatchNorm::<4>::new();
    for seed in 0..5 {
        let mut rng = Rng::seed_from(seed + 400);
        let params = random_parameters::<4>(&mut rng);
        let x: SMatrix<f64, 4, 6> = random_matrix(&mut rng, 3.0);
        let dy: SMatrix<f64, 4, 6> = random_matrix(&mut rng, 1.0);
        let (mut y, mut cache) = (SMatrix::zeros(), Zeroed::zeroed());
        layer.forward_train(
            &params,
            &[],
            &x,
            &mut y,
            &mut cache,
            &TrainContext::default(),
        );
        let (mut dx, mut grad) = (SMatrix::<f64, 4, 6>::zeros(), [0.0; 8]);
        layer.backward(&params, &x, &y, &mut cache, &dy, Some(&mut dx), &mut grad);
        for n in 0..4 {
            let sum: f64 = dx.row(n).sum();
            let scale: f64 = dx.row(n).abs().sum();
            assert!(
                sum.abs() <= 1e-14 * scale.max(1.0),
                "feature {n}: sum dx = {sum}"
            );
            // Along xhat only eps survives: sum xhat^2 = B var / (var + eps),
            // so dx . xhat = gamma s (sum dy xhat) eps / (var + eps).
            let along_xhat = dx.row(n).dot(&cache.normalized.row(n));
            let var = cache.variance[n];
            let expected = params[n] / (var + 1e-5).sqrt() * grad[n] * 1e-5 / (var + 1e-5);
            assert!(
                (along_xhat - expected).abs() <= 1e-13 * scale.max(1.0),
                "feature {n}: dx . xhat = {along_xhat}, expected {expected}"
            );
        }
        // dgamma = sum dy xhat, dbeta = sum dy.
        for n in 0..4 {
            let dgamma: f64 = dy.row(n).component_mul(&cache.normalized.row(n)).sum();
            assert!((grad[n] - dgamma).abs() < EXACT);
            assert!((grad[4 + n] - dy.row(n).sum()).abs() < EXACT);
        }
    }
}

#[test]
fn training_output_is_normalized_per_feature() {
    let mut rng = Rng::seed_from(500);
    let layer = BatchNorm::<3>::new();
    let params = [1.0, 1.0, 1.0, 0.0, 0.0, 0.0];
    let x: SMatrix<f64, 3, 10> = SMatrix::from_fn(|n, _| 10.0 * n as f64 + rng.normal(0.0, 3.0));
    let (mut y, mut cache) = (SMatrix::zeros(), Zeroed::zeroed());
    layer.forward_train(
        &params,
        &[],
        &x,
        &mut y,
        &mut cache,
        &TrainContext::default(),
    );
    for n in 0..3 {
        let row = y.row(n);
        let mean = row.sum() / 10.0;
        let var = row.map(|v| (v - mean) * (v - mean)).sum() / 10.0;
        let biased: f64 = x.row(n).map(|v| (v - cache.mean[n]).powi(2)).sum() / 10.0;
        assert!(mean.abs() < 1e-14, "feature {n}: mean {mean}");
        // var(y) = var / (var + eps).
        assert!(
            (var - biased / (biased + 1e-5)).abs() < 1e-12,
            "feature {n}: var {var}"
        );
        assert!((cache.variance[n] - biased).abs() < 1e-12);
    }
}

#[test]
fn inference_uses_the_running_statistics() {
    let mut net = DenseBnTanh::<f64>::seeded(4);
    // Flat layout: fc1 weight 0..15, bias 15..20; bn gamma 20..25, beta
    // 25..30; out weight 30..40, bias 40..42.
    let mut rng = Rng::seed_from(600);
    for p in &mut net.parameters_mut()[20..30] {
        *p = rng.uniform_in(-2.0, 2.0);
    }
    let running_mean: [f64; 5] = random_vec(&mut rng, 1.0);
    let running_var: [f64; 5] = core::array::from_fn(|_| rng.uniform_in(0.5, 3.0));
    net.buffers_mut()[..5].copy_from_slice(&running_mean);
    net.buffers_mut()[5..].copy_from_slice(&running_var);
    let x: SMatrix<f64, 3, 1> = random_matrix(&mut rng, 1.0);

    // By hand: h = W1 x + b1, z = gamma (h - rm) / sqrt(rv + eps) + beta, then tanh and fc2.
    let p = *net.parameters();
    let z: Vec<f64> = (0..5)
        .map(|o| {
            let h = p[15 + o] + (0..3).map(|i| p[3 * o + i] * x[i]).sum::<f64>();
            p[20 + o] * (h - running_mean[o]) / (running_var[o] + 1e-5).sqrt() + p[25 + o]
        })
        .collect();
    let expected: Vec<f64> = (0..2)
        .map(|k| p[40 + k] + (0..5).map(|o| p[30 + 5 * k + o] * z[o].tanh()).sum::<f64>())
        .collect();
    let y = net.forward(&x);
    assert_all_close(y.as_slice(), &expected, EXACT, "inference output");

    // A sample's inference output does not depend on the rest of its batch.
    let mut batch: SMatrix<f64, 3, 4> = random_matrix(&mut rng, 5.0);
    batch.set_column(2, &x);
    assert_all_close(
        net.forward(&batch).column(2).as_slice(),
        &expected,
        EXACT,
        "in a batch",
    );
}
