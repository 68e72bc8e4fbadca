//! Quantization with every tensor's quantization kept (`std`), for the
//! per-layer diagnostics: which layer loses accuracy.
//!
//! [`quantize_with_tensors`] quantizes a declared network as its
//! `quantize` does and also returns each activation tensor's scale and
//! zero point and the name of the layer that writes it;
//! [`Quantized::report`] compares the int8 network with the float one on a
//! data set, tensor by tensor.

use std::vec::Vec;

use super::QuantError;
use super::calibrate::Calibration;
use super::chain::FloatChain;
use super::convert::OutputQuantization;
use super::diagnostics::{TensorErrors, TensorReport};
use super::network::{Int8Network, LayerChain, check_layers};
use super::params::ActivationParams;
use super::quantize::{compare, quantize_into};
use crate::network::Network;

/// An int8 network `Q` (an [`Int8Network`]: a declaration's `NetQ8`) with
/// the quantization of each of its tensors.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantized<Q> {
    /// The int8 network (integers only: constructible in a `static`).
    pub network: Q,
    /// Every tensor's quantization: the input, then each stage's output.
    pub tensors: Vec<ActivationParams>,
    /// The name of the declared layer that writes each stage's tensor.
    pub layers: Vec<&'static str>,
}

impl<L, const I: usize, const O: usize> Quantized<Int8Network<L, I, O>> {
    /// Each tensor's quantization, saturation and error against the float
    /// network `net` on `samples`: the input, then each layer's output. A
    /// tensor whose quantization the next layer shares is left out: `Dense
    /// -> ReLU` is one int8 op (the ReLU a clamp fused into the dense
    /// layer), reported once, under the ReLU's name, against the float
    /// ReLU's output.
    ///
    /// # Errors
    ///
    /// [`QuantError::Length`] when `net`'s chain does not have the
    /// network's parameters, buffers or tensors.
    pub fn report<N, C, const P: usize>(
        &self,
        net: &N,
        samples: &[[f32; I]],
    ) -> Result<Vec<TensorReport>, QuantError>
    where
        N: Network<f32, I, O, P> + LayerChain<Chain = C>,
        C: FloatChain<I, O, Int8 = L>,
    {
        let mut errors = std::vec![TensorErrors::default(); self.tensors.len()];
        compare(
            &N::chain(),
            net.parameters(),
            net.buffers(),
            &self.network.layers,
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

/// Post-training quantization of `net` on `calibration`, as the
/// generated `Net::quantize`, keeping every tensor's quantization and the
/// name of the layer that writes it (see [`quantize_into`]).
///
/// # Errors
///
/// As [`quantize_into`], and [`QuantError::Length`] when the network's
/// chain does not have its layers.
pub fn quantize_with_tensors<N, C, const I: usize, const O: usize, const P: usize>(
    net: &N,
    calibration: &Calibration<'_, I>,
) -> Result<Quantized<Int8Network<C::Int8, I, O>>, QuantError>
where
    N: Network<f32, I, O, P> + LayerChain<Chain = C>,
    C: FloatChain<I, O>,
{
    check_layers::<N, C, I, O, P>()?;
    let mut tensors = std::vec![ActivationParams::fixed(1.0, 0); C::STAGES + 1];
    let layers = quantize_into(
        &N::chain(),
        net.parameters(),
        net.buffers(),
        calibration,
        &mut tensors,
    )?;
    let mut stage_layers = std::vec![0; C::STAGES];
    C::stage_layers(0, &mut stage_layers);
    Ok(Quantized {
        network: Int8Network::from_parts(layers, tensors[0], tensors[C::STAGES]),
        tensors,
        layers: stage_layers.iter().map(|&l| N::LAYERS[l].name).collect(),
    })
}
