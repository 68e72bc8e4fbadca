//! The [`Network`] trait the `network!` macro implements, and the metadata
//! ([`LayerInfo`], [`ParamTensor`]) through which tools see a network's
//! structure.
//!
//! A network with `I` inputs, `O` outputs and `P` parameters owns its
//! parameters as one flat `[T; P]` in PyTorch `parameters()` order (for each
//! layer in declaration order: weight, then bias; batch norm: gamma, then
//! beta), its buffers (running statistics) as a second flat array, and one
//! count of tracked batches per batch-norm layer (PyTorch's
//! `num_batches_tracked`) as a third. Generated code is a straight line of calls into [`crate::layer`]: no tape,
//! no heap, no dynamic dispatch.
//!
//! Every batch method that computes a loss ([`Network::loss_and_gradient`],
//! [`Network::input_gradient`], [`Network::hessian_vector_product`],
//! [`Network::evaluate`]) runs [`check_batch`] once and returns a
//! [`crate::error::Result`]: an empty batch, a NaN input or a target outside the
//! loss's domain is a typed error naming the sample, never a panic or a NaN
//! loss. The passes themselves (`forward`, `backward`, `r_forward`, ...)
//! take what they are given.

mod check;
pub(crate) mod unchecked;

use core::fmt;

use nalgebra::SMatrix;

pub use crate::info::LayerInfo;
use crate::layer::{TensorShape, TrainContext, Zeroed};
use crate::loss::Loss;
use crate::rng::Rng;
use crate::scalar::Float;
pub use check::{check_batch, check_direction};

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
/// batch size `B` (one column per sample). The blocked passes that full
/// Hessians run on are in a hidden trait the macro implements too;
/// [`SecondOrder`](crate::hessian::SecondOrder) is their interface.
pub trait Network<T: Float, const I: usize, const O: usize, const P: usize>: Clone {
    /// Number of buffer values (running statistics).
    const BUFFERS: usize;
    /// The layers in declaration order.
    const LAYERS: &'static [LayerInfo];

    /// What a training forward keeps for backward: every layer's output and
    /// its cache. Lives on the stack; create it with [`Zeroed::zeroed`].
    type Cache<const B: usize>: Zeroed + Clone + fmt::Debug;

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
    /// Checks every buffer value against its tensor's
    /// [`Domain`](crate::layer::Domain) (a running variance: finite and
    /// `>= 0`).
    ///
    /// # Errors
    /// [`crate::error::Error::InvalidBuffer`] naming the layer, tensor, index and
    /// value.
    fn check_buffers(&self) -> crate::error::Result<()> {
        crate::state::check_buffers(Self::LAYERS, self.buffers())
    }

    /// Sets the buffers from `values` (PyTorch `buffers()` order), checked:
    /// the checked form of writing through [`Network::buffers_mut`].
    ///
    /// # Errors
    /// [`crate::error::Error::BufferLength`] when `values` is not
    /// [`Network::BUFFERS`] long, [`crate::error::Error::InvalidBuffer`] for a value
    /// outside its tensor's domain; the buffers are then unchanged.
    fn set_buffers(&mut self, values: &[T]) -> crate::error::Result<()> {
        if values.len() != Self::BUFFERS {
            return Err(crate::error::Error::BufferLength {
                what: "buffers",
                given: values.len(),
                required: Self::BUFFERS,
            });
        }
        crate::state::check_buffers(Self::LAYERS, values)?;
        self.buffers_mut().copy_from_slice(values);
        Ok(())
    }

    /// The counts of tracked batches, one per layer whose
    /// [`Properties`](crate::layer::Properties) count batches (each
    /// `BatchNorm`), in declaration order: entry `k` is PyTorch's
    /// `num_batches_tracked` of that layer, and
    /// [`LayerInfo::counter`] tells each layer's index. Each counts the
    /// training steps that updated its layer's buffers
    /// ([`Network::update_buffers`]); they differ when set so (a model
    /// assembled from parts trained apart). Empty for a network without
    /// such a layer.
    fn batches_tracked(&self) -> &[u64];
    /// The counts of tracked batches, writable (any value is valid).
    fn batches_tracked_mut(&mut self) -> &mut [u64];
    /// Sets the counts of tracked batches from `counts` (one per counting
    /// layer, in declaration order).
    ///
    /// # Errors
    /// [`crate::error::Error::BufferLength`] when `counts` is not as long as
    /// [`Network::batches_tracked`]; the counts are then unchanged.
    fn set_batches_tracked(&mut self, counts: &[u64]) -> crate::error::Result<()> {
        let tracked = self.batches_tracked_mut();
        if counts.len() != tracked.len() {
            return Err(crate::error::Error::BufferLength {
                what: "batches_tracked",
                given: counts.len(),
                required: tracked.len(),
            });
        }
        tracked.copy_from_slice(counts);
        Ok(())
    }

    /// Inference forward: evaluation mode (batch normalization uses its
    /// running statistics).
    fn forward<const B: usize>(&self, x: &SMatrix<T, I, B>) -> SMatrix<T, O, B>;

    /// Training forward: batch statistics, every intermediate kept in `cache`
    /// for [`Network::backward`]. Buffers are not touched: apply
    /// [`Network::update_buffers`] after the step, as the training loop does.
    /// Layers that draw randomness (dropout) draw it from the default
    /// [`TrainContext`]; [`Network::forward_train_with`] takes another.
    fn forward_train<const B: usize>(
        &self,
        x: &SMatrix<T, I, B>,
        cache: &mut Self::Cache<B>,
    ) -> SMatrix<T, O, B> {
        self.forward_train_with(x, cache, &TrainContext::default())
    }

    /// [`Network::forward_train`] with the context of a training step (its
    /// seed), which every layer receives as [`TrainContext::for_layer`].
    fn forward_train_with<const B: usize>(
        &self,
        x: &SMatrix<T, I, B>,
        cache: &mut Self::Cache<B>,
        context: &TrainContext,
    ) -> SMatrix<T, O, B>;

    /// The batch the last training forward copied into `cache`, for the
    /// checked batch methods: they check the inputs there, after the
    /// forward, so the caller's batch is not kept alive beside the cache
    /// (no second copy of it on the stack). `None`, the default for a hand
    /// implementation, makes them read the caller's batch; the `network!`
    /// macro returns the cache's `input`.
    #[doc(hidden)]
    fn cached_input<const B: usize>(cache: &Self::Cache<B>) -> Option<&SMatrix<T, I, B>> {
        let _ = cache;
        None
    }

    /// Applies the buffer updates (running statistics) of the training
    /// forward that filled `cache`, each layer reading its own count of
    /// tracked batches, then counts one more tracked batch in every count
    /// ([`Network::batches_tracked`]): the whole network is in training
    /// mode for the step, as every layer of a PyTorch model in `train()`.
    fn update_buffers<const B: usize>(&mut self, cache: &Self::Cache<B>);

    /// Backward: from `d_output = dL/doutput`, writes `dL/dparameters` into
    /// `grad` (overwritten, flat order).
    fn backward<const B: usize>(
        &self,
        cache: &mut Self::Cache<B>,
        d_output: &SMatrix<T, O, B>,
        grad: &mut [T; P],
    );

    /// [`Network::backward`] that also writes `dL/dx`, the gradient with
    /// respect to the network's input, into `d_input` (overwritten).
    fn backward_with_input<const B: usize>(
        &self,
        cache: &mut Self::Cache<B>,
        d_output: &SMatrix<T, O, B>,
        grad: &mut [T; P],
        d_input: &mut SMatrix<T, I, B>,
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

    /// Training-mode loss of a batch and its gradient, in one forward and one
    /// backward pass on the stack. Checks the batch ([`check_batch`]) on
    /// the training forward's copy of it, before the loss: `grad` is
    /// written only when it passes, and no second copy of the batch is
    /// kept on the stack.
    ///
    /// # Errors
    /// As [`check_batch`]: [`crate::error::Error::NonFiniteData`] for a NaN or
    /// infinite input,
    /// [`crate::error::Error::InvalidTarget`] / [`crate::error::Error::ClassOutOfRange`]
    /// for a target the loss refuses, each naming the sample.
    fn loss_and_gradient<L: Loss<T, O>, const B: usize>(
        &self,
        loss: &L,
        x: &SMatrix<T, I, B>,
        targets: &[L::Target; B],
        grad: &mut [T; P],
    ) -> crate::error::Result<T> {
        unchecked::loss_and_gradient_with(self, loss, x, targets, grad, |inputs| {
            check_batch(loss, inputs, targets)
        })
    }

    /// Training-mode loss of a batch with its gradient with respect to the
    /// parameters (into `grad`) and to the input, `dL/dx` (into `d_input`,
    /// one column per sample, of the mean batch loss), in one forward and
    /// one backward pass on the stack: for saliency maps, adversarial
    /// examples, or chaining two declared networks (the second's `dL/dx` is
    /// the first's `d_output` for [`Network::backward`]). Training mode, as
    /// every gradient here: with batch normalization the batch statistics
    /// depend on `x` too.
    ///
    /// # Errors
    /// As [`Network::loss_and_gradient`]; the buffers are then unchanged.
    fn input_gradient<L: Loss<T, O>, const B: usize>(
        &self,
        loss: &L,
        x: &SMatrix<T, I, B>,
        targets: &[L::Target; B],
        grad: &mut [T; P],
        d_input: &mut SMatrix<T, I, B>,
    ) -> crate::error::Result<T> {
        unchecked::input_gradient_with(self, loss, x, targets, grad, d_input, |inputs| {
            check_batch(loss, inputs, targets)
        })
    }

    /// The exact Hessian-vector product `H v` of the training-mode mean batch
    /// loss with respect to all parameters, by Pearlmutter's R-operator: one
    /// forward, one R-forward and one combined backward pass, no finite
    /// differences, no heap. Writes the gradient into `grad` and `H v` into
    /// `hv`; returns the loss.
    ///
    /// # Errors
    /// As [`Network::loss_and_gradient`], and
    /// [`crate::error::Error::NonFiniteInput`] for a NaN or infinite entry of `v`
    /// ([`check_direction`]); the buffers are then unchanged.
    fn hessian_vector_product<L: Loss<T, O>, const B: usize>(
        &self,
        loss: &L,
        x: &SMatrix<T, I, B>,
        targets: &[L::Target; B],
        v: &[T; P],
        grad: &mut [T; P],
        hv: &mut [T; P],
    ) -> crate::error::Result<T> {
        unchecked::hessian_vector_product_with(self, loss, x, targets, v, grad, hv, |inputs| {
            check_batch(loss, inputs, targets)?;
            check_direction(v)
        })
    }

    /// Evaluation-mode mean loss of a batch (inference forward).
    ///
    /// # Errors
    /// As [`Network::loss_and_gradient`], and
    /// [`crate::error::Error::NotEnoughSamples`] for `B = 0` (inference takes any
    /// `B`; the training methods refuse `B = 0` at compile time).
    fn evaluate<L: Loss<T, O>, const B: usize>(
        &self,
        loss: &L,
        x: &SMatrix<T, I, B>,
        targets: &[L::Target; B],
    ) -> crate::error::Result<T> {
        check_batch(loss, x, targets)?;
        Ok(unchecked::evaluate(self, loss, x, targets))
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
