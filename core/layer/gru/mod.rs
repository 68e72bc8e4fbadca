//! The gated recurrent unit layer, unrolled over a fixed number of steps,
//! with backpropagation through time and its R-operator side by side.
//!
//! One sample is a sequence of `S` vectors of width `I`, flattened
//! time-major into one column of width `I * S`. With `h_0 = 0`, the
//! affine maps `a_t = W_ih x_t + b_ih` and `u_t = W_hh h_{t-1} + b_hh` cut
//! into three `H`-blocks in PyTorch's order `(r, z, n)`:
//!
//! | quantity | formula (t = 1..S) |
//! |---|---|
//! | gates | `r_t = sigmoid(a_r + u_r)`, `z_t = sigmoid(a_z + u_z)`, `n_t = tanh(a_n + r_t u_n)` (PyTorch applies `r_t` to `W_hn h_{t-1} + b_hn`) |
//! | state | `h_t = (1 - z_t) n_t + z_t h_{t-1}` |
//! | output | `h_S`, or `[h_1; ...; h_S]` with `sequence = true` |
//! | backward | `dh_t = dy_t + z_{t+1} dh_{t+1} + W_hh^T du_{t+1}`; `dn = dh_t (1 - z_t)`, `d(a_n) = dn (1 - n_t^2)` |
//! | | `d(a_r) = d(a_n) u_n r_t (1 - r_t)`, `d(a_z) = dh_t (h_{t-1} - n_t) z_t (1 - z_t)`, `du_n = d(a_n) r_t` |
//! | | `dW_ih = sum_t da_t x_t^T`, `dW_hh = sum_t du_t h_{t-1}^T` (`du_r = da_r`, `du_z = da_z`), `db_ih = sum_t da_t`, `db_hh = sum_t du_t`, `dx_t = W_ih^T da_t` |
//! | R-forward | `R{a_t} = V_ih x_t + W_ih R{x_t} + v_ih`, `R{u_t} = V_hh h_{t-1} + W_hh R{h_{t-1}} + v_hh`, each gate `R{g} = g' R{pre-activation}` |
//! | | `R{h_t} = (1 - z_t) R{n_t} - R{z_t} n_t + R{z_t} h_{t-1} + z_t R{h_{t-1}}` |
//! | R-backward | the backward lines differentiated along the same direction (product rule on every factor) |
//!
//! The cell is K. Cho et al.'s ("Learning phrase representations using
//! RNN encoder-decoder for statistical machine translation", EMNLP 2014)
//! in PyTorch's `nn.GRU` form. Backward records `dL/dh_t` in the cache
//! ([`GruCache::hidden_grad`]) for the gradient-flow tools
//! ([`crate::diagnostics::gradient_flow`]).

mod cache;
mod steps;

pub use cache::GruCache;

use nalgebra::SMatrix;

use super::gated::{self, Weights};
use super::{InputFrom, Layer, LayerConfig, LayerShape, TensorShape, TrainContext, Zeroed};
use crate::init::Init;
use crate::layer::rnn::kernels::{column, column_mut, emit};
use crate::rng::Rng;
use crate::scalar::Float;

/// A gated recurrent unit layer (PyTorch's `nn.GRU`, one layer,
/// `batch_first = False` steps flattened time-major), unrolled over `S`
/// steps of `I` features into `H` hidden units; see the [module
/// documentation](self) for the formulas.
///
/// Input width `I * S`. Output width `H` (the last hidden state, the
/// default) or `H * S` (every hidden state, time-major; declared as
/// `Gru<I, H, S>(sequence = true)`). Any other width is a compile error.
///
/// Parameters, in PyTorch order and names: `weight_ih_l0` (`3H x I`),
/// `weight_hh_l0` (`3H x H`), `bias_ih_l0` (`3H`), `bias_hh_l0` (`3H`), each
/// gate-blocked `(r, z, n)`: `3H (I + H + 2)` values.
///
/// Default initialization: PyTorch's: every tensor uniform in
/// `[-1/sqrt(H), 1/sqrt(H)]`.
///
/// ```compile_fail
/// use constnet::prelude::*;
/// network! {
///     /// `sequence = true` outputs 4 * 5 values, not 4.
///     struct Wrong { gru: Gru<2, 4, 5>(sequence = true), out: Dense<4, 1> }
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gru<const I: usize, const H: usize, const S: usize, const SEQUENCE: bool = false> {
    /// How `weight_ih_l0` and `weight_hh_l0` are initialized. Default:
    /// [`Init::TorchDefault`], uniform in `[-1/sqrt(H), 1/sqrt(H)]`.
    pub weight_init: Init,
    /// How both biases are initialized. Default: [`Init::TorchDefault`],
    /// uniform in `[-1/sqrt(H), 1/sqrt(H)]`.
    pub bias_init: Init,
}

/// Gate blocks of a GRU.
const GATES: usize = 3;

impl<const I: usize, const H: usize, const S: usize, const SEQUENCE: bool> Gru<I, H, S, SEQUENCE> {
    /// Input width: `I * S`.
    pub const INPUT: usize = I * S;
    /// Output width: `H * S` with `SEQUENCE`, else `H`.
    pub const OUTPUT: usize = if SEQUENCE { H * S } else { H };

    /// A GRU layer with PyTorch's default initialization.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            weight_init: Init::TorchDefault,
            bias_init: Init::TorchDefault,
        }
    }

    /// The same layer with another initializer for both weight matrices
    /// (`Gru<I, H, S>(weight_init = ...)`).
    ///
    /// # Panics
    /// When `init` is invalid ([`Init::validate`]); in a `const` (as a
    /// declaration evaluates it) that is a compile error.
    #[must_use]
    pub const fn weight_init(self, init: Init) -> Self {
        Self {
            weight_init: init.checked(),
            ..self
        }
    }

    /// The same layer with another initializer for both biases
    /// (`Gru<I, H, S>(bias_init = ...)`).
    ///
    /// # Panics
    /// When `init` is invalid ([`Init::validate`]); in a `const` that is a
    /// compile error.
    #[must_use]
    pub const fn bias_init(self, init: Init) -> Self {
        Self {
            bias_init: init.checked(),
            ..self
        }
    }

    /// Refuses, at compile time, an input width other than `I * S`, and
    /// empty sizes.
    const fn check_input<const IN: usize>() {
        assert!(
            I > 0 && H > 0 && S > 0,
            "Gru<I, H, S>: every size must be at least 1"
        );
        assert!(
            IN == I * S,
            "Gru<I, H, S>: the input width must be I * S (S steps of I features, time-major)"
        );
    }

    /// [`Self::check_input`], and an output width other than `OUTPUT`.
    const fn check_widths<const IN: usize, const OUT: usize>() {
        Self::check_input::<IN>();
        assert!(
            OUT == Self::OUTPUT,
            "Gru<I, H, S>: the output width must be H (last state) or, with sequence = true, H * S"
        );
    }

    fn split<T>(params: &[T]) -> Weights<'_, T> {
        gated::split::<T, GATES, I, H>(params)
    }
}

impl<const I: usize, const H: usize, const S: usize, const SEQUENCE: bool> Default
    for Gru<I, H, S, SEQUENCE>
{
    fn default() -> Self {
        Self::new()
    }
}

impl<const I: usize, const H: usize, const S: usize, const SEQUENCE: bool> LayerConfig
    for Gru<I, H, S, SEQUENCE>
{
    const NAME: &'static str = "Gru";
    const DEFAULT: Self = Self::new();
    const INPUT: Option<usize> = Some(I * S);
    const INPUT_FROM: InputFrom = InputFrom::Product(0, 2);
}

impl<const I: usize, const H: usize, const S: usize, const SEQUENCE: bool, const IN: usize>
    LayerShape<IN> for Gru<I, H, S, SEQUENCE>
{
    const OUTPUT: usize = {
        Self::check_input::<IN>();
        Self::OUTPUT
    };
    const TENSORS: &'static [TensorShape] = &gated::tensors(GATES, I, H);
}

impl<
    T: Float,
    const I: usize,
    const H: usize,
    const S: usize,
    const SEQUENCE: bool,
    const IN: usize,
    const OUT: usize,
> Layer<T, IN, OUT> for Gru<I, H, S, SEQUENCE>
{
    type Cache<const B: usize> = GruCache<T, H, S, B>;

    fn init(&self, params: &mut [T], _buffers: &mut [T], rng: &mut Rng) {
        const { Self::check_widths::<IN, OUT>() };
        gated::fill::<T, GATES, I, H>(self.weight_init, self.bias_init, params, rng);
    }

    fn forward<const B: usize>(
        &self,
        params: &[T],
        _buffers: &[T],
        x: &SMatrix<T, IN, B>,
        y: &mut SMatrix<T, OUT, B>,
    ) {
        const { Self::check_widths::<IN, OUT>() };
        let w = Self::split(params);
        for b in 0..B {
            let x = column(x, b);
            let out = column_mut(y, b);
            let mut h = [T::zero(); H];
            for t in 0..S {
                h = steps::cell(&w, &x[t * I..(t + 1) * I], &h).hidden;
                if SEQUENCE {
                    out[t * H..(t + 1) * H].copy_from_slice(&h);
                }
            }
            if !SEQUENCE {
                out[..H].copy_from_slice(&h);
            }
        }
    }

    fn forward_train<const B: usize>(
        &self,
        params: &[T],
        _buffers: &[T],
        x: &SMatrix<T, IN, B>,
        y: &mut SMatrix<T, OUT, B>,
        cache: &mut GruCache<T, H, S, B>,
        _context: &TrainContext,
    ) {
        const { Self::check_widths::<IN, OUT>() };
        let w = Self::split(params);
        let zero = [T::zero(); H];
        for b in 0..B {
            let x = column(x, b);
            for t in 0..S {
                let h_prev = if t > 0 {
                    column(&cache.hidden[t - 1], b)
                } else {
                    &zero[..]
                };
                let step = steps::cell(&w, &x[t * I..(t + 1) * I], h_prev);
                gated::scatter(&step.gates, &mut cache.gates[t], b);
                column_mut(&mut cache.hidden[t], b).copy_from_slice(&step.hidden);
            }
        }
        emit::<T, H, S, SEQUENCE, OUT, B>(&cache.hidden, y);
    }

    fn backward<const B: usize>(
        &self,
        params: &[T],
        x: &SMatrix<T, IN, B>,
        _y: &SMatrix<T, OUT, B>,
        cache: &mut GruCache<T, H, S, B>,
        dy: &SMatrix<T, OUT, B>,
        dx: Option<&mut SMatrix<T, IN, B>>,
        grad: &mut [T],
    ) {
        const { Self::check_widths::<IN, OUT>() };
        let w = Self::split(params);
        steps::backward::<T, I, H, S, SEQUENCE, IN, OUT, B>(&w, x, cache, dy, dx, grad);
    }

    fn r_forward<const B: usize>(
        &self,
        params: &[T],
        v: &[T],
        x: &SMatrix<T, IN, B>,
        _y: &SMatrix<T, OUT, B>,
        cache: &GruCache<T, H, S, B>,
        rx: &SMatrix<T, IN, B>,
        ry: &mut SMatrix<T, OUT, B>,
        r_cache: &mut GruCache<T, H, S, B>,
    ) {
        const { Self::check_widths::<IN, OUT>() };
        let (w, dir) = (Self::split(params), Self::split(v));
        steps::r_forward::<T, I, H, S, IN, B>(&w, &dir, x, cache, rx, r_cache);
        r_cache.hidden_grad = Zeroed::zeroed();
        emit::<T, H, S, SEQUENCE, OUT, B>(&r_cache.hidden, ry);
    }

    fn r_backward<const B: usize>(
        &self,
        params: &[T],
        v: &[T],
        x: &SMatrix<T, IN, B>,
        _y: &SMatrix<T, OUT, B>,
        cache: &GruCache<T, H, S, B>,
        rx: &SMatrix<T, IN, B>,
        r_cache: &GruCache<T, H, S, B>,
        dy: &SMatrix<T, OUT, B>,
        rdy: &SMatrix<T, OUT, B>,
        rdx: Option<&mut SMatrix<T, IN, B>>,
        r_grad: &mut [T],
    ) {
        const { Self::check_widths::<IN, OUT>() };
        let (w, dir) = (Self::split(params), Self::split(v));
        steps::r_backward::<T, I, H, S, SEQUENCE, IN, OUT, B>(
            &w,
            &dir,
            (x, rx),
            (cache, r_cache),
            (dy, rdy),
            rdx,
            r_grad,
        );
    }
}
