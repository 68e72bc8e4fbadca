//! The networks the quantization tests share: SINE and DIGITS with the
//! trained weights the firmware carries, and their data.

use constnet::data::csv::{Header, Table};
use constnet::prelude::*;
use constnet::quant::{Quantized, quantize_with_tensors};

network! {
    /// SINE, as the firmware declares it.
    pub struct Sine {
        fc1: Dense<1, 16>,
        act1: ReLU,
        fc2: Dense<16, 16>,
        act2: ReLU,
        out: Dense<16, 1>,
    }

    /// DIGITS, as the firmware declares it.
    pub struct Digits {
        fc1: Dense<64, 32>,
        act: ReLU,
        out: Dense<32, 10>,
    }
}

pub mod sine {
    use super::Sine;
    include!("../firmware/src/models/sine_model.rs");
}

pub mod digits {
    use super::Digits;
    include!("../firmware/src/models/digits_model.rs");
}

/// SINE's calibration set: 201 even points of [-pi, pi] (as the `.tflite`
/// fixtures were calibrated).
pub fn sine_calibration() -> Vec<[f32; 1]> {
    (0..=200)
        .map(|i| [(-std::f64::consts::PI + std::f64::consts::TAU * f64::from(i) / 200.0) as f32])
        .collect()
}

/// SINE quantized on its calibration set with `method`, with every
/// tensor's quantization.
pub fn sine_int8(method: RangeMethod) -> Quantized<SineQ8> {
    let samples = sine_calibration();
    quantize_with_tensors(
        &sine::MODEL,
        &Calibration::new(&samples).with_method(method),
    )
    .unwrap()
}

/// Training images and labels, then held-out images and labels.
pub type Split = (Vec<[f32; 64]>, Vec<usize>, Vec<[f32; 64]>, Vec<usize>);

/// The built-in digits, pixels in [0, 1], split as the firmware weights
/// were trained: 1437 to train (and calibrate), 360 held out.
pub fn digits_split() -> Split {
    let table = Table::read(
        concat!(env!("CARGO_MANIFEST_DIR"), "/data/digits.csv"),
        Header::Absent,
    )
    .unwrap();
    let mut samples = table.features_and_classes::<f32, 64>(10).unwrap();
    for row in &mut samples.inputs {
        for pixel in row.iter_mut() {
            *pixel /= 16.0;
        }
    }
    shuffle_together(
        &mut samples.inputs,
        &mut samples.targets,
        &mut Rng::seed_from(1),
    )
    .unwrap();
    let test_inputs = samples.inputs.split_off(1437);
    let test_labels = samples.targets.split_off(1437);
    (samples.inputs, samples.targets, test_inputs, test_labels)
}
