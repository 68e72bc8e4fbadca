//! Learning-rate schedules: each rate sequence against hand-computed values,
//! the closed-form cosine against PyTorch's recursive form, the `Scheduled`
//! wrapper's epoch bookkeeping inside a real training loop, and refusal of
//! bad hyper-parameters.

use constnet::optim::{CosineAnnealingLr, ExponentialLr, LinearLr, Schedule, Scheduled, StepLr};
use constnet::prelude::*;

/// Rounding of a few products and one `pow` or `cos`.
const RATE_TOL: f64 = 1e-15;

fn rates(schedule: &impl Schedule, base: f64, epochs: usize) -> Vec<f64> {
    (0..epochs)
        .map(|t| schedule.learning_rate(base, t))
        .collect()
}

fn assert_rates(actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len());
    for (t, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= RATE_TOL * e.abs().max(1.0),
            "epoch {t}: rate {a}, expected {e}"
        );
    }
}

#[test]
fn step_lr_decays_every_step_size_epochs() {
    let schedule = StepLr::new(3, 0.1).unwrap();
    assert_rates(
        &rates(&schedule, 0.1, 8),
        &[0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001],
    );
    let every_epoch = StepLr::new(1, 0.5).unwrap();
    assert_rates(&rates(&every_epoch, 2.0, 4), &[2.0, 1.0, 0.5, 0.25]);
}

#[test]
fn exponential_lr_decays_every_epoch() {
    let schedule = ExponentialLr::new(0.9).unwrap();
    assert_rates(&rates(&schedule, 1.0, 5), &[1.0, 0.9, 0.81, 0.729, 0.6561]);
    let constant = ExponentialLr::new(1.0).unwrap();
    assert_rates(&rates(&constant, 0.3, 3), &[0.3, 0.3, 0.3]);
}

#[test]
fn cosine_annealing_matches_hand_computed_values() {
    // base 0.1, eta_min 0.01, T_max 4: cos(pi/4) = sqrt(2)/2.
    let schedule = CosineAnnealingLr::new(4, 0.01).unwrap();
    let half_sqrt2 = core::f64::consts::FRAC_1_SQRT_2;
    let high = 0.01 + 0.09 * (1.0 + half_sqrt2) / 2.0; // 0.086819805...
    let low = 0.01 + 0.09 * (1.0 - half_sqrt2) / 2.0; // 0.023180194...
    assert!((high - 0.086_819_805_153_394_6).abs() < 1e-15);
    assert!((low - 0.023_180_194_846_605_4).abs() < 1e-15);
    // Past T_max the rate climbs back along the cosine, as in PyTorch.
    assert_rates(
        &rates(&schedule, 0.1, 9),
        &[0.1, high, 0.055, low, 0.01, low, 0.055, high, 0.1],
    );
}

/// PyTorch's `CosineAnnealingLR.get_lr`, the recursive form, for one group.
fn torch_recursive_cosine(base: f64, eta_min: f64, t_max: usize, epochs: usize) -> Vec<f64> {
    let pi = core::f64::consts::PI;
    let t_max_f = t_max as f64;
    let mut lr = base;
    let mut out = vec![lr];
    for t in 1..epochs {
        let wrap = (t as i64 - 1 - t_max as i64).rem_euclid(2 * t_max as i64) == 0;
        lr = if wrap {
            lr + (base - eta_min) * (1.0 - (pi / t_max_f).cos()) / 2.0
        } else {
            (1.0 + (pi * t as f64 / t_max_f).cos())
                / (1.0 + (pi * (t as f64 - 1.0) / t_max_f).cos())
                * (lr - eta_min)
                + eta_min
        };
        out.push(lr);
    }
    out
}

#[test]
fn cosine_closed_form_equals_pytorch_recursive_form() {
    for (base, eta_min, t_max) in [(0.1, 0.0, 10), (0.5, 0.05, 7), (1.0, 0.2, 3)] {
        let schedule = CosineAnnealingLr::new(t_max, eta_min).unwrap();
        let closed = rates(&schedule, base, 4 * t_max + 1);
        let recursive = torch_recursive_cosine(base, eta_min, t_max, 4 * t_max + 1);
        for (t, (c, r)) in closed.iter().zip(&recursive).enumerate() {
            // The recursion accumulates one rounding per epoch.
            assert!(
                (c - r).abs() < 1e-13,
                "T_max {t_max}, epoch {t}: {c} vs {r}"
            );
        }
    }
}

#[test]
fn linear_lr_ramps_then_holds() {
    let warmup = LinearLr::warmup(0.25, 4).unwrap();
    assert_rates(
        &rates(&warmup, 0.2, 7),
        &[0.05, 0.0875, 0.125, 0.1625, 0.2, 0.2, 0.2],
    );
    // PyTorch's defaults: 1/3 -> 1 over 5 epochs.
    let torch_default = LinearLr::new(1.0 / 3.0, 1.0, 5).unwrap();
    let third = 1.0 / 3.0;
    let expected: Vec<f64> = (0..7)
        .map(|t: usize| third + (1.0 - third) * t.min(5) as f64 / 5.0)
        .collect();
    assert_rates(&rates(&torch_default, 1.0, 7), &expected);
    // A decreasing ramp.
    let decay = LinearLr::new(1.0, 0.5, 2).unwrap();
    assert_rates(&rates(&decay, 1.0, 4), &[1.0, 0.75, 0.5, 0.5]);
}

#[test]
fn sequential_restarts_the_second_schedule_at_the_milestone() {
    let schedule = LinearLr::warmup(0.1, 3)
        .unwrap()
        .then(StepLr::new(2, 0.5).unwrap(), 3);
    assert_eq!(schedule.milestone(), 3);
    assert_rates(
        &rates(&schedule, 1.0, 8),
        &[0.1, 0.4, 0.7, 1.0, 1.0, 0.5, 0.5, 0.25],
    );
    // Three phases by nesting.
    let three = ExponentialLr::new(0.5)
        .unwrap()
        .then(LinearLr::warmup(0.5, 1).unwrap(), 2)
        .then(CosineAnnealingLr::new(2, 0.0).unwrap(), 4);
    assert_rates(&rates(&three, 1.0, 7), &[1.0, 0.5, 0.5, 1.0, 1.0, 0.5, 0.0]);
}

#[test]
fn scheduled_sets_each_epochs_rate_and_steps_with_it() {
    let sgd = Sgd::<f64, 1>::with_lr(0.1).unwrap();
    let mut opt = Scheduled::new(sgd, StepLr::new(2, 0.5).unwrap()).unwrap();
    assert_eq!(opt.base_learning_rate(), 0.1);
    let mut p = [0.0];
    let mut seen = Vec::new();
    for epoch in 0..5 {
        assert_eq!(opt.epoch(), epoch);
        seen.push(opt.learning_rate());
        // A unit gradient moves the parameter by exactly the rate.
        let before = p[0];
        opt.step(&mut p, &[1.0]);
        assert!((before - p[0] - seen[epoch]).abs() < 1e-15);
        opt.end_epoch().unwrap();
    }
    assert_rates(&seen, &[0.1, 0.1, 0.05, 0.05, 0.025]);
    assert!((p[0] + 0.325).abs() < 1e-15);
}

#[test]
fn scheduled_rate_overrides_last_one_epoch_and_base_changes_last() {
    let sgd = Sgd::<f32, 2>::with_lr(1.0).unwrap();
    let mut opt = Scheduled::new(sgd, ExponentialLr::new(0.5).unwrap()).unwrap();
    opt.end_epoch().unwrap();
    assert_eq!(opt.learning_rate(), 0.5);
    // A one-epoch override (what an observer's SetLearningRate does).
    opt.set_learning_rate(0.01).unwrap();
    assert_eq!(opt.learning_rate(), 0.01);
    opt.end_epoch().unwrap();
    assert_eq!(opt.learning_rate(), 0.25);
    // A lasting change of the base rate.
    opt.set_base_learning_rate(4.0).unwrap();
    assert_eq!(opt.learning_rate(), 1.0);
    opt.end_epoch().unwrap();
    assert_eq!(opt.learning_rate(), 0.5);
    // Reset rewinds the schedule to epoch 0 of the current base.
    opt.reset();
    assert_eq!((opt.epoch(), opt.learning_rate()), (0, 4.0));
    assert!(opt.set_base_learning_rate(-1.0).is_err());
    assert_eq!(opt.learning_rate(), 4.0);
}

/// A user-written schedule that breaks the contract after two epochs.
struct Broken;

impl Schedule for Broken {
    fn learning_rate(&self, base_lr: f64, epoch: usize) -> f64 {
        if epoch < 2 { base_lr } else { f64::NAN }
    }
}

#[test]
fn an_invalid_scheduled_rate_is_an_error_and_not_applied() {
    let mut opt = Scheduled::new(Sgd::<f64, 1>::with_lr(0.3).unwrap(), Broken).unwrap();
    opt.end_epoch().unwrap();
    invalid(opt.end_epoch(), "lr");
    assert_eq!(opt.learning_rate(), 0.3);
    let mut p = [1.0];
    opt.step(&mut p, &[1.0]);
    assert!((p[0] - 0.7).abs() < 1e-15);
    // Refused up front when epoch 0 is already invalid.
    let at_start = |_: f64, _: usize| -1.0;
    assert!(Scheduled::new(Sgd::<f64, 1>::with_lr(0.3).unwrap(), FnSchedule(at_start)).is_err());
}

/// A schedule from a closure, for the test above.
struct FnSchedule<F>(F);

impl<F: Fn(f64, usize) -> f64> Schedule for FnSchedule<F> {
    fn learning_rate(&self, base_lr: f64, epoch: usize) -> f64 {
        (self.0)(base_lr, epoch)
    }
}

network! {
    /// A linear model for the training-loop test.
    struct Line {
        fc: Dense<1, 1>,
    }
}

#[test]
fn the_training_loop_advances_the_schedule_once_per_epoch() {
    let inputs: Vec<[f64; 1]> = (0..8).map(|i| [f64::from(i) / 8.0]).collect();
    let targets: Vec<[f64; 1]> = inputs.iter().map(|x| [2.0 * x[0] - 1.0]).collect();
    let data = Dataset::new(&inputs, &targets).unwrap();
    let mut net = Line::<f64>::seeded(3);
    let sgd = Sgd::new(SgdConfig {
        lr: 0.2,
        momentum: 0.5,
        ..SgdConfig::default()
    })
    .unwrap();
    let schedule = LinearLr::warmup(0.5, 2)
        .unwrap()
        .then(CosineAnnealingLr::new(4, 0.0).unwrap(), 2);
    let mut opt = Scheduled::new(sgd, schedule).unwrap();
    let mut reported = Vec::new();
    let config = TrainConfig {
        max_epochs: 6,
        ..TrainConfig::default()
    };
    // Four steps per epoch (8 samples, batches of 2).
    Trainer::<2>::new(config)
        .unwrap()
        .observer(EachEpoch(|r: &EpochReport| {
            reported.push(r.learning_rate);
        }))
        .fit(&mut net, &Mse, &mut opt, &data, None)
        .unwrap();
    // The report gives the rate the epoch's steps used.
    let expected: Vec<f64> = (0..6).map(|t| schedule.learning_rate(0.2, t)).collect();
    assert_rates(&reported, &expected);
    assert_rates(
        &expected,
        &[
            0.1,
            0.15,
            0.2,
            0.170_710_678_118_654_76,
            0.1,
            0.029_289_321_881_345_25,
        ],
    );
    assert_eq!(opt.epoch(), 6);
}

fn invalid(result: constnet::Result<impl core::fmt::Debug>, name: &str) {
    match result {
        Err(Error::InvalidHyperParameter { name: got, .. }) => assert_eq!(got, name),
        other => panic!("expected an invalid `{name}`, got {other:?}"),
    }
}

#[test]
fn bad_schedule_hyper_parameters_are_refused() {
    invalid(StepLr::new(0, 0.1), "step_size");
    invalid(StepLr::new(5, 1.5), "gamma");
    invalid(StepLr::new(5, -0.1), "gamma");
    invalid(StepLr::new(5, f64::NAN), "gamma");
    invalid(ExponentialLr::new(f64::INFINITY), "gamma");
    invalid(CosineAnnealingLr::new(0, 0.0), "t_max");
    invalid(CosineAnnealingLr::new(10, -1e-3), "eta_min");
    invalid(CosineAnnealingLr::new(10, f64::NAN), "eta_min");
    invalid(LinearLr::new(0.0, 1.0, 5), "start_factor");
    invalid(LinearLr::new(1.5, 1.0, 5), "start_factor");
    invalid(LinearLr::new(0.5, -0.5, 5), "end_factor");
    invalid(LinearLr::new(0.5, 1.0, 0), "total_iters");
    invalid(LinearLr::warmup(f64::NAN, 3), "start_factor");
    // Valid edge values are accepted.
    assert!(StepLr::new(1, 0.0).is_ok());
    assert!(ExponentialLr::new(1.0).is_ok());
    assert!(LinearLr::new(1.0, 0.0, 1).is_ok());
}

#[test]
fn a_scheduled_rate_too_small_for_the_scalar_is_applied_as_zero() {
    // 0.1^45 = 1e-45 rounds to f32's smallest subnormal; 1e-46 rounds to 0.
    let sgd = Sgd::<f32, 1>::with_lr(1.0).unwrap();
    let mut opt = Scheduled::new(sgd, ExponentialLr::new(0.1).unwrap()).unwrap();
    for _ in 0..45 {
        opt.end_epoch().unwrap();
    }
    assert!(opt.learning_rate() > 0.0 && (opt.learning_rate() as f32) > 0.0);
    opt.end_epoch().unwrap();
    assert_eq!(opt.learning_rate(), 0.0);
    // Given by hand, the same rate is refused: 1e-46 would silently be 0.
    invalid(opt.set_learning_rate(1e-46), "lr");
    invalid(Sgd::<f32, 1>::with_lr(1e-46), "lr");
    assert!(Sgd::<f64, 1>::with_lr(1e-46).is_ok());
}

#[test]
fn a_scaled_rate_stays_scaled_after_every_epoch_boundary() {
    let sgd = Sgd::<f64, 1>::with_lr(1.0).unwrap();
    let mut opt = Scheduled::new(sgd, StepLr::new(1, 0.5).unwrap()).unwrap();
    opt.end_epoch().unwrap();
    assert_eq!(opt.learning_rate(), 0.5);
    opt.scale_learning_rate(0.1).unwrap();
    assert_eq!(opt.learning_rate(), 0.05);
    assert_eq!(opt.base_learning_rate(), 0.1);
    opt.end_epoch().unwrap();
    // The schedule's 0.25 times the factor, not the schedule's 0.25.
    assert!((opt.learning_rate() - 0.025).abs() < 1e-17);
    // Plain optimizers scale their rate; bad factors are refused.
    let mut plain = Sgd::<f64, 1>::with_lr(0.4).unwrap();
    plain.scale_learning_rate(0.5).unwrap();
    assert_eq!(plain.learning_rate(), 0.2);
    invalid(plain.scale_learning_rate(0.0), "factor");
    invalid(plain.scale_learning_rate(f64::NAN), "factor");
    invalid(opt.scale_learning_rate(-1.0), "factor");
}

#[test]
fn the_monitors_automatic_lowering_composes_with_a_schedule() {
    use constnet::diagnostics::monitor::{AutoLr, StepRecord};
    // y = 2x - 1 on [0, 1): the curvature along the gradient is below 2, so
    // a rate of 10 is far above the stable step 2 g^T g / g^T H g and every
    // step is flagged and lowered to half the stable step.
    let inputs: Vec<[f64; 1]> = (0..8).map(|i| [f64::from(i) / 8.0]).collect();
    let targets: Vec<[f64; 1]> = inputs.iter().map(|x| [2.0 * x[0] - 1.0]).collect();
    let data = Dataset::new(&inputs, &targets).unwrap();
    let mut net = Line::<f64>::from_parameters([0.3, -0.2]);
    let mut opt = Scheduled::new(
        Sgd::<f64, 2>::with_lr(10.0).unwrap(),
        ExponentialLr::new(0.9).unwrap(),
    )
    .unwrap();
    let config = MonitorConfig {
        auto_lr: Some(AutoLr::default()),
        ..MonitorConfig::default()
    };
    let mut monitor = ConditioningMonitor::<Vec<StepRecord>>::new(config, Vec::new()).unwrap();
    let train = TrainConfig {
        max_epochs: 3,
        ..TrainConfig::default()
    };
    Trainer::<4>::new(train)
        .unwrap()
        .observer(&mut monitor)
        .fit(&mut net, &Mse, &mut opt, &data, None)
        .unwrap();
    let records = monitor.records();
    assert_eq!(records.len(), 6, "two steps per epoch");
    assert!(records[0].lowered_from == Some(10.0), "{:?}", records[0]);
    for epoch in 1..3 {
        // The rate proposed at an epoch's first step is the schedule's
        // decay of the rate the previous epoch ended with: the monitor's
        // reductions survived the boundary.
        let last = &records[2 * epoch - 1];
        let first = &records[2 * epoch];
        let proposed = first.lowered_from.unwrap_or(first.learning_rate);
        assert!(
            (proposed - 0.9 * last.learning_rate).abs() <= 1e-12 * proposed,
            "epoch {epoch}: proposed {proposed}, previous epoch ended at {}",
            last.learning_rate
        );
        assert!(proposed < 1.0, "not the schedule's 10 * 0.9^{epoch}");
    }
}
