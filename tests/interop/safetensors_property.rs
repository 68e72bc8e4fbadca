//! A property test of the safetensors reader: thousands of mutated and
//! random files never make the reader panic, a refused file never changes
//! the network, and every file the reader accepts is accepted alike by the
//! `safetensors` crate.

use constnet::interop::safetensors::{self, Names, SafetensorsError, format};
use constnet::prelude::*;

use super::safetensors_errors::{Normed, file_with, raw_file, valid_tensors};

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
