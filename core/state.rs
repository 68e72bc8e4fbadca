//! A network's state set from outside, checked: every buffer value (a
//! running statistic) must lie in its tensor's [`Domain`] (a running
//! variance is finite and `>= 0`, since inference divides by its square
//! root), and a conversion to another scalar must keep every value finite.
//!
//! The generated `from_parts` is `const`: in a `static` its check runs at
//! compile time ([`buffer_problem_f32`] / [`buffer_problem_f64`], the
//! `const` forms), so a bad running variance in a model written to flash is
//! a compile error. At run time, `try_from_parts`,
//! [`Network::set_buffers`](crate::network::Network::set_buffers) and
//! [`check_buffers`] return [`Error::InvalidBuffer`] naming the layer, the
//! tensor, the index and the value.

use crate::error::{Error, Result};
use crate::layer::{Domain, LayerInfo};
use crate::scalar::Float;

/// `true` when `value` is in `domain`.
fn admits<T: Float>(domain: Domain, value: T) -> bool {
    value.finite()
        && match domain {
            Domain::Finite => true,
            Domain::NonNegative => value >= T::zero(),
        }
}

/// Checks a flat buffer vector against the buffer tensors of `layers`
/// (each layer's [`LayerInfo::buffer_tensors`] from its
/// [`LayerInfo::buffer_offset`]).
///
/// # Errors
/// [`Error::InvalidBuffer`] for the first value outside its tensor's
/// domain; [`Error::BufferLength`] when `buffers` is shorter than the table
/// says.
pub fn check_buffers<T: Float>(layers: &[LayerInfo], buffers: &[T]) -> Result<()> {
    for layer in layers {
        let mut at = layer.buffer_offset;
        for tensor in layer.buffer_tensors {
            for index in 0..tensor.len() {
                let Some(&value) = buffers.get(at) else {
                    return Err(Error::BufferLength {
                        what: "buffers",
                        given: buffers.len(),
                        required: at.saturating_add(1),
                    });
                };
                if !admits(tensor.domain, value) {
                    return Err(Error::InvalidBuffer {
                        layer: layer.name,
                        tensor: tensor.name,
                        index,
                        value: value.to_f64(),
                        expected: tensor.domain.describe(),
                    });
                }
                at += 1;
            }
        }
    }
    Ok(())
}

/// The `const` forms of [`check_buffers`], one per scalar (a `const fn`
/// cannot compare a generic `T`): `None`, or what is wrong, for a
/// compile-time panic message.
macro_rules! const_check {
    ($(#[$doc:meta])* $name:ident, $scalar:ty) => {
        $(#[$doc])*
        #[must_use]
        pub const fn $name(layers: &[LayerInfo], buffers: &[$scalar]) -> Option<&'static str> {
            let mut l = 0;
            while l < layers.len() {
                let layer = &layers[l];
                let mut at = layer.buffer_offset;
                let mut t = 0;
                while t < layer.buffer_tensors.len() {
                    let tensor = &layer.buffer_tensors[t];
                    let mut k = 0;
                    while k < tensor.len() {
                        if at >= buffers.len() {
                            return Some("from_parts: the buffers are shorter than the layers' buffer tensors");
                        }
                        let value = buffers[at];
                        if !value.is_finite() {
                            return Some(
                                "from_parts: a buffer value is NaN or infinite \
                                 (at run time, try_from_parts names the layer, tensor and index)",
                            );
                        }
                        if matches!(tensor.domain, Domain::NonNegative) && value < 0.0 {
                            return Some(
                                "from_parts: a running variance (a buffer of Domain::NonNegative) \
                                 is negative (at run time, try_from_parts names the layer, tensor and index)",
                            );
                        }
                        at += 1;
                        k += 1;
                    }
                    t += 1;
                }
                l += 1;
            }
            None
        }
    };
}

const_check!(
    /// [`check_buffers`] for `f32`, usable in a `const`.
    buffer_problem_f32,
    f32
);
const_check!(
    /// [`check_buffers`] for `f64`, usable in a `const`.
    buffer_problem_f64,
    f64
);

/// `values` converted to `U`, each through `f64`.
///
/// # Errors
/// [`Error::NotRepresentable`] for a value that `U` cannot hold (NaN or
/// infinite after the conversion), naming `what` and its index.
pub fn cast_values<T: Float, U: Float, const N: usize>(
    values: &[T; N],
    what: &'static str,
) -> Result<[U; N]> {
    let mut out = [U::zero(); N];
    for (index, (slot, &value)) in out.iter_mut().zip(values).enumerate() {
        *slot = U::of_f64(value.to_f64());
        if !slot.finite() {
            return Err(Error::NotRepresentable {
                what,
                index,
                value: value.to_f64(),
                scalar: U::NAME,
            });
        }
    }
    Ok(out)
}

/// A layer's own count of tracked batches, from its slice of the network's
/// counts (one entry for a layer that counts batches, none for the others,
/// which read 0): what the generated `update_buffers` hands each layer.
#[inline]
#[must_use]
pub fn own_count(counts: &[u64]) -> u64 {
    counts.first().copied().unwrap_or(0)
}

/// One more tracked batch in every count (saturating at `u64::MAX`): the
/// whole network was in training mode for the step.
#[inline]
pub fn count_batch(counts: &mut [u64]) {
    for count in counts {
        *count = count.saturating_add(1);
    }
}
