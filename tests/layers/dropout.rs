//! Dropout: the mask is reproducible from the step's context (same context,
//! same mask; another step or another layer, another mask), drops the
//! expected fraction within statistical tolerance and scales the kept values
//! by `1 / (1 - p)`; inference and `p = 0` are the identity. With the mask
//! held fixed by the context, backward and the R-operator are checked
//! against central differences, for the layer and for whole networks (the
//! gradient, Hessian-vector products and the full Hessian). The training
//! loop gives each step its own context (`TrainContext::step`).

use crate::common::{
    assert_all_close, assert_symmetric_to, check_layer, check_network, numeric_hessian,
    random_matrix,
};
use constnet::layer::{Dropout, Layer, LayerConfig, TrainContext, Zeroed};
use constnet::prelude::*;

network! {
    /// Dense, Dropout, Tanh, Dense, Dropout(0.2), Dense. P = 16 + 15 + 4.
    struct Thinned {
        fc1: Dense<3, 4>,
        drop1: Dropout,
        act: Tanh,
        fc2: Dense<4, 3>,
        drop2: Dropout(p = 0.2),
        out: Dense<3, 1>,
    }
}

const P: usize = 35;

fn mask<const N: usize, const B: usize>(
    layer: Dropout,
    context: &TrainContext,
) -> SMatrix<f64, N, B> {
    let x = SMatrix::<f64, N, B>::from_element(1.0);
    let mut y = SMatrix::zeros();
    let mut cache = SMatrix::zeros();
    layer.forward_train(&[], &[], &x, &mut y, &mut cache, context);
    assert_eq!(y, cache, "y = mask .* x with x = 1");
    y
}

#[test]
fn masks_are_reproducible_per_step_and_layer() {
    let layer = Dropout::new(0.3);
    let step = TrainContext::step(7, 3);
    let first = mask::<64, 32>(layer, &step);
    assert_eq!(
        first,
        mask::<64, 32>(layer, &step),
        "same context, same mask"
    );
    assert_ne!(
        first,
        mask::<64, 32>(layer, &TrainContext::step(7, 4)),
        "next step"
    );
    assert_ne!(
        first,
        mask::<64, 32>(layer, &TrainContext::step(8, 3)),
        "other run"
    );
    assert_ne!(
        first,
        mask::<64, 32>(layer, &step.for_layer(1)),
        "other layer"
    );
    // Every value is dropped (0) or kept and scaled by 1 / (1 - p).
    let kept = 1.0 / 0.7;
    assert!(first.iter().all(|&m| m == 0.0 || m == kept));
    // The dropped fraction over 2048 draws: standard deviation
    // sqrt(0.3 * 0.7 / 2048) = 0.010; allow 5 of them.
    for s in 0..5 {
        let m = mask::<64, 32>(layer, &TrainContext::step(11, s));
        let dropped = m.iter().filter(|&&v| v == 0.0).count() as f64 / 2048.0;
        assert!((dropped - 0.3).abs() < 0.05, "dropped fraction {dropped}");
    }
}

#[test]
fn inference_and_p_zero_are_the_identity() {
    let mut rng = Rng::seed_from(1);
    let x: SMatrix<f64, 5, 4> = random_matrix(&mut rng, 2.0);
    let mut y = SMatrix::zeros();
    Dropout::new(0.9).forward(&[], &[], &x, &mut y);
    assert_eq!(y, x, "inference");
    let mut cache = SMatrix::zeros();
    let zero = Dropout::new(0.0);
    zero.forward_train(&[], &[], &x, &mut y, &mut cache, &TrainContext::step(3, 1));
    assert_eq!(y, x, "p = 0 in training");
    assert_eq!(Dropout::DEFAULT.probability(), 0.5);
    const { assert!(<Dropout as LayerConfig>::PROPERTIES.train_differs) };
    assert!(Dropout::try_new(1.0).is_err());
    assert!(Dropout::try_new(-0.1).is_err());
    assert!(Dropout::try_new(f64::NAN).is_err());
    assert_eq!(Dropout::try_new(0.25).unwrap().probability(), 0.25);
    // In a network, training (with its masks) and inference differ.
    let net = Thinned::<f64>::seeded(2);
    let x: SMatrix<f64, 3, 2> = random_matrix(&mut rng, 1.0);
    let mut cache = <Thinned<f64> as Network<f64, 3, 1, P>>::Cache::<2>::zeroed();
    let train = net.forward_train(&x, &mut cache);
    assert_ne!(
        train,
        net.forward(&x),
        "the masks change the training output"
    );
}

#[test]
fn dropout_derivatives_match_central_differences_with_the_mask_fixed() {
    for seed in 0..3 {
        let mut rng = Rng::seed_from(seed);
        let x: SMatrix<f64, 6, 4> = random_matrix(&mut rng, 2.0);
        check_layer::<_, 6, 6, 4>(&Dropout::new(0.5), &[], &[], &x, seed + 100);
        check_layer::<_, 6, 6, 4>(&Dropout::new(0.0), &[], &[], &x, seed + 100);
    }
    // The checker's context drops something, so the check covers zeros.
    let m = mask::<6, 4>(Dropout::new(0.5), &TrainContext::default());
    assert!(m.iter().any(|&v| v == 0.0) && m.iter().any(|&v| v == 2.0));
}

#[test]
fn networks_with_dropout_have_exact_gradients_and_hessians() {
    let mut rng = Rng::seed_from(9);
    for seed in 0..2 {
        let net = Thinned::<f64>::seeded(seed);
        let x: SMatrix<f64, 3, 4> = random_matrix(&mut rng, 1.0);
        let targets: [[f64; 1]; 4] = core::array::from_fn(|_| [rng.uniform()]);
        check_network(&net, &Mse, &x, &targets, &mut rng);
        let mut grad = [0.0; P];
        let mut hessian = vec![0.0; P * P];
        net.hessian_into(&Mse, &x, &targets, &mut grad, &mut hessian)
            .unwrap();
        assert_symmetric_to(&hessian, P, 1e-12, "Hessian with dropout");
        let numeric = numeric_hessian(&net, &Mse, &x, &targets);
        assert_all_close(&hessian, &numeric, 1e-6, "Hessian against differences");
    }
}

/// Checks, at every step, that the trainer's loss is that of the step's own
/// context, and that it differs from the next step's.
struct StepContexts {
    seed: u64,
    steps: usize,
}

impl Observer<f64> for StepContexts {
    fn before_step<N, L, const I: usize, const O: usize, const PN: usize, const B: usize>(
        &mut self,
        step: &StepView<'_, f64, N, L, I, O, PN, B>,
    ) -> Control
    where
        N: Network<f64, I, O, PN>,
        L: Loss<f64, O>,
    {
        let loss_with = |context: TrainContext| {
            let mut cache = N::Cache::<B>::zeroed();
            let output = step
                .network
                .forward_train_with(step.inputs, &mut cache, &context);
            step.loss_fn.loss(&output, step.targets)
        };
        let own = TrainContext::step(self.seed, step.step as u64);
        assert_eq!(loss_with(own), step.loss, "step {}", step.step);
        let next = TrainContext::step(self.seed, step.step as u64 + 1);
        assert_ne!(loss_with(next), step.loss, "step {}", step.step);
        self.steps += 1;
        Control::Continue
    }
}

#[test]
fn the_trainer_draws_a_fresh_mask_each_step() {
    let mut rng = Rng::seed_from(4);
    let xs: [[f64; 3]; 16] = core::array::from_fn(|_| core::array::from_fn(|_| rng.uniform()));
    let ys: [[f64; 1]; 16] = core::array::from_fn(|k| [xs[k][0] - xs[k][1]]);
    let data = Dataset::new(&xs, &ys).unwrap();
    let config = TrainConfig {
        max_epochs: 2,
        seed: 21,
        ..TrainConfig::default()
    };
    let mut observer = StepContexts { seed: 21, steps: 0 };
    let mut net = Thinned::<f64>::seeded(3);
    let mut sgd = Sgd::with_lr(0.05).unwrap();
    Trainer::<4>::new(config)
        .unwrap()
        .observer(&mut observer)
        .fit(&mut net, &Mse, &mut sgd, &data, None)
        .unwrap();
    assert_eq!(observer.steps, 8, "two epochs of four steps");
}
