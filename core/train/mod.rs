//! The training loop: minibatch gradient descent with stopping criteria, a
//! held-out set, early stopping, and observers.
//!
//! Each epoch shuffles the sample order with the seeded [`Rng`], then for
//! every minibatch of `B` samples runs a training forward, the loss and its
//! gradient, backward, the optimizer step and the buffer update. At the end
//! of an epoch it computes the exact evaluation-mode mean loss on the whole
//! training set (the empirical risk) and, if given, on the held-out set (an
//! estimate of the expected risk), then checks, in this order:
//!
//! 1. the loss target (training loss at or below it),
//! 2. the gradient tolerance (norm of the epoch's mean minibatch gradient at
//!    or below it),
//! 3. early stopping (held-out loss has not improved by `min_delta` for
//!    `patience` epochs),
//! 4. the epoch limit.
//!
//! A non-finite loss, gradient, updated parameter or running statistic
//! (batch normalization's buffers after their update) stops training with
//! [`Error::NonFinite`] naming the step, and the network is left at the
//! last parameters and buffers *whose loss was finite*, so training can
//! resume from them (at a smaller learning rate, say):
//!
//! | what failed at step `k` | the network is left at | `kept_step` |
//! |---|---|---|
//! | the loss (at the parameters step `k` started from) | those step `k - 1` started from | `k - 1` (`None` for `k = 0`: the initial parameters) |
//! | the gradient, the updated parameters or running statistics | those step `k` started from (their loss was finite) | `k` |
//! | the end-of-epoch training loss (evaluation mode) | those the epoch's last step started from | that step |
//! | the end-of-epoch held-out loss | the parameters at the end of the epoch (their training loss is finite) | `k`, the step that would come next |
//!
//! Nothing non-finite reaches a report or the early-stopping rule. The
//! optimizer's state is not rolled back: resume with a new optimizer (or
//! [`Optimizer::reset`]). The same seed gives the same bits.
//!
//! `Trainer::<B>` needs at least `B` training samples with
//! [`LastBatch::Drop`] (fewer give no batch at all). With
//! [`LastBatch::Fill`] (the default) a data set smaller than the batch is
//! accepted: each epoch's single batch cycles through the shuffled order
//! until it holds `B` samples, so every sample is in it at least once and
//! some twice or more (with `N` samples, `B mod N` of them once more than
//! the others), as the last partial batch of a larger data set is filled.
//!
//! Files: [`config`](TrainConfig) (settings and reports), `stopping` (early
//! stopping and the exact mean loss), [`observer`](Observer) (hooks).

mod config;
mod observer;
mod scratch;
mod stopping;

pub use config::{EpochReport, StopReason, TrainConfig, TrainReport};
#[cfg(feature = "std")]
pub use observer::History;
pub use observer::{Control, EachEpoch, Observer, StepView};
pub use stopping::mean_loss;

use crate::data::{Dataset, LastBatch, shuffled_order};
use crate::error::{Error, Incompatible, Result};
use crate::layer::TrainContext;
use crate::loss::Loss;
use crate::network::Network;
use crate::optim::Optimizer;
use crate::rng::Rng;
use crate::scalar::{Float, all_finite};

use scratch::Scratch;
use stopping::{EarlyStopping, mean_loss_unchecked};

/// Applies an observer's request; returns whether it asked to stop.
fn apply<T: Float, const P: usize>(
    control: Control,
    optimizer: &mut impl Optimizer<T, P>,
) -> Result<bool> {
    match control {
        Control::Continue => Ok(false),
        Control::Stop => Ok(true),
        Control::SetLearningRate(lr) => optimizer.set_learning_rate(lr).map(|()| false),
        Control::ScaleLearningRate(factor) => optimizer.scale_learning_rate(factor).map(|()| false),
    }
}

/// What one epoch's pass over the minibatches produced.
struct EpochPass {
    loss_sum: f64,
    batches: usize,
    observer_stop: bool,
}

/// Minibatch training with batch size `B` and an [`Observer`].
///
/// ```
/// use constnet::prelude::*;
/// network! {
///     /// y = 2x - 1, one weight and one bias.
///     pub struct Line { fc: Dense<1, 1> }
/// }
/// let xs: Vec<[f64; 1]> = (0..16).map(|i| [i as f64 / 16.0]).collect();
/// let ys: Vec<[f64; 1]> = xs.iter().map(|x| [2.0 * x[0] - 1.0]).collect();
/// let data = Dataset::new(&xs, &ys)?;
/// let mut net = Line::<f64>::seeded(1);
/// let mut sgd = Sgd::new(SgdConfig { lr: 0.5, ..SgdConfig::default() })?;
/// let config = TrainConfig { max_epochs: 2000, loss_target: Some(1e-10), ..TrainConfig::default() };
/// let report = Trainer::<4>::new(config)?.fit(&mut net, &Mse, &mut sgd, &data, None)?;
/// assert_eq!(report.stop, StopReason::LossTarget);
/// assert!((net.parameters()[0] - 2.0).abs() < 1e-4);
/// # Ok::<(), constnet::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Trainer<const B: usize, Obs = ()> {
    config: TrainConfig,
    observer: Obs,
}

impl<const B: usize> Trainer<B, ()> {
    /// A trainer with the given settings, checked, and no observer.
    pub fn new(config: TrainConfig) -> Result<Self> {
        const { assert!(B > 0, "the batch size B must be at least 1") };
        config.validate()?;
        Ok(Self {
            config,
            observer: (),
        })
    }
}

impl<const B: usize, Obs> Trainer<B, Obs> {
    /// The same trainer reporting to `observer` (pass `&mut observer` to keep it).
    pub fn observer<Next>(self, observer: Next) -> Trainer<B, Next> {
        Trainer {
            config: self.config,
            observer,
        }
    }

    /// The settings.
    pub const fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// The observer.
    pub const fn observer_ref(&self) -> &Obs {
        &self.observer
    }

    /// Trains `net` on `train` (and reports `validation` each epoch), with an
    /// order buffer on the heap.
    #[cfg(feature = "std")]
    pub fn fit<T, N, L, Opt, const I: usize, const O: usize, const P: usize>(
        &mut self,
        net: &mut N,
        loss: &L,
        optimizer: &mut Opt,
        train: &Dataset<'_, T, I, L::Target>,
        validation: Option<&Dataset<'_, T, I, L::Target>>,
    ) -> Result<TrainReport>
    where
        T: Float,
        N: Network<T, I, O, P>,
        L: Loss<T, O>,
        Opt: Optimizer<T, P>,
        Obs: Observer<T>,
    {
        let mut order = std::vec![0usize; train.len()];
        self.fit_with_order(net, loss, optimizer, train, validation, &mut order)
    }

    /// Trains without a heap: `order` must have one slot per training sample
    /// and receives each epoch's shuffled sample order.
    pub fn fit_with_order<T, N, L, Opt, const I: usize, const O: usize, const P: usize>(
        &mut self,
        net: &mut N,
        loss: &L,
        optimizer: &mut Opt,
        train: &Dataset<'_, T, I, L::Target>,
        validation: Option<&Dataset<'_, T, I, L::Target>>,
        order: &mut [usize],
    ) -> Result<TrainReport>
    where
        T: Float,
        N: Network<T, I, O, P>,
        L: Loss<T, O>,
        Opt: Optimizer<T, P>,
        Obs: Observer<T>,
    {
        self.check_inputs(loss, train, validation, order)?;
        let config = self.config;
        let mut rng = Rng::seed_from(config.seed);
        let mut scratch = Scratch::<T, N, I, O, P, B>::new();
        let mut early = EarlyStopping::new(config.patience, config.min_delta, config.restore_best);
        let mut last_epoch = None;
        let mut stop = StopReason::MaxEpochs;

        for epoch in 0..config.max_epochs {
            shuffled_order(order, &mut rng);
            let pass = self.run_epoch(net, loss, optimizer, train, order, epoch, &mut scratch)?;
            // The rate this epoch's steps used, before a schedule moves it.
            let epoch_learning_rate = optimizer.learning_rate();
            optimizer.end_epoch()?;

            let train_loss = mean_loss_unchecked(&*net, loss, train);
            if !train_loss.is_finite() {
                let kept_step = scratch.restore_last_finite(net);
                return Err(Error::NonFinite {
                    what: "loss",
                    epoch,
                    step: scratch.step,
                    loss: train_loss,
                    kept_step,
                });
            }
            let validation_loss = validation.map(|v| mean_loss_unchecked(&*net, loss, v));
            if let Some(held_out) = validation_loss.filter(|v| !v.is_finite()) {
                return Err(Error::NonFinite {
                    what: "validation loss",
                    epoch,
                    step: scratch.step,
                    loss: held_out,
                    kept_step: Some(scratch.step),
                });
            }
            let report = EpochReport {
                epoch,
                steps: scratch.step,
                train_loss,
                batch_loss: pass.loss_sum / pass.batches.max(1) as f64,
                gradient_norm: scratch.mean_gradient_norm(pass.batches),
                validation_loss,
                learning_rate: epoch_learning_rate,
            };
            last_epoch = Some(report);
            let observer_stop = match self.observer.after_epoch(&report) {
                Control::Continue => pass.observer_stop,
                Control::Stop => true,
                request => apply(request, optimizer)? || pass.observer_stop,
            };
            let early_stop = report
                .validation_loss
                .and_then(|v| early.update(epoch, v, net));

            if observer_stop {
                stop = StopReason::Observer;
            } else if config
                .loss_target
                .is_some_and(|target| train_loss <= target)
            {
                stop = StopReason::LossTarget;
            } else if config
                .gradient_tolerance
                .is_some_and(|tol| report.gradient_norm <= tol)
            {
                stop = StopReason::GradientTolerance;
            } else if let Some(best_epoch) = early_stop {
                stop = StopReason::EarlyStopping { best_epoch };
            } else {
                continue;
            }
            break;
        }

        // `max_epochs >= 1` was checked, so at least one epoch ran.
        let last_epoch = last_epoch.ok_or(Error::ZeroWidth {
            what: "training run (no epoch ran)",
        })?;
        let mut final_loss = last_epoch.train_loss;
        let mut final_validation_loss = last_epoch.validation_loss;
        if let StopReason::EarlyStopping { .. } = stop
            && let Some((best_net, best_loss)) = early.take_best()
        {
            *net = best_net;
            final_loss = mean_loss_unchecked(&*net, loss, train);
            final_validation_loss = Some(best_loss);
        }
        Ok(TrainReport {
            epochs: last_epoch.epoch + 1,
            steps: scratch.step,
            stop,
            last_epoch,
            final_loss,
            final_validation_loss,
            best_validation: early.best,
        })
    }

    /// One pass over the minibatches of an epoch.
    fn run_epoch<T, N, L, Opt, const I: usize, const O: usize, const P: usize>(
        &mut self,
        net: &mut N,
        loss: &L,
        optimizer: &mut Opt,
        train: &Dataset<'_, T, I, L::Target>,
        order: &[usize],
        epoch: usize,
        scratch: &mut Scratch<T, N, I, O, P, B>,
    ) -> Result<EpochPass>
    where
        T: Float,
        N: Network<T, I, O, P>,
        L: Loss<T, O>,
        Opt: Optimizer<T, P>,
        Obs: Observer<T>,
    {
        scratch.grad_sum.fill(T::zero());
        let mut pass = EpochPass {
            loss_sum: 0.0,
            batches: 0,
            observer_stop: false,
        };
        for (x, targets) in train.minibatches::<B>(order, self.config.last_batch) {
            let step = scratch.step;
            // Each step draws its randomness (dropout masks) from its own seed.
            let context = TrainContext::step(self.config.seed, step as u64);
            let output = net.forward_train_with(&x, &mut scratch.cache, &context);
            let value = loss.loss_and_gradient(&output, &targets, &mut scratch.d_output);
            let fail = |what, kept_step| Error::NonFinite {
                what,
                epoch,
                step,
                loss: value.to_f64(),
                kept_step,
            };
            if !value.finite() {
                // These parameters give a non-finite loss: fall back to the
                // last ones whose loss was finite.
                return Err(fail("loss", scratch.restore_last_finite(net)));
            }
            net.backward(&mut scratch.cache, &scratch.d_output, &mut scratch.grad);
            if !all_finite(&scratch.grad) {
                return Err(fail("gradient", Some(step)));
            }
            macro_rules! view {
                ($previous:expr) => {
                    StepView {
                        epoch,
                        step,
                        network: &*net,
                        loss_fn: loss,
                        inputs: &x,
                        targets: &targets,
                        loss: value,
                        gradient: &scratch.grad,
                        learning_rate: optimizer.learning_rate(),
                        previous_parameters: $previous,
                    }
                };
            }
            let control = self.observer.before_step(&view!(None));
            pass.observer_stop |= apply(control, optimizer)?;
            // The loss of these parameters is finite: the state to fall
            // back to if the step breaks something.
            scratch.keep(net, step);
            optimizer.step(net.parameters_mut(), &scratch.grad);
            if !all_finite(net.parameters()) {
                return Err(fail("parameters", scratch.restore_last_finite(net)));
            }
            net.update_buffers(&scratch.cache);
            if !all_finite(net.buffers()) {
                return Err(fail("running statistics", scratch.restore_last_finite(net)));
            }
            let before = scratch
                .last_finite
                .as_ref()
                .map(|(state, _)| state.parameters());
            let control = self.observer.after_step(&view!(before));
            pass.observer_stop |= apply(control, optimizer)?;
            for (s, &g) in scratch.grad_sum.iter_mut().zip(&scratch.grad) {
                *s += g;
            }
            pass.loss_sum += value.to_f64();
            pass.batches += 1;
            scratch.step += 1;
            if pass.observer_stop {
                break;
            }
        }
        Ok(pass)
    }

    fn check_inputs<T, L, const I: usize, const O: usize>(
        &self,
        loss: &L,
        train: &Dataset<'_, T, I, L::Target>,
        validation: Option<&Dataset<'_, T, I, L::Target>>,
        order: &[usize],
    ) -> Result<()>
    where
        T: Float,
        L: Loss<T, O>,
    {
        self.config.validate()?;
        if train.len() < B && self.config.last_batch == LastBatch::Drop {
            return Err(Error::NotEnoughSamples {
                available: train.len(),
                needed: B,
            });
        }
        if order.len() != train.len() {
            return Err(Error::BufferLength {
                what: "sample order",
                given: order.len(),
                required: train.len(),
            });
        }
        if self.config.patience.is_some() && validation.is_none() {
            return Err(Error::IncompatibleOptions(
                Incompatible::PatienceWithoutValidation,
            ));
        }
        loss.check_targets(train.targets())?;
        if let Some(held_out) = validation {
            loss.check_targets(held_out.targets())?;
        }
        Ok(())
    }
}
