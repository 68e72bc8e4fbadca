//! Early stopping on the held-out loss, and the exact mean loss over a
//! data set that both stopping criteria and reports are computed from.
//!
//! The early-stopping rule is Keras' and PyTorch Lightning's (`mode =
//! "min"`): an epoch improves when its held-out loss is below the best so far
//! minus `min_delta`; training stops at the end of the `patience`-th epoch
//! in a row without an improvement. Prechelt, "Early stopping, but when?",
//! in *Neural Networks: Tricks of the Trade* (1998), discusses the choice.

use crate::data::Dataset;
use crate::error::Result;
use crate::loss::Loss;
use crate::network::{Network, unchecked};
use crate::scalar::Float;

/// Tracks the best held-out loss for early stopping.
pub(super) struct EarlyStopping<N> {
    patience: Option<usize>,
    min_delta: f64,
    keep_best: bool,
    pub(super) best: Option<(usize, f64)>,
    best_net: Option<N>,
}

impl<N: Clone> EarlyStopping<N> {
    pub(super) fn new(patience: Option<usize>, min_delta: f64, restore_best: bool) -> Self {
        Self {
            patience,
            min_delta,
            keep_best: patience.is_some() && restore_best,
            best: None,
            best_net: None,
        }
    }

    /// Records an epoch's held-out loss; returns the best epoch when training
    /// should stop.
    pub(super) fn update(&mut self, epoch: usize, loss: f64, net: &N) -> Option<usize> {
        if self
            .best
            .is_none_or(|(_, best)| loss < best - self.min_delta)
        {
            self.best = Some((epoch, loss));
            if self.keep_best {
                self.best_net = Some(net.clone());
            }
            return None;
        }
        let (best_epoch, _) = self.best?;
        (epoch - best_epoch >= self.patience?).then_some(best_epoch)
    }

    pub(super) fn take_best(&mut self) -> Option<(N, f64)> {
        Some((self.best_net.take()?, self.best?.1))
    }
}

/// Exact evaluation-mode mean loss of `net` over every sample of `data`
/// (inference forward, in batches of 8 and then single samples), summed in
/// `f64`. The data set's inputs were checked when it was made
/// ([`Dataset::new`]); its targets are checked here, once, before the first
/// batch.
///
/// # Errors
/// [`crate::error::Error::InvalidTarget`] / [`crate::error::Error::ClassOutOfRange`]
/// naming the first sample whose target the loss refuses.
pub fn mean_loss<T, N, L, const I: usize, const O: usize, const P: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<'_, T, I, L::Target>,
) -> Result<f64>
where
    T: Float,
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
{
    loss.check_targets(data.targets())?;
    Ok(mean_loss_unchecked(net, loss, data))
}

/// [`mean_loss`] of a data set whose targets were checked already (the
/// training loop checks its data sets before the first step).
pub(crate) fn mean_loss_unchecked<T, N, L, const I: usize, const O: usize, const P: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<'_, T, I, L::Target>,
) -> f64
where
    T: Float,
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
{
    const CHUNK: usize = 8;
    let n = data.len();
    let mut sum = 0.0;
    let full = n / CHUNK;
    for c in 0..full {
        let indices: [usize; CHUNK] = core::array::from_fn(|k| c * CHUNK + k);
        let (x, t) = data.gather(&indices);
        sum += unchecked::evaluate(net, loss, &x, &t).to_f64() * CHUNK as f64;
    }
    for i in full * CHUNK..n {
        let (x, t) = data.gather(&[i]);
        sum += unchecked::evaluate(net, loss, &x, &t).to_f64();
    }
    sum / n as f64
}
