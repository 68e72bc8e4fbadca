//! The [`Network`] trait the `network!` macro implements, and the metadata
//! ([`LayerInfo`], [`ParamTensor`]) through which tools see a network's
//! structure.
//!
//! A network with `I` inputs, `O` outputs and `P` parameters owns its
//! parameters as one flat `[T; P]` in PyTorch `parameters()` order (for each
//! layer in declaration order: weight, then bias; batch norm: gamma, then
//! beta) and its buffers (running statistics) as a second flat array.
//! Generated code is a straight line of calls into [`crate::layer`]: no tape,
//! no heap, no dynamic dispatch.

use core::fmt;

use nalgebra::SMatrix;

use crate::hessian::pass::BlockPass;
use crate::layer::block::FlatStorage;
use crate::layer::{LayerKind, TensorShape, Zeroed};
use crate::loss::Loss;
use crate::rng::Rng;
use crate::scalar::Float;

/// One layer of a declared network, as seen from outside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerInfo {
    /// The layer's name in the declaration (`hidden`).
    pub name: &'static str,
    /// Its kind.
    pub kind: LayerKind,
    /// Input width.
    pub inputs: usize,
    /// Output width.
    pub outputs: usize,
    /// Offset of its parameters in the flat parameter vector.
    pub param_offset: usize,
    /// Number of its parameters.
    pub params: usize,
    /// Offset of its buffers in the flat buffer vector.
    pub buffer_offset: usize,
    /// Number of its buffer values.
    pub buffers: usize,
    /// Its parameter tensors in order.
    pub tensors: &'static [TensorShape],
    /// Its buffer tensors in order.
    pub buffer_tensors: &'static [TensorShape],
}

impl LayerInfo {
    /// The range of this layer's parameters in the flat vector.
    #[must_use]
    pub const fn param_range(&self) -> core::ops::Range<usize> {
        self.param_offset..self.param_offset + self.params
    }

    /// The range of this layer's buffers in the flat buffer vector.
    #[must_use]
    pub const fn buffer_range(&self) -> core::ops::Range<usize> {
        self.buffer_offset..self.buffer_offset + self.buffers
    }
}

/// One named parameter (or buffer) tensor of a network: PyTorch's
/// `hidden.weight`, with its shape and place in the flat vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamTensor {
    /// The layer's name.
    pub layer: &'static str,
    /// The tensor's name and shape.
    pub shape: TensorShape,
    /// Offset in the flat parameter (or buffer) vector.
    pub offset: usize,
}

impl ParamTensor {
    /// The range of this tensor in the flat vector.
    #[must_use]
    pub const fn range(&self) -> core::ops::Range<usize> {
        self.offset..self.offset + self.shape.len()
    }
}

impl fmt::Display for ParamTensor {
    /// Formats as PyTorch's `state_dict` key, `layer.tensor`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.layer, self.shape.name)
    }
}

/// Iterates over the parameter tensors (or, with `buffers`, the buffer
/// tensors) of a layer table in flat-vector order.
pub fn tensors_of(
    layers: &'static [LayerInfo],
    buffers: bool,
) -> impl Iterator<Item = ParamTensor> {
    layers.iter().flat_map(move |layer| {
        let (list, start) = if buffers {
            (layer.buffer_tensors, layer.buffer_offset)
        } else {
            (layer.tensors, layer.param_offset)
        };
        list.iter().scan(start, move |offset, shape| {
            let tensor = ParamTensor {
                layer: layer.name,
                shape: *shape,
                offset: *offset,
            };
            *offset += shape.len();
            Some(tensor)
        })
    })
}

/// A network with `I` inputs, `O` outputs and `P` parameters in scalar `T`.
///
/// Implemented by the `network!` macro; every method is generic over the
/// batch size `B` (one column per sample).
pub trait Network<T: Float, const I: usize, const O: usize, const P: usize>: Clone {
    /// Number of buffer values (running statistics).
    const BUFFERS: usize;
    /// The layers in declaration order.
    const LAYERS: &'static [LayerInfo];

    /// What a training forward keeps for backward: every layer's output and
    /// its cache. Lives on the stack; create it with [`Zeroed::zeroed`].
    type Cache<const B: usize>: Zeroed + Clone + fmt::Debug;

    /// Stack storage for the tangents of a blocked R-operator pass of `K`
    /// directions on a batch of `B` (a flat array sized from the layer
    /// widths).
    type BlockStorage<const B: usize, const K: usize>: FlatStorage<T>;

    /// A network initialized by each layer's declared initializer, drawing
    /// from `rng` in declaration order.
    fn initialized(rng: &mut Rng) -> Self;

    /// The flat parameter vector, in PyTorch `parameters()` order.
    fn parameters(&self) -> &[T; P];
    /// The flat parameter vector, writable.
    fn parameters_mut(&mut self) -> &mut [T; P];
    /// The flat buffer vector (running statistics), in PyTorch `buffers()` order.
    fn buffers(&self) -> &[T];
    /// The flat buffer vector, writable.
    fn buffers_mut(&mut self) -> &mut [T];
    /// How many training steps have updated the buffers (PyTorch's
    /// `num_batches_tracked`).
    fn batches_tracked(&self) -> u64;
    /// Sets the count of buffer updates.
    fn set_batches_tracked(&mut self, count: u64);

    /// Inference forward: evaluation mode (batch normalization uses its
    /// running statistics).
    fn forward<const B: usize>(&self, x: &SMatrix<T, I, B>) -> SMatrix<T, O, B>;

    /// Training forward: batch statistics, every intermediate kept in `cache`
    /// for [`Network::backward`]. Buffers are not touched: apply
    /// [`Network::update_buffers`] after the step, as the training loop does.
    fn forward_train<const B: usize>(
        &self,
        x: &SMatrix<T, I, B>,
        cache: &mut Self::Cache<B>,
    ) -> SMatrix<T, O, B>;

    /// Applies the buffer updates (running statistics) of the training
    /// forward that filled `cache`, and counts one more tracked batch.
    fn update_buffers<const B: usize>(&mut self, cache: &Self::Cache<B>);

    /// Backward: from `d_output = dL/doutput`, writes `dL/dparameters` into
    /// `grad` (overwritten, flat order).
    fn backward<const B: usize>(
        &self,
        cache: &mut Self::Cache<B>,
        d_output: &SMatrix<T, O, B>,
        grad: &mut [T; P],
    );

    /// The R-operator forward along the parameter direction `v`: fills
    /// `r_cache` with the directional derivatives of everything in `cache`
    /// and returns `R{output}`.
    fn r_forward<const B: usize>(
        &self,
        v: &[T; P],
        cache: &Self::Cache<B>,
        r_cache: &mut Self::Cache<B>,
    ) -> SMatrix<T, O, B>;

    /// Backward and R-backward together: writes the gradient into `grad` and
    /// its directional derivative along `v` (the Hessian-vector product when
    /// `r_d_output` is the loss Hessian applied to `R{output}`) into `r_grad`.
    fn r_backward<const B: usize>(
        &self,
        v: &[T; P],
        cache: &mut Self::Cache<B>,
        r_cache: &Self::Cache<B>,
        d_output: &SMatrix<T, O, B>,
        r_d_output: &SMatrix<T, O, B>,
        grad: &mut [T; P],
        r_grad: &mut [T; P],
    );

    /// [`Network::backward`] that also keeps `dL/dy` of every layer: written
    /// into `output_grads`, in the field where `cache` keeps that layer's
    /// output (the blocked R-backward reads them).
    fn backward_keep<const B: usize>(
        &self,
        cache: &mut Self::Cache<B>,
        d_output: &SMatrix<T, O, B>,
        output_grads: &mut Self::Cache<B>,
        grad: &mut [T; P],
    );

    /// The blocked R-operator forward: every layer's
    /// [`Layer::r_forward_block`](crate::layer::Layer::r_forward_block) in
    /// order, on the training forward's `cache`, through `pass`.
    fn r_forward_block<const B: usize>(&self, cache: &Self::Cache<B>, pass: &mut BlockPass<'_, T>);

    /// The blocked R-operator backward: every layer's
    /// [`Layer::r_backward_block`](crate::layer::Layer::r_backward_block)
    /// from the last to the first, with the cache before (`forward_cache`)
    /// and after (`cache`) [`Network::backward_keep`], and the output
    /// gradients it kept.
    fn r_backward_block<const B: usize>(
        &self,
        forward_cache: &Self::Cache<B>,
        cache: &Self::Cache<B>,
        output_grads: &Self::Cache<B>,
        pass: &mut BlockPass<'_, T>,
    );

    /// Training-mode loss of a batch and its gradient, in one forward and one
    /// backward pass on the stack.
    fn loss_and_gradient<L: Loss<T, O>, const B: usize>(
        &self,
        loss: &L,
        x: &SMatrix<T, I, B>,
        targets: &[L::Target; B],
        grad: &mut [T; P],
    ) -> T {
        let mut cache = Self::Cache::<B>::zeroed();
        let output = self.forward_train(x, &mut cache);
        let mut d_output = SMatrix::<T, O, B>::zeros();
        let value = loss.loss_and_gradient(&output, targets, &mut d_output);
        self.backward(&mut cache, &d_output, grad);
        value
    }

    /// The exact Hessian-vector product `H v` of the training-mode mean batch
    /// loss with respect to all parameters, by Pearlmutter's R-operator: one
    /// forward, one R-forward and one combined backward pass, no finite
    /// differences, no heap. Writes the gradient into `grad` and `H v` into
    /// `hv`; returns the loss.
    fn hessian_vector_product<L: Loss<T, O>, const B: usize>(
        &self,
        loss: &L,
        x: &SMatrix<T, I, B>,
        targets: &[L::Target; B],
        v: &[T; P],
        grad: &mut [T; P],
        hv: &mut [T; P],
    ) -> T {
        let mut cache = Self::Cache::<B>::zeroed();
        let output = self.forward_train(x, &mut cache);
        let mut d_output = SMatrix::<T, O, B>::zeros();
        let value = loss.loss_and_gradient(&output, targets, &mut d_output);
        let mut r_cache = Self::Cache::<B>::zeroed();
        let r_output = self.r_forward(v, &cache, &mut r_cache);
        let mut r_d_output = SMatrix::<T, O, B>::zeros();
        loss.hessian_product(&output, targets, &r_output, &mut r_d_output);
        self.r_backward(v, &mut cache, &r_cache, &d_output, &r_d_output, grad, hv);
        value
    }

    /// Evaluation-mode mean loss of a batch (inference forward).
    fn evaluate<L: Loss<T, O>, const B: usize>(
        &self,
        loss: &L,
        x: &SMatrix<T, I, B>,
        targets: &[L::Target; B],
    ) -> T {
        loss.loss(&self.forward(x), targets)
    }

    /// The parameter tensors in flat order, with PyTorch names
    /// (`hidden.weight`) and shapes.
    #[must_use]
    fn parameter_tensors() -> impl Iterator<Item = ParamTensor> {
        tensors_of(Self::LAYERS, false)
    }

    /// The buffer tensors in flat order (`bn.running_mean`, ...).
    #[must_use]
    fn buffer_tensors() -> impl Iterator<Item = ParamTensor> {
        tensors_of(Self::LAYERS, true)
    }

    /// Each parameter tensor with its values.
    fn named_parameters(&self) -> impl Iterator<Item = (ParamTensor, &[T])> {
        let params = self.parameters();
        Self::parameter_tensors().map(move |t| (t, &params[t.range()]))
    }
}
