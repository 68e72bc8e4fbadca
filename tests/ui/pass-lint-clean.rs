//! Generated code is clean under strict lints in the user's crate: every
//! warning denied, including the allow-by-default lints careful crates turn
//! on, and clippy's `all` and `pedantic` groups. Also compiled as a module of
//! `tests/ui.rs`, so the workspace's clippy run checks it for real.
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
}
