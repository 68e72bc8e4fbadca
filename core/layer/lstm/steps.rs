//! The per-sample recursions of the LSTM: one step of the cell, backward
//! through time, and the R-operator of both (the formulas are in the
//! [layer's documentation](super)). Gate blocks are `[[T; H]; 4]` in
//! PyTorch's order `(i, f, g, o)`, on the stack.

use nalgebra::SMatrix;

use super::LstmCache;
use crate::layer::Zeroed;
use crate::layer::gated::{
    self, Weights, accumulate, affine, affine_tangent, gather, previous, slope,
};
use crate::layer::rnn::kernels::{
    accumulate_outer, add_transposed_product, add_upstream, at_step, at_step_mut, column,
    column_mut, unroll,
};
use crate::math;
use crate::scalar::Float;

const G_CELL: usize = 2;
const O_GATE: usize = 3;
const F_GATE: usize = 1;
const I_GATE: usize = 0;

/// One step's gates (after their activations), cell and hidden state.
pub struct Step<T, const H: usize> {
    pub gates: [[T; H]; 4],
    pub cell: [T; H],
    pub hidden: [T; H],
}

/// One step of the cell from `(h_{t-1}, c_{t-1})`.
#[inline]
pub fn cell<T: Float, const H: usize>(
    w: &Weights<'_, T>,
    x_t: &[T],
    h_prev: &[T],
    c_prev: &[T],
) -> Step<T, H> {
    let from_input = affine::<T, 4, H>(w.w_ih, w.b_ih, x_t);
    let from_hidden = affine::<T, 4, H>(w.w_hh, w.b_hh, h_prev);
    let gates: [[T; H]; 4] = core::array::from_fn(|k| {
        core::array::from_fn(|r| {
            let z = from_input[k][r] + from_hidden[k][r];
            if k == G_CELL {
                math::tanh(z)
            } else {
                math::sigmoid(z)
            }
        })
    });
    let cell: [T; H] = core::array::from_fn(|r| {
        gates[F_GATE][r] * c_prev[r] + gates[I_GATE][r] * gates[G_CELL][r]
    });
    let hidden = core::array::from_fn(|r| gates[O_GATE][r] * math::tanh(cell[r]));
    Step {
        gates,
        cell,
        hidden,
    }
}

/// Inference: the cell over every sample's `S` steps from `h_0 = c_0 = 0`,
/// `h_S` (or every `h_t`, with `SEQUENCE`) into `y`.
pub fn forward<
    T: Float,
    const I: usize,
    const H: usize,
    const S: usize,
    const SEQUENCE: bool,
    const IN: usize,
    const OUT: usize,
    const B: usize,
>(
    w: &Weights<'_, T>,
    x: &SMatrix<T, IN, B>,
    y: &mut SMatrix<T, OUT, B>,
) {
    let zero = [T::zero(); H];
    let step = |x_t: &[T], (h, c): &([T; H], [T; H]), _| {
        let step = cell(w, x_t, h, c);
        (step.hidden, step.cell)
    };
    unroll::<T, _, I, H, S, SEQUENCE, IN, OUT, B>(x, y, (zero, zero), step, |(h, _)| h);
}

/// The training forward: every step's gates, cell and hidden state into
/// `cache`.
pub fn forward_train<
    T: Float,
    const I: usize,
    const H: usize,
    const S: usize,
    const IN: usize,
    const B: usize,
>(
    w: &Weights<'_, T>,
    x: &SMatrix<T, IN, B>,
    cache: &mut LstmCache<T, H, S, B>,
) {
    let zero = [T::zero(); H];
    for b in 0..B {
        let x = column(x, b);
        for t in 0..S {
            let h_prev = previous(&cache.hidden, &zero, t, b);
            let c_prev = previous(&cache.cell, &zero, t, b);
            let step = cell(w, at_step::<T, I>(x, t), h_prev, c_prev);
            gated::scatter(&step.gates, &mut cache.gates[t], b);
            column_mut(&mut cache.cell[t], b).copy_from_slice(&step.cell);
            column_mut(&mut cache.hidden[t], b).copy_from_slice(&step.hidden);
        }
    }
}

/// The gate-activation slopes `a'` and their derivatives `da'/da`.
#[inline]
fn slopes<T: Float, const H: usize>(gates: &[[T; H]; 4]) -> [[(T, T); H]; 4] {
    core::array::from_fn(|k| core::array::from_fn(|r| slope(gates[k][r], k == G_CELL)))
}

/// Backpropagation through time, recording `dL/dh_t` and `dL/dc_t`.
pub fn backward<
    T: Float,
    const I: usize,
    const H: usize,
    const S: usize,
    const SEQUENCE: bool,
    const IN: usize,
    const OUT: usize,
    const B: usize,
>(
    w: &Weights<'_, T>,
    x: &SMatrix<T, IN, B>,
    cache: &mut LstmCache<T, H, S, B>,
    dy: &SMatrix<T, OUT, B>,
    mut dx: Option<&mut SMatrix<T, IN, B>>,
    grad: &mut [T],
) {
    grad.fill(T::zero());
    let (g_ih, g_hh, g_bih, g_bhh) = gated::split_mut::<T, 4, I, H>(grad);
    let zero = [T::zero(); H];
    for b in 0..B {
        let x = column(x, b);
        // W_hh^T dz_{t+1} and f_{t+1} dc_{t+1}: what step t + 1 sends back.
        let (mut dh_later, mut dc_later) = ([T::zero(); H], [T::zero(); H]);
        for t in (0..S).rev() {
            let gates = gather(&cache.gates[t], b);
            let c = column(&cache.cell[t], b);
            let c_prev = previous(&cache.cell, &zero, t, b);
            let h_prev = previous(&cache.hidden, &zero, t, b);
            let mut dh = dh_later;
            add_upstream::<T, H, S, SEQUENCE, OUT, B>(dy, b, t, &mut dh);
            let tanh_c: [T; H] = core::array::from_fn(|r| math::tanh(c[r]));
            let dc: [T; H] = core::array::from_fn(|r| {
                dc_later[r] + dh[r] * gates[O_GATE][r] * (T::one() - tanh_c[r] * tanh_c[r])
            });
            column_mut(&mut cache.hidden_grad[t], b).copy_from_slice(&dh);
            column_mut(&mut cache.cell_grad[t], b).copy_from_slice(&dc);
            let factor: [[T; H]; 4] = [
                core::array::from_fn(|r| dc[r] * gates[G_CELL][r]),
                core::array::from_fn(|r| dc[r] * c_prev[r]),
                core::array::from_fn(|r| dc[r] * gates[I_GATE][r]),
                core::array::from_fn(|r| dh[r] * tanh_c[r]),
            ];
            let slopes = slopes(&gates);
            let dz: [[T; H]; 4] =
                core::array::from_fn(|k| core::array::from_fn(|r| factor[k][r] * slopes[k][r].0));
            let x_t = at_step::<T, I>(x, t);
            accumulate(
                (&mut *g_ih, &mut *g_hh, &mut *g_bih, &mut *g_bhh),
                (&dz, &dz),
                x_t,
                h_prev,
            );
            if let Some(dx) = dx.as_deref_mut() {
                gated::transposed_product(w.w_ih, &dz, at_step_mut::<T, I>(column_mut(dx, b), t));
            }
            gated::transposed_product(w.w_hh, &dz, &mut dh_later);
            dc_later = core::array::from_fn(|r| dc[r] * gates[F_GATE][r]);
        }
    }
}

/// The R-operator on the training forward: the tangents of the gates, cell
/// and hidden states, written into `r_cache`, whose recorded gradients
/// (`hidden_grad`, `cell_grad`) are zeroed.
pub fn r_forward<
    T: Float,
    const I: usize,
    const H: usize,
    const S: usize,
    const IN: usize,
    const B: usize,
>(
    w: &Weights<'_, T>,
    dir: &Weights<'_, T>,
    x: &SMatrix<T, IN, B>,
    cache: &LstmCache<T, H, S, B>,
    rx: &SMatrix<T, IN, B>,
    r_cache: &mut LstmCache<T, H, S, B>,
) {
    let zero = [T::zero(); H];
    for b in 0..B {
        let (x, rx) = (column(x, b), column(rx, b));
        for t in 0..S {
            let gates = gather(&cache.gates[t], b);
            let c = column(&cache.cell[t], b);
            let (c_prev, h_prev) = (
                previous(&cache.cell, &zero, t, b),
                previous(&cache.hidden, &zero, t, b),
            );
            let (rc_prev, rh_prev) = (
                previous(&r_cache.cell, &zero, t, b),
                previous(&r_cache.hidden, &zero, t, b),
            );
            let from_input = affine_tangent::<T, 4, H>(
                (w.w_ih, dir.w_ih, dir.b_ih),
                at_step::<T, I>(x, t),
                at_step::<T, I>(rx, t),
            );
            let from_hidden =
                affine_tangent::<T, 4, H>((w.w_hh, dir.w_hh, dir.b_hh), h_prev, rh_prev);
            let r_gates: [[T; H]; 4] = core::array::from_fn(|k| {
                core::array::from_fn(|r| {
                    slope(gates[k][r], k == G_CELL).0 * (from_input[k][r] + from_hidden[k][r])
                })
            });
            let rc: [T; H] = core::array::from_fn(|r| {
                r_gates[F_GATE][r] * c_prev[r]
                    + gates[F_GATE][r] * rc_prev[r]
                    + r_gates[I_GATE][r] * gates[G_CELL][r]
                    + gates[I_GATE][r] * r_gates[G_CELL][r]
            });
            let rh: [T; H] = core::array::from_fn(|r| {
                let tanh_c = math::tanh(c[r]);
                r_gates[O_GATE][r] * tanh_c
                    + gates[O_GATE][r] * (T::one() - tanh_c * tanh_c) * rc[r]
            });
            gated::scatter(&r_gates, &mut r_cache.gates[t], b);
            column_mut(&mut r_cache.cell[t], b).copy_from_slice(&rc);
            column_mut(&mut r_cache.hidden[t], b).copy_from_slice(&rh);
        }
    }
    r_cache.hidden_grad = Zeroed::zeroed();
    r_cache.cell_grad = Zeroed::zeroed();
}

/// The R-operator on backward: `R{dL/dparams}` and `R{dx}`. The backward
/// recursion is rerun alongside, so this does not depend on backward.
#[allow(clippy::too_many_lines)]
pub fn r_backward<
    T: Float,
    const I: usize,
    const H: usize,
    const S: usize,
    const SEQUENCE: bool,
    const IN: usize,
    const OUT: usize,
    const B: usize,
>(
    w: &Weights<'_, T>,
    dir: &Weights<'_, T>,
    (x, rx): (&SMatrix<T, IN, B>, &SMatrix<T, IN, B>),
    (cache, r_cache): (&LstmCache<T, H, S, B>, &LstmCache<T, H, S, B>),
    (dy, rdy): (&SMatrix<T, OUT, B>, &SMatrix<T, OUT, B>),
    mut rdx: Option<&mut SMatrix<T, IN, B>>,
    r_grad: &mut [T],
) {
    r_grad.fill(T::zero());
    let (r_ih, r_hh, r_bih, r_bhh) = gated::split_mut::<T, 4, I, H>(r_grad);
    let zero = [T::zero(); H];
    let two = T::one() + T::one();
    for b in 0..B {
        let (x, rx) = (column(x, b), column(rx, b));
        let (mut dh_later, mut rdh_later) = ([T::zero(); H], [T::zero(); H]);
        let (mut dc_later, mut rdc_later) = ([T::zero(); H], [T::zero(); H]);
        for t in (0..S).rev() {
            let (gates, r_gates) = (gather(&cache.gates[t], b), gather(&r_cache.gates[t], b));
            let (c, rc) = (column(&cache.cell[t], b), column(&r_cache.cell[t], b));
            let (c_prev, rc_prev) = (
                previous(&cache.cell, &zero, t, b),
                previous(&r_cache.cell, &zero, t, b),
            );
            let (h_prev, rh_prev) = (
                previous(&cache.hidden, &zero, t, b),
                previous(&r_cache.hidden, &zero, t, b),
            );
            let (mut dh, mut rdh) = (dh_later, rdh_later);
            add_upstream::<T, H, S, SEQUENCE, OUT, B>(dy, b, t, &mut dh);
            add_upstream::<T, H, S, SEQUENCE, OUT, B>(rdy, b, t, &mut rdh);
            let (mut dc, mut rdc) = ([T::zero(); H], [T::zero(); H]);
            // (dL/d a_k, its tangent) for the four gates' values a_k.
            let mut factor = [[(T::zero(), T::zero()); H]; 4];
            for r in 0..H {
                let (i, f, g, o) = (
                    gates[I_GATE][r],
                    gates[F_GATE][r],
                    gates[G_CELL][r],
                    gates[O_GATE][r],
                );
                let (ri, rf, rg, ro) = (
                    r_gates[I_GATE][r],
                    r_gates[F_GATE][r],
                    r_gates[G_CELL][r],
                    r_gates[O_GATE][r],
                );
                let tanh_c = math::tanh(c[r]);
                let s = T::one() - tanh_c * tanh_c;
                let r_tanh_c = s * rc[r];
                let r_s = -two * tanh_c * r_tanh_c;
                dc[r] = dc_later[r] + dh[r] * o * s;
                rdc[r] = rdc_later[r] + rdh[r] * o * s + dh[r] * ro * s + dh[r] * o * r_s;
                factor[I_GATE][r] = (dc[r] * g, rdc[r] * g + dc[r] * rg);
                factor[F_GATE][r] = (dc[r] * c_prev[r], rdc[r] * c_prev[r] + dc[r] * rc_prev[r]);
                factor[G_CELL][r] = (dc[r] * i, rdc[r] * i + dc[r] * ri);
                factor[O_GATE][r] = (dh[r] * tanh_c, rdh[r] * tanh_c + dh[r] * r_tanh_c);
                dc_later[r] = dc[r] * f;
                rdc_later[r] = rdc[r] * f + dc[r] * rf;
            }
            let slopes = slopes(&gates);
            let dz: [[T; H]; 4] =
                core::array::from_fn(|k| core::array::from_fn(|r| factor[k][r].0 * slopes[k][r].0));
            let rdz: [[T; H]; 4] = core::array::from_fn(|k| {
                core::array::from_fn(|r| {
                    let (slope, curvature) = slopes[k][r];
                    factor[k][r].1 * slope + factor[k][r].0 * curvature * r_gates[k][r]
                })
            });
            accumulate(
                (&mut *r_ih, &mut *r_hh, &mut *r_bih, &mut *r_bhh),
                (&rdz, &rdz),
                at_step::<T, I>(x, t),
                h_prev,
            );
            let dz_flat = dz.as_flattened();
            accumulate_outer(dz_flat, at_step::<T, I>(rx, t), r_ih);
            accumulate_outer(dz_flat, rh_prev, r_hh);
            if let Some(rdx) = rdx.as_deref_mut() {
                let rdx_t = at_step_mut::<T, I>(column_mut(rdx, b), t);
                gated::transposed_product(w.w_ih, &rdz, rdx_t);
                add_transposed_product(dir.w_ih, dz_flat, rdx_t);
            }
            gated::transposed_product(w.w_hh, &dz, &mut dh_later);
            gated::transposed_product(w.w_hh, &rdz, &mut rdh_later);
            add_transposed_product(dir.w_hh, dz_flat, &mut rdh_later);
        }
    }
}
