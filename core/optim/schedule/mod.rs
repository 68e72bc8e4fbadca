//! Learning-rate schedules: the rate of each epoch as a closed-form function
//! of the epoch and the optimizer's base rate, with the semantics of
//! PyTorch's `torch.optim.lr_scheduler`.
//!
//! A [`Schedule`] is applied to any optimizer by [`Scheduled`],
//! which advances it at [`Optimizer::end_epoch`]; [`Scheduled`] is itself an
//! [`Optimizer`], so a training loop takes a scheduled optimizer like any
//! other, as PyTorch users call `scheduler.step()` once per epoch after the
//! optimizer steps. The built-in schedules are in `rates.rs`.
//!
//! Epochs count from 0: epoch 0 runs at `schedule(base, 0)`, and after the
//! `k`-th `end_epoch` the rate is `schedule(base, k)`, exactly as a PyTorch
//! scheduler constructed on an optimizer and stepped once per epoch.
//!
//! | schedule | PyTorch | rate at epoch `t` (`base` = the optimizer's rate when wrapped) |
//! |---|---|---|
//! | [`StepLr`] | `StepLR(step_size, gamma)` | `base * gamma^floor(t / step_size)` |
//! | [`ExponentialLr`] | `ExponentialLR(gamma)` | `base * gamma^t` |
//! | [`CosineAnnealingLr`] | `CosineAnnealingLR(T_max, eta_min)` | `eta_min + (base - eta_min) (1 + cos(pi t / T_max)) / 2` |
//! | [`LinearLr`] | `LinearLR(start_factor, end_factor, total_iters)` | `base * (s + (e - s) min(t, total_iters) / total_iters)` |
//! | [`Sequential`] | `SequentialLR([first, second], [milestone])` | `first(t)` for `t < milestone`, else `second(t - milestone)` |
//!
//! PyTorch's schedulers update the rate recursively (multiplying the current
//! rate by a factor each step) and also provide these closed forms
//! (`_get_closed_form_lr`, used when `step(epoch)` is given an epoch). The
//! two agree, up to the rounding of repeated products, as long as nothing
//! else changes the rate; the closed form is used here so the rate of an
//! epoch is a pure function that cannot drift and costs no state.
//!
//! Hyper-parameters are checked at construction: every built-in schedule
//! maps a finite base rate `>= 0` to a finite rate `>= 0` at every epoch.

mod rates;

pub use rates::{CosineAnnealingLr, ExponentialLr, LinearLr, Sequential, StepLr};

use super::{Optimizer, check_learning_rate};
use crate::error::{Result, check_positive};
use crate::scalar::Float;

/// A learning-rate schedule: the rate of each epoch from the base rate.
pub trait Schedule {
    /// The learning rate of epoch `epoch` (0-based) for an optimizer whose
    /// rate was `base_lr` when the schedule was attached. A rate that is
    /// NaN, infinite or negative is not applied by
    /// [`Scheduled`] (the optimizer keeps its current
    /// rate); the built-in schedules never return one.
    fn learning_rate(&self, base_lr: f64, epoch: usize) -> f64;

    /// This schedule for the epochs before `milestone`, then `next`
    /// restarted at its own epoch 0 (PyTorch's `SequentialLR`): the usual way
    /// to put a warmup in front of a decay.
    ///
    /// ```
    /// use constnet::optim::{CosineAnnealingLr, LinearLr, Schedule};
    /// let warmup_then_cosine = LinearLr::warmup(0.1, 5)?.then(CosineAnnealingLr::new(95, 0.0)?, 5);
    /// assert!((warmup_then_cosine.learning_rate(1.0, 0) - 0.1).abs() < 1e-15);
    /// assert_eq!(warmup_then_cosine.learning_rate(1.0, 5), 1.0);
    /// # Ok::<(), constnet::Error>(())
    /// ```
    #[must_use]
    fn then<S: Schedule>(self, next: S, milestone: usize) -> Sequential<Self, S>
    where
        Self: Sized,
    {
        Sequential::new(self, next, milestone)
    }
}

/// An optimizer whose learning rate follows a schedule, epoch by epoch.
///
/// The base rate is the optimizer's rate when it is wrapped (PyTorch's
/// `initial_lr`). The rate of epoch `t` is `schedule.learning_rate(base, t)`:
/// set when wrapped (epoch 0) and after each [`Optimizer::end_epoch`].
/// [`Optimizer::set_learning_rate`] changes the rate for the rest of the
/// current epoch only (the schedule sets the next epoch's rate from the base,
/// like PyTorch's closed form); [`Scheduled::set_base_learning_rate`] changes
/// the base, so the change lasts, and [`Optimizer::scale_learning_rate`]
/// (what a curvature monitor's automatic lowering calls) scales both the
/// current rate and the base, so the schedule keeps applying the factor.
/// [`Optimizer::reset`] clears the wrapped optimizer's state and rewinds
/// the schedule to epoch 0.
///
/// A schedule's rate that is positive but too small for the scalar (below
/// `1.4e-45` in `f32`) is applied as 0, the rate it rounds to; a rate that
/// is NaN, negative or infinite (only a user-written schedule returns one)
/// is an error from [`Optimizer::end_epoch`], which stops training.
///
/// ```
/// use constnet::optim::{Optimizer, Scheduled, Sgd, StepLr};
/// let sgd = Sgd::<f32, 3>::with_lr(0.1)?;
/// let mut opt = Scheduled::new(sgd, StepLr::new(2, 0.5)?)?;
/// let mut rates = Vec::new();
/// for _epoch in 0..5 {
///     rates.push(opt.learning_rate());
///     opt.end_epoch()?;
/// }
/// assert_eq!(rates, [0.1, 0.1, 0.05, 0.05, 0.025]);
/// # Ok::<(), constnet::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Scheduled<O, S> {
    pub(in crate::optim) optimizer: O,
    pub(in crate::optim) schedule: S,
    pub(in crate::optim) base_lr: f64,
    pub(in crate::optim) epoch: usize,
}

impl<O, S: Schedule> Scheduled<O, S> {
    /// Attaches `schedule` to `optimizer`, taking the optimizer's current
    /// rate as the base, and sets the rate of epoch 0.
    pub fn new<T: Float, const P: usize>(optimizer: O, schedule: S) -> Result<Self>
    where
        O: Optimizer<T, P>,
    {
        let base_lr = optimizer.learning_rate();
        let mut scheduled = Self {
            optimizer,
            schedule,
            base_lr,
            epoch: 0,
        };
        scheduled.apply_schedule::<T, P>()?;
        Ok(scheduled)
    }

    /// The rate the schedule scales (the optimizer's rate when wrapped).
    #[must_use]
    pub const fn base_learning_rate(&self) -> f64 {
        self.base_lr
    }

    /// Epochs completed (calls of [`Optimizer::end_epoch`] since the start or
    /// the last reset).
    #[must_use]
    pub const fn epoch(&self) -> usize {
        self.epoch
    }

    /// The schedule.
    #[must_use]
    pub const fn schedule(&self) -> &S {
        &self.schedule
    }

    /// The wrapped optimizer.
    #[must_use]
    pub const fn optimizer(&self) -> &O {
        &self.optimizer
    }

    /// Unwraps the optimizer, at its current rate.
    #[must_use]
    pub fn into_inner(self) -> O {
        self.optimizer
    }

    /// Changes the base rate and applies the schedule to it from the current
    /// epoch on.
    pub fn set_base_learning_rate<T: Float, const P: usize>(&mut self, base_lr: f64) -> Result<()>
    where
        O: Optimizer<T, P>,
    {
        check_learning_rate::<T>(base_lr)?;
        self.base_lr = base_lr;
        self.apply_schedule::<T, P>()
    }

    /// Sets the optimizer's rate to the schedule's rate of the current
    /// epoch; a positive rate below the smallest positive `T` is applied as
    /// the 0 it rounds to.
    fn apply_schedule<T: Float, const P: usize>(&mut self) -> Result<()>
    where
        O: Optimizer<T, P>,
    {
        let lr = self.schedule.learning_rate(self.base_lr, self.epoch);
        let lr = if lr > 0.0 && T::of_f64(lr) == T::zero() {
            0.0
        } else {
            lr
        };
        self.optimizer.set_learning_rate(lr)
    }
}

impl<T, O, S, const P: usize> Optimizer<T, P> for Scheduled<O, S>
where
    T: Float,
    O: Optimizer<T, P>,
    S: Schedule,
{
    #[inline]
    fn step(&mut self, params: &mut [T; P], grad: &[T; P]) {
        self.optimizer.step(params, grad);
    }

    fn learning_rate(&self) -> f64 {
        self.optimizer.learning_rate()
    }

    fn set_learning_rate(&mut self, lr: f64) -> Result<()> {
        self.optimizer.set_learning_rate(lr)
    }

    /// Scales the current rate and the base, so the schedule keeps the
    /// factor in every later epoch.
    fn scale_learning_rate(&mut self, factor: f64) -> Result<()> {
        check_positive("factor", factor)?;
        let base_lr = self.base_lr * factor;
        check_learning_rate::<T>(base_lr)?;
        self.optimizer.scale_learning_rate(factor)?;
        self.base_lr = base_lr;
        Ok(())
    }

    fn end_epoch(&mut self) -> Result<()> {
        self.optimizer.end_epoch()?;
        self.epoch = self.epoch.saturating_add(1);
        self.apply_schedule::<T, P>()
    }

    fn reset(&mut self) {
        self.optimizer.reset();
        self.epoch = 0;
        // The rate of epoch 0 was applied when the schedule was attached
        // (or the base set), so it is valid again.
        let _ = self.apply_schedule::<T, P>();
    }
}
