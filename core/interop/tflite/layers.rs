//! How each int8 layer writes itself into a [`TfliteGraph`].

use std::string::ToString;

use super::{Builtin, TensorId, TfliteError, TfliteGraph};
use crate::quant::{
    ActivationParams, Int8Clamp, Int8Dense, Int8Identity, Int8Softmax, Int8Table,
    QuantizedMultiplier, TableFunction, quantize_multiplier,
};

/// An int8 layer's TensorFlow Lite form.
pub trait WriteTflite {
    /// Adds the layer's operator(s) reading `input` (quantized as
    /// `input_params`) and returns its output tensor (quantized as `output`).
    ///
    /// # Errors
    ///
    /// [`TfliteError`] when the layer has no TensorFlow Lite form.
    fn write_tflite(
        &self,
        graph: &mut TfliteGraph,
        name: &str,
        input: TensorId,
        input_params: ActivationParams,
        output: ActivationParams,
    ) -> Result<TensorId, TfliteError>;
}

/// The `f32` weight scale `s_w` for which TensorFlow Lite's derivation
/// `QuantizeMultiplier(s_in * s_w / s_out)` (in `f64`) gives back `m`:
/// the `f32` nearest to `m * s_out / s_in`, or one of its neighbours
/// within 16 ulps (the conversion's own scale is among them, since the
/// multiplier carries 31 bits and an `f32` 24). `None` when none does.
#[must_use]
pub fn weight_scale_for(
    m: QuantizedMultiplier,
    input_scale: f32,
    output_scale: f32,
) -> Option<f32> {
    let real = f64::from(m.multiplier) * libm::ldexp(1.0, m.shift - 31);
    let guess = (real * f64::from(output_scale) / f64::from(input_scale)) as f32;
    let reproduces = |s: f32| {
        s.is_normal()
            && quantize_multiplier(f64::from(input_scale) * f64::from(s) / f64::from(output_scale))
                == Ok(m)
    };
    (0..=16_u32)
        .flat_map(|k| {
            [
                guess.to_bits().wrapping_add(k),
                guess.to_bits().wrapping_sub(k),
            ]
        })
        .map(f32::from_bits)
        .find(|&s| reproduces(s))
}

impl<const I: usize, const O: usize> WriteTflite for Int8Dense<I, O> {
    fn write_tflite(
        &self,
        graph: &mut TfliteGraph,
        name: &str,
        input: TensorId,
        input_params: ActivationParams,
        output: ActivationParams,
    ) -> Result<TensorId, TfliteError> {
        let mut scales = std::vec::Vec::with_capacity(O);
        for c in 0..O {
            let scale = weight_scale_for(self.multiplier(c), input_params.scale, output.scale)
                .ok_or_else(|| TfliteError::WeightScale {
                    layer: name.to_string(),
                    channel: c,
                })?;
            scales.push(scale);
        }
        let weights: std::vec::Vec<i8> = self.weights.iter().flatten().copied().collect();
        Ok(graph.fully_connected(name, input, &weights, &scales, &self.bias, output))
    }
}

impl<const N: usize> WriteTflite for Int8Clamp<N> {
    fn write_tflite(
        &self,
        graph: &mut TfliteGraph,
        name: &str,
        input: TensorId,
        _input_params: ActivationParams,
        _output: ActivationParams,
    ) -> Result<TensorId, TfliteError> {
        graph.clamp(name, input, self.min, self.max)
    }
}

impl<const N: usize> WriteTflite for Int8Identity<N> {
    fn write_tflite(
        &self,
        _graph: &mut TfliteGraph,
        _name: &str,
        input: TensorId,
        _input_params: ActivationParams,
        _output: ActivationParams,
    ) -> Result<TensorId, TfliteError> {
        Ok(input)
    }
}

impl<const N: usize> WriteTflite for Int8Table<N> {
    /// The interpreter rebuilds the table from the input's quantization.
    fn write_tflite(
        &self,
        graph: &mut TfliteGraph,
        name: &str,
        input: TensorId,
        _input_params: ActivationParams,
        output: ActivationParams,
    ) -> Result<TensorId, TfliteError> {
        let op = match self.function {
            TableFunction::Logistic => Builtin::Logistic,
            TableFunction::Tanh => Builtin::Tanh,
        };
        Ok(graph.elementwise(name, op, input, output))
    }
}

impl<const N: usize> WriteTflite for Int8Softmax<N> {
    fn write_tflite(
        &self,
        graph: &mut TfliteGraph,
        name: &str,
        input: TensorId,
        _input_params: ActivationParams,
        output: ActivationParams,
    ) -> Result<TensorId, TfliteError> {
        Ok(graph.softmax(name, input, output))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_conversion_scale_is_recovered_from_the_multiplier() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..2000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let s_w = (state % 1_000_000 + 1) as f32 * 1.3e-7;
            let (s_in, s_out) = (0.0123_f32, 0.0457_f32);
            let m =
                quantize_multiplier(f64::from(s_in) * f64::from(s_w) / f64::from(s_out)).unwrap();
            let back = weight_scale_for(m, s_in, s_out).unwrap();
            assert_eq!(
                quantize_multiplier(f64::from(s_in) * f64::from(back) / f64::from(s_out)),
                Ok(m)
            );
        }
    }
}
