//! Loss functions: value, gradient and Hessian-vector product with respect
//! to the network's output, each the mean over the batch (PyTorch's
//! `reduction = "mean"`).
//!
//! | loss | PyTorch | target per sample | mean over |
//! |---|---|---|---|
//! | [`Mse`] | `MSELoss` | `[T; O]` | all `B * O` elements |
//! | [`Bce`] | `BCELoss` (on probabilities, log clamped at -100) | `[T; O]` in [0, 1] | all elements |
//! | [`BceWithLogits`] | `BCEWithLogitsLoss` | `[T; O]` in [0, 1] | all elements |
//! | [`CrossEntropy`] | `CrossEntropyLoss` with class indices | `usize` class | the batch |
//! | [`CrossEntropyOneHot`] | `CrossEntropyLoss` with probabilities | `[T; O]` (one-hot or soft) | the batch |
//!
//! The Hessian-vector product with respect to the output is what the
//! R-operator needs at the top of the network: `R{dL/dy} = H_y R{y}`.

mod bce;
mod cross_entropy;
mod mse;

pub use bce::{Bce, BceWithLogits};
pub use cross_entropy::{CrossEntropy, CrossEntropyOneHot};
pub use mse::Mse;

use nalgebra::SMatrix;

use crate::error::{Error, Result};
use crate::scalar::Float;

/// A loss on a network's output of width `O`.
pub trait Loss<T: Float, const O: usize> {
    /// What one sample's target is: `[T; O]` for regression and one-hot,
    /// `usize` for a class index.
    type Target: Copy + core::fmt::Debug;

    /// Checks that a target is valid for this loss (finite, in range): an
    /// [`Error::InvalidTarget`] or [`Error::ClassOutOfRange`] naming the
    /// element, its value and the allowed range, with sample index 0.
    fn check_target(&self, target: &Self::Target) -> Result<()>;

    /// Checks every target of a data set with [`Loss::check_target`]; the
    /// error names the index of the first bad sample. Training validates
    /// its training and held-out targets with it before the first step.
    fn check_targets(&self, targets: &[Self::Target]) -> Result<()> {
        for (sample, target) in targets.iter().enumerate() {
            self.check_target(target)
                .map_err(|error| error.for_sample(sample))?;
        }
        Ok(())
    }

    /// The mean loss over the batch.
    fn loss<const B: usize>(&self, output: &SMatrix<T, O, B>, targets: &[Self::Target; B]) -> T;

    /// The mean loss, and its gradient with respect to `output` written into
    /// `gradient` (overwritten).
    fn loss_and_gradient<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        targets: &[Self::Target; B],
        gradient: &mut SMatrix<T, O, B>,
    ) -> T;

    /// The Hessian of the mean loss with respect to `output`, applied to
    /// `direction`, written into `product` (overwritten).
    fn hessian_product<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        targets: &[Self::Target; B],
        direction: &SMatrix<T, O, B>,
        product: &mut SMatrix<T, O, B>,
    );

    /// [`Loss::hessian_product`] for a block of directions at once (the
    /// full Hessian's blocked pass): direction `k` is the column-major
    /// `O x B` matrix at `directions[k * O * B..]`, its product goes to the
    /// same place in `products` (overwritten). Default: one
    /// [`Loss::hessian_product`] per direction; losses override it to
    /// compute what the directions share (softmax, sigmoid) once.
    fn hessian_product_block<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        targets: &[Self::Target; B],
        directions: &[T],
        products: &mut [T],
    ) {
        let mut product = SMatrix::<T, O, B>::zeros();
        let pairs = directions
            .chunks_exact(O * B)
            .zip(products.chunks_exact_mut(O * B));
        for (direction, out) in pairs {
            let direction = SMatrix::<T, O, B>::from_column_slice(direction);
            self.hessian_product(output, targets, &direction, &mut product);
            out.copy_from_slice(product.as_slice());
        }
    }
}

/// The sum of `term(y, t)` over every output element `y` and its target
/// `t`: the numerator of the losses averaged over all `B * O` elements.
#[inline]
pub(crate) fn elementwise_sum<T: Float, const O: usize, const B: usize>(
    output: &SMatrix<T, O, B>,
    targets: &[[T; O]; B],
    term: impl Fn(T, T) -> T,
) -> T {
    let mut sum = T::zero();
    for (&y, &t) in output.as_slice().iter().zip(targets.as_flattened()) {
        sum += term(y, t);
    }
    sum
}

/// [`elementwise_sum`] for `term_and_gradient(y, t) = (term, gradient)`,
/// writing each element's gradient into `gradient` (overwritten): one pass
/// serves the value and the gradient, in the same order as the value alone.
#[inline]
pub(crate) fn elementwise_sum_and_gradient<T: Float, const O: usize, const B: usize>(
    output: &SMatrix<T, O, B>,
    targets: &[[T; O]; B],
    gradient: &mut SMatrix<T, O, B>,
    term_and_gradient: impl Fn(T, T) -> (T, T),
) -> T {
    let mut sum = T::zero();
    let elements = output.as_slice().iter().zip(targets.as_flattened());
    for ((&y, &t), g) in elements.zip(gradient.as_mut_slice()) {
        let (term, slope) = term_and_gradient(y, t);
        sum += term;
        *g = slope;
    }
    sum
}

/// Checks that every element of a vector target is finite and in `[low,
/// high]`; `expected` says so in the error.
pub(crate) fn check_vector_target<T: Float, const O: usize>(
    target: &[T; O],
    low: f64,
    high: f64,
    expected: &'static str,
) -> Result<()> {
    for (element, &t) in target.iter().enumerate() {
        let value = t.to_f64();
        if !(low..=high).contains(&value) {
            return Err(Error::InvalidTarget {
                sample: 0,
                element,
                value,
                expected,
            });
        }
    }
    Ok(())
}
