//! Bad safetensors files: each kind is a typed error naming the tensor,
//! and the network is left exactly as it was (never a partial load). Then
//! a property test: thousands of mutated and random files never make the
//! reader panic, a refused file never changes the network, and every file
//! the reader accepts is accepted alike by the `safetensors` crate.

use constnet::interop::safetensors::{self, Names, SafetensorsError, format};
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
fn valid_tensors() -> Vec<Tensor> {
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
fn file_with(tensors: &[Tensor], edit: impl Fn(String) -> String) -> Vec<u8> {
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

fn raw_file(header: &[u8], data: &[u8]) -> Vec<u8> {
    let mut file = (header.len() as u64).to_le_bytes().to_vec();
    file.extend_from_slice(header);
    file.extend_from_slice(data);
    file
}

/// Loads `bytes` into a seeded network; asserts the error and that the
/// network did not change, and that the message names `tensor`.
fn refused(bytes: &[u8], expected: &SafetensorsError, tensor: &str) {
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
fn malformed_headers_and_offsets() {
    let tensors = valid_tensors();
    let data_len: usize = tensors.iter().map(|t| t.3.len()).sum();
    let valid = file_with(&tensors, |h| h);

    let duplicate = file_with(&tensors, |h| h.replacen("\"fc.bias\"", "\"fc.weight\"", 1));
    refused(
        &duplicate,
        &SafetensorsError::DuplicateTensor {
            tensor: "fc.weight".into(),
        },
        "fc.weight",
    );
    // fc.bias starts 4 bytes early: it overlaps fc.weight (and leaves a hole at the end).
    let overlapping = file_with(&tensors, |h| {
        h.replace("\"data_offsets\":[48,64]", "\"data_offsets\":[44,60]")
    });
    refused(
        &overlapping,
        &SafetensorsError::OverlappingTensors {
            tensor: "fc.bias".into(),
            other: "fc.weight".into(),
        },
        "fc.bias",
    );
    let end = data_len as u64;
    let beyond = file_with(&tensors, |h| {
        h.replace(
            &format!("[{},{end}]", end - 8),
            &format!("[{end},{}]", end + 8),
        )
    });
    refused(
        &beyond,
        &SafetensorsError::OffsetsBeyondData {
            tensor: "out.bias".into(),
            offsets: [end, end + 8],
            data_len,
        },
        "out.bias",
    );
    let truncated = &valid[..valid.len() - 3];
    refused(
        truncated,
        &SafetensorsError::OffsetsBeyondData {
            tensor: "out.bias".into(),
            offsets: [end - 8, end],
            data_len: data_len - 3,
        },
        "out.bias",
    );
    let reversed = file_with(&tensors, |h| h.replace("[48,64]", "[64,48]"));
    refused(
        &reversed,
        &SafetensorsError::ReversedOffsets {
            tensor: "fc.bias".into(),
            offsets: [64, 48],
        },
        "fc.bias",
    );
    let size = file_with(&tensors, |h| {
        h.replacen("\"shape\":[4,3]", "\"shape\":[4,2]", 1)
    });
    refused(
        &size,
        &SafetensorsError::SizeMismatch {
            tensor: "fc.weight".into(),
            needed: 32,
            spanned: 48,
        },
        "fc.weight",
    );
    let overflow = file_with(&tensors, |h| {
        h.replacen("\"shape\":[4,3]", "\"shape\":[4294967296,4294967296]", 1)
    });
    refused(
        &overflow,
        &SafetensorsError::ShapeOverflow {
            tensor: "fc.weight".into(),
            shape: vec![1 << 32, 1 << 32],
        },
        "fc.weight",
    );
    let unknown = file_with(&tensors, |h| h.replacen("\"F32\"", "\"F128\"", 1));
    refused(
        &unknown,
        &SafetensorsError::UnknownDtype {
            tensor: "fc.weight".into(),
            dtype: "F128".into(),
        },
        "fc.weight",
    );
    let mut trailing = valid.clone();
    trailing.extend_from_slice(&[0; 4]);
    refused(
        &trailing,
        &SafetensorsError::UncoveredBytes {
            start: data_len,
            end: data_len + 4,
        },
        &data_len.to_string(),
    );
}

#[test]
fn malformed_entries_and_metadata() {
    let tensors = valid_tensors();
    for (entry, what) in [
        (r#""shape":[4],"#, "missing field `dtype`"),
        (
            r#""dtype":"F32","dtype":"F32","shape":[4],"#,
            "duplicate field `dtype`",
        ),
        (r#""dtype":"F32","shape":[-4],"#, "invalid value"),
        (
            r#""dtype":"F32","shape":[4],"offsets":0,"#,
            "unknown field `offsets`",
        ),
    ] {
        // The first entry of shape [4] is fc.bias's.
        let bytes = file_with(&tensors, |h| {
            h.replacen(r#""dtype":"F32","shape":[4],"#, entry, 1)
        });
        let mut net = Normed::<f32>::seeded(1);
        match safetensors::load_into(&mut net, &bytes, &Names::Same).unwrap_err() {
            SafetensorsError::InvalidEntry { tensor, message } => {
                assert_eq!(tensor, "fc.bias");
                assert!(message.contains(what), "{message}");
            }
            other => panic!("{what}: {other:?}"),
        }
    }
    let metadata = file_with(&tensors, |h| {
        h.replacen('{', r#"{"__metadata__":{"format":1},"#, 1)
    });
    assert!(matches!(
        safetensors::load_into(&mut Normed::<f32>::seeded(1), &metadata, &Names::Same),
        Err(SafetensorsError::InvalidMetadata { .. })
    ));
    let with_metadata = file_with(&tensors, |h| {
        h.replacen('{', r#"{"__metadata__":{"format":"pt"},"#, 1)
    });
    safetensors::load_into(&mut Normed::<f32>::seeded(1), &with_metadata, &Names::Same).unwrap();
}

#[test]
fn broken_framing() {
    let valid = file_with(&valid_tensors(), |h| h);
    let mut net = Normed::<f32>::seeded(1);
    let mut check = |bytes: &[u8], expected: SafetensorsError| {
        assert_eq!(
            safetensors::load_into(&mut net, bytes, &Names::Same).unwrap_err(),
            expected
        );
    };
    check(&valid[..5], SafetensorsError::TooShort { len: 5 });
    let mut beyond = valid.clone();
    beyond[..8].copy_from_slice(&(valid.len() as u64).to_le_bytes());
    check(
        &beyond,
        SafetensorsError::HeaderBeyondFile {
            header: valid.len() as u64,
            file: valid.len(),
        },
    );
    let mut huge = valid.clone();
    huge[..8].copy_from_slice(&100_000_001_u64.to_le_bytes());
    check(
        &huge,
        SafetensorsError::HeaderTooLarge {
            header: 100_000_001,
        },
    );
    huge[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    check(&huge, SafetensorsError::HeaderTooLarge { header: u64::MAX });
    check(
        &raw_file(b"{\"a\xff\":1}", &[]),
        SafetensorsError::HeaderNotUtf8 { valid_up_to: 3 },
    );
    for header in ["{", "[]", "", "{\"fc.weight\":}", "null"] {
        let error =
            safetensors::load_into(&mut net, &raw_file(header.as_bytes(), &[]), &Names::Same)
                .unwrap_err();
        assert!(
            matches!(error, SafetensorsError::InvalidJson { .. }),
            "{header}: {error:?}"
        );
    }
    assert_eq!(net, Normed::<f32>::seeded(1));
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

/// A small seeded generator for the property test (constnet's own).
fn mutate(rng: &mut Rng, file: &[u8]) -> Vec<u8> {
    let mut bytes = file.to_vec();
    for _ in 0..=rng.below(3) {
        match rng.below(7) {
            0 if !bytes.is_empty() => {
                let i = rng.below(bytes.len());
                bytes[i] ^= 1 << rng.below(8);
            }
            1 if !bytes.is_empty() => {
                let i = rng.below(bytes.len());
                bytes[i] = rng.below(256) as u8;
            }
            2 => bytes.truncate(rng.below(bytes.len() + 1)),
            3 => {
                let i = rng.below(bytes.len() + 1);
                bytes.insert(i, b"{}[],:\"0-9eE. "[rng.below(14)]);
            }
            4 if bytes.len() >= 8 => {
                let length = u64::from_le_bytes(bytes[..8].try_into().unwrap());
                let new = match rng.below(3) {
                    0 => length.wrapping_add(rng.below(17) as u64).wrapping_sub(8),
                    1 => rng.next_u64() >> rng.below(64),
                    _ => rng.below(bytes.len() + 16) as u64,
                };
                bytes[..8].copy_from_slice(&new.to_le_bytes());
            }
            5 if bytes.len() > 8 => {
                // Replace a digit of the header with another (offsets, shapes).
                let header_end = bytes.len().min(8 + 600);
                let digits: Vec<usize> = (8..header_end)
                    .filter(|&i| bytes[i].is_ascii_digit())
                    .collect();
                if !digits.is_empty() {
                    let i = digits[rng.below(digits.len())];
                    bytes[i] = b'0' + rng.below(10) as u8;
                }
            }
            _ => {
                let i = rng.below(bytes.len() + 1);
                bytes.splice(i..i, (0..rng.below(9)).map(|_| rng.below(256) as u8));
            }
        }
    }
    bytes
}

/// A random file: a random header of random entries over random data.
fn random_file(rng: &mut Rng) -> Vec<u8> {
    let names = [
        "fc.weight",
        "fc.bias",
        "bn.weight",
        "bn.num_batches_tracked",
        "out.bias",
        "x",
    ];
    let dtypes = ["F32", "F64", "F16", "BF16", "I64", "U8", "F128"];
    let mut entries = Vec::new();
    let mut offset = 0_u64;
    for _ in 0..rng.below(6) {
        let shape: Vec<String> = (0..rng.below(3))
            .map(|_| rng.below(6).to_string())
            .collect();
        let len = rng.below(40) as u64;
        let begin = if rng.below(4) == 0 {
            rng.below(64) as u64
        } else {
            offset
        };
        entries.push(format!(
            "\"{}\":{{\"dtype\":\"{}\",\"shape\":[{}],\"data_offsets\":[{begin},{}]}}",
            names[rng.below(names.len())],
            dtypes[rng.below(dtypes.len())],
            shape.join(","),
            begin + len
        ));
        offset = begin + len;
    }
    let data: Vec<u8> = (0..offset + rng.below(3) as u64)
        .map(|_| rng.below(256) as u8)
        .collect();
    raw_file(format!("{{{}}}", entries.join(",")).as_bytes(), &data)
}

#[test]
fn random_and_mutated_files_never_panic_and_never_load_partly() {
    let mut rng = Rng::seed_from(2024);
    let seeds = [
        file_with(&valid_tensors(), |h| h),
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/safetensors/normed_f16.safetensors"
        ))
        .unwrap(),
    ];
    let before = Normed::<f32>::seeded(1);
    let (mut accepted, mut refused) = (0, 0);
    let mut both_accepted = 0;
    for case in 0..6000 {
        let bytes = if case % 3 == 2 {
            random_file(&mut rng)
        } else {
            mutate(&mut rng, &seeds[case % 2])
        };
        let mut net = before.clone();
        if safetensors::load_into(&mut net, &bytes, &Names::Same).is_ok() {
            accepted += 1;
        } else {
            refused += 1;
            assert_eq!(
                net.parameters().map(f32::to_bits),
                before.parameters().map(f32::to_bits),
                "case {case}"
            );
            assert_eq!(net.buffers(), before.buffers(), "case {case}");
            assert_eq!(
                net.batches_tracked(),
                before.batches_tracked(),
                "case {case}"
            );
        }
        // The format layer agrees with the safetensors crate: what this
        // reader accepts, it accepts with the same tensors; what it refuses
        // and the crate accepts is a duplicate name (which the crate
        // collapses) or an entry with a field the format does not define.
        let ours = format::parse(&bytes);
        let theirs = ::safetensors::SafeTensors::deserialize(&bytes);
        match (&ours, &theirs) {
            (Ok(entries), Ok(tensors)) => {
                both_accepted += 1;
                assert_eq!(entries.len(), tensors.len(), "case {case}");
                for entry in entries {
                    assert_eq!(
                        tensors.tensor(&entry.name).unwrap().data(),
                        entry.data,
                        "case {case}"
                    );
                }
            }
            (Ok(_), Err(error)) => {
                panic!("case {case}: accepted here, refused by the safetensors crate: {error}")
            }
            (Err(error), Ok(_)) => assert!(
                matches!(
                    error,
                    SafetensorsError::DuplicateTensor { .. }
                        | SafetensorsError::InvalidEntry { .. }
                ),
                "case {case}: refused here ({error}), accepted by the safetensors crate"
            ),
            (Err(_), Err(_)) => {}
        }
    }
    assert!(
        accepted > 100 && refused > 1000 && both_accepted > 100,
        "accepted {accepted}, refused {refused}, valid files {both_accepted}"
    );
}
