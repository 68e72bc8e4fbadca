//! Hessian-vector products around [`Network::hessian_vector_product`]: the
//! mean over several batches, and the Hessian as a linear operator for the
//! matrix-free methods of [`crate::matrix_free`].

use nalgebra::SMatrix;

use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::matrix_free::{LinearOperator, check_vectors};
use crate::network::{Network, check_batch, check_direction, unchecked};
use crate::scalar::Float;

/// One batch: inputs (one column per sample) and their targets.
pub type Batch<T, const I: usize, const B: usize, Target> = (SMatrix<T, I, B>, [Target; B]);

/// The exact `H v` of the mean of the batches' mean losses (equal
/// weights; with equal batch sizes, the mean over all their samples),
/// with that loss's gradient in `grad`: one Hessian-vector product per
/// batch, accumulated on the stack. Returns the mean loss.
///
/// # Errors
/// [`Error::NotEnoughSamples`] when `batches` is empty; a bad batch as
/// [`check_batch`] says ([`Error::NonFiniteData`] for a NaN input,
/// [`Error::InvalidTarget`] / [`Error::ClassOutOfRange`] for a bad target),
/// naming the sample's index over all batches (`k * B + b`);
/// [`Error::NonFiniteInput`] for a NaN or infinite entry of `v`.
pub fn mean_hessian_vector_product<
    N,
    L,
    T,
    const I: usize,
    const O: usize,
    const P: usize,
    const B: usize,
>(
    net: &N,
    loss: &L,
    batches: &[Batch<T, I, B, L::Target>],
    v: &[T; P],
    grad: &mut [T; P],
    hv: &mut [T; P],
) -> Result<T>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    if batches.is_empty() {
        return Err(Error::NotEnoughSamples {
            available: 0,
            needed: 1,
        });
    }
    for (k, (x, targets)) in batches.iter().enumerate() {
        check_batch(loss, x, targets).map_err(|error| {
            let sample = k * B + sample_of(&error);
            error.for_sample(sample)
        })?;
    }
    check_direction(v)?;
    grad.fill(T::zero());
    hv.fill(T::zero());
    let (mut batch_grad, mut batch_hv) = ([T::zero(); P], [T::zero(); P]);
    let mut total = T::zero();
    for (x, targets) in batches {
        total += unchecked::hessian_vector_product(
            net,
            loss,
            x,
            targets,
            v,
            &mut batch_grad,
            &mut batch_hv,
        );
        for (g, &b) in grad.iter_mut().zip(&batch_grad) {
            *g += b;
        }
        for (h, &b) in hv.iter_mut().zip(&batch_hv) {
            *h += b;
        }
    }
    let n = T::of_usize(batches.len());
    for value in grad.iter_mut().chain(hv.iter_mut()) {
        *value /= n;
    }
    Ok(total / n)
}

/// The sample a batch error names (0 for an error about no sample).
fn sample_of(error: &Error) -> usize {
    match *error {
        Error::InvalidTarget { sample, .. }
        | Error::ClassOutOfRange { sample, .. }
        | Error::NonFiniteData { sample } => sample,
        _ => 0,
    }
}

/// What an [`HvpOperator`] averages over.
#[derive(Debug)]
enum Source<'a, T: Float, const I: usize, const B: usize, Target> {
    One(&'a SMatrix<T, I, B>, &'a [Target; B]),
    Mean(&'a [Batch<T, I, B, Target>]),
}

/// The Hessian of a network's training-mode mean loss on fixed data, as a
/// [`LinearOperator`] (`v -> H v`, exact, one R-operator pass per batch,
/// no heap) for the matrix-free methods.
pub struct HvpOperator<'a, N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>
where
    L: Loss<T, O>,
    T: Float,
{
    net: &'a N,
    loss: &'a L,
    source: Source<'a, T, I, B, L::Target>,
    products: usize,
}

impl<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize> core::fmt::Debug
    for HvpOperator<'_, N, L, T, I, O, P, B>
where
    L: Loss<T, O>,
    T: Float,
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HvpOperator")
            .field("dim", &P)
            .field("products", &self.products)
            .finish_non_exhaustive()
    }
}

impl<'a, N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>
    HvpOperator<'a, N, L, T, I, O, P, B>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    /// The Hessian of the loss on one batch.
    pub const fn new(
        net: &'a N,
        loss: &'a L,
        x: &'a SMatrix<T, I, B>,
        targets: &'a [L::Target; B],
    ) -> Self {
        Self {
            net,
            loss,
            source: Source::One(x, targets),
            products: 0,
        }
    }

    /// The Hessian of the mean of the batches' mean losses
    /// (see [`mean_hessian_vector_product`]). An empty slice gives the
    /// zero operator.
    pub const fn mean(net: &'a N, loss: &'a L, batches: &'a [Batch<T, I, B, L::Target>]) -> Self {
        Self {
            net,
            loss,
            source: Source::Mean(batches),
            products: 0,
        }
    }

    /// How many products the operator has computed (each costs one
    /// R-operator pass per batch).
    #[must_use]
    pub const fn products(&self) -> usize {
        self.products
    }
}

impl<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize> LinearOperator<T>
    for HvpOperator<'_, N, L, T, I, O, P, B>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    fn dim(&self) -> usize {
        P
    }

    /// `out = H v`; an empty batch list is the zero operator.
    ///
    /// # Errors
    /// [`Error::BufferLength`] when `v` or `out` is not `P` long; a bad
    /// batch as [`check_batch`] says (an empty batch, a NaN input, a bad
    /// target); [`Error::NonFiniteInput`] for a NaN or infinite entry of
    /// `v`; [`Error::NonFiniteResult`] when the product is not finite
    /// (`out` is then left unchanged).
    fn matvec(&mut self, v: &[T], out: &mut [T]) -> Result<()> {
        check_vectors(P, v, out)?;
        let mut direction = [T::zero(); P];
        direction.copy_from_slice(v);
        let (mut grad, mut product) = ([T::zero(); P], [T::zero(); P]);
        match self.source {
            Source::One(x, targets) => {
                check_batch(self.loss, x, targets)?;
                check_direction(&direction)?;
                unchecked::hessian_vector_product(
                    self.net,
                    self.loss,
                    x,
                    targets,
                    &direction,
                    &mut grad,
                    &mut product,
                );
            }
            // Empty: the zero operator, as documented.
            Source::Mean([]) => {}
            Source::Mean(batches) => {
                mean_hessian_vector_product(
                    self.net,
                    self.loss,
                    batches,
                    &direction,
                    &mut grad,
                    &mut product,
                )?;
            }
        }
        self.products += 1;
        if !crate::scalar::all_finite(&product) {
            return Err(Error::NonFiniteResult {
                what: "the Hessian-vector product",
            });
        }
        out.copy_from_slice(&product);
        Ok(())
    }
}
