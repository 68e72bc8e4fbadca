//! constnet in one run: declare the DIGITS benchmark model, train it
//! on the built-in handwritten digits (`data/digits.csv`) while a monitor
//! watches the curvature, then diagnose the point training reached with
//! the exact Hessian: empirical vs expected risk, ill-conditioned steps,
//! the Hessian's extreme eigenvalues and spectral density, the stability
//! bound `2 / lambda_max` against the learning rate, gradient flow per
//! layer, and how many parameterizations compute the same function.
//!
//! Run: `cargo run --release --example demo`

use std::error::Error as StdError;
use std::time::Instant;

use constnet::data::csv::{Header, Table};
use constnet::diagnostics::gradient_flow::layer_gradient_norms;
use constnet::diagnostics::symmetry::{Symmetry, log10_equivalent_parameterizations};
use constnet::diagnostics::{ConditioningMonitor, MonitorConfig, Ring, StepRecord};
use constnet::hessian::HessianOptions;
use constnet::matrix_free::{
    LanczosOptions, SlqOptions, hutchinson_trace, smallest_eigenvalue, spectral_density,
    top_eigenvalues,
};
use constnet::optim::{CosineAnnealingLr, Scheduled};
use constnet::prelude::*;

network! {
    /// Handwritten digits: 8 x 8 pixels in, 10 class logits out.
    pub struct Digits {
        /// 64 pixels to 32 hidden units.
        hidden: Dense<64, 32>,
        act: ReLU,
        /// 32 hidden units to 10 logits.
        out: Dense<32, 10>,
    }
}

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/digits.csv");
const BATCH: usize = 32;
const EPOCHS: usize = 40;
const LEARNING_RATE: f64 = 0.05;
/// Training samples the Hessian is taken over (the mean loss of this batch).
const PROBE: usize = 256;

type Outcome<T> = Result<T, Box<dyn StdError>>;
/// Pixel rows and their labels.
type Split = (Vec<[f32; 64]>, Vec<usize>);

fn main() -> Outcome<()> {
    let ((train_inputs, train_labels), (test_inputs, test_labels)) = load_digits()?;
    let train = Dataset::new(&train_inputs, &train_labels)?;
    let test = Dataset::new(&test_inputs, &test_labels)?;
    println!(
        "digits: {} training and {} held-out images; network {} -> 32 -> {}, {} parameters",
        train.len(),
        test.len(),
        <Digits>::INPUT,
        <Digits>::OUTPUT,
        <Digits>::PARAMS
    );
    let mut monitor = ConditioningMonitor::<Ring<StepRecord, 64>>::with_config(MonitorConfig {
        every: 25,
        ..MonitorConfig::default()
    })?;
    let net = train_network(&train, &test, &mut monitor)?;
    report_monitor(&monitor);
    diagnose(&net, &train)?;
    Ok(())
}

/// The 1797 digits, pixels scaled to [0, 1], shuffled with a seed and
/// split 1437 / 360.
fn load_digits() -> Outcome<(Split, Split)> {
    // 64 pixel counts in 0..16, then the label; no header.
    let table = Table::read(DATA, Header::Absent)?;
    let mut samples = table.features_and_classes::<f32, 64>(10)?;
    for row in &mut samples.inputs {
        for pixel in row.iter_mut() {
            *pixel /= 16.0;
        }
    }
    shuffle_together(
        &mut samples.inputs,
        &mut samples.targets,
        &mut Rng::seed_from(1),
    )?;
    let test_inputs = samples.inputs.split_off(1437);
    let test_labels = samples.targets.split_off(1437);
    Ok((
        (samples.inputs, samples.targets),
        (test_inputs, test_labels),
    ))
}

/// Momentum SGD with cosine annealing, batches of 32, early stopping on the
/// held-out loss, and a curvature monitor that takes an exact
/// Hessian-vector product on every 25th step's batch.
fn train_network(
    train: &Dataset<'_, f32, 64, usize>,
    test: &Dataset<'_, f32, 64, usize>,
    monitor: &mut ConditioningMonitor<Ring<StepRecord, 64>>,
) -> Outcome<Digits<f32>> {
    let mut net = Digits::<f32>::seeded(7);
    let sgd = Sgd::new(SgdConfig {
        lr: LEARNING_RATE,
        momentum: 0.9,
        ..SgdConfig::default()
    })?;
    let mut optimizer = Scheduled::new(sgd, CosineAnnealingLr::new(EPOCHS, 0.0)?)?;
    let config = TrainConfig {
        max_epochs: EPOCHS,
        patience: Some(6),
        seed: 3,
        ..TrainConfig::default()
    };
    println!("\nepoch  train loss  held-out loss  gap      lr      |grad|");
    let progress = EachEpoch(|r: &EpochReport| {
        if r.epoch.is_multiple_of(4) {
            println!(
                "{:>5}  {:>10.4}  {:>13.4}  {:>7.4}  {:.4}  {:.2e}",
                r.epoch,
                r.train_loss,
                r.validation_loss.unwrap_or(f64::NAN),
                r.risk_gap().unwrap_or(f64::NAN),
                r.learning_rate,
                r.gradient_norm
            );
        }
    });
    let started = Instant::now();
    let report = Trainer::<BATCH>::new(config)?
        .observer((progress, monitor))
        .fit(&mut net, &CrossEntropy, &mut optimizer, train, Some(test))?;
    println!(
        "stopped after {} epochs ({} steps, {:.2} s): {:?}",
        report.epochs,
        report.steps,
        started.elapsed().as_secs_f64(),
        report.stop
    );
    println!(
        "accuracy: training {:.1}%, held-out {:.1}%",
        100.0 * accuracy(&net, train)?,
        100.0 * accuracy(&net, test)?
    );
    if let (Some(held_out), Some((best_epoch, best))) =
        (report.final_validation_loss, report.best_validation)
    {
        println!(
            "empirical risk {:.4}, expected-risk estimate {:.4}: gap {:.4} (best held-out {:.4} at epoch {})",
            report.final_loss,
            held_out,
            held_out - report.final_loss,
            best,
            best_epoch
        );
    }
    Ok(net)
}

/// Ill-conditioning, as the monitor saw it during training.
fn report_monitor(monitor: &ConditioningMonitor<Ring<StepRecord, 64>>) {
    let summary = monitor.summary();
    println!(
        "\nill-conditioning monitor ({} steps measured):",
        summary.measured
    );
    println!(
        "  steps predicted to raise the loss (1/2 eps g'Hg > g'g): {}; curvature-growth warnings: {}",
        summary.flagged, summary.growth_warnings
    );
    println!(
        "  step    lr      g'g       g'Hg      stable step  -eps g model  model of the step taken  actual change"
    );
    for record in monitor.records().iter().step_by(8) {
        println!(
            "  {:>4}  {:.4}  {:.2e}  {:.2e}  {:>11.3}  {:>+12.2e}  {:>+23.2e}  {:>+13.2e}",
            record.step,
            record.learning_rate,
            record.curvature.gradient_sq,
            record.curvature.curvature,
            record.max_stable_step().unwrap_or(f64::INFINITY),
            record.predicted_change,
            record.step_model_change.unwrap_or(f64::NAN),
            record.actual_change
        );
    }
    println!(
        "  (with momentum the step taken is not -eps g; the second-order model of the step taken tracks the actual change)"
    );
}

/// The point training reached, in f64: the exact Hessian of the mean loss
/// over 256 training images, its extreme eigenvalues, trace and density,
/// the gradient per layer, and the symmetry count.
fn diagnose(net: &Digits<f32>, train: &Dataset<'_, f32, 64, usize>) -> Outcome<()> {
    let point = Digits::<f64>::from_parameters(net.parameters().map(f64::from));
    let indices: [usize; PROBE] = core::array::from_fn(|k| k);
    let (x32, labels) = train.gather(&indices);
    let x = x32.map(f64::from);
    let started = Instant::now();
    let options = HessianOptions {
        threads: 2,
        ..HessianOptions::default()
    };
    let mut grad: Box<[f64; 2410]> = vec![0.0; 2410]
        .into_boxed_slice()
        .try_into()
        .map_err(|_| "gradient length")?;
    let mut hessian = vec![0.0; 2410 * 2410];
    // A spinner while the Hessian is computed (about a second on a slow
    // machine); hidden when the output is not a terminal.
    let spinner = indicatif::ProgressBar::new_spinner().with_message(format!(
        "exact 2410 x 2410 Hessian over {PROBE} images on 2 threads"
    ));
    spinner.enable_steady_tick(std::time::Duration::from_millis(100));
    let loss = point.hessian_with(
        &CrossEntropy,
        &x,
        &labels,
        &options,
        &mut grad,
        &mut hessian,
    );
    spinner.finish_and_clear();
    let loss = loss?;
    let exact_trace: f64 = (0..2410).map(|i| hessian[i * 2410 + i]).sum();
    println!(
        "\nexact Hessian at the trained point: 2410 x 2410 in {:.0} ms (loss {:.4} on {PROBE} training images, trace {:.3})",
        1e3 * started.elapsed().as_secs_f64(),
        loss,
        exact_trace
    );

    println!("gradient norm per layer:");
    for layer in layer_gradient_norms(&point, &grad) {
        println!(
            "  {:<7} {:.3e} over {} parameters",
            layer.layer, layer.norm, layer.params
        );
    }

    let mut operator = point.hessian_operator(&CrossEntropy, &x, &labels);
    let lanczos = LanczosOptions { steps: 60, seed: 0 };
    let top = top_eigenvalues(&mut operator, 3, lanczos)?;
    let lowest = smallest_eigenvalue(&mut operator, lanczos)?;
    let trace = hutchinson_trace(&mut operator, 40, 0)?;
    println!(
        "Lanczos (matrix-free): largest eigenvalues {:.4}, {:.4}, {:.4}; most negative {:.2e}",
        top[0], top[1], top[2], lowest
    );
    println!(
        "Hutchinson trace {:.3} +- {:.3} (exact {:.3})",
        trace.trace,
        trace.standard_error.unwrap_or(0.0),
        exact_trace
    );
    // Lanczos extremes are exact extremes of a Krylov subspace: a negative
    // one proves negative curvature.
    if lowest < -1e-6 * top[0] {
        println!(
            "negative curvature {:.2e} ({:.1}% of lambda_max): not a minimum yet, a saddle-shaped point with directions that still descend",
            lowest,
            100.0 * -lowest / top[0]
        );
    } else {
        println!("no negative curvature found: a minimum up to numerical zero");
    }
    println!(
        "stability bound for gradient descent 2 / lambda_max = {:.3}; the base learning rate was {LEARNING_RATE}",
        2.0 / top[0]
    );

    // Where the curvature lives: most eigenvalues near 0, a few outliers.
    let density = spectral_density(
        &mut operator,
        SlqOptions {
            runs: 4,
            steps: 40,
            seed: 0,
        },
    )?;
    let width = (top[0] - lowest.min(0.0)) / 40.0;
    println!("spectral density (stochastic Lanczos quadrature; bar length ~ log10 density):");
    for (t, d) in density.grid(12, width * width, 0.05)? {
        let bar = ((d.max(1e-6).log10() + 6.0) * 6.0).max(0.0) as usize;
        println!("  {t:>7.3} {d:>9.2e} | {}", "#".repeat(bar));
    }

    // Non-identifiability: the 32 hidden units can be relabelled freely.
    let log10 = log10_equivalent_parameterizations(
        <Digits as Network<f32, 64, 10, 2410>>::LAYERS,
        Symmetry::Permutations,
    );
    println!(
        "\nevery point has 32! = 10^{log10:.1} equivalent parameterizations (hidden-unit permutations)"
    );
    Ok(())
}
