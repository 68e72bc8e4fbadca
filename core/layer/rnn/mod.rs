//! The Elman recurrent layer, unrolled over a fixed number of steps, with
//! backpropagation through time and its R-operator side by side.
//!
//! One sample is a sequence of `S` vectors of width `I`, flattened
//! time-major into one column of width `I * S` (`x_1` first). With `h_0 = 0`:
//!
//! | quantity | formula (t = 1..S) |
//! |---|---|
//! | forward | `a_t = W_ih x_t + W_hh h_{t-1} + b`, `h_t = tanh(a_t)` |
//! | output | `h_S` (width `H`), or `[h_1; ...; h_S]` (width `H * S`) with `sequence = true` |
//! | backward (BPTT) | `g_t = dL/dh_t = dy_t + W_hh^T d_{t+1}`, `d_t = g_t (1 - h_t^2)` (`d_{S+1} = 0`) |
//! | | `dW_ih = sum_t d_t x_t^T`, `dW_hh = sum_t d_t h_{t-1}^T`, `db = sum_t d_t`, `dx_t = W_ih^T d_t` |
//! | R-forward | `R{h_t} = (1 - h_t^2) (V_ih x_t + W_ih R{x_t} + V_hh h_{t-1} + W_hh R{h_{t-1}} + v_b)` |
//! | R-backward | `R{g_t} = R{dy_t} + V_hh^T d_{t+1} + W_hh^T R{d_{t+1}}`, `R{d_t} = R{g_t} (1 - h_t^2) - 2 g_t h_t R{h_t}` |
//! | | `R{dW_ih} = sum_t R{d_t} x_t^T + d_t R{x_t}^T`, `R{dW_hh} = sum_t R{d_t} h_{t-1}^T + d_t R{h_{t-1}}^T` |
//! | | `R{db} = sum_t R{d_t}`, `R{dx_t} = V_ih^T d_t + W_ih^T R{d_t}` |
//!
//! where `dy_t` is the upstream gradient of `h_t` (zero for `t < S` unless
//! `sequence = true`) and `(V_ih, V_hh, v_b)` is the direction's share of the
//! parameters. The cell is J. L. Elman's ("Finding structure in time",
//! Cognitive Science 14, 1990), as PyTorch's `nn.RNN` computes it;
//! backpropagation through time follows P. J. Werbos ("Backpropagation
//! through time: what it does and how to do it", Proc. IEEE 78(10), 1990);
//! the R-operator is Pearlmutter's (see [`Layer::r_forward`]).
//!
//! Backward also records `dL/dh_t` for every step in the cache
//! ([`RnnCache::hidden_grad`]), so vanishing and exploding gradients
//! ([`crate::diagnostics::gradient_flow`]) are measured without a heap.

mod cache;
mod config;
pub(crate) mod kernels;

pub use cache::RnnCache;

use nalgebra::SMatrix;

use super::{
    InputFrom, Layer, LayerConfig, LayerShape, Properties, TensorShape, TrainContext, Zeroed,
};
use crate::init::Init;
use crate::rng::Rng;
use crate::scalar::Float;
use kernels::{
    accumulate_outer, add_transposed_product, add_upstream, at_step, at_step_mut, column,
    column_mut, emit, tanh_step, tanh_tangent, unroll,
};

/// An Elman recurrent layer: `h_t = tanh(W_ih x_t + W_hh h_{t-1} + b)`,
/// `h_0 = 0`, unrolled over `S` steps of `I` features into `H` hidden units.
///
/// Input width `I * S` (time-major: `x_1` first). Output width `H` (the last
/// hidden state, `SEQUENCE = false`, the default) or `H * S` (every hidden
/// state, time-major, `SEQUENCE = true`; declared as
/// `Rnn<I, H, S>(sequence = true)`). Any other width is a compile error.
///
/// Parameters, in order: `weight_ih_l0` (`H x I`, row-major), `weight_hh_l0`
/// (`H x H`, row-major), `bias` (`H`): `H * (I + H + 1)` values. PyTorch's
/// `nn.RNN` has two biases, `bias_ih_l0` and `bias_hh_l0`, that always appear
/// summed; `bias` is their sum (import: add them; export: put `bias` in one
/// and zeros in the other).
///
/// Default initialization: PyTorch's `nn.RNN`: every weight uniform in
/// `[-1/sqrt(H), 1/sqrt(H)]`, and the bias distributed as PyTorch's
/// `bias_ih_l0 + bias_hh_l0`, the sum of two such uniform draws.
///
/// A width that does not match the declaration does not compile:
///
/// ```compile_fail
/// use constnet::layer::{Layer, Rnn};
/// use constnet::nalgebra::SMatrix;
/// // 3 features over 10 steps is 30 inputs, not 20.
/// let layer = Rnn::<3, 8, 10>::new();
/// let (x, mut y) = (SMatrix::<f64, 20, 1>::zeros(), SMatrix::<f64, 8, 1>::zeros());
/// Layer::<f64, 20, 8>::forward(&layer, &[0.0; 176], &[], &x, &mut y);
/// ```
///
/// In a declaration, the macro reports the mismatch at the next layer:
///
/// ```compile_fail
/// use constnet::prelude::*;
/// network! {
///     /// `sequence = true` outputs 8 * 10 values, not 8.
///     struct Wrong {
///         rnn: Rnn<3, 8, 10>(sequence = true),
///         out: Dense<8, 1>,
///     }
/// }
/// ```
///
/// ```compile_fail
/// use constnet::layer::{Layer, Rnn};
/// use constnet::nalgebra::SMatrix;
/// // `sequence = true` outputs 8 * 10 values, not 8.
/// let layer = Rnn::<3, 8, 10, true>::new();
/// let (x, mut y) = (SMatrix::<f64, 30, 1>::zeros(), SMatrix::<f64, 8, 1>::zeros());
/// Layer::<f64, 30, 8>::forward(&layer, &[0.0; 176], &[], &x, &mut y);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rnn<const I: usize, const H: usize, const S: usize, const SEQUENCE: bool = false> {
    /// How `weight_ih_l0` and `weight_hh_l0` are initialized. Default:
    /// [`Init::TorchDefault`], which for this layer means `nn.RNN`'s
    /// uniform `[-1/sqrt(H), 1/sqrt(H)]`; other initializers see the fans of
    /// each matrix (`I -> H` and `H -> H`).
    pub weight_init: Init,
    /// How `bias` is initialized. Default: [`Init::TorchDefault`] (the sum
    /// of two draws uniform in `[-1/sqrt(H), 1/sqrt(H)]`, as PyTorch's
    /// `bias_ih_l0 + bias_hh_l0`).
    pub bias_init: Init,
}

impl<const I: usize, const H: usize, const S: usize, const SEQUENCE: bool> Rnn<I, H, S, SEQUENCE> {
    /// Input width: `I * S`.
    pub const INPUT: usize = I * S;
    /// Output width: `H * S` with `SEQUENCE`, else `H`.
    pub const OUTPUT: usize = if SEQUENCE { H * S } else { H };
    /// `true` when every hidden state is output, not only the last.
    pub const SEQUENCE: bool = SEQUENCE;
    /// Offset of `weight_hh_l0` in the layer's parameters.
    pub const RECURRENT_OFFSET: usize = H * I;
    /// Offset of `bias` in the layer's parameters.
    pub const BIAS_OFFSET: usize = H * I + H * H;

    /// Refuses, at compile time, widths other than `IN = I * S` and
    /// `OUT = OUTPUT`, and empty sizes.
    const fn check_widths<const IN: usize, const OUT: usize>() {
        Self::check_input::<IN>();
        assert!(
            OUT == Self::OUTPUT,
            "Rnn<I, H, S>: the output width must be H (last state) or, with sequence = true, H * S"
        );
    }

    /// Refuses, at compile time, an input width other than `I * S`, and
    /// empty sizes.
    const fn check_input<const IN: usize>() {
        assert!(
            I > 0 && H > 0 && S > 0,
            "Rnn<I, H, S>: every size must be at least 1"
        );
        assert!(
            IN == I * S,
            "Rnn<I, H, S>: the input width must be I * S (S steps of I features, time-major)"
        );
    }

    fn split<T>(params: &[T]) -> (&[T], &[T], &[T]) {
        let (w_ih, rest) = params.split_at(Self::RECURRENT_OFFSET);
        let (w_hh, bias) = rest.split_at(H * H);
        (w_ih, w_hh, &bias[..H])
    }

    fn split_mut<T>(params: &mut [T]) -> (&mut [T], &mut [T], &mut [T]) {
        let (w_ih, rest) = params.split_at_mut(Self::RECURRENT_OFFSET);
        let (w_hh, bias) = rest.split_at_mut(H * H);
        (w_ih, w_hh, &mut bias[..H])
    }
}

impl<const I: usize, const H: usize, const S: usize, const SEQUENCE: bool> LayerConfig
    for Rnn<I, H, S, SEQUENCE>
{
    const NAME: &'static str = "Rnn";
    const DEFAULT: Self = Self::new();
    const INPUT: Option<usize> = Some(I * S);
    const INPUT_FROM: InputFrom = InputFrom::Product(0, 2);
    // tanh is odd: negating a unit's rows of W_ih, W_hh and bias and its
    // column of W_hh negates exactly its hidden state at every step.
    const PROPERTIES: Properties = Properties::NONE.odd();
}

impl<const I: usize, const H: usize, const S: usize, const SEQUENCE: bool, const IN: usize>
    LayerShape<IN> for Rnn<I, H, S, SEQUENCE>
{
    const OUTPUT: usize = {
        Self::check_input::<IN>();
        Self::OUTPUT
    };
    const TENSORS: &'static [TensorShape] = &[
        TensorShape::incoming("weight_ih_l0", H, I),
        TensorShape::recurrent("weight_hh_l0", H),
        TensorShape::unit_bias("bias", H).sum_of(&["bias_ih_l0", "bias_hh_l0"]),
    ];
}

impl<
    T: Float,
    const I: usize,
    const H: usize,
    const S: usize,
    const SEQUENCE: bool,
    const IN: usize,
    const OUT: usize,
> Layer<T, IN, OUT> for Rnn<I, H, S, SEQUENCE>
{
    type Cache<const B: usize> = RnnCache<T, H, S, B>;

    fn init(&self, params: &mut [T], _buffers: &mut [T], rng: &mut Rng) {
        const { Self::check_widths::<IN, OUT>() };
        self.fill_parameters(params, rng);
    }

    fn forward<const B: usize>(
        &self,
        params: &[T],
        _buffers: &[T],
        x: &SMatrix<T, IN, B>,
        y: &mut SMatrix<T, OUT, B>,
    ) {
        const { Self::check_widths::<IN, OUT>() };
        let (w_ih, w_hh, bias) = Self::split(params);
        let step = |x_t: &[T], previous: &[T; H], t: usize| {
            let mut current = [T::zero(); H];
            let h_prev = (t > 0).then_some(&previous[..]);
            tanh_step(w_ih, w_hh, bias, x_t, h_prev, &mut current);
            current
        };
        unroll::<T, [T; H], I, H, S, SEQUENCE, IN, OUT, B>(x, y, [T::zero(); H], step, |h| h);
    }

    fn forward_train<const B: usize>(
        &self,
        params: &[T],
        _buffers: &[T],
        x: &SMatrix<T, IN, B>,
        y: &mut SMatrix<T, OUT, B>,
        cache: &mut RnnCache<T, H, S, B>,
        _context: &TrainContext,
    ) {
        const { Self::check_widths::<IN, OUT>() };
        let (w_ih, w_hh, bias) = Self::split(params);
        for t in 0..S {
            let (done, rest) = cache.hidden.split_at_mut(t);
            for b in 0..B {
                let h_prev = done.last().map(|h| column(h, b));
                let x_t = at_step::<T, I>(column(x, b), t);
                tanh_step(w_ih, w_hh, bias, x_t, h_prev, column_mut(&mut rest[0], b));
            }
        }
        emit::<T, H, S, SEQUENCE, OUT, B>(&cache.hidden, y);
    }

    fn backward<const B: usize>(
        &self,
        params: &[T],
        x: &SMatrix<T, IN, B>,
        _y: &SMatrix<T, OUT, B>,
        cache: &mut RnnCache<T, H, S, B>,
        dy: &SMatrix<T, OUT, B>,
        mut dx: Option<&mut SMatrix<T, IN, B>>,
        grad: &mut [T],
    ) {
        const { Self::check_widths::<IN, OUT>() };
        let (w_ih, w_hh, _) = Self::split(params);
        grad.fill(T::zero());
        let (g_ih, g_hh, g_b) = Self::split_mut(grad);
        for b in 0..B {
            let x = column(x, b);
            // W_hh^T d_{t+1}: what step t + 1 sends back to h_t.
            let mut from_later = [T::zero(); H];
            for t in (0..S).rev() {
                let h = column(&cache.hidden[t], b);
                let g = column_mut(&mut cache.hidden_grad[t], b);
                g.copy_from_slice(&from_later);
                add_upstream::<T, H, S, SEQUENCE, OUT, B>(dy, b, t, g);
                let mut delta = [T::zero(); H];
                for ((d, &g), &h) in delta.iter_mut().zip(g.iter()).zip(h) {
                    *d = g * (T::one() - h * h);
                }
                accumulate_outer(&delta, at_step::<T, I>(x, t), g_ih);
                for (gb, &d) in g_b.iter_mut().zip(&delta) {
                    *gb += d;
                }
                if let Some(dx) = dx.as_deref_mut() {
                    let dx_t = at_step_mut::<T, I>(column_mut(dx, b), t);
                    dx_t.fill(T::zero());
                    add_transposed_product(w_ih, &delta, dx_t);
                }
                if t > 0 {
                    accumulate_outer(&delta, column(&cache.hidden[t - 1], b), g_hh);
                    from_later.fill(T::zero());
                    add_transposed_product(w_hh, &delta, &mut from_later);
                }
            }
        }
    }

    fn r_forward<const B: usize>(
        &self,
        params: &[T],
        v: &[T],
        x: &SMatrix<T, IN, B>,
        _y: &SMatrix<T, OUT, B>,
        cache: &RnnCache<T, H, S, B>,
        rx: &SMatrix<T, IN, B>,
        ry: &mut SMatrix<T, OUT, B>,
        r_cache: &mut RnnCache<T, H, S, B>,
    ) {
        const { Self::check_widths::<IN, OUT>() };
        let weights = Self::split(params);
        let direction = Self::split(v);
        for t in 0..S {
            let (done, rest) = r_cache.hidden.split_at_mut(t);
            for b in 0..B {
                let previous =
                    (t > 0).then(|| (column(&cache.hidden[t - 1], b), column(&done[t - 1], b)));
                tanh_tangent(
                    weights,
                    direction,
                    (
                        at_step::<T, I>(column(x, b), t),
                        at_step::<T, I>(column(rx, b), t),
                    ),
                    previous,
                    column(&cache.hidden[t], b),
                    column_mut(&mut rest[0], b),
                );
            }
        }
        r_cache.hidden_grad = Zeroed::zeroed();
        emit::<T, H, S, SEQUENCE, OUT, B>(&r_cache.hidden, ry);
    }

    fn r_backward<const B: usize>(
        &self,
        params: &[T],
        v: &[T],
        x: &SMatrix<T, IN, B>,
        _y: &SMatrix<T, OUT, B>,
        cache: &RnnCache<T, H, S, B>,
        rx: &SMatrix<T, IN, B>,
        r_cache: &RnnCache<T, H, S, B>,
        dy: &SMatrix<T, OUT, B>,
        rdy: &SMatrix<T, OUT, B>,
        mut rdx: Option<&mut SMatrix<T, IN, B>>,
        r_grad: &mut [T],
    ) {
        const { Self::check_widths::<IN, OUT>() };
        let (w_ih, w_hh, _) = Self::split(params);
        let (v_ih, v_hh, _) = Self::split(v);
        r_grad.fill(T::zero());
        let (r_ih, r_hh, r_b) = Self::split_mut(r_grad);
        for b in 0..B {
            let (x, rx) = (column(x, b), column(rx, b));
            // The backward recursion is rerun here rather than read from the
            // cache, so this pass does not depend on backward having run.
            let mut from_later = [T::zero(); H];
            let mut r_from_later = [T::zero(); H];
            for t in (0..S).rev() {
                let (h, rh) = (column(&cache.hidden[t], b), column(&r_cache.hidden[t], b));
                let (mut g, mut rg) = (from_later, r_from_later);
                add_upstream::<T, H, S, SEQUENCE, OUT, B>(dy, b, t, &mut g);
                add_upstream::<T, H, S, SEQUENCE, OUT, B>(rdy, b, t, &mut rg);
                let (mut delta, mut r_delta) = ([T::zero(); H], [T::zero(); H]);
                for k in 0..H {
                    let slope = T::one() - h[k] * h[k];
                    delta[k] = g[k] * slope;
                    r_delta[k] = rg[k] * slope - (T::one() + T::one()) * g[k] * h[k] * rh[k];
                }
                accumulate_outer(&r_delta, at_step::<T, I>(x, t), r_ih);
                accumulate_outer(&delta, at_step::<T, I>(rx, t), r_ih);
                for (rb, &rd) in r_b.iter_mut().zip(&r_delta) {
                    *rb += rd;
                }
                if let Some(rdx) = rdx.as_deref_mut() {
                    let rdx_t = at_step_mut::<T, I>(column_mut(rdx, b), t);
                    rdx_t.fill(T::zero());
                    add_transposed_product(v_ih, &delta, rdx_t);
                    add_transposed_product(w_ih, &r_delta, rdx_t);
                }
                if t > 0 {
                    let h_prev = column(&cache.hidden[t - 1], b);
                    let rh_prev = column(&r_cache.hidden[t - 1], b);
                    accumulate_outer(&r_delta, h_prev, r_hh);
                    accumulate_outer(&delta, rh_prev, r_hh);
                    from_later.fill(T::zero());
                    add_transposed_product(w_hh, &delta, &mut from_later);
                    r_from_later.fill(T::zero());
                    add_transposed_product(v_hh, &delta, &mut r_from_later);
                    add_transposed_product(w_hh, &r_delta, &mut r_from_later);
                }
            }
        }
    }
}
