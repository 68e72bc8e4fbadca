//! Hooks into the training loop: what an [`Observer`] sees at each step and
//! epoch, and how it can steer training ([`Control`]).
//!
//! Observers are the only way diagnostics reach into training. The unit
//! type `()` is the observer that does nothing; its methods are empty and
//! inline away, so an unobserved loop pays nothing.

use nalgebra::SMatrix;

use super::EpochReport;
use crate::loss::Loss;
use crate::network::Network;
use crate::scalar::Float;

/// What an observer asks the training loop to do next.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Control {
    /// Go on.
    #[default]
    Continue,
    /// Stop training after this step or epoch; the report says
    /// [`StopReason::Observer`](super::StopReason::Observer).
    Stop,
    /// Use this learning rate from now on (from `before_step`: already for
    /// the step about to be taken), through
    /// [`Optimizer::set_learning_rate`](crate::optim::Optimizer::set_learning_rate):
    /// a [`Scheduled`](crate::optim::Scheduled) optimizer keeps it for the
    /// current epoch only.
    SetLearningRate(f64),
    /// Multiply the learning rate by this factor (finite, > 0) from now on,
    /// through [`Optimizer::scale_learning_rate`](crate::optim::Optimizer::scale_learning_rate):
    /// a [`Scheduled`](crate::optim::Scheduled) optimizer keeps applying it
    /// in every later epoch.
    ScaleLearningRate(f64),
}

/// One optimizer step as an observer sees it.
///
/// In [`Observer::before_step`] the network holds the parameters the
/// gradient was computed at and `previous_parameters` is `None`; in
/// [`Observer::after_step`] the network holds the updated parameters and
/// `previous_parameters` the ones before the step.
#[derive(Debug)]
pub struct StepView<
    'a,
    T: Float,
    N,
    L: Loss<T, O>,
    const I: usize,
    const O: usize,
    const P: usize,
    const B: usize,
> {
    /// Epoch (0-based).
    pub epoch: usize,
    /// Global step (0-based, over all epochs).
    pub step: usize,
    /// The network.
    pub network: &'a N,
    /// The loss function.
    pub loss_fn: &'a L,
    /// The batch's inputs.
    pub inputs: &'a SMatrix<T, I, B>,
    /// The batch's targets.
    pub targets: &'a [L::Target; B],
    /// The training-mode mean loss of the batch before the step.
    pub loss: T,
    /// Its gradient with respect to the parameters before the step.
    pub gradient: &'a [T; P],
    /// The learning rate of this step.
    pub learning_rate: f64,
    /// In `after_step`: the parameters before the step.
    pub previous_parameters: Option<&'a [T; P]>,
}

/// Watches training and may steer it. Every method has an empty default.
pub trait Observer<T: Float> {
    /// After the gradient of a batch is known, before the optimizer step.
    #[inline]
    fn before_step<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
        &mut self,
        step: &StepView<'_, T, N, L, I, O, P, B>,
    ) -> Control
    where
        N: Network<T, I, O, P>,
        L: Loss<T, O>,
    {
        let _ = step;
        Control::Continue
    }

    /// After the optimizer step (and the buffer update).
    #[inline]
    fn after_step<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
        &mut self,
        step: &StepView<'_, T, N, L, I, O, P, B>,
    ) -> Control
    where
        N: Network<T, I, O, P>,
        L: Loss<T, O>,
    {
        let _ = step;
        Control::Continue
    }

    /// At the end of every epoch, with its figures.
    #[inline]
    fn after_epoch(&mut self, report: &EpochReport) -> Control {
        let _ = report;
        Control::Continue
    }
}

/// The observer that does nothing.
impl<T: Float> Observer<T> for () {}

/// The hooks of an observer that forwards to others: each expands to
/// `$forward!(self, hook, argument)`, with `$forward` the macro that says
/// where the call goes.
macro_rules! forward_hooks {
    ($forward:ident) => {
        #[inline]
        fn before_step<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
            &mut self,
            step: &StepView<'_, T, N, L, I, O, P, B>,
        ) -> Control
        where
            N: Network<T, I, O, P>,
            L: Loss<T, O>,
        {
            $forward!(self, before_step, step)
        }

        #[inline]
        fn after_step<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
            &mut self,
            step: &StepView<'_, T, N, L, I, O, P, B>,
        ) -> Control
        where
            N: Network<T, I, O, P>,
            L: Loss<T, O>,
        {
            $forward!(self, after_step, step)
        }

        #[inline]
        fn after_epoch(&mut self, report: &EpochReport) -> Control {
            $forward!(self, after_epoch, report)
        }
    };
}

/// Forwards a hook to the borrowed observer.
macro_rules! to_borrowed {
    ($observer:expr, $hook:ident, $argument:expr) => {
        (**$observer).$hook($argument)
    };
}

/// Forwards a hook to both observers of a pair, in order, and combines
/// what they ask.
macro_rules! to_both {
    ($pair:expr, $hook:ident, $argument:expr) => {
        combine($pair.0.$hook($argument), $pair.1.$hook($argument))
    };
}

/// An observer borrowed, so the caller keeps it (and what it recorded).
impl<T: Float, X: Observer<T>> Observer<T> for &mut X {
    forward_hooks!(to_borrowed);
}

/// Two observers, both called in order. `Stop` from either wins; otherwise
/// the last learning-rate request wins.
impl<T: Float, X: Observer<T>, Y: Observer<T>> Observer<T> for (X, Y) {
    forward_hooks!(to_both);
}

fn combine(a: Control, b: Control) -> Control {
    match (a, b) {
        (Control::Stop, _) | (_, Control::Stop) => Control::Stop,
        (x, Control::Continue) => x,
        (_, y) => y,
    }
}

/// Records every epoch's report (needs `std`).
#[cfg(feature = "std")]
#[derive(Clone, Debug, Default)]
pub struct History {
    /// The reports, in epoch order.
    pub epochs: std::vec::Vec<EpochReport>,
}

#[cfg(feature = "std")]
impl<T: Float> Observer<T> for History {
    fn after_epoch(&mut self, report: &EpochReport) -> Control {
        self.epochs.push(*report);
        Control::Continue
    }
}

/// Calls a closure with every epoch's report: the simplest progress printer.
///
/// ```
/// use constnet::train::{EachEpoch, EpochReport};
/// let mut printer = EachEpoch(|r: &EpochReport| {
///     if r.epoch % 100 == 0 { /* print r.train_loss */ }
/// });
/// # let _ = &mut printer;
/// ```
#[derive(Clone, Copy, Debug)]
pub struct EachEpoch<F>(pub F);

impl<T: Float, F: FnMut(&EpochReport)> Observer<T> for EachEpoch<F> {
    fn after_epoch(&mut self, report: &EpochReport) -> Control {
        (self.0)(report);
        Control::Continue
    }
}
