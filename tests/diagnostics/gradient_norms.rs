//! Gradient norms of declared networks: `||dL/dh_t||` of a recurrent
//! layer decaying and growing like `rho^t`, the recurrent matrix read by
//! name, and per-layer gradient norms of a deep sigmoid network against
//! their definition and the backpropagation bound.

use super::gradient_flow::{close, random_orthogonal};
use crate::common::random_matrix;
use constnet::diagnostics::gradient_flow::{
    DEFAULT_BAND, HiddenGradientProfile, layer_gradient_norms, record_gradients, spectral_norm,
    square_weight, weight_spectrum,
};
use constnet::error::LayerProblem;
use constnet::nalgebra::Matrix4;
use constnet::prelude::*;

network! {
    /// A recurrent regressor over 12 steps of 4 features.
    struct Recurrent {
        rnn: Rnn<4, 4, 12>,
        out: Dense<4, 1>,
    }

    /// A deep sigmoid network, where gradients vanish toward the input.
    struct DeepSigmoid {
        fc1: Dense<8, 8>,
        a1: Sigmoid,
        fc2: Dense<8, 8>,
        a2: Sigmoid,
        fc3: Dense<8, 8>,
        a3: Sigmoid,
        fc4: Dense<8, 8>,
        a4: Sigmoid,
        fc5: Dense<8, 8>,
        a5: Sigmoid,
        out: Dense<8, 1>,
    }
}

#[test]
fn recurrent_gradient_norms_follow_rho_to_the_t() {
    for rho in [0.5, 0.9, 1.0, 1.1, 1.5] {
        let mut net = Recurrent::<f64>::seeded(4);
        // W_hh = rho Q with Q orthogonal (so ||W_hh^T g|| = rho ||g||) and
        // zero bias; tiny inputs keep tanh linear to about 1e-10.
        let w_hh = random_orthogonal(11) * rho;
        let params = net.parameters_mut();
        for (k, value) in params[16..32].iter_mut().enumerate() {
            *value = w_hh[(k / 4, k % 4)];
        }
        params[32..36].fill(0.0);
        let read: Matrix4<f64> = square_weight(&net, "rnn").expect("rnn has W_hh");
        assert_eq!(read, w_hh);
        let spec = weight_spectrum(&read).expect("finite matrix");
        assert!(close(spec.spectral_radius(), rho, 1e-13));

        let mut rng = Rng::seed_from(12);
        let x: SMatrix<f64, 48, 2> = random_matrix(&mut rng, 1e-7);
        let targets = [[1.0], [-1.0]];
        let mut cache = RecurrentCache::<f64, 2>::zeroed();
        let mut grad = [0.0; Recurrent::<f64>::PARAMS];
        let value = record_gradients(&net, &Mse, &x, &targets, &mut cache, &mut grad).unwrap();
        let mut plain = [0.0; Recurrent::<f64>::PARAMS];
        assert_eq!(
            value,
            net.loss_and_gradient(&Mse, &x, &targets, &mut plain)
                .unwrap()
        );
        assert_eq!(grad, plain);

        let profile = HiddenGradientProfile::of(&cache.rnn_cache);
        let relative = profile.relative_to_last().expect("nonzero gradient");
        for (t, r) in relative.iter().enumerate() {
            let predicted = f64::powi(rho, (11 - t) as i32);
            assert!(
                close(*r, predicted, 1e-8),
                "rho {rho}, t {}: {r} vs {predicted}",
                t + 1
            );
        }
        let rate = profile.rate_per_step().expect("twelve steps");
        assert!(close(rate, rho, 1e-9));
        let expected = spec.growth(11, DEFAULT_BAND).expect("valid band").verdict;
        assert_eq!(profile.verdict(DEFAULT_BAND), Ok(Some(expected)));
    }
}

#[test]
fn square_weight_reads_the_named_layer_or_refuses() {
    let net = DeepSigmoid::<f64>::seeded(1);
    let w: SMatrix<f64, 8, 8> = square_weight(&net, "fc2").expect("Dense<8, 8>");
    assert_eq!(
        w,
        SMatrix::<f64, 8, 8>::from_row_slice(&net.parameters()[72..136])
    );
    let missing: Result<SMatrix<f64, 8, 8>> = square_weight(&net, "fc9");
    assert_eq!(
        missing,
        Err(Error::UnsuitableLayer(LayerProblem::NoSuchName))
    );
    let wrong_size: Result<SMatrix<f64, 4, 4>> = square_weight(&net, "fc2");
    assert_eq!(
        wrong_size,
        Err(Error::UnsuitableLayer(LayerProblem::NoSquareWeight))
    );
    let not_square: Result<SMatrix<f64, 8, 8>> = square_weight(&net, "out");
    assert_eq!(
        not_square,
        Err(Error::UnsuitableLayer(LayerProblem::NoSquareWeight))
    );
}

#[test]
fn layer_gradient_norms_vanish_within_the_backpropagation_bound() {
    for seed in 0..3 {
        let net = DeepSigmoid::<f64>::seeded(seed);
        let mut rng = Rng::seed_from(seed + 30);
        let x: SMatrix<f64, 8, 1> = random_matrix(&mut rng, 1.0);
        let mut grad = [0.0; DeepSigmoid::<f64>::PARAMS];
        net.loss_and_gradient(&Mse, &x, &[[1.0]], &mut grad)
            .unwrap();
        let norms: Vec<_> = layer_gradient_norms(&net, &grad).collect();
        let names: Vec<&str> = norms.iter().map(|n| n.layer).collect();
        assert_eq!(names, ["fc1", "fc2", "fc3", "fc4", "fc5", "out"]);
        // Against the definition, through the named tensors.
        for n in &norms {
            let squares: f64 = DeepSigmoid::<f64>::parameter_tensors()
                .filter(|t| t.layer == n.layer)
                .flat_map(|t| grad[t.range()].iter().map(|g| g * g))
                .sum();
            assert!(close(n.norm, squares.sqrt(), 1e-15));
            assert!(close(n.rms, n.norm / (n.params as f64).sqrt(), 1e-15));
        }
        // With one sample a bias gradient is dL/da of its layer, and
        // dL/da_k = sigmoid'(a_k) W_{k+1}^T dL/da_{k+1} with sigmoid' <= 1/4:
        // ||db_k|| <= ||W_{k+1}||_2 ||db_{k+1}|| / 4.
        let tensors: Vec<_> = DeepSigmoid::<f64>::parameter_tensors().collect();
        for k in 0..5 {
            let bias = |layer: usize| &grad[tensors[2 * layer + 1].range()];
            let weight = &net.parameters()[tensors[2 * (k + 1)].range()];
            let rows = tensors[2 * (k + 1)].shape.rows;
            let w_next =
                SMatrix::<f64, 8, 8>::from_fn(
                    |i, j| {
                        if i < rows { weight[i * 8 + j] } else { 0.0 }
                    },
                );
            let bound = spectral_norm(&w_next) * constnet::scalar::norm(bias(k + 1)) / 4.0;
            assert!(constnet::scalar::norm(bias(k)) <= bound * (1.0 + 1e-12));
        }
        assert!(
            norms[0].rms < norms[4].rms,
            "gradients vanish toward the input"
        );
    }
}
