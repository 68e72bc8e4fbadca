//! `dL/dx`, the gradient with respect to the network's input
//! (`Network::input_gradient`), against central differences of the
//! training-mode loss in every input entry, for every layer kind first in
//! line (Dense, BatchNorm, Rnn) and through every activation; and chaining
//! two declared networks through it gives the composite's parameter
//! gradient, checked the same way.

use crate::common::{FD_STEP, GRAD_TOL, close};
use constnet::prelude::*;

network! {
    /// Dense first.
    struct Plain {
        fc: Dense<3, 4>,
        act: Tanh,
        out: Dense<4, 2>,
    }

    /// Batch normalization first: its batch statistics depend on x.
    struct NormFirst {
        bn: BatchNorm<3>,
        fc: Dense<3, 4>,
        act: Sigmoid,
        out: Dense<4, 2>,
    }

    /// A recurrent layer first: 3 steps of 1 feature.
    struct Recurrent {
        rnn: Rnn<1, 4, 3>,
        out: Dense<4, 2>,
    }

    /// The other activations, ending in probabilities.
    struct Activations {
        fc: Dense<3, 5>,
        leaky: LeakyReLU(negative_slope = 0.1),
        mid: Dense<5, 4>,
        relu: ReLU,
        id: Identity,
        out: Dense<4, 3>,
        soft: Softmax,
    }

    /// The second half of a chain: takes Plain's 2 outputs.
    struct Head {
        fc: Dense<2, 3>,
        act: Tanh,
        out: Dense<3, 1>,
    }
}

const B: usize = 4;

/// Inputs away from ReLU's kink.
fn inputs() -> SMatrix<f64, 3, B> {
    let mut rng = Rng::seed_from(11);
    SMatrix::from_fn(|_, _| rng.uniform_in(-1.5, 1.5))
}

/// `dL/dx` of `net` against central differences of `loss_at(x)`.
fn check<N, L, const P: usize, const O: usize>(
    net: &N,
    loss: &L,
    targets: &[L::Target; B],
    what: &str,
) where
    N: Network<f64, 3, O, P>,
    L: Loss<f64, O>,
{
    let x = inputs();
    let (mut grad, mut dx) = ([0.0; P], SMatrix::<f64, 3, B>::zeros());
    let value = net
        .input_gradient(loss, &x, targets, &mut grad, &mut dx)
        .unwrap();
    // The loss and the parameter gradient are those of loss_and_gradient.
    let mut plain = [0.0; P];
    assert_eq!(
        value,
        net.loss_and_gradient(loss, &x, targets, &mut plain)
            .unwrap(),
        "{what}"
    );
    assert_eq!(grad, plain, "{what}");
    for r in 0..3 {
        for c in 0..B {
            let at = |delta: f64| {
                let mut moved = x;
                moved[(r, c)] += delta;
                net.loss_and_gradient(loss, &moved, targets, &mut [0.0; P])
                    .unwrap()
            };
            let central = (at(FD_STEP) - at(-FD_STEP)) / (2.0 * FD_STEP);
            assert!(
                close(dx[(r, c)], central, GRAD_TOL),
                "{what}: dL/dx[{r}, {c}] = {} vs {central}",
                dx[(r, c)]
            );
        }
    }
    assert!(
        dx.iter().any(|v| v.abs() > 1e-6),
        "{what}: dL/dx is all zero"
    );
}

#[test]
fn input_gradients_match_central_differences() {
    let regression = [[0.5, -0.25], [1.0, 0.0], [-0.5, 0.75], [0.1, 0.2]];
    check(&Plain::<f64>::seeded(1), &Mse, &regression, "dense first");
    check(
        &NormFirst::<f64>::seeded(2),
        &Mse,
        &regression,
        "batch norm first",
    );
    check(
        &Recurrent::<f64>::seeded(3),
        &CrossEntropy,
        &[0, 1, 1, 0],
        "rnn first",
    );
    let one_hot = [
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 0.0, 1.0],
        [0.2, 0.3, 0.5],
    ];
    check(
        &Activations::<f64>::seeded(4),
        &CrossEntropyOneHot,
        &one_hot,
        "activations",
    );
}

#[test]
fn chaining_two_networks_gives_the_composite_gradient() {
    // L(head(plain(x))): the head's dL/dx is plain's d_output.
    const P1: usize = Plain::<f64>::PARAMS;
    const P2: usize = Head::<f64>::PARAMS;
    let (plain, head) = (Plain::<f64>::seeded(5), Head::<f64>::seeded(6));
    let x = inputs();
    let targets = [[0.3], [-0.2], [0.9], [0.0]];
    let composite = |first: &Plain<f64>| {
        let middle = first.forward_train(
            &x,
            &mut <Plain<f64> as Network<f64, 3, 2, P1>>::Cache::<B>::zeroed(),
        );
        head.loss_and_gradient(&Mse, &middle, &targets, &mut [0.0; P2])
            .unwrap()
    };
    let mut cache = <Plain<f64> as Network<f64, 3, 2, P1>>::Cache::<B>::zeroed();
    let middle = plain.forward_train(&x, &mut cache);
    let (mut head_grad, mut d_middle) = ([0.0; P2], SMatrix::<f64, 2, B>::zeros());
    let value = head
        .input_gradient(&Mse, &middle, &targets, &mut head_grad, &mut d_middle)
        .unwrap();
    assert_eq!(value, composite(&plain));
    let mut grad = [0.0; P1];
    plain.backward(&mut cache, &d_middle, &mut grad);
    for (k, &analytic) in grad.iter().enumerate() {
        let at = |delta: f64| {
            let mut moved = plain.clone();
            moved.parameters_mut()[k] += delta;
            composite(&moved)
        };
        let central = (at(FD_STEP) - at(-FD_STEP)) / (2.0 * FD_STEP);
        assert!(
            close(analytic, central, GRAD_TOL),
            "parameter {k}: {analytic} vs {central}"
        );
    }
}

#[test]
fn input_gradients_in_f32() {
    let net = Plain::<f32>::seeded(1);
    let x = inputs().map(|v| v as f32);
    let targets = [[0.5, -0.25], [1.0, 0.0], [-0.5, 0.75], [0.1, 0.2]];
    let (mut grad, mut dx) = ([0.0; Plain::<f32>::PARAMS], SMatrix::<f32, 3, B>::zeros());
    net.input_gradient(&Mse, &x, &targets, &mut grad, &mut dx)
        .unwrap();
    let wide = Plain::<f64>::from_parameters(net.parameters().map(f64::from));
    let (mut g64, mut dx64) = ([0.0; Plain::<f64>::PARAMS], SMatrix::<f64, 3, B>::zeros());
    wide.input_gradient(
        &Mse,
        &x.map(f64::from),
        &targets.map(|t| t.map(f64::from)),
        &mut g64,
        &mut dx64,
    )
    .unwrap();
    for (a, b) in dx.iter().zip(dx64.iter()) {
        assert!((f64::from(*a) - b).abs() < 1e-5, "{a} vs {b}");
    }
}
