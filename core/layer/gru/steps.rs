//! The per-sample recursions of the GRU: one step of the cell, backward
//! through time, and the R-operator of both (the formulas are in the
//! [layer's documentation](super)). Gate blocks are `[[T; H]; 3]` in
//! PyTorch's order `(r, z, n)`; the cache adds the recurrent candidate term
//! `u_n = W_hn h_{t-1} + b_hn` as a fourth block.

use nalgebra::SMatrix;

use super::GruCache;
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

const R: usize = 0;
const Z: usize = 1;
const N: usize = 2;
/// The recurrent candidate term's block in the cache.
const U_N: usize = 3;

/// One step's gates `(r, z, n, u_n)` and hidden state.
pub struct Step<T, const H: usize> {
    pub gates: [[T; H]; 4],
    pub hidden: [T; H],
}

/// One step of the cell from `h_{t-1}`.
#[inline]
pub fn cell<T: Float, const H: usize>(w: &Weights<'_, T>, x_t: &[T], h_prev: &[T]) -> Step<T, H> {
    let a = affine::<T, 3, H>(w.w_ih, w.b_ih, x_t);
    let u = affine::<T, 3, H>(w.w_hh, w.b_hh, h_prev);
    let r: [T; H] = core::array::from_fn(|k| math::sigmoid(a[R][k] + u[R][k]));
    let z: [T; H] = core::array::from_fn(|k| math::sigmoid(a[Z][k] + u[Z][k]));
    let n: [T; H] = core::array::from_fn(|k| math::tanh(a[N][k] + r[k] * u[N][k]));
    let hidden = core::array::from_fn(|k| (T::one() - z[k]) * n[k] + z[k] * h_prev[k]);
    Step {
        gates: [r, z, n, u[N]],
        hidden,
    }
}

/// Inference: the cell over every sample's `S` steps from `h_0 = 0`, `h_S`
/// (or every `h_t`, with `SEQUENCE`) into `y`.
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
    let step = |x_t: &[T], h: &[T; H], _| cell(w, x_t, h).hidden;
    unroll::<T, [T; H], I, H, S, SEQUENCE, IN, OUT, B>(x, y, [T::zero(); H], step, |h| h);
}

/// The training forward: every step's gates, recurrent candidate term and
/// hidden state into `cache`.
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
    cache: &mut GruCache<T, H, S, B>,
) {
    let zero = [T::zero(); H];
    for b in 0..B {
        let x = column(x, b);
        for t in 0..S {
            let h_prev = previous(&cache.hidden, &zero, t, b);
            let step = cell(w, at_step::<T, I>(x, t), h_prev);
            gated::scatter(&step.gates, &mut cache.gates[t], b);
            column_mut(&mut cache.hidden[t], b).copy_from_slice(&step.hidden);
        }
    }
}

/// The gradients of one step's affine maps: `(da, du)` from `dh_t`.
#[inline]
fn step_gradients<T: Float, const H: usize>(
    gates: &[[T; H]; 4],
    h_prev: &[T],
    dh: &[T; H],
) -> ([[T; H]; 3], [[T; H]; 3]) {
    let (mut da, mut du) = ([[T::zero(); H]; 3], [[T::zero(); H]; 3]);
    for k in 0..H {
        let (r, z, n, u_n) = (gates[R][k], gates[Z][k], gates[N][k], gates[U_N][k]);
        let da_n = dh[k] * (T::one() - z) * slope(n, true).0;
        da[N][k] = da_n;
        du[N][k] = da_n * r;
        da[R][k] = da_n * u_n * slope(r, false).0;
        da[Z][k] = dh[k] * (h_prev[k] - n) * slope(z, false).0;
        du[R][k] = da[R][k];
        du[Z][k] = da[Z][k];
    }
    (da, du)
}

/// Backpropagation through time, recording `dL/dh_t`.
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
    cache: &mut GruCache<T, H, S, B>,
    dy: &SMatrix<T, OUT, B>,
    mut dx: Option<&mut SMatrix<T, IN, B>>,
    grad: &mut [T],
) {
    grad.fill(T::zero());
    let (g_ih, g_hh, g_bih, g_bhh) = gated::split_mut::<T, 3, I, H>(grad);
    let zero = [T::zero(); H];
    for b in 0..B {
        let x = column(x, b);
        // z_{t+1} dh_{t+1} + W_hh^T du_{t+1}: what step t + 1 sends back.
        let mut dh_later = [T::zero(); H];
        for t in (0..S).rev() {
            let gates = gather(&cache.gates[t], b);
            let h_prev = previous(&cache.hidden, &zero, t, b);
            let mut dh = dh_later;
            add_upstream::<T, H, S, SEQUENCE, OUT, B>(dy, b, t, &mut dh);
            column_mut(&mut cache.hidden_grad[t], b).copy_from_slice(&dh);
            let (da, du) = step_gradients(&gates, h_prev, &dh);
            let x_t = at_step::<T, I>(x, t);
            accumulate(
                (&mut *g_ih, &mut *g_hh, &mut *g_bih, &mut *g_bhh),
                (&da, &du),
                x_t,
                h_prev,
            );
            if let Some(dx) = dx.as_deref_mut() {
                gated::transposed_product(w.w_ih, &da, at_step_mut::<T, I>(column_mut(dx, b), t));
            }
            gated::transposed_product(w.w_hh, &du, &mut dh_later);
            for k in 0..H {
                dh_later[k] += dh[k] * gates[Z][k];
            }
        }
    }
}

/// The R-operator on the training forward: the tangents of the gates, the
/// recurrent candidate term and the hidden states, written into `r_cache`,
/// whose recorded `hidden_grad` is zeroed.
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
    cache: &GruCache<T, H, S, B>,
    rx: &SMatrix<T, IN, B>,
    r_cache: &mut GruCache<T, H, S, B>,
) {
    let zero = [T::zero(); H];
    for b in 0..B {
        let (x, rx) = (column(x, b), column(rx, b));
        for t in 0..S {
            let gates = gather(&cache.gates[t], b);
            let h_prev = previous(&cache.hidden, &zero, t, b);
            let rh_prev = previous(&r_cache.hidden, &zero, t, b);
            let ra = affine_tangent::<T, 3, H>(
                (w.w_ih, dir.w_ih, dir.b_ih),
                at_step::<T, I>(x, t),
                at_step::<T, I>(rx, t),
            );
            let ru = affine_tangent::<T, 3, H>((w.w_hh, dir.w_hh, dir.b_hh), h_prev, rh_prev);
            let mut tangent = [[T::zero(); H]; 4];
            let mut rh = [T::zero(); H];
            for k in 0..H {
                let (r, z, n, u_n) = (gates[R][k], gates[Z][k], gates[N][k], gates[U_N][k]);
                let rr = slope(r, false).0 * (ra[R][k] + ru[R][k]);
                let rz = slope(z, false).0 * (ra[Z][k] + ru[Z][k]);
                let rn = slope(n, true).0 * (ra[N][k] + rr * u_n + r * ru[N][k]);
                tangent[R][k] = rr;
                tangent[Z][k] = rz;
                tangent[N][k] = rn;
                tangent[U_N][k] = ru[N][k];
                rh[k] = (T::one() - z) * rn - rz * n + rz * h_prev[k] + z * rh_prev[k];
            }
            gated::scatter(&tangent, &mut r_cache.gates[t], b);
            column_mut(&mut r_cache.hidden[t], b).copy_from_slice(&rh);
        }
    }
    r_cache.hidden_grad = Zeroed::zeroed();
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
    (cache, r_cache): (&GruCache<T, H, S, B>, &GruCache<T, H, S, B>),
    (dy, rdy): (&SMatrix<T, OUT, B>, &SMatrix<T, OUT, B>),
    mut rdx: Option<&mut SMatrix<T, IN, B>>,
    r_grad: &mut [T],
) {
    r_grad.fill(T::zero());
    let (r_ih, r_hh, r_bih, r_bhh) = gated::split_mut::<T, 3, I, H>(r_grad);
    let zero = [T::zero(); H];
    for b in 0..B {
        let (x, rx) = (column(x, b), column(rx, b));
        let (mut dh_later, mut rdh_later) = ([T::zero(); H], [T::zero(); H]);
        for t in (0..S).rev() {
            let (gates, tangent) = (gather(&cache.gates[t], b), gather(&r_cache.gates[t], b));
            let h_prev = previous(&cache.hidden, &zero, t, b);
            let rh_prev = previous(&r_cache.hidden, &zero, t, b);
            let (mut dh, mut rdh) = (dh_later, rdh_later);
            add_upstream::<T, H, S, SEQUENCE, OUT, B>(dy, b, t, &mut dh);
            add_upstream::<T, H, S, SEQUENCE, OUT, B>(rdy, b, t, &mut rdh);
            let (da, du) = step_gradients(&gates, h_prev, &dh);
            let (mut rda, mut rdu) = ([[T::zero(); H]; 3], [[T::zero(); H]; 3]);
            for k in 0..H {
                let (r, z, n, u_n) = (gates[R][k], gates[Z][k], gates[N][k], gates[U_N][k]);
                let (rr, rz, rn, ru_n) =
                    (tangent[R][k], tangent[Z][k], tangent[N][k], tangent[U_N][k]);
                let (s_n, c_n) = slope(n, true);
                let (s_r, c_r) = slope(r, false);
                let (s_z, c_z) = slope(z, false);
                let dn = dh[k] * (T::one() - z);
                let rdn = rdh[k] * (T::one() - z) - dh[k] * rz;
                let rda_n = rdn * s_n + dn * c_n * rn;
                let da_n = da[N][k];
                rda[N][k] = rda_n;
                rdu[N][k] = rda_n * r + da_n * rr;
                let dr = da_n * u_n;
                let rdr = rda_n * u_n + da_n * ru_n;
                rda[R][k] = rdr * s_r + dr * c_r * rr;
                let dz = dh[k] * (h_prev[k] - n);
                let rdz = rdh[k] * (h_prev[k] - n) + dh[k] * (rh_prev[k] - rn);
                rda[Z][k] = rdz * s_z + dz * c_z * rz;
                rdu[R][k] = rda[R][k];
                rdu[Z][k] = rda[Z][k];
            }
            accumulate(
                (&mut *r_ih, &mut *r_hh, &mut *r_bih, &mut *r_bhh),
                (&rda, &rdu),
                at_step::<T, I>(x, t),
                h_prev,
            );
            accumulate_outer(da.as_flattened(), at_step::<T, I>(rx, t), r_ih);
            accumulate_outer(du.as_flattened(), rh_prev, r_hh);
            if let Some(rdx) = rdx.as_deref_mut() {
                let rdx_t = at_step_mut::<T, I>(column_mut(rdx, b), t);
                gated::transposed_product(w.w_ih, &rda, rdx_t);
                add_transposed_product(dir.w_ih, da.as_flattened(), rdx_t);
            }
            gated::transposed_product(w.w_hh, &du, &mut dh_later);
            gated::transposed_product(w.w_hh, &rdu, &mut rdh_later);
            add_transposed_product(dir.w_hh, du.as_flattened(), &mut rdh_later);
            for k in 0..H {
                dh_later[k] += dh[k] * gates[Z][k];
                rdh_later[k] += rdh[k] * gates[Z][k] + dh[k] * tangent[Z][k];
            }
        }
    }
}
