//! What the gated recurrent layers ([`Lstm`](super::Lstm) and
//! [`Gru`](super::Gru)) share: their parameter layout (PyTorch's
//! `weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, each `G`
//! gate blocks of `H` rows), their tensors and roles, PyTorch's
//! initialization, the affine maps of one step, `W x + b` per gate block,
//! with their tangents and gradients, and (in `layer`) the configuration
//! and `Layer` plumbing both declare through the `gated_layer!` macro.

pub mod layer;

pub(crate) use layer::gated_layer;

use nalgebra::SMatrix;

use crate::info::{Role, TensorShape};
use crate::init::{Fans, Init};
use crate::layer::rnn::kernels::{accumulate_outer, add_transposed_product, column, row_dot};
use crate::rng::Rng;
use crate::scalar::Float;

/// The four parameter tensors of a gated layer with `gates` blocks of
/// `hidden` units reading `inputs` features, in PyTorch `parameters()` order.
#[must_use]
pub const fn tensors(gates: usize, inputs: usize, hidden: usize) -> [TensorShape; 4] {
    [
        TensorShape::matrix("weight_ih_l0", gates * hidden, inputs)
            .with_role(Role::GatedIncoming { gates }),
        TensorShape::matrix("weight_hh_l0", gates * hidden, hidden)
            .with_role(Role::GatedRecurrent { gates }),
        TensorShape::vector("bias_ih_l0", gates * hidden).with_role(Role::GatedBias { gates }),
        TensorShape::vector("bias_hh_l0", gates * hidden).with_role(Role::GatedBias { gates }),
    ]
}

/// The layer's parameters cut into its four tensors.
#[derive(Clone, Copy)]
pub struct Weights<'a, T> {
    /// `weight_ih_l0`, `G H x I`, row-major.
    pub w_ih: &'a [T],
    /// `weight_hh_l0`, `G H x H`, row-major.
    pub w_hh: &'a [T],
    /// `bias_ih_l0`, `G H`.
    pub b_ih: &'a [T],
    /// `bias_hh_l0`, `G H`.
    pub b_hh: &'a [T],
}

/// Cuts a gated layer's parameters (or a direction, or a gradient) into
/// its four tensors; `G` gates, `I` inputs, `H` hidden units.
pub fn split<T, const G: usize, const I: usize, const H: usize>(params: &[T]) -> Weights<'_, T> {
    let (w_ih, rest) = params.split_at(G * H * I);
    let (w_hh, rest) = rest.split_at(G * H * H);
    let (b_ih, b_hh) = rest.split_at(G * H);
    Weights {
        w_ih,
        w_hh,
        b_ih,
        b_hh: &b_hh[..G * H],
    }
}

/// [`split`] for writing: `(w_ih, w_hh, b_ih, b_hh)`.
pub fn split_mut<T, const G: usize, const I: usize, const H: usize>(
    params: &mut [T],
) -> (&mut [T], &mut [T], &mut [T], &mut [T]) {
    let (w_ih, rest) = params.split_at_mut(G * H * I);
    let (w_hh, rest) = rest.split_at_mut(G * H * H);
    let (b_ih, b_hh) = rest.split_at_mut(G * H);
    (w_ih, w_hh, b_ih, &mut b_hh[..G * H])
}

/// Fills the parameters as PyTorch's `reset_parameters` of `nn.LSTM` and
/// `nn.GRU` does by default: every tensor uniform in `[-1/sqrt(H),
/// 1/sqrt(H)]`. Other initializers see each weight's fans (`I -> G H` and
/// `H -> G H`).
pub fn fill<T: Float, const G: usize, const I: usize, const H: usize>(
    weight_init: Init,
    bias_init: Init,
    params: &mut [T],
    rng: &mut Rng,
) {
    let bound = 1.0 / crate::math::sqrt(H as f64);
    let resolve = |init: Init| {
        if init == Init::TorchDefault {
            Init::Uniform {
                low: -bound,
                high: bound,
            }
        } else {
            init
        }
    };
    let (weight_init, bias_init) = (resolve(weight_init), resolve(bias_init));
    let (w_ih, w_hh, b_ih, b_hh) = split_mut::<T, G, I, H>(params);
    weight_init.fill_weight(w_ih, G * H, I, Fans::new(I, G * H), rng);
    weight_init.fill_weight(w_hh, G * H, H, Fans::new(H, G * H), rng);
    bias_init.fill_bias(b_ih, Fans::new(I, G * H), rng);
    bias_init.fill_bias(b_hh, Fans::new(H, G * H), rng);
}

/// `W x + b`, one `H`-block per gate, for a row-major `G H x x.len()`
/// matrix `W`.
#[inline]
pub fn affine<T: Float, const G: usize, const H: usize>(w: &[T], b: &[T], x: &[T]) -> [[T; H]; G] {
    core::array::from_fn(|k| core::array::from_fn(|r| b[k * H + r] + row_dot(w, k * H + r, x)))
}

/// The tangent of [`affine`] along `(V, v_b)` with the input tangent `rx`:
/// `V x + W rx + v_b`.
#[inline]
pub fn affine_tangent<T: Float, const G: usize, const H: usize>(
    (w, v, v_b): (&[T], &[T], &[T]),
    x: &[T],
    rx: &[T],
) -> [[T; H]; G] {
    core::array::from_fn(|k| {
        core::array::from_fn(|r| {
            v_b[k * H + r] + row_dot(v, k * H + r, x) + row_dot(w, k * H + r, rx)
        })
    })
}

/// `out = W^T d` for a row-major `G H x out.len()` matrix `W` and the
/// gate-blocked `d`.
#[inline]
pub fn transposed_product<T: Float, const G: usize, const H: usize>(
    w: &[T],
    d: &[[T; H]; G],
    out: &mut [T],
) {
    out.fill(T::zero());
    add_transposed_product(w, d.as_flattened(), out);
}

/// `(f'(a), df'/da)` of a gate's activation written in terms of its value
/// `a`: the sigmoid (`a (1 - a)`, `1 - 2a`) or tanh (`1 - a^2`, `-2a`).
#[inline]
pub fn slope<T: Float>(a: T, is_tanh: bool) -> (T, T) {
    let two = T::one() + T::one();
    if is_tanh {
        (T::one() - a * a, -two * a)
    } else {
        (a * (T::one() - a), T::one() - two * a)
    }
}

/// Column `b` of the `k`-th `H x B` matrix of a gate-blocked cache entry,
/// gathered into one `[[T; H]; G]`.
#[inline]
pub fn gather<T: Float, const G: usize, const H: usize, const B: usize>(
    blocks: &[SMatrix<T, H, B>; G],
    b: usize,
) -> [[T; H]; G] {
    core::array::from_fn(|k| core::array::from_fn(|r| blocks[k][(r, b)]))
}

/// Writes `values` into column `b` of the gate-blocked cache entry.
#[inline]
pub fn scatter<T: Float, const G: usize, const H: usize, const B: usize>(
    values: &[[T; H]; G],
    blocks: &mut [SMatrix<T, H, B>; G],
    b: usize,
) {
    for (block, value) in blocks.iter_mut().zip(values) {
        block.column_mut(b).copy_from_slice(value);
    }
}

/// Column `b` of step `t - 1`'s entry of a per-step cache (`h_{t-1}` or
/// `c_{t-1}`), or zeros before the first step (`h_0 = c_0 = 0`).
#[inline]
pub fn previous<'a, T: Float, const H: usize, const S: usize, const B: usize>(
    states: &'a [SMatrix<T, H, B>; S],
    zero: &'a [T; H],
    t: usize,
    b: usize,
) -> &'a [T] {
    if t > 0 {
        column(&states[t - 1], b)
    } else {
        zero
    }
}

/// Adds one step's gradients to the four gradient tensors: `dW_ih += da
/// x_t^T`, `dW_hh += du h_{t-1}^T`, `db_ih += da`, `db_hh += du`, where `da`
/// is the gradient of the input map `W_ih x_t + b_ih` and `du` of the
/// recurrent map `W_hh h_{t-1} + b_hh` (the same for an LSTM, whose gates
/// read their sum).
#[inline]
pub fn accumulate<T: Float, const G: usize, const H: usize>(
    (g_ih, g_hh, g_bih, g_bhh): (&mut [T], &mut [T], &mut [T], &mut [T]),
    (da, du): (&[[T; H]; G], &[[T; H]; G]),
    x_t: &[T],
    h_prev: &[T],
) {
    let (da, du) = (da.as_flattened(), du.as_flattened());
    accumulate_outer(da, x_t, g_ih);
    accumulate_outer(du, h_prev, g_hh);
    for (g, &d) in g_bih.iter_mut().zip(da) {
        *g += d;
    }
    for (g, &d) in g_bhh.iter_mut().zip(du) {
        *g += d;
    }
}
