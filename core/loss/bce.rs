//! Binary cross-entropy, on probabilities ([`Bce`], PyTorch's `BCELoss`) and
//! on logits ([`BceWithLogits`], PyTorch's `BCEWithLogitsLoss`).
//!
//! On probabilities p: `l = -(t ln p + (1 - t) ln(1 - p))` with each
//! logarithm clamped at -100 as PyTorch does, gradient
//! `(p - t) / max(p (1 - p), 1e-12)`, second derivative
//! `t / p^2 + (1 - t) / (1 - p)^2` (denominators clamped the same way).
//!
//! On logits z: `l = max(z, 0) - z t + ln(1 + e^-|z|)`, which never
//! overflows; gradient `sigmoid(z) - t`, second derivative
//! `sigmoid(z)(1 - sigmoid(z))`. Both are averaged over all `B * O` elements.

use nalgebra::SMatrix;

use super::{Loss, check_vector_target, elementwise_sum, elementwise_sum_and_gradient};
use crate::error::Result;
use crate::layer::block::diagonal_block;
use crate::math;
use crate::scalar::Float;

/// Binary cross-entropy on probabilities in `[0, 1]` (after a `Sigmoid` layer).
///
/// Prefer [`BceWithLogits`] on a linear output: it is exact where this
/// one must clamp.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bce;

/// Binary cross-entropy on logits: sigmoid and log fused, stable for every z.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BceWithLogits;

/// PyTorch's floor for `ln p` in `BCELoss`.
const LOG_FLOOR: f64 = -100.0;
/// PyTorch's floor for `p (1 - p)` in `BCELoss`'s backward.
const DENOMINATOR_FLOOR: f64 = 1e-12;

#[inline]
fn clamped_ln<T: Float>(p: T) -> T {
    let floor = T::of_f64(LOG_FLOOR);
    if p <= T::zero() {
        return floor;
    }
    let l = math::ln(p);
    if l < floor { floor } else { l }
}

#[inline]
fn floored<T: Float>(v: T, floor: f64) -> T {
    let floor = T::of_f64(floor);
    if v < floor { floor } else { v }
}

/// One element's `-(t ln p + (1 - t) ln(1 - p))`, each logarithm clamped.
#[inline]
fn bce_term<T: Float>(p: T, t: T) -> T {
    -(t * clamped_ln(p) + (T::one() - t) * clamped_ln(T::one() - p))
}

/// One element's `max(z, 0) - z t + ln(1 + e^-|z|)` (`softplus(z) - z t`).
#[inline]
fn logit_term<T: Float>(z: T, t: T) -> T {
    math::softplus(z) - z * t
}

impl<T: Float, const O: usize> Loss<T, O> for Bce {
    type Target = [T; O];

    fn check_target(&self, target: &[T; O]) -> Result<()> {
        check_vector_target(target, 0.0, 1.0, "in [0, 1]")
    }

    #[inline]
    fn loss<const B: usize>(&self, output: &SMatrix<T, O, B>, targets: &[[T; O]; B]) -> T {
        elementwise_sum(output, targets, bce_term) / T::of_usize(B * O)
    }

    #[inline]
    fn loss_and_gradient<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        targets: &[[T; O]; B],
        gradient: &mut SMatrix<T, O, B>,
    ) -> T {
        let n = T::of_usize(B * O);
        let sum = elementwise_sum_and_gradient(output, targets, gradient, |p, t| {
            let slope = (p - t) / floored(p * (T::one() - p), DENOMINATOR_FLOOR);
            (bce_term(p, t), slope / n)
        });
        sum / n
    }

    #[inline]
    fn hessian_product<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        targets: &[[T; O]; B],
        direction: &SMatrix<T, O, B>,
        product: &mut SMatrix<T, O, B>,
    ) {
        let n = T::of_usize(B * O);
        let columns = output
            .as_slice()
            .chunks_exact(O)
            .zip(direction.as_slice().chunks_exact(O));
        for (((p, d), t), out) in columns
            .zip(targets)
            .zip(product.as_mut_slice().chunks_exact_mut(O))
        {
            for (((&p, &d), &t), out) in p.iter().zip(d).zip(t).zip(out) {
                *out = bce_curvature(p, t) * d / n;
            }
        }
    }

    fn hessian_product_block<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        targets: &[[T; O]; B],
        directions: &[T],
        products: &mut [T],
    ) {
        let n = T::of_usize(B * O);
        let mut weights = SMatrix::<T, O, B>::zeros();
        for (b, target) in targets.iter().enumerate() {
            for (o, &t) in target.iter().enumerate() {
                weights[(o, b)] = bce_curvature(output[(o, b)], t) / n;
            }
        }
        diagonal_block(weights.as_slice(), directions, products);
    }
}

/// `t / p^2 + (1 - t) / (1 - p)^2`, each denominator floored as PyTorch does.
#[inline]
fn bce_curvature<T: Float>(p: T, t: T) -> T {
    let q = T::one() - p;
    t / floored(p * p, DENOMINATOR_FLOOR) + (T::one() - t) / floored(q * q, DENOMINATOR_FLOOR)
}

impl<T: Float, const O: usize> Loss<T, O> for BceWithLogits {
    type Target = [T; O];

    fn check_target(&self, target: &[T; O]) -> Result<()> {
        check_vector_target(target, 0.0, 1.0, "in [0, 1]")
    }

    #[inline]
    fn loss<const B: usize>(&self, output: &SMatrix<T, O, B>, targets: &[[T; O]; B]) -> T {
        elementwise_sum(output, targets, logit_term) / T::of_usize(B * O)
    }

    #[inline]
    fn loss_and_gradient<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        targets: &[[T; O]; B],
        gradient: &mut SMatrix<T, O, B>,
    ) -> T {
        let n = T::of_usize(B * O);
        let sum = elementwise_sum_and_gradient(output, targets, gradient, |z, t| {
            (logit_term(z, t), (math::sigmoid(z) - t) / n)
        });
        sum / n
    }

    #[inline]
    fn hessian_product<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        _targets: &[[T; O]; B],
        direction: &SMatrix<T, O, B>,
        product: &mut SMatrix<T, O, B>,
    ) {
        let n = T::of_usize(B * O);
        let pairs = output.as_slice().iter().zip(direction.as_slice());
        for ((&z, &d), out) in pairs.zip(product.as_mut_slice()) {
            let s = math::sigmoid(z);
            *out = s * (T::one() - s) * d / n;
        }
    }

    fn hessian_product_block<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        _targets: &[[T; O]; B],
        directions: &[T],
        products: &mut [T],
    ) {
        let n = T::of_usize(B * O);
        let weights = output.map(|z| {
            let s = math::sigmoid(z);
            s * (T::one() - s) / n
        });
        diagonal_block(weights.as_slice(), directions, products);
    }
}
