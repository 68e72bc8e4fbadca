//! Whole training runs: an observer stopping the run after its step or
//! epoch, a non-finite loss stopping it with `Error::NonFinite` at the right
//! step with the last finite parameters, same seed, same bits, and a data
//! set smaller than the batch.

use super::stopping::{Line, Recorder, Small, line_data, reference_run, train_line};
use constnet::prelude::*;
use constnet::train::StepView;

#[test]
fn an_observer_stops_after_its_step_or_epoch() {
    let reference = reference_run(10);
    let mut recorder = Recorder {
        stop_after_step: Some(7),
        ..Recorder::default()
    };
    let config = TrainConfig {
        max_epochs: 10,
        seed: 3,
        ..TrainConfig::default()
    };
    let (report, net) = train_line(config, &mut recorder, true);
    let report = report.unwrap();
    assert_eq!(
        (report.stop, report.epochs, report.steps),
        (StopReason::Observer, 2, 8)
    );
    assert_eq!(*net.parameters(), reference.params_after_step[7]);
    let mut recorder = Recorder {
        stop_after_epoch: Some(3),
        ..Recorder::default()
    };
    let (report, _) = train_line(config, &mut recorder, true);
    let report = report.unwrap();
    assert_eq!(
        (report.stop, report.epochs, report.steps),
        (StopReason::Observer, 4, 20)
    );
}

/// SGD that writes infinity into a parameter at step 7.
struct Breaks(Sgd<f32, 2>, usize);
impl Optimizer<f32, 2> for Breaks {
    fn step(&mut self, params: &mut [f32; 2], grad: &[f32; 2]) {
        self.0.step(params, grad);
        if self.1 == 7 {
            params[1] = f32::INFINITY;
        }
        self.1 += 1;
    }
    fn learning_rate(&self) -> f64 {
        self.0.learning_rate()
    }
    fn set_learning_rate(&mut self, lr: f64) -> Result<()> {
        self.0.set_learning_rate(lr)
    }
    fn reset(&mut self) {
        self.0.reset();
    }
}

#[test]
fn a_non_finite_step_names_the_step_and_keeps_the_last_finite_parameters() {
    let config = TrainConfig {
        max_epochs: 10,
        seed: 3,
        ..TrainConfig::default()
    };
    // A learning rate of 1e200 at step 7 makes parameters near 1e200: finite,
    // but the loss of step 8 squares them to infinity. The parameters step 8
    // started from give that infinite loss; those of step 7 gave a finite one.
    let mut recorder = Recorder {
        set_lr_at: Some((7, 1e200)),
        ..Recorder::default()
    };
    let (result, net) = train_line(config, &mut recorder, true);
    match result {
        Err(Error::NonFinite {
            what: "loss",
            epoch: 1,
            step: 8,
            loss,
            kept_step: Some(7),
        }) => assert!(loss.is_infinite()),
        other => panic!("expected a non-finite loss at step 8, got {other:?}"),
    }
    assert_eq!(recorder.params_after_step.len(), 8);
    let diverged = recorder.params_after_step[7];
    assert!(diverged.iter().all(|p| p.is_finite() && p.abs() > 1e100));
    // Left at the parameters step 7 started from (those after step 6).
    assert_eq!(*net.parameters(), recorder.params_after_step[6]);

    // Updated parameters that are not finite are undone: an optimizer that
    // writes infinity at step 7 leaves the network at the parameters step 7
    // started from, whose loss was finite.
    let (xs, ys) = line_data();
    let xs: Vec<[f32; 1]> = xs.iter().map(|x| [x[0] as f32]).collect();
    let ys: Vec<[f32; 1]> = ys.iter().map(|y| [y[0] as f32]).collect();
    let data = Dataset::new(&xs, &ys).unwrap();
    let mut net = Line::<f32>::from_parameters([0.1, 0.2]);
    let mut recorder = Recorder::default();
    let result = Trainer::<5>::new(config)
        .unwrap()
        .observer(&mut recorder)
        .fit(
            &mut net,
            &Mse,
            &mut Breaks(Sgd::with_lr(0.05).unwrap(), 0),
            &data,
            None,
        );
    assert!(
        matches!(
            result,
            Err(Error::NonFinite {
                what: "parameters",
                epoch: 1,
                step: 7,
                kept_step: Some(7),
                ..
            })
        ),
        "{result:?}"
    );
    assert_eq!(recorder.params_after_step.len(), 7);
    let kept = net.parameters().map(f64::from);
    assert_eq!(kept, recorder.params_after_step[6]);
}

#[test]
fn a_non_finite_held_out_loss_is_an_error_not_a_silent_nan() {
    // A held-out input of 1e200 overflows the squared error; training
    // itself stays finite.
    let (xs, ys) = line_data();
    let vx = [[1e200], [0.5]];
    let vy = [[0.0], [0.0]];
    let data = Dataset::new(&xs, &ys).unwrap();
    let held_out = Dataset::new(&vx, &vy).unwrap();
    let mut net = Line::<f64>::from_parameters([0.1, 0.2]);
    let config = TrainConfig {
        max_epochs: 5,
        patience: Some(2),
        ..TrainConfig::default()
    };
    let result = Trainer::<5>::new(config).unwrap().fit(
        &mut net,
        &Mse,
        &mut Sgd::with_lr(0.05).unwrap(),
        &data,
        Some(&held_out),
    );
    assert!(
        matches!(
            result,
            Err(Error::NonFinite {
                what: "validation loss",
                epoch: 0,
                step: 5,
                kept_step: Some(5),
                ..
            })
        ),
        "{result:?}"
    );
    assert!(net.parameters().iter().all(|p| p.is_finite()));
}

#[test]
fn same_seed_same_bits_and_another_seed_another_run() {
    let xs: Vec<[f64; 1]> = (0..40).map(|i| [f64::from(i) / 40.0 * 6.0]).collect();
    let ys: Vec<[f64; 1]> = xs.iter().map(|x| [x[0].sin()]).collect();
    let data = Dataset::new(&xs, &ys).unwrap();
    let (train, held_out) = data.split_at(30).unwrap();
    let run = |seed| {
        let mut net = Small::<f64>::seeded(4);
        let mut sgd = Sgd::new(SgdConfig {
            lr: 0.05,
            momentum: 0.9,
            ..SgdConfig::default()
        })
        .unwrap();
        let mut history = History::default();
        let config = TrainConfig {
            max_epochs: 15,
            seed,
            patience: Some(3),
            ..TrainConfig::default()
        };
        let report = Trainer::<8>::new(config)
            .unwrap()
            .observer(&mut history)
            .fit(&mut net, &Mse, &mut sgd, &train, Some(&held_out))
            .unwrap();
        (report, history.epochs, *net.parameters())
    };
    let (a, b, c) = (run(1), run(1), run(2));
    assert_eq!(a.0, b.0);
    assert_eq!(a.1, b.1);
    let bits = |p: &[f64; 19]| p.map(f64::to_bits);
    assert_eq!(bits(&a.2), bits(&b.2));
    assert_ne!(bits(&a.2), bits(&c.2));
}

/// Records the targets of every batch.
#[derive(Default)]
struct Batches(Vec<Vec<f64>>);

impl<T: Float> Observer<T> for Batches {
    fn before_step<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
        &mut self,
        step: &StepView<'_, T, N, L, I, O, P, B>,
    ) -> Control
    where
        N: Network<T, I, O, P>,
        L: Loss<T, O>,
    {
        // The inputs identify the samples: x = index.
        self.0
            .push(step.inputs.iter().map(|x| x.to_f64()).collect());
        Control::Continue
    }
}

#[test]
fn a_data_set_smaller_than_the_batch_is_filled_by_cycling_or_refused_when_dropping() {
    let xs = [[0.0_f64], [1.0], [2.0]];
    let ys = [[0.0_f64], [1.0], [2.0]];
    let data = Dataset::new(&xs, &ys).unwrap();
    let mut net = Line::<f64>::from_parameters([0.5, 0.0]);
    let mut batches = Batches::default();
    let config = TrainConfig {
        max_epochs: 4,
        ..TrainConfig::default()
    };
    let report = Trainer::<8>::new(config)
        .unwrap()
        .observer(&mut batches)
        .fit(
            &mut net,
            &Mse,
            &mut Sgd::with_lr(0.01).unwrap(),
            &data,
            None,
        )
        .unwrap();
    assert_eq!((report.epochs, report.steps), (4, 4), "one batch per epoch");
    for batch in &batches.0 {
        // Eight slots cycle through a permutation of the three samples:
        // 3, 3 and 2 copies, the pattern repeating every three slots.
        let mut counts = [0; 3];
        for &x in batch {
            counts[x as usize] += 1;
        }
        let mut sorted = counts;
        sorted.sort_unstable();
        assert_eq!(sorted, [2, 3, 3], "{batch:?}");
        for k in 3..8 {
            assert_eq!(batch[k], batch[k - 3]);
        }
    }
    let dropping = TrainConfig {
        last_batch: LastBatch::Drop,
        ..config
    };
    let err = Trainer::<8>::new(dropping)
        .unwrap()
        .fit(
            &mut net,
            &Mse,
            &mut Sgd::with_lr(0.01).unwrap(),
            &data,
            None,
        )
        .unwrap_err();
    assert_eq!(
        err,
        Error::NotEnoughSamples {
            available: 3,
            needed: 8
        }
    );
}

#[test]
fn a_bad_target_names_its_sample_value_and_range() {
    network! {
        /// Two logits.
        struct Pair { fc: Dense<1, 2> }
    }
    let xs = [[0.0_f64], [1.0], [2.0], [3.0]];
    let probabilities = [[0.0_f64, 1.0], [1.0, 0.0], [0.5, 1.5], [1.0, 1.0]];
    let data = Dataset::new(&xs, &probabilities).unwrap();
    let mut net = Pair::<f64>::seeded(1);
    let err = Trainer::<2>::new(TrainConfig::default())
        .unwrap()
        .fit(
            &mut net,
            &BceWithLogits,
            &mut Sgd::with_lr(0.1).unwrap(),
            &data,
            None,
        )
        .unwrap_err();
    assert_eq!(
        err,
        Error::InvalidTarget {
            sample: 2,
            element: 1,
            value: 1.5,
            expected: "in [0, 1]"
        }
    );
    assert_eq!(
        err.to_string(),
        "sample 2: target element 1 is 1.5, but the loss needs values in [0, 1]"
    );
    // A class index in the held-out set.
    let classes = [0_usize, 1, 1, 0];
    let held_out_classes = [1_usize, 0, 2];
    let train = Dataset::new(&xs, &classes).unwrap();
    let held_out = Dataset::new(&xs[..3], &held_out_classes).unwrap();
    let err = Trainer::<2>::new(TrainConfig::default())
        .unwrap()
        .fit(
            &mut net,
            &CrossEntropy,
            &mut Sgd::with_lr(0.1).unwrap(),
            &train,
            Some(&held_out),
        )
        .unwrap_err();
    assert_eq!(
        err,
        Error::ClassOutOfRange {
            sample: 2,
            class: 2,
            classes: 2
        }
    );
    assert!(err.to_string().starts_with("sample 2: class index 2"));
    // NaN is named too.
    let nan_targets = [[0.0_f64, 1.0], [f64::NAN, 0.0]];
    let err = BceWithLogits.check_targets(&nan_targets).unwrap_err();
    assert!(
        matches!(err, Error::InvalidTarget { sample: 1, element: 0, value, .. } if value.is_nan())
    );
    let err = <Mse as Loss<f64, 1>>::check_targets(&Mse, &[[1.0], [f64::INFINITY]]).unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidTarget {
            sample: 1,
            expected: "finite",
            ..
        }
    ));
}
