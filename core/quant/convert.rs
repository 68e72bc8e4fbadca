//! How each float layer kind becomes an int8 layer: the [`Quantize`]
//! contract, stated by the layer kind itself, and the rule that assigns a
//! quantization to every activation tensor of a network.
//!
//! A layer says how its output tensor is quantized
//! ([`OutputQuantization`]): calibrated on its own values (`Dense`, and
//! convolutions), fixed by its function (logistic, tanh, softmax), or
//! shared with its input (ReLU, the identity, pooling and `Flatten`): a
//! clamp, a selection or an average in the input's own quantization. A tensor that a chain of sharing layers
//! follows is calibrated on the chain's last output, so `Dense -> ReLU`
//! quantizes the dense output on the ReLU's range `[0, max]` and the ReLU
//! becomes the clamp TensorFlow Lite fuses into the fully connected op
//! ([`assign_params`]).

use super::QuantError;
use super::calibrate::{RangeMethod, TensorObserver};
use super::fixed_point::{QuantizedMultiplier, quantize_multiplier};
use super::layers::{
    Int8Clamp, Int8Dense, Int8Identity, Int8Layer, Int8Softmax, Int8Table, TableFunction,
};
use super::params::{ActivationParams, quantize_bias, quantize_weights};
use super::softmax::SoftmaxParams;
use crate::layer::{Dense, Identity, ReLU, Sigmoid, Softmax, Tanh};

/// How a layer's output tensor is quantized.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OutputQuantization {
    /// From the calibration statistics of the output itself.
    Calibrated,
    /// The input's quantization (the layer only clamps or selects values).
    SharesInput,
    /// A quantization fixed by the layer's function.
    Fixed(ActivationParams),
}

/// A float layer kind's int8 form: implemented by the layer configuration
/// type, next to its float [`Layer`](crate::layer::Layer) implementation.
/// A kind that implements it (and `Layer<f32, I, O>`) is a
/// [`Stage`](super::chain::Stage) of a network's chain, so a declaration
/// made of such kinds gets a working `quantize`.
#[diagnostic::on_unimplemented(
    message = "the layer `{Self}` has no int8 form",
    note = "a layer kind is quantized by implementing `constnet::quant::Quantize`"
)]
pub trait Quantize<const I: usize, const O: usize> {
    /// The int8 layer this kind becomes.
    type Int8: Int8Layer<I, O>;
    /// How its output tensor is quantized.
    const OUTPUT_QUANTIZATION: OutputQuantization;

    /// The int8 layer, from the layer's float parameters (its slice of the
    /// network's flat vector, PyTorch order) and the quantization of its
    /// input and output tensors. `layer` is its index, for errors.
    ///
    /// # Errors
    ///
    /// A [`QuantError`] naming the layer when a parameter is not finite or
    /// a value does not fit its integer type.
    fn quantize(
        &self,
        layer: usize,
        parameters: &[f32],
        input: ActivationParams,
        output: ActivationParams,
    ) -> Result<Self::Int8, QuantError>;
}

/// The quantization of every activation tensor of a chain of layers, into
/// `params`: `params[0]` for the input, `params[k]` for layer `k - 1`'s
/// output, from `rules[k - 1]` (each layer's
/// [`Quantize::OUTPUT_QUANTIZATION`]) and `observers[k]` (each tensor's
/// calibration), with `method`. `params` and `observers` have one entry
/// per tensor, `rules` one per layer.
///
/// # Errors
///
/// The first [`QuantError`] of an observer (an empty calibration set).
pub fn assign_params(
    rules: &[OutputQuantization],
    observers: &[TensorObserver],
    method: RangeMethod,
    params: &mut [ActivationParams],
) -> Result<(), QuantError> {
    assign_params_with(rules, params, |tensor| observers[tensor].params(method))
}

/// [`assign_params`] with the calibrated quantization of tensor `t` from
/// `calibrated(t)`, called once for each tensor that is calibrated (the
/// input, and the last tensor of each chain of sharing layers).
///
/// # Errors
///
/// The first error of `calibrated`.
pub fn assign_params_with(
    rules: &[OutputQuantization],
    params: &mut [ActivationParams],
    mut calibrated: impl FnMut(usize) -> Result<ActivationParams, QuantError>,
) -> Result<(), QuantError> {
    for k in 0..params.len() {
        params[k] = match k.checked_sub(1).map(|layer| rules[layer]) {
            Some(OutputQuantization::SharesInput) => params[k - 1],
            Some(OutputQuantization::Fixed(fixed)) => fixed,
            _ => {
                // Calibrate on the last tensor of the chain of sharing layers.
                let mut last = k;
                while last < rules.len() && rules[last] == OutputQuantization::SharesInput {
                    last += 1;
                }
                calibrated(last)?
            }
        };
    }
    Ok(())
}

impl<const I: usize, const O: usize> Quantize<I, O> for Dense<I, O> {
    type Int8 = Int8Dense<I, O>;
    const OUTPUT_QUANTIZATION: OutputQuantization = OutputQuantization::Calibrated;

    /// See [`quantize_dense`].
    fn quantize(
        &self,
        layer: usize,
        parameters: &[f32],
        input: ActivationParams,
        output: ActivationParams,
    ) -> Result<Int8Dense<I, O>, QuantError> {
        let (w, b) = parameters[..O * I + O].split_at(O * I);
        quantize_dense(layer, w, b, input, output)
    }
}

/// An int8 dense layer from float weights `w` (`O x I`, row-major) and
/// biases `b`: per-channel symmetric weights, biases at `s_in * s_w[c]`,
/// and the multipliers `s_in * s_w[c] / s_out` formed in `f64` from the
/// `f32` scales, as the interpreter forms them. Errors index the
/// parameters as `w` then `b`.
///
/// # Errors
///
/// [`QuantError::NonFiniteParameter`], [`QuantError::BiasOverflow`] (also
/// when the accumulator could wrap: `|b| + 127 * 255 * I >= 2^31`), and
/// [`QuantError::Multiplier`].
pub fn quantize_dense<const I: usize, const O: usize>(
    layer: usize,
    w: &[f32],
    b: &[f32],
    input: ActivationParams,
    output: ActivationParams,
) -> Result<Int8Dense<I, O>, QuantError> {
    let mut dense = Int8Dense {
        weights: [[0; I]; O],
        bias: [0; O],
        multipliers: [0; O],
        shifts: [0; O],
        input_zero_point: input.zero_point,
        output_zero_point: output.zero_point,
    };
    for c in 0..O {
        let channel = Channel {
            layer,
            index: c,
            weights: &w[c * I..(c + 1) * I],
            weight_index: c * I,
            bias: b[c],
            bias_index: O * I + c,
            terms: I,
        };
        let (bias, m) = channel.quantize(input, output, &mut dense.weights[c])?;
        dense.bias[c] = bias;
        dense.multipliers[c] = m.multiplier;
        dense.shifts[c] = m.shift as i8;
    }
    Ok(dense)
}

/// One output channel of a layer whose accumulator is `b[c] + sum w[c][k]
/// (x[k] - z_in)` over `terms` products (a dense row, a convolution
/// filter): what [`quantize_dense`] and the convolutions share.
pub(crate) struct Channel<'a> {
    /// The layer's index, for errors.
    pub layer: usize,
    /// The output channel's index.
    pub index: usize,
    /// The channel's float weights.
    pub weights: &'a [f32],
    /// The flat parameter index of `weights[0]`, for errors.
    pub weight_index: usize,
    /// The channel's float bias (0 for a layer without one).
    pub bias: f32,
    /// The flat parameter index of the bias, for errors.
    pub bias_index: usize,
    /// Products summed into one accumulator.
    pub terms: usize,
}

impl Channel<'_> {
    /// Quantizes the weights into `out` (symmetric, `s_w = max |w| / 127`),
    /// the bias at `s_in * s_w`, and the multiplier `s_in * s_w / s_out`
    /// (formed in `f64` from the `f32` scales).
    ///
    /// # Errors
    ///
    /// [`QuantError::NonFiniteParameter`] (flat index), [`QuantError::BiasOverflow`]
    /// (also when the accumulator could wrap: `|b| + 127 * 255 * terms >=
    /// 2^31`), and [`QuantError::Multiplier`].
    pub fn quantize(
        &self,
        input: ActivationParams,
        output: ActivationParams,
        out: &mut [i8],
    ) -> Result<(i32, QuantizedMultiplier), QuantError> {
        let (layer, c) = (self.layer, self.index);
        let reindex = |e: QuantError, base: usize| match e {
            QuantError::NonFiniteParameter { layer, index } => QuantError::NonFiniteParameter {
                layer,
                index: base + index,
            },
            other => other,
        };
        let scale = quantize_weights(layer, self.weights, out)
            .map_err(|e| reindex(e, self.weight_index))?;
        let bias = quantize_bias(layer, c, self.bias, input.scale, scale)
            .map_err(|e| reindex(e, self.bias_index - c))?;
        // The accumulator must not wrap: |b| + 127 * 255 * terms < 2^31.
        let worst = f64::from(bias).abs() + 127.0 * 255.0 * self.terms as f64;
        if worst > f64::from(i32::MAX) {
            return Err(QuantError::BiasOverflow {
                layer,
                channel: c,
                scaled: worst,
            });
        }
        let m = quantize_multiplier(
            f64::from(input.scale) * f64::from(scale) / f64::from(output.scale),
        )?;
        Ok((bias, m))
    }
}

/// The bounds of a clamp in `params` (TensorFlow Lite's
/// `CalculateActivationRangeQuantized`): `[z + round(low / s), z + round(high
/// / s)]` within int8, an unbounded end at -128 or 127.
#[must_use]
pub fn clamp_bounds<const N: usize>(
    params: ActivationParams,
    low: Option<f32>,
    high: Option<f32>,
) -> Int8Clamp<N> {
    let bound = |x: Option<f32>, none: i32| {
        x.map_or(none, |x| params.activation_bound(x))
            .clamp(-128, 127) as i8
    };
    Int8Clamp {
        min: bound(low, -128),
        max: bound(high, 127),
    }
}

impl<const N: usize> Quantize<N, N> for ReLU {
    type Int8 = Int8Clamp<N>;
    const OUTPUT_QUANTIZATION: OutputQuantization = OutputQuantization::SharesInput;

    fn quantize(
        &self,
        _layer: usize,
        _parameters: &[f32],
        input: ActivationParams,
        _output: ActivationParams,
    ) -> Result<Int8Clamp<N>, QuantError> {
        Ok(clamp_bounds(input, Some(0.0), None))
    }
}

impl<const N: usize> Quantize<N, N> for Identity {
    type Int8 = Int8Identity<N>;
    const OUTPUT_QUANTIZATION: OutputQuantization = OutputQuantization::SharesInput;

    fn quantize(
        &self,
        _layer: usize,
        _parameters: &[f32],
        _input: ActivationParams,
        _output: ActivationParams,
    ) -> Result<Int8Identity<N>, QuantError> {
        Ok(Int8Identity)
    }
}

/// The table layers: logistic and tanh.
macro_rules! table_layer {
    ($kind:ty, $function:expr) => {
        impl<const N: usize> Quantize<N, N> for $kind {
            type Int8 = Int8Table<N>;
            const OUTPUT_QUANTIZATION: OutputQuantization =
                OutputQuantization::Fixed($function.output_params());

            fn quantize(
                &self,
                _layer: usize,
                _parameters: &[f32],
                input: ActivationParams,
                _output: ActivationParams,
            ) -> Result<Int8Table<N>, QuantError> {
                Ok(Int8Table {
                    function: $function,
                    table: $function.table(input),
                })
            }
        }
    };
}

table_layer!(Sigmoid, TableFunction::Logistic);
table_layer!(Tanh, TableFunction::Tanh);

impl<const N: usize> Quantize<N, N> for Softmax {
    type Int8 = Int8Softmax<N>;
    const OUTPUT_QUANTIZATION: OutputQuantization =
        OutputQuantization::Fixed(ActivationParams::fixed(1.0 / 256.0, -128));

    fn quantize(
        &self,
        _layer: usize,
        _parameters: &[f32],
        input: ActivationParams,
        _output: ActivationParams,
    ) -> Result<Int8Softmax<N>, QuantError> {
        Ok(Int8Softmax {
            params: SoftmaxParams::new(input.scale)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observer(tensor: usize, values: &[f32]) -> TensorObserver {
        let mut o = TensorObserver::new(tensor);
        o.observe(0, values).unwrap();
        o
    }

    #[test]
    fn a_relu_chain_is_calibrated_on_its_last_output() {
        // input -> Dense -> ReLU -> Identity -> Sigmoid
        let rules = [
            <Dense<1, 2> as Quantize<1, 2>>::OUTPUT_QUANTIZATION,
            <ReLU as Quantize<2, 2>>::OUTPUT_QUANTIZATION,
            <Identity as Quantize<2, 2>>::OUTPUT_QUANTIZATION,
            <Sigmoid as Quantize<2, 2>>::OUTPUT_QUANTIZATION,
        ];
        // Sixteen kilobytes each: on the heap.
        let observers = std::vec![
            observer(0, &[-1.0, 1.0]),
            observer(1, &[-4.0, 2.0]),
            observer(2, &[0.0, 2.0]),
            observer(3, &[0.0, 2.0]),
            observer(4, &[0.2, 0.9]),
        ];
        let mut p = [ActivationParams::fixed(1.0, 0); 5];
        assign_params(&rules, &observers, RangeMethod::MinMax, &mut p).unwrap();
        let relu = ActivationParams::from_range(0.0, 2.0).unwrap();
        assert_eq!(p[0], ActivationParams::from_range(-1.0, 1.0).unwrap());
        assert_eq!((p[1], p[2], p[3]), (relu, relu, relu));
        assert_eq!(p[4], ActivationParams::fixed(1.0 / 256.0, -128));
        let clamp: Int8Clamp<2> = ReLU.quantize(1, &[], p[1], p[2]).unwrap();
        assert_eq!((clamp.min, clamp.max), (-128, 127));
    }

    #[test]
    fn dense_reports_the_offending_parameter() {
        let p = ActivationParams::fixed(0.1, 0);
        let mut params = [0.5_f32; 2 * 3 + 2];
        params[4] = f32::NAN;
        assert_eq!(
            Dense::<3, 2>::new().quantize(5, &params, p, p),
            Err(QuantError::NonFiniteParameter { layer: 5, index: 4 })
        );
        params[4] = 0.5;
        params[7] = f32::INFINITY;
        assert_eq!(
            Dense::<3, 2>::new().quantize(5, &params, p, p),
            Err(QuantError::NonFiniteParameter { layer: 5, index: 7 })
        );
    }

    #[test]
    fn dense_int8_approximates_the_float_layer() {
        let weights = [0.3_f32, -0.7, 0.05, 1.1, 0.0, -0.4];
        let bias = [0.2_f32, -0.1];
        let params: [f32; 8] =
            core::array::from_fn(|i| if i < 6 { weights[i] } else { bias[i - 6] });
        let input = ActivationParams::from_range(-1.0, 1.0).unwrap();
        let output = ActivationParams::from_range(-2.0, 2.0).unwrap();
        let dense = Dense::<3, 2>::new()
            .quantize(0, &params, input, output)
            .unwrap();
        let x = [0.5_f32, -0.25, 0.9];
        let xq = x.map(|v| input.quantize(v));
        let mut yq = [0_i8; 2];
        dense.forward(&xq, &mut yq);
        for c in 0..2 {
            let exact: f32 = bias[c] + (0..3).map(|i| weights[c * 3 + i] * x[i]).sum::<f32>();
            let got = output.dequantize(yq[c]);
            // Input rounding (half a step times the weights' L1 norm),
            // weight rounding, and half an output step.
            let bound = input.scale * 0.5 * 2.2 + 0.01 + output.scale * 0.5;
            assert!((got - exact).abs() <= bound, "{c}: {got} vs {exact}");
        }
    }
}
