//! `Flatten`: PyTorch's `nn.Flatten()`, which turns `(B, C, H, W)` into
//! `(B, C H W)`. A sample here is already one column in that row-major
//! order, so the layer is the identity `y = x`; it makes the change of
//! reading (from channels and positions to features) explicit in a
//! declaration, as in the PyTorch module it mirrors.

use nalgebra::SMatrix;

use crate::layer::{Layer, LayerConfig, LayerShape, Properties, TensorShape, TrainContext};
use crate::rng::Rng;
use crate::scalar::Float;

/// The identity, named as PyTorch's `nn.Flatten()` (`start_dim = 1`,
/// `end_dim = -1`, the defaults): keeps the width it receives. No
/// parameters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flatten;

impl LayerConfig for Flatten {
    const NAME: &'static str = "Flatten";
    const DEFAULT: Self = Self;
    const INPUT: Option<usize> = None;
    // The identity: elementwise and odd, as `Identity`.
    const PROPERTIES: Properties = Properties::NONE.elementwise().odd();
}

impl<const N: usize> LayerShape<N> for Flatten {
    const OUTPUT: usize = N;
    const TENSORS: &'static [TensorShape] = &[];
}

impl<T: Float, const N: usize> Layer<T, N, N> for Flatten {
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
        y.copy_from(x);
    }

    #[inline]
    fn forward_train<const B: usize>(
        &self,
        _params: &[T],
        _buffers: &[T],
        x: &SMatrix<T, N, B>,
        y: &mut SMatrix<T, N, B>,
        _cache: &mut (),
        _context: &TrainContext,
    ) {
        y.copy_from(x);
    }

    #[inline]
    fn backward<const B: usize>(
        &self,
        _params: &[T],
        _x: &SMatrix<T, N, B>,
        _y: &SMatrix<T, N, B>,
        _cache: &mut (),
        dy: &SMatrix<T, N, B>,
        dx: Option<&mut SMatrix<T, N, B>>,
        _grad: &mut [T],
    ) {
        if let Some(dx) = dx {
            dx.copy_from(dy);
        }
    }

    #[inline]
    fn r_forward<const B: usize>(
        &self,
        _params: &[T],
        _v: &[T],
        _x: &SMatrix<T, N, B>,
        _y: &SMatrix<T, N, B>,
        _cache: &(),
        rx: &SMatrix<T, N, B>,
        ry: &mut SMatrix<T, N, B>,
        _r_cache: &mut (),
    ) {
        ry.copy_from(rx);
    }

    #[inline]
    fn r_backward<const B: usize>(
        &self,
        _params: &[T],
        _v: &[T],
        _x: &SMatrix<T, N, B>,
        _y: &SMatrix<T, N, B>,
        _cache: &(),
        _rx: &SMatrix<T, N, B>,
        _r_cache: &(),
        _dy: &SMatrix<T, N, B>,
        rdy: &SMatrix<T, N, B>,
        rdx: Option<&mut SMatrix<T, N, B>>,
        _r_grad: &mut [T],
    ) {
        if let Some(rdx) = rdx {
            rdx.copy_from(rdy);
        }
    }
}
