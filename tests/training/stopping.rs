//! The training loop's reports and stopping rules: the empirical risk
//! (training loss), the held-out loss and their gap recomputed
//! independently; every `StopReason` reached at the epoch an independent
//! derivation predicts; patience and `min_delta` counted as documented;
//! restore-best giving back the best epoch's parameters bit for bit; a
//! non-finite loss or parameter stopping with `Error::NonFinite` at the
//! right step with the last finite parameters; same seed, same bits.

use constnet::prelude::*;
use constnet::train::StepView;

network! {
    /// `y = w x + b`.
    pub(super) struct Line { fc: Dense<1, 1> }

    /// A small regressor with a hidden layer.
    pub(super) struct Small {
        fc1: Dense<1, 6>,
        act: Tanh,
        out: Dense<6, 1>,
    }
}

/// 24 samples of `y = 2x - 1` on [0, 1).
pub(super) fn line_data() -> (Vec<[f64; 1]>, Vec<[f64; 1]>) {
    let xs: Vec<[f64; 1]> = (0..24).map(|i| [f64::from(i) / 24.0]).collect();
    let ys = xs.iter().map(|x| [2.0 * x[0] - 1.0]).collect();
    (xs, ys)
}

/// A held-out set from a different line, `y = 1.2x - 0.6`: as the model
/// approaches the training line, the held-out loss first falls, then rises.
pub(super) fn shifted_data() -> (Vec<[f64; 1]>, Vec<[f64; 1]>) {
    let xs: Vec<[f64; 1]> = (0..10).map(|i| [(f64::from(i) + 0.5) / 10.0]).collect();
    let ys = xs.iter().map(|x| [1.2 * x[0] - 0.6]).collect();
    (xs, ys)
}

/// Everything an observer can see, per step and per epoch.
#[derive(Default)]
pub(super) struct Recorder {
    /// Parameters after every step.
    pub(super) params_after_step: Vec<[f64; 2]>,
    /// Batch losses and gradients, per step.
    pub(super) steps: Vec<(usize, f64, [f64; 2])>,
    pub(super) epochs: Vec<EpochReport>,
    /// Stop after this step (from `after_step`).
    pub(super) stop_after_step: Option<usize>,
    /// Stop at the end of this epoch.
    pub(super) stop_after_epoch: Option<usize>,
    /// From `before_step`: set this learning rate at this step.
    pub(super) set_lr_at: Option<(usize, f64)>,
}

impl<T: Float> Observer<T> for Recorder {
    fn before_step<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
        &mut self,
        step: &StepView<'_, T, N, L, I, O, P, B>,
    ) -> Control
    where
        N: Network<T, I, O, P>,
        L: Loss<T, O>,
    {
        match self.set_lr_at {
            Some((at, lr)) if at == step.step => Control::SetLearningRate(lr),
            _ => Control::Continue,
        }
    }

    fn after_step<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
        &mut self,
        step: &StepView<'_, T, N, L, I, O, P, B>,
    ) -> Control
    where
        N: Network<T, I, O, P>,
        L: Loss<T, O>,
    {
        let p = step.network.parameters();
        self.params_after_step.push([p[0].to_f64(), p[1].to_f64()]);
        let g = step.gradient;
        self.steps.push((
            step.epoch,
            step.loss.to_f64(),
            [g[0].to_f64(), g[1].to_f64()],
        ));
        if self.stop_after_step == Some(step.step) {
            Control::Stop
        } else {
            Control::Continue
        }
    }

    fn after_epoch(&mut self, report: &EpochReport) -> Control {
        self.epochs.push(*report);
        if self.stop_after_epoch == Some(report.epoch) {
            Control::Stop
        } else {
            Control::Continue
        }
    }
}

/// Trains the line with batch size 5 (24 samples: 5 batches an epoch, the
/// last one filled) from a fixed start, with or without the held-out set.
pub(super) fn train_line(
    config: TrainConfig,
    recorder: &mut Recorder,
    with_validation: bool,
) -> (Result<TrainReport>, Line<f64>) {
    let (xs, ys) = line_data();
    let (vx, vy) = shifted_data();
    let data = Dataset::new(&xs, &ys).unwrap();
    let held_out = Dataset::new(&vx, &vy).unwrap();
    let mut net = Line::<f64>::from_parameters([0.1, 0.2]);
    let mut sgd = Sgd::with_lr(0.05).unwrap();
    let result = Trainer::<5>::new(config).unwrap().observer(recorder).fit(
        &mut net,
        &Mse,
        &mut sgd,
        &data,
        with_validation.then_some(&held_out),
    );
    (result, net)
}

/// Independent MSE of a line over a data set, sample by sample.
pub(super) fn line_mse(theta: [f64; 2], xs: &[[f64; 1]], ys: &[[f64; 1]]) -> f64 {
    let sum: f64 = xs
        .iter()
        .zip(ys)
        .map(|(x, y)| (theta[0] * x[0] + theta[1] - y[0]).powi(2))
        .sum();
    sum / xs.len() as f64
}

pub(super) fn reference_run(epochs: usize) -> Recorder {
    let mut recorder = Recorder::default();
    let config = TrainConfig {
        max_epochs: epochs,
        seed: 3,
        ..TrainConfig::default()
    };
    let (report, _) = train_line(config, &mut recorder, true);
    assert_eq!(report.unwrap().stop, StopReason::MaxEpochs);
    recorder
}

#[test]
fn epoch_figures_are_the_exact_risks_and_their_gap() {
    let recorder = reference_run(40);
    let (xs, ys) = line_data();
    let (vx, vy) = shifted_data();
    assert_eq!(recorder.epochs.len(), 40);
    for (e, report) in recorder.epochs.iter().enumerate() {
        assert_eq!(report.epoch, e);
        assert_eq!(report.steps, 5 * (e + 1));
        let theta = recorder.params_after_step[5 * e + 4];
        let train = line_mse(theta, &xs, &ys);
        let held_out = line_mse(theta, &vx, &vy);
        assert!((report.train_loss - train).abs() < 1e-14, "epoch {e}");
        let validation = report.validation_loss.unwrap();
        assert!((validation - held_out).abs() < 1e-14, "epoch {e}");
        assert!((report.risk_gap().unwrap() - (held_out - train)).abs() < 1e-14);
        // Batch loss: mean of the epoch's minibatch losses; gradient norm:
        // norm of the mean minibatch gradient.
        let steps = &recorder.steps[5 * e..5 * e + 5];
        assert!(steps.iter().all(|s| s.0 == e));
        let batch_loss = steps.iter().map(|s| s.1).sum::<f64>() / 5.0;
        assert!((report.batch_loss - batch_loss).abs() < 1e-14);
        let mean = [0, 1].map(|k| steps.iter().map(|s| s.2[k]).sum::<f64>() / 5.0);
        let norm = (mean[0] * mean[0] + mean[1] * mean[1]).sqrt();
        assert!((report.gradient_norm - norm).abs() < 1e-12);
        assert_eq!(report.learning_rate, 0.05);
    }
    // The held-out loss falls, then rises: the shape early stopping needs.
    let validation: Vec<f64> = recorder
        .epochs
        .iter()
        .map(|r| r.validation_loss.unwrap())
        .collect();
    let best = validation
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .unwrap()
        .0;
    assert!(best > 0 && best < 39, "validation {validation:?}");
    let mut without = Recorder::default();
    let (report, _) = train_line(
        TrainConfig {
            max_epochs: 2,
            ..TrainConfig::default()
        },
        &mut without,
        false,
    );
    let report = report.unwrap();
    assert_eq!(report.last_epoch.validation_loss, None);
    assert_eq!(report.last_epoch.risk_gap(), None);
    assert_eq!(report.best_validation, None);
}

#[test]
fn max_epochs_and_loss_target_stop_at_the_predicted_epoch() {
    let reference = reference_run(40);
    let mut recorder = Recorder::default();
    let (report, net) = train_line(
        TrainConfig {
            max_epochs: 7,
            seed: 3,
            ..TrainConfig::default()
        },
        &mut recorder,
        true,
    );
    let report = report.unwrap();
    assert_eq!(
        (report.stop, report.epochs, report.steps),
        (StopReason::MaxEpochs, 7, 35)
    );
    assert_eq!(report.final_loss, reference.epochs[6].train_loss);
    assert_eq!(*net.parameters(), reference.params_after_step[34]);

    // The first epoch whose training loss is at or below the target.
    let target = reference.epochs[17].train_loss;
    let expected = reference
        .epochs
        .iter()
        .position(|r| r.train_loss <= target)
        .unwrap();
    let mut recorder = Recorder::default();
    let (report, _) = train_line(
        TrainConfig {
            max_epochs: 40,
            seed: 3,
            loss_target: Some(target),
            ..TrainConfig::default()
        },
        &mut recorder,
        true,
    );
    let report = report.unwrap();
    assert_eq!(report.stop, StopReason::LossTarget);
    assert_eq!(report.epochs, expected + 1);
    assert!(report.final_loss <= target);
}

#[test]
fn gradient_tolerance_stops_at_the_predicted_epoch_and_loss_target_wins_ties() {
    let reference = reference_run(40);
    let tolerance = reference.epochs[12].gradient_norm;
    let expected = reference
        .epochs
        .iter()
        .position(|r| r.gradient_norm <= tolerance)
        .unwrap();
    let run = |loss_target| {
        let mut recorder = Recorder::default();
        let config = TrainConfig {
            max_epochs: 40,
            seed: 3,
            gradient_tolerance: Some(tolerance),
            loss_target,
            ..TrainConfig::default()
        };
        train_line(config, &mut recorder, false).0.unwrap()
    };
    let report = run(None);
    assert_eq!(report.stop, StopReason::GradientTolerance);
    assert_eq!(report.epochs, expected + 1);
    // Both criteria met at the same epoch: the loss target is checked first.
    let report = run(Some(reference.epochs[expected].train_loss));
    assert_eq!(
        (report.stop, report.epochs),
        (StopReason::LossTarget, expected + 1)
    );
}

/// The documented early-stopping rule, written out: an epoch improves when
/// its held-out loss is below `best - min_delta`; training stops at the
/// first epoch `patience` epochs after the last improvement.
fn predicted_early_stop(
    validation: &[f64],
    patience: usize,
    min_delta: f64,
) -> Option<(usize, usize)> {
    let mut best = (0, validation[0]);
    for (epoch, &loss) in validation.iter().enumerate().skip(1) {
        if loss < best.1 - min_delta {
            best = (epoch, loss);
        } else if epoch - best.0 >= patience {
            return Some((epoch, best.0));
        }
    }
    None
}

#[test]
fn early_stopping_counts_patience_and_restores_the_best_epoch_exactly() {
    let reference = reference_run(60);
    let validation: Vec<f64> = reference
        .epochs
        .iter()
        .map(|r| r.validation_loss.unwrap())
        .collect();
    let mut cases = 0;
    let mut outcomes = Vec::new();
    for patience in [1, 2, 3, 5] {
        for min_delta in [0.0, 1e-4, 1e-3] {
            let (stop_epoch, best_epoch) = predicted_early_stop(&validation, patience, min_delta)
                .expect("the held-out loss rises within 60 epochs");
            outcomes.push((stop_epoch, best_epoch));
            for restore_best in [true, false] {
                let mut recorder = Recorder::default();
                let config = TrainConfig {
                    max_epochs: 60,
                    seed: 3,
                    patience: Some(patience),
                    min_delta,
                    restore_best,
                    ..TrainConfig::default()
                };
                let (report, net) = train_line(config, &mut recorder, true);
                let report = report.unwrap();
                let case = format!("patience {patience}, min_delta {min_delta}");
                assert_eq!(
                    report.stop,
                    StopReason::EarlyStopping { best_epoch },
                    "{case}"
                );
                assert_eq!(report.epochs, stop_epoch + 1, "{case}");
                assert_eq!(
                    report.best_validation,
                    Some((best_epoch, validation[best_epoch]))
                );
                assert_eq!(report.last_epoch, reference.epochs[stop_epoch]);
                let (kept_epoch, kept_step) = if restore_best {
                    (best_epoch, 5 * best_epoch + 4)
                } else {
                    (stop_epoch, 5 * stop_epoch + 4)
                };
                assert_eq!(
                    *net.parameters(),
                    reference.params_after_step[kept_step],
                    "{case}"
                );
                assert_eq!(report.final_loss, reference.epochs[kept_epoch].train_loss);
                assert_eq!(report.final_validation_loss, Some(validation[kept_epoch]));
                cases += 1;
            }
        }
    }
    assert_eq!(cases, 24);
    // The cases differ: patience and min_delta move both epochs.
    outcomes.sort_unstable();
    outcomes.dedup();
    assert!(outcomes.len() >= 6, "{outcomes:?}");
    assert!(outcomes.iter().all(|&(stop, best)| best > 0 && stop > best));
    let bests: std::collections::BTreeSet<usize> = outcomes.iter().map(|o| o.1).collect();
    assert!(
        bests.len() >= 2,
        "min_delta changes the best epoch: {bests:?}"
    );
    // Patience needs a held-out set, and at least one epoch.
    let config = TrainConfig {
        patience: Some(2),
        ..TrainConfig::default()
    };
    let (error, _) = train_line(config, &mut Recorder::default(), false);
    assert!(matches!(
        error,
        Err(Error::IncompatibleOptions(
            constnet::error::Incompatible::PatienceWithoutValidation
        ))
    ));
    for bad in [
        TrainConfig {
            patience: Some(0),
            ..TrainConfig::default()
        },
        TrainConfig {
            min_delta: -1.0,
            ..TrainConfig::default()
        },
        TrainConfig {
            min_delta: f64::INFINITY,
            ..TrainConfig::default()
        },
        TrainConfig {
            max_epochs: 0,
            ..TrainConfig::default()
        },
    ] {
        assert!(matches!(
            Trainer::<5>::new(bad),
            Err(Error::InvalidHyperParameter { .. })
        ));
    }
}
