//! Hessian-vector products around `Network::hessian_vector_product`: the
//! mean over several batches equals the product on all their samples at
//! once, and the Hessian operator equals the full Hessian times a vector.

use crate::common::{assert_all_close, check_hvp, random_matrix, random_vec};
use constnet::hessian::{Batch, HvpOperator, mean_hessian_vector_product};
use constnet::matrix_free::LinearOperator;
use constnet::prelude::*;

network! {
    /// A small regression network.
    struct Net {
        fc1: Dense<2, 5>,
        act: Tanh,
        out: Dense<5, 2>,
    }
}

const P: usize = Net::<f64>::PARAMS;

/// With equal batch sizes, the mean of the batches' mean losses is the
/// mean over all samples, so three batches of 4 give the same loss,
/// gradient and `H v` as one batch of 12.
#[test]
fn mean_over_batches_is_the_product_on_all_samples() {
    let mut rng = Rng::seed_from(1);
    let net = Net::<f64>::seeded(2);
    let all: SMatrix<f64, 2, 12> = random_matrix(&mut rng, 1.0);
    let targets: [[f64; 2]; 12] = core::array::from_fn(|_| random_vec(&mut rng, 1.0));
    let batches: Vec<Batch<f64, 2, 4, [f64; 2]>> = (0..3)
        .map(|i| {
            let x = SMatrix::<f64, 2, 4>::from_fn(|r, c| all[(r, 4 * i + c)]);
            (x, core::array::from_fn(|c| targets[4 * i + c]))
        })
        .collect();
    let v: [f64; P] = random_vec(&mut rng, 1.0);
    let (mut grad, mut hv) = ([0.0; P], [0.0; P]);
    let mean = mean_hessian_vector_product(&net, &Mse, &batches, &v, &mut grad, &mut hv).unwrap();
    let (mut grad_all, mut hv_all) = ([0.0; P], [0.0; P]);
    let value = net
        .hessian_vector_product(&Mse, &all, &targets, &v, &mut grad_all, &mut hv_all)
        .unwrap();
    assert_all_close(&[mean], &[value], 1e-14, "loss");
    assert_all_close(&grad, &grad_all, 1e-14, "gradient");
    assert_all_close(&hv, &hv_all, 1e-14, "H v");
    // And the whole-batch product is itself exact.
    check_hvp(&net, &Mse, &all, &targets, &v);

    let mut operator = HvpOperator::mean(&net, &Mse, &batches);
    let mut out = vec![0.0; P];
    operator.matvec(&v, &mut out).unwrap();
    assert_all_close(&out, &hv_all, 1e-14, "operator over batches");
    assert_eq!(operator.products(), 1);

    let none: [Batch<f64, 2, 4, [f64; 2]>; 0] = [];
    assert!(matches!(
        mean_hessian_vector_product(&net, &Mse, &none, &v, &mut grad, &mut hv),
        Err(Error::NotEnoughSamples { .. })
    ));
}

/// The operator of one batch is the full Hessian times the vector.
#[test]
fn operator_is_the_hessian() {
    let mut rng = Rng::seed_from(3);
    let net = Net::<f64>::seeded(4);
    let x: SMatrix<f64, 2, 6> = random_matrix(&mut rng, 1.0);
    let targets: [[f64; 2]; 6] = core::array::from_fn(|_| random_vec(&mut rng, 1.0));
    let mut h = vec![0.0; P * P];
    net.hessian_into(&Mse, &x, &targets, &mut [0.0; P], &mut h)
        .unwrap();
    let mut operator = net.hessian_operator(&Mse, &x, &targets);
    assert_eq!(operator.dim(), P);
    for _ in 0..3 {
        let v: Vec<f64> = (0..P).map(|_| rng.uniform_in(-1.0, 1.0)).collect();
        let mut out = vec![0.0; P];
        operator.matvec(&v, &mut out).unwrap();
        let expected: Vec<f64> = (0..P)
            .map(|i| (0..P).map(|j| h[i * P + j] * v[j]).sum())
            .collect();
        assert_all_close(&out, &expected, 1e-13, "H v");
    }
}
