//! Curvature analyses of the kind PyHessian, BackPACK and curvlinops
//! provide, exact, on the DIGITS model trained on the built-in digits (and
//! SINE where a dense eigen-decomposition is wanted):
//!
//! - per-layer Hessian blocks: trace, largest eigenvalues, rank, condition
//!   number;
//! - the sharpness tracked during training by warm-started Lanczos, beside
//!   `2 / lr`, with its cost;
//! - the Gauss-Newton matrix and the Fisher, and the split
//!   `H = GGN + residual` (on a smaller batch, where the full matrices are
//!   cheap);
//! - per-sample gradients and the gradient-noise scale, the batch size
//!   beyond which larger batches stop paying;
//! - the Hessian of a batch-normalized model in training mode (through the
//!   batch statistics) beside the one of its evaluation-mode loss (running
//!   statistics fixed), through `EvalMode`.
//!
//! Run: `cargo run --release --example curvature`

use std::error::Error as StdError;

use constnet::data::csv::{Header, Table};
use constnet::diagnostics::gauss_newton::{empirical_fisher_matrix, gauss_newton_split};
use constnet::diagnostics::layer_blocks::layer_blocks;
use constnet::diagnostics::per_sample::{NoiseScale, per_sample_gradients};
use constnet::diagnostics::sharpness::{SharpnessConfig, SharpnessTracker};
use constnet::matrix_free::Lanczos;
use constnet::nalgebra::DMatrix;
use constnet::prelude::*;

network! {
    /// The DIGITS model: 8 x 8 pixels, 32 hidden units, 10 logits.
    pub struct Digits {
        hidden: Dense<64, 32>,
        act: ReLU,
        out: Dense<32, 10>,
    }

    /// The SINE model: 1 -> 16 -> ReLU -> 16 -> ReLU -> 1.
    pub struct Sine {
        fc1: Dense<1, 16>,
        act1: ReLU,
        fc2: Dense<16, 16>,
        act2: ReLU,
        out: Dense<16, 1>,
    }

    /// DIGITS with batch normalization: 64 -> 16 -> BatchNorm -> ReLU -> 10.
    pub struct DigitsBn {
        hidden: Dense<64, 16>,
        bn: BatchNorm<16>,
        act: ReLU,
        out: Dense<16, 10>,
    }
}

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/digits.csv");
const LEARNING_RATE: f64 = 0.2;

type Outcome<T> = Result<T, Box<dyn StdError>>;

fn load() -> Outcome<(Vec<[f64; 64]>, Vec<usize>)> {
    let table = Table::read(DATA, Header::Absent)?;
    let mut samples = table.features_and_classes::<f64, 64>(10)?;
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
    Ok((samples.inputs, samples.targets))
}

/// Columns `start..start + B` of the data as a batch.
fn batch<const B: usize>(
    inputs: &[[f64; 64]],
    labels: &[usize],
    start: usize,
) -> (SMatrix<f64, 64, B>, [usize; B]) {
    (
        SMatrix::from_fn(|i, b| inputs[start + b][i]),
        core::array::from_fn(|b| labels[start + b]),
    )
}

/// SINE trained full-batch with Adam on sin x; its three layer blocks,
/// with every eigenvalue.
fn per_layer() -> Outcome<()> {
    let x = SMatrix::<f64, 1, 32>::from_fn(|_, b| {
        -core::f64::consts::PI + 2.0 * core::f64::consts::PI * b as f64 / 31.0
    });
    let t: [[f64; 1]; 32] = core::array::from_fn(|b| [x[b].sin()]);
    let mut net = Sine::<f64>::seeded(2);
    let mut adam = Adam::new(AdamConfig {
        lr: 0.01,
        ..AdamConfig::default()
    })?;
    let mut grad = [0.0; 321];
    for _ in 0..5000 {
        net.loss_and_gradient(&Mse, &x, &t, &mut grad)?;
        adam.step(net.parameters_mut(), &grad);
    }
    println!(
        "\nper-layer Hessian blocks of SINE after training (loss {:.1e}), exact:",
        net.evaluate(&Mse, &x, &t)?
    );
    println!("  layer  params  trace    lambda_max  2nd      3rd      lambda_min  rank  condition");
    for block in layer_blocks(&net, &Mse, &x, &t)? {
        let spectrum = block.spectrum();
        let top = spectrum.top(3);
        println!(
            "  {:<5} {:>7}  {:>7.3}  {:>10.3}  {:>7.4}  {:>7.4}  {:>10.2e}  {:>4}  {:>9.2e}",
            block.layer,
            block.range.len(),
            block.trace(),
            top[0],
            top[1],
            top[2],
            spectrum.lambda_min(),
            spectrum.rank(),
            spectrum.condition_number()
        );
    }
    Ok(())
}

fn main() -> Outcome<()> {
    let (inputs, labels) = load()?;
    let data = Dataset::new(&inputs[..1536], &labels[..1536])?;

    // Sharpness during training: plain SGD, batches of 64, every 24 steps.
    let mut net = Digits::<f64>::seeded(7);
    let mut sgd = Sgd::with_lr(LEARNING_RATE)?;
    let mut tracker = SharpnessTracker::<f64>::new(SharpnessConfig {
        every: 24,
        ..SharpnessConfig::default()
    })?;
    let config = TrainConfig {
        max_epochs: 12,
        seed: 3,
        ..TrainConfig::default()
    };
    let report = Trainer::<64>::new(config)?.observer(&mut tracker).fit(
        &mut net,
        &CrossEntropy,
        &mut sgd,
        &data,
        None,
    )?;
    println!(
        "sharpness of the batch loss while training ({} steps, lr {LEARNING_RATE}, 2 / lr = {:.0}):",
        report.steps,
        2.0 / LEARNING_RATE
    );
    println!("  step   loss    lambda_max  lr lambda / 2  residual  products");
    for record in tracker.records().iter().step_by(2) {
        println!(
            "  {:>4}  {:.4}  {:>10.3}  {:>13.3}  {:>8.1e}  {:>8}",
            record.step,
            record.loss,
            record.sharpness,
            record.edge_ratio(),
            record.residual,
            record.products
        );
    }
    let (products, seconds) = tracker.cost();
    println!(
        "  {} measurements: {products} Hessian-vector products, {:.1} ms in all ({:.0} us per product)",
        tracker.records().len(),
        1e3 * seconds,
        1e6 * seconds / products as f64
    );

    per_layer()?;
    gauss_newton(&net, &inputs, &labels)?;
    noise_scale(&net, &inputs, &labels)?;
    batch_norm_modes(&data, &inputs, &labels)
}

/// The smallest and largest eigenvalues of a symmetric matrix by Lanczos
/// (120 steps), for matrices too large for a dense decomposition.
fn extremes(m: &DMatrix<f64>) -> Outcome<(f64, f64)> {
    let start: Vec<f64> = (0..m.nrows())
        .map(|i| if i % 3 == 0 { -1.0 } else { 1.0 })
        .collect();
    let values = Lanczos::run(&mut m.clone(), &start, 120)?.ritz_values()?;
    Ok((values[0], values[values.len() - 1]))
}

/// A batch-normalized DIGITS model trained with Adam (its running
/// statistics updated every step), then the exact Hessians of its
/// training-mode and evaluation-mode losses on 32 held-out images.
fn batch_norm_modes(
    data: &Dataset<'_, f64, 64, usize>,
    inputs: &[[f64; 64]],
    labels: &[usize],
) -> Outcome<()> {
    let mut net = DigitsBn::<f64>::seeded(5);
    let mut adam = Adam::new(AdamConfig {
        lr: 0.01,
        ..AdamConfig::default()
    })?;
    let config = TrainConfig {
        max_epochs: 4,
        seed: 3,
        ..TrainConfig::default()
    };
    Trainer::<32>::new(config)?.fit(&mut net, &CrossEntropy, &mut adam, data, None)?;
    let (x, y) = batch::<32>(inputs, labels, 1600);
    let train = net.hessian(&CrossEntropy, &x, &y)?;
    let eval = EvalMode::new(net.clone()).hessian(&CrossEntropy, &x, &y)?;
    println!(
        "\nbatch-normalized DIGITS (P = 1242) after 4 epochs, Hessians on 32 held-out images:"
    );
    println!("  mode        loss     trace     lambda_min   lambda_max  ||.||_F");
    for (name, h) in [("training", &train), ("evaluation", &eval)] {
        let (low, high) = extremes(&h.matrix)?;
        println!(
            "  {name:<10} {:.4}  {:>8.4}  {low:>11.3e}  {high:>10.4}  {:>7.4}",
            h.loss,
            h.matrix.trace(),
            h.matrix.norm()
        );
    }
    println!(
        "  they differ by {:.0}% (Frobenius); the evaluation-mode loss is `evaluate` ({:.4}), its Hessian treats the running statistics as constants",
        100.0 * (&eval.matrix - &train.matrix).norm() / train.matrix.norm(),
        net.evaluate(&CrossEntropy, &x, &y)?
    );
    Ok(())
}

/// The GGN, the empirical Fisher and the split `H = GGN + R` of DIGITS at
/// `net`, on 32 images.
fn gauss_newton(net: &Digits<f64>, inputs: &[[f64; 64]], labels: &[usize]) -> Outcome<()> {
    // Gauss-Newton, Fisher and the residual on 32 images.
    let (x, y) = batch::<32>(inputs, labels, 0);
    let split = gauss_newton_split(net, &CrossEntropy, &x, &y)?;
    let fisher = empirical_fisher_matrix(net, &CrossEntropy, &x, &y)?;
    // Extremes by Lanczos on the explicit 2410 x 2410 matrices (a dense
    // eigen-decomposition of that size takes tens of seconds).
    let eigen = extremes;
    let (h_min, h_max) = eigen(&split.hessian)?;
    let (g_min, g_max) = eigen(&split.ggn)?;
    let (r_min, r_max) = eigen(&split.residual)?;
    let (f_min, f_max) = eigen(&fisher)?;
    println!(
        "\nH = GGN + residual at the trained point (32 images, loss {:.4}):",
        split.loss
    );
    println!("  matrix     trace     lambda_min   lambda_max  ||.||_F");
    for (name, m, low, high) in [
        ("Hessian", &split.hessian, h_min, h_max),
        ("GGN", &split.ggn, g_min, g_max),
        ("residual", &split.residual, r_min, r_max),
        ("emp. Fisher", &fisher, f_min, f_max),
    ] {
        // A trace of rounding size is printed as the zero it is.
        let trace = if m.trace().abs() < 1e-12 {
            0.0
        } else {
            m.trace()
        };
        println!(
            "  {name:<11} {trace:>8.4}  {low:>11.3e}  {high:>10.4}  {:>7.4}",
            m.norm()
        );
    }
    println!(
        "  the residual is {:.1}% of the Hessian (Frobenius); the GGN is positive semi-definite, the Hessian is not",
        100.0 * split.residual_share()
    );
    println!(
        "  the residual's diagonal is zero: a ReLU network's output is linear in each layer's parameters, so only cross-layer terms remain"
    );
    println!(
        "  the empirical Fisher differs from the GGN by {:.0}% (Frobenius): it is no stand-in for it",
        100.0 * (&fisher - &split.ggn).norm() / split.ggn.norm()
    );

    Ok(())
}

/// The gradient-noise scale of DIGITS at initialization and at `net`.
fn noise_scale(net: &Digits<f64>, inputs: &[[f64; 64]], labels: &[usize]) -> Outcome<()> {
    // Gradient-noise scale from per-sample gradients of 16 batches of 32.
    let mut initial = Vec::new();
    let mut trained = Vec::new();
    let start = Digits::<f64>::seeded(7);
    for k in 0..16 {
        let (x, y) = batch::<32>(inputs, labels, 32 * k);
        initial.push(per_sample_gradients(&start, &CrossEntropy, &x, &y)?.1);
        trained.push(per_sample_gradients(net, &CrossEntropy, &x, &y)?.1);
    }
    println!(
        "\ngradient-noise scale B_noise = tr(Sigma) / |G|^2 (McCandlish et al. 2018), 16 batches of 32:"
    );
    for (name, grads) in [
        ("at initialization", &initial),
        ("after training", &trained),
    ] {
        let views: Vec<&[f64]> = grads.iter().map(Vec::as_slice).collect();
        let scale = NoiseScale::from_batches(&views, 32, 2410)?;
        match scale.simple() {
            Some(noise) => println!(
                "  {name:<18} tr(Sigma) {:.3e}, |G|^2 {:.3e}: B_noise = {noise:.0}; a batch of 32 makes {:.0}% of a full-gradient step's progress",
                scale.trace_covariance,
                scale.gradient_sq,
                100.0 * scale.step_efficiency(32)
            ),
            None => println!(
                "  {name:<18} tr(Sigma) {:.3e}, |G|^2 estimate <= 0: noise dominates",
                scale.trace_covariance
            ),
        }
    }
    Ok(())
}
