//! The softmax layer: `y_i = exp(x_i - max x) / sum_j exp(x_j - max x)`
//! over the features of each sample, with its backward and R-operator, and
//! the per-sample kernels the cross-entropy loss shares.
//!
//! Its Jacobian `diag(y) - y y^T` is symmetric, so one Jacobian-vector
//! product serves backward (`dx = y (dy - <dy, y>)`) and the R-forward
//! (`R{y} = y (R{x} - <R{x}, y>)`); the R-backward differentiates the former.

use nalgebra::SMatrix;

use super::{Layer, LayerConfig, LayerShape, Properties, TensorShape, TrainContext};
use crate::math;
use crate::rng::Rng;
use crate::scalar::Float;

/// Softmax over the features of each sample:
/// `y_i = exp(x_i - max x) / sum_j exp(x_j - max x)`.
///
/// For training a classifier prefer logits with
/// [`CrossEntropy`](crate::loss::CrossEntropy), which fuses softmax and log
/// stably; this layer is for networks whose output must be probabilities.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Softmax;

/// Softmax of one sample's features `x` into `y`, shifted by the maximum so
/// no exponential overflows. Returns the log-sum-exp `ln sum_j exp(x_j)`,
/// which the cross-entropy needs, at no extra exponential.
#[inline]
pub fn softmax_column<T: Float>(x: &[T], y: &mut [T]) -> T {
    let mut max = x[0];
    for &v in &x[1..] {
        if v > max {
            max = v;
        }
    }
    let mut sum = T::zero();
    for (y, &x) in y.iter_mut().zip(x) {
        *y = math::exp(x - max);
        sum += *y;
    }
    let inv = T::one() / sum;
    for y in y.iter_mut() {
        *y *= inv;
    }
    max + math::ln(sum)
}

#[inline]
fn dot<T: Float>(a: &[T], b: &[T]) -> T {
    let mut s = T::zero();
    for (&a, &b) in a.iter().zip(b) {
        s += a * b;
    }
    s
}

/// Softmax's Jacobian-vector product for one sample: `out = y * (v - <v, y>)`.
/// The Jacobian `diag(y) - y y^T` is symmetric, so this serves both backward
/// (v = dy) and the R-forward (v = R{x}).
#[inline]
pub fn softmax_jvp_column<T: Float>(y: &[T], v: &[T], out: &mut [T]) {
    let s = dot(v, y);
    for ((out, &y), &v) in out.iter_mut().zip(y).zip(v) {
        *out = y * (v - s);
    }
}

/// [`softmax_jvp_column`] for every sample of a batch: `dx` from `dy` in
/// backward, `R{y}` from `R{x}` in the R-forward.
#[inline]
fn jvp<T: Float, const N: usize, const B: usize>(
    y: &SMatrix<T, N, B>,
    v: &SMatrix<T, N, B>,
    out: &mut SMatrix<T, N, B>,
) {
    let columns = y
        .as_slice()
        .chunks_exact(N)
        .zip(v.as_slice().chunks_exact(N))
        .zip(out.as_mut_slice().chunks_exact_mut(N));
    for ((y, v), out) in columns {
        softmax_jvp_column(y, v, out);
    }
}

impl LayerConfig for Softmax {
    const NAME: &'static str = "Softmax";
    const DEFAULT: Self = Self;
    const INPUT: Option<usize> = None;
    const PROPERTIES: Properties = Properties::NONE.permutes_features();
}

impl<const N: usize> LayerShape<N> for Softmax {
    const OUTPUT: usize = N;
    const TENSORS: &'static [TensorShape] = &[];
}

impl<T: Float, const N: usize> Layer<T, N, N> for Softmax {
    type Cache<const B: usize> = ();

    #[inline]
    fn init(&self, _params: &mut [T], _buffers: &mut [T], _rng: &mut Rng) {}

    #[inline]
    fn forward<const B: usize>(
        &self,
        _params: &[T],
        _buffers: &[T],
        x: &SMatrix<T, N, B>,
        y: &mut SMatrix<T, N, B>,
    ) {
        for (xc, yc) in x
            .as_slice()
            .chunks_exact(N)
            .zip(y.as_mut_slice().chunks_exact_mut(N))
        {
            softmax_column(xc, yc);
        }
    }

    #[inline]
    fn forward_train<const B: usize>(
        &self,
        params: &[T],
        buffers: &[T],
        x: &SMatrix<T, N, B>,
        y: &mut SMatrix<T, N, B>,
        _cache: &mut (),
        _context: &TrainContext,
    ) {
        <Self as Layer<T, N, N>>::forward(self, params, buffers, x, y);
    }

    #[inline]
    fn backward<const B: usize>(
        &self,
        _params: &[T],
        _x: &SMatrix<T, N, B>,
        y: &SMatrix<T, N, B>,
        _cache: &mut (),
        dy: &SMatrix<T, N, B>,
        dx: Option<&mut SMatrix<T, N, B>>,
        _grad: &mut [T],
    ) {
        if let Some(dx) = dx {
            jvp(y, dy, dx);
        }
    }

    #[inline]
    fn r_forward<const B: usize>(
        &self,
        _params: &[T],
        _v: &[T],
        _x: &SMatrix<T, N, B>,
        y: &SMatrix<T, N, B>,
        _cache: &(),
        rx: &SMatrix<T, N, B>,
        ry: &mut SMatrix<T, N, B>,
        _r_cache: &mut (),
    ) {
        jvp(y, rx, ry);
    }

    #[inline]
    fn r_backward<const B: usize>(
        &self,
        _params: &[T],
        _v: &[T],
        _x: &SMatrix<T, N, B>,
        y: &SMatrix<T, N, B>,
        _cache: &(),
        rx: &SMatrix<T, N, B>,
        _r_cache: &(),
        dy: &SMatrix<T, N, B>,
        rdy: &SMatrix<T, N, B>,
        rdx: Option<&mut SMatrix<T, N, B>>,
        _r_grad: &mut [T],
    ) {
        // dx = y (dy - s), s = <dy, y>; so
        // R{dx} = R{y} (dy - s) + y (R{dy} - R{s}), R{s} = <R{dy}, y> + <dy, R{y}>.
        let Some(rdx) = rdx else { return };
        let mut ry = [T::zero(); N];
        for b in 0..B {
            let span = b * N..(b + 1) * N;
            let yc = &y.as_slice()[span.clone()];
            let dyc = &dy.as_slice()[span.clone()];
            let rdyc = &rdy.as_slice()[span.clone()];
            softmax_jvp_column(yc, &rx.as_slice()[span.clone()], &mut ry);
            let s = dot(dyc, yc);
            let rs = dot(rdyc, yc) + dot(dyc, &ry);
            let out = &mut rdx.as_mut_slice()[span];
            for i in 0..N {
                out[i] = ry[i] * (dyc[i] - s) + yc[i] * (rdyc[i] - rs);
            }
        }
    }
}
