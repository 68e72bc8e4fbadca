//! The ill-conditioning monitor against closed forms: a two-parameter quadratic
//! (`H = [[3, 1], [1, 2]]` at `x = (1, -2)`), realised as a declared linear
//! model whose MSE loss is exactly `1/2 theta^T H theta`, where the
//! second-order prediction must equal the actual change; the general step
//! model under momentum; the growth rule; automatic learning-rate lowering;
//! and a too-large learning rate on the SINE model, flagged before the loss
//! rises.

use crate::common::models::Sine;
use constnet::diagnostics::{
    AutoLr, ConditioningMonitor, CurvatureGrowth, GradientCurvature, MonitorConfig, Ring,
    StepRecord, quadratic_model_change,
};
use constnet::prelude::*;
use constnet::train::StepView;

network! {
    /// `y = w x + b`: with inputs 2, 1, 0, -1 and targets 0 its MSE is
    /// `1/2 theta^T H theta`, `theta = (w, b)`, `H = [[3, 1], [1, 2]]`.
    struct Line { fc: Dense<1, 1> }
}

/// Rounding tolerance for quantities of order one computed in f64.
const EXACT: f64 = 1e-12;

const QUADRATIC_INPUTS: [[f64; 1]; 4] = [[2.0], [1.0], [0.0], [-1.0]];
const QUADRATIC_TARGETS: [[f64; 1]; 4] = [[0.0]; 4];

/// `1/2 theta^T H theta` for the two-parameter `H`.
fn quadratic(theta: [f64; 2]) -> f64 {
    let [w, b] = theta;
    0.5 * (3.0 * w * w + 2.0 * w * b + 2.0 * b * b)
}

/// Trains the line from `theta = (1, -2)` for `epochs` full-batch steps and
/// returns the monitor's records and the final parameters.
fn train_quadratic(
    mut optimizer: impl Optimizer<f64, 2>,
    epochs: usize,
    auto_lr: Option<AutoLr>,
) -> (Vec<StepRecord>, [f64; 2], f64) {
    let data = Dataset::new(&QUADRATIC_INPUTS, &QUADRATIC_TARGETS).unwrap();
    let mut net = Line::<f64>::from_parameters([1.0, -2.0]);
    let config = MonitorConfig {
        auto_lr,
        ..MonitorConfig::default()
    };
    let mut monitor = ConditioningMonitor::new(config, Vec::new()).unwrap();
    let train = TrainConfig {
        max_epochs: epochs,
        ..TrainConfig::default()
    };
    Trainer::<4>::new(train)
        .unwrap()
        .observer(&mut monitor)
        .fit(&mut net, &Mse, &mut optimizer, &data, None)
        .unwrap();
    let lr = optimizer.learning_rate();
    (monitor.into_records(), *net.parameters(), lr)
}

#[test]
fn the_seed_example_in_closed_form() {
    // g = H x = (1, -3), H g = (0, -5): g^T g = 10, g^T H g = 15.
    let c = GradientCurvature::new(10.0, 15.0);
    assert!((c.predicted_change(0.1) - -0.925).abs() < EXACT);
    assert!((c.predicted_change(0.3) - -2.325).abs() < EXACT);
    assert!((c.optimal_step().unwrap() - 2.0 / 3.0).abs() < EXACT);
    assert!((c.max_stable_step().unwrap() - 4.0 / 3.0).abs() < EXACT);
    assert!((c.rayleigh_quotient().unwrap() - 1.5).abs() < EXACT);
    // The optimal step gives the model's minimum, -(g^T g)^2 / (2 g^T H g).
    assert!((c.predicted_change(2.0 / 3.0) - -10.0 / 3.0).abs() < EXACT);
    for (lr, raises) in [(0.1, false), (1.3, false), (1.34, true), (3.0, true)] {
        assert_eq!(c.raises_loss(lr), raises, "lr {lr}");
        assert_eq!(c.predicted_change(lr) > 0.0, raises, "lr {lr}");
    }
    // The general form along d = -0.1 g with H d = -0.1 H g.
    let (g, d, hd) = ([1.0, -3.0], [-0.1, 0.3], [0.0, 0.5]);
    assert!((quadratic_model_change(&g, &d, &hd) - -0.925).abs() < EXACT);
    // Negative or zero curvature: no step is too long for the model.
    assert_eq!(GradientCurvature::new(1.0, -2.0).max_stable_step(), None);
    assert!(!GradientCurvature::new(1.0, -2.0).raises_loss(1e9));
    assert_eq!(GradientCurvature::new(0.0, 0.0).rayleigh_quotient(), None);
}

#[test]
fn the_declared_quadratic_has_the_seeds_gradient_and_curvature() {
    let net = Line::<f64>::from_parameters([1.0, -2.0]);
    let x = SMatrix::<f64, 1, 4>::from_column_slice(&[2.0, 1.0, 0.0, -1.0]);
    let (loss, c) = GradientCurvature::measure(&net, &Mse, &x, &QUADRATIC_TARGETS).unwrap();
    assert!((loss - quadratic([1.0, -2.0])).abs() < EXACT);
    assert_eq!((c.gradient_sq, c.curvature), (10.0, 15.0));
}

#[test]
fn predicted_change_equals_actual_change_on_the_quadratic() {
    for (lr, expected) in [(0.1, -0.925), (0.3, -2.325), (2.0 / 3.0, -10.0 / 3.0)] {
        let (records, theta, _) = train_quadratic(Sgd::with_lr(lr).unwrap(), 1, None);
        let r = records[0];
        assert_eq!(
            (r.step, r.curvature.gradient_sq, r.curvature.curvature),
            (0, 10.0, 15.0)
        );
        assert!(
            (r.predicted_change - expected).abs() < EXACT,
            "lr {lr}: {r:?}"
        );
        assert!((r.actual_change - expected).abs() < EXACT, "lr {lr}: {r:?}");
        // Independently: the loss at the new parameters, in closed form.
        let direct = quadratic(theta) - quadratic([1.0, -2.0]);
        assert!((direct - expected).abs() < EXACT, "lr {lr}");
        assert!((r.step_model_change.unwrap() - expected).abs() < EXACT);
        assert!((r.optimal_step().unwrap() - 2.0 / 3.0).abs() < EXACT);
        assert!((r.max_stable_step().unwrap() - 4.0 / 3.0).abs() < EXACT);
        assert!(!r.flagged);
    }
}

#[test]
fn a_step_beyond_the_stable_step_is_flagged_and_raises_the_loss() {
    let (records, _, _) = train_quadratic(Sgd::with_lr(1.5).unwrap(), 1, None);
    let r = records[0];
    // 1/2 1.5^2 15 - 1.5 10 = 1.875 > 0.
    assert!(r.flagged);
    assert!((r.predicted_change - 1.875).abs() < EXACT);
    assert!((r.actual_change - 1.875).abs() < EXACT);
}

#[test]
fn the_step_model_follows_momentum_and_adam_where_the_gradient_model_does_not() {
    let sgd = SgdConfig {
        lr: 0.1,
        momentum: 0.9,
        weight_decay: 0.01,
        ..SgdConfig::default()
    };
    let adam = AdamConfig {
        lr: 0.3,
        ..AdamConfig::default()
    };
    for (name, records) in [
        ("sgd", train_quadratic(Sgd::new(sgd).unwrap(), 6, None).0),
        ("adam", train_quadratic(Adam::new(adam).unwrap(), 6, None).0),
    ] {
        assert_eq!(records.len(), 6);
        let mut largest_gap: f64 = 0.0;
        for r in &records {
            let model = r.step_model_change.unwrap();
            assert!((model - r.actual_change).abs() < EXACT, "{name}: {r:?}");
            largest_gap = largest_gap.max((r.predicted_change - r.actual_change).abs());
        }
        // Momentum, weight decay and Adam's scaling make d differ from -eps g.
        assert!(largest_gap > 0.05, "{name}: gap {largest_gap}");
    }
}

#[test]
fn auto_lr_takes_the_optimal_step_instead_of_a_flagged_one() {
    let (records, _, lr) = train_quadratic(Sgd::with_lr(1.5).unwrap(), 1, Some(AutoLr::default()));
    let r = records[0];
    assert!(r.flagged);
    assert_eq!(r.lowered_from, Some(1.5));
    // 0.5 * (2 g^T g / g^T H g) = 2/3, the optimal step.
    assert!((r.learning_rate - 2.0 / 3.0).abs() < EXACT);
    assert!((lr - 2.0 / 3.0).abs() < EXACT);
    assert!((r.actual_change - -10.0 / 3.0).abs() < EXACT);
}

#[test]
fn growth_windows_compare_block_means() {
    let mut growth = CurvatureGrowth::new(3, 10.0).unwrap();
    let samples = [
        (1.0, 1.0),
        (2.0, 2.0),
        (3.0, 3.0), // window 0: means (2, 2)
        (2.0, 30.0),
        (2.0, 20.0),
        (2.0, 10.0), // window 1: (2, 20): curvature x10, gradient kept: warn
        (1.0, 500.0),
        (1.0, 500.0),
        (1.0, 500.0), // window 2: (1, 500): x25 but the gradient shrank: no warning
        (1.0, 5000.0),
        (f64::NAN, 1e9), // ignored
        (1.0, 5000.0),
        (1.0, 4999.0), // window 3: (1, 4999.67): x9.99: no warning
    ];
    let warnings: Vec<usize> = samples
        .iter()
        .enumerate()
        .filter_map(|(k, &(gg, ghg))| growth.push(GradientCurvature::new(gg, ghg)).map(|w| (k, w)))
        .map(|(k, w)| {
            assert_eq!(w.previous, GradientCurvature::new(2.0, 2.0));
            assert_eq!(w.current, GradientCurvature::new(2.0, 20.0));
            assert_eq!(w.growth(), 10.0);
            k
        })
        .collect();
    assert_eq!(warnings, [5]);
    assert!(CurvatureGrowth::new(0, 10.0).is_err());
    assert!(CurvatureGrowth::new(3, 1.0).is_err());
}

/// Calls the monitor as the training loop does, for one step on the batch
/// `inputs`, with the learning rate `lr` (no update is made).
fn observe_step(
    monitor: &mut ConditioningMonitor<Ring<StepRecord, 4>>,
    net: &Line<f64>,
    inputs: &SMatrix<f64, 1, 4>,
    step: usize,
    lr: f64,
) -> (Control, GradientCurvature) {
    let mut gradient = [0.0; 2];
    let loss = net
        .loss_and_gradient(&Mse, inputs, &QUADRATIC_TARGETS, &mut gradient)
        .unwrap();
    let view = |previous| StepView {
        epoch: 0,
        step,
        network: net,
        loss_fn: &Mse,
        inputs,
        targets: &QUADRATIC_TARGETS,
        loss,
        gradient: &gradient,
        learning_rate: lr,
        previous_parameters: previous,
    };
    let control = Observer::<f64>::before_step(monitor, &view(None));
    let before = *net.parameters();
    Observer::<f64>::after_step(monitor, &view(Some(&before)));
    let (_, c) = GradientCurvature::measure(net, &Mse, inputs, &QUADRATIC_TARGETS).unwrap();
    (control, c)
}

#[test]
fn the_monitor_warns_on_growth_and_lowers_the_rate_by_the_decay() {
    let config = MonitorConfig {
        growth_window: 1,
        auto_lr: Some(AutoLr {
            stable_fraction: 0.5,
            growth_decay: 0.25,
        }),
        ..MonitorConfig::default()
    };
    let mut monitor = ConditioningMonitor::<Ring<StepRecord, 4>>::with_config(config).unwrap();
    let net = Line::<f64>::from_parameters([1.0, -2.0]);
    let small = SMatrix::<f64, 1, 4>::from_column_slice(&[2.0, 1.0, 0.0, -1.0]);
    let large = small * 4.0;
    let lr = 1e-5; // far below every stable step: only the growth rule acts
    let (control, first) = observe_step(&mut monitor, &net, &small, 0, lr);
    assert_eq!(control, Control::Continue);
    let (control, second) = observe_step(&mut monitor, &net, &large, 1, lr);
    // Independently: x -> 4x makes g = (40, 0), H = [[48, 4], [4, 2]].
    assert_eq!((second.gradient_sq, second.curvature), (1600.0, 76800.0));
    assert!(second.curvature >= 10.0 * first.curvature && second.gradient_sq >= first.gradient_sq);
    assert_eq!(control, Control::ScaleLearningRate(0.25));
    let (control, _) = observe_step(&mut monitor, &net, &small, 2, lr);
    assert_eq!(control, Control::Continue);

    let records = monitor.records();
    assert_eq!(records.len(), 3);
    let flagged: Vec<bool> = records.iter().map(|r| r.growth_warning.is_some()).collect();
    assert_eq!(flagged, [false, true, false]);
    assert_eq!(records.get(1).unwrap().lowered_from, Some(lr));
    let summary = monitor.summary();
    assert_eq!(
        (summary.growth_warnings, summary.first_growth_warning),
        (1, Some(1))
    );
    assert_eq!(
        (summary.flagged, summary.lowered, summary.measured),
        (0, 1, 3)
    );
}

#[test]
fn every_k_steps_and_a_full_ring_keep_the_latest() {
    let data = Dataset::new(&QUADRATIC_INPUTS, &QUADRATIC_TARGETS).unwrap();
    let mut net = Line::<f64>::from_parameters([1.0, -2.0]);
    let config = MonitorConfig {
        every: 3,
        ..MonitorConfig::default()
    };
    let mut monitor = ConditioningMonitor::<Ring<StepRecord, 2>>::with_config(config).unwrap();
    let train = TrainConfig {
        max_epochs: 10,
        ..TrainConfig::default()
    };
    Trainer::<4>::new(train)
        .unwrap()
        .observer(&mut monitor)
        .fit(&mut net, &Mse, &mut Sgd::with_lr(0.1).unwrap(), &data, None)
        .unwrap();
    // Steps 0, 3, 6, 9 measured; the ring keeps 6 and 9.
    let ring = monitor.records();
    assert_eq!(monitor.summary().measured, 4);
    assert_eq!(ring.iter().map(|r| r.step).collect::<Vec<_>>(), [6, 9]);
    assert_eq!(ring.overwritten(), 2);
    assert!(
        ConditioningMonitor::<()>::new(
            MonitorConfig {
                every: 0,
                ..MonitorConfig::default()
            },
            ()
        )
        .is_err()
    );
}

/// SINE on 256 points of [0, 2 pi], minibatches of 32, plain SGD at `lr`.
fn train_sine(
    lr: f64,
    auto_lr: Option<AutoLr>,
) -> (ConditioningMonitor<Vec<StepRecord>>, History, f64) {
    let xs: Vec<[f32; 1]> = (0..256)
        .map(|i| [core::f32::consts::TAU * (i as f32 + 0.5) / 256.0])
        .collect();
    let ys: Vec<[f32; 1]> = xs.iter().map(|x| [x[0].sin()]).collect();
    let data = Dataset::new(&xs, &ys).unwrap();
    let mut net = Sine::<f32>::seeded(11);
    let initial = constnet::train::mean_loss(&net, &Mse, &data).unwrap();
    let config = MonitorConfig {
        auto_lr,
        ..MonitorConfig::default()
    };
    let mut monitor = ConditioningMonitor::new(config, Vec::new()).unwrap();
    let mut history = History::default();
    let train = TrainConfig {
        max_epochs: 4,
        seed: 5,
        ..TrainConfig::default()
    };
    Trainer::<32>::new(train)
        .unwrap()
        .observer((&mut monitor, &mut history))
        .fit(&mut net, &Mse, &mut Sgd::with_lr(lr).unwrap(), &data, None)
        .unwrap();
    (monitor, history, initial)
}

#[test]
fn a_too_large_rate_on_sine_is_flagged_before_the_loss_rises() {
    let (monitor, history, initial) = train_sine(0.5, None);
    let summary = *monitor.summary();
    let first_flag = summary
        .first_flagged
        .expect("the too-large rate is flagged");
    let first_rise = summary
        .first_rise
        .expect("the too-large rate raises the loss");
    // The flag of step k is raised in `before_step`, before the update; the
    // rise of step k is measured in `after_step`, after it.
    assert!(
        first_flag <= first_rise,
        "flag {first_flag}, rise {first_rise}"
    );
    let flagged = monitor.records()[first_flag];
    assert!(flagged.predicted_change > 0.0 && flagged.actual_change > 0.0);
    // Every flag is the rule, and the rule is the prediction's sign.
    for r in monitor.records() {
        assert_eq!(r.flagged, r.curvature.raises_loss(r.learning_rate));
        assert_eq!(r.flagged, r.predicted_change > 0.0);
    }
    // The empirical risk over the epoch rose too.
    assert!(history.epochs[0].train_loss > initial);

    // A rate below every stable step met is never flagged, nor raises a batch's loss.
    let (calm, _, _) = train_sine(0.01, None);
    assert_eq!(calm.summary().flagged, 0);
    assert_eq!(calm.summary().first_rise, None);
}

#[test]
fn auto_lr_rescues_the_too_large_rate_on_sine() {
    let (monitor, history, initial) = train_sine(0.5, Some(AutoLr::default()));
    let first = monitor.records()[0];
    assert!(first.flagged && first.lowered_from == Some(0.5));
    assert!(first.actual_change < 0.0);
    let last = history.epochs.last().unwrap();
    assert!(last.learning_rate < 0.5);
    assert!(
        last.train_loss < initial,
        "{} vs {initial}",
        last.train_loss
    );
}

#[test]
fn a_rate_stable_at_first_is_flagged_exactly_at_the_step_that_raises_the_loss() {
    // lr 0.05 is below the largest stable step 2 g'g / g'Hg of the first
    // batch, so step 0 lowers the loss unflagged; the next batch's curvature
    // makes the same rate too large, and that step is flagged before it is
    // taken and then raises its batch's loss.
    let (monitor, _, _) = train_sine(0.05, None);
    let records = monitor.records();
    assert!(!records[0].flagged && records[0].actual_change < 0.0);
    assert!(records[0].max_stable_step().is_some_and(|s| s > 0.05));
    let summary = *monitor.summary();
    assert_eq!(summary.first_flagged, Some(1));
    assert_eq!(summary.first_rise, Some(1));
    let flagged = records[1];
    assert!(flagged.flagged && flagged.predicted_change > 0.0 && flagged.actual_change > 0.0);
    assert!(flagged.max_stable_step().is_some_and(|s| s < 0.05));
}
