//! Data sets held in slices, and minibatches of a const size `B`.
//!
//! A [`Dataset`] borrows one input row `[T; I]` and one target per sample;
//! nothing is copied until a batch is gathered into an `SMatrix<T, I, B>`
//! (one column per sample) on the stack. An epoch visits the samples in the
//! order of a caller-provided index slice, typically shuffled with
//! [`Rng::shuffle`](crate::rng::Rng::shuffle).
//!
//! The last partial batch: when `B` does not divide the number of samples
//! `N`, [`LastBatch::Fill`] (the default) completes the last batch with the
//! first samples of the epoch's order, so every sample is seen at least once
//! per epoch and `ceil(N / B)` batches are taken; [`LastBatch::Drop`] skips
//! the `N mod B` leftover samples (PyTorch's `drop_last = True`), taking
//! `floor(N / B)` batches. Because the order is reshuffled each epoch, a
//! dropped sample is a different one each time.
//!
//! Submodules: [`csv`] reads numeric CSV files (`std`), [`standardize`]
//! scales features with training-set statistics.

#[cfg(feature = "std")]
pub mod csv;
pub mod standardize;

pub use standardize::Standardizer;

use nalgebra::SMatrix;

use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::scalar::{Float, all_finite};

/// What to do with the samples left over when the batch size does not
/// divide the data set size.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LastBatch {
    /// Complete the last batch with samples from the start of the epoch's
    /// order (each sample seen at least once per epoch).
    #[default]
    Fill,
    /// Skip the leftover samples (PyTorch's `drop_last = True`).
    Drop,
}

impl LastBatch {
    /// Number of batches of size `batch` in an epoch over `samples` samples.
    #[must_use]
    pub const fn batches(self, samples: usize, batch: usize) -> usize {
        if batch == 0 {
            return 0;
        }
        match self {
            Self::Fill => samples.div_ceil(batch),
            Self::Drop => samples / batch,
        }
    }
}

/// Inputs and targets of `len()` samples, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Dataset<'a, T, const I: usize, Y> {
    inputs: &'a [[T; I]],
    targets: &'a [Y],
}

impl<'a, T: Float, const I: usize, Y: Copy> Dataset<'a, T, I, Y> {
    /// A data set of `inputs.len()` samples. Fails when the lengths differ,
    /// when there are no samples, when a sample has no features (`I = 0`),
    /// or when an input is NaN or infinite.
    pub fn new(inputs: &'a [[T; I]], targets: &'a [Y]) -> Result<Self> {
        if I == 0 {
            return Err(Error::ZeroWidth {
                what: "an input sample",
            });
        }
        if inputs.len() != targets.len() {
            return Err(Error::LengthMismatch {
                inputs: inputs.len(),
                targets: targets.len(),
            });
        }
        if inputs.is_empty() {
            return Err(Error::NotEnoughSamples {
                available: 0,
                needed: 1,
            });
        }
        if let Some(sample) = inputs.iter().position(|row| !all_finite(row)) {
            return Err(Error::NonFiniteData { sample });
        }
        Ok(Self { inputs, targets })
    }

    /// Number of samples.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.inputs.len()
    }

    /// Always `false`: a data set has at least one sample.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// The input rows.
    #[must_use]
    pub const fn inputs(&self) -> &'a [[T; I]] {
        self.inputs
    }

    /// The targets.
    #[must_use]
    pub const fn targets(&self) -> &'a [Y] {
        self.targets
    }

    /// The first `n` samples and the rest, as two data sets (for a
    /// train/test split after shuffling the rows with [`shuffle_together`]).
    ///
    /// # Errors
    /// [`Error::NotEnoughSamples`] unless `0 < n < len()` (both parts need a
    /// sample).
    pub fn split_at(&self, n: usize) -> Result<(Self, Self)> {
        if n == 0 || n >= self.len() {
            return Err(Error::NotEnoughSamples {
                available: self.len(),
                needed: n.max(1).saturating_add(1),
            });
        }
        let (a, b) = self.inputs.split_at(n);
        let (ta, tb) = self.targets.split_at(n);
        Ok((
            Self {
                inputs: a,
                targets: ta,
            },
            Self {
                inputs: b,
                targets: tb,
            },
        ))
    }

    /// Gathers the samples at `indices` into a batch: inputs as columns of an
    /// `SMatrix<T, I, B>`, targets in an array. Indices are taken modulo
    /// `len()`, so the gather never fails.
    #[must_use]
    pub fn gather<const B: usize>(&self, indices: &[usize; B]) -> (SMatrix<T, I, B>, [Y; B]) {
        let n = self.len();
        let mut x = SMatrix::<T, I, B>::zeros();
        for (column, &index) in x.as_mut_slice().chunks_exact_mut(I.max(1)).zip(indices) {
            column.copy_from_slice(&self.inputs[index % n]);
        }
        let targets = core::array::from_fn(|k| self.targets[indices[k] % n]);
        (x, targets)
    }

    /// The batches of one epoch, visiting samples in `order` (a permutation
    /// of `0..len()`; entries are taken modulo `len()`).
    #[must_use]
    pub fn minibatches<'o, const B: usize>(
        &self,
        order: &'o [usize],
        last: LastBatch,
    ) -> Minibatches<'a, 'o, T, I, Y, B> {
        Minibatches {
            data: *self,
            order,
            next: 0,
            count: last.batches(order.len(), B),
        }
    }
}

/// Writes the identity permutation `0..order.len()` into `order` and
/// shuffles it with `rng` (Fisher-Yates).
pub fn shuffled_order(order: &mut [usize], rng: &mut Rng) {
    for (i, slot) in order.iter_mut().enumerate() {
        *slot = i;
    }
    rng.shuffle(order);
}

/// Shuffles inputs and targets with the same permutation, in place (for a
/// seeded train/test split).
pub fn shuffle_together<T, const I: usize, Y>(
    inputs: &mut [[T; I]],
    targets: &mut [Y],
    rng: &mut Rng,
) -> Result<()> {
    if inputs.len() != targets.len() {
        return Err(Error::LengthMismatch {
            inputs: inputs.len(),
            targets: targets.len(),
        });
    }
    for i in (1..inputs.len()).rev() {
        let j = rng.below(i + 1);
        inputs.swap(i, j);
        targets.swap(i, j);
    }
    Ok(())
}

/// The minibatches of one epoch; see [`Dataset::minibatches`].
#[derive(Clone, Debug)]
pub struct Minibatches<'a, 'o, T, const I: usize, Y, const B: usize> {
    data: Dataset<'a, T, I, Y>,
    order: &'o [usize],
    next: usize,
    count: usize,
}

impl<T: Float, const I: usize, Y: Copy, const B: usize> Iterator
    for Minibatches<'_, '_, T, I, Y, B>
{
    type Item = (SMatrix<T, I, B>, [Y; B]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.count {
            return None;
        }
        let start = self.next * B;
        self.next += 1;
        let n = self.order.len();
        let indices: [usize; B] = core::array::from_fn(|k| self.order[(start + k) % n]);
        Some(self.data.gather(&indices))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.count - self.next;
        (left, Some(left))
    }
}

impl<T: Float, const I: usize, Y: Copy, const B: usize> ExactSizeIterator
    for Minibatches<'_, '_, T, I, Y, B>
{
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;
    use std::vec::Vec;

    #[test]
    fn fill_completes_the_last_batch_from_the_start_and_drop_skips_it() {
        let inputs: [[f64; 1]; 5] = core::array::from_fn(|i| [i as f64]);
        let targets = [0usize, 1, 2, 3, 4];
        let data = Dataset::new(&inputs, &targets).unwrap();
        let order = [4, 3, 2, 1, 0];
        let fill: Vec<_> = data
            .minibatches::<2>(&order, LastBatch::Fill)
            .map(|(_, t)| t)
            .collect();
        assert_eq!(fill, vec![[4, 3], [2, 1], [0, 4]]);
        let drop: Vec<_> = data
            .minibatches::<2>(&order, LastBatch::Drop)
            .map(|(_, t)| t)
            .collect();
        assert_eq!(drop, vec![[4, 3], [2, 1]]);
        let (x, _) = data.gather(&[1, 3]);
        assert_eq!(x.as_slice(), &[1.0, 3.0]);
    }

    #[test]
    fn construction_rejects_bad_data() {
        let inputs = [[1.0_f32, 2.0], [f32::NAN, 0.0]];
        assert_eq!(
            Dataset::new(&inputs, &[0usize, 1]).unwrap_err(),
            Error::NonFiniteData { sample: 1 }
        );
        assert_eq!(
            Dataset::new(&inputs[..1], &[0usize, 1]).unwrap_err(),
            Error::LengthMismatch {
                inputs: 1,
                targets: 2
            }
        );
        let empty: [[f32; 2]; 0] = [];
        assert!(Dataset::<f32, 2, usize>::new(&empty, &[]).is_err());
        let no_features = [[0.0_f32; 0]; 4];
        assert!(matches!(
            Dataset::new(&no_features, &[0usize; 4]),
            Err(Error::ZeroWidth { .. })
        ));
        let data = Dataset::new(&inputs[..1], &[0usize]).unwrap();
        assert_eq!(
            data.split_at(usize::MAX).unwrap_err(),
            Error::NotEnoughSamples {
                available: 1,
                needed: usize::MAX
            }
        );
    }

    #[test]
    fn shuffled_order_is_a_seeded_permutation() {
        let mut a = [0usize; 20];
        let mut b = [0usize; 20];
        shuffled_order(&mut a, &mut Rng::seed_from(9));
        shuffled_order(&mut b, &mut Rng::seed_from(9));
        assert_eq!(a, b);
        let mut sorted = a;
        sorted.sort_unstable();
        assert_eq!(sorted, core::array::from_fn::<usize, 20, _>(|i| i));
    }
}
