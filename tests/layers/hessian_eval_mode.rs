//! The evaluation-mode loss of a batch-normalized network (running
//! statistics fixed, dropout off) through `EvalMode`: its loss is
//! `evaluate` bit for bit, its gradient, full Hessian (stack, heap, every
//! block size) and Hessian-vector products equal central differences of
//! `evaluate` in f64, and they differ from the training-mode ones, whose
//! derivatives run through the batch statistics. Without batch
//! normalization or dropout both modes are the same function, bit for bit.

use crate::common::models::Xor;
use crate::common::{GRAD_TOL, assert_all_close, assert_symmetric, random_matrix, random_vec};
use constnet::hessian::{BlockSize, HessianOptions, Kernel, hessian_into_blocked};
use constnet::layer::{ForwardMode, TrainContext, Zeroed};
use constnet::prelude::*;

network! {
    /// Batch normalization and dropout between dense layers, P = 50.
    struct Normalized {
        fc1: Dense<3, 6>,
        bn: BatchNorm<6>,
        act: Tanh,
        drop: Dropout(p = 0.5),
        out: Dense<6, 2>,
    }
}

const P: usize = 50;
const B: usize = 5;

/// A network with random parameters (gamma away from 0) and running
/// statistics far from any batch's, a batch and its targets.
fn case(seed: u64) -> (Normalized<f64>, SMatrix<f64, 3, B>, [[f64; 2]; B]) {
    let mut rng = Rng::seed_from(seed);
    let mut net = Normalized::<f64>::seeded(seed);
    let mut buffers = [0.0; 12];
    for n in 0..6 {
        buffers[n] = rng.uniform_in(-0.6, 0.6);
        buffers[6 + n] = rng.uniform_in(0.3, 2.5);
    }
    net.set_buffers(&buffers).unwrap();
    let x = random_matrix(&mut rng, 1.5);
    let targets = core::array::from_fn(|_| random_vec(&mut rng, 1.0));
    (net, x, targets)
}

/// The evaluation-mode loss at `theta`.
fn eval_loss(
    net: &Normalized<f64>,
    theta: &[f64; P],
    x: &SMatrix<f64, 3, B>,
    t: &[[f64; 2]; B],
) -> f64 {
    let mut moved = net.clone();
    *moved.parameters_mut() = *theta;
    moved.evaluate(&Mse, x, t).unwrap()
}

/// The Hessian of the evaluation-mode loss by second central differences
/// of `evaluate` alone: `(f(++) - f(+-) - f(-+) + f(--)) / 4h^2`.
fn second_differences(
    net: &Normalized<f64>,
    x: &SMatrix<f64, 3, B>,
    t: &[[f64; 2]; B],
) -> Vec<f64> {
    let h = 1e-4;
    let theta = *net.parameters();
    let mut hessian = vec![0.0; P * P];
    for i in 0..P {
        for j in i..P {
            let f = |si: f64, sj: f64| {
                let mut moved = theta;
                moved[i] += si * h;
                moved[j] += sj * h;
                eval_loss(net, &moved, x, t)
            };
            let value = (f(1.0, 1.0) - f(1.0, -1.0) - f(-1.0, 1.0) + f(-1.0, -1.0)) / (4.0 * h * h);
            hessian[i * P + j] = value;
            hessian[j * P + i] = value;
        }
    }
    hessian
}

/// `|a - e| <= 1e-5 max(|a|, |e|) + 1e-6`: the error of second differences
/// with `h = 1e-4` (truncation `h^2`, rounding `eps / h^2`).
fn assert_close_to_differences(actual: &[f64], expected: &[f64], what: &str) {
    for (k, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        let allowed = 1e-5 * a.abs().max(e.abs()) + 1e-6;
        assert!((a - e).abs() <= allowed, "{what}[{k}]: {a} against {e}");
    }
}

fn frobenius(values: &[f64]) -> f64 {
    values.iter().map(|v| v * v).sum::<f64>().sqrt()
}

#[test]
fn eval_mode_loss_and_gradient_are_those_of_evaluate() {
    for seed in 0..3 {
        let (net, x, t) = case(seed);
        let eval = EvalMode::new(net.clone());
        let mut grad = [0.0; P];
        let value = eval.loss_and_gradient(&Mse, &x, &t, &mut grad).unwrap();
        assert_eq!(
            value,
            net.evaluate(&Mse, &x, &t).unwrap(),
            "seed {seed}: loss"
        );
        let theta = *net.parameters();
        let h = 1e-6;
        let numeric: Vec<f64> = (0..P)
            .map(|i| {
                let (mut up, mut down) = (theta, theta);
                up[i] += h;
                down[i] -= h;
                (eval_loss(&net, &up, &x, &t) - eval_loss(&net, &down, &x, &t)) / (2.0 * h)
            })
            .collect();
        assert_all_close(&grad, &numeric, GRAD_TOL, "eval-mode gradient");
    }
}

#[test]
fn eval_mode_hessian_and_hvp_match_central_differences() {
    for seed in 0..2 {
        let (net, x, t) = case(seed);
        let eval = EvalMode::new(net.clone());
        let (mut grad, mut h) = ([0.0; P], vec![0.0; P * P]);
        let value = eval.hessian_into(&Mse, &x, &t, &mut grad, &mut h).unwrap();
        assert_eq!(value, net.evaluate(&Mse, &x, &t).unwrap());
        assert_symmetric(&h, P, "eval-mode Hessian");
        let numeric = second_differences(&net, &x, &t);
        assert_close_to_differences(&h, &numeric, "eval-mode Hessian");

        // H v for random directions, against the differences' H v.
        let mut rng = Rng::seed_from(90 + seed);
        for _ in 0..3 {
            let v: [f64; P] = random_vec(&mut rng, 1.0);
            let (mut g, mut hv) = ([0.0; P], [0.0; P]);
            eval.hessian_vector_product(&Mse, &x, &t, &v, &mut g, &mut hv)
                .unwrap();
            assert_eq!(g, grad, "HVP gradient");
            let expected: Vec<f64> = (0..P)
                .map(|i| (0..P).map(|j| numeric[i * P + j] * v[j]).sum())
                .collect();
            assert_close_to_differences(&hv, &expected, "eval-mode HVP");
            let exact: Vec<f64> = (0..P)
                .map(|i| (0..P).map(|j| h[i * P + j] * v[j]).sum())
                .collect();
            assert_all_close(&hv, &exact, 1e-12, "eval-mode HVP against its Hessian");
        }

        // Every other path to the same matrix.
        for (block, threads, kernel) in [(1, 1, Kernel::Portable), (7, 2, Kernel::Optimized)] {
            let options = HessianOptions {
                block,
                threads,
                kernel,
            };
            let mut other = vec![f64::NAN; P * P];
            eval.hessian_with(&Mse, &x, &t, &options, &mut grad, &mut other)
                .unwrap();
            assert_all_close(&other, &h, 1e-12, "eval-mode heap Hessian");
        }
        let mut small = vec![f64::NAN; P * P];
        hessian_into_blocked(&eval, &Mse, &x, &t, BlockSize::<3>, &mut grad, &mut small).unwrap();
        assert_all_close(&small, &h, 1e-12, "eval-mode blocked Hessian");
        let heap = eval.hessian(&Mse, &x, &t).unwrap();
        assert_all_close(heap.matrix.as_slice(), &h, 1e-12, "eval-mode Hessian value");
    }
}

#[test]
fn eval_mode_hessian_differs_from_the_training_mode_one() {
    let (net, x, t) = case(4);
    let (mut grad, mut eval_h, mut train_h) = ([0.0; P], vec![0.0; P * P], vec![0.0; P * P]);
    let eval_loss = EvalMode::new(net.clone())
        .hessian_into(&Mse, &x, &t, &mut grad, &mut eval_h)
        .unwrap();
    let train_loss = net
        .hessian_into(&Mse, &x, &t, &mut grad, &mut train_h)
        .unwrap();
    assert!(
        (eval_loss - train_loss).abs() > 1e-3 * train_loss,
        "{eval_loss} {train_loss}"
    );
    let difference: Vec<f64> = eval_h.iter().zip(&train_h).map(|(a, b)| a - b).collect();
    let share = frobenius(&difference) / frobenius(&train_h);
    assert!(share > 0.1, "the two Hessians differ by {share} only");
}

#[test]
fn without_batch_norm_or_dropout_both_modes_agree_bit_for_bit() {
    let net = Xor::<f64>::seeded(3);
    let x = SMatrix::<f64, 2, 4>::from_column_slice(&[0., 0., 0., 1., 1., 0., 1., 1.]);
    let t = [[0.0], [1.0], [1.0], [0.0]];
    let (mut g1, mut g2) = ([0.0; 33], [0.0; 33]);
    let (mut h1, mut h2) = (vec![0.0; 33 * 33], vec![0.0; 33 * 33]);
    let l1 = net
        .hessian_into(&BceWithLogits, &x, &t, &mut g1, &mut h1)
        .unwrap();
    let eval = EvalMode::new(net);
    let l2 = eval
        .hessian_into(&BceWithLogits, &x, &t, &mut g2, &mut h2)
        .unwrap();
    assert_eq!((l1, g1), (l2, g2));
    assert_eq!(h1, h2);
}

#[test]
fn eval_mode_forward_is_inference_and_keeps_the_statistics() {
    let (net, x, _) = case(5);
    let mut eval = EvalMode::new(net.clone());
    let mut cache = Zeroed::zeroed();
    let context = TrainContext::step(11, 2);
    assert_eq!(context.mode, ForwardMode::Training);
    // Any seed: dropout is off, the running statistics normalize.
    assert_eq!(
        eval.forward_train_with(&x, &mut cache, &context),
        net.forward(&x)
    );
    eval.update_buffers(&cache);
    assert_eq!(eval.buffers(), net.buffers());
    assert_eq!(eval.batches_tracked(), net.batches_tracked());
    assert_eq!(eval.into_inner(), net);
}
