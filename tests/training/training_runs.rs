//! Whole training runs: an observer stopping the run after its step or
//! epoch, a non-finite loss stopping it with `Error::NonFinite` at the right
//! step with the last finite parameters, and same seed, same bits.

use super::stopping::{Line, Recorder, Small, line_data, reference_run, train_line};
use constnet::prelude::*;

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

#[test]
fn a_non_finite_step_names_the_step_and_keeps_the_last_finite_parameters() {
    let config = TrainConfig {
        max_epochs: 10,
        seed: 3,
        ..TrainConfig::default()
    };
    // A learning rate of 1e200 at step 7 makes parameters near 1e200: finite,
    // but the loss of step 8 squares them to infinity.
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
        }) => assert!(loss.is_infinite()),
        other => panic!("expected a non-finite loss at step 8, got {other:?}"),
    }
    assert_eq!(recorder.params_after_step.len(), 8);
    let last = recorder.params_after_step[7];
    assert!(last.iter().all(|p| p.is_finite() && p.abs() > 1e100));
    assert_eq!(*net.parameters(), last);

    // In f32 a rate of 1e39 rounds to infinity and makes the parameters of
    // step 7 infinite: they are refused and those before step 7 are kept.
    let (xs, ys) = line_data();
    let xs: Vec<[f32; 1]> = xs.iter().map(|x| [x[0] as f32]).collect();
    let ys: Vec<[f32; 1]> = ys.iter().map(|y| [y[0] as f32]).collect();
    let data = Dataset::new(&xs, &ys).unwrap();
    let mut net = Line::<f32>::from_parameters([0.1, 0.2]);
    let mut recorder = Recorder {
        set_lr_at: Some((7, 1e39)),
        ..Recorder::default()
    };
    let result = Trainer::<5>::new(config)
        .unwrap()
        .observer(&mut recorder)
        .fit(
            &mut net,
            &Mse,
            &mut Sgd::with_lr(0.05).unwrap(),
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
