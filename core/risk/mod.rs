//! The empirical risk of a whole data set, `J(theta) = (1/N) sum_i L(f(x_i;
//! theta), y_i)` (Goodfellow, Bengio and Courville, *Deep Learning*, 2016,
//! section 8.1): its value, gradient, Hessian-vector product and full
//! Hessian, accumulated exactly over minibatches of `B` samples, so the true
//! training objective of `N` samples can be diagnosed without a batch of
//! `N`.
//!
//! The samples are taken in data-set order, `ceil(N / B)` batches. A full
//! batch contributes `B / N` times its mean loss (and derivatives). When `B`
//! does not divide `N`, the last batch is padded to `B` columns with copies
//! of earlier samples and evaluated with per-sample weights: `1 / N` for its
//! real samples, 0 for the padding (through [`Weighted`], a loss adapter),
//! so every sample counts exactly once:
//!
//! ```text
//! J = sum over full batches (B / N) mean_b L  +  (1 / N) sum over the rest L_i
//! ```
//!
//! Everything is in training mode, as the Hessian is. For a network with
//! batch statistics (batch normalization) the training-mode loss depends on
//! how the samples are grouped, so `J` is that of the batches in data order,
//! and a partial last batch is refused ([`Error::IncompatibleOptions`]):
//! choose a `B` that divides `N`.
//!
//! No heap: [`hessian_into`] takes a scratch buffer; [`hessian`] (`std`)
//! allocates. [`RiskOperator`] is `J`'s Hessian as a [`LinearOperator`] for
//! the matrix-free methods.

use nalgebra::SMatrix;

use crate::data::Dataset;
use crate::error::{Error, Incompatible, Result};
use crate::hessian::SecondOrder;
use crate::loss::Loss;
use crate::matrix_free::{LinearOperator, check_vectors};
use crate::network::{Network, check_direction, unchecked};
use crate::scalar::Float;

mod weighted;

pub use weighted::Weighted;

/// The minibatch size the risk is accumulated over, as a type:
/// `BatchSize::<32>`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchSize<const B: usize>;

/// One batch of the risk: inputs, targets, and how it enters `J`.
struct Part<T: Float, const I: usize, const B: usize, Y> {
    x: SMatrix<T, I, B>,
    targets: [Y; B],
    /// `Some(weights)` for the partial last batch, `None` for a full one
    /// (weighed `B / N` as a whole).
    weights: Option<[f64; B]>,
}

/// The batches of `data` in order, the last one padded and weighted.
fn parts<'a, T: Float, const I: usize, const B: usize, Y: Copy + 'a>(
    data: Dataset<'a, T, I, Y>,
) -> impl Iterator<Item = Part<T, I, B, Y>> + 'a {
    let n = data.len();
    (0..n.div_ceil(B)).map(move |k| {
        let start = k * B;
        let real = (n - start).min(B);
        // Past the end the indices wrap to earlier samples: padding.
        let indices: [usize; B] = core::array::from_fn(|b| (start + b) % n);
        let (x, targets) = data.gather(&indices);
        let weights = (real < B)
            .then(|| core::array::from_fn(|b| if b < real { 1.0 / n as f64 } else { 0.0 }));
        Part {
            x,
            targets,
            weights,
        }
    })
}

/// Checks what every function of this module needs: a batch of at least
/// one sample, valid targets, and no partial batch for a network with
/// batch statistics.
fn check<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    loss: &L,
    data: &Dataset<'_, T, I, L::Target>,
) -> Result<()>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    const { assert!(B > 0, "the batch size B must be at least 1") };
    loss.check_targets(data.targets())?;
    if N::BUFFERS > 0 && !data.len().is_multiple_of(B) {
        return Err(Error::IncompatibleOptions(
            Incompatible::BatchStatisticsWithPartialBatch,
        ));
    }
    Ok(())
}

/// The share of `J` of a full batch: `B / N`.
fn share<const B: usize>(n: usize) -> f64 {
    B as f64 / n as f64
}

/// Refuses a non-finite `J` (or derivative).
fn finite<T: Float>(value: f64, values: &[T], what: &'static str) -> Result<f64> {
    if value.is_finite() && crate::scalar::all_finite(values) {
        Ok(value)
    } else {
        Err(Error::NonFiniteResult { what })
    }
}

/// `J`, the training-mode mean loss of every sample of `data`.
///
/// # Errors
/// As [`gradient`].
pub fn loss<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<'_, T, I, L::Target>,
    batch: BatchSize<B>,
) -> Result<f64>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    let mut grad = [T::zero(); P];
    gradient(net, loss, data, batch, &mut grad)
}

/// `J` and its gradient, written into `grad`.
///
/// # Errors
/// [`Error::InvalidTarget`] / [`Error::ClassOutOfRange`] for a bad target,
/// [`Error::IncompatibleOptions`] for a partial batch of a network with
/// batch statistics, [`Error::NonFiniteResult`] when `J` or the gradient is
/// not finite.
pub fn gradient<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<'_, T, I, L::Target>,
    _batch: BatchSize<B>,
    grad: &mut [T; P],
) -> Result<f64>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    check::<N, L, T, I, O, P, B>(loss, data)?;
    grad.fill(T::zero());
    let mut part_grad = [T::zero(); P];
    let mut total = 0.0;
    for part in parts::<T, I, B, L::Target>(*data) {
        let (value, scale) = match part.weights {
            None => (
                unchecked::loss_and_gradient(net, loss, &part.x, &part.targets, &mut part_grad),
                share::<B>(data.len()),
            ),
            Some(weights) => (
                unchecked::loss_and_gradient(
                    net,
                    &Weighted::new(loss, weights)?,
                    &part.x,
                    &part.targets,
                    &mut part_grad,
                ),
                1.0,
            ),
        };
        total += value.to_f64() * scale;
        accumulate(grad, &part_grad, scale);
    }
    finite(total, grad, "the empirical risk or its gradient")
}

/// `out += scale * part`.
fn accumulate<T: Float>(out: &mut [T], part: &[T], scale: f64) {
    let scale = T::of_f64(scale);
    for (o, &p) in out.iter_mut().zip(part) {
        *o += scale * p;
    }
}

/// `J`, its gradient (into `grad`) and the exact `H v` of `J` (into `hv`):
/// one Hessian-vector product per batch.
///
/// # Errors
/// As [`gradient`]; [`Error::NonFiniteInput`] for a NaN or infinite entry
/// of `v`, [`Error::NonFiniteResult`] when `H v` is not finite.
pub fn hessian_vector_product<
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
    data: &Dataset<'_, T, I, L::Target>,
    _batch: BatchSize<B>,
    v: &[T; P],
    grad: &mut [T; P],
    hv: &mut [T; P],
) -> Result<f64>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    check::<N, L, T, I, O, P, B>(loss, data)?;
    check_direction(v)?;
    grad.fill(T::zero());
    hv.fill(T::zero());
    let (mut part_grad, mut part_hv) = ([T::zero(); P], [T::zero(); P]);
    let mut total = 0.0;
    for part in parts::<T, I, B, L::Target>(*data) {
        let (x, t) = (&part.x, &part.targets);
        let (value, scale) = match part.weights {
            None => (
                unchecked::hessian_vector_product(net, loss, x, t, v, &mut part_grad, &mut part_hv),
                share::<B>(data.len()),
            ),
            Some(weights) => {
                let weighted = Weighted::new(loss, weights)?;
                (
                    unchecked::hessian_vector_product(
                        net,
                        &weighted,
                        x,
                        t,
                        v,
                        &mut part_grad,
                        &mut part_hv,
                    ),
                    1.0,
                )
            }
        };
        total += value.to_f64() * scale;
        accumulate(grad, &part_grad, scale);
        accumulate(hv, &part_hv, scale);
    }
    finite(total, grad, "the empirical risk or its gradient")?;
    finite(total, hv, "the empirical risk's Hessian-vector product")
}

/// `J`, its gradient (into `grad`) and its full `P x P` Hessian (into
/// `hessian`), on the stack: one [`SecondOrder::hessian_into`] per batch
/// into `scratch` (`P * P` values too), accumulated. No heap.
///
/// # Errors
/// As [`gradient`] and [`SecondOrder::hessian_into`];
/// [`Error::BufferLength`] when `hessian` or `scratch` is not `P * P` long.
pub fn hessian_into<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<'_, T, I, L::Target>,
    _batch: BatchSize<B>,
    grad: &mut [T; P],
    hessian: &mut [T],
    scratch: &mut [T],
) -> Result<f64>
where
    N: Network<T, I, O, P> + SecondOrder<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    check::<N, L, T, I, O, P, B>(loss, data)?;
    let required = P.checked_mul(P).ok_or(Error::TooLarge {
        what: "Hessian",
        requested: usize::MAX,
    })?;
    for (what, given) in [
        ("Hessian", hessian.len()),
        ("Hessian scratch", scratch.len()),
    ] {
        if given != required {
            return Err(Error::BufferLength {
                what,
                given,
                required,
            });
        }
    }
    grad.fill(T::zero());
    hessian.fill(T::zero());
    let mut part_grad = [T::zero(); P];
    let mut total = 0.0;
    for part in parts::<T, I, B, L::Target>(*data) {
        let (x, t) = (&part.x, &part.targets);
        let (value, scale) = match part.weights {
            None => (
                net.hessian_into(loss, x, t, &mut part_grad, scratch)?,
                share::<B>(data.len()),
            ),
            Some(weights) => {
                let weighted = Weighted::new(loss, weights)?;
                (
                    net.hessian_into(&weighted, x, t, &mut part_grad, scratch)?,
                    1.0,
                )
            }
        };
        total += value.to_f64() * scale;
        accumulate(grad, &part_grad, scale);
        accumulate(hessian, scratch, scale);
    }
    finite(total, grad, "the empirical risk or its gradient")?;
    finite(total, hessian, "the empirical risk's Hessian")
}

/// `J` with its gradient and full Hessian on the heap, as a
/// [`Hessian`](crate::hessian::Hessian) (`loss` holds `J`).
///
/// # Errors
/// As [`hessian_into`]; [`Error::TooLarge`] when the matrices cannot be
/// allocated.
#[cfg(feature = "std")]
pub fn hessian<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<'_, T, I, L::Target>,
    batch: BatchSize<B>,
) -> Result<crate::hessian::Hessian<T>>
where
    N: Network<T, I, O, P> + SecondOrder<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    let len = P.saturating_mul(P);
    let mut matrix = crate::matrix_free::zeroed_vec("Hessian", len)?;
    let mut scratch = crate::matrix_free::zeroed_vec("Hessian scratch", len)?;
    let mut grad = [T::zero(); P];
    let value = hessian_into(net, loss, data, batch, &mut grad, &mut matrix, &mut scratch)?;
    Ok(crate::hessian::Hessian {
        loss: T::of_f64(value),
        gradient: grad.to_vec(),
        matrix: nalgebra::DMatrix::from_vec(P, P, matrix),
    })
}

/// The Hessian of `J` as a [`LinearOperator`] (`v -> H v`, exact, one
/// Hessian-vector product per batch, no heap), for the matrix-free methods.
pub struct RiskOperator<'a, N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>
where
    L: Loss<T, O>,
    T: Float,
{
    net: &'a N,
    loss: &'a L,
    data: Dataset<'a, T, I, L::Target>,
    products: usize,
}

impl<'a, N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>
    RiskOperator<'a, N, L, T, I, O, P, B>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    /// The Hessian of `J` over `data` in batches of `B`.
    ///
    /// # Errors
    /// As [`gradient`], checked once here.
    pub fn new(
        net: &'a N,
        loss: &'a L,
        data: &Dataset<'a, T, I, L::Target>,
        _batch: BatchSize<B>,
    ) -> Result<Self> {
        check::<N, L, T, I, O, P, B>(loss, data)?;
        Ok(Self {
            net,
            loss,
            data: *data,
            products: 0,
        })
    }

    /// How many products the operator has computed.
    #[must_use]
    pub const fn products(&self) -> usize {
        self.products
    }
}

impl<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize> LinearOperator<T>
    for RiskOperator<'_, N, L, T, I, O, P, B>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    fn dim(&self) -> usize {
        P
    }

    /// `out = H v` of `J`.
    ///
    /// # Errors
    /// [`Error::BufferLength`] for vectors that are not `P` long; as
    /// [`hessian_vector_product`].
    fn matvec(&mut self, v: &[T], out: &mut [T]) -> Result<()> {
        check_vectors(P, v, out)?;
        let mut direction = [T::zero(); P];
        direction.copy_from_slice(v);
        let (mut grad, mut hv) = ([T::zero(); P], [T::zero(); P]);
        hessian_vector_product(
            self.net,
            self.loss,
            &self.data,
            BatchSize::<B>,
            &direction,
            &mut grad,
            &mut hv,
        )?;
        self.products += 1;
        out.copy_from_slice(&hv);
        Ok(())
    }
}
