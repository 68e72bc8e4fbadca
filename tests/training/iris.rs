//! The Iris example's own pipeline (`examples/03_iris.rs`, compiled in as a
//! module) run under `cargo test`: the fixed seeds reach the 95% test
//! accuracy the example claims, every epoch reports both risks, and batch
//! normalization's running statistics were tracked once per step.

#[path = "../../examples/03_iris.rs"]
#[allow(dead_code)]
mod example;

use constnet::network::Network;

#[test]
fn iris_example_reaches_95_percent_test_accuracy() {
    let mut reports = Vec::new();
    let outcome = example::run(example::SETTINGS, |r| reports.push(*r)).unwrap();
    assert!(
        outcome.test_accuracy >= 0.95,
        "test accuracy {}",
        outcome.test_accuracy
    );
    assert!(
        outcome.train_accuracy >= 0.9,
        "train accuracy {}",
        outcome.train_accuracy
    );
    assert_eq!(outcome.species, ["setosa", "versicolor", "virginica"]);

    // 120 training samples in batches of 16: 8 steps per epoch, the last
    // batch completed from the start of the epoch's order.
    assert_eq!(reports.len(), example::EPOCHS);
    let steps = example::EPOCHS * 120_usize.div_ceil(example::BATCH);
    assert_eq!(outcome.report.steps, steps);
    assert_eq!(outcome.net.batches_tracked(), [steps as u64]);
    for r in &reports {
        let held_out = r.validation_loss.expect("a held-out set was given");
        assert!(held_out.is_finite() && r.train_loss.is_finite());
        assert_eq!(r.risk_gap(), Some(held_out - r.train_loss));
    }
    // The cosine schedule: the rate during epoch t is
    // base (1 + cos(pi t / T)) / 2, from the base rate at epoch 0.
    for r in &reports {
        let t = r.epoch as f64 / example::EPOCHS as f64;
        let expected = example::LEARNING_RATE * (1.0 + (std::f64::consts::PI * t).cos()) / 2.0;
        assert!(
            (r.learning_rate - expected).abs() < 1e-12,
            "epoch {}",
            r.epoch
        );
    }
    // Training lowered the empirical risk well below chance (ln 3).
    let last = reports.last().unwrap();
    assert!(last.train_loss < 0.3 && last.train_loss < reports[0].train_loss);
}
