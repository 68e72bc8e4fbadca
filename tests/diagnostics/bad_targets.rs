//! Every second-order entry point that returns a `Result` refuses a bad
//! target with the error that names it (sample, value, allowed range),
//! before it computes anything: a class index past the output width gives
//! an infinite loss, and a BCE target outside [0, 1] a finite but
//! meaningless one, which no Hessian of it can repair.

use constnet::diagnostics::gauss_newton::gauss_newton_split;
use constnet::diagnostics::layer_blocks::layer_blocks;
use constnet::hessian::{HvpOperator, mean_hessian_vector_product};
use constnet::matrix_free::LinearOperator;
use constnet::newton::{self, Method};
use constnet::prelude::*;

network! {
    /// 2 -> 3 -> 2 logits: 17 parameters.
    struct Two {
        fc: Dense<2, 3>,
        act: Tanh,
        out: Dense<3, 2>,
    }
}

const P: usize = Two::<f64>::PARAMS;

fn out_of_range(result: Result<impl core::fmt::Debug>, sample: usize) {
    match result {
        Err(Error::ClassOutOfRange {
            sample: s,
            class: 7,
            classes: 2,
        }) if s == sample => {}
        other => panic!("expected class 7 of 2 at sample {sample}, got {other:?}"),
    }
}

#[test]
fn second_order_entry_points_name_a_bad_class() {
    let net = Two::<f64>::seeded(1);
    let x = SMatrix::<f64, 2, 2>::new(0.5, -1.0, 1.0, 0.25);
    let targets = [0, 7];
    let mut grad = [0.0; P];
    let mut h = vec![0.0; P * P];
    out_of_range(
        net.hessian_into(&CrossEntropy, &x, &targets, &mut grad, &mut h),
        1,
    );
    let directions = vec![1.0; 2 * P];
    let mut products = vec![0.0; 2 * P];
    out_of_range(
        net.hessian_matrix_product(
            &CrossEntropy,
            &x,
            &targets,
            &directions,
            &mut grad,
            &mut products,
        ),
        1,
    );
    out_of_range(net.hessian(&CrossEntropy, &x, &targets), 1);
    out_of_range(gauss_newton_split(&net, &CrossEntropy, &x, &targets), 1);
    out_of_range(layer_blocks(&net, &CrossEntropy, &x, &targets), 1);
    let mut moved = net.clone();
    out_of_range(
        newton::update(
            &mut moved,
            &CrossEntropy,
            &x,
            &targets,
            Method::SaddleFree,
            1e-3,
        ),
        1,
    );
    assert_eq!(moved, net, "a refused Newton update leaves the network");
    let mut op = HvpOperator::new(&net, &CrossEntropy, &x, &targets);
    out_of_range(op.matvec(&[1.0; P], &mut [0.0; P]), 1);
    // Over several batches the index counts across them: batch 1, sample 1.
    let batches = [(x, [0, 1]), (x, [1, 7])];
    let (mut g, mut hv) = ([0.0; P], [0.0; P]);
    out_of_range(
        mean_hessian_vector_product(&net, &CrossEntropy, &batches, &[1.0; P], &mut g, &mut hv),
        3,
    );
    let mut mean = HvpOperator::mean(&net, &CrossEntropy, &batches);
    out_of_range(mean.matvec(&[1.0; P], &mut [0.0; P]), 3);
    // Valid targets pass.
    let good = [(x, [0, 1]), (x, [1, 0])];
    let mut mean = HvpOperator::mean(&net, &CrossEntropy, &good);
    mean.matvec(&[1.0; P], &mut [0.0; P]).unwrap();
}

#[test]
fn a_probability_target_outside_zero_one_is_named() {
    let net = Two::<f64>::seeded(2);
    let x = SMatrix::<f64, 2, 1>::new(0.5, -1.0);
    // Finite loss, meaningless: refused with the element, value and range.
    let targets = [[0.25, 7.0]];
    let mut h = vec![0.0; P * P];
    match net.hessian_into(&BceWithLogits, &x, &targets, &mut [0.0; P], &mut h) {
        Err(Error::InvalidTarget {
            sample: 0,
            element: 1,
            value,
            ..
        }) if value.to_bits() == 7.0_f64.to_bits() => {}
        other => panic!("{other:?}"),
    }
}
