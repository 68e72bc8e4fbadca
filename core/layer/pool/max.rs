//! Max pooling, `MaxPool1d` and `MaxPool2d`: each output is the largest
//! entry of its window, `y_o = x_{s(o)}` with `s(o) = argmax_{i in window(o)} x_i`.
//! Padding is `-inf` padding (PyTorch's), so a padded tap is never selected.
//!
//! The function is piecewise linear: on the piece where the selected
//! indices `s(o)` stay the same it is a selection, so backward routes
//! `dy_o` to `x_{s(o)}` (`dx_i = sum_{o: s(o) = i} dy_o`), the R-operator
//! routes the tangent through the same index (`R{y_o} = R{x_{s(o)}}`,
//! `R{dx}` from `R{dy}` as backward), and the second derivative is 0. The
//! training forward keeps `s(o)` in the cache ([`SelectedIndex`]). Ties go
//! to the first entry of the window in row-major order and a NaN is
//! selected (it propagates), both as in PyTorch.

use nalgebra::SMatrix;

use super::window::Window;
use crate::layer::{Layer, LayerConfig, LayerShape, Properties, TensorShape, TrainContext, Zeroed};
use crate::rng::Rng;
use crate::scalar::Float;

/// `nn.MaxPool1d(kernel_size = K, stride = STRIDE, padding = PADDING)` over
/// `C` channels of length `L`, a sample being PyTorch's `(C, L)` in
/// row-major order. Output `(C, L_out)` with
/// `L_out = floor((L + 2 PADDING - K) / STRIDE) + 1`.
///
/// Defaults as PyTorch's: `STRIDE = K`, `PADDING = 0` (`-inf` padding, at
/// most `K / 2`), `dilation = 1`, `ceil_mode = false`. No parameters. In a
/// declaration: `MaxPool1d<C, L, K>(stride = 2, padding = 1)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MaxPool1d<
    const C: usize,
    const L: usize,
    const K: usize,
    const STRIDE: usize = K,
    const PADDING: usize = 0,
>;

/// `nn.MaxPool2d(kernel_size = K, stride = STRIDE, padding = PADDING)` with
/// a square `K x K` window over `C` channels of `H x W`, a sample being
/// PyTorch's `(C, H, W)` in row-major order. Output `(C, H_out, W_out)` with
/// `H_out = floor((H + 2 PADDING - K) / STRIDE) + 1`, `W_out` likewise.
///
/// Defaults as PyTorch's: `STRIDE = K`, `PADDING = 0` (`-inf` padding, at
/// most `K / 2`), `dilation = 1`, `ceil_mode = false`. No parameters. In a
/// declaration: `MaxPool2d<C, H, W, K>(stride = 2, padding = 1)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MaxPool2d<
    const C: usize,
    const H: usize,
    const W: usize,
    const K: usize,
    const STRIDE: usize = K,
    const PADDING: usize = 0,
>;

/// The cache of a max-pooling layer: for each sample and output, the input
/// index its window selected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectedIndex<const O: usize, const B: usize> {
    /// `selected[b][o]`: the index into sample `b`'s input column.
    pub selected: [[u32; O]; B],
}

impl<const O: usize, const B: usize> Zeroed for SelectedIndex<O, B> {
    #[inline]
    fn zeroed() -> Self {
        Self {
            selected: [[0; O]; B],
        }
    }
}

/// `true` for a NaN (the only value not equal to itself).
#[inline]
fn is_nan<T: Float>(value: T) -> bool {
    value.partial_cmp(&value).is_none()
}

/// `y = max over each window` for a batch, recording the selected indices
/// when `selected` is given.
#[inline]
pub fn max_forward<T: Float, const I: usize, const O: usize, const B: usize>(
    window: &Window,
    x: &SMatrix<T, I, B>,
    y: &mut SMatrix<T, O, B>,
    mut selected: Option<&mut SelectedIndex<O, B>>,
) {
    for b in 0..B {
        let column = x.column(b);
        window.for_each_output(|o, c, oy, ox| {
            let mut best: Option<(usize, T)> = None;
            window.for_each_tap(c, oy, ox, |i| {
                let value = column[i];
                match best {
                    Some((_, top)) if !(value > top || is_nan(value)) => {}
                    _ => best = Some((i, value)),
                }
            });
            // Every window holds a real entry: the padding is at most half the kernel.
            let (i, value) = best.unwrap_or((0, T::zero()));
            y[(o, b)] = value;
            if let Some(selected) = selected.as_deref_mut() {
                selected.selected[b][o] = i as u32;
            }
        });
    }
}

/// `dx_i = sum over the outputs that selected i of dy_o` (overwriting `dx`).
#[inline]
pub fn route_back<T: Float, const I: usize, const O: usize, const B: usize>(
    selected: &SelectedIndex<O, B>,
    dy: &SMatrix<T, O, B>,
    dx: &mut SMatrix<T, I, B>,
) {
    dx.fill(T::zero());
    for b in 0..B {
        for (o, &i) in selected.selected[b].iter().enumerate() {
            dx[(i as usize, b)] += dy[(o, b)];
        }
    }
}

/// `ry_o = rx_{s(o)}`: the tangent through the selected index.
#[inline]
pub fn route_forward<T: Float, const I: usize, const O: usize, const B: usize>(
    selected: &SelectedIndex<O, B>,
    rx: &SMatrix<T, I, B>,
    ry: &mut SMatrix<T, O, B>,
) {
    for b in 0..B {
        for (o, &i) in selected.selected[b].iter().enumerate() {
            ry[(o, b)] = rx[(i as usize, b)];
        }
    }
}

macro_rules! max_pool_layer {
    ($name:ident, [$($g:ident),*], $window:expr, $from:expr) => {
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

        impl<$(const $g: usize,)* const N: usize> LayerShape<N> for $name<$($g),*> {
            const OUTPUT: usize = Self::WINDOW.checked_output(stringify!($name));
            const TENSORS: &'static [TensorShape] = &[];
        }

        impl<T: Float, $(const $g: usize,)* const N: usize, const O: usize> Layer<T, N, O>
            for $name<$($g),*>
        {
            type Cache<const B: usize> = SelectedIndex<O, B>;

            #[inline]
            fn init(&self, _params: &mut [T], _buffers: &mut [T], _rng: &mut Rng) {}

            #[inline]
            fn forward<const B: usize>(
                &self,
                _params: &[T],
                _buffers: &[T],
                x: &SMatrix<T, N, B>,
                y: &mut SMatrix<T, O, B>,
            ) {
                const {
                    assert!(
                        N == Self::WINDOW.input() && O == Self::WINDOW.output(),
                        "the widths of `Layer<T, I, O>` are the layer's input and output widths"
                    )
                };
                max_forward(&Self::WINDOW, x, y, None);
            }

            #[inline]
            fn forward_train<const B: usize>(
                &self,
                _params: &[T],
                _buffers: &[T],
                x: &SMatrix<T, N, B>,
                y: &mut SMatrix<T, O, B>,
                cache: &mut SelectedIndex<O, B>,
                _context: &TrainContext,
            ) {
                const {
                    assert!(
                        N == Self::WINDOW.input() && O == Self::WINDOW.output(),
                        "the widths of `Layer<T, I, O>` are the layer's input and output widths"
                    )
                };
                max_forward(&Self::WINDOW, x, y, Some(cache));
            }

            #[inline]
            fn backward<const B: usize>(
                &self,
                _params: &[T],
                _x: &SMatrix<T, N, B>,
                _y: &SMatrix<T, O, B>,
                cache: &mut SelectedIndex<O, B>,
                dy: &SMatrix<T, O, B>,
                dx: Option<&mut SMatrix<T, N, B>>,
                _grad: &mut [T],
            ) {
                if let Some(dx) = dx {
                    route_back(cache, dy, dx);
                }
            }

            #[inline]
            fn r_forward<const B: usize>(
                &self,
                _params: &[T],
                _v: &[T],
                _x: &SMatrix<T, N, B>,
                _y: &SMatrix<T, O, B>,
                cache: &SelectedIndex<O, B>,
                rx: &SMatrix<T, N, B>,
                ry: &mut SMatrix<T, O, B>,
                _r_cache: &mut SelectedIndex<O, B>,
            ) {
                // The selected indices are piecewise constant: their tangent
                // cache stays zero.
                route_forward(cache, rx, ry);
            }

            #[inline]
            fn r_backward<const B: usize>(
                &self,
                _params: &[T],
                _v: &[T],
                _x: &SMatrix<T, N, B>,
                _y: &SMatrix<T, O, B>,
                cache: &SelectedIndex<O, B>,
                _rx: &SMatrix<T, N, B>,
                _r_cache: &SelectedIndex<O, B>,
                _dy: &SMatrix<T, O, B>,
                rdy: &SMatrix<T, O, B>,
                rdx: Option<&mut SMatrix<T, N, B>>,
                _r_grad: &mut [T],
            ) {
                // Backward is linear in dy with no second-order term.
                if let Some(rdx) = rdx {
                    route_back(cache, rdy, rdx);
                }
            }
        }
    };
}

max_pool_layer!(
    MaxPool1d,
    [C, L, K, STRIDE, PADDING],
    Window::one_d(C, L, K, STRIDE, PADDING),
    crate::layer::InputFrom::Product(0, 1)
);
max_pool_layer!(
    MaxPool2d,
    [C, H, W, K, STRIDE, PADDING],
    Window::two_d(C, H, W, K, STRIDE, PADDING),
    crate::layer::InputFrom::Unknown
);
