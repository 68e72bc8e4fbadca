//! A network as a chain of layers, in float and in int8: what the
//! network-level quantization ([`quantize_into`](super::quantize::quantize_into)) walks.
//!
//! A chain is built from two combinators, so it is generic over any list
//! of layers and adding a layer kind means implementing [`Quantize`] for
//! it and nothing here:
//!
//! - [`Then<A, B, M>`]: `A` (from `I` to `M` features) followed by `B`
//!   (from `M` to `O`). Nested to the right, `Then<L0, Then<L1, L2, M1>, M0>`
//!   is the chain `L0 -> L1 -> L2`. In int8, `Then` holds the two int8
//!   layers and runs them through a stack buffer of `M` bytes.
//! - [`Folded<D, N>`]: a `Dense` followed by a `BatchNorm`, which
//!   quantization folds into one int8 dense layer.
//!
//! A single layer kind is a chain of one stage (every [`Quantize`] layer
//! is a [`FloatChain`]). A stage writes one activation tensor: tensor 0 is
//! the input, tensor `k` the output of stage `k - 1`.

use nalgebra::SMatrix;

use super::QuantError;
use super::convert::{OutputQuantization, Quantize, quantize_dense};
use super::layers::Int8Layer;
use super::params::ActivationParams;
use crate::layer::{BatchNorm, Dense, Layer, LayerShape};

/// `first` then `rest`, through `M` intermediate features.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Then<A, B, const M: usize> {
    /// The first layer (or chain).
    pub first: A,
    /// What follows it.
    pub rest: B,
}

/// A dense layer `D` followed by a batch normalization `N`, folded into one
/// dense layer at quantization: with `k = gamma / sqrt(running_var + eps)`
/// per output channel, `W'[c] = k[c] W[c]` and `b'[c] = k[c] (b[c] -
/// running_mean[c]) + beta[c]` (computed in `f64`). Its one tensor is the
/// batch normalization's output.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Folded<D, N> {
    /// The dense layer.
    pub dense: D,
    /// The batch normalization after it.
    pub norm: N,
}

/// Calls back for each activation tensor a float or int8 chain computes:
/// `(tensor index, values)`.
pub type Visit<'a, T> = &'a mut dyn FnMut(usize, &[T]) -> Result<(), QuantError>;

/// Calls back for each activation tensor of a float and an int8 chain run
/// side by side: `(tensor index, float values, int8 values)`.
pub type Compare<'a> = &'a mut dyn FnMut(usize, &[f32], &[i8]);

/// A chain of float layers from `I` to `O` features that quantizes into an
/// int8 chain of the same stages. Parameters and buffers are the network's
/// flat vectors (PyTorch order), each stage taking its share in turn.
pub trait FloatChain<const I: usize, const O: usize> {
    /// The int8 chain.
    type Int8: Int8Layer<I, O>;
    /// Stages (activation tensors written after the input).
    const STAGES: usize;
    /// Layers of the declaration the chain stands for (a [`Folded`] pair
    /// is two, one stage): what error messages count in.
    const LAYERS: usize;
    /// Parameters the chain takes from the flat vector.
    const PARAMS: usize;
    /// Buffer values it takes.
    const BUFFERS: usize;

    /// Writes each stage's output rule into `rules` (`STAGES` entries).
    fn rules(rules: &mut [OutputQuantization]);

    /// The float forward of one sample, calling `visit(k, tensor k)` for
    /// every stage output, `k` from `first + 1`.
    ///
    /// # Errors
    ///
    /// The first error `visit` returns.
    fn forward_visit(
        &self,
        parameters: &[f32],
        buffers: &[f32],
        x: &[f32; I],
        first: usize,
        visit: Visit<'_, f32>,
    ) -> Result<[f32; O], QuantError>;

    /// The float and the int8 forward of one sample side by side, calling
    /// `visit(k, float tensor k, int8 tensor k)` for every stage output.
    fn compare_visit(
        &self,
        int8: &Self::Int8,
        parameters: &[f32],
        buffers: &[f32],
        x: &[f32; I],
        q: &[i8; I],
        first: usize,
        visit: Compare<'_>,
    ) -> ([f32; O], [i8; O]);

    /// The declared layer that writes each stage's tensor (for a
    /// [`Folded`] pair the batch normalization), from `first` on, into
    /// `layers` (`STAGES` entries).
    fn stage_layers(first: usize, layers: &mut [usize]);

    /// The declared layer of flat parameter `index` and its index in that
    /// layer's parameters, the chain's first layer being `first`.
    fn locate_parameter(first: usize, index: usize) -> (usize, usize);

    /// The int8 chain, from the quantization of every tensor (`tensors[0]`
    /// this chain's input, `STAGES + 1` entries). `layer` is the index of
    /// the chain's first layer in the declaration, for errors.
    ///
    /// # Errors
    ///
    /// The first [`QuantError`] a stage reports.
    fn quantize_chain(
        &self,
        layer: usize,
        parameters: &[f32],
        buffers: &[f32],
        tensors: &[ActivationParams],
    ) -> Result<Self::Int8, QuantError>;
}

/// The float forward of one sample through a [`Layer`].
fn layer_forward<L: Layer<f32, I, O>, const I: usize, const O: usize>(
    layer: &L,
    parameters: &[f32],
    buffers: &[f32],
    x: &[f32; I],
) -> [f32; O] {
    let x = SMatrix::<f32, I, 1>::from_column_slice(x);
    let mut y = SMatrix::<f32, O, 1>::zeros();
    layer.forward(parameters, buffers, &x, &mut y);
    core::array::from_fn(|i| y[i])
}

impl<L, const I: usize, const O: usize> FloatChain<I, O> for L
where
    L: Quantize<I, O> + Layer<f32, I, O>,
{
    type Int8 = L::Int8;
    const STAGES: usize = 1;
    const LAYERS: usize = 1;
    const PARAMS: usize = <L as LayerShape<I>>::PARAMS;
    const BUFFERS: usize = <L as LayerShape<I>>::BUFFERS;

    fn rules(rules: &mut [OutputQuantization]) {
        rules[0] = <L as Quantize<I, O>>::OUTPUT;
    }

    fn forward_visit(
        &self,
        parameters: &[f32],
        buffers: &[f32],
        x: &[f32; I],
        first: usize,
        visit: Visit<'_, f32>,
    ) -> Result<[f32; O], QuantError> {
        let y = layer_forward(self, parameters, buffers, x);
        visit(first + 1, &y)?;
        Ok(y)
    }

    fn compare_visit(
        &self,
        int8: &L::Int8,
        parameters: &[f32],
        buffers: &[f32],
        x: &[f32; I],
        q: &[i8; I],
        first: usize,
        visit: Compare<'_>,
    ) -> ([f32; O], [i8; O]) {
        let y = layer_forward(self, parameters, buffers, x);
        let mut yq = [0_i8; O];
        int8.forward(q, &mut yq);
        visit(first + 1, &y, &yq);
        (y, yq)
    }

    fn stage_layers(first: usize, layers: &mut [usize]) {
        layers[0] = first;
    }

    fn locate_parameter(first: usize, index: usize) -> (usize, usize) {
        (first, index)
    }

    fn quantize_chain(
        &self,
        layer: usize,
        parameters: &[f32],
        _buffers: &[f32],
        tensors: &[ActivationParams],
    ) -> Result<L::Int8, QuantError> {
        self.quantize(layer, parameters, tensors[0], tensors[1])
    }
}

impl<A, B, const I: usize, const M: usize, const O: usize> FloatChain<I, O> for Then<A, B, M>
where
    A: FloatChain<I, M>,
    B: FloatChain<M, O>,
{
    type Int8 = Then<A::Int8, B::Int8, M>;
    const STAGES: usize = A::STAGES + B::STAGES;
    const LAYERS: usize = A::LAYERS + B::LAYERS;
    const PARAMS: usize = A::PARAMS + B::PARAMS;
    const BUFFERS: usize = A::BUFFERS + B::BUFFERS;

    fn rules(rules: &mut [OutputQuantization]) {
        A::rules(&mut rules[..A::STAGES]);
        B::rules(&mut rules[A::STAGES..]);
    }

    fn forward_visit(
        &self,
        parameters: &[f32],
        buffers: &[f32],
        x: &[f32; I],
        first: usize,
        visit: Visit<'_, f32>,
    ) -> Result<[f32; O], QuantError> {
        let (pa, pb) = parameters.split_at(A::PARAMS);
        let (ba, bb) = buffers.split_at(A::BUFFERS);
        let middle = self.first.forward_visit(pa, ba, x, first, visit)?;
        self.rest
            .forward_visit(pb, bb, &middle, first + A::STAGES, visit)
    }

    fn compare_visit(
        &self,
        int8: &Self::Int8,
        parameters: &[f32],
        buffers: &[f32],
        x: &[f32; I],
        q: &[i8; I],
        first: usize,
        visit: Compare<'_>,
    ) -> ([f32; O], [i8; O]) {
        let (pa, pb) = parameters.split_at(A::PARAMS);
        let (ba, bb) = buffers.split_at(A::BUFFERS);
        let (middle, middle_q) = self
            .first
            .compare_visit(&int8.first, pa, ba, x, q, first, visit);
        self.rest.compare_visit(
            &int8.rest,
            pb,
            bb,
            &middle,
            &middle_q,
            first + A::STAGES,
            visit,
        )
    }

    fn stage_layers(first: usize, layers: &mut [usize]) {
        A::stage_layers(first, &mut layers[..A::STAGES]);
        B::stage_layers(first + A::LAYERS, &mut layers[A::STAGES..]);
    }

    fn locate_parameter(first: usize, index: usize) -> (usize, usize) {
        if index < A::PARAMS {
            A::locate_parameter(first, index)
        } else {
            B::locate_parameter(first + A::LAYERS, index - A::PARAMS)
        }
    }

    fn quantize_chain(
        &self,
        layer: usize,
        parameters: &[f32],
        buffers: &[f32],
        tensors: &[ActivationParams],
    ) -> Result<Self::Int8, QuantError> {
        let (pa, pb) = parameters.split_at(A::PARAMS);
        let (ba, bb) = buffers.split_at(A::BUFFERS);
        Ok(Then {
            first: self.first.quantize_chain(layer, pa, ba, tensors)?,
            rest: self
                .rest
                .quantize_chain(layer + A::LAYERS, pb, bb, &tensors[A::STAGES..])?,
        })
    }
}

impl<const I: usize, const M: usize, const O: usize, A, B> Int8Layer<I, O> for Then<A, B, M>
where
    A: Int8Layer<I, M>,
    B: Int8Layer<M, O>,
{
    #[inline]
    fn forward(&self, input: &[i8; I], output: &mut [i8; O]) {
        let mut middle = [0_i8; M];
        self.first.forward(input, &mut middle);
        self.rest.forward(&middle, output);
    }
}

/// `k[c] = gamma[c] / sqrt(running_var[c] + eps)`, in `f64`.
fn fold_factor(gamma: f32, variance: f32, eps: f64) -> f64 {
    f64::from(gamma) / libm::sqrt(f64::from(variance) + eps)
}

impl<const I: usize, const O: usize> Folded<Dense<I, O>, BatchNorm<O>> {
    /// The float network's own arithmetic for one sample: the dense layer,
    /// then the batch normalization in inference mode.
    fn float_forward(&self, parameters: &[f32], buffers: &[f32], x: &[f32; I]) -> [f32; O] {
        let (dense, norm) = parameters.split_at(O * I + O);
        let middle = layer_forward(&self.dense, dense, &[], x);
        layer_forward(&self.norm, norm, buffers, &middle)
    }

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
        let (dense, norm) = parameters.split_at(O * I + O);
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

impl<const I: usize, const O: usize> FloatChain<I, O> for Folded<Dense<I, O>, BatchNorm<O>> {
    type Int8 = <Dense<I, O> as Quantize<I, O>>::Int8;
    const STAGES: usize = 1;
    const LAYERS: usize = 2;
    const PARAMS: usize =
        <Dense<I, O> as LayerShape<I>>::PARAMS + <BatchNorm<O> as LayerShape<O>>::PARAMS;
    const BUFFERS: usize = <BatchNorm<O> as LayerShape<O>>::BUFFERS;

    fn rules(rules: &mut [OutputQuantization]) {
        rules[0] = OutputQuantization::Calibrated;
    }

    /// The float network's own arithmetic: the dense layer, then the batch
    /// normalization in inference mode (not the folded layer).
    fn forward_visit(
        &self,
        parameters: &[f32],
        buffers: &[f32],
        x: &[f32; I],
        first: usize,
        visit: Visit<'_, f32>,
    ) -> Result<[f32; O], QuantError> {
        let y = self.float_forward(parameters, buffers, x);
        visit(first + 1, &y)?;
        Ok(y)
    }

    fn compare_visit(
        &self,
        int8: &Self::Int8,
        parameters: &[f32],
        buffers: &[f32],
        x: &[f32; I],
        q: &[i8; I],
        first: usize,
        visit: Compare<'_>,
    ) -> ([f32; O], [i8; O]) {
        let y = self.float_forward(parameters, buffers, x);
        let mut yq = [0_i8; O];
        int8.forward(q, &mut yq);
        visit(first + 1, &y, &yq);
        (y, yq)
    }

    fn stage_layers(first: usize, layers: &mut [usize]) {
        layers[0] = first + 1;
    }

    fn locate_parameter(first: usize, index: usize) -> (usize, usize) {
        if index < O * I + O {
            (first, index)
        } else {
            (first + 1, index - (O * I + O))
        }
    }

    fn quantize_chain(
        &self,
        layer: usize,
        parameters: &[f32],
        buffers: &[f32],
        tensors: &[ActivationParams],
    ) -> Result<Self::Int8, QuantError> {
        let mut weights = [[0.0_f32; I]; O];
        let mut bias = [0.0_f32; O];
        self.fold(layer, parameters, buffers, &mut weights, &mut bias)?;
        quantize_dense(layer, weights.as_flattened(), &bias, tensors[0], tensors[1])
    }
}
