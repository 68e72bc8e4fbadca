//! What the training loop is told ([`TrainConfig`]) and what it reports:
//! the figures of each epoch ([`EpochReport`], with the gap between the
//! held-out loss, an estimate of the expected risk, and the training loss,
//! the empirical risk), why it stopped ([`StopReason`]) and the outcome
//! ([`TrainReport`]).

use crate::data::LastBatch;
use crate::error::{Result, check_count, check_non_negative, check_param};

/// When to stop, and how to batch. `TrainConfig::default()` runs 100 epochs
/// with no other criterion.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainConfig {
    /// Most epochs to run (>= 1). Default: 100.
    pub max_epochs: usize,
    /// Stop once the training loss is at or below this. Default: none.
    pub loss_target: Option<f64>,
    /// Stop once the norm of the epoch's mean minibatch gradient is at or
    /// below this. Default: none.
    pub gradient_tolerance: Option<f64>,
    /// Early stopping: stop at the end of the `patience`-th epoch in a row
    /// that did not improve the held-out loss (needs a validation set).
    /// Default: none.
    pub patience: Option<usize>,
    /// Early stopping: an epoch improves when its held-out loss is below the
    /// best so far minus this (finite, >= 0). Default: 0.
    pub min_delta: f64,
    /// When training stops by early stopping, give back the network of the
    /// best epoch (the last one that improved) instead of the last one.
    /// Other stops keep the last network. Default: true.
    pub restore_best: bool,
    /// Seed of the shuffling. Default: 0.
    pub seed: u64,
    /// Handling of the last partial batch. Default: [`LastBatch::Fill`].
    pub last_batch: LastBatch,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            max_epochs: 100,
            loss_target: None,
            gradient_tolerance: None,
            patience: None,
            min_delta: 0.0,
            restore_best: true,
            seed: 0,
            last_batch: LastBatch::Fill,
        }
    }
}

impl TrainConfig {
    /// Checks the settings.
    pub fn validate(&self) -> Result<()> {
        check_count("max_epochs", self.max_epochs)?;
        if let Some(target) = self.loss_target {
            check_param("loss_target", target, !target.is_nan(), "must not be NaN")?;
        }
        if let Some(tol) = self.gradient_tolerance {
            check_param("gradient_tolerance", tol, tol >= 0.0, "must be >= 0")?;
        }
        if let Some(patience) = self.patience {
            check_count("patience", patience)?;
        }
        check_non_negative("min_delta", self.min_delta)
    }
}

/// Why training stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The epoch limit was reached.
    MaxEpochs,
    /// The training loss reached the target.
    LossTarget,
    /// The gradient norm fell to the tolerance.
    GradientTolerance,
    /// The held-out loss stopped improving.
    EarlyStopping {
        /// The epoch with the best held-out loss (0-based).
        best_epoch: usize,
    },
    /// An observer asked to stop.
    Observer,
}

/// The figures of one epoch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochReport {
    /// The epoch (0-based).
    pub epoch: usize,
    /// Optimizer steps taken so far, over all epochs.
    pub steps: usize,
    /// Exact evaluation-mode mean loss over the whole training set at the
    /// end of the epoch: the empirical risk.
    pub train_loss: f64,
    /// Mean of the training-mode minibatch losses seen during the epoch.
    pub batch_loss: f64,
    /// Norm of the mean minibatch gradient over the epoch.
    pub gradient_norm: f64,
    /// Exact evaluation-mode mean loss on the held-out set, if one was given:
    /// an estimate of the expected risk.
    pub validation_loss: Option<f64>,
    /// The learning rate of the epoch's last step (a schedule moves it
    /// after the epoch, so the next epoch may use another).
    pub learning_rate: f64,
}

impl EpochReport {
    /// Held-out loss minus training loss: the generalization gap between
    /// expected and empirical risk, if a held-out set was given.
    #[must_use]
    pub fn risk_gap(&self) -> Option<f64> {
        self.validation_loss.map(|v| v - self.train_loss)
    }
}

/// The outcome of training.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainReport {
    /// Epochs run.
    pub epochs: usize,
    /// Optimizer steps taken.
    pub steps: usize,
    /// Why training stopped.
    pub stop: StopReason,
    /// The last epoch's figures.
    pub last_epoch: EpochReport,
    /// Exact training loss of the network as returned (after restoring the
    /// best epoch, if that happened).
    pub final_loss: f64,
    /// Held-out loss of the network as returned, if a held-out set was given.
    pub final_validation_loss: Option<f64>,
    /// The best held-out loss and its epoch, if a held-out set was given:
    /// the last epoch that improved on the best before it by more than
    /// `min_delta` (the first epoch counts as an improvement).
    pub best_validation: Option<(usize, f64)>,
}
