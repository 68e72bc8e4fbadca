//! A small convolutional network on the built-in handwritten digits
//! (`data/digits.csv`), read as 1 x 8 x 8 images: a padded 3 x 3
//! convolution to 8 channels, ReLU, 2 x 2 max pooling, flatten, dense to
//! 10 logits. It is trained beside the demo's multilayer perceptron
//! (64 -> 32 -> 10) with the same split (1437 / 360, shuffled with seed 1),
//! optimizer and schedule, and the run prints both accuracies, parameter
//! counts and multiply-adds per sample. The CNN is then quantized to int8
//! (`DigitsCnn::quantize`, calibrated on the training images with min/max):
//! the run prints its held-out accuracy and fails if it is not within one
//! percentage point of the f32 network's.
//!
//! Run: `cargo run --release --example digits_cnn`

use std::error::Error as StdError;
use std::time::Instant;

use constnet::data::csv::{Header, Table};
use constnet::optim::{CosineAnnealingLr, Scheduled};
use constnet::prelude::*;

network! {
    /// 1 x 8 x 8 pixels in, 10 class logits out.
    pub struct DigitsCnn {
        /// Eight 3 x 3 filters, padded so the map stays 8 x 8.
        conv: Conv2d<1, 8, 3, 3, 8, 8>(padding = 1),
        act: ReLU,
        /// 8 x 8 x 8 to 8 x 4 x 4.
        pool: MaxPool2d<8, 8, 8, 2>,
        flat: Flatten,
        /// 128 features to 10 logits.
        out: Dense<128, 10>,
    }

    /// The demo's multilayer perceptron, for comparison.
    pub struct DigitsMlp {
        hidden: Dense<64, 32>,
        act: ReLU,
        out: Dense<32, 10>,
    }
}

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/digits.csv");
const BATCH: usize = 32;
const EPOCHS: usize = 40;

type Outcome<T> = Result<T, Box<dyn StdError>>;
/// Pixel rows and their labels.
type Split = (Vec<[f32; 64]>, Vec<usize>);

/// Multiply-adds of one forward pass of one sample: the convolution's
/// `C_out H_out W_out` outputs of `C_in / groups * KH * KW` taps each, and
/// a dense layer's `out x in` weights.
const CNN_MACS: usize = 8 * 8 * 8 * 9 + 10 * 128;
const MLP_MACS: usize = 32 * 64 + 10 * 32;

fn main() -> Outcome<()> {
    let ((train_inputs, train_labels), (test_inputs, test_labels)) = load_digits()?;
    let train = Dataset::new(&train_inputs, &train_labels)?;
    let test = Dataset::new(&test_inputs, &test_labels)?;
    println!(
        "digits: {} training and {} held-out images, 1 x 8 x 8 each",
        train.len(),
        test.len()
    );
    let mut cnn = DigitsCnn::<f32>::seeded(7);
    let cnn_seconds = fit(&mut cnn, &train, &test)?;
    let mut mlp = DigitsMlp::<f32>::seeded(7);
    let mlp_seconds = fit(&mut mlp, &train, &test)?;
    let (cnn_accuracy, mlp_accuracy) = (accuracy(&cnn, &test)?, accuracy(&mlp, &test)?);
    println!(
        "\nmodel                                   parameters  multiply-adds  held-out accuracy  training"
    );
    println!(
        "Conv2d(1->8, 3x3, pad 1) ReLU MaxPool 2  {:>10}  {:>13}  {:>16.1}%  {:>6.2} s",
        <DigitsCnn>::PARAMS,
        CNN_MACS,
        100.0 * cnn_accuracy,
        cnn_seconds
    );
    println!(
        "Dense 64 -> 32, ReLU, Dense 32 -> 10     {:>10}  {:>13}  {:>16.1}%  {:>6.2} s",
        <DigitsMlp>::PARAMS,
        MLP_MACS,
        100.0 * mlp_accuracy,
        mlp_seconds
    );
    if cnn_accuracy < 0.9 {
        return Err(format!("the CNN reached only {:.1}%", 100.0 * cnn_accuracy).into());
    }
    let q8: DigitsCnnQ8 = cnn.quantize(&Calibration::new(&train_inputs))?;
    let correct = test_inputs
        .iter()
        .zip(&test_labels)
        .filter(|&(x, &label)| argmax(&q8.forward_real(x)) == label)
        .count();
    let int8_accuracy = correct as f64 / test_inputs.len() as f64;
    println!(
        "int8 CNN (weights per channel, activations per tensor): held-out accuracy {:.1}% (f32 {:.1}%)",
        100.0 * int8_accuracy,
        100.0 * cnn_accuracy
    );
    if (int8_accuracy - cnn_accuracy).abs() > 0.01 {
        return Err("the int8 CNN is not within 1 point of the f32 one".into());
    }
    Ok(())
}

/// The index of the largest value (the first of equals).
fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best
}

/// The 1797 digits, pixels scaled to [0, 1], shuffled with a seed and
/// split 1437 / 360 (as the demo does).
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

/// The demo's training: momentum SGD (lr 0.05, momentum 0.9) with cosine
/// annealing over 40 epochs, batches of 32, early stopping on the held-out
/// loss (patience 6). Returns the seconds it took.
fn fit<N: Network<f32, 64, 10, P>, const P: usize>(
    net: &mut N,
    train: &Dataset<'_, f32, 64, usize>,
    test: &Dataset<'_, f32, 64, usize>,
) -> Outcome<f64> {
    let sgd = Sgd::new(SgdConfig {
        lr: 0.05,
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
    let started = Instant::now();
    let report = Trainer::<BATCH>::new(config)?.fit(
        net,
        &CrossEntropy,
        &mut optimizer,
        train,
        Some(test),
    )?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} parameters: {} epochs, final training loss {:.4}, held-out accuracy {:.1}%",
        P,
        report.epochs,
        report.final_loss,
        100.0 * accuracy(net, test)?
    );
    Ok(seconds)
}
