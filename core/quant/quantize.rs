//! Post-training quantization of a whole network: calibration over a data
//! set, every tensor's quantization, and the int8 network, in one call.
//!
//! The network is described by a [`FloatChain`] of its layers (what the
//! `network!` macro writes for each declaration: the layer configurations
//! in declaration order, a `Dense` and the `BatchNorm` after it as one
//! [`Folded`](super::fold::Folded) stage) and its flat parameter and
//! buffer vectors. [`quantize_into`] needs no heap; with `std`,
//! `quantize_with_tensors` also returns every tensor's quantization and
//! the names of the layers that write them, for `Quantized::report`
//! (`report.rs`).
//!
//! The steps, as TensorFlow Lite's converter takes them:
//!
//! 1. the float network runs over every calibration sample, and a NaN or
//!    infinite value in any tensor is refused (naming the tensor and the
//!    sample);
//! 2. [`assign_params_with`] chooses every tensor's scale and zero point:
//!    each calibrated tensor's [`TensorObserver`] watches it over the set
//!    (one pass for its range and, for [`RangeMethod::Percentile`] and
//!    [`RangeMethod::Mse`], a second for its histogram), one tensor at a
//!    time, so one observer's memory is all it needs;
//! 3. each stage quantizes its weights, biases and multipliers.

use super::QuantError;
use super::calibrate::Calibration;
use super::calibrate::{RangeMethod, TensorObserver};
use super::chain::FloatChain;
use super::convert::{OutputQuantization, assign_params_with};
use super::diagnostics::TensorErrors;
use super::params::ActivationParams;

/// Stages a chain can have in the fixed-size scratch of [`quantize_into`].
pub const MAX_STAGES: usize = 64;

/// Checks the lengths a quantization call was given.
fn check_lengths<C: FloatChain<I, O>, const I: usize, const O: usize>(
    parameters: &[f32],
    buffers: &[f32],
    tensors: usize,
) -> Result<(), QuantError> {
    let expected = [C::PARAMS, C::BUFFERS, C::STAGES + 1];
    let found = [parameters.len(), buffers.len(), tensors];
    for (what, (&expected, &found)) in ["parameters", "buffers", "tensors"]
        .iter()
        .zip(expected.iter().zip(&found))
    {
        if expected != found {
            return Err(QuantError::Length {
                what,
                expected,
                found,
            });
        }
    }
    if C::STAGES > MAX_STAGES {
        return Err(QuantError::Length {
            what: "stages",
            expected: MAX_STAGES,
            found: C::STAGES,
        });
    }
    Ok(())
}

/// Calibrates `chain` (with its `parameters` and `buffers`) on
/// `calibration`, writes every tensor's quantization into `tensors`
/// (`tensors[0]` the input, `tensors[k]` stage `k - 1`'s output; `STAGES +
/// 1` entries) and returns the int8 chain. No heap: one [`TensorObserver`]
/// (16 KiB) on the stack at a time.
///
/// # Errors
///
/// [`QuantError::NonFiniteParameter`] for a NaN or infinite parameter
/// (naming its layer and its index there, before any calibration),
/// [`QuantError::EmptyCalibration`] for no samples,
/// [`QuantError::NonFiniteCalibration`] for a NaN or infinite input or
/// activation (naming the tensor and the first sample that gives one),
/// [`QuantError::InvalidOption`] for a bad percentile,
/// [`QuantError::Length`] for slices of the wrong length, and what a stage
/// reports ([`QuantError::NonFiniteParameter`],
/// [`QuantError::BiasOverflow`], [`QuantError::Multiplier`]).
pub fn quantize_into<C: FloatChain<I, O>, const I: usize, const O: usize>(
    chain: &C,
    parameters: &[f32],
    buffers: &[f32],
    calibration: &Calibration<'_, I>,
    tensors: &mut [ActivationParams],
) -> Result<C::Int8, QuantError> {
    let Calibration { samples, method } = *calibration;
    method.validate()?;
    check_lengths::<C, I, O>(parameters, buffers, tensors.len())?;
    if let Some(index) = parameters.iter().position(|p| !p.is_finite()) {
        let (layer, index) = C::locate_parameter(0, index);
        return Err(QuantError::NonFiniteParameter { layer, index });
    }
    if samples.is_empty() {
        return Err(QuantError::EmptyCalibration);
    }
    // Every tensor finite on every sample, checked in sample order.
    for (n, x) in samples.iter().enumerate() {
        let finite = |tensor: usize, values: &[f32]| {
            if values.iter().all(|v| v.is_finite()) {
                Ok(())
            } else {
                Err(QuantError::NonFiniteCalibration { tensor, sample: n })
            }
        };
        finite(0, x)?;
        chain.forward_visit(parameters, buffers, x, 0, &mut |k, values| {
            finite(k, values)
        })?;
    }
    let mut rules = [OutputQuantization::Calibrated; MAX_STAGES];
    C::rules(&mut rules[..C::STAGES]);
    assign_params_with(&rules[..C::STAGES], tensors, |tensor| {
        calibrate_tensor(chain, parameters, buffers, samples, method, tensor)
    })?;
    chain.quantize_chain(0, parameters, buffers, tensors)
}

/// The quantization `method` chooses for tensor `tensor` of `chain` over
/// `samples` (all finite).
fn calibrate_tensor<C: FloatChain<I, O>, const I: usize, const O: usize>(
    chain: &C,
    parameters: &[f32],
    buffers: &[f32],
    samples: &[[f32; I]],
    method: RangeMethod,
    tensor: usize,
) -> Result<ActivationParams, QuantError> {
    let mut observer = TensorObserver::new(tensor);
    let pass = |visit: &mut dyn FnMut(&[f32])| -> Result<(), QuantError> {
        for x in samples {
            if tensor == 0 {
                visit(x);
            } else {
                chain.forward_visit(parameters, buffers, x, 0, &mut |k, values| {
                    if k == tensor {
                        visit(values);
                    }
                    Ok(())
                })?;
            }
        }
        Ok(())
    };
    let mut first = Ok(());
    let mut n = 0;
    pass(&mut |values| {
        if first.is_ok() {
            first = observer.observe(n, values);
        }
        n += 1;
    })?;
    first?;
    if method.needs_histogram() {
        pass(&mut |values| observer.observe_histogram(values))?;
    }
    observer.params(method)
}

/// Runs the float and the int8 network side by side on `samples` and adds
/// each tensor's errors into `errors` (`STAGES + 1` entries; entry 0 is the
/// input's rounding). The int8 network starts from the quantized input, so
/// errors accumulate through the layers as on the device. No heap.
///
/// # Errors
///
/// [`QuantError::Length`] for slices of the wrong length.
pub fn compare<C: FloatChain<I, O>, const I: usize, const O: usize>(
    chain: &C,
    parameters: &[f32],
    buffers: &[f32],
    int8: &C::Int8,
    tensors: &[ActivationParams],
    samples: &[[f32; I]],
    errors: &mut [TensorErrors],
) -> Result<(), QuantError> {
    check_lengths::<C, I, O>(parameters, buffers, tensors.len())?;
    check_lengths::<C, I, O>(parameters, buffers, errors.len())?;
    for x in samples {
        let q = quantize_input(tensors[0], x);
        errors[0].observe(tensors[0], x, &q);
        chain.compare_visit(int8, parameters, buffers, x, &q, 0, &mut |k, f, q| {
            errors[k].observe(tensors[k], f, q);
        });
    }
    Ok(())
}

/// The int8 input of a float sample in quantization `input`.
#[must_use]
pub fn quantize_input<const I: usize>(input: ActivationParams, x: &[f32; I]) -> [i8; I] {
    core::array::from_fn(|i| input.quantize(x[i]))
}
