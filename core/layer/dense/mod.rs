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
//! are in `block.rs`.
//!
//! Kernels: every product goes through `kernel::mul_at_b` in register
//! tiles (the forward first copies `W` transposed, `O x I` values, so its
//! rows are contiguous); single-sample inference uses
//! `kernel::matvec_rows`. All sizes are const generics.

mod block;

use nalgebra::{SMatrix, SMatrixView};

use super::{
    BlockContext, Directions, GradRows, InputFrom, Layer, LayerConfig, LayerShape, Properties,
    TensorShape, TrainContext,
};
use crate::init::{Fans, Init};
use crate::kernel::{matvec_rows, mul_at_b};
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
    ///
    /// # Panics
    /// When `init` is invalid ([`Init::validate`]), also a variant written
    /// out by hand: in a `const` (as a declaration evaluates it) that is a
    /// compile error. At run time use [`Dense::try_weight_init`].
    #[must_use]
    pub const fn weight_init(self, init: Init) -> Self {
        Self {
            weight_init: init.checked(),
            ..self
        }
    }

    /// The same layer with another bias initializer
    /// (`Dense<I, O>(bias_init = ...)` in a declaration).
    ///
    /// # Panics
    /// When `init` is invalid ([`Init::validate`]), also a variant written
    /// out by hand: in a `const` (as a declaration evaluates it) that is a
    /// compile error. At run time use [`Dense::try_bias_init`].
    #[must_use]
    pub const fn bias_init(self, init: Init) -> Self {
        Self {
            bias_init: init.checked(),
            ..self
        }
    }

    /// [`Dense::weight_init`] for an initializer known only at run time: the same
    /// layer, or the error [`Init::validate`] reports.
    pub fn try_weight_init(self, init: Init) -> crate::error::Result<Self> {
        Ok(self.weight_init(init.validated()?))
    }

    /// [`Dense::bias_init`] for an initializer known only at run time: the same
    /// layer, or the error [`Init::validate`] reports.
    pub fn try_bias_init(self, init: Init) -> crate::error::Result<Self> {
        Ok(self.bias_init(init.validated()?))
    }
}

impl<const I: usize, const O: usize> Default for Dense<I, O> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const I: usize, const O: usize> LayerConfig for Dense<I, O> {
    const NAME: &'static str = "Dense";
    const DEFAULT: Self = Self::new();
    const INPUT: Option<usize> = Some(I);
    const INPUT_FROM: InputFrom = InputFrom::Size(0);
    // Negating a unit's row of `W` and its bias negates exactly its output.
    const PROPERTIES: Properties = Properties::NONE.odd();
}

impl<const I: usize, const O: usize> LayerShape<I> for Dense<I, O> {
    const OUTPUT: usize = O;
    const TENSORS: &'static [TensorShape] = &[
        TensorShape::incoming("weight", O, I),
        TensorShape::unit_bias("bias", O),
    ];
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
        matvec_rows::<T, I, O>(w, bias, x.as_slice(), y.as_mut_slice());
        return;
    }
    // Y (column-major O x B) is row-major B x O: Y(b, o) = sum_i x(i, b) W^T(i, o),
    // with the rows of W^T contiguous.
    let wt: SMatrix<T, O, I> = SMatrixView::<T, I, O>::from_slice(w).transpose();
    let y = y.as_mut_slice();
    for column in y.chunks_exact_mut(O) {
        column.copy_from_slice(bias);
    }
    mul_at_b::<T, B, O, I>(true, x.as_slice(), I, 1, wt.as_slice(), O, y, O);
}

/// `dx = W^T dy` for a batch (overwriting `dx`); with `accumulate`, `dx += W^T dy`.
#[inline]
pub fn backward_input<T: Float, const I: usize, const O: usize, const B: usize>(
    w: &[T],
    dy: &SMatrix<T, O, B>,
    dx: &mut SMatrix<T, I, B>,
) {
    input_product::<T, I, O, B>(false, w, dy, dx);
}

/// `dx (+)= W^T dy`: dx (column-major I x B) is row-major B x I,
/// `dx(b, i) = sum_o dy(o, b) W(o, i)` with the rows of W contiguous.
#[inline]
fn input_product<T: Float, const I: usize, const O: usize, const B: usize>(
    accumulate: bool,
    w: &[T],
    dy: &SMatrix<T, O, B>,
    dx: &mut SMatrix<T, I, B>,
) {
    mul_at_b::<T, B, I, O>(
        accumulate,
        dy.as_slice(),
        O,
        1,
        &w[..O * I],
        I,
        dx.as_mut_slice(),
        I,
    );
}

/// `dW = dy x^T` (row-major `O x I`) and `db = sum_batch dy`, overwriting.
#[inline]
pub fn backward_params<T: Float, const I: usize, const O: usize, const B: usize>(
    x: &SMatrix<T, I, B>,
    dy: &SMatrix<T, O, B>,
    dw: &mut [T],
    db: &mut [T],
) {
    weight_product::<T, I, O, B>(false, x, dy, dw);
    let db = &mut db[..O];
    db.fill(T::zero());
    for column in dy.as_slice().chunks_exact(O) {
        for (d, &g) in db.iter_mut().zip(column) {
            *d += g;
        }
    }
}

/// `dW (+)= dy x^T`: `dW(o, i) = sum_b dy(o, b) x(i, b)`, summed over the batch in order.
#[inline]
fn weight_product<T: Float, const I: usize, const O: usize, const B: usize>(
    accumulate: bool,
    x: &SMatrix<T, I, B>,
    dy: &SMatrix<T, O, B>,
    dw: &mut [T],
) {
    mul_at_b::<T, O, I, B>(
        accumulate,
        dy.as_slice(),
        1,
        O,
        x.as_slice(),
        I,
        &mut dw[..O * I],
        I,
    );
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
        _context: &TrainContext,
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
        weight_product::<T, I, O, B>(true, rx, dy, rdw);
        if let Some(rdx) = rdx {
            // R{dx} = V^T dy + W^T R{dy}
            input_product::<T, I, O, B>(false, &v[..O * I], dy, rdx);
            input_product::<T, I, O, B>(true, &params[..O * I], rdy, rdx);
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
        block::r_forward_block::<T, I, O, B>(params, directions, x, rx, ry, context);
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
        block::r_backward_block(params, directions, x, rx, dy, rdy, rdx, rows, context);
    }
}
