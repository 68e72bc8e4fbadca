//! Post-training quantization of a whole network: calibration over a data
//! set, every tensor's quantization, and the int8 network, in one call.
//!
//! The network is described by a [`FloatChain`] of its layers (the
//! layer configurations in declaration order, a `Dense` and the
//! `BatchNorm` after it as one [`Folded`](super::chain::Folded) stage) and
//! its flat parameter and buffer vectors. [`quantize_into`] needs no heap
//! (the caller gives one [`TensorObserver`] per tensor); with `std`,
//! [`quantize`] allocates them and returns a [`Quantized`] network.
//!
//! The steps, as TensorFlow Lite's converter takes them:
//!
//! 1. the float network runs over every calibration sample; each tensor's
//!    observer records its range (and, for [`RangeMethod::Percentile`] and
//!    [`RangeMethod::Mse`], a second pass fills its histogram);
//! 2. [`assign_params`] chooses every tensor's scale and zero point;
//! 3. each stage quantizes its weights, biases and multipliers.

use super::QuantError;
use super::calibrate::{RangeMethod, TensorObserver};
use super::chain::FloatChain;
use super::convert::{OutputQuantization, assign_params};
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

/// Calibrates `chain` (with its `parameters` and `buffers`) on `samples`
/// with `method`, writes every tensor's quantization into `tensors`
/// (`tensors[0]` the input, `tensors[k]` stage `k - 1`'s output; `STAGES +
/// 1` entries, as `observers`) and returns the int8 network. No heap.
///
/// # Errors
///
/// [`QuantError::NonFiniteParameter`] for a NaN or infinite parameter
/// (naming its layer and its index there, before any calibration),
/// [`QuantError::EmptyCalibration`] for no samples,
/// [`QuantError::NonFiniteCalibration`] for a NaN or infinite input or
/// activation (naming the tensor and the sample),
/// [`QuantError::InvalidOption`] for a bad percentile,
/// [`QuantError::Length`] for slices of the wrong length, and what a stage
/// reports ([`QuantError::NonFiniteParameter`],
/// [`QuantError::BiasOverflow`], [`QuantError::Multiplier`]).
pub fn quantize_into<C: FloatChain<I, O>, const I: usize, const O: usize>(
    chain: &C,
    parameters: &[f32],
    buffers: &[f32],
    samples: &[[f32; I]],
    method: RangeMethod,
    observers: &mut [TensorObserver],
    tensors: &mut [ActivationParams],
) -> Result<C::Int8, QuantError> {
    method.validate()?;
    check_lengths::<C, I, O>(parameters, buffers, tensors.len())?;
    check_lengths::<C, I, O>(parameters, buffers, observers.len())?;
    if let Some(index) = parameters.iter().position(|p| !p.is_finite()) {
        let (layer, index) = C::locate_parameter(0, index);
        return Err(QuantError::NonFiniteParameter { layer, index });
    }
    if samples.is_empty() {
        return Err(QuantError::EmptyCalibration);
    }
    for (k, observer) in observers.iter_mut().enumerate() {
        *observer = TensorObserver::new(k);
    }
    for (n, x) in samples.iter().enumerate() {
        observers[0].observe(n, x)?;
        chain.forward_visit(parameters, buffers, x, 0, &mut |k, values| {
            observers[k].observe(n, values)
        })?;
    }
    if method.needs_histogram() {
        for x in samples {
            observers[0].observe_histogram(x);
            chain.forward_visit(parameters, buffers, x, 0, &mut |k, values| {
                observers[k].observe_histogram(values);
                Ok(())
            })?;
        }
    }
    let mut rules = [OutputQuantization::Calibrated; MAX_STAGES];
    C::rules(&mut rules[..C::STAGES]);
    assign_params(&rules[..C::STAGES], observers, method, tensors)?;
    chain.quantize_chain(0, parameters, buffers, tensors)
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

#[cfg(feature = "std")]
pub use with_std::{Quantized, quantize};

#[cfg(feature = "std")]
mod with_std {
    use std::vec::Vec;

    use super::{QuantError, RangeMethod, TensorObserver, compare, quantize_input, quantize_into};
    use crate::network::Network;
    use crate::quant::chain::FloatChain;
    use crate::quant::convert::OutputQuantization;
    use crate::quant::diagnostics::{TensorErrors, TensorReport};
    use crate::quant::layers::Int8Layer;
    use crate::quant::params::ActivationParams;

    /// An int8 network with the quantization of each of its tensors.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Quantized<Q> {
        /// The int8 network (integers only: constructible in a `static`).
        pub network: Q,
        /// Every tensor's quantization: the input, then each stage's output.
        pub tensors: Vec<ActivationParams>,
        /// The name of the declared layer that writes each stage's tensor.
        pub layers: Vec<&'static str>,
    }

    impl<Q> Quantized<Q> {
        /// The input's quantization.
        #[must_use]
        pub fn input(&self) -> ActivationParams {
            self.tensors[0]
        }

        /// The output's quantization.
        #[must_use]
        pub fn output(&self) -> ActivationParams {
            self.tensors[self.tensors.len() - 1]
        }

        /// A float sample through the int8 network: quantized, run in int8,
        /// dequantized (a host-side convenience; the device feeds int8).
        #[must_use]
        pub fn forward_real<const I: usize, const O: usize>(&self, x: &[f32; I]) -> [f32; O]
        where
            Q: Int8Layer<I, O>,
        {
            let mut y = [0_i8; O];
            self.network
                .forward(&quantize_input(self.input(), x), &mut y);
            let output = self.output();
            y.map(|q| output.dequantize(q))
        }

        /// Each tensor's quantization, saturation and error against the
        /// float network `net` (described by `chain`) on `samples`: the
        /// input, then each layer's output. A tensor whose quantization the
        /// next layer shares is left out: `Dense -> ReLU` is one int8 op (the
        /// ReLU a clamp fused into the dense layer), reported once, under the
        /// ReLU's name, against the float ReLU's output.
        ///
        /// # Errors
        ///
        /// [`QuantError::Length`] when `chain` does not describe `net`.
        pub fn report<N, C, const I: usize, const O: usize, const P: usize>(
            &self,
            net: &N,
            chain: &C,
            samples: &[[f32; I]],
        ) -> Result<Vec<TensorReport>, QuantError>
        where
            N: Network<f32, I, O, P>,
            C: FloatChain<I, O, Int8 = Q>,
        {
            let mut errors = std::vec![TensorErrors::default(); self.tensors.len()];
            compare(
                chain,
                net.parameters(),
                net.buffers(),
                &self.network,
                &self.tensors,
                samples,
                &mut errors,
            )?;
            let mut rules = std::vec![OutputQuantization::Calibrated; C::STAGES];
            C::rules(&mut rules);
            // Tensor k (k >= 1) is fused when stage k (which reads it) shares it.
            let fused = |k: usize| k >= 1 && rules.get(k) == Some(&OutputQuantization::SharesInput);
            Ok(errors
                .into_iter()
                .enumerate()
                .filter(|&(k, _)| !fused(k))
                .map(|(k, errors)| TensorReport {
                    layer: if k == 0 { "input" } else { self.layers[k - 1] },
                    params: self.tensors[k],
                    errors,
                })
                .collect())
        }
    }

    /// Post-training quantization of `net`, whose layers `chain` lists,
    /// calibrated on `samples` with `method` (see [`quantize_into`]).
    ///
    /// # Errors
    ///
    /// As [`quantize_into`], and [`QuantError::Length`] when `chain` does
    /// not have the network's parameters, buffers or layers.
    pub fn quantize<N, C, const I: usize, const O: usize, const P: usize>(
        net: &N,
        chain: &C,
        samples: &[[f32; I]],
        method: RangeMethod,
    ) -> Result<Quantized<C::Int8>, QuantError>
    where
        N: Network<f32, I, O, P>,
        C: FloatChain<I, O>,
    {
        if C::LAYERS != N::LAYERS.len() {
            return Err(QuantError::Length {
                what: "layers",
                expected: N::LAYERS.len(),
                found: C::LAYERS,
            });
        }
        let tensors = C::STAGES + 1;
        let mut observers: Vec<TensorObserver> = (0..tensors).map(TensorObserver::new).collect();
        let mut params = std::vec![ActivationParams::fixed(1.0, 0); tensors];
        let network = quantize_into(
            chain,
            net.parameters(),
            net.buffers(),
            samples,
            method,
            &mut observers,
            &mut params,
        )?;
        let mut stage_layers = std::vec![0; C::STAGES];
        C::stage_layers(0, &mut stage_layers);
        Ok(Quantized {
            network,
            tensors: params,
            layers: stage_layers.iter().map(|&l| N::LAYERS[l].name).collect(),
        })
    }
}
