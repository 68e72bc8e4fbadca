//! Layers: the building blocks a `network!` declaration chains together.
//!
//! Every layer is a small configuration type (`Dense<2, 8>`, `Tanh`,
//! `LeakyReLU { negative_slope }`) implementing two traits:
//!
//! - [`LayerShape`]: what the macro and the network need at compile time,
//!   independent of the scalar: parameter and buffer counts, the names and
//!   shapes of its tensors (PyTorch's names), its kind.
//! - [`Layer`]: the numerics for a scalar `T` and a batch of `B` samples, each
//!   sample a column: inference forward, training forward (which fills a
//!   cache), buffer update, and backward. Everything a layer's derivative
//!   needs sits in its own file next to its forward, so one screen checks it.
//!
//! Parameters arrive as the layer's own slice of the network's flat
//! parameter vector, in PyTorch order (a dense weight is `out x in`,
//! row-major, followed by its bias). The generated code slices with constant
//! offsets, so bounds checks fold away.

pub mod activation;
pub mod batch_norm;
pub mod block;
pub mod dense;
pub mod rnn;
pub mod softmax;

pub use activation::{Identity, LeakyReLU, ReLU, Sigmoid, Tanh};
pub use batch_norm::{BatchNorm, BatchNormCache, RunningAverage};
pub use block::{BlockContext, Directions, GradRows};
pub use dense::Dense;
pub use rnn::{Rnn, RnnCache};
pub use softmax::Softmax;

use nalgebra::SMatrix;

use crate::rng::Rng;
use crate::scalar::Float;

/// What kind of layer this is; read by tools that transform a network
/// (permutation symmetry, per-layer diagnostics, export).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LayerKind {
    /// Affine map `y = W x + b`.
    Dense,
    /// Batch normalization over features.
    BatchNorm,
    /// Elman recurrent layer unrolled over a fixed number of steps.
    Rnn,
    /// `max(x, 0)`.
    ReLU,
    /// `x` for `x > 0`, `slope * x` otherwise.
    LeakyReLU,
    /// Hyperbolic tangent.
    Tanh,
    /// Logistic sigmoid.
    Sigmoid,
    /// The identity.
    Identity,
    /// Softmax over the features of each sample.
    Softmax,
}

impl LayerKind {
    /// `true` for layers that act on each feature separately with the same
    /// function (so they commute with any permutation of features).
    #[must_use]
    pub const fn is_elementwise(self) -> bool {
        matches!(
            self,
            Self::ReLU | Self::LeakyReLU | Self::Tanh | Self::Sigmoid | Self::Identity
        )
    }

    /// `true` for layers that commute with a permutation of features:
    /// elementwise activations, softmax and batch normalization (whose
    /// per-feature parameters and buffers are permuted along).
    #[must_use]
    pub const fn is_permutation_equivariant(self) -> bool {
        self.is_elementwise() || matches!(self, Self::Softmax | Self::BatchNorm)
    }

    /// The layer kind's name as written in a declaration.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Dense => "Dense",
            Self::BatchNorm => "BatchNorm",
            Self::Rnn => "Rnn",
            Self::ReLU => "ReLU",
            Self::LeakyReLU => "LeakyReLU",
            Self::Tanh => "Tanh",
            Self::Sigmoid => "Sigmoid",
            Self::Identity => "Identity",
            Self::Softmax => "Softmax",
        }
    }
}

/// The name and PyTorch shape of one parameter or buffer tensor of a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TensorShape {
    /// PyTorch's attribute name: `weight`, `bias`, `running_mean`, ...
    pub name: &'static str,
    /// Rows (the first PyTorch dimension).
    pub rows: usize,
    /// Columns; 1 for a vector. Stored row-major, as PyTorch stores it.
    pub cols: usize,
    /// `true` when PyTorch's tensor is one-dimensional (`[rows]`).
    pub is_vector: bool,
}

impl TensorShape {
    /// A row-major `rows x cols` matrix.
    #[must_use]
    pub const fn matrix(name: &'static str, rows: usize, cols: usize) -> Self {
        Self {
            name,
            rows,
            cols,
            is_vector: false,
        }
    }

    /// A vector of `len` elements.
    #[must_use]
    pub const fn vector(name: &'static str, len: usize) -> Self {
        Self {
            name,
            rows: len,
            cols: 1,
            is_vector: true,
        }
    }

    /// Number of elements.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.rows * self.cols
    }

    /// `true` for a tensor with no elements.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Compile-time facts about a layer with `I` inputs and `O` outputs,
/// independent of the scalar type.
pub trait LayerShape<const I: usize, const O: usize> {
    /// The kind of layer.
    const KIND: LayerKind;
    /// Number of trainable parameters (its share of the flat vector).
    const PARAMS: usize;
    /// Number of buffer values (state that is not trained, such as running
    /// statistics).
    const BUFFERS: usize;
    /// Its parameter tensors in PyTorch `parameters()` order.
    const TENSORS: &'static [TensorShape];
    /// Its buffer tensors in PyTorch `buffers()` order.
    const BUFFER_TENSORS: &'static [TensorShape];
}

/// Values that have an all-zero starting state. Caches and scratch matrices
/// are created with it, on the stack.
pub trait Zeroed {
    /// The all-zero value.
    fn zeroed() -> Self;
}

impl Zeroed for () {
    #[inline]
    fn zeroed() -> Self {}
}

impl<T: Float, const R: usize, const C: usize> Zeroed for SMatrix<T, R, C> {
    #[inline]
    fn zeroed() -> Self {
        SMatrix::zeros()
    }
}

impl<X: Zeroed, const N: usize> Zeroed for [X; N] {
    #[inline]
    fn zeroed() -> Self {
        core::array::from_fn(|_| X::zeroed())
    }
}

impl<A: Zeroed, B: Zeroed> Zeroed for (A, B) {
    #[inline]
    fn zeroed() -> Self {
        (A::zeroed(), B::zeroed())
    }
}

impl<A: Zeroed, B: Zeroed, C: Zeroed> Zeroed for (A, B, C) {
    #[inline]
    fn zeroed() -> Self {
        (A::zeroed(), B::zeroed(), C::zeroed())
    }
}

/// The numerics of a layer with `I` inputs and `O` outputs in scalar `T`.
///
/// A batch is an `SMatrix<T, I, B>` with one column per sample. Methods
/// receive the layer's own slices of the network's parameters and buffers.
pub trait Layer<T: Float, const I: usize, const O: usize>: LayerShape<I, O> {
    /// What the training forward keeps for backward, beyond the layer's input
    /// and output (which the network keeps anyway). `()` for most layers.
    type Cache<const B: usize>: Zeroed + Clone + core::fmt::Debug;

    /// Writes initial parameters (and buffers) into the layer's slices.
    fn init(&self, params: &mut [T], buffers: &mut [T], rng: &mut Rng);

    /// Writes the initial buffers alone (running mean 0 and variance 1 for
    /// batch normalization), for networks built from given parameters.
    /// Default: no buffers, nothing to do.
    #[inline]
    fn init_buffers(&self, buffers: &mut [T]) {
        let _ = buffers;
    }

    /// Inference forward: `y = f(x)`, using buffers (e.g. running statistics)
    /// rather than batch statistics.
    fn forward<const B: usize>(
        &self,
        params: &[T],
        buffers: &[T],
        x: &SMatrix<T, I, B>,
        y: &mut SMatrix<T, O, B>,
    );

    /// Training forward: `y = f(x)` in training mode, filling the cache that
    /// [`Layer::backward`] reads. Must not change buffers (see
    /// [`Layer::update_buffers`]), so the same pass serves gradients,
    /// Hessian-vector products and diagnostics.
    fn forward_train<const B: usize>(
        &self,
        params: &[T],
        buffers: &[T],
        x: &SMatrix<T, I, B>,
        y: &mut SMatrix<T, O, B>,
        cache: &mut Self::Cache<B>,
    );

    /// Applies the buffer update of one training step (e.g. the running mean
    /// and variance of batch normalization) from a training forward's cache.
    /// `batches_tracked` counts earlier updates. Default: no buffers, nothing to do.
    #[inline]
    fn update_buffers<const B: usize>(
        &self,
        buffers: &mut [T],
        cache: &Self::Cache<B>,
        batches_tracked: u64,
    ) {
        let _ = (buffers, cache, batches_tracked);
    }

    /// Backward: given `dy = dL/dy`, writes `dL/dparams` into `grad` (the
    /// layer's slice, overwritten) and, when `dx` is given, `dL/dx` into it.
    fn backward<const B: usize>(
        &self,
        params: &[T],
        x: &SMatrix<T, I, B>,
        y: &SMatrix<T, O, B>,
        cache: &mut Self::Cache<B>,
        dy: &SMatrix<T, O, B>,
        dx: Option<&mut SMatrix<T, I, B>>,
        grad: &mut [T],
    );

    /// Pearlmutter's R-operator on the training forward: the directional
    /// derivative along a parameter direction `v` (the layer's slice of the
    /// direction) and an input tangent `rx = R{x}`. Writes `ry = R{y}` and
    /// `r_cache`, the tangent of the cache (same type: the derivative of each
    /// cached value). Reference: B. A. Pearlmutter, "Fast exact
    /// multiplication by the Hessian", Neural Computation 6(1), 1994.
    fn r_forward<const B: usize>(
        &self,
        params: &[T],
        v: &[T],
        x: &SMatrix<T, I, B>,
        y: &SMatrix<T, O, B>,
        cache: &Self::Cache<B>,
        rx: &SMatrix<T, I, B>,
        ry: &mut SMatrix<T, O, B>,
        r_cache: &mut Self::Cache<B>,
    );

    /// The R-operator on backward: given `dy`, its tangent `rdy = R{dy}` and
    /// the tangents from [`Layer::r_forward`], writes `R{dL/dparams}` into
    /// `r_grad` (overwritten) and, when given, `R{dx}` into `rdx`. Summed over
    /// the network this is the exact Hessian-vector product.
    fn r_backward<const B: usize>(
        &self,
        params: &[T],
        v: &[T],
        x: &SMatrix<T, I, B>,
        y: &SMatrix<T, O, B>,
        cache: &Self::Cache<B>,
        rx: &SMatrix<T, I, B>,
        r_cache: &Self::Cache<B>,
        dy: &SMatrix<T, O, B>,
        rdy: &SMatrix<T, O, B>,
        rdx: Option<&mut SMatrix<T, I, B>>,
        r_grad: &mut [T],
    );

    /// [`Layer::r_forward`] for a block of directions at once (see
    /// [`block`]): `rx` holds `count` input tangents (`None`: all zero, the
    /// block starts at this layer) and `ry` receives `count` output
    /// tangents, `count = ry.len() / (O * B)`. The cache tangents are not
    /// kept. Default: [`Layer::r_forward`] once per direction, exact for
    /// every layer; override it with matrix products for speed.
    #[inline]
    fn r_forward_block<const B: usize>(
        &self,
        params: &[T],
        directions: Directions<'_, T>,
        x: &SMatrix<T, I, B>,
        y: &SMatrix<T, O, B>,
        cache: &Self::Cache<B>,
        rx: Option<&[T]>,
        ry: &mut [T],
        context: &mut BlockContext<'_, T>,
    ) {
        block::r_forward_each(self, params, directions, x, y, cache, rx, ry, context);
    }

    /// [`Layer::r_backward`] for a block of directions at once: from the
    /// upstream tangents `rdy` (`count` of them), writes each direction's
    /// `R{dL/dparams}` into `rows` and, when given, the input tangents
    /// `R{dx}` into `rdx`. `forward_cache` is the cache as the training
    /// forward left it, `cache` as [`Layer::backward`] left it. Default:
    /// [`Layer::r_forward`] (to rebuild the cache tangent) and
    /// [`Layer::r_backward`] once per direction, exact for every layer.
    #[inline]
    fn r_backward_block<const B: usize>(
        &self,
        params: &[T],
        directions: Directions<'_, T>,
        x: &SMatrix<T, I, B>,
        y: &SMatrix<T, O, B>,
        forward_cache: &Self::Cache<B>,
        cache: &Self::Cache<B>,
        rx: Option<&[T]>,
        dy: &SMatrix<T, O, B>,
        rdy: &[T],
        rdx: Option<&mut [T]>,
        rows: &mut GradRows<'_, T>,
        context: &mut BlockContext<'_, T>,
    ) {
        block::r_backward_each(
            self,
            params,
            directions,
            x,
            y,
            forward_cache,
            cache,
            rx,
            dy,
            rdy,
            rdx,
            rows,
            context,
        );
    }
}
