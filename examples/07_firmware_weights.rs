//! From the PC to a microcontroller: train SINE and DIGITS here, then write
//! each trained network as Rust source that a firmware `include!`s, so the
//! weights sit in flash and the firmware links inference code only.
//!
//! Run: `cargo run --release --example firmware_weights [-- OUTPUT_DIR]`
//!
//! Writes `sine_model.rs` and `digits_model.rs` into `OUTPUT_DIR` (default:
//! the firmware crate's `tests/firmware/src/models/`). Training is seeded,
//! so the files are the same bits on every run; CI regenerates them and
//! fails if they differ from the committed ones.

use std::path::PathBuf;

use constnet::data::csv::{Header, Table};
use constnet::interop::rust_source::{RustSource, write_rust_source};
use constnet::prelude::*;
use core::f32::consts::PI;

network! {
    /// SINE (1-16-16-1, ReLU): fits y = sin x on [-pi, pi].
    pub struct Sine {
        fc1: Dense<1, 16>,
        act1: ReLU,
        fc2: Dense<16, 16>,
        act2: ReLU,
        out: Dense<16, 1>,
    }

    /// DIGITS (64-32-10, ReLU): 8 x 8 pixels in, 10 class logits out.
    pub struct Digits {
        fc1: Dense<64, 32>,
        act: ReLU,
        out: Dense<32, 10>,
    }
}

type Outcome<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Outcome<()> {
    let dir = std::env::args_os().nth(1).map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/firmware/src/models"
            ))
        },
        PathBuf::from,
    );
    let sine = train_sine()?;
    write_rust_source(dir.join("sine_model.rs"), &sine, &RustSource::new("Sine"))?;
    let digits = train_digits()?;
    write_rust_source(
        dir.join("digits_model.rs"),
        &digits,
        &RustSource::new("Digits"),
    )?;
    println!(
        "wrote {} and {}",
        dir.join("sine_model.rs").display(),
        dir.join("digits_model.rs").display()
    );
    Ok(())
}

/// SINE on 1000 seeded points of [-pi, pi], Adam, batches of 32; held-out
/// MSE on 200 even points must be below 0.01.
fn train_sine() -> Outcome<Sine<f32>> {
    let mut rng = Rng::seed_from(3);
    let inputs: Vec<[f32; 1]> = (0..1000)
        .map(|_| [rng.uniform_in(-f64::from(PI), f64::from(PI)) as f32])
        .collect();
    let targets: Vec<[f32; 1]> = inputs.iter().map(|x| [x[0].sin()]).collect();
    let test_inputs: Vec<[f32; 1]> = (0..200)
        .map(|i| [-PI + 2.0 * PI * (i as f32 + 0.5) / 200.0])
        .collect();
    let test_targets: Vec<[f32; 1]> = test_inputs.iter().map(|x| [x[0].sin()]).collect();
    let (data, test) = (
        Dataset::new(&inputs, &targets)?,
        Dataset::new(&test_inputs, &test_targets)?,
    );
    let mut net = Sine::<f32>::seeded(11);
    let mut adam = Adam::new(AdamConfig {
        lr: 3e-3,
        ..AdamConfig::default()
    })?;
    let config = TrainConfig {
        max_epochs: 300,
        loss_target: Some(1e-3),
        seed: 5,
        ..TrainConfig::default()
    };
    let report = Trainer::<32>::new(config)?.fit(&mut net, &Mse, &mut adam, &data, Some(&test))?;
    let test_mse = report.final_validation_loss.unwrap_or(f64::NAN);
    println!(
        "SINE: {} epochs, train MSE {:.5}, held-out MSE {test_mse:.5}",
        report.epochs, report.final_loss
    );
    if test_mse >= 0.01 {
        return Err("SINE did not reach held-out MSE < 0.01".into());
    }
    Ok(net)
}

/// DIGITS on the built-in digits (pixels scaled to [0, 1]), 1437 to train
/// and 360 held out, momentum SGD, batches of 32; held-out accuracy must
/// reach 90%.
fn train_digits() -> Outcome<Digits<f32>> {
    let table = Table::read(
        concat!(env!("CARGO_MANIFEST_DIR"), "/data/digits.csv"),
        Header::Absent,
    )?;
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
    let data = Dataset::new(&samples.inputs, &samples.targets)?;
    let mut net = Digits::<f32>::seeded(7);
    let mut sgd = Sgd::new(SgdConfig {
        lr: 0.05,
        momentum: 0.9,
        ..SgdConfig::default()
    })?;
    let config = TrainConfig {
        max_epochs: 30,
        seed: 2,
        ..TrainConfig::default()
    };
    let report = Trainer::<32>::new(config)?.fit(&mut net, &CrossEntropy, &mut sgd, &data, None)?;
    let correct = test_inputs
        .iter()
        .zip(&test_labels)
        .filter(|(x, label)| {
            let logits = net.forward(&SMatrix::<f32, 64, 1>::from_column_slice(&x[..]));
            logits.argmax().0 == **label
        })
        .count();
    let accuracy = correct as f64 / test_labels.len() as f64;
    println!(
        "DIGITS: {} epochs, train loss {:.4}, held-out accuracy {:.1}%",
        report.epochs,
        report.final_loss,
        100.0 * accuracy
    );
    if accuracy < 0.9 {
        return Err("DIGITS did not reach 90% held-out accuracy".into());
    }
    Ok(net)
}
