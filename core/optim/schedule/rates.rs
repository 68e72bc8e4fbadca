//! The built-in learning-rate schedules, each the closed form of a PyTorch
//! scheduler (the table is in the [module documentation](super)).

use super::Schedule;
use crate::error::{Result, check_count, check_non_negative, check_param};
use crate::math;

/// Checks a multiplicative decay factor: in `[0, 1]`, so the rate stays finite.
fn check_gamma(gamma: f64) -> Result<()> {
    check_param(
        "gamma",
        gamma,
        (0.0..=1.0).contains(&gamma),
        "must be in [0, 1] (a growing rate would overflow)",
    )
}

/// Decays the rate by `gamma` every `step_size` epochs (PyTorch's `StepLR`):
/// `lr(t) = base * gamma^floor(t / step_size)`.
///
/// ```
/// use constnet::optim::{Schedule, StepLr};
/// let schedule = StepLr::new(2, 0.5)?;
/// let rates: Vec<f64> = (0..5).map(|t| schedule.learning_rate(0.1, t)).collect();
/// assert_eq!(rates, [0.1, 0.1, 0.05, 0.05, 0.025]);
/// # Ok::<(), constnet::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepLr {
    pub(in crate::optim) step_size: usize,
    pub(in crate::optim) gamma: f64,
}

impl StepLr {
    /// Decay by `gamma` (in `[0, 1]`; PyTorch's default 0.1) every
    /// `step_size` (>= 1) epochs.
    pub fn new(step_size: usize, gamma: f64) -> Result<Self> {
        check_count("step_size", step_size)?;
        check_gamma(gamma)?;
        Ok(Self { step_size, gamma })
    }

    /// Epochs between decays.
    #[must_use]
    pub const fn step_size(&self) -> usize {
        self.step_size
    }

    /// The decay factor.
    #[must_use]
    pub const fn gamma(&self) -> f64 {
        self.gamma
    }
}

impl Schedule for StepLr {
    fn learning_rate(&self, base_lr: f64, epoch: usize) -> f64 {
        let decays = epoch / self.step_size;
        base_lr * math::pow(self.gamma, decays as f64)
    }
}

/// Decays the rate by `gamma` every epoch (PyTorch's `ExponentialLR`):
/// `lr(t) = base * gamma^t`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExponentialLr {
    pub(in crate::optim) gamma: f64,
}

impl ExponentialLr {
    /// Decay by `gamma` (in `[0, 1]`) every epoch.
    pub fn new(gamma: f64) -> Result<Self> {
        check_gamma(gamma)?;
        Ok(Self { gamma })
    }

    /// The decay factor.
    #[must_use]
    pub const fn gamma(&self) -> f64 {
        self.gamma
    }
}

impl Schedule for ExponentialLr {
    fn learning_rate(&self, base_lr: f64, epoch: usize) -> f64 {
        base_lr * math::pow(self.gamma, epoch as f64)
    }
}

/// Cosine annealing from the base rate to `eta_min` over `t_max` epochs
/// (PyTorch's `CosineAnnealingLR`, the schedule of SGDR without restarts,
/// Loshchilov and Hutter, "SGDR: Stochastic gradient descent with warm
/// restarts", ICLR 2017):
///
/// ```text
/// lr(t) = eta_min + (base - eta_min) * (1 + cos(pi * t / t_max)) / 2
/// ```
///
/// Like PyTorch, the formula is not clamped: after `t_max` epochs the rate
/// climbs back along the cosine (period `2 t_max`). To end at `eta_min`,
/// train for `t_max` epochs, or hand over to another schedule at milestone
/// `t_max` with [`Schedule::then`].
///
/// PyTorch's recursive form multiplies the distance to `eta_min` by
/// `(1 + cos(pi t / t_max)) / (1 + cos(pi (t - 1) / t_max))` each epoch;
/// unrolled from `lr(0) = base`, that product telescopes to the closed form
/// above, so the two agree until something else changes the rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CosineAnnealingLr {
    pub(in crate::optim) t_max: usize,
    pub(in crate::optim) eta_min: f64,
}

impl CosineAnnealingLr {
    /// Anneal over `t_max` (>= 1) epochs down to `eta_min` (finite, >= 0;
    /// PyTorch's default 0).
    pub fn new(t_max: usize, eta_min: f64) -> Result<Self> {
        check_count("t_max", t_max)?;
        check_non_negative("eta_min", eta_min)?;
        Ok(Self { t_max, eta_min })
    }

    /// Half period of the cosine, in epochs.
    #[must_use]
    pub const fn t_max(&self) -> usize {
        self.t_max
    }

    /// The rate reached after `t_max` epochs.
    #[must_use]
    pub const fn eta_min(&self) -> f64 {
        self.eta_min
    }
}

impl Schedule for CosineAnnealingLr {
    fn learning_rate(&self, base_lr: f64, epoch: usize) -> f64 {
        let phase = core::f64::consts::PI * epoch as f64 / self.t_max as f64;
        let weight = f64::midpoint(1.0, math::cos(phase));
        let rate = self.eta_min + (base_lr - self.eta_min) * weight;
        if rate.is_finite() {
            rate
        } else {
            // `base_lr - eta_min` overflowed (rates near f64::MAX): the same
            // value as a convex combination, which stays between the two.
            let convex = self.eta_min * (1.0 - weight) + base_lr * weight;
            convex.min(self.eta_min.max(base_lr))
        }
    }
}

/// Scales the rate by a factor that moves linearly from `start_factor` to
/// `end_factor` over `total_iters` epochs, then stays (PyTorch's `LinearLR`):
///
/// ```text
/// lr(t) = base * (start + (end - start) * min(t, total_iters) / total_iters)
/// ```
///
/// PyTorch's defaults: start 1/3, end 1, 5 epochs. [`LinearLr::warmup`] is
/// the usual linear warmup (end factor 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinearLr {
    pub(in crate::optim) start_factor: f64,
    pub(in crate::optim) end_factor: f64,
    pub(in crate::optim) total_iters: usize,
}

impl LinearLr {
    /// A linear ramp of the factor from `start_factor` (in `(0, 1]`) to
    /// `end_factor` (in `[0, 1]`) over `total_iters` (>= 1) epochs; the
    /// ranges are PyTorch's.
    pub fn new(start_factor: f64, end_factor: f64, total_iters: usize) -> Result<Self> {
        check_param(
            "start_factor",
            start_factor,
            start_factor > 0.0 && start_factor <= 1.0,
            "must be in (0, 1]",
        )?;
        check_param(
            "end_factor",
            end_factor,
            (0.0..=1.0).contains(&end_factor),
            "must be in [0, 1]",
        )?;
        check_count("total_iters", total_iters)?;
        Ok(Self {
            start_factor,
            end_factor,
            total_iters,
        })
    }

    /// Linear warmup: the rate grows from `start_factor * base` to `base`
    /// over `epochs` epochs, then stays at `base`.
    pub fn warmup(start_factor: f64, epochs: usize) -> Result<Self> {
        Self::new(start_factor, 1.0, epochs)
    }

    /// The factor at epoch 0.
    #[must_use]
    pub const fn start_factor(&self) -> f64 {
        self.start_factor
    }

    /// The factor from epoch `total_iters` on.
    #[must_use]
    pub const fn end_factor(&self) -> f64 {
        self.end_factor
    }

    /// Length of the ramp, in epochs.
    #[must_use]
    pub const fn total_iters(&self) -> usize {
        self.total_iters
    }
}

impl Schedule for LinearLr {
    fn learning_rate(&self, base_lr: f64, epoch: usize) -> f64 {
        let progress = epoch.min(self.total_iters) as f64 / self.total_iters as f64;
        base_lr * (self.start_factor + (self.end_factor - self.start_factor) * progress)
    }
}

/// One schedule until a milestone epoch, then another started afresh
/// (PyTorch's `SequentialLR` with two schedulers and one milestone):
/// `lr(t) = first(t)` for `t < milestone`, `second(t - milestone)` after.
/// Nest it (or chain [`Schedule::then`]) for more than two phases.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sequential<A, B> {
    pub(in crate::optim) first: A,
    pub(in crate::optim) second: B,
    pub(in crate::optim) milestone: usize,
}

impl<A: Schedule, B: Schedule> Sequential<A, B> {
    /// `first` for epochs `0..milestone`, then `second` from its epoch 0.
    #[must_use]
    pub const fn new(first: A, second: B, milestone: usize) -> Self {
        Self {
            first,
            second,
            milestone,
        }
    }

    /// The epoch at which the second schedule takes over.
    #[must_use]
    pub const fn milestone(&self) -> usize {
        self.milestone
    }
}

impl<A: Schedule, B: Schedule> Schedule for Sequential<A, B> {
    fn learning_rate(&self, base_lr: f64, epoch: usize) -> f64 {
        if epoch < self.milestone {
            self.first.learning_rate(base_lr, epoch)
        } else {
            self.second.learning_rate(base_lr, epoch - self.milestone)
        }
    }
}
