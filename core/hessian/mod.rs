//! Exact second derivatives of the training-mode mean batch loss with
//! respect to all parameters: Hessian-vector products and full Hessians.
//! Those of the evaluation-mode loss (batch normalization with its running
//! statistics fixed, no dropout) come from the same methods on
//! [`EvalMode`]`::new(net)`.
//!
//! Everything comes from the same layer definitions through Pearlmutter's
//! R-operator (B. A. Pearlmutter, "Fast exact multiplication by the
//! Hessian", Neural Computation 6(1), 1994): no finite differences, no dual
//! numbers, exact up to rounding.
//!
//! - `H v`: [`Network::hessian_vector_product`](crate::network::Network::hessian_vector_product) (one forward, one R-forward
//!   and one combined backward pass; no heap), its mean over several
//!   batches ([`mean_hessian_vector_product`]), and the Hessian as a linear
//!   operator for the matrix-free methods ([`HvpOperator`]).
//! - `H V` for many given directions at once through blocked passes
//!   ([`SecondOrder::hessian_matrix_product`]).
//! - The full `P x P` Hessian with the loss and gradient:
//!   [`SecondOrder::hessian_into`] on the stack (`no_std`, no heap, for
//!   small models), [`SecondOrder::hessian`] and
//!   [`SecondOrder::hessian_with`] on the heap (`std`; any size, an
//!   optimized matrix-multiply kernel and optional threads).
//!
//! The full Hessian pushes blocks of unit directions through the network
//! as extra matrix columns (see [`crate::layer::block`]): a block of
//! one layer's parameters starts at that layer (everything below has zero
//! tangent), computes the rows of that layer and the ones above it, and the
//! rest comes from symmetry.
//!
//! Kinks: ReLU and LeakyReLU have no second derivative at 0 and a zero one
//! elsewhere. The Hessian computed is that of the piecewise-linear function
//! on the linear piece the forward pass selected (at exactly 0 the left
//! piece, PyTorch's convention: `ReLU'(0) = 0`), with the Dirac mass of the
//! kink ignored, as every automatic-differentiation framework does. It
//! equals central differences wherever no pre-activation sits within the
//! difference step of 0.

pub(crate) mod blocks;
mod eval_mode;
mod full;
#[cfg(feature = "std")]
mod heap;
mod hvp;
pub(crate) mod pass;

pub use crate::kernel::Kernel;
pub use eval_mode::EvalMode;
pub use full::{BlockSize, STACK_BLOCK, hessian_into_blocked, hessian_matrix_product_blocked};
#[cfg(feature = "std")]
pub use heap::{Hessian, HessianOptions, MIRROR_BYTES};
pub use hvp::{Batch, HvpOperator, mean_hessian_vector_product};

use nalgebra::SMatrix;

use crate::error::Result;
use crate::loss::Loss;
use crate::scalar::Float;

/// Second-order methods of every [`Network`](crate::network::Network) (implemented for all of
/// them): full Hessians, blocked Hessian-matrix products and the Hessian
/// operator. `use constnet::prelude::*` brings it into scope.
pub trait SecondOrder<T: Float, const I: usize, const O: usize, const P: usize>:
    blocks::NetworkBlocks<T, I, O, P>
{
    /// The exact Hessian of the training-mode mean batch loss on the
    /// stack: writes it into `hessian` (`P * P` values, e.g. a
    /// `[T; P * P]` or an `SMatrix<T, P, P>`'s `as_mut_slice()`; the
    /// matrix is exactly symmetric, so the layout does not matter), the
    /// gradient into `grad`, and returns the loss. [`STACK_BLOCK`]
    /// directions per pass, portable kernel, no heap. The tangents take
    /// `STACK_BLOCK * B * (sum + 2 max of the layer widths)` values of
    /// stack: 17 KB for XOR (B = 4), 400 KB for SINE (B = 32) in f64. For
    /// another block size use [`hessian_into_blocked`]; for large models,
    /// [`SecondOrder::hessian`] (heap).
    ///
    /// # Errors
    /// [`crate::error::Error::BufferLength`] when `hessian` is not `P * P` long;
    /// a bad batch as [`crate::network::check_batch`] says (an empty
    /// batch, a NaN input, a bad target); [`crate::error::Error::NonFiniteInput`]
    /// when the loss is not finite,
    /// [`crate::error::Error::NonFiniteResult`] when an entry of the result or the
    /// gradient is not.
    fn hessian_into<L: Loss<T, O>, const B: usize>(
        &self,
        loss: &L,
        x: &SMatrix<T, I, B>,
        targets: &[L::Target; B],
        grad: &mut [T; P],
        hessian: &mut [T],
    ) -> Result<T>
    where
        Self: Sized,
    {
        hessian_into_blocked(
            self,
            loss,
            x,
            targets,
            BlockSize::<STACK_BLOCK>,
            grad,
            hessian,
        )
    }

    /// `H v_k` for several given directions at once (`directions` holds
    /// them one after the other, `P` values each; `products` the same
    /// way), [`STACK_BLOCK`] per blocked pass, on the stack. Writes the
    /// gradient into `grad` and returns the loss.
    ///
    /// # Errors
    /// [`crate::error::Error::NotMultiple`] when `directions` is not a whole number
    /// of `P`-vectors, [`crate::error::Error::BufferLength`] when `products` is not
    /// as long; a bad batch as [`crate::network::check_batch`] says (an empty
    /// batch, a NaN input, a bad target); [`crate::error::Error::NonFiniteInput`]
    /// for a NaN or infinite direction entry or when the loss is not finite,
    /// [`crate::error::Error::NonFiniteResult`] when an entry of the result or the
    /// gradient is not.
    fn hessian_matrix_product<L: Loss<T, O>, const B: usize>(
        &self,
        loss: &L,
        x: &SMatrix<T, I, B>,
        targets: &[L::Target; B],
        directions: &[T],
        grad: &mut [T; P],
        products: &mut [T],
    ) -> Result<T>
    where
        Self: Sized,
    {
        hessian_matrix_product_blocked(
            self,
            loss,
            x,
            targets,
            BlockSize::<STACK_BLOCK>,
            directions,
            grad,
            products,
        )
    }

    /// The Hessian of the loss on one batch as a linear operator, for
    /// [`crate::matrix_free`].
    fn hessian_operator<'a, L: Loss<T, O>, const B: usize>(
        &'a self,
        loss: &'a L,
        x: &'a SMatrix<T, I, B>,
        targets: &'a [L::Target; B],
    ) -> HvpOperator<'a, Self, L, T, I, O, P, B>
    where
        Self: Sized,
    {
        HvpOperator::new(self, loss, x, targets)
    }

    /// The exact Hessian, with the loss and gradient, as a new
    /// [`Hessian`] (heap; default [`HessianOptions`]: blocks of 32, one
    /// thread, the optimized kernel).
    ///
    /// # Errors
    /// a bad batch as [`crate::network::check_batch`] says (an empty
    /// batch, a NaN input, a bad target); [`crate::error::Error::NonFiniteInput`]
    /// when the loss is not finite,
    /// [`crate::error::Error::NonFiniteResult`] when an entry of the result or the
    /// gradient is not.
    #[cfg(feature = "std")]
    fn hessian<L: Loss<T, O> + Sync, const B: usize>(
        &self,
        loss: &L,
        x: &SMatrix<T, I, B>,
        targets: &[L::Target; B],
    ) -> Result<Hessian<T>>
    where
        Self: Sized + Sync,
        L::Target: Sync,
        Self::Cache<B>: Sync,
    {
        heap::hessian_value(self, loss, x, targets, &HessianOptions::default())
    }

    /// The exact Hessian into a caller's buffer (`P * P` values, reused
    /// across calls), computed as `options` say: block size, threads,
    /// kernel. Writes the gradient into `grad` and returns the loss.
    ///
    /// # Errors
    /// [`crate::error::Error::InvalidHyperParameter`] for a zero block size or
    /// thread count, [`crate::error::Error::BufferLength`] for a wrong buffer,
    /// a bad batch as [`crate::network::check_batch`] says (an empty
    /// batch, a NaN input, a bad target); [`crate::error::Error::NonFiniteInput`]
    /// when the loss is not finite,
    /// [`crate::error::Error::NonFiniteResult`] when an entry of the result or the
    /// gradient is not.
    #[cfg(feature = "std")]
    fn hessian_with<L: Loss<T, O> + Sync, const B: usize>(
        &self,
        loss: &L,
        x: &SMatrix<T, I, B>,
        targets: &[L::Target; B],
        options: &HessianOptions,
        grad: &mut [T; P],
        hessian: &mut [T],
    ) -> Result<T>
    where
        Self: Sized + Sync,
        L::Target: Sync,
        Self::Cache<B>: Sync,
    {
        heap::hessian_with(self, loss, x, targets, options, grad, hessian)
    }
}

impl<N, T, const I: usize, const O: usize, const P: usize> SecondOrder<T, I, O, P> for N
where
    N: blocks::NetworkBlocks<T, I, O, P>,
    T: Float,
{
}
