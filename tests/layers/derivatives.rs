//! Every derivative the library computes, checked against central
//! differences in f64: each layer's backward and R-operator, each loss's
//! gradient and Hessian product, and whole declared networks (gradient and
//! exact Hessian-vector product), on several shapes and seeds.

use crate::common::models::{Digits, Mixed, Sine, Xor};
use crate::common::{
    check_gradient, check_hvp, check_layer, check_loss, check_network, random_matrix, random_vec,
};
use constnet::layer::{Dense, Identity, Layer, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh};
use constnet::prelude::*;

fn dense_case<const I: usize, const O: usize, const B: usize>(seed: u64) {
    let mut rng = Rng::seed_from(seed);
    let layer = Dense::<I, O>::new();
    let mut params = vec![0.0; O * I + O];
    layer.init(&mut params, &mut [], &mut rng);
    let x: SMatrix<f64, I, B> = random_matrix(&mut rng, 2.0);
    check_layer::<_, I, O, B>(&layer, &params, &[], &x, seed + 100);
}

#[test]
fn dense_layer_derivatives() {
    dense_case::<3, 4, 5>(1);
    dense_case::<1, 16, 1>(2);
    dense_case::<7, 2, 3>(3);
    dense_case::<16, 16, 32>(4);
}

fn activation_case<Ly: Layer<f64, N, N>, const N: usize, const B: usize>(layer: &Ly, seed: u64) {
    let mut rng = Rng::seed_from(seed);
    let x: SMatrix<f64, N, B> = random_matrix(&mut rng, 3.0);
    check_layer::<_, N, N, B>(layer, &[], &[], &x, seed + 100);
}

#[test]
fn activation_derivatives() {
    for seed in 10..13 {
        activation_case::<_, 5, 3>(&ReLU, seed);
        activation_case::<_, 4, 2>(&LeakyReLU::new(0.1), seed);
        activation_case::<_, 4, 2>(&LeakyReLU::new(-0.5), seed);
        activation_case::<_, 6, 4>(&Tanh, seed);
        activation_case::<_, 3, 1>(&Sigmoid, seed);
        activation_case::<_, 2, 2>(&Identity, seed);
        activation_case::<_, 5, 3>(&Softmax, seed);
        activation_case::<_, 1, 2>(&Softmax, seed);
    }
}

#[test]
fn loss_derivatives() {
    for seed in 20..23 {
        let mut rng = Rng::seed_from(seed);
        let out: SMatrix<f64, 3, 4> = random_matrix(&mut rng, 2.0);
        let regression: [[f64; 3]; 4] = core::array::from_fn(|_| random_vec(&mut rng, 2.0));
        check_loss(&Mse, &out, &regression, seed);

        let probabilities = out.map(|z| 0.05 + 0.9 * constnet::math::sigmoid(z));
        let binary: [[f64; 3]; 4] =
            core::array::from_fn(|_| core::array::from_fn(|_| rng.uniform()));
        check_loss(&Bce, &probabilities, &binary, seed);
        check_loss(&BceWithLogits, &out, &binary, seed);

        let classes: [usize; 4] = core::array::from_fn(|_| rng.below(3));
        check_loss(&CrossEntropy, &out, &classes, seed);
        let soft: [[f64; 3]; 4] = core::array::from_fn(|_| {
            let raw: [f64; 3] = core::array::from_fn(|_| rng.uniform());
            let sum: f64 = raw.iter().sum();
            raw.map(|r| r / sum)
        });
        check_loss(&CrossEntropyOneHot, &out, &soft, seed);
        let one_hot: [[f64; 3]; 4] =
            classes.map(|c| core::array::from_fn(|k| if k == c { 1.0 } else { 0.0 }));
        check_loss(&CrossEntropyOneHot, &out, &one_hot, seed);
    }
}

#[test]
fn xor_network_derivatives() {
    for seed in 0..3 {
        let net = Xor::<f64>::seeded(seed);
        let mut rng = Rng::seed_from(seed + 50);
        let x: SMatrix<f64, 2, 4> = random_matrix(&mut rng, 1.0);
        let targets = [[0.0], [1.0], [1.0], [0.0]];
        check_gradient(&net, &BceWithLogits, &x, &targets);
        check_gradient(&net, &Mse, &x, &targets);
        let v = random_vec(&mut rng, 1.0);
        check_hvp(&net, &BceWithLogits, &x, &targets, &v);
        check_hvp(&net, &Mse, &x, &targets, &v);
    }
}

#[test]
fn sine_network_derivatives() {
    for seed in 0..2 {
        let net = Sine::<f64>::seeded(seed);
        let mut rng = Rng::seed_from(seed + 60);
        let x: SMatrix<f64, 1, 8> = random_matrix(&mut rng, 3.0);
        let targets: [[f64; 1]; 8] = core::array::from_fn(|b| [x[b].sin()]);
        check_network(&net, &Mse, &x, &targets, &mut rng);
    }
}

#[test]
fn digits_network_derivatives() {
    let net = Digits::<f64>::seeded(3);
    let mut rng = Rng::seed_from(70);
    let x: SMatrix<f64, 64, 4> = SMatrix::from_fn(|_, _| rng.uniform_in(0.0, 1.0));
    let classes = [3, 0, 9, 5];
    check_network(&net, &CrossEntropy, &x, &classes, &mut rng);
}

#[test]
fn mixed_network_derivatives() {
    for seed in 0..3 {
        let net = Mixed::<f64>::seeded(seed);
        let mut rng = Rng::seed_from(seed + 80);
        let x: SMatrix<f64, 3, 5> = random_matrix(&mut rng, 2.0);
        let targets: [[f64; 3]; 5] = core::array::from_fn(|_| random_vec(&mut rng, 1.0));
        check_network(&net, &Mse, &x, &targets, &mut rng);
    }
}
