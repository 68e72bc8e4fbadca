//! `interop::tflite` and the int8 kernels against the LiteRT interpreter.
//!
//! Three networks are quantized here (SINE and DIGITS with the trained
//! weights the firmware carries, and a seeded network with tanh, logistic
//! and softmax), written as `.tflite` files, and run on fixed int8 inputs.
//! `fixtures/tflite/make.py` ran the same files and inputs through the
//! LiteRT interpreter (`ai-edge-litert`) with its reference kernels and
//! stored the outputs. constnet's outputs must equal them bit for bit,
//! except softmax (the interpreter's int8 softmax uses a float table;
//! constnet uses TensorFlow Lite Micro's integer one), which must be within
//! [`SOFTMAX_LSB`] of it. The committed `.tflite` and input files must be
//! what this test writes.
//!
//! After an intended change: `CONSTNET_BLESS=1 cargo test --test interop
//! tflite`, then `python tests/fixtures/tflite/make.py`, and review the diff.

use std::fs;
use std::path::PathBuf;

use constnet::interop::tflite::{TensorId, TfliteGraph, WriteTflite};
use constnet::layer::Layer;
use constnet::prelude::*;
use constnet::quant::{
    ActivationParams, Int8Layer, OutputQuantization, Quantize, RangeMethod, TensorObserver,
    assign_params,
};

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

mod sine {
    use super::Sine;
    include!("../firmware/src/models/sine_model.rs");
}

mod digits {
    use super::Digits;
    include!("../firmware/src/models/digits_model.rs");
}

/// The largest difference, in output steps (1/256), allowed between
/// constnet's integer softmax and the interpreter's float-table softmax.
const SOFTMAX_LSB: i32 = 1;

/// One layer of a chain, type-erased so a test can hold a list of them.
pub trait Stage {
    fn rule(&self) -> OutputQuantization;
    fn float(&self, x: &[f32]) -> Vec<f32>;
    fn quantize(&mut self, layer: usize, input: ActivationParams, output: ActivationParams);
    fn int8(&self, x: &[i8]) -> Vec<i8>;
    fn write(
        &self,
        graph: &mut TfliteGraph,
        x: TensorId,
        input: ActivationParams,
        output: ActivationParams,
    ) -> TensorId;
}

struct Typed<L: Quantize<I, O>, const I: usize, const O: usize> {
    name: &'static str,
    config: L,
    params: Vec<f32>,
    int8: Option<L::Int8>,
}

impl<L, const I: usize, const O: usize> Stage for Typed<L, I, O>
where
    L: Quantize<I, O> + Layer<f32, I, O>,
    L::Int8: WriteTflite,
{
    fn rule(&self) -> OutputQuantization {
        <L as Quantize<I, O>>::OUTPUT_QUANTIZATION
    }
    fn float(&self, x: &[f32]) -> Vec<f32> {
        let mut y = SMatrix::<f32, O, 1>::zeros();
        let x = SMatrix::<f32, I, 1>::from_column_slice(x);
        self.config.forward(&self.params, &[], &x, &mut y);
        y.as_slice().to_vec()
    }
    fn quantize(&mut self, layer: usize, input: ActivationParams, output: ActivationParams) {
        let int8 = self.config.quantize(layer, &self.params, input, output);
        self.int8 = Some(int8.unwrap());
    }
    fn int8(&self, x: &[i8]) -> Vec<i8> {
        let mut y = [0_i8; O];
        self.int8
            .as_ref()
            .unwrap()
            .forward(x.try_into().unwrap(), &mut y);
        y.to_vec()
    }
    fn write(
        &self,
        graph: &mut TfliteGraph,
        x: TensorId,
        input: ActivationParams,
        output: ActivationParams,
    ) -> TensorId {
        let layer = self.int8.as_ref().unwrap();
        layer
            .write_tflite(graph, self.name, x, input, output)
            .unwrap()
    }
}

/// A boxed stage of layer `config` with float parameters `params`.
pub fn stage<L, const I: usize, const O: usize>(
    name: &'static str,
    config: L,
    params: &[f32],
) -> Box<dyn Stage>
where
    L: Quantize<I, O> + Layer<f32, I, O> + 'static,
    L::Int8: WriteTflite + 'static,
{
    Box::new(Typed::<L, I, O> {
        name,
        config,
        params: params.to_vec(),
        int8: None,
    })
}

/// A quantized chain: its layers and every tensor's quantization.
pub struct Chain {
    width: usize,
    stages: Vec<Box<dyn Stage>>,
    params: Vec<ActivationParams>,
}

impl Chain {
    /// Calibrates on `samples` (min/max) and quantizes every layer.
    pub fn quantize(mut stages: Vec<Box<dyn Stage>>, samples: &[Vec<f32>]) -> Self {
        let mut observers: Vec<_> = (0..=stages.len()).map(TensorObserver::new).collect();
        for (n, x) in samples.iter().enumerate() {
            let mut v = x.clone();
            observers[0].observe(n, &v).unwrap();
            for (k, s) in stages.iter().enumerate() {
                v = s.float(&v);
                observers[k + 1].observe(n, &v).unwrap();
            }
        }
        let rules: Vec<_> = stages.iter().map(|s| s.rule()).collect();
        let mut params = vec![ActivationParams::fixed(1.0, 0); stages.len() + 1];
        assign_params(&rules, &observers, RangeMethod::MinMax, &mut params).unwrap();
        for (k, s) in stages.iter_mut().enumerate() {
            s.quantize(k, params[k], params[k + 1]);
        }
        Self {
            width: samples[0].len(),
            stages,
            params,
        }
    }

    fn forward(&self, x: &[i8]) -> Vec<i8> {
        self.stages.iter().fold(x.to_vec(), |v, s| s.int8(&v))
    }

    fn tflite(&self, description: &str) -> Vec<u8> {
        let mut graph = TfliteGraph::new();
        let input = graph.activation("input", self.width, self.params[0]);
        let mut x = input;
        for (k, s) in self.stages.iter().enumerate() {
            x = s.write(&mut graph, x, self.params[k], self.params[k + 1]);
        }
        // An image output (NHWC) back to constnet's flat order.
        let x = graph.flat("output", x);
        graph.finish(input, x, description)
    }
}

fn sine_chain() -> Chain {
    let p = sine::MODEL.parameters();
    let stages = vec![
        stage::<_, 1, 16>("fc1", Dense::<1, 16>::new(), &p[..32]),
        stage::<_, 16, 16>("act1", ReLU, &[]),
        stage::<_, 16, 16>("fc2", Dense::<16, 16>::new(), &p[32..304]),
        stage::<_, 16, 16>("act2", ReLU, &[]),
        stage::<_, 16, 1>("out", Dense::<16, 1>::new(), &p[304..]),
    ];
    let samples: Vec<Vec<f32>> = (0..=200)
        .map(|i| {
            vec![(-std::f64::consts::PI + std::f64::consts::TAU * f64::from(i) / 200.0) as f32]
        })
        .collect();
    Chain::quantize(stages, &samples)
}

/// The first `n` digits of `data/digits.csv`, pixels scaled to [0, 1].
fn digit_images(n: usize) -> Vec<Vec<f32>> {
    let text = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/digits.csv")).unwrap();
    text.lines()
        .take(n)
        .map(|line| {
            line.split(',')
                .take(64)
                .map(|v| v.parse::<f32>().unwrap() / 16.0)
                .collect()
        })
        .collect()
}

fn digits_chain() -> Chain {
    let p = digits::MODEL.parameters();
    let stages = vec![
        stage::<_, 64, 32>("fc1", Dense::<64, 32>::new(), &p[..2080]),
        stage::<_, 32, 32>("act", ReLU, &[]),
        stage::<_, 32, 10>("out", Dense::<32, 10>::new(), &p[2080..]),
    ];
    Chain::quantize(stages, &digit_images(300))
}

/// A seeded 4 -> 8 -> tanh -> 8 -> logistic -> 6 -> softmax network.
fn mixed_chain() -> Chain {
    let mut rng = Rng::seed_from(11);
    let mut params =
        |n: usize| -> Vec<f32> { (0..n).map(|_| rng.normal(0.0, 1.0) as f32).collect() };
    let stages = vec![
        stage::<_, 4, 8>("fc1", Dense::<4, 8>::new(), &params(40)),
        stage::<_, 8, 8>("act1", Tanh, &[]),
        stage::<_, 8, 8>("fc2", Dense::<8, 8>::new(), &params(72)),
        stage::<_, 8, 8>("act2", Sigmoid, &[]),
        stage::<_, 8, 6>("out", Dense::<8, 6>::new(), &params(54)),
        stage::<_, 6, 6>("prob", Softmax, &[]),
    ];
    let mut rng = Rng::seed_from(12);
    let samples: Vec<Vec<f32>> = (0..300)
        .map(|_| (0..4).map(|_| rng.normal(0.0, 2.0) as f32).collect())
        .collect();
    Chain::quantize(stages, &samples)
}

/// One table layer alone on an input calibrated on `[-6, 5]`: all 256
/// entries of its table are checked.
fn table_chain(function: &str) -> Chain {
    let stages = vec![match function {
        "tanh" => stage::<_, 1, 1>("tanh", Tanh, &[]),
        _ => stage::<_, 1, 1>("logistic", Sigmoid, &[]),
    }];
    Chain::quantize(stages, &[vec![-6.0], vec![5.0]])
}

/// The int8 inputs of the fixtures: for SINE every int8 value; otherwise
/// the quantized calibration-like samples and seeded random vectors.
fn inputs(name: &str, chain: &Chain) -> Vec<Vec<i8>> {
    let mut rng = Rng::seed_from(5);
    let mut random = |n: usize, width: usize| -> Vec<Vec<i8>> {
        (0..n)
            .map(|_| {
                (0..width)
                    .map(|_| (rng.below(256) as i32 - 128) as i8)
                    .collect()
            })
            .collect()
    };
    match name {
        "sine" | "tanh" | "logistic" => (-128..=127).map(|q| vec![q as i8]).collect(),
        "conv2d" | "depthwise" | "conv1d" => random(64, chain.width),
        "digits" => {
            let p = chain.params[0];
            let mut images: Vec<Vec<i8>> = digit_images(200)
                .iter()
                .map(|x| x.iter().map(|&v| p.quantize(v)).collect())
                .collect();
            images.extend(random(56, 64));
            images
        }
        _ => random(256, chain.width),
    }
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tflite"
    ))
    .join(name)
}

fn lines(rows: &[Vec<i8>]) -> String {
    rows.iter()
        .map(|r| r.iter().map(i8::to_string).collect::<Vec<_>>().join(" ") + "\n")
        .collect()
}

fn parse(text: &str) -> Vec<Vec<i32>> {
    text.lines()
        .map(|l| l.split_whitespace().map(|v| v.parse().unwrap()).collect())
        .collect()
}

/// Writes (blessing) or checks the model and inputs, then compares the
/// outputs with the interpreter's; returns the largest difference.
pub fn check(name: &str, chain: &Chain) -> i32 {
    let model = chain.tflite(&format!("constnet {name}, int8"));
    let inputs = inputs(name, chain);
    let (model_path, inputs_path) = (
        fixture(&format!("{name}.tflite")),
        fixture(&format!("{name}.inputs.txt")),
    );
    if std::env::var_os("CONSTNET_BLESS").is_some() {
        fs::write(&model_path, &model).unwrap();
        fs::write(&inputs_path, lines(&inputs)).unwrap();
    }
    assert!(
        fs::read(&model_path).unwrap() == model,
        "{name}.tflite is not what the writer writes now"
    );
    assert_eq!(fs::read_to_string(&inputs_path).unwrap(), lines(&inputs));
    let expected = parse(&fs::read_to_string(fixture(&format!("{name}.reference.txt"))).unwrap());
    assert_eq!(expected.len(), inputs.len());
    let mut worst = 0;
    if let Some(dir) = std::env::var_os("CONSTNET_DUMP") {
        let ours: Vec<Vec<i8>> = inputs.iter().map(|x| chain.forward(x)).collect();
        fs::write(
            PathBuf::from(dir).join(format!("{name}.ours.txt")),
            lines(&ours),
        )
        .unwrap();
    }
    for (x, want) in inputs.iter().zip(&expected) {
        let got = chain.forward(x);
        assert_eq!(got.len(), want.len());
        for (&g, &w) in got.iter().zip(want) {
            worst = worst.max((i32::from(g) - w).abs());
        }
    }
    worst
}

#[test]
fn sine_equals_the_reference_kernels_bit_for_bit() {
    assert_eq!(check("sine", &sine_chain()), 0);
}

#[test]
fn digits_equals_the_reference_kernels_bit_for_bit() {
    assert_eq!(check("digits", &digits_chain()), 0);
}

#[test]
fn every_table_entry_equals_the_interpreters() {
    assert_eq!(check("tanh", &table_chain("tanh")), 0);
    assert_eq!(check("logistic", &table_chain("logistic")), 0);
}

#[test]
fn tanh_logistic_and_softmax_against_the_interpreter() {
    let chain = mixed_chain();
    let worst = check("mixed", &chain);
    assert!(worst <= SOFTMAX_LSB, "softmax differs by {worst} steps");
    // Up to the softmax the network equals the interpreter bit for bit:
    // checked through the tensor before it, which make.py also stored.
    let before = parse(&fs::read_to_string(fixture("mixed.logits.txt")).unwrap());
    for (x, want) in inputs("mixed", &chain).iter().zip(&before) {
        let logits = chain.stages[..5].iter().fold(x.clone(), |v, s| s.int8(&v));
        let logits: Vec<i32> = logits.iter().map(|&v| i32::from(v)).collect();
        assert_eq!(&logits, want);
    }
}
