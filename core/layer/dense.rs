//! The fully connected layer `y = W x + b`.
//!
//! `W` is `O x I`, stored row-major exactly as PyTorch stores
//! `nn.Linear.weight`, followed by `b` (length `O`) in the flat parameter
//! vector. Forward, backward and the R-operator sit side by side:
//!
//! | quantity | formula |
//! |---|---|
//! | forward | `y = W x + b` |
//! | backward | `dx = W^T dy`, `dW = dy x^T`, `db = sum_batch dy` |
//! | R-forward | `R{y} = V x + W R{x} + v_b` |
//! | R-backward | `R{dx} = V^T dy + W^T R{dy}`, `R{dW} = R{dy} x^T + dy R{x}^T`, `R{db} = sum_batch R{dy}` |
//!
//! where `(V, v_b)` is the direction's share of the weight and bias. The
//! same formulas for a block of directions at once, as matrix products,
//! are in `dense_block.rs`.
//!
//! Kernels: the batch is transposed once so the innermost loop of the
//! forward is an `axpy` over the batch (contiguous, vectorizable, no float
//! reassociation); backward loops are `axpy`s over rows of `W` and columns
//! of `x`. All sizes are const generics, so loops are fully known to the
//! compiler.

use nalgebra::SMatrix;

use super::{BlockContext, Directions, GradRows, Layer, LayerKind, LayerShape, TensorShape};
use crate::init::{Fans, Init};
use crate::rng::Rng;
use crate::scalar::Float;

/// A fully connected layer with `I` inputs and `O` outputs: `y = W x + b`.
///
/// Parameters: `weight` (`O x I`, row-major) then `bias` (`O`): `O * (I + 1)`
/// values. Default initialization: PyTorch's `nn.Linear`, both weight and
/// bias uniform in `[-1/sqrt(I), 1/sqrt(I)]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dense<const I: usize, const O: usize> {
    /// How the weight is initialized. Default: [`Init::TorchDefault`].
    pub weight_init: Init,
    /// How the bias is initialized. Default: [`Init::TorchDefault`].
    pub bias_init: Init,
}

impl<const I: usize, const O: usize> Dense<I, O> {
    /// A dense layer with PyTorch's default initialization.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            weight_init: Init::TorchDefault,
            bias_init: Init::TorchDefault,
        }
    }

    /// The same layer with another weight initializer
    /// (`Dense<I, O>(weight_init = ...)` in a declaration).
    #[must_use]
    pub const fn weight_init(self, init: Init) -> Self {
        Self {
            weight_init: init,
            ..self
        }
    }

    /// The same layer with another bias initializer
    /// (`Dense<I, O>(bias_init = ...)` in a declaration).
    #[must_use]
    pub const fn bias_init(self, init: Init) -> Self {
        Self {
            bias_init: init,
            ..self
        }
    }
}

impl<const I: usize, const O: usize> Default for Dense<I, O> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const I: usize, const O: usize> LayerShape<I, O> for Dense<I, O> {
    const KIND: LayerKind = LayerKind::Dense;
    const PARAMS: usize = O * I + O;
    const BUFFERS: usize = 0;
    const TENSORS: &'static [TensorShape] = &[
        TensorShape::matrix("weight", O, I),
        TensorShape::vector("bias", O),
    ];
    const BUFFER_TENSORS: &'static [TensorShape] = &[];
}

/// `y = W x + b` for a batch, `W` row-major `O x I`.
#[inline]
pub fn forward<T: Float, const I: usize, const O: usize, const B: usize>(
    w: &[T],
    bias: &[T],
    x: &SMatrix<T, I, B>,
    y: &mut SMatrix<T, O, B>,
) {
    let w = &w[..O * I];
    let bias = &bias[..O];
    if B == 1 {
        // One sample: rows of W against x, with independent partial sums so
        // the loop vectorizes without reordering a single sum.
        let x = x.as_slice();
        let y = y.as_mut_slice();
        for o in 0..O {
            y[o] = bias[o] + dot_lanes(&w[o * I..(o + 1) * I], x);
        }
        return;
    }
    // xt[i][b] = x[b][i]: the batch becomes contiguous for each feature.
    let mut xt = SMatrix::<T, B, I>::zeros();
    xt.tr_copy_from(x);
    let xt = xt.as_slice();
    let y = y.as_mut_slice();
    let mut acc = [T::zero(); B];
    for o in 0..O {
        acc.fill(bias[o]);
        let row = &w[o * I..(o + 1) * I];
        for i in 0..I {
            let wi = row[i];
            let column = &xt[i * B..(i + 1) * B];
            for b in 0..B {
                acc[b] += wi * column[b];
            }
        }
        for b in 0..B {
            y[b * O + o] = acc[b];
        }
    }
}

/// Dot product with eight independent partial sums (a fixed, documented
/// summation order that the compiler can vectorize).
#[inline]
fn dot_lanes<T: Float>(a: &[T], b: &[T]) -> T {
    const LANES: usize = 8;
    let mut lanes = [T::zero(); LANES];
    let (a_chunks, b_chunks) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (a_rest, b_rest) = (a_chunks.remainder(), b_chunks.remainder());
    for (ca, cb) in a_chunks.zip(b_chunks) {
        for ((lane, &x), &y) in lanes.iter_mut().zip(ca).zip(cb) {
            *lane += x * y;
        }
    }
    let mut sum = T::zero();
    for (&x, &y) in a_rest.iter().zip(b_rest) {
        sum += x * y;
    }
    for lane in lanes {
        sum += lane;
    }
    sum
}

/// `dx = W^T dy` for a batch.
#[inline]
pub fn backward_input<T: Float, const I: usize, const O: usize, const B: usize>(
    w: &[T],
    dy: &SMatrix<T, O, B>,
    dx: &mut SMatrix<T, I, B>,
) {
    let w = &w[..O * I];
    let dy = dy.as_slice();
    let dx = dx.as_mut_slice();
    for b in 0..B {
        let out = &mut dx[b * I..(b + 1) * I];
        out.fill(T::zero());
        for o in 0..O {
            let g = dy[b * O + o];
            let row = &w[o * I..(o + 1) * I];
            for i in 0..I {
                out[i] += g * row[i];
            }
        }
    }
}

/// `dW = dy x^T` (row-major `O x I`) and `db = sum_batch dy`, overwriting.
#[inline]
pub fn backward_params<T: Float, const I: usize, const O: usize, const B: usize>(
    x: &SMatrix<T, I, B>,
    dy: &SMatrix<T, O, B>,
    dw: &mut [T],
    db: &mut [T],
) {
    let dw = &mut dw[..O * I];
    let db = &mut db[..O];
    let x = x.as_slice();
    let dy = dy.as_slice();
    dw.fill(T::zero());
    db.fill(T::zero());
    for b in 0..B {
        let xb = &x[b * I..(b + 1) * I];
        let dyb = &dy[b * O..(b + 1) * O];
        for o in 0..O {
            let g = dyb[o];
            let row = &mut dw[o * I..(o + 1) * I];
            for i in 0..I {
                row[i] += g * xb[i];
            }
        }
        for o in 0..O {
            db[o] += dyb[o];
        }
    }
}

/// Adds `dy x^T` into `dw` and `sum_batch dy` into `db` (no overwrite).
#[inline]
fn accumulate_params<T: Float, const I: usize, const O: usize, const B: usize>(
    x: &SMatrix<T, I, B>,
    dy: &SMatrix<T, O, B>,
    dw: &mut [T],
    db: &mut [T],
) {
    let x = x.as_slice();
    let dy = dy.as_slice();
    for b in 0..B {
        let xb = &x[b * I..(b + 1) * I];
        let dyb = &dy[b * O..(b + 1) * O];
        for o in 0..O {
            let g = dyb[o];
            let row = &mut dw[o * I..(o + 1) * I];
            for i in 0..I {
                row[i] += g * xb[i];
            }
            db[o] += g;
        }
    }
}

impl<T: Float, const I: usize, const O: usize> Layer<T, I, O> for Dense<I, O> {
    type Cache<const B: usize> = ();

    fn init(&self, params: &mut [T], _buffers: &mut [T], rng: &mut Rng) {
        let (w, b) = params.split_at_mut(O * I);
        let fans = Fans::new(I, O);
        self.weight_init.fill_weight(w, O, I, fans, rng);
        self.bias_init.fill_bias(&mut b[..O], fans, rng);
    }

    #[inline]
    fn forward<const B: usize>(
        &self,
        params: &[T],
        _buffers: &[T],
        x: &SMatrix<T, I, B>,
        y: &mut SMatrix<T, O, B>,
    ) {
        let (w, b) = params.split_at(O * I);
        forward(w, b, x, y);
    }

    #[inline]
    fn forward_train<const B: usize>(
        &self,
        params: &[T],
        _buffers: &[T],
        x: &SMatrix<T, I, B>,
        y: &mut SMatrix<T, O, B>,
        _cache: &mut (),
    ) {
        let (w, b) = params.split_at(O * I);
        forward(w, b, x, y);
    }

    #[inline]
    fn backward<const B: usize>(
        &self,
        params: &[T],
        x: &SMatrix<T, I, B>,
        _y: &SMatrix<T, O, B>,
        _cache: &mut (),
        dy: &SMatrix<T, O, B>,
        dx: Option<&mut SMatrix<T, I, B>>,
        grad: &mut [T],
    ) {
        let (dw, db) = grad.split_at_mut(O * I);
        backward_params(x, dy, dw, db);
        if let Some(dx) = dx {
            backward_input(&params[..O * I], dy, dx);
        }
    }

    #[inline]
    fn r_forward<const B: usize>(
        &self,
        params: &[T],
        v: &[T],
        x: &SMatrix<T, I, B>,
        _y: &SMatrix<T, O, B>,
        _cache: &(),
        rx: &SMatrix<T, I, B>,
        ry: &mut SMatrix<T, O, B>,
        _r_cache: &mut (),
    ) {
        // R{y} = V x + v_b + W R{x}
        let (vw, vb) = v.split_at(O * I);
        forward(vw, vb, x, ry);
        let mut w_rx = SMatrix::<T, O, B>::zeros();
        let zero_bias = [T::zero(); O];
        forward(&params[..O * I], &zero_bias, rx, &mut w_rx);
        *ry += w_rx;
    }

    #[inline]
    fn r_backward<const B: usize>(
        &self,
        params: &[T],
        v: &[T],
        x: &SMatrix<T, I, B>,
        _y: &SMatrix<T, O, B>,
        _cache: &(),
        rx: &SMatrix<T, I, B>,
        _r_cache: &(),
        dy: &SMatrix<T, O, B>,
        rdy: &SMatrix<T, O, B>,
        rdx: Option<&mut SMatrix<T, I, B>>,
        r_grad: &mut [T],
    ) {
        // R{dW} = R{dy} x^T + dy R{x}^T, R{db} = sum R{dy}
        let (rdw, rdb) = r_grad.split_at_mut(O * I);
        backward_params(x, rdy, rdw, rdb);
        let mut no_bias = [T::zero(); O];
        accumulate_params(rx, dy, rdw, &mut no_bias);
        if let Some(rdx) = rdx {
            // R{dx} = V^T dy + W^T R{dy}
            backward_input(&v[..O * I], dy, rdx);
            let mut w_rdy = SMatrix::<T, I, B>::zeros();
            backward_input(&params[..O * I], rdy, &mut w_rdy);
            *rdx += w_rdy;
        }
    }

    #[inline]
    fn r_forward_block<const B: usize>(
        &self,
        params: &[T],
        directions: Directions<'_, T>,
        x: &SMatrix<T, I, B>,
        _y: &SMatrix<T, O, B>,
        _cache: &(),
        rx: Option<&[T]>,
        ry: &mut [T],
        context: &mut BlockContext<'_, T>,
    ) {
        super::dense_block::r_forward_block::<T, I, O, B>(params, directions, x, rx, ry, context);
    }

    #[inline]
    fn r_backward_block<const B: usize>(
        &self,
        params: &[T],
        directions: Directions<'_, T>,
        x: &SMatrix<T, I, B>,
        _y: &SMatrix<T, O, B>,
        _forward_cache: &(),
        _cache: &(),
        rx: Option<&[T]>,
        dy: &SMatrix<T, O, B>,
        rdy: &[T],
        rdx: Option<&mut [T]>,
        rows: &mut GradRows<'_, T>,
        context: &mut BlockContext<'_, T>,
    ) {
        super::dense_block::r_backward_block(
            params, directions, x, rx, dy, rdy, rdx, rows, context,
        );
    }
}
