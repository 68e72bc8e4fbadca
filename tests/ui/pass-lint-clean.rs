//! Generated code is clean under strict lints in the user's crate: every
//! warning denied, including the allow-by-default lints careful crates turn
//! on, and clippy's `all` and `pedantic` groups, for a declaration of every
//! built-in kind with every argument. The macro allows no lint group, only
//! `non_upper_case_globals` on its hidden constants named after layers.
//! Also compiled as a module of `tests/ui.rs`, so the workspace's clippy
//! run checks it for real.
#![deny(
    warnings,
    missing_docs,
    missing_debug_implementations,
    unused_qualifications,
    unused_results,
    unreachable_pub,
    elided_lifetimes_in_paths,
    trivial_casts,
    trivial_numeric_casts,
    single_use_lifetimes,
    unused_lifetimes,
    let_underscore_drop,
    clippy::all,
    clippy::pedantic
)]

use constnet::prelude::*;

const HIDDEN: usize = 8;

network! {
    /// A documented network under strict lints.
    pub struct Strict {
        /// Hidden layer.
        hidden: Dense<2, HIDDEN>,
        act: LeakyReLU(negative_slope = 0.1),
        out: Dense<{ HIDDEN }, 1>,
    }

    /// Every other built-in kind, with every argument.
    pub struct Every {
        fc: Dense<2, 6>(weight_init = Init::xavier_uniform(1.0), bias_init = Init::Zeros),
        bn: BatchNorm<6>(eps = 1e-3, momentum = 0.2),
        ln: LayerNorm<6>(eps = 1e-6, elementwise_affine = true),
        ln_plain: LayerNorm<6>(elementwise_affine = false),
        drop: Dropout(p = 0.1),
        drop_default: Dropout,
        relu: ReLU,
        rnn: Rnn<3, 4, 2>(sequence = true, weight_init = Init::orthogonal(1.0), bias_init = Init::Zeros),
        cumulative: BatchNorm<8>(momentum = None),
        tanh: Tanh,
        sigmoid: Sigmoid,
        rnn2: Rnn<4, 3, 2>(false),
        identity: Identity,
        leaky: LeakyReLU(0.3),
        conv1: Conv1d<1, 2, 2, 3>(stride = 1, padding = 1, dilation = 1, groups = 1, bias = true, weight_init = Init::xavier_uniform(1.0), bias_init = Init::Zeros),
        conv2: Conv2d<2, 2, 1, 1, 2, 2>(groups = 2, bias = false),
        softmax: Softmax,
    }
}

/// Trains one step and checks the output is finite.
pub(crate) fn main() {
    let mut net = Strict::<f32>::seeded(5);
    let x = SMatrix::<f32, 2, 4>::from_column_slice(&[0., 0., 0., 1., 1., 0., 1., 1.]);
    let targets = [[0.0_f32], [1.0], [1.0], [0.0]];
    let mut grad = [0.0_f32; 33];
    let before = net.loss_and_gradient(&BceWithLogits, &x, &targets, &mut grad);
    let Ok(mut sgd) = Sgd::new(SgdConfig {
        lr: 0.1,
        ..SgdConfig::default()
    }) else {
        panic!("valid SGD settings");
    };
    sgd.step(net.parameters_mut(), &grad);
    let after = net.evaluate(&BceWithLogits, &x, &targets);
    assert!(before.is_finite() && after.is_finite());
    assert!(
        after < before,
        "one small step down the gradient lowers the loss"
    );
    let every = Every::<f64>::seeded(1);
    let x = SMatrix::<f64, 2, 3>::from_fn(|i, j| 0.3 * f64::from(u8::try_from(i + j).unwrap_or(0)));
    let y = every.forward(&x);
    assert!(
        y.iter().all(|p| *p > 0.0 && *p < 1.0),
        "softmax outputs probabilities"
    );
}
