//! The int8 networks against the float ones and against the LiteRT
//! interpreter: DIGITS' held-out accuracy within one percentage point,
//! SINE's largest error against sin x next to the float model's, and the
//! network-level quantization equal, bit for bit, to the interpreter's
//! outputs on the `.tflite` fixtures.

use std::fs;

use constnet::prelude::*;

use super::networks::{digits, digits_split, sine, sine_int8};

/// The interpreter's outputs for every int8 SINE input
/// (`fixtures/tflite/make.py`, reference kernels).
fn sine_reference() -> Vec<i8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tflite/sine.reference.txt"
    );
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect()
}

#[test]
fn quantized_sine_equals_the_interpreter_on_every_input() {
    let q = sine_int8(RangeMethod::MinMax);
    let want = sine_reference();
    assert_eq!(want.len(), 256);
    for (x, &want) in (-128..=127_i8).zip(&want) {
        let mut y = [0_i8; 1];
        q.network.forward(&[x], &mut y);
        assert_eq!(y[0], want, "input {x}");
    }
}

/// Largest |f(x) - sin x| over 1000 even points of [-pi, pi].
fn max_sine_error(f: impl Fn(f32) -> f32) -> f64 {
    (0..1000)
        .map(|i| {
            let x = -std::f64::consts::PI + std::f64::consts::TAU * (f64::from(i) + 0.5) / 1000.0;
            (f64::from(f(x as f32)) - x.sin()).abs()
        })
        .fold(0.0, f64::max)
}

#[test]
fn sine_int8_error_next_to_the_float_model() {
    let float = max_sine_error(|x| sine::MODEL.forward(&SMatrix::<f32, 1, 1>::new(x))[0]);
    for method in [
        RangeMethod::MinMax,
        RangeMethod::Percentile(99.9),
        RangeMethod::Mse,
    ] {
        let q = sine_int8(method);
        let int8 = max_sine_error(|x| q.network.forward_real(&[x])[0]);
        println!("SINE max |error|: f32 {float:.4}, int8 ({method:?}) {int8:.4}");
        // The output step is (max - min) / 255 of about 2: the int8 model
        // adds at most a few output steps to the float model's error.
        let step = f64::from(q.network.output.scale);
        assert!(
            int8 <= float + 4.0 * step,
            "{method:?}: {int8} vs {float} (step {step})"
        );
        assert!(int8 > float - 4.0 * step);
    }
}

#[test]
fn digits_int8_accuracy_is_within_one_point_of_the_float_network() {
    let (train, _, test, labels) = digits_split();
    let q = digits::MODEL.quantize(&Calibration::new(&train)).unwrap();
    let accuracy = |predict: &dyn Fn(&[f32; 64]) -> usize| {
        let correct = test
            .iter()
            .zip(&labels)
            .filter(|(x, l)| predict(x) == **l)
            .count();
        100.0 * correct as f64 / labels.len() as f64
    };
    let float = accuracy(&|x| {
        digits::MODEL
            .forward(&SMatrix::<f32, 64, 1>::from_column_slice(x))
            .argmax()
            .0
    });
    // The int8 logits' argmax (the first of equal ones, as argmax takes).
    let int8 = accuracy(&|x| {
        let logits: [f32; 10] = q.forward_real(x);
        let mut best = 0;
        for (k, &v) in logits.iter().enumerate() {
            if v > logits[best] {
                best = k;
            }
        }
        best
    });
    println!("DIGITS held-out accuracy: f32 {float:.2}%, int8 {int8:.2}%");
    assert!(float >= 90.0);
    assert!((float - int8).abs() <= 1.0, "f32 {float}% vs int8 {int8}%");
}
