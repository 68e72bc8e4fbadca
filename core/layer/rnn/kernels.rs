//! The small dense kernels of the recurrent layers, on one sample at a
//! time: one step of the Elman cell and its tangent, `W^T d` and `d x^T`,
//! and what `Rnn`, `Lstm` and `Gru` share about the time-major layout: the
//! slice of step `t`, the upstream gradient of each hidden state, the
//! inference loop over the steps, and the mapping between hidden states
//! and the layer's output (the last state, or all of them with `SEQUENCE`).
//!
//! Weights are row-major slices (`rows x cols`, PyTorch's layout); sizes
//! come from the slices, which the layer cuts at constant lengths, so the
//! loops are fully known to the compiler.

use nalgebra::SMatrix;

use crate::math;
use crate::scalar::Float;

/// Column `b` (sample `b`) of a batch matrix, as a contiguous slice.
#[inline]
pub fn column<T: Float, const R: usize, const C: usize>(m: &SMatrix<T, R, C>, b: usize) -> &[T] {
    &m.as_slice()[b * R..(b + 1) * R]
}

/// Column `b` (sample `b`) of a batch matrix, writable.
#[inline]
pub fn column_mut<T: Float, const R: usize, const C: usize>(
    m: &mut SMatrix<T, R, C>,
    b: usize,
) -> &mut [T] {
    &mut m.as_mut_slice()[b * R..(b + 1) * R]
}

/// `sum_c w[r][c] x[c]` for row `r` of a row-major matrix with `x.len()`
/// columns.
#[inline]
pub fn row_dot<T: Float>(w: &[T], r: usize, x: &[T]) -> T {
    let cols = x.len();
    w[r * cols..(r + 1) * cols]
        .iter()
        .zip(x)
        .fold(T::zero(), |acc, (&w, &x)| acc + w * x)
}

/// One step of the cell: `h = tanh(W_ih x_t + W_hh h_prev + b)`, with no
/// recurrent term at the first step (`h_0 = 0`).
#[inline]
pub fn tanh_step<T: Float>(
    w_ih: &[T],
    w_hh: &[T],
    bias: &[T],
    x_t: &[T],
    h_prev: Option<&[T]>,
    h: &mut [T],
) {
    for (r, out) in h.iter_mut().enumerate() {
        let mut a = bias[r] + row_dot(w_ih, r, x_t);
        if let Some(h_prev) = h_prev {
            a += row_dot(w_hh, r, h_prev);
        }
        *out = math::tanh(a);
    }
}

/// The tangent of one step along the direction `(V_ih, V_hh, v_b)` and the
/// input tangent `R{x_t}`: `R{h_t} = (1 - h_t^2) (V_ih x_t + W_ih R{x_t} +
/// V_hh h_{t-1} + W_hh R{h_{t-1}} + v_b)`. `previous` is
/// `(h_{t-1}, R{h_{t-1}})`, absent at the first step.
#[inline]
pub fn tanh_tangent<T: Float>(
    (w_ih, w_hh, _bias): (&[T], &[T], &[T]),
    (v_ih, v_hh, v_b): (&[T], &[T], &[T]),
    (x_t, rx_t): (&[T], &[T]),
    previous: Option<(&[T], &[T])>,
    h: &[T],
    rh: &mut [T],
) {
    for (r, out) in rh.iter_mut().enumerate() {
        let mut ra = v_b[r] + row_dot(v_ih, r, x_t) + row_dot(w_ih, r, rx_t);
        if let Some((h_prev, rh_prev)) = previous {
            ra += row_dot(v_hh, r, h_prev) + row_dot(w_hh, r, rh_prev);
        }
        *out = (T::one() - h[r] * h[r]) * ra;
    }
}

/// `out += W^T d` for a row-major `d.len() x out.len()` matrix `W`.
#[inline]
pub fn add_transposed_product<T: Float>(w: &[T], d: &[T], out: &mut [T]) {
    let cols = out.len();
    for (r, &dr) in d.iter().enumerate() {
        for (o, &w) in out.iter_mut().zip(&w[r * cols..(r + 1) * cols]) {
            *o += w * dr;
        }
    }
}

/// `dw += d x^T` for a row-major `d.len() x x.len()` matrix `dw`.
#[inline]
pub fn accumulate_outer<T: Float>(d: &[T], x: &[T], dw: &mut [T]) {
    let cols = x.len();
    for (r, &dr) in d.iter().enumerate() {
        for (g, &x) in dw[r * cols..(r + 1) * cols].iter_mut().zip(x) {
            *g += dr * x;
        }
    }
}

/// Step `t` (0-based) of a time-major column: `x[t W..(t + 1) W]`, the
/// `W` features of that step.
#[inline]
pub fn at_step<T, const W: usize>(x: &[T], t: usize) -> &[T] {
    &x[t * W..(t + 1) * W]
}

/// [`at_step`], writable.
#[inline]
pub fn at_step_mut<T, const W: usize>(x: &mut [T], t: usize) -> &mut [T] {
    &mut x[t * W..(t + 1) * W]
}

/// Adds the [`upstream`] gradient of `h_{t+1}` for sample `b`, if any, to
/// `g`.
#[inline]
pub fn add_upstream<
    T: Float,
    const H: usize,
    const S: usize,
    const SEQUENCE: bool,
    const OUT: usize,
    const B: usize,
>(
    dy: &SMatrix<T, OUT, B>,
    b: usize,
    t: usize,
    g: &mut [T],
) {
    if let Some(up) = upstream::<T, H, S, SEQUENCE, OUT, B>(dy, b, t) {
        for (g, &u) in g.iter_mut().zip(up) {
            *g += u;
        }
    }
}

/// Inference over the `S` steps of every sample: `step(x_t, state, t)`
/// gives the state after step `t` (0-based) from the one before it
/// (`start` before the first), and `hidden(state)` its hidden state
/// `h_t`, written into the output at every step with `SEQUENCE`, else
/// once after the last.
#[inline]
pub fn unroll<
    T: Float,
    State: Copy,
    const I: usize,
    const H: usize,
    const S: usize,
    const SEQUENCE: bool,
    const IN: usize,
    const OUT: usize,
    const B: usize,
>(
    x: &SMatrix<T, IN, B>,
    y: &mut SMatrix<T, OUT, B>,
    start: State,
    mut step: impl FnMut(&[T], &State, usize) -> State,
    hidden: impl Fn(&State) -> &[T; H],
) {
    for b in 0..B {
        let x = column(x, b);
        let out = column_mut(y, b);
        let mut state = start;
        for t in 0..S {
            state = step(at_step::<T, I>(x, t), &state, t);
            if SEQUENCE {
                at_step_mut::<T, H>(out, t).copy_from_slice(hidden(&state));
            }
        }
        if !SEQUENCE {
            out[..H].copy_from_slice(hidden(&state));
        }
    }
}

/// The upstream gradient of `h_{t+1}` (0-based `t`) for sample `b`: its
/// slice of `dy` with `SEQUENCE`, `dy` itself at the last step, none
/// otherwise.
#[inline]
pub fn upstream<
    T: Float,
    const H: usize,
    const S: usize,
    const SEQUENCE: bool,
    const OUT: usize,
    const B: usize,
>(
    dy: &SMatrix<T, OUT, B>,
    b: usize,
    t: usize,
) -> Option<&[T]> {
    let dy = column(dy, b);
    if SEQUENCE {
        Some(&dy[t * H..(t + 1) * H])
    } else if t + 1 == S {
        Some(&dy[..H])
    } else {
        None
    }
}

/// Copies the hidden states into the output: all of them (time-major) with
/// `SEQUENCE`, else the last.
#[inline]
pub fn emit<
    T: Float,
    const H: usize,
    const S: usize,
    const SEQUENCE: bool,
    const OUT: usize,
    const B: usize,
>(
    hidden: &[SMatrix<T, H, B>; S],
    y: &mut SMatrix<T, OUT, B>,
) {
    for b in 0..B {
        let out = column_mut(y, b);
        if SEQUENCE {
            for (t, h) in hidden.iter().enumerate() {
                out[t * H..(t + 1) * H].copy_from_slice(column(h, b));
            }
        } else {
            out[..H].copy_from_slice(column(&hidden[S - 1], b));
        }
    }
}
