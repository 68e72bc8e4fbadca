//! safetensors import and export: PyTorch's own files load and compute
//! what PyTorch computed; a round trip keeps every bit; the files written
//! are read alike by the `safetensors` crate; every kind of bad file is a
//! typed error naming the tensor that leaves the network unchanged; and
//! random and mutated files never make the reader panic.
//!
//! The fixtures in `fixtures/safetensors/` were made by `make.py` there
//! from real PyTorch models (`safetensors.torch.save_file(model.state_dict())`),
//! with PyTorch's eval-mode outputs in `expected.json`.

use constnet::interop::safetensors::{self, Names, SafetensorsError, format};
use constnet::prelude::*;

network! {
    /// PyTorch's `nn.Sequential(Linear(1, 16), ReLU(), Linear(16, 16), ReLU(), Linear(16, 1))`.
    pub struct Sine {
        fc1: Dense<1, 16>,
        act1: ReLU,
        fc2: Dense<16, 16>,
        act2: ReLU,
        out: Dense<16, 1>,
    }

    /// fc, bn, act, out: `make.py`'s `Normed`.
    pub struct Normed {
        fc: Dense<3, 4>,
        bn: BatchNorm<4>,
        act: Tanh,
        out: Dense<4, 2>,
    }

    /// `nn.RNN(3, 5)` over 4 steps, then `nn.Linear(5, 2)`: `make.py`'s `Recurrent`.
    pub struct Recurrent {
        rnn: Rnn<3, 5, 4>,
        out: Dense<5, 2>,
    }

    /// `make.py`'s `Convolved`: 2-D and grouped 1-D convolutions, PyTorch's
    /// 4-D and 3-D weights.
    pub struct Convolved {
        conv: Conv2d<1, 2, 3, 3, 5, 5>(padding = 1),
        act: ReLU,
        pool: MaxPool2d<2, 5, 5, 2>,
        line: Conv1d<2, 4, 2, 4>(groups = 2, bias = false),
        flat: Flatten,
        out: Dense<12, 3>,
    }

    /// Two batch-norm layers whose `num_batches_tracked` differ: `make.py`'s
    /// `TwoNorms`.
    pub struct TwoNorms {
        fc1: Dense<3, 4>,
        bn1: BatchNorm<4>,
        act: Tanh,
        fc2: Dense<4, 3>,
        bn2: BatchNorm<3>(momentum = None),
        out: Dense<3, 2>,
    }
}

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/safetensors");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}.safetensors")).unwrap()
}

/// PyTorch's inputs and float64 eval-mode outputs for a fixture, rows = samples.
fn expected(name: &str) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let text = std::fs::read_to_string(format!("{DIR}/expected.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rows = |key: &str| -> Vec<Vec<f64>> {
        json[name][key]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                row.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap())
                    .collect()
            })
            .collect()
    };
    (rows("inputs"), rows("outputs"))
}

/// Loads fixture `name` into `N` in f64 and f32, runs every input through
/// `forward` (eval mode) and compares with PyTorch: to `tol64` relative in
/// f64 (the same weights, another summation order), to `tol32` in f32.
macro_rules! check_against_pytorch {
    ($net:ident, $name:expr, $names:expr, $inputs:literal, $outputs:literal, $tol64:expr, $tol32:expr) => {{
        let bytes = fixture($name);
        let (inputs, outputs) = expected($name);
        let net64: $net<f64> = safetensors::load(&bytes, &$names).unwrap();
        let net32: $net<f32> = safetensors::load(&bytes, &$names).unwrap();
        for (x, y) in inputs.iter().zip(&outputs) {
            let x64 = SMatrix::<f64, $inputs, 1>::from_column_slice(x);
            let x32 = x64.map(|v| v as f32);
            let (y64, y32) = (net64.forward(&x64), net32.forward(&x32));
            for k in 0..$outputs {
                let scale = y[k].abs().max(1.0);
                assert!(
                    (y64[k] - y[k]).abs() <= $tol64 * scale,
                    "{} f64 output {k}: {} vs PyTorch {}",
                    $name,
                    y64[k],
                    y[k]
                );
                assert!(
                    (f64::from(y32[k]) - y[k]).abs() <= $tol32 * scale,
                    "{} f32 output {k}: {} vs PyTorch {}",
                    $name,
                    y32[k],
                    y[k]
                );
            }
        }
        (net64, net32)
    }};
}

#[test]
fn a_sequential_from_pytorch_computes_what_pytorch_computed() {
    let (net, _) = check_against_pytorch!(
        Sine,
        "sine_sequential_f32",
        Names::Sequential,
        1,
        1,
        1e-12,
        1e-5
    );
    // The file is f32: its values are exact in f64 too.
    let bytes = fixture("sine_sequential_f32");
    let entries = format::parse(&bytes).unwrap();
    let first = entries.iter().find(|e| e.name == "0.weight").unwrap();
    let value = f32::from_le_bytes(first.data[..4].try_into().unwrap());
    assert_eq!(net.parameters()[0], f64::from(value));
    // Without the name map the names do not match, and the error says which.
    let error = safetensors::load::<f32, Sine<f32>, 1, 1, 321>(&bytes, &Names::Same).unwrap_err();
    assert_eq!(
        error,
        SafetensorsError::MissingTensor {
            tensor: "fc1.weight".into()
        }
    );
    let map = Names::Map(&[("0", "fc1"), ("2", "fc2"), ("4", "out")]);
    let mapped: Sine<f64> = safetensors::load(&bytes, &map).unwrap();
    assert_eq!(mapped, net);
}

#[test]
fn batch_norm_from_pytorch_in_every_dtype() {
    for (name, tol32) in [
        ("normed_f32", 1e-5),
        ("normed_f64", 1e-5),
        ("normed_f16", 1e-5),
        ("normed_bf16", 1e-5),
    ] {
        let (net64, net32) = check_against_pytorch!(Normed, name, Names::Same, 3, 2, 1e-12, tol32);
        // Three training steps in PyTorch: three tracked batches, moved statistics.
        assert_eq!(net64.batches_tracked(), [3], "{name}");
        assert_eq!(net32.batches_tracked(), [3], "{name}");
        assert!(
            net64.buffers()[..4].iter().all(|&m| m != 0.0),
            "{name}: running means moved"
        );
    }
    // The f64 file into f32 rounds once; into f64 it is exact.
    let f64_file = fixture("normed_f64");
    let exact: Normed<f64> = safetensors::load(&f64_file, &Names::Same).unwrap();
    let rounded: Normed<f32> = safetensors::load(&f64_file, &Names::Same).unwrap();
    for (r, e) in rounded.parameters().iter().zip(exact.parameters()) {
        assert_eq!(*r, *e as f32);
    }
}

#[test]
fn an_rnn_from_pytorch_adds_its_two_biases() {
    let (net, _) = check_against_pytorch!(Recurrent, "rnn_f32", Names::Same, 12, 2, 1e-12, 1e-5);
    let bytes = fixture("rnn_f32");
    let entries = format::parse(&bytes).unwrap();
    let vector = |name: &str| -> Vec<f64> {
        let entry = entries.iter().find(|e| e.name == name).unwrap();
        entry
            .data
            .chunks_exact(4)
            .map(|b| f64::from(f32::from_le_bytes(b.try_into().unwrap())))
            .collect()
    };
    let (ih, hh) = (vector("rnn.bias_ih_l0"), vector("rnn.bias_hh_l0"));
    let bias = &net.parameters()[15 + 25..15 + 25 + 5];
    for k in 0..5 {
        assert_eq!(bias[k], ih[k] + hh[k]);
    }
    // Export puts the sum in bias_ih_l0 and zeros in bias_hh_l0: the same
    // function for PyTorch, and the same network read back.
    let written = safetensors::to_bytes(&net, &Names::Same).unwrap();
    let entries = format::parse(&written).unwrap();
    let hh = entries.iter().find(|e| e.name == "rnn.bias_hh_l0").unwrap();
    assert!(hh.data.iter().all(|&b| b == 0));
    let back: Recurrent<f64> = safetensors::load(&written, &Names::Same).unwrap();
    assert_eq!(back, net);
}

/// `expected.json`'s entry `key` of fixture `name`.
fn expected_entry(name: &str, key: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(format!("{DIR}/expected.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json[name][key].clone()
}

#[test]
fn two_batch_norms_from_pytorch_keep_their_own_counts() {
    let (net64, net32) =
        check_against_pytorch!(TwoNorms, "two_norms_f32", Names::Same, 3, 2, 1e-12, 1e-5);
    // PyTorch trained everything 3 steps, then kept bn1 in eval mode for 2.
    assert_eq!(net64.batches_tracked(), [3, 5]);
    assert_eq!(net32.batches_tracked(), [3, 5]);
    assert_eq!(
        TwoNorms::<f32>::LAYERS
            .iter()
            .map(|l| l.counter)
            .collect::<Vec<_>>(),
        [None, Some(0), None, None, Some(1), None]
    );

    // Export writes each layer's own count, and reads back to the same network.
    let written = safetensors::to_bytes(&net32, &Names::Same).unwrap();
    let entries = format::parse(&written).unwrap();
    let count = |name: &str| {
        let entry = entries.iter().find(|e| e.name == name).unwrap();
        assert_eq!((entry.dtype.name(), entry.shape.len()), ("I64", 0));
        i64::from_le_bytes(entry.data.try_into().unwrap())
    };
    assert_eq!(count("bn1.num_batches_tracked"), 3);
    assert_eq!(count("bn2.num_batches_tracked"), 5);
    let back: TwoNorms<f32> = safetensors::load(&written, &Names::Same).unwrap();
    assert_eq!(back, net32);

    // One training-mode step from the saved state, as PyTorch took it: bn2's
    // cumulative average weighs the batch by 1 / (its own count + 1) = 1 / 6.
    let step = expected_entry("two_norms_f32", "step");
    let numbers = |key: &str| -> Vec<f64> {
        step[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    };
    let rows: Vec<Vec<f64>> = step["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        })
        .collect();
    let x = SMatrix::<f64, 3, 6>::from_fn(|i, b| rows[b][i]);
    let mut net = net64.clone();
    let mut cache = Zeroed::zeroed();
    net.forward_train(&x, &mut cache);
    net.update_buffers(&cache);
    let torch_counts =
        ["bn1", "bn2"].map(|l| step[format!("{l}.num_batches_tracked")].as_u64().unwrap());
    assert_eq!(torch_counts, [4, 6]);
    assert_eq!(net.batches_tracked(), torch_counts);
    let torch_buffers: Vec<f64> = ["bn1", "bn2"]
        .iter()
        .flat_map(|l| [format!("{l}.running_mean"), format!("{l}.running_var")])
        .flat_map(|key| numbers(&key))
        .collect();
    assert_eq!(torch_buffers.len(), net.buffers().len());
    for (k, (ours, theirs)) in net.buffers().iter().zip(&torch_buffers).enumerate() {
        assert!(
            (ours - theirs).abs() <= 1e-12 * theirs.abs().max(1.0),
            "buffer {k}: {ours} vs PyTorch {theirs}"
        );
    }
}

#[test]
fn convolutions_from_pytorch_keep_their_shapes() {
    let (net, _) = check_against_pytorch!(Convolved, "conv_f32", Names::Same, 25, 3, 1e-12, 1e-5);
    let bytes = fixture("conv_f32");
    let entries = format::parse(&bytes).unwrap();
    let shape = |name: &str| {
        entries
            .iter()
            .find(|e| e.name == name)
            .unwrap()
            .shape
            .clone()
    };
    assert_eq!(shape("conv.weight"), [2, 1, 3, 3]);
    assert_eq!(shape("line.weight"), [4, 1, 2]);
    assert!(entries.iter().all(|e| e.name != "line.bias"));
    // Export writes PyTorch's shapes back, and reads back the same network.
    let written = safetensors::to_bytes(&net, &Names::Same).unwrap();
    let entries = format::parse(&written).unwrap();
    let weight = entries.iter().find(|e| e.name == "conv.weight").unwrap();
    assert_eq!(weight.shape, [2, 1, 3, 3]);
    let back: Convolved<f64> = safetensors::load(&written, &Names::Same).unwrap();
    assert_eq!(back, net);
}

fn trained_normed() -> Normed<f32> {
    let mut net = Normed::<f32>::seeded(2);
    let x = SMatrix::<f32, 3, 4>::from_fn(|i, b| (i as f32) - (b as f32) * 0.7);
    let mut cache = Zeroed::zeroed();
    net.forward_train(&x, &mut cache);
    net.update_buffers(&cache);
    net.update_buffers(&cache);
    net
}

#[test]
fn a_round_trip_keeps_every_bit_and_the_safetensors_crate_reads_it_alike() {
    let net = trained_normed();
    let bytes = safetensors::to_bytes(&net, &Names::Same).unwrap();
    let back: Normed<f32> = safetensors::load(&bytes, &Names::Same).unwrap();
    assert_eq!(
        back.parameters().map(f32::to_bits),
        net.parameters().map(f32::to_bits)
    );
    assert_eq!(back.buffers(), net.buffers());
    assert_eq!(back.batches_tracked(), [2]);

    let theirs = ::safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let ours = format::parse(&bytes).unwrap();
    assert_eq!(theirs.len(), ours.len());
    for entry in &ours {
        let view = theirs.tensor(&entry.name).unwrap();
        assert_eq!(view.dtype().to_string(), entry.dtype.name());
        assert_eq!(
            view.shape().iter().map(|&d| d as u64).collect::<Vec<_>>(),
            entry.shape
        );
        assert_eq!(view.data(), entry.data);
    }
    // PyTorch's names, shapes and order: parameters, then buffers, per layer.
    let names: Vec<_> = ours
        .iter()
        .map(|e| (e.name.as_str(), e.shape.clone()))
        .collect();
    assert_eq!(names[0], ("fc.weight", vec![4, 3]));
    assert_eq!(names[6], ("bn.num_batches_tracked", vec![]));
    assert_eq!(
        bytes.len() % 8,
        0,
        "the header is padded so the data is aligned"
    );

    let path = std::env::temp_dir().join(format!(
        "constnet-safetensors-{}.safetensors",
        std::process::id()
    ));
    safetensors::save_file(&path, &net, &Names::Same).unwrap();
    let mut loaded = Normed::<f32>::seeded(9);
    safetensors::load_file(&path, &mut loaded, &Names::Same).unwrap();
    assert_eq!(
        loaded.parameters().map(f32::to_bits),
        net.parameters().map(f32::to_bits)
    );
    std::fs::remove_file(&path).unwrap();
    let missing = safetensors::load_file(&path, &mut loaded, &Names::Same).unwrap_err();
    assert!(
        matches!(missing, SafetensorsError::Io { .. }),
        "{missing:?}"
    );
}
