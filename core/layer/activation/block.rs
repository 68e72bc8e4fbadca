//! The blocked R-operator of the elementwise activations: the formulas of
//! its `mod.rs` for `count` directions at once.
//!
//! `R{y}_k = f'(x) R{x}_k` and `R{dx}_k = f''(x) dy R{x}_k + f'(x) R{dy}_k`:
//! `f'(x)` and `f''(x) dy` are the same for every direction, so they are
//! computed once per block (one `tanh'` per element, not one per element
//! and direction).

use nalgebra::SMatrix;

use super::Elementwise;
use crate::layer::block::diagonal_block;
use crate::scalar::Float;

/// `f'(x)` of every element.
fn slopes<F: Elementwise, T: Float, const N: usize, const B: usize>(
    f: &F,
    x: &SMatrix<T, N, B>,
    y: &SMatrix<T, N, B>,
) -> SMatrix<T, N, B> {
    x.zip_map(y, |x, y| f.derivative(x, y))
}

/// Block R-forward of an elementwise activation.
pub(super) fn r_forward_block<F: Elementwise, T: Float, const N: usize, const B: usize>(
    f: &F,
    x: &SMatrix<T, N, B>,
    y: &SMatrix<T, N, B>,
    rx: Option<&[T]>,
    ry: &mut [T],
) {
    let Some(rx) = rx else {
        ry.fill(T::zero());
        return;
    };
    diagonal_block(slopes(f, x, y).as_slice(), rx, ry);
}

/// Block R-backward of an elementwise activation (it has no parameters).
pub(super) fn r_backward_block<F: Elementwise, T: Float, const N: usize, const B: usize>(
    f: &F,
    x: &SMatrix<T, N, B>,
    y: &SMatrix<T, N, B>,
    rx: Option<&[T]>,
    dy: &SMatrix<T, N, B>,
    rdy: &[T],
    rdx: Option<&mut [T]>,
) {
    let Some(rdx) = rdx else { return };
    let slope = slopes(f, x, y);
    match rx {
        None => diagonal_block(slope.as_slice(), rdy, rdx),
        Some(rx) => {
            let blocks = rdx.chunks_exact_mut(N * B).zip(rdy.chunks_exact(N * B));
            let curvature = SMatrix::<T, N, B>::from_fn(|i, b| {
                f.second_derivative(x[(i, b)], y[(i, b)]) * dy[(i, b)]
            });
            for ((rdx_k, rdy_k), rx_k) in blocks.zip(rx.chunks_exact(N * B)) {
                let terms = slope.as_slice().iter().zip(curvature.as_slice());
                for (((r, (&d, &c)), &t), &s) in rdx_k.iter_mut().zip(terms).zip(rdy_k).zip(rx_k) {
                    *r = d * t + c * s;
                }
            }
        }
    }
}

/// The block methods of an elementwise activation's `Layer`
/// implementation, expanded inside it (in `mod.rs`).
macro_rules! elementwise_block_methods {
    () => {
        #[inline]
        fn r_forward_block<const B: usize>(
            &self,
            _params: &[T],
            _directions: $crate::layer::Directions<'_, T>,
            x: &SMatrix<T, N, B>,
            y: &SMatrix<T, N, B>,
            _cache: &(),
            rx: Option<&[T]>,
            ry: &mut [T],
            _context: &mut $crate::layer::BlockContext<'_, T>,
        ) {
            $crate::layer::activation::block::r_forward_block(self, x, y, rx, ry);
        }

        #[inline]
        fn r_backward_block<const B: usize>(
            &self,
            _params: &[T],
            _directions: $crate::layer::Directions<'_, T>,
            x: &SMatrix<T, N, B>,
            y: &SMatrix<T, N, B>,
            _forward_cache: &(),
            _cache: &(),
            rx: Option<&[T]>,
            dy: &SMatrix<T, N, B>,
            rdy: &[T],
            rdx: Option<&mut [T]>,
            _rows: &mut $crate::layer::GradRows<'_, T>,
            _context: &mut $crate::layer::BlockContext<'_, T>,
        ) {
            $crate::layer::activation::block::r_backward_block(self, x, y, rx, dy, rdy, rdx);
        }
    };
}
pub(super) use elementwise_block_methods;
