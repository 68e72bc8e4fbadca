//! Average pooling, `AvgPool1d`, `AvgPool2d` and `GlobalAvgPool`: each
//! output is the mean of its window, `y_o = (1 / k) sum_{i in window(o)} x_i`
//! with `k` the taps of a full window (PyTorch's default
//! `count_include_pad = true`: padded taps count as zeros). The layer is
//! linear, so backward spreads `dy_o / k` over the window, the R-operator is
//! the same map applied to the tangents, and the second derivative is 0.

use nalgebra::SMatrix;

use super::window::Window;
use crate::layer::{Layer, LayerConfig, LayerShape, Properties, TensorShape, TrainContext};
use crate::rng::Rng;
use crate::scalar::Float;

/// `nn.AvgPool1d(kernel_size = K, stride = STRIDE, padding = PADDING)` over
/// `C` channels of length `L`, a sample being PyTorch's `(C, L)` in
/// row-major order: `y[c, j] = (1 / K) sum_{t < K} x[c, j STRIDE + t - PADDING]`
/// (zero outside `0..L`). Output length
/// `L_out = floor((L + 2 PADDING - K) / STRIDE) + 1`.
///
/// Defaults as PyTorch's: `STRIDE = K`, `PADDING = 0` (zeros, at most
/// `K / 2`, counted in the divisor), `ceil_mode = false`. No parameters. In
/// a declaration: `AvgPool1d<C, L, K>(stride = 2, padding = 1)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AvgPool1d<
    const C: usize,
    const L: usize,
    const K: usize,
    const STRIDE: usize = K,
    const PADDING: usize = 0,
>;

/// `nn.AvgPool2d(kernel_size = K, stride = STRIDE, padding = PADDING)` with
/// a square `K x K` window over `C` channels of `H x W`, a sample being
/// PyTorch's `(C, H, W)` in row-major order: each output is the sum of its
/// window divided by `K^2`. Output `(C, H_out, W_out)` with
/// `H_out = floor((H + 2 PADDING - K) / STRIDE) + 1`, `W_out` likewise.
///
/// Defaults as PyTorch's: `STRIDE = K`, `PADDING = 0` (zeros, at most
/// `K / 2`, counted in the divisor: `count_include_pad = true`),
/// `ceil_mode = false`. No parameters. In a declaration:
/// `AvgPool2d<C, H, W, K>(stride = 2)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AvgPool2d<
    const C: usize,
    const H: usize,
    const W: usize,
    const K: usize,
    const STRIDE: usize = K,
    const PADDING: usize = 0,
>;

/// Global average pooling over `C` channels of `N` positions each (`N = L`
/// after a 1-D layer, `H W` after a 2-D one): `y_c = (1 / N) sum_j x[c, j]`,
/// PyTorch's `nn.AdaptiveAvgPool1d(1)` / `nn.AdaptiveAvgPool2d(1)` followed
/// by `flatten(1)`. Output: `C`. No parameters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GlobalAvgPool<const C: usize, const N: usize>;

/// `y = window sums / taps` for a batch (also the R-operator, on tangents).
#[inline]
pub fn avg_forward<T: Float, const I: usize, const O: usize, const B: usize>(
    window: &Window,
    x: &SMatrix<T, I, B>,
    y: &mut SMatrix<T, O, B>,
) {
    let scale = T::one() / T::of_usize(window.taps());
    for b in 0..B {
        let column = x.column(b);
        window.for_each_output(|o, c, oy, ox| {
            let mut sum = T::zero();
            window.for_each_tap(c, oy, ox, |i| sum += column[i]);
            y[(o, b)] = sum * scale;
        });
    }
}

/// `dx_i = sum over the windows holding i of dy_o / taps` (overwriting
/// `dx`; also its R-operator, on `R{dy}`).
#[inline]
pub fn avg_backward<T: Float, const I: usize, const O: usize, const B: usize>(
    window: &Window,
    dy: &SMatrix<T, O, B>,
    dx: &mut SMatrix<T, I, B>,
) {
    let scale = T::one() / T::of_usize(window.taps());
    dx.fill(T::zero());
    for b in 0..B {
        window.for_each_output(|o, c, oy, ox| {
            let share = dy[(o, b)] * scale;
            window.for_each_tap(c, oy, ox, |i| dx[(i, b)] += share);
        });
    }
}

macro_rules! linear_pool_layer {
    ($name:ident, [$($g:ident),*], $window:expr, $from:expr, $output:expr) => {
        impl<$(const $g: usize),*> $name<$($g),*> {
            /// Its window geometry.
            pub const WINDOW: Window = $window;
        }

        impl<$(const $g: usize),*> LayerConfig for $name<$($g),*> {
            const NAME: &'static str = stringify!($name);
            const DEFAULT: Self = Self;
            const INPUT: Option<usize> = Some(Self::WINDOW.input());
            const INPUT_FROM: crate::layer::InputFrom = $from;
            const PROPERTIES: Properties = Properties::NONE;
        }

        impl<$(const $g: usize,)* const N_IN: usize> LayerShape<N_IN> for $name<$($g),*> {
            const OUTPUT: usize = $output;
            const TENSORS: &'static [TensorShape] = &[];
        }

        impl<T: Float, $(const $g: usize,)* const N_IN: usize, const O: usize> Layer<T, N_IN, O>
            for $name<$($g),*>
        {
            type Cache<const B: usize> = ();

            #[inline]
            fn init(&self, _params: &mut [T], _buffers: &mut [T], _rng: &mut Rng) {}

            #[inline]
            fn forward<const B: usize>(
                &self,
                _params: &[T],
                _buffers: &[T],
                x: &SMatrix<T, N_IN, B>,
                y: &mut SMatrix<T, O, B>,
            ) {
                const {
                    assert!(
                        N_IN == Self::WINDOW.input() && O == Self::WINDOW.output(),
                        "the widths of `Layer<T, I, O>` are the layer's input and output widths"
                    )
                };
                avg_forward(&Self::WINDOW, x, y);
            }

            #[inline]
            fn forward_train<const B: usize>(
                &self,
                _params: &[T],
                _buffers: &[T],
                x: &SMatrix<T, N_IN, B>,
                y: &mut SMatrix<T, O, B>,
                _cache: &mut (),
                _context: &TrainContext,
            ) {
                const {
                    assert!(
                        N_IN == Self::WINDOW.input() && O == Self::WINDOW.output(),
                        "the widths of `Layer<T, I, O>` are the layer's input and output widths"
                    )
                };
                avg_forward(&Self::WINDOW, x, y);
            }

            #[inline]
            fn backward<const B: usize>(
                &self,
                _params: &[T],
                _x: &SMatrix<T, N_IN, B>,
                _y: &SMatrix<T, O, B>,
                _cache: &mut (),
                dy: &SMatrix<T, O, B>,
                dx: Option<&mut SMatrix<T, N_IN, B>>,
                _grad: &mut [T],
            ) {
                if let Some(dx) = dx {
                    avg_backward(&Self::WINDOW, dy, dx);
                }
            }

            #[inline]
            fn r_forward<const B: usize>(
                &self,
                _params: &[T],
                _v: &[T],
                _x: &SMatrix<T, N_IN, B>,
                _y: &SMatrix<T, O, B>,
                _cache: &(),
                rx: &SMatrix<T, N_IN, B>,
                ry: &mut SMatrix<T, O, B>,
                _r_cache: &mut (),
            ) {
                avg_forward(&Self::WINDOW, rx, ry);
            }

            #[inline]
            fn r_backward<const B: usize>(
                &self,
                _params: &[T],
                _v: &[T],
                _x: &SMatrix<T, N_IN, B>,
                _y: &SMatrix<T, O, B>,
                _cache: &(),
                _rx: &SMatrix<T, N_IN, B>,
                _r_cache: &(),
                _dy: &SMatrix<T, O, B>,
                rdy: &SMatrix<T, O, B>,
                rdx: Option<&mut SMatrix<T, N_IN, B>>,
                _r_grad: &mut [T],
            ) {
                if let Some(rdx) = rdx {
                    avg_backward(&Self::WINDOW, rdy, rdx);
                }
            }
        }
    };
}

linear_pool_layer!(
    AvgPool1d,
    [C, L, K, STRIDE, PADDING],
    Window::one_d(C, L, K, STRIDE, PADDING),
    crate::layer::InputFrom::Product(0, 1),
    Self::WINDOW.checked_output("AvgPool1d")
);
linear_pool_layer!(
    AvgPool2d,
    [C, H, W, K, STRIDE, PADDING],
    Window::two_d(C, H, W, K, STRIDE, PADDING),
    crate::layer::InputFrom::Unknown,
    Self::WINDOW.checked_output("AvgPool2d")
);
// One window per channel covering all N positions.
linear_pool_layer!(
    GlobalAvgPool,
    [C, N],
    Window::one_d(C, N, N, N, 0),
    crate::layer::InputFrom::Product(0, 1),
    Self::WINDOW.checked_output("GlobalAvgPool")
);
