//! Malformed safetensors files: headers, offsets, entries, metadata and
//! framing the format does not allow. Each is a typed error naming the
//! tensor (or the header), and the network is left exactly as it was.

use constnet::interop::safetensors::{self, Names, SafetensorsError};

use super::safetensors_errors::{Normed, file_with, raw_file, refused, valid_tensors};

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
