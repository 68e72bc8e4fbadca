//! int8 inference for microcontrollers without an FPU: train DIGITS in
//! f32, quantize it after training (TensorFlow Lite's int8 scheme),
//! compare the held-out accuracy, show where the int8 network loses
//! accuracy layer by layer, and write the int8 SINE and DIGITS networks as
//! Rust source for the firmware.
//!
//! Run: `cargo run --release --example int8 [-- OUTPUT_DIR]`
//!
//! Writes `sine_int8.rs` and `digits_int8.rs` into `OUTPUT_DIR` (default:
//! the firmware crate's `tests/firmware/src/models/`), each a `static` of
//! integers the firmware `include!`s. DIGITS is trained as the
//! `firmware_weights` example trains it (same seeds, same bits: checked
//! against the f32 weights the firmware carries); SINE starts from those
//! f32 weights. Fails if the int8 accuracy is not within one percentage
//! point of the f32 accuracy. CI regenerates both files and fails if they
//! differ from the committed ones.

use std::path::PathBuf;

use constnet::data::csv::{Header, Table};
use constnet::interop::rust_source::RustSource;
use constnet::prelude::*;
use constnet::quant::quantize_with_tensors;
use constnet::quant::source::int8_rust_source;

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

mod trained {
    use super::{Digits, Sine};
    pub mod sine {
        use super::Sine;
        include!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/firmware/src/models/sine_model.rs"
        ));
    }
    pub mod digits {
        use super::Digits;
        include!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/firmware/src/models/digits_model.rs"
        ));
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
    let (train, train_labels, test, test_labels) = digits_split()?;
    let digits = train_digits(&train, &train_labels)?;
    if digits.parameters() != trained::digits::MODEL.parameters() {
        return Err("training did not reproduce the firmware's f32 DIGITS weights".into());
    }

    let float = accuracy(&test, &test_labels, |x| {
        digits
            .forward(&SMatrix::<f32, 64, 1>::from_column_slice(x))
            .argmax()
            .0
    });
    println!(
        "DIGITS held-out accuracy, {} images: f32 {float:.2}%",
        test.len()
    );
    let mut chosen = None;
    for method in [
        RangeMethod::MinMax,
        RangeMethod::Percentile(99.99),
        RangeMethod::Mse,
    ] {
        // The per-tensor quantization is kept for the report below;
        // `digits.quantize(&calibration)` gives the int8 network alone.
        let q = quantize_with_tensors(&digits, &Calibration::new(&train).with_method(method))?;
        let int8 = accuracy(&test, &test_labels, |x| argmax(&q.network.forward_real(x)));
        println!("  int8, calibrated by {method:?}: {int8:.2}%");
        if method == RangeMethod::MinMax {
            chosen = Some((q, int8));
        }
    }
    let (q, int8) = chosen.ok_or("no min/max quantization")?;
    if (float - int8).abs() > 1.0 {
        return Err(
            format!("int8 accuracy {int8:.2}% is not within 1 point of f32 {float:.2}%").into(),
        );
    }

    println!("\nDIGITS int8, min/max calibration: each tensor against the f32 network (held out)");
    println!(
        "{:>6} {:>9} {:>5} {:>10} {:>9} {:>9}",
        "tensor", "scale", "zero", "saturated", "rms err", "max err"
    );
    for row in q.report(&digits, &test)? {
        println!(
            "{:>6} {:>9.5} {:>5} {:>9.3}% {:>9.5} {:>9.5}",
            row.layer,
            row.params.scale,
            row.params.zero_point,
            100.0 * row.errors.saturated_fraction(),
            row.errors.rms_error(),
            row.errors.max_abs_error
        );
    }
    let weights = 64 * 32 + 32 * 10;
    println!(
        "weights: {weights} bytes int8 against {} bytes f32",
        4 * weights
    );

    let sine_calibration: Vec<[f32; 1]> = (0..=200)
        .map(|i| [(-std::f64::consts::PI + std::f64::consts::TAU * f64::from(i) / 200.0) as f32])
        .collect();
    let sine = &trained::sine::MODEL;
    let sine_q: SineQ8 = sine.quantize(&Calibration::new(&sine_calibration))?;
    let (mut float_error, mut int8_error) = (0.0_f64, 0.0_f64);
    for i in 0..1000 {
        let x = -std::f64::consts::PI + std::f64::consts::TAU * (f64::from(i) + 0.5) / 1000.0;
        let y = sine.forward(&SMatrix::<f32, 1, 1>::new(x as f32))[0];
        let yq = sine_q.forward_real(&[x as f32])[0];
        float_error = float_error.max((f64::from(y) - x.sin()).abs());
        int8_error = int8_error.max((f64::from(yq) - x.sin()).abs());
    }
    println!(
        "\nSINE, largest |y - sin x| on 1000 points of [-pi, pi]: f32 {float_error:.4}, int8 {int8_error:.4}"
    );

    write(
        &dir.join("sine_int8.rs"),
        &int8_rust_source(
            &sine_q,
            &RustSource::new("SineQ8"),
            "SINE (1-16-16-1, ReLU) in int8: the firmware's f32 weights quantized per\noutput channel, activations calibrated by min/max on 201 points of [-pi, pi].",
        )?,
    )?;
    write(
        &dir.join("digits_int8.rs"),
        &int8_rust_source(
            &q.network,
            &RustSource::new("DigitsQ8"),
            "DIGITS (64-32-10, ReLU) in int8: the firmware's f32 weights quantized per\noutput channel, activations calibrated by min/max on the 1437 training images.",
        )?,
    )?;
    Ok(())
}

fn write(path: &std::path::Path, text: &str) -> Outcome<()> {
    std::fs::write(path, text)?;
    println!("wrote {}", path.display());
    Ok(())
}

/// The index of the largest value (the first of equal ones).
fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (k, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = k;
        }
    }
    best
}

/// Percent of `inputs` whose prediction is their label.
fn accuracy(inputs: &[[f32; 64]], labels: &[usize], predict: impl Fn(&[f32; 64]) -> usize) -> f64 {
    let correct = inputs
        .iter()
        .zip(labels)
        .filter(|(x, l)| predict(x) == **l)
        .count();
    100.0 * correct as f64 / labels.len() as f64
}

/// Training images and labels, then held-out images and labels.
type Split = (Vec<[f32; 64]>, Vec<usize>, Vec<[f32; 64]>, Vec<usize>);

/// The built-in digits, pixels in [0, 1], shuffled with seed 1: 1437 to
/// train (and calibrate), 360 held out.
fn digits_split() -> Outcome<Split> {
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
    let test = samples.inputs.split_off(1437);
    let test_labels = samples.targets.split_off(1437);
    Ok((samples.inputs, samples.targets, test, test_labels))
}

/// DIGITS trained in f32: momentum SGD, batches of 32, 30 epochs.
fn train_digits(inputs: &[[f32; 64]], labels: &[usize]) -> Outcome<Digits<f32>> {
    let data = Dataset::new(inputs, labels)?;
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
    Trainer::<32>::new(config)?.fit(&mut net, &CrossEntropy, &mut sgd, &data, None)?;
    Ok(net)
}
