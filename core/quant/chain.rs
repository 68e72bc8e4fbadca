//! A network as a chain of stages, in float and in int8: what the
//! network-level quantization ([`quantize_into`](super::quantize::quantize_into)) walks.
//!
//! The `network!` macro writes each declaration's chain
//! ([`LayerChain`](super::network::LayerChain)); it is built from two
//! combinators, so it is generic over any list of layers:
//!
//! - [`Then<A, B, M>`]: `A` (from `I` to `M` features) followed by `B`
//!   (from `M` to `O`). Nested to the right, `Then<L0, Then<L1, L2, M1>, M0>`
//!   is the chain `L0 -> L1 -> L2`. In int8, `Then` holds the two int8
//!   layers and runs them through a stack buffer of `M` bytes.
//! - a [`Stage`]: one int8 layer writing one activation tensor. Every
//!   layer kind that implements [`Quantize`] is a stage by itself; a
//!   [`Folded`](super::fold::Folded) `Dense` and the `BatchNorm` after it
//!   are one stage of two declared layers.
//!
//! A kind joins by implementing [`Quantize`] (or, for a group of layers
//! that becomes one int8 layer, [`Stage`]); nothing here changes. Tensor 0
//! is the input, tensor `k` the output of stage `k - 1`.

use nalgebra::SMatrix;

use super::QuantError;
use super::convert::{OutputQuantization, Quantize};
use super::layers::Int8Layer;
use super::params::ActivationParams;
use crate::layer::{Layer, LayerShape};

/// `first` then `rest`, through `M` intermediate features.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Then<A, B, const M: usize> {
    /// The first layer (or chain).
    pub first: A,
    /// What follows it.
    pub rest: B,
}

/// Calls back for each activation tensor a float or int8 chain computes:
/// `(tensor index, values)`.
pub type Visit<'a, T> = &'a mut dyn FnMut(usize, &[T]) -> Result<(), QuantError>;

/// Calls back for each activation tensor of a float and an int8 chain run
/// side by side: `(tensor index, float values, int8 values)`.
pub type Compare<'a> = &'a mut dyn FnMut(usize, &[f32], &[i8]);

/// One stage of a chain: one or more consecutive declared layers that
/// become one int8 layer and write one activation tensor (the output of
/// the stage's last declared layer).
pub trait Stage<const I: usize, const O: usize> {
    /// The int8 layer.
    type Int8: Int8Layer<I, O>;
    /// How its output tensor is quantized.
    const OUTPUT_QUANTIZATION: OutputQuantization;
    /// Declared layers the stage stands for (at least 1).
    const LAYERS: usize;
    /// Parameters it takes from the network's flat vector.
    const PARAMS: usize;
    /// Buffer values it takes.
    const BUFFERS: usize;

    /// Which of the stage's declared layers (counted from 0) holds its
    /// flat parameter `index`, and the index there.
    fn locate_parameter(index: usize) -> (usize, usize);

    /// The float network's own arithmetic for one sample, from the stage's
    /// share of the parameters and buffers.
    fn float_forward(&self, parameters: &[f32], buffers: &[f32], x: &[f32; I]) -> [f32; O];

    /// The int8 layer, from the stage's parameters and buffers and the
    /// quantization of its input and output tensors. `layer` is the index
    /// of its first declared layer, for errors.
    ///
    /// # Errors
    ///
    /// A [`QuantError`] naming the layer and the value at fault.
    fn quantize_stage(
        &self,
        layer: usize,
        parameters: &[f32],
        buffers: &[f32],
        input: ActivationParams,
        output: ActivationParams,
    ) -> Result<Self::Int8, QuantError>;
}

/// The float forward of one sample through a [`Layer`].
pub(crate) fn layer_forward<L: Layer<f32, I, O>, const I: usize, const O: usize>(
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

impl<L, const I: usize, const O: usize> Stage<I, O> for L
where
    L: Quantize<I, O> + Layer<f32, I, O>,
{
    type Int8 = L::Int8;
    const OUTPUT_QUANTIZATION: OutputQuantization = L::OUTPUT_QUANTIZATION;
    const LAYERS: usize = 1;
    const PARAMS: usize = <L as LayerShape<I>>::PARAMS;
    const BUFFERS: usize = <L as LayerShape<I>>::BUFFERS;

    fn locate_parameter(index: usize) -> (usize, usize) {
        (0, index)
    }

    fn float_forward(&self, parameters: &[f32], buffers: &[f32], x: &[f32; I]) -> [f32; O] {
        layer_forward(self, parameters, buffers, x)
    }

    fn quantize_stage(
        &self,
        layer: usize,
        parameters: &[f32],
        _buffers: &[f32],
        input: ActivationParams,
        output: ActivationParams,
    ) -> Result<L::Int8, QuantError> {
        self.quantize(layer, parameters, input, output)
    }
}

/// A chain of stages from `I` to `O` features that quantizes into an int8
/// chain of the same stages. Parameters and buffers are the network's flat
/// vectors (PyTorch order), each stage taking its share in turn.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has a layer with no int8 form",
    label = "this network cannot be quantized",
    note = "every layer must implement `constnet::quant::Quantize` (a `BatchNorm` right after a `Dense` is folded into it)"
)]
pub trait FloatChain<const I: usize, const O: usize> {
    /// The int8 chain.
    type Int8: Int8Layer<I, O>;
    /// Stages (activation tensors written after the input).
    const STAGES: usize;
    /// Layers of the declaration the chain stands for (a folded pair is
    /// two, one stage): what error messages count in.
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

    /// The declared layer that writes each stage's tensor (for a folded
    /// pair the batch normalization), from `first` on, into `layers`
    /// (`STAGES` entries).
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

impl<S, const I: usize, const O: usize> FloatChain<I, O> for S
where
    S: Stage<I, O>,
{
    type Int8 = S::Int8;
    const STAGES: usize = 1;
    const LAYERS: usize = S::LAYERS;
    const PARAMS: usize = S::PARAMS;
    const BUFFERS: usize = S::BUFFERS;

    fn rules(rules: &mut [OutputQuantization]) {
        rules[0] = S::OUTPUT_QUANTIZATION;
    }

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
        int8: &S::Int8,
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
        layers[0] = first + S::LAYERS - 1;
    }

    fn locate_parameter(first: usize, index: usize) -> (usize, usize) {
        let (layer, index) = S::locate_parameter(index);
        (first + layer, index)
    }

    fn quantize_chain(
        &self,
        layer: usize,
        parameters: &[f32],
        buffers: &[f32],
        tensors: &[ActivationParams],
    ) -> Result<S::Int8, QuantError> {
        self.quantize_stage(layer, parameters, buffers, tensors[0], tensors[1])
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
