//! A declared network and its int8 form: the chain of layers the
//! `network!` macro writes for every declaration ([`LayerChain`]), the
//! calibration set ([`Calibration`]), and the int8 network
//! ([`Int8Network`]) that `Net::quantize` returns.
//!
//! For a declaration `Sine`, the macro writes
//!
//! ```text
//! impl<T> LayerChain for Sine<T> { type Chain = Then<Dense<1, 16>, ...>; fn chain() -> ... }
//! pub type SineQ8 = Int8Network<<Sine's chain as FloatChain<1, 1>>::Int8, 1, 1>;
//! impl Sine<f32> { pub fn quantize(&self, calibration) -> Result<SineQ8, QuantError>; }
//! ```
//!
//! The chain lists the layers in declaration order, a `BatchNorm` that
//! follows a layer paired with it as one [`Folded`](super::fold::Folded)
//! stage. It is only a type: a declaration with a layer that has no int8
//! form (a recurrent layer, a layer norm) compiles as before, and its
//! `quantize` is a compile error naming the chain, at the call.

use super::QuantError;
use super::calibrate::Calibration;
use super::chain::FloatChain;
use super::layers::Int8Layer;
use super::params::ActivationParams;
use super::quantize::{MAX_STAGES, quantize_input, quantize_into};
use crate::network::Network;

/// A network's layers as a [`FloatChain`], in declaration order. The
/// `network!` macro implements it for every declared network; the chain
/// is a [`FloatChain`] when every layer has an int8 form.
pub trait LayerChain {
    /// The chain's type: `Then<first, rest, width>` nested to the right.
    type Chain;
    /// The chain: each layer's configuration as declared.
    #[must_use]
    fn chain() -> Self::Chain;
}

/// An int8 network of `I` inputs and `O` outputs: its int8 layers `L` (a
/// chain of integer arrays) and the quantization of its input and output
/// (`real = scale * (q - zero_point)`). Inference
/// ([`Int8Layer::forward`]) uses integers only; the two quantizations are
/// for the host side (a float input in, a float output out). Build one in
/// a `static` with [`from_parts`](Self::from_parts), as
/// [`int8_rust_source`](super::source::int8_rust_source) writes it, and the
/// weights stay in flash.
#[derive(Clone, Debug, PartialEq)]
pub struct Int8Network<L, const I: usize, const O: usize> {
    /// The int8 layers.
    pub layers: L,
    /// The input's quantization.
    pub input: ActivationParams,
    /// The output's quantization.
    pub output: ActivationParams,
}

impl<L, const I: usize, const O: usize> Int8Network<L, I, O> {
    /// The network from its layers and the quantization of its input and
    /// output. `const`: `static MODEL: SineQ8 = SineQ8::from_parts(...);`.
    #[must_use]
    pub const fn from_parts(layers: L, input: ActivationParams, output: ActivationParams) -> Self {
        Self {
            layers,
            input,
            output,
        }
    }
}

impl<L: Int8Layer<I, O>, const I: usize, const O: usize> Int8Network<L, I, O> {
    /// A float sample through the int8 network: quantized in the input's
    /// quantization, run in int8, dequantized in the output's (a host-side
    /// convenience; a device feeds int8 to [`Int8Layer::forward`]).
    #[must_use]
    pub fn forward_real(&self, x: &[f32; I]) -> [f32; O] {
        let mut y = [0_i8; O];
        self.layers.forward(&quantize_input(self.input, x), &mut y);
        y.map(|q| self.output.dequantize(q))
    }
}

impl<L: Int8Layer<I, O>, const I: usize, const O: usize> Int8Layer<I, O> for Int8Network<L, I, O> {
    #[inline]
    fn forward(&self, input: &[i8; I], output: &mut [i8; O]) {
        self.layers.forward(input, output);
    }
}

/// Post-training quantization of `net` on `calibration`: what the
/// generated `Net::quantize` calls. No heap (see [`quantize_into`]).
///
/// # Errors
///
/// As [`quantize_into`], and [`QuantError::Length`] when the network's
/// chain does not have its layers (a hand-written [`LayerChain`]) or has
/// more than [`MAX_STAGES`] stages.
pub fn quantize_network<N, C, const I: usize, const O: usize, const P: usize>(
    net: &N,
    calibration: &Calibration<'_, I>,
) -> Result<Int8Network<C::Int8, I, O>, QuantError>
where
    N: Network<f32, I, O, P> + LayerChain<Chain = C>,
    C: FloatChain<I, O>,
{
    check_layers::<N, C, I, O, P>()?;
    let mut scratch = [ActivationParams::fixed(1.0, 0); MAX_STAGES + 1];
    let tensors = scratch.get_mut(..=C::STAGES).ok_or(QuantError::Length {
        what: "stages",
        expected: MAX_STAGES,
        found: C::STAGES,
    })?;
    let layers = quantize_into(
        &N::chain(),
        net.parameters(),
        net.buffers(),
        calibration,
        tensors,
    )?;
    Ok(Int8Network::from_parts(
        layers,
        tensors[0],
        tensors[C::STAGES],
    ))
}

/// Checks that a network's chain has its layers.
pub(crate) fn check_layers<N, C, const I: usize, const O: usize, const P: usize>()
-> Result<(), QuantError>
where
    N: Network<f32, I, O, P> + LayerChain<Chain = C>,
    C: FloatChain<I, O>,
{
    if C::LAYERS == N::LAYERS.len() {
        Ok(())
    } else {
        Err(QuantError::Length {
            what: "layers",
            expected: N::LAYERS.len(),
            found: C::LAYERS,
        })
    }
}
