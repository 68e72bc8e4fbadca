//! Bad safetensors files: each kind is a typed error naming the tensor,
//! and the network is left exactly as it was (never a partial load). The
//! hand-made files here also serve the format errors
//! (`safetensors_format_errors.rs`) and the property test
//! (`safetensors_property.rs`).

use constnet::interop::safetensors::{self, Names, SafetensorsError};
use constnet::prelude::*;

network! {
    /// fc, bn, act, out.
    pub struct Normed {
        fc: Dense<3, 4>,
        bn: BatchNorm<4>,
        act: Tanh,
        out: Dense<4, 2>,
    }

    /// Two batch-norm layers, so two `num_batches_tracked`.
    pub struct TwoNorms {
        a: BatchNorm<2>,
        b: BatchNorm<2>,
    }
}

/// One tensor of a hand-made file: name, dtype, shape, bytes.
type Tensor = (String, &'static str, Vec<i64>, Vec<u8>);

/// The tensors of a valid file for `Normed`, in `state_dict` order.
pub(crate) fn valid_tensors() -> Vec<Tensor> {
    let floats = |n: usize, start: f32| -> Vec<u8> {
        (0..n)
            .flat_map(|k| (start + k as f32 * 0.125).to_le_bytes())
            .collect()
    };
    vec![
        ("fc.weight".into(), "F32", vec![4, 3], floats(12, -0.5)),
        ("fc.bias".into(), "F32", vec![4], floats(4, 0.25)),
        ("bn.weight".into(), "F32", vec![4], floats(4, 1.0)),
        ("bn.bias".into(), "F32", vec![4], floats(4, 0.0)),
        ("bn.running_mean".into(), "F32", vec![4], floats(4, 0.1)),
        ("bn.running_var".into(), "F32", vec![4], floats(4, 0.9)),
        (
            "bn.num_batches_tracked".into(),
            "I64",
            vec![],
            5_i64.to_le_bytes().to_vec(),
        ),
        ("out.weight".into(), "F32", vec![2, 4], floats(8, 0.3)),
        ("out.bias".into(), "F32", vec![2], floats(2, -0.1)),
    ]
}

/// A file from `tensors`, with offsets computed from their bytes, then
/// `edit` applied to the header text.
pub(crate) fn file_with(tensors: &[Tensor], edit: impl Fn(String) -> String) -> Vec<u8> {
    let mut entries = Vec::new();
    let mut offset = 0;
    for (name, dtype, shape, data) in tensors {
        let shape: Vec<String> = shape.iter().map(ToString::to_string).collect();
        entries.push(format!(
            "\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{}],\"data_offsets\":[{offset},{}]}}",
            shape.join(","),
            offset + data.len()
        ));
        offset += data.len();
    }
    let header = edit(format!("{{{}}}", entries.join(",")));
    raw_file(
        header.as_bytes(),
        &tensors.iter().flat_map(|t| t.3.clone()).collect::<Vec<_>>(),
    )
}

pub(crate) fn raw_file(header: &[u8], data: &[u8]) -> Vec<u8> {
    let mut file = (header.len() as u64).to_le_bytes().to_vec();
    file.extend_from_slice(header);
    file.extend_from_slice(data);
    file
}

/// Loads `bytes` into a seeded network; asserts the error and that the
/// network did not change, and that the message names `tensor`.
pub(crate) fn refused(bytes: &[u8], expected: &SafetensorsError, tensor: &str) {
    let before = Normed::<f32>::seeded(1);
    let mut net = before.clone();
    let error = safetensors::load_into(&mut net, bytes, &Names::Same).unwrap_err();
    assert_eq!(&error, expected);
    assert_eq!(
        net.parameters().map(f32::to_bits),
        before.parameters().map(f32::to_bits)
    );
    assert_eq!(net.buffers(), before.buffers());
    assert_eq!(net.batches_tracked(), before.batches_tracked());
    assert!(
        error.to_string().contains(tensor),
        "`{error}` should name `{tensor}`"
    );
}

#[test]
fn the_valid_file_loads() {
    let mut net = Normed::<f32>::seeded(1);
    safetensors::load_into(&mut net, &file_with(&valid_tensors(), |h| h), &Names::Same).unwrap();
    assert_eq!(net.parameters()[0], -0.5);
    assert_eq!(net.batches_tracked(), [5]);
}

#[test]
fn the_network_does_not_fit_the_file() {
    let edit = |f: fn(&mut Vec<Tensor>)| {
        let mut tensors = valid_tensors();
        f(&mut tensors);
        file_with(&tensors, |h| h)
    };
    let wrong_shape = edit(|t| t[0].2 = vec![3, 4]);
    refused(
        &wrong_shape,
        &SafetensorsError::WrongShape {
            tensor: "fc.weight".into(),
            expected: vec![4, 3],
            found: vec![3, 4],
        },
        "fc.weight",
    );
    let scalar_count = edit(|t| t[6].2 = vec![1]);
    refused(
        &scalar_count,
        &SafetensorsError::WrongShape {
            tensor: "bn.num_batches_tracked".into(),
            expected: vec![],
            found: vec![1],
        },
        "bn.num_batches_tracked",
    );
    let wrong_dtype = edit(|t| t[1].1 = "I32");
    refused(
        &wrong_dtype,
        &SafetensorsError::WrongDtype {
            tensor: "fc.bias".into(),
            expected: "F32, F64, F16 or BF16",
            found: "I32",
        },
        "fc.bias",
    );
    let float_count = edit(|t| t[6].1 = "F64");
    refused(
        &float_count,
        &SafetensorsError::WrongDtype {
            tensor: "bn.num_batches_tracked".into(),
            expected: "I64",
            found: "F64",
        },
        "bn.num_batches_tracked",
    );
    let missing = edit(|t| {
        t.pop();
    });
    refused(
        &missing,
        &SafetensorsError::MissingTensor {
            tensor: "out.bias".into(),
        },
        "out.bias",
    );
    let extra = edit(|t| t.push(("head.weight".into(), "F32", vec![1], vec![0; 4])));
    refused(
        &extra,
        &SafetensorsError::UnexpectedTensor {
            tensor: "head.weight".into(),
        },
        "head.weight",
    );
    let negative = edit(|t| t[6].3 = (-1_i64).to_le_bytes().to_vec());
    refused(
        &negative,
        &SafetensorsError::NegativeCount {
            tensor: "bn.num_batches_tracked".into(),
            value: -1,
        },
        "bn.num_batches_tracked",
    );
}

#[test]
fn values_the_network_cannot_hold() {
    let with = |index: usize, dtype: &'static str, data: Vec<u8>| {
        let mut tensors = valid_tensors();
        tensors[index].1 = dtype;
        tensors[index].3 = data;
        file_with(&tensors, |h| h)
    };
    let f32s = |values: [f32; 4]| values.iter().flat_map(|v| v.to_le_bytes()).collect();
    // NaN in a weight, infinity in a running mean.
    let error = safetensors::load_into(
        &mut Normed::<f32>::seeded(1),
        &with(1, "F32", f32s([0.0, 0.0, f32::NAN, 0.0])),
        &Names::Same,
    )
    .unwrap_err();
    assert!(
        matches!(&error, SafetensorsError::InvalidValue { tensor, index: 2, value, .. } if tensor == "fc.bias" && value.is_nan()),
        "{error:?}"
    );
    let error = safetensors::load_into(
        &mut Normed::<f32>::seeded(1),
        &with(4, "F32", f32s([0.0, f32::INFINITY, 0.0, 0.0])),
        &Names::Same,
    )
    .unwrap_err();
    assert!(
        matches!(&error, SafetensorsError::InvalidValue { tensor, index: 1, .. } if tensor == "bn.running_mean"),
        "{error:?}"
    );
    // A negative running variance: inference would take its square root.
    refused(
        &with(5, "F32", f32s([0.9, 0.9, 0.9, -0.5])),
        &SafetensorsError::InvalidValue {
            tensor: "bn.running_var".into(),
            index: 3,
            value: -0.5,
            expected: "a variance, >= 0",
        },
        "bn.running_var",
    );
    // 1e39 in an F64 tensor is infinite in f32, fine in f64.
    let big: Vec<u8> = [1e39_f64, 0.0, 0.0, 0.0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let file = with(1, "F64", big);
    refused(
        &file,
        &SafetensorsError::InvalidValue {
            tensor: "fc.bias".into(),
            index: 0,
            value: 1e39,
            expected: "finite in f32 (|v| <= 3.4e38)",
        },
        "fc.bias",
    );
    let mut wide = Normed::<f64>::seeded(1);
    safetensors::load_into(&mut wide, &file, &Names::Same).unwrap();
    assert_eq!(wide.parameters()[12], 1e39);
}

#[test]
fn batch_norm_counts_that_differ() {
    // Two batch-norm layers whose counts differ: each layer keeps its own.
    let counts = |a: i64, b: i64| {
        let vector = vec![0_u8; 8];
        let tensors: Vec<Tensor> = ["a", "b"]
            .iter()
            .zip([a, b])
            .flat_map(|(layer, count)| {
                ["weight", "bias", "running_mean", "running_var"]
                    .iter()
                    .map(|t| (format!("{layer}.{t}"), "F32", vec![2], vector.clone()))
                    .chain([(
                        format!("{layer}.num_batches_tracked"),
                        "I64",
                        vec![],
                        count.to_le_bytes().to_vec(),
                    )])
                    .collect::<Vec<_>>()
            })
            .collect();
        file_with(&tensors, |h| h)
    };
    let mut two = TwoNorms::<f64>::seeded(0);
    safetensors::load_into(&mut two, &counts(4, 4), &Names::Same).unwrap();
    assert_eq!(two.batches_tracked(), [4, 4]);
    safetensors::load_into(&mut two, &counts(4, 6), &Names::Same).unwrap();
    assert_eq!(two.batches_tracked(), [4, 6]);
    safetensors::load_into(&mut two, &counts(i64::MAX, 0), &Names::Same).unwrap();
    assert_eq!(two.batches_tracked(), [i64::MAX as u64, 0]);
    // Written back, each layer's own count.
    let bytes = safetensors::to_bytes(&two, &Names::Same).unwrap();
    let mut back = TwoNorms::<f64>::seeded(1);
    safetensors::load_into(&mut back, &bytes, &Names::Same).unwrap();
    assert_eq!(back.batches_tracked(), [i64::MAX as u64, 0]);
    // A bad second count is refused by its name; the first count is not
    // written either.
    let error = safetensors::load_into(&mut back, &counts(7, -2), &Names::Same).unwrap_err();
    assert_eq!(
        error,
        SafetensorsError::NegativeCount {
            tensor: "b.num_batches_tracked".into(),
            value: -2,
        }
    );
    assert_eq!(back.batches_tracked(), [i64::MAX as u64, 0]);
    // A count past int64's range is written as its maximum.
    back.set_batches_tracked(&[u64::MAX, 3]).unwrap();
    let bytes = safetensors::to_bytes(&back, &Names::Same).unwrap();
    safetensors::load_into(&mut two, &bytes, &Names::Same).unwrap();
    assert_eq!(two.batches_tracked(), [i64::MAX as u64, 3]);
}

#[test]
fn bad_name_maps() {
    let bytes = file_with(&valid_tensors(), |h| h);
    let mut net = Normed::<f32>::seeded(1);
    for (map, reason) in [
        (
            &[("0", "fc"), ("1", "fc")][..],
            "layer `fc` is mapped twice",
        ),
        (&[("0", "head")][..], "the network has no layer `head`"),
        (&[("fc", "out")][..], "two layers map to module `fc`"),
    ] {
        let error = safetensors::load_into(&mut net, &bytes, &Names::Map(map)).unwrap_err();
        assert_eq!(
            error,
            SafetensorsError::InvalidNameMap {
                reason: reason.into()
            }
        );
    }
}
