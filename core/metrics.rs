//! Classification metrics over a whole data set (evaluation mode).

use nalgebra::SMatrix;

use crate::data::Dataset;
#[cfg(doc)]
use crate::error::Error;
use crate::error::{Result, check_param};
#[cfg(doc)]
use crate::loss::BceWithLogits;
use crate::loss::{Bce, CrossEntropy, Loss};
use crate::network::Network;
use crate::scalar::Float;

/// The index of the largest output of one sample (the first on ties).
#[must_use]
pub fn argmax<T: Float>(values: &[T]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}

/// Fraction of samples whose largest output is the target class. The
/// classes are checked first (the inputs were, when the data set was made).
///
/// # Errors
/// [`Error::ClassOutOfRange`] naming the first sample whose class is not
/// below `O` (it could never be predicted).
pub fn accuracy<T, N, const I: usize, const O: usize, const P: usize>(
    net: &N,
    data: &Dataset<'_, T, I, usize>,
) -> Result<f64>
where
    T: Float,
    N: Network<T, I, O, P>,
{
    <CrossEntropy as Loss<T, O>>::check_targets(&CrossEntropy, data.targets())?;
    let mut correct = 0usize;
    for (row, &class) in data.inputs().iter().zip(data.targets()) {
        let x = SMatrix::<T, I, 1>::from_column_slice(row);
        if argmax(net.forward(&x).as_slice()) == class {
            correct += 1;
        }
    }
    Ok(correct as f64 / data.len() as f64)
}

/// Fraction of binary outputs on the right side of `threshold`, over all
/// samples and outputs: a prediction is 1 when the output exceeds the
/// threshold (0 for logits, 0.5 for probabilities), the target is 1 when it
/// is at least 0.5. The targets are checked first: each in `[0, 1]`, as
/// for [`Bce`] and [`BceWithLogits`].
///
/// # Errors
/// [`Error::InvalidHyperParameter`] for a NaN or infinite `threshold`;
/// [`Error::InvalidTarget`] naming the first sample with a target element
/// that is NaN or outside `[0, 1]`.
pub fn binary_accuracy<T, N, const I: usize, const O: usize, const P: usize>(
    net: &N,
    data: &Dataset<'_, T, I, [T; O]>,
    threshold: f64,
) -> Result<f64>
where
    T: Float,
    N: Network<T, I, O, P>,
{
    check_param(
        "threshold",
        threshold,
        threshold.is_finite(),
        "must be finite",
    )?;
    <Bce as Loss<T, O>>::check_targets(&Bce, data.targets())?;
    let mut correct = 0usize;
    let threshold = T::of_f64(threshold);
    let half = T::of_f64(0.5);
    for (row, target) in data.inputs().iter().zip(data.targets()) {
        let x = SMatrix::<T, I, 1>::from_column_slice(row);
        let y = net.forward(&x);
        for (&y, &t) in y.as_slice().iter().zip(target) {
            if (y > threshold) == (t >= half) {
                correct += 1;
            }
        }
    }
    Ok(correct as f64 / (data.len() * O) as f64)
}
