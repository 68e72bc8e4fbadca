//! Mean squared error, PyTorch's `MSELoss`:
//! `L = 1/(B O) sum (y - t)^2`, `dL/dy = 2 (y - t) / (B O)`, `H = 2 / (B O) I`.

use nalgebra::SMatrix;

use super::{Loss, check_vector_target, elementwise_sum, elementwise_sum_and_gradient};
use crate::error::Result;
use crate::scalar::Float;

/// Mean squared error over all `B * O` output elements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mse;

impl<T: Float, const O: usize> Loss<T, O> for Mse {
    type Target = [T; O];

    fn check_target(&self, target: &[T; O]) -> Result<()> {
        check_vector_target(target, f64::MIN, f64::MAX, "finite")
    }

    #[inline]
    fn loss<const B: usize>(&self, output: &SMatrix<T, O, B>, targets: &[[T; O]; B]) -> T {
        elementwise_sum(output, targets, |y, t| (y - t) * (y - t)) / T::of_usize(B * O)
    }

    #[inline]
    fn loss_and_gradient<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        targets: &[[T; O]; B],
        gradient: &mut SMatrix<T, O, B>,
    ) -> T {
        let scale = T::of_f64(2.0) / T::of_usize(B * O);
        let sum = elementwise_sum_and_gradient(output, targets, gradient, |y, t| {
            let r = y - t;
            (r * r, scale * r)
        });
        sum / T::of_usize(B * O)
    }

    #[inline]
    fn hessian_product<const B: usize>(
        &self,
        _output: &SMatrix<T, O, B>,
        _targets: &[[T; O]; B],
        direction: &SMatrix<T, O, B>,
        product: &mut SMatrix<T, O, B>,
    ) {
        let scale = T::of_f64(2.0) / T::of_usize(B * O);
        for (p, &d) in product.as_mut_slice().iter_mut().zip(direction.as_slice()) {
            *p = scale * d;
        }
    }

    #[inline]
    fn hessian_product_block<const B: usize>(
        &self,
        _output: &SMatrix<T, O, B>,
        _targets: &[[T; O]; B],
        directions: &[T],
        products: &mut [T],
    ) {
        let scale = T::of_f64(2.0) / T::of_usize(B * O);
        for (p, &d) in products.iter_mut().zip(directions) {
            *p = scale * d;
        }
    }
}
