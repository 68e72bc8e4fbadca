//! A batch normalization folded into the dense layer before it: one int8
//! dense layer for two declared layers, as TensorFlow Lite's converter
//! folds them (Jacob et al., CVPR 2018, section 3.2).

use super::QuantError;
use super::chain::{Stage, layer_forward};
use super::convert::{OutputQuantization, quantize_dense};
use super::layers::Int8Dense;
use super::params::ActivationParams;
use crate::layer::{BatchNorm, Dense, LayerShape};

/// A layer `L` followed by a batch normalization `N`, folded into one
/// layer at quantization. For a `Dense`, with
/// `k = gamma / sqrt(running_var + eps)` per output channel, the folded
/// weights are `W'[c] = k[c] W[c]` and biases `b'[c] = k[c] (b[c] - running_mean[c]) + beta[c]` (computed
/// in `f64`). Its one tensor is the batch normalization's output. The
/// `network!` macro writes a `BatchNorm` that follows another layer as
/// this pair.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Folded<L, N> {
    /// The layer the normalization folds into.
    pub layer: L,
    /// The batch normalization after it.
    pub norm: N,
}

/// `k[c] = gamma[c] / sqrt(running_var[c] + eps)`, in `f64`.
fn fold_factor(gamma: f32, variance: f32, eps: f64) -> f64 {
    f64::from(gamma) / libm::sqrt(f64::from(variance) + eps)
}

impl<const I: usize, const O: usize> Folded<Dense<I, O>, BatchNorm<O>> {
    /// Parameters of the dense layer (which come first).
    const DENSE_PARAMS: usize = <Dense<I, O> as LayerShape<I>>::PARAMS;

    /// The folded dense weights (`out x in`) and biases, from the pair's
    /// parameters (the dense layer's, then `gamma` and `beta`) and the batch
    /// normalization's buffers (`running_mean`, `running_var`). `layer` is
    /// the dense layer's index in the declaration.
    ///
    /// # Errors
    ///
    /// [`QuantError::NonFiniteParameter`] naming the batch normalization
    /// (`layer + 1`, `index` its channel) when a folded value is NaN or
    /// infinite: a running variance below `-eps`, or values past `f32`.
    pub fn fold(
        &self,
        layer: usize,
        parameters: &[f32],
        buffers: &[f32],
        weights: &mut [[f32; I]; O],
        bias: &mut [f32; O],
    ) -> Result<(), QuantError> {
        let (dense, norm) = parameters.split_at(Self::DENSE_PARAMS);
        let (gamma, beta) = norm.split_at(O);
        let (mean, variance) = buffers.split_at(O);
        let eps = self.norm.epsilon();
        for c in 0..O {
            let k = fold_factor(gamma[c], variance[c], eps);
            let b = k * (f64::from(dense[O * I + c]) - f64::from(mean[c])) + f64::from(beta[c]);
            bias[c] = b as f32;
            for (out, &w) in weights[c].iter_mut().zip(&dense[c * I..(c + 1) * I]) {
                *out = (k * f64::from(w)) as f32;
            }
            if !bias[c].is_finite() || weights[c].iter().any(|w| !w.is_finite()) {
                return Err(QuantError::NonFiniteParameter {
                    layer: layer + 1,
                    index: c,
                });
            }
        }
        Ok(())
    }
}

impl<const I: usize, const O: usize> Stage<I, O> for Folded<Dense<I, O>, BatchNorm<O>> {
    type Int8 = Int8Dense<I, O>;
    const OUTPUT_QUANTIZATION: OutputQuantization = OutputQuantization::Calibrated;
    const LAYERS: usize = 2;
    const PARAMS: usize = Self::DENSE_PARAMS + <BatchNorm<O> as LayerShape<O>>::PARAMS;
    const BUFFERS: usize = <BatchNorm<O> as LayerShape<O>>::BUFFERS;

    fn locate_parameter(index: usize) -> (usize, usize) {
        if index < Self::DENSE_PARAMS {
            (0, index)
        } else {
            (1, index - Self::DENSE_PARAMS)
        }
    }

    /// The float network's own arithmetic: the dense layer, then the batch
    /// normalization in inference mode (not the folded layer).
    fn float_forward(&self, parameters: &[f32], buffers: &[f32], x: &[f32; I]) -> [f32; O] {
        let (dense, norm) = parameters.split_at(Self::DENSE_PARAMS);
        let middle = layer_forward(&self.layer, dense, &[], x);
        layer_forward(&self.norm, norm, buffers, &middle)
    }

    fn quantize_stage(
        &self,
        layer: usize,
        parameters: &[f32],
        buffers: &[f32],
        input: ActivationParams,
        output: ActivationParams,
    ) -> Result<Int8Dense<I, O>, QuantError> {
        let mut weights = [[0.0_f32; I]; O];
        let mut bias = [0.0_f32; O];
        self.fold(layer, parameters, buffers, &mut weights, &mut bias)?;
        quantize_dense(layer, weights.as_flattened(), &bias, input, output)
    }
}
