//! Softmax cross-entropy on logits, PyTorch's `CrossEntropyLoss`: with class
//! indices ([`CrossEntropy`]) and with one-hot or soft probability targets
//! ([`CrossEntropyOneHot`]).
//!
//! Per sample with logits z and target distribution t (one-hot for an
//! index): `l = (sum t) lse(z) - <t, z>` where `lse(z) = m + ln sum e^(z - m)`,
//! `m = max z` (log-sum-exp, no overflow). With `p = softmax(z)`:
//! gradient `(sum t) p - t`, Hessian `(sum t)(diag p - p p^T)`. Averaged over
//! the batch.

use nalgebra::SMatrix;

use super::{Loss, check_vector_target};
use crate::error::{Error, Result};
use crate::layer::softmax::{softmax_column, softmax_jvp_column};
use crate::math;
use crate::scalar::Float;

/// Softmax cross-entropy with a class index per sample.
///
/// A class index at or above `O` passed directly (without the validation the
/// training loop does) gives an infinite loss and a zero gradient for that
/// sample rather than a panic, so the mistake cannot go unnoticed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CrossEntropy;

/// Softmax cross-entropy with a probability vector per sample (one-hot or
/// soft labels, PyTorch's "class probabilities" targets).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CrossEntropyOneHot;

/// log-sum-exp of one column, shifted by its maximum.
#[inline]
fn log_sum_exp<T: Float>(z: &[T]) -> T {
    let mut max = z[0];
    for &v in &z[1..] {
        if v > max {
            max = v;
        }
    }
    let mut sum = T::zero();
    for &v in z {
        sum += math::exp(v - max);
    }
    max + math::ln(sum)
}

impl<T: Float, const O: usize> Loss<T, O> for CrossEntropy {
    type Target = usize;

    fn check_target(&self, target: &usize) -> Result<()> {
        if *target < O {
            Ok(())
        } else {
            Err(Error::ClassOutOfRange {
                sample: 0,
                class: *target,
                classes: O,
            })
        }
    }

    #[inline]
    fn loss<const B: usize>(&self, output: &SMatrix<T, O, B>, targets: &[usize; B]) -> T {
        let mut sum = T::zero();
        for (z, &c) in output.as_slice().chunks_exact(O).zip(targets) {
            match z.get(c) {
                Some(&zc) => sum += log_sum_exp(z) - zc,
                None => return T::of_f64(f64::INFINITY),
            }
        }
        sum / T::of_usize(B)
    }

    #[inline]
    fn loss_and_gradient<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        targets: &[usize; B],
        gradient: &mut SMatrix<T, O, B>,
    ) -> T {
        let n = T::of_usize(B);
        let mut sum = T::zero();
        let columns = output
            .as_slice()
            .chunks_exact(O)
            .zip(gradient.as_mut_slice().chunks_exact_mut(O));
        for ((z, g), &c) in columns.zip(targets) {
            if c >= O {
                g.fill(T::zero());
                sum = T::of_f64(f64::INFINITY);
                continue;
            }
            let lse = softmax_column(z, g);
            sum += lse - z[c];
            g[c] -= T::one();
            for g in g.iter_mut() {
                *g /= n;
            }
        }
        sum / n
    }

    #[inline]
    fn hessian_product<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        _targets: &[usize; B],
        direction: &SMatrix<T, O, B>,
        product: &mut SMatrix<T, O, B>,
    ) {
        softmax_hessian_block(output, direction.as_slice(), product.as_mut_slice(), |_| {
            T::one()
        });
    }

    fn hessian_product_block<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        _targets: &[usize; B],
        directions: &[T],
        products: &mut [T],
    ) {
        softmax_hessian_block(output, directions, products, |_| T::one());
    }
}

/// `scale_b (diag p - p p^T) d / B` for each sample b, with `p = softmax(z)`,
/// for a block of directions `d` (one direction is the plain Hessian
/// product): the softmax of each sample is computed once for all of them.
fn softmax_hessian_block<T: Float, const O: usize, const B: usize>(
    output: &SMatrix<T, O, B>,
    directions: &[T],
    products: &mut [T],
    scale: impl Fn(usize) -> T,
) {
    let n = T::of_usize(B);
    let mut probabilities = SMatrix::<T, O, B>::zeros();
    let mut scales = [T::zero(); B];
    let columns = output
        .as_slice()
        .chunks_exact(O)
        .zip(probabilities.as_mut_slice().chunks_exact_mut(O));
    for (b, (z, p)) in columns.enumerate() {
        softmax_column(z, p);
        scales[b] = scale(b) / n;
    }
    let blocks = directions
        .chunks_exact(O * B)
        .zip(products.chunks_exact_mut(O * B));
    for (direction, out) in blocks {
        let columns = direction
            .chunks_exact(O)
            .zip(out.chunks_exact_mut(O))
            .zip(probabilities.as_slice().chunks_exact(O));
        for (b, ((d, out), p)) in columns.enumerate() {
            softmax_jvp_column(p, d, out);
            for v in out.iter_mut() {
                *v *= scales[b];
            }
        }
    }
}

impl<T: Float, const O: usize> Loss<T, O> for CrossEntropyOneHot {
    type Target = [T; O];

    fn check_target(&self, target: &[T; O]) -> Result<()> {
        check_vector_target(target, 0.0, f64::MAX, "finite and >= 0")
    }

    #[inline]
    fn loss<const B: usize>(&self, output: &SMatrix<T, O, B>, targets: &[[T; O]; B]) -> T {
        let mut sum = T::zero();
        for (z, t) in output.as_slice().chunks_exact(O).zip(targets) {
            let lse = log_sum_exp(z);
            for (&z, &t) in z.iter().zip(t) {
                sum += t * (lse - z);
            }
        }
        sum / T::of_usize(B)
    }

    #[inline]
    fn loss_and_gradient<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        targets: &[[T; O]; B],
        gradient: &mut SMatrix<T, O, B>,
    ) -> T {
        let n = T::of_usize(B);
        let mut sum = T::zero();
        let columns = output
            .as_slice()
            .chunks_exact(O)
            .zip(gradient.as_mut_slice().chunks_exact_mut(O));
        for ((z, g), t) in columns.zip(targets) {
            let lse = softmax_column(z, g);
            let mut mass = T::zero();
            for (&z, &t) in z.iter().zip(t) {
                sum += t * (lse - z);
                mass += t;
            }
            for (g, &t) in g.iter_mut().zip(t) {
                *g = (mass * *g - t) / n;
            }
        }
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
        softmax_hessian_block(output, direction.as_slice(), product.as_mut_slice(), |b| {
            target_mass(&targets[b])
        });
    }

    fn hessian_product_block<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        targets: &[[T; O]; B],
        directions: &[T],
        products: &mut [T],
    ) {
        softmax_hessian_block(output, directions, products, |b| target_mass(&targets[b]));
    }
}

/// The total mass `sum t` of one sample's target distribution.
fn target_mass<T: Float, const O: usize>(target: &[T; O]) -> T {
    let mut mass = T::zero();
    for &t in target {
        mass += t;
    }
    mass
}
