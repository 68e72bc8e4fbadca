//! The layer traits of every elementwise activation, written once from the
//! three formulas of its [`Elementwise`] impl (value, first and second
//! derivative): one macro arm serves `ReLU`, `LeakyReLU`, `Tanh`, `Sigmoid`
//! and `Identity`.

use nalgebra::SMatrix;

use super::block;
use super::{
    Elementwise, Identity, LeakyReLU, ReLU, Sigmoid, Tanh, elementwise_backward,
    elementwise_forward, elementwise_r_backward, elementwise_r_forward,
};
use crate::layer::{Layer, LayerConfig, LayerShape, Properties, TensorShape, TrainContext};
use crate::rng::Rng;
use crate::scalar::Float;

macro_rules! elementwise_layer {
    ($ty:ty) => {
        impl LayerConfig for $ty {
            const NAME: &'static str = <$ty as Elementwise>::NAME;
            const DEFAULT: Self = <$ty as Elementwise>::DEFAULT;
            const INPUT: Option<usize> = None;
            const PROPERTIES: Properties = if <$ty as Elementwise>::ODD {
                Properties::NONE.elementwise().odd()
            } else {
                Properties::NONE.elementwise()
            };
        }

        impl<const N: usize> LayerShape<N> for $ty {
            const OUTPUT: usize = N;
            const TENSORS: &'static [TensorShape] = &[];
        }

        impl<T: Float, const N: usize> Layer<T, N, N> for $ty {
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
                elementwise_forward(self, x.as_slice(), y.as_mut_slice());
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
                elementwise_forward(self, x.as_slice(), y.as_mut_slice());
            }

            #[inline]
            fn backward<const B: usize>(
                &self,
                _params: &[T],
                x: &SMatrix<T, N, B>,
                y: &SMatrix<T, N, B>,
                _cache: &mut (),
                dy: &SMatrix<T, N, B>,
                dx: Option<&mut SMatrix<T, N, B>>,
                _grad: &mut [T],
            ) {
                if let Some(dx) = dx {
                    elementwise_backward(
                        self,
                        x.as_slice(),
                        y.as_slice(),
                        dy.as_slice(),
                        dx.as_mut_slice(),
                    );
                }
            }

            #[inline]
            fn r_forward<const B: usize>(
                &self,
                _params: &[T],
                _v: &[T],
                x: &SMatrix<T, N, B>,
                y: &SMatrix<T, N, B>,
                _cache: &(),
                rx: &SMatrix<T, N, B>,
                ry: &mut SMatrix<T, N, B>,
                _r_cache: &mut (),
            ) {
                elementwise_r_forward(
                    self,
                    x.as_slice(),
                    y.as_slice(),
                    rx.as_slice(),
                    ry.as_mut_slice(),
                );
            }

            #[inline]
            fn r_backward<const B: usize>(
                &self,
                _params: &[T],
                _v: &[T],
                x: &SMatrix<T, N, B>,
                y: &SMatrix<T, N, B>,
                _cache: &(),
                rx: &SMatrix<T, N, B>,
                _r_cache: &(),
                dy: &SMatrix<T, N, B>,
                rdy: &SMatrix<T, N, B>,
                rdx: Option<&mut SMatrix<T, N, B>>,
                _r_grad: &mut [T],
            ) {
                if let Some(rdx) = rdx {
                    elementwise_r_backward(
                        self,
                        x.as_slice(),
                        y.as_slice(),
                        rx.as_slice(),
                        dy.as_slice(),
                        rdy.as_slice(),
                        rdx.as_mut_slice(),
                    );
                }
            }

            block::elementwise_block_methods!();
        }
    };
}

elementwise_layer!(ReLU);
elementwise_layer!(LeakyReLU);
elementwise_layer!(Tanh);
elementwise_layer!(Sigmoid);
elementwise_layer!(Identity);
