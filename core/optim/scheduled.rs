//! [`Scheduled`]: any optimizer driven by a learning-rate [`Schedule`].
//!
//! The wrapper is itself an [`Optimizer`], so a training loop takes a
//! scheduled optimizer like any other; the schedule advances when the loop
//! calls [`Optimizer::end_epoch`], as PyTorch users call `scheduler.step()`
//! once per epoch after the optimizer steps.

use super::schedule::Schedule;
use super::{Optimizer, check_learning_rate};
use crate::error::Result;
use crate::scalar::Float;

/// An optimizer whose learning rate follows a schedule, epoch by epoch.
///
/// The base rate is the optimizer's rate when it is wrapped (PyTorch's
/// `initial_lr`). The rate of epoch `t` is `schedule.learning_rate(base, t)`:
/// set when wrapped (epoch 0) and after each [`Optimizer::end_epoch`].
/// [`Optimizer::set_learning_rate`] changes the rate for the rest of the
/// current epoch only (the schedule sets the next epoch's rate from the base,
/// like PyTorch's closed form); [`Scheduled::set_base_learning_rate`] changes
/// the base, so the change lasts. [`Optimizer::reset`] clears the wrapped
/// optimizer's state and rewinds the schedule to epoch 0.
///
/// ```
/// use constnet::optim::{Optimizer, Scheduled, Sgd, StepLr};
/// let sgd = Sgd::<f32, 3>::with_lr(0.1)?;
/// let mut opt = Scheduled::new(sgd, StepLr::new(2, 0.5)?)?;
/// let mut rates = Vec::new();
/// for _epoch in 0..5 {
///     rates.push(opt.learning_rate());
///     opt.end_epoch();
/// }
/// assert_eq!(rates, [0.1, 0.1, 0.05, 0.05, 0.025]);
/// # Ok::<(), constnet::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Scheduled<O, S> {
    optimizer: O,
    schedule: S,
    base_lr: f64,
    epoch: usize,
}

impl<O, S: Schedule> Scheduled<O, S> {
    /// Attaches `schedule` to `optimizer`, taking the optimizer's current
    /// rate as the base, and sets the rate of epoch 0.
    pub fn new<T: Float, const P: usize>(mut optimizer: O, schedule: S) -> Result<Self>
    where
        O: Optimizer<T, P>,
    {
        let base_lr = optimizer.learning_rate();
        optimizer.set_learning_rate(schedule.learning_rate(base_lr, 0))?;
        Ok(Self {
            optimizer,
            schedule,
            base_lr,
            epoch: 0,
        })
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
        check_learning_rate(base_lr)?;
        self.base_lr = base_lr;
        self.optimizer
            .set_learning_rate(self.schedule.learning_rate(base_lr, self.epoch))
    }

    /// Sets the optimizer's rate to the schedule's rate of the current epoch.
    fn apply_schedule<T: Float, const P: usize>(&mut self)
    where
        O: Optimizer<T, P>,
    {
        let lr = self.schedule.learning_rate(self.base_lr, self.epoch);
        // An invalid rate (only a user-written schedule can produce one) is
        // refused by the optimizer, which then keeps its current rate: an
        // epoch boundary has no way to report an error.
        let _ = self.optimizer.set_learning_rate(lr);
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

    fn end_epoch(&mut self) {
        self.optimizer.end_epoch();
        self.epoch = self.epoch.saturating_add(1);
        self.apply_schedule::<T, P>();
    }

    fn reset(&mut self) {
        self.optimizer.reset();
        self.epoch = 0;
        self.apply_schedule::<T, P>();
    }
}
