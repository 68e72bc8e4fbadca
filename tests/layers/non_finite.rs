//! NaN is never hidden: a NaN parameter in front of a ReLU reaches the loss,
//! and training stops with an error naming the step instead of going on.

use constnet::prelude::*;

network! {
    /// A ReLU network whose first layer gets a NaN weight.
    struct Net {
        fc: Dense<2, 4>,
        act: ReLU,
        out: Dense<4, 1>,
    }
}

#[test]
fn a_nan_weight_before_a_relu_makes_the_loss_nan() {
    let mut net = Net::<f64>::seeded(1);
    net.parameters_mut()[0] = f64::NAN;
    let x = SMatrix::<f64, 2, 2>::from_column_slice(&[1.0, 2.0, -1.0, 0.5]);
    assert!(
        net.forward(&x).iter().all(|y| y.is_nan()),
        "inference shows the NaN"
    );
    let mut grad = [0.0; 17];
    let loss = net
        .loss_and_gradient(&Mse, &x, &[[0.0], [1.0]], &mut grad)
        .unwrap();
    assert!(loss.is_nan());
}

#[test]
fn training_from_a_nan_weight_stops_at_the_first_step() {
    let mut net = Net::<f64>::seeded(1);
    net.parameters_mut()[0] = f64::NAN;
    let inputs = [[1.0, 2.0], [-1.0, 0.5], [0.3, 0.3], [2.0, -1.0]];
    let targets = [[0.0], [1.0], [1.0], [0.0]];
    let data = Dataset::new(&inputs, &targets).unwrap();
    let mut sgd = Sgd::with_lr(0.1).unwrap();
    let err = Trainer::<2>::new(TrainConfig::default())
        .unwrap()
        .fit(&mut net, &Mse, &mut sgd, &data, None)
        .unwrap_err();
    match err {
        Error::NonFinite {
            what,
            epoch,
            step,
            loss,
            kept_step,
        } => {
            assert_eq!((what, epoch, step, kept_step), ("loss", 0, 0, None));
            assert!(loss.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

network! {
    /// `y = w x + b`.
    struct Line { fc: Dense<1, 1> }

    /// A dense layer into batch normalization.
    struct Normalized {
        fc: Dense<1, 2>,
        bn: BatchNorm<2>,
        out: Dense<2, 1>,
    }
}

/// 24 samples of `y = 2x - 1` on [0, 1).
fn line_data() -> (Vec<[f64; 1]>, Vec<[f64; 1]>) {
    let xs: Vec<[f64; 1]> = (0..24).map(|i| [f64::from(i) / 24.0]).collect();
    let ys = xs.iter().map(|x| [2.0 * x[0] - 1.0]).collect();
    (xs, ys)
}

/// Sets one learning rate before one step.
struct KickAt(usize, f64);

impl<T: Float> Observer<T> for KickAt {
    fn before_step<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
        &mut self,
        view: &constnet::train::StepView<'_, T, N, L, I, O, P, B>,
    ) -> Control
    where
        N: Network<T, I, O, P>,
        L: Loss<T, O>,
    {
        if view.step == self.0 {
            Control::SetLearningRate(self.1)
        } else {
            Control::Continue
        }
    }
}

#[test]
fn after_an_abrupt_divergence_training_resumes_from_the_kept_parameters() {
    let (xs, ys) = line_data();
    let data = Dataset::new(&xs, &ys).unwrap();
    let mut net = Line::<f64>::from_parameters([0.1, 0.2]);
    let config = TrainConfig {
        max_epochs: 50,
        ..TrainConfig::default()
    };
    // A rate of 1e200 at step 12 throws the parameters to about 1e200; the
    // loss of step 13 is infinite.
    let err = Trainer::<4>::new(config)
        .unwrap()
        .observer(KickAt(12, 1e200))
        .fit(&mut net, &Mse, &mut Sgd::with_lr(0.1).unwrap(), &data, None)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NonFinite {
                what: "loss",
                step: 13,
                kept_step: Some(12),
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("step 12 started from"), "{err}");
    // The kept parameters are ordinary: their loss is finite and small.
    assert!(
        net.parameters().iter().all(|p| p.abs() < 10.0),
        "{:?}",
        net.parameters()
    );
    let resumed_from = constnet::train::mean_loss(&net, &Mse, &data).unwrap();
    assert!(resumed_from.is_finite() && resumed_from < 1.0);
    // Resuming at a small rate trains to the target.
    let config = TrainConfig {
        max_epochs: 5000,
        loss_target: Some(1e-6),
        ..TrainConfig::default()
    };
    let report = Trainer::<4>::new(config)
        .unwrap()
        .fit(&mut net, &Mse, &mut Sgd::with_lr(0.1).unwrap(), &data, None)
        .unwrap();
    assert_eq!(report.stop, StopReason::LossTarget);
}

#[test]
fn after_a_steady_divergence_the_kept_parameters_have_a_finite_loss_and_training_resumes() {
    // A rate of 5, far beyond the stable 2 / lambda_max (about 0.77): the
    // error grows about twelvefold per step until the loss overflows.
    let (xs, ys) = line_data();
    let data = Dataset::new(&xs, &ys).unwrap();
    let mut net = Line::<f64>::from_parameters([0.1, 0.2]);
    let config = TrainConfig {
        max_epochs: 1000,
        ..TrainConfig::default()
    };
    let err = Trainer::<4>::new(config)
        .unwrap()
        .fit(&mut net, &Mse, &mut Sgd::with_lr(5.0).unwrap(), &data, None)
        .unwrap_err();
    let Error::NonFinite {
        what: "loss",
        step,
        kept_step: Some(kept),
        ..
    } = err
    else {
        panic!("expected a non-finite loss, got {err:?}");
    };
    assert_eq!(kept + 1, step);
    assert!(net.parameters().iter().all(|p| p.is_finite()));
    let kept_loss = constnet::train::mean_loss(&net, &Mse, &data).unwrap();
    assert!(kept_loss.is_finite() && kept_loss > 1e100, "{kept_loss:e}");
    // A small rate trains on from there without failing, and the loss falls
    // by orders of magnitude.
    let config = TrainConfig {
        max_epochs: 200,
        ..TrainConfig::default()
    };
    let report = Trainer::<4>::new(config)
        .unwrap()
        .fit(
            &mut net,
            &Mse,
            &mut Sgd::with_lr(0.05).unwrap(),
            &data,
            None,
        )
        .unwrap();
    assert!(
        report.final_loss < 1e-10 * kept_loss,
        "{} vs {kept_loss:e}",
        report.final_loss
    );
}

#[test]
fn a_running_statistic_that_overflows_stops_training_and_nothing_is_lost() {
    // Weights of 1e160 make the batch norm's inputs so large that their
    // variance overflows: the normalized outputs, the loss and the gradient
    // stay finite, but the running variance would become infinite.
    let (xs, ys) = line_data();
    let data = Dataset::new(&xs, &ys).unwrap();
    let mut params = Normalized::<f64>::seeded(2).parameters().to_owned();
    params[0] = 1e160;
    params[1] = -1e160;
    let mut net = Normalized::<f64>::from_parameters(params);
    let before = net.clone();
    let err = Trainer::<4>::new(TrainConfig::default())
        .unwrap()
        .fit(
            &mut net,
            &Mse,
            &mut Sgd::with_lr(0.01).unwrap(),
            &data,
            None,
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NonFinite {
                what: "running statistics",
                epoch: 0,
                step: 0,
                kept_step: Some(0),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("running statistics became non-finite at step 0")
    );
    // Parameters, buffers and the tracked-batch count are as before the step.
    assert_eq!(net, before);
}
