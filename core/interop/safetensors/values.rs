//! Reading the values of one tensor of a safetensors file: floats widened
//! to `f64` and refused when the network cannot hold them, and a layer's
//! count of tracked batches.

use std::vec::Vec;

use super::SafetensorsError;
use super::format::{Dtype, Entry};
use crate::scalar::Float;

/// The values of a floating-point tensor, widened to `f64` (exact for
/// every dtype read).
pub(super) fn floats(
    entry: &Entry<'_>,
    expected: &'static str,
) -> Result<Vec<f64>, SafetensorsError> {
    let data = entry.data;
    Ok(match entry.dtype {
        Dtype::F32 => data
            .chunks_exact(4)
            .map(|b| f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
            .collect(),
        Dtype::F64 => data
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().unwrap_or_default()))
            .collect(),
        Dtype::F16 => data
            .chunks_exact(2)
            .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f64())
            .collect(),
        Dtype::BF16 => data
            .chunks_exact(2)
            .map(|b| half::bf16::from_le_bytes([b[0], b[1]]).to_f64())
            .collect(),
        other => {
            return Err(SafetensorsError::WrongDtype {
                tensor: entry.name.clone(),
                expected,
                found: other.name(),
            });
        }
    })
}

/// What a value must be to be held by a network in `T`.
pub(super) fn finite_in<T: Float>() -> &'static str {
    if T::NAME == "f32" {
        "finite in f32 (|v| <= 3.4e38)"
    } else {
        "finite"
    }
}

/// [`floats`], refusing a value that is not finite in `T`.
pub(super) fn representable<T: Float>(
    entry: &Entry<'_>,
    expected: &'static str,
) -> Result<Vec<f64>, SafetensorsError> {
    let values = floats(entry, expected)?;
    if let Some(index) = values.iter().position(|&v| !T::of_f64(v).finite()) {
        return Err(SafetensorsError::InvalidValue {
            tensor: entry.name.clone(),
            index,
            value: values[index],
            expected: finite_in::<T>(),
        });
    }
    Ok(values)
}

/// Refuses a negative value of a buffer of
/// [`Domain::NonNegative`](crate::layer::Domain::NonNegative) (a running
/// variance: inference divides by its square root).
pub(super) fn nonnegative(entry: &Entry<'_>, values: &[f64]) -> Result<(), SafetensorsError> {
    match values.iter().position(|&v| v < 0.0) {
        Some(index) => Err(SafetensorsError::InvalidValue {
            tensor: entry.name.clone(),
            index,
            value: values[index],
            expected: "a variance, >= 0",
        }),
        None => Ok(()),
    }
}

/// A `num_batches_tracked` tensor (its shape `[]` already checked): an
/// `I64` scalar, not negative. Each batch-norm layer keeps its own.
pub(super) fn read_count(entry: &Entry<'_>) -> Result<u64, SafetensorsError> {
    if entry.dtype != Dtype::I64 {
        return Err(SafetensorsError::WrongDtype {
            tensor: entry.name.clone(),
            expected: "I64",
            found: entry.dtype.name(),
        });
    }
    let value = i64::from_le_bytes(entry.data.try_into().unwrap_or_default());
    u64::try_from(value).map_err(|_| SafetensorsError::NegativeCount {
        tensor: entry.name.clone(),
        value,
    })
}
