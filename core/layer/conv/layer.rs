//! The two convolution types and their `LayerConfig`, `LayerShape` and
//! `Layer` implementations, written once for both by `conv_layer!`.

use nalgebra::SMatrix;

use super::geometry::ConvGeometry;
use super::kernels::{conv_bias_grad, conv_forward, conv_input_grad, conv_weight_grad};
use crate::init::{Fans, Init};
use crate::layer::{
    InputFrom, Layer, LayerConfig, LayerShape, Properties, TensorShape, TrainContext,
};
use crate::rng::Rng;
use crate::scalar::Float;

/// `nn.Conv1d(C_IN, C_OUT, K, stride = STRIDE, padding = PADDING, dilation
/// = DILATION, groups = GROUPS, bias = BIAS)` over inputs of length `L`, a
/// sample being PyTorch's `(C_IN, L)` in row-major order:
///
/// `y[co, j] = b[co] + sum_{ci < C_IN / GROUPS} sum_{t < K} W[co, ci, t] x[g C_IN / GROUPS + ci, j STRIDE + t DILATION - PADDING]`
///
/// with `g = co / (C_OUT / GROUPS)` the group of `co` and `x` zero outside
/// `0..L`. Output `(C_OUT, L_OUT)`,
/// `L_OUT = floor((L + 2 PADDING - DILATION (K - 1) - 1) / STRIDE) + 1`.
///
/// Defaults as PyTorch's: `STRIDE = 1`, `PADDING = 0` (zeros),
/// `DILATION = 1`, `GROUPS = 1` (`GROUPS = C_IN`: depthwise), `BIAS = true`.
/// `GROUPS` must divide `C_IN` and `C_OUT`, and `L_OUT` must be at least 1:
/// a declaration that breaks either is a compile error naming the sizes.
///
/// Parameters: `weight` `[C_OUT, C_IN / GROUPS, K]` (row-major, as PyTorch
/// stores it), then, with `BIAS`, `bias` `[C_OUT]`. Default initialization:
/// PyTorch's `reset_parameters`, both uniform in `[-1/sqrt(fan_in),
/// 1/sqrt(fan_in)]` with `fan_in = C_IN / GROUPS * K` ([`Init::TorchDefault`]).
/// In a declaration: `Conv1d<2, 4, 3, 16>(stride = 2, padding = 1)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Conv1d<
    const C_IN: usize,
    const C_OUT: usize,
    const K: usize,
    const L: usize,
    const STRIDE: usize = 1,
    const PADDING: usize = 0,
    const DILATION: usize = 1,
    const GROUPS: usize = 1,
    const BIAS: bool = true,
> {
    /// How the weight is initialized. Default: [`Init::TorchDefault`].
    pub weight_init: Init,
    /// How the bias is initialized. Default: [`Init::TorchDefault`].
    pub bias_init: Init,
}

/// `nn.Conv2d(C_IN, C_OUT, (KH, KW), stride = STRIDE, padding = PADDING,
/// dilation = DILATION, groups = GROUPS, bias = BIAS)` over `H x W` inputs,
/// a sample being PyTorch's `(C_IN, H, W)` in row-major order: with
/// `g = co / (C_OUT / GROUPS)`,
///
/// `y[co, i, j] = b[co] + sum_{ci, u < KH, v < KW} W[co, ci, u, v] x[g C_IN / GROUPS + ci, i STRIDE + u DILATION - PADDING, j STRIDE + v DILATION - PADDING]`
///
/// (`x` zero outside the image). Output `(C_OUT, H_OUT, W_OUT)`,
/// `H_OUT = floor((H + 2 PADDING - DILATION (KH - 1) - 1) / STRIDE) + 1`,
/// `W_OUT` likewise with `W` and `KW`. The stride, padding and dilation are
/// the same along both axes (as the pooling layers' are).
///
/// Defaults as PyTorch's: `STRIDE = 1`, `PADDING = 0` (zeros),
/// `DILATION = 1`, `GROUPS = 1` (`GROUPS = C_IN`: depthwise), `BIAS = true`.
/// `GROUPS` must divide `C_IN` and `C_OUT`, and the output must have at
/// least one position: a declaration that breaks either is a compile error
/// naming the sizes.
///
/// Parameters: `weight` `[C_OUT, C_IN / GROUPS, KH, KW]` (row-major), then,
/// with `BIAS`, `bias` `[C_OUT]`. Default initialization: PyTorch's
/// `reset_parameters`, both uniform in `[-1/sqrt(fan_in), 1/sqrt(fan_in)]`
/// with `fan_in = C_IN / GROUPS * KH * KW` ([`Init::TorchDefault`]). In a
/// declaration: `Conv2d<1, 8, 3, 3, 8, 8>(padding = 1)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Conv2d<
    const C_IN: usize,
    const C_OUT: usize,
    const KH: usize,
    const KW: usize,
    const H: usize,
    const W: usize,
    const STRIDE: usize = 1,
    const PADDING: usize = 0,
    const DILATION: usize = 1,
    const GROUPS: usize = 1,
    const BIAS: bool = true,
> {
    /// How the weight is initialized. Default: [`Init::TorchDefault`].
    pub weight_init: Init,
    /// How the bias is initialized (unused without a bias). Default:
    /// [`Init::TorchDefault`].
    pub bias_init: Init,
}

macro_rules! conv_layer {
    ($name:ident, [$($g:ident),*], $geometry:expr, $kernel:expr, $from:expr) => {
        impl<$(const $g: usize,)* const BIAS: bool> $name<$($g,)* BIAS> {
            /// Its geometry.
            pub const GEOMETRY: ConvGeometry = $geometry;
            /// The kernel size per spatial axis, PyTorch's order.
            pub const KERNEL: &'static [usize] = $kernel;
            const WEIGHTS: usize = Self::GEOMETRY.weight_len();

            /// The layer with PyTorch's default initialization.
            #[must_use]
            pub const fn new() -> Self {
                Self {
                    weight_init: Init::TorchDefault,
                    bias_init: Init::TorchDefault,
                }
            }

            /// The same layer with another weight initializer (`weight_init
            /// = ...` in a declaration).
            ///
            /// # Panics
            /// When `init` is invalid ([`Init::validate`]): in a `const` (as
            /// a declaration evaluates it) that is a compile error. At run
            /// time use the `try_` form.
            #[must_use]
            pub const fn weight_init(self, init: Init) -> Self {
                Self {
                    weight_init: init.checked(),
                    ..self
                }
            }

            /// The same layer with another bias initializer (`bias_init =
            /// ...` in a declaration; without a bias it has no effect).
            ///
            /// # Panics
            /// When `init` is invalid ([`Init::validate`]): in a `const` (as
            /// a declaration evaluates it) that is a compile error. At run
            /// time use the `try_` form.
            #[must_use]
            pub const fn bias_init(self, init: Init) -> Self {
                Self {
                    bias_init: init.checked(),
                    ..self
                }
            }

            /// The weight initializer for one known only at run time: the
            /// same layer, or the error [`Init::validate`] reports.
            pub fn try_weight_init(self, init: Init) -> crate::error::Result<Self> {
                Ok(self.weight_init(init.validated()?))
            }

            /// The bias initializer for one known only at run time: the same
            /// layer, or the error [`Init::validate`] reports.
            pub fn try_bias_init(self, init: Init) -> crate::error::Result<Self> {
                Ok(self.bias_init(init.validated()?))
            }

            /// The bias of `params`, when the layer has one.
            fn bias_of<T>(params: &[T]) -> Option<&[T]> {
                BIAS.then(|| &params[Self::WEIGHTS..Self::WEIGHTS + Self::GEOMETRY.out_channels])
            }
        }

        impl<$(const $g: usize,)* const BIAS: bool> Default for $name<$($g,)* BIAS> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<$(const $g: usize,)* const BIAS: bool> LayerConfig for $name<$($g,)* BIAS> {
            const NAME: &'static str = stringify!($name);
            const DEFAULT: Self = Self::new();
            const INPUT: Option<usize> = Some(Self::GEOMETRY.input());
            const INPUT_FROM: InputFrom = $from;
            const PROPERTIES: Properties = Properties::NONE;
        }

        impl<$(const $g: usize,)* const BIAS: bool, const N_IN: usize> LayerShape<N_IN>
            for $name<$($g,)* BIAS>
        {
            const OUTPUT: usize = Self::GEOMETRY.checked_output(stringify!($name));
            const TENSORS: &'static [TensorShape] = {
                let geometry = Self::GEOMETRY;
                let weight = TensorShape::filter(
                    "weight",
                    geometry.out_channels,
                    geometry.group_inputs(),
                    Self::KERNEL,
                );
                if BIAS {
                    &[weight, TensorShape::unit_bias("bias", geometry.out_channels)]
                } else {
                    &[weight]
                }
            };
        }

        impl<T: Float, $(const $g: usize,)* const BIAS: bool, const N_IN: usize, const O: usize>
            Layer<T, N_IN, O> for $name<$($g,)* BIAS>
        {
            type Cache<const B: usize> = ();

            fn init(&self, params: &mut [T], _buffers: &mut [T], rng: &mut Rng) {
                let geometry = Self::GEOMETRY;
                let columns = geometry.group_inputs() * geometry.taps();
                let fans = Fans::new(columns, geometry.out_channels * geometry.taps());
                let (w, b) = params.split_at_mut(Self::WEIGHTS);
                self.weight_init
                    .fill_weight(w, geometry.out_channels, columns, fans, rng);
                if BIAS {
                    self.bias_init
                        .fill_bias(&mut b[..geometry.out_channels], fans, rng);
                }
            }

            #[inline]
            fn forward<const B: usize>(
                &self,
                params: &[T],
                _buffers: &[T],
                x: &SMatrix<T, N_IN, B>,
                y: &mut SMatrix<T, O, B>,
            ) {
                const {
                    assert!(
                        N_IN == Self::GEOMETRY.input() && O == Self::GEOMETRY.output(),
                        "the widths of `Layer<T, I, O>` are the layer's input and output widths"
                    )
                };
                conv_forward(&Self::GEOMETRY, params, Self::bias_of(params), false, x, y);
            }

            #[inline]
            fn forward_train<const B: usize>(
                &self,
                params: &[T],
                buffers: &[T],
                x: &SMatrix<T, N_IN, B>,
                y: &mut SMatrix<T, O, B>,
                _cache: &mut (),
                _context: &TrainContext,
            ) {
                Layer::<T, N_IN, O>::forward(self, params, buffers, x, y);
            }

            #[inline]
            fn backward<const B: usize>(
                &self,
                params: &[T],
                x: &SMatrix<T, N_IN, B>,
                _y: &SMatrix<T, O, B>,
                _cache: &mut (),
                dy: &SMatrix<T, O, B>,
                dx: Option<&mut SMatrix<T, N_IN, B>>,
                grad: &mut [T],
            ) {
                let geometry = &Self::GEOMETRY;
                let (dw, db) = grad.split_at_mut(Self::WEIGHTS);
                conv_weight_grad(geometry, false, x, dy, dw);
                if BIAS {
                    conv_bias_grad(geometry, dy, db);
                }
                if let Some(dx) = dx {
                    conv_input_grad(geometry, params, false, dy, dx);
                }
            }

            #[inline]
            fn r_forward<const B: usize>(
                &self,
                params: &[T],
                v: &[T],
                x: &SMatrix<T, N_IN, B>,
                _y: &SMatrix<T, O, B>,
                _cache: &(),
                rx: &SMatrix<T, N_IN, B>,
                ry: &mut SMatrix<T, O, B>,
                _r_cache: &mut (),
            ) {
                // R{y} = V * x + v_b + W * R{x}
                let geometry = &Self::GEOMETRY;
                conv_forward(geometry, v, Self::bias_of(v), false, x, ry);
                conv_forward(geometry, params, None, true, rx, ry);
            }

            #[inline]
            fn r_backward<const B: usize>(
                &self,
                params: &[T],
                v: &[T],
                x: &SMatrix<T, N_IN, B>,
                _y: &SMatrix<T, O, B>,
                _cache: &(),
                rx: &SMatrix<T, N_IN, B>,
                _r_cache: &(),
                dy: &SMatrix<T, O, B>,
                rdy: &SMatrix<T, O, B>,
                rdx: Option<&mut SMatrix<T, N_IN, B>>,
                r_grad: &mut [T],
            ) {
                // R{dW} = R{dy} x^T + dy R{x}^T, R{db} = sum R{dy}
                let geometry = &Self::GEOMETRY;
                let (rdw, rdb) = r_grad.split_at_mut(Self::WEIGHTS);
                conv_weight_grad(geometry, false, x, rdy, rdw);
                conv_weight_grad(geometry, true, rx, dy, rdw);
                if BIAS {
                    conv_bias_grad(geometry, rdy, rdb);
                }
                if let Some(rdx) = rdx {
                    // R{dx} = V^T dy + W^T R{dy}
                    conv_input_grad(geometry, v, false, dy, rdx);
                    conv_input_grad(geometry, params, true, rdy, rdx);
                }
            }
        }
    };
}

conv_layer!(
    Conv1d,
    [C_IN, C_OUT, K, L, STRIDE, PADDING, DILATION, GROUPS],
    ConvGeometry::one_d(C_IN, C_OUT, K, L, STRIDE, PADDING, DILATION, GROUPS),
    &[K],
    InputFrom::Product(0, 3)
);
conv_layer!(
    Conv2d,
    [C_IN, C_OUT, KH, KW, H, W, STRIDE, PADDING, DILATION, GROUPS],
    ConvGeometry::two_d(
        C_IN,
        C_OUT,
        (KH, KW),
        (H, W),
        STRIDE,
        PADDING,
        DILATION,
        GROUPS
    ),
    &[KH, KW],
    InputFrom::Unknown
);
