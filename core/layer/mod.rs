//! Layers: the building blocks a `network!` declaration chains together.
//!
//! A layer kind is one configuration type (`Dense<2, 8>`, `Tanh`,
//! `LeakyReLU { negative_slope }`) that states everything about itself
//! through three traits, so the macro, the network and every tool read the
//! same facts:
//!
//! - [`LayerConfig`]: scalar-free facts independent of the input width: its
//!   name, the configuration a declaration starts from, the input width it
//!   requires (if any) and its [`Properties`].
//! - [`LayerShape<I>`](LayerShape): for input width `I`, its output width
//!   and its parameter and buffer tensors, with PyTorch's names, shapes and
//!   [`Role`]s.
//! - [`Layer<T, I, O>`](Layer): the numerics for a scalar `T` and a batch of
//!   `B` samples, one column each: inference forward, training forward
//!   (which fills a cache), buffer update, backward, and Pearlmutter's
//!   R-operator for second order (with block forms for full Hessians, whose
//!   defaults are exact for every layer). Everything a layer's derivative
//!   needs sits in its own file next to its forward, so one screen checks
//!   it.
//!
//! A type outside constnet that implements the three traits is a layer
//! like the built-in ones: a declaration names it by path
//! (`gate: my_layers::Swish`), and its named arguments call its `const`
//! builder methods (`my_layers::Scaled<4>(factor = 0.5)` is
//! `<Scaled<4> as LayerConfig>::DEFAULT.factor(0.5)`, evaluated by the
//! compiler). `constnet::testing::check_layer` checks its derivatives.
//!
//! Parameters arrive as the layer's own slice of the network's flat
//! parameter vector, in PyTorch order (a dense weight is `out x in`,
//! row-major, followed by its bias). The generated code slices with constant
//! offsets, so bounds checks fold away.
#![doc = include_str!("custom_layer.md")]

pub mod activation;
pub mod batch_norm;
pub mod block;
pub mod conv;
pub mod dense;
pub mod dropout;
pub(crate) mod gated;
pub mod gru;
pub mod layer_norm;
pub mod lstm;
mod normalize;
pub mod pool;
pub mod rnn;
pub mod softmax;

pub use crate::info::{
    Domain, Fill, InputFrom, LayerInfo, Properties, Role, TensorShape, fill_buffers, total_len,
};
pub use activation::{Identity, LeakyReLU, ReLU, Sigmoid, Tanh};
pub use batch_norm::{BatchNorm, BatchNormCache, RunningAverage};
pub use block::{BlockContext, Directions, GradRows};
pub use conv::{Conv1d, Conv2d};
pub use dense::Dense;
pub use dropout::Dropout;
pub use gru::{Gru, GruCache};
pub use layer_norm::{LayerNorm, LayerNormCache};
pub use lstm::{Lstm, LstmCache};
pub use pool::{AvgPool1d, AvgPool2d, Flatten, GlobalAvgPool, MaxPool1d, MaxPool2d, SelectedIndex};
pub use rnn::{Rnn, RnnCache};
pub use softmax::Softmax;

use nalgebra::SMatrix;

use crate::rng::Rng;
use crate::scalar::Float;

/// The scalar-free facts of a layer kind that do not depend on its input
/// width.
///
/// ```
/// use constnet::layer::{Dense, LayerConfig, Tanh};
/// assert_eq!(<Dense<2, 8> as LayerConfig>::INPUT, Some(2));
/// assert_eq!(<Tanh as LayerConfig>::INPUT, None); // takes the width before it
/// assert!(<Tanh as LayerConfig>::PROPERTIES.odd);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a layer type",
    label = "not a layer",
    note = "a layer type implements `constnet::layer::LayerConfig`, `LayerShape<I>` and `Layer<T, I, O>` (see the `constnet::layer` documentation)"
)]
pub trait LayerConfig: Sized + 'static {
    /// The kind's name in messages and tables: `"Dense"`.
    const NAME: &'static str;
    /// The configuration a declaration starts from; its named arguments are
    /// `const` builder methods applied to it.
    const DEFAULT: Self;
    /// The input width the layer requires, or `None` when it takes the width
    /// of the layer before it (activations, which keep it).
    const INPUT: Option<usize>;
    /// Which generic arguments make [`LayerConfig::INPUT`], for the fix a
    /// width-mismatch message suggests. Default: [`InputFrom::Unknown`].
    const INPUT_FROM: InputFrom = InputFrom::Unknown;
    /// What its function is like. Default: [`Properties::NONE`].
    const PROPERTIES: Properties = Properties::NONE;
}

/// The shape of a layer kind with `I` inputs: its output width and its
/// tensors. Independent of the scalar.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not take {I} inputs",
    label = "this layer is given {I} inputs",
    note = "implement `LayerShape<I>` for every input width the layer accepts"
)]
pub trait LayerShape<const I: usize>: LayerConfig {
    /// The output width for `I` inputs.
    const OUTPUT: usize;
    /// Its parameter tensors in PyTorch `parameters()` order.
    const TENSORS: &'static [TensorShape];
    /// Its buffer tensors in PyTorch `buffers()` order. Default: none.
    const BUFFER_TENSORS: &'static [TensorShape] = &[];
    /// Number of trainable parameters (its share of the flat vector): the
    /// total length of [`LayerShape::TENSORS`]; do not override.
    const PARAMS: usize = total_len(Self::TENSORS);
    /// Number of buffer values (state that is not trained, such as running
    /// statistics): the total length of [`LayerShape::BUFFER_TENSORS`]; do
    /// not override.
    const BUFFERS: usize = total_len(Self::BUFFER_TENSORS);
}

/// What a training forward may read besides its input: the seed of the
/// training step, from which a layer with randomness (dropout) draws its
/// mask reproducibly. The generated network gives each layer its own
/// stream ([`TrainContext::for_layer`]); the training loop gives each step
/// its own seed, and the Hessian tools use the same context for every pass
/// of one evaluation, so backward, Hessian-vector products and Hessians
/// are derivatives of one function.
///
/// Its [`ForwardMode`] says which function the pass computes: the
/// training one (the default), or the inference one with the cache its
/// derivatives need, for the gradients and Hessians of the evaluation-mode
/// loss ([`crate::hessian::EvalMode`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TrainContext {
    /// The seed of the training step.
    pub step_seed: u64,
    /// The index of the layer in its network.
    pub layer: usize,
    /// Training (default) or evaluation mode.
    pub mode: ForwardMode,
}

/// Which function a caching forward ([`Layer::forward_train`]) computes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ForwardMode {
    /// Training mode, the default: batch normalization normalizes with the
    /// batch statistics, dropout draws its mask.
    #[default]
    Training,
    /// Evaluation mode: the function [`Layer::forward`] computes (batch
    /// normalization with its running statistics as constants, dropout the
    /// identity), with a cache that backward and the R-operator
    /// differentiate as such. A layer whose [`Properties`] say its training
    /// forward differs must honour it.
    Evaluation,
}

impl TrainContext {
    /// The context of a step with this seed, in training mode.
    #[must_use]
    pub const fn new(step_seed: u64) -> Self {
        Self {
            step_seed,
            layer: 0,
            mode: ForwardMode::Training,
        }
    }

    /// The same context in evaluation mode ([`ForwardMode::Evaluation`]).
    #[must_use]
    pub const fn evaluation(self) -> Self {
        Self {
            mode: ForwardMode::Evaluation,
            ..self
        }
    }

    /// `true` in [`ForwardMode::Evaluation`].
    #[must_use]
    pub const fn is_evaluation(&self) -> bool {
        matches!(self.mode, ForwardMode::Evaluation)
    }

    /// The context of a training run's step `step` (counted from 0), from
    /// the run's `seed`.
    #[must_use]
    pub const fn step(seed: u64, step: u64) -> Self {
        Self::new(seed ^ step.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    /// The same step, seen by layer `layer`.
    #[must_use]
    pub const fn for_layer(self, layer: usize) -> Self {
        Self { layer, ..self }
    }

    /// A generator for this step and layer: the same context gives the same
    /// numbers.
    #[must_use]
    pub const fn rng(&self) -> Rng {
        Rng::seed_from(self.step_seed ^ (self.layer as u64).wrapping_mul(0xD1B5_4A32_D192_ED03))
    }
}

/// A recurrent layer's cache that records `dL/dh_t` for each of its `S`
/// steps in backward, for the gradient-flow tools
/// ([`crate::diagnostics::gradient_flow::HiddenGradientProfile`]).
pub trait HiddenGradients<const S: usize> {
    /// `||dL/dh_t||` for `t = 1..=S` (index `t - 1`): the Frobenius norm
    /// over the hidden units and the samples of the batch, in `f64`.
    fn hidden_gradient_norms(&self) -> [f64; S];
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

/// The numerics of a layer with `I` inputs and `O` outputs in scalar `T`
/// (`O` is [`LayerShape::OUTPUT`]).
///
/// A batch is an `SMatrix<T, I, B>` with one column per sample. Methods
/// receive the layer's own slices of the network's parameters and buffers.
/// Derivatives are checked against central differences by
/// `constnet::testing::check_layer`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no numerics for {I} inputs and {O} outputs in `{T}`",
    label = "no `Layer<{T}, {I}, {O}>` implementation",
    note = "implement `Layer<T, I, O>` for every scalar `T: Float` and the widths the layer accepts"
)]
pub trait Layer<T: Float, const I: usize, const O: usize>: LayerShape<I> {
    /// What the training forward keeps for backward, beyond the layer's input
    /// and output (which the network keeps anyway). `()` for most layers.
    type Cache<const B: usize>: Zeroed + Clone + core::fmt::Debug;

    /// Writes initial parameters (and buffers) into the layer's slices.
    fn init(&self, params: &mut [T], buffers: &mut [T], rng: &mut Rng);

    /// Writes the initial buffers alone, for networks built from given
    /// parameters. Default: each buffer tensor's [`Fill`] (batch
    /// normalization: running mean 0, running variance 1), which is also
    /// what a network built in a `const` starts with; override it only
    /// together with those fills.
    #[inline]
    fn init_buffers(&self, buffers: &mut [T]) {
        fill_buffers(buffers, 0, Self::BUFFER_TENSORS);
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
    /// Hessian-vector products and diagnostics. Randomness (a dropout mask)
    /// is drawn from `context` and kept in the cache, so the derivative
    /// passes see the same function. In [`ForwardMode::Evaluation`] it
    /// computes what [`Layer::forward`] does (see [`TrainContext`]).
    fn forward_train<const B: usize>(
        &self,
        params: &[T],
        buffers: &[T],
        x: &SMatrix<T, I, B>,
        y: &mut SMatrix<T, O, B>,
        cache: &mut Self::Cache<B>,
        context: &TrainContext,
    );

    /// Applies the buffer update of one training step (e.g. the running mean
    /// and variance of batch normalization) from a training forward's cache.
    /// `batches_tracked` is the layer's own count of earlier updates when
    /// its [`Properties`] count batches (batch normalization's
    /// `num_batches_tracked`), and 0 otherwise. Default: no buffers, nothing
    /// to do.
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
