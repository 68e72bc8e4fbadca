//! The safetensors format itself, independent of any network: an 8-byte
//! little-endian header length `n`, `n` bytes of JSON mapping each tensor's
//! name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets into
//! the data that follows the header), an optional `__metadata__` object of
//! strings, then the data, every byte of it belonging to exactly one tensor.
//!
//! [`parse`] validates all of it before anything is read: header bounds
//! (at most 100 MB, within the file), UTF-8, JSON, duplicate names (which a
//! map-based reader would silently collapse into one), every entry's fields,
//! dtype, shape size (checked for overflow), offsets (ordered, in range,
//! spanning exactly the size, no overlaps, no holes).

use core::fmt::Write as _;
use std::borrow::ToOwned;
use std::boxed::Box;
use std::collections::BTreeSet;
use std::string::{String, ToString};
use std::vec::Vec;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_json::value::RawValue;

use super::error::SafetensorsError;

/// The largest header the format allows (as the reference implementation).
pub const MAX_HEADER: u64 = 100_000_000;

/// A dtype of the safetensors format, with its size in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dtype {
    /// IEEE binary32.
    F32,
    /// IEEE binary64.
    F64,
    /// IEEE binary16.
    F16,
    /// bfloat16 (the top half of a binary32).
    BF16,
    /// Signed 64-bit integer (`num_batches_tracked`).
    I64,
    /// Another dtype of the format, which no network tensor reads.
    Other(&'static str, u64),
}

impl Dtype {
    /// The dtype named `name` in a header, if the format defines it with a
    /// whole number of bytes per element.
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "F32" => Self::F32,
            "F64" => Self::F64,
            "F16" => Self::F16,
            "BF16" => Self::BF16,
            "I64" => Self::I64,
            "BOOL" => Self::Other("BOOL", 1),
            "U8" => Self::Other("U8", 1),
            "I8" => Self::Other("I8", 1),
            "F8_E5M2" => Self::Other("F8_E5M2", 1),
            "F8_E4M3" => Self::Other("F8_E4M3", 1),
            "I16" => Self::Other("I16", 2),
            "U16" => Self::Other("U16", 2),
            "I32" => Self::Other("I32", 4),
            "U32" => Self::Other("U32", 4),
            "U64" => Self::Other("U64", 8),
            _ => return None,
        })
    }

    /// The name the header uses.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::F32 => "F32",
            Self::F64 => "F64",
            Self::F16 => "F16",
            Self::BF16 => "BF16",
            Self::I64 => "I64",
            Self::Other(name, _) => name,
        }
    }

    /// Bytes per element.
    #[must_use]
    pub const fn size(self) -> u64 {
        match self {
            Self::F32 => 4,
            Self::F64 | Self::I64 => 8,
            Self::F16 | Self::BF16 => 2,
            Self::Other(_, size) => size,
        }
    }
}

/// One validated tensor of a file: its name, dtype, shape and bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The name in the header.
    pub name: String,
    /// Its dtype.
    pub dtype: Dtype,
    /// Its shape (`[]` for a scalar).
    pub shape: Vec<u64>,
    /// Its data, little-endian, row-major.
    pub data: &'a [u8],
}

/// A header entry as written; any other field is an error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    dtype: String,
    shape: Vec<u64>,
    data_offsets: (u64, u64),
}

/// The header's top-level object, its entries in order and duplicates kept
/// (a map would keep only the last of two entries of one name).
struct Entries(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

/// Validates a whole safetensors file and returns its tensors in the order
/// of their data.
///
/// # Errors
///
/// The first problem found, naming the tensor where there is one.
pub fn parse(bytes: &[u8]) -> Result<Vec<Entry<'_>>, SafetensorsError> {
    let Some((length, rest)) = bytes.split_first_chunk::<8>() else {
        return Err(SafetensorsError::TooShort { len: bytes.len() });
    };
    let header_len = u64::from_le_bytes(*length);
    if header_len > MAX_HEADER {
        return Err(SafetensorsError::HeaderTooLarge { header: header_len });
    }
    let beyond = SafetensorsError::HeaderBeyondFile {
        header: header_len,
        file: bytes.len(),
    };
    let split = usize::try_from(header_len).map_err(|_| beyond.clone())?;
    if split > rest.len() {
        return Err(beyond);
    }
    let (header, data) = rest.split_at(split);
    let header = core::str::from_utf8(header).map_err(|e| SafetensorsError::HeaderNotUtf8 {
        valid_up_to: e.valid_up_to(),
    })?;
    let Entries(raw) = serde_json::from_str(header).map_err(|e| SafetensorsError::InvalidJson {
        message: e.to_string(),
    })?;

    let mut seen = BTreeSet::new();
    let mut entries = Vec::with_capacity(raw.len());
    let mut spans = Vec::with_capacity(raw.len());
    for (name, value) in raw {
        if !seen.insert(name.clone()) {
            return Err(SafetensorsError::DuplicateTensor { tensor: name });
        }
        if name == "__metadata__" {
            serde_json::from_str::<std::collections::BTreeMap<String, String>>(value.get())
                .map_err(|e| SafetensorsError::InvalidMetadata {
                    message: e.to_string(),
                })?;
            continue;
        }
        let entry: RawEntry =
            serde_json::from_str(value.get()).map_err(|e| SafetensorsError::InvalidEntry {
                tensor: name.clone(),
                message: e.to_string(),
            })?;
        let (dtype, begin, end) = check_entry(&name, &entry, data.len())?;
        spans.push((begin, end, entries.len()));
        entries.push(Entry {
            name,
            dtype,
            shape: entry.shape,
            data: &data[begin..end],
        });
    }
    check_coverage(&mut spans, &entries, data.len())?;
    let mut ordered: Vec<Option<Entry<'_>>> = entries.into_iter().map(Some).collect();
    Ok(spans
        .iter()
        .filter_map(|&(_, _, index)| ordered[index].take())
        .collect())
}

/// Checks one entry's dtype, size and offsets; returns its dtype and byte range.
fn check_entry(
    name: &str,
    entry: &RawEntry,
    data_len: usize,
) -> Result<(Dtype, usize, usize), SafetensorsError> {
    let Some(dtype) = Dtype::parse(&entry.dtype) else {
        return Err(SafetensorsError::UnknownDtype {
            tensor: name.to_owned(),
            dtype: entry.dtype.clone(),
        });
    };
    let needed = entry
        .shape
        .iter()
        .try_fold(dtype.size(), |bytes, &d| bytes.checked_mul(d))
        .ok_or_else(|| SafetensorsError::ShapeOverflow {
            tensor: name.to_owned(),
            shape: entry.shape.clone(),
        })?;
    let (begin, end) = entry.data_offsets;
    if begin > end {
        return Err(SafetensorsError::ReversedOffsets {
            tensor: name.to_owned(),
            offsets: [begin, end],
        });
    }
    let beyond = || SafetensorsError::OffsetsBeyondData {
        tensor: name.to_owned(),
        offsets: [begin, end],
        data_len,
    };
    let end_index = usize::try_from(end).map_err(|_| beyond())?;
    if end_index > data_len {
        return Err(beyond());
    }
    if end - begin != needed {
        return Err(SafetensorsError::SizeMismatch {
            tensor: name.to_owned(),
            needed,
            spanned: end - begin,
        });
    }
    // begin <= end <= data_len, so both fit in usize.
    Ok((dtype, begin as usize, end_index))
}

/// Sorts the spans by start and checks that they tile the data exactly.
fn check_coverage(
    spans: &mut [(usize, usize, usize)],
    entries: &[Entry<'_>],
    data_len: usize,
) -> Result<(), SafetensorsError> {
    // Empty tensors first among equal starts, so they never "overlap".
    spans.sort_by_key(|&(begin, end, _)| (begin, end));
    let mut covered = 0;
    let mut last: Option<usize> = None;
    for &(begin, end, index) in spans.iter() {
        if begin < covered {
            let other = last.map_or_else(String::new, |i| entries[i].name.clone());
            return Err(SafetensorsError::OverlappingTensors {
                tensor: entries[index].name.clone(),
                other,
            });
        }
        if begin > covered {
            return Err(SafetensorsError::UncoveredBytes {
                start: covered,
                end: begin,
            });
        }
        if end > begin {
            covered = end;
            last = Some(index);
        }
    }
    if covered != data_len {
        return Err(SafetensorsError::UncoveredBytes {
            start: covered,
            end: data_len,
        });
    }
    Ok(())
}

/// Writes a safetensors file: `tensors` are (name, dtype, shape, bytes), in
/// file order. The header is padded with spaces to a multiple of 8 bytes,
/// so the data that follows is aligned (as the reference writer does).
#[must_use]
pub fn write(tensors: &[(String, Dtype, Vec<u64>, Vec<u8>)]) -> Vec<u8> {
    let mut header = String::from("{");
    let mut offset = 0_usize;
    for (i, (name, dtype, shape, data)) in tensors.iter().enumerate() {
        if i > 0 {
            header.push(',');
        }
        // A String always serializes.
        header.push_str(&serde_json::to_string(name).unwrap_or_default());
        let shape: Vec<String> = shape.iter().map(ToString::to_string).collect();
        // Writing to a String cannot fail.
        let _ = write!(
            header,
            ":{{\"dtype\":\"{}\",\"shape\":[{}],\"data_offsets\":[{offset},{}]}}",
            dtype.name(),
            shape.join(","),
            offset + data.len()
        );
        offset += data.len();
    }
    header.push('}');
    while header.len() % 8 != 0 {
        header.push(' ');
    }
    let mut file = Vec::with_capacity(8 + header.len() + offset);
    file.extend_from_slice(&(header.len() as u64).to_le_bytes());
    file.extend_from_slice(header.as_bytes());
    for (_, _, _, data) in tensors {
        file.extend_from_slice(data);
    }
    file
}
