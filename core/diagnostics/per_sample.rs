//! Per-sample gradients of a batch and, from them, the gradient-noise scale
//! that says how large a batch pays (McCandlish, Kaplan, Amodei and the
//! OpenAI Dota team 2018, "An empirical model of large-batch training").
//!
//! The mean batch loss is `L = 1/B sum_b l_b`; the gradient of sample `b`
//! is `g_b = grad l_b`, so `1/B sum_b g_b` is the batch gradient. Each is
//! one backward pass from the batch's training forward with every output
//! gradient but sample `b`'s set to zero (scaled by `B`). In a network
//! without BatchNorm this is exactly the gradient of `l_b` alone; with
//! BatchNorm, samples interact through the batch statistics and `g_b` is
//! the gradient of `l_b` through them (the `g_b` still average to the
//! batch gradient).
//!
//! The noise scale: with `G` the true gradient and `Sigma` the covariance
//! of one sample's gradient, a step on a batch of `B` lowers the loss by
//! a fraction `1 / (1 + B_noise / B)` of what the true gradient would, with
//! `B_noise = tr(Sigma) / |G|^2` (`B_simple` in the paper, eq. 2.9 and
//! section 2.2). Batches much smaller than `B_noise` waste steps on noise;
//! much larger ones waste samples. From the per-sample gradients of batches
//! of `B` samples, unbiased estimates are
//!
//! ```text
//! tr(Sigma) ~ S = 1/(B-1) sum_b |g_b - g_mean|^2
//! |G|^2     ~ |g_mean|^2 - S / B
//! ```
//!
//! averaged over batches before dividing, as the paper recommends (its
//! appendix A.1).

use std::vec;
use std::vec::Vec;

use nalgebra::SMatrix;

use crate::error::{Error, Result};
use crate::layer::Zeroed;
use crate::loss::Loss;
use crate::matrix_free::zeroed_vec;
use crate::network::{Network, check_batch, unchecked};
use crate::scalar::Float;

/// The training-mode mean batch loss and the `B` per-sample gradients,
/// one after the other (`P` values each, sample `b` at `b * P`): one
/// forward and `B` backward passes. The batch is checked first
/// ([`check_batch`]).
///
/// # Errors
/// A bad batch as [`check_batch`] says (an empty batch, a NaN input, a bad
/// target); [`Error::TooLarge`] when the `B * P` values overflow `usize`
/// or cannot be allocated.
pub fn per_sample_gradients<
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
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
) -> Result<(T, Vec<T>)>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    check_batch(loss, x, targets)?;
    per_sample_gradients_unchecked(net, loss, x, targets)
}

/// [`per_sample_gradients`] of a batch checked already.
pub(crate) fn per_sample_gradients_unchecked<
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
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
) -> Result<(T, Vec<T>)>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    const WHAT: &str = "per-sample gradients";
    let len = B.checked_mul(P).ok_or(Error::TooLarge {
        what: WHAT,
        requested: usize::MAX,
    })?;
    let mut grads = zeroed_vec(WHAT, len)?;
    let (mut cache, mut d_output) = (N::Cache::<B>::zeroed(), SMatrix::zeros());
    let (value, _) = unchecked::step(net, loss, x, targets, &mut cache, &mut d_output);
    let mut grad = [T::zero(); P];
    for (b, out) in grads.chunks_exact_mut(P.max(1)).enumerate().take(B) {
        let mut masked = SMatrix::<T, O, B>::zeros();
        for o in 0..O {
            masked[(o, b)] = d_output[(o, b)] * T::of_usize(B);
        }
        let mut sample_cache = cache.clone();
        net.backward(&mut sample_cache, &masked, &mut grad);
        out.copy_from_slice(&grad);
    }
    Ok((value, grads))
}

/// The gradient-noise scale and what it is made of (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NoiseScale {
    /// Samples per batch the estimate was made with.
    pub batch: usize,
    /// Batches averaged.
    pub batches: usize,
    /// Unbiased estimate of `tr(Sigma)`, the per-sample gradient variance.
    pub trace_covariance: f64,
    /// Unbiased estimate of `|G|^2` (may come out negative when noise
    /// dominates).
    pub gradient_sq: f64,
}

impl NoiseScale {
    /// The estimate from per-sample gradients (`B` vectors of `p` values,
    /// one after the other, as [`per_sample_gradients`] returns them) of
    /// one or more batches.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] when a batch has fewer than two
    /// samples or `p` is 0; [`Error::BufferLength`] when a batch's length
    /// is not `B * p` with the same `B` for all ([`Error::TooLarge`] when
    /// `B * p` overflows); [`Error::NonFiniteResult`] for a non-finite gradient.
    pub fn from_batches<T: Float>(batches: &[&[T]], batch: usize, p: usize) -> Result<Self> {
        if batch < 2 || p == 0 || batches.is_empty() {
            return Err(Error::InvalidHyperParameter {
                name: "batch",
                value: batch as f64,
                expected: "at least 2 samples per batch, a nonzero parameter count and at least one batch",
            });
        }
        let required = batch.checked_mul(p).ok_or(Error::TooLarge {
            what: "per-sample gradients",
            requested: usize::MAX,
        })?;
        let (mut trace, mut squared) = (0.0, 0.0);
        for grads in batches {
            if grads.len() != required {
                return Err(Error::BufferLength {
                    what: "per-sample gradients",
                    given: grads.len(),
                    required,
                });
            }
            let mut mean = vec![0.0; p];
            for g in grads.chunks_exact(p) {
                for (m, &v) in mean.iter_mut().zip(g) {
                    *m += v.to_f64() / batch as f64;
                }
            }
            let spread: f64 = grads
                .chunks_exact(p)
                .map(|g| {
                    g.iter()
                        .zip(&mean)
                        .map(|(&v, m)| (v.to_f64() - m).powi(2))
                        .sum::<f64>()
                })
                .sum::<f64>()
                / (batch - 1) as f64;
            let mean_sq: f64 = mean.iter().map(|m| m * m).sum();
            if !(spread.is_finite() && mean_sq.is_finite()) {
                return Err(Error::NonFiniteResult {
                    what: "per-sample gradient",
                });
            }
            trace += spread;
            squared += mean_sq - spread / batch as f64;
        }
        let n = batches.len() as f64;
        Ok(Self {
            batch,
            batches: batches.len(),
            trace_covariance: trace / n,
            gradient_sq: squared / n,
        })
    }

    /// `B_noise = tr(Sigma) / |G|^2`, the batch size at which a step makes
    /// half the progress the true gradient would; `None` when the
    /// estimate of `|G|^2` is not positive (noise swamps the signal: any
    /// affordable batch is below `B_noise`).
    #[must_use]
    pub fn simple(&self) -> Option<f64> {
        (self.gradient_sq > 0.0).then(|| self.trace_covariance / self.gradient_sq)
    }

    /// The fraction `1 / (1 + B_noise / B)` of the true gradient's
    /// progress that a step on a batch of `batch` samples makes
    /// (McCandlish et al., eq. 2.7 with `B_noise`); 0 when `B_noise` is
    /// undefined.
    #[must_use]
    pub fn step_efficiency(&self, batch: usize) -> f64 {
        self.simple()
            .map_or(0.0, |noise| 1.0 / (1.0 + noise / batch as f64))
    }
}
