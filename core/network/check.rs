//! The check every public batch entry point runs once before its passes:
//! [`check_batch`] (the batch is not empty, its inputs are finite, every
//! target is valid for the loss) and [`check_direction`] (the direction of
//! a Hessian- or curvature-vector product is finite).
//!
//! Both only read what they are given and return `Result<()>`, so a caller
//! writes into its own buffers after them: the checked path keeps no copy
//! of the batch, the gradient or the cache.

use nalgebra::SMatrix;

use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::scalar::Float;

/// Checks a batch of `B` samples (one column each) and their targets
/// before a pass over them, in this order:
///
/// 1. `B >= 1`: an empty batch has no mean loss;
/// 2. every input is finite: the first column with a NaN or infinite value;
/// 3. every target passes [`Loss::check_target`]: the first bad sample.
///
/// The cost is one read of the inputs and the targets, `O(B (I + O))`,
/// against the `O(B P)` of the pass it guards.
///
/// ```
/// use constnet::network::check_batch;
/// use constnet::prelude::*;
///
/// // Two samples (columns) of two inputs; sample 1 has a NaN input.
/// let x = SMatrix::<f32, 2, 2>::new(0.5, f32::NAN, 1.0, 0.0);
/// assert_eq!(
///     check_batch::<f32, _, 2, 3, 2>(&CrossEntropy, &x, &[0, 1]),
///     Err(Error::NonFiniteData { sample: 1 })
/// );
/// let x = SMatrix::<f32, 2, 2>::zeros();
/// assert_eq!(
///     check_batch::<f32, _, 2, 3, 2>(&CrossEntropy, &x, &[0, 3]),
///     Err(Error::ClassOutOfRange { sample: 1, class: 3, classes: 3 })
/// );
/// ```
///
/// # Errors
/// [`Error::NotEnoughSamples`] for `B = 0`; [`Error::NonFiniteData`]
/// naming the first sample whose input is NaN or infinite;
/// [`Error::InvalidTarget`] or [`Error::ClassOutOfRange`] naming the first
/// sample whose target the loss refuses.
#[inline(never)]
pub fn check_batch<T, L, const I: usize, const O: usize, const B: usize>(
    loss: &L,
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
) -> Result<()>
where
    T: Float,
    L: Loss<T, O>,
{
    if B == 0 {
        return Err(Error::NotEnoughSamples {
            available: 0,
            needed: 1,
        });
    }
    // Column-major: element `k` belongs to sample `k / I` (no element when
    // `I = 0`, so no division by zero).
    if let Some(k) = x.as_slice().iter().position(|v| !v.finite()) {
        return Err(Error::NonFiniteData { sample: k / I });
    }
    loss.check_targets(targets)
}

/// Checks that the direction `v` of a Hessian-, Gauss-Newton- or
/// Fisher-vector product is finite: a NaN in `v` would make every entry
/// of the product NaN.
///
/// # Errors
/// [`Error::NonFiniteInput`] with `what = "direction entry"`.
#[inline(never)]
pub fn check_direction<T: Float>(v: &[T]) -> Result<()> {
    if crate::scalar::all_finite(v) {
        Ok(())
    } else {
        Err(Error::NonFiniteInput {
            what: "direction entry",
        })
    }
}
