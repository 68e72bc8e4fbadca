//! [`Weighted`], the loss adapter that gives each sample of a batch its own
//! weight: the risk's partial last batch, whose padding weighs 0.

use nalgebra::SMatrix;

use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::scalar::Float;

/// A loss with a weight per sample: `sum_b weights[b] L(y_b, t_b)`, each
/// term the inner loss of one sample (a batch of 1), its gradient and
/// Hessian product weighted alike. Samples beyond `weights` weigh 0. With
/// weights `1 / B` it is the inner mean loss.
#[derive(Clone, Copy, Debug)]
pub struct Weighted<'l, L, const B: usize> {
    inner: &'l L,
    weights: [f64; B],
}

impl<'l, L, const B: usize> Weighted<'l, L, B> {
    /// `inner` with these per-sample weights.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] (named `weight`) for a weight that
    /// is negative, NaN or beyond `f32`'s range (the adapter serves `f32`
    /// and `f64` networks alike, and a weight that is infinite in `f32`
    /// would make every loss infinite).
    pub fn new(inner: &'l L, weights: [f64; B]) -> Result<Self> {
        if let Some(&bad) = weights
            .iter()
            .find(|w| !(**w >= 0.0 && **w <= f64::from(f32::MAX)))
        {
            return Err(Error::InvalidHyperParameter {
                name: "weight",
                value: bad,
                expected: "every weight finite, >= 0 and within f32's range",
            });
        }
        Ok(Self { inner, weights })
    }

    fn weight(&self, b: usize) -> f64 {
        self.weights.get(b).copied().unwrap_or(0.0)
    }
}

/// Column `b` of a batch, as a batch of one.
fn column<T: Float, const O: usize, const C: usize>(
    m: &SMatrix<T, O, C>,
    b: usize,
) -> SMatrix<T, O, 1> {
    m.column(b).into_owned()
}

impl<T: Float, const O: usize, L: Loss<T, O>, const W: usize> Loss<T, O> for Weighted<'_, L, W> {
    type Target = L::Target;

    fn check_target(&self, target: &Self::Target) -> Result<()> {
        self.inner.check_target(target)
    }

    fn loss<const B: usize>(&self, output: &SMatrix<T, O, B>, targets: &[Self::Target; B]) -> T {
        (0..B)
            .filter(|&b| self.weight(b) != 0.0)
            .fold(T::zero(), |sum, b| {
                let one = self.inner.loss(&column(output, b), &[targets[b]]);
                sum + one * T::of_f64(self.weight(b))
            })
    }

    fn loss_and_gradient<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        targets: &[Self::Target; B],
        gradient: &mut SMatrix<T, O, B>,
    ) -> T {
        let mut sum = T::zero();
        let mut one_gradient = SMatrix::<T, O, 1>::zeros();
        for (b, target) in targets.iter().enumerate() {
            let w = T::of_f64(self.weight(b));
            if w == T::zero() {
                gradient.column_mut(b).fill(T::zero());
                continue;
            }
            let one =
                self.inner
                    .loss_and_gradient(&column(output, b), &[*target], &mut one_gradient);
            sum += one * w;
            gradient.set_column(b, &(one_gradient * w));
        }
        sum
    }

    fn hessian_product<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        targets: &[Self::Target; B],
        direction: &SMatrix<T, O, B>,
        product: &mut SMatrix<T, O, B>,
    ) {
        let mut one_product = SMatrix::<T, O, 1>::zeros();
        for (b, target) in targets.iter().enumerate() {
            let w = T::of_f64(self.weight(b));
            if w == T::zero() {
                product.column_mut(b).fill(T::zero());
                continue;
            }
            self.inner.hessian_product(
                &column(output, b),
                &[*target],
                &column(direction, b),
                &mut one_product,
            );
            product.set_column(b, &(one_product * w));
        }
    }
}
