//! The ill-conditioning monitor: an [`Observer`] that measures, at every
//! `k`-th training step, the numbers of [`super::conditioning`] on the
//! step's own batch, predicts the loss change of the step about to be
//! taken, measures the change actually obtained, flags ill-conditioned steps
//! and can lower the learning rate before a step that would raise the loss.
//!
//! The flag, the Taylor prediction and the stable and optimal steps assume
//! the plain gradient step `-eps g` of [`Sgd`](crate::optim::Sgd) without
//! momentum or weight decay; for any other update read
//! [`StepRecord::step_model_change`], the same quadratic model along the
//! update actually made.
//!
//! Per measured step it costs one exact Hessian-vector product and one
//! training forward (plus, with [`MonitorConfig::step_model`], a second
//! Hessian-vector product along the actual update). A training loop without
//! the monitor pays nothing: observers are generic and `()` does nothing.
//! Method: Goodfellow, Bengio and Courville, *Deep Learning* (2016),
//! section 8.2.1; the Hessian-vector product is Pearlmutter's R-operator.

use crate::error::{Result, check_param};
use crate::layer::Zeroed;
use crate::loss::Loss;
use crate::network::{Network, unchecked};
use crate::scalar::Float;
use crate::train::{Control, Observer, StepView};

use super::conditioning::{
    CurvatureGrowth, GradientCurvature, GrowthWarning, quadratic_model_change,
};
use super::records::{Records, Ring};

/// How the monitor lowers the learning rate by itself, through
/// [`Control::ScaleLearningRate`]: the reduction is a factor that stays in
/// force for the following steps, and a [`Scheduled`](crate::optim::Scheduled)
/// optimizer's schedule keeps applying it after every epoch boundary.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AutoLr {
    /// Before a flagged step, the learning rate becomes this fraction of the
    /// largest stable step `2 g^T g / g^T H g`, already for that step. In
    /// `(0, 1]`. Default: 0.5, the optimal step `g^T g / g^T H g`.
    pub stable_fraction: f64,
    /// On a curvature-growth warning, the learning rate is multiplied by
    /// this, in `(0, 1)`. Default: 0.1 (an order of magnitude, as the
    /// curvature grew).
    pub growth_decay: f64,
}

impl Default for AutoLr {
    fn default() -> Self {
        Self {
            stable_fraction: 0.5,
            growth_decay: 0.1,
        }
    }
}

/// Settings of the [`ConditioningMonitor`]. `MonitorConfig::default()`
/// measures every step and never changes the learning rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MonitorConfig {
    /// Measure steps `0, k, 2k, ...` (>= 1). Default: 1, every step.
    pub every: usize,
    /// Also evaluate the quadratic model along the actual update `d` (new
    /// minus old parameters), `g^T d + 1/2 d^T H d`, at one more
    /// Hessian-vector product: needed when the optimizer's step is not
    /// `-eps g` (momentum, weight decay). Default: true.
    pub step_model: bool,
    /// Window of the growth rule, in measured steps (see
    /// [`CurvatureGrowth`]). Default: 10.
    pub growth_window: usize,
    /// Growth of `g^T H g` that raises a warning (> 1). Default: 10, an
    /// order of magnitude.
    pub growth_factor: f64,
    /// Automatic learning-rate lowering. Default: none.
    pub auto_lr: Option<AutoLr>,
}

impl Default for MonitorConfig {
    fn default() -> Self {
        Self {
            every: 1,
            step_model: true,
            growth_window: 10,
            growth_factor: 10.0,
            auto_lr: None,
        }
    }
}

/// What the monitor measured at one step.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StepRecord {
    /// Global step (0-based).
    pub step: usize,
    /// Epoch (0-based).
    pub epoch: usize,
    /// Training-mode batch loss before the step.
    pub loss: f64,
    /// `g^T g` and `g^T H g` on the step's batch, before the step.
    pub curvature: GradientCurvature,
    /// The learning rate the step was taken with.
    pub learning_rate: f64,
    /// The learning rate proposed before the monitor lowered it, if it did.
    pub lowered_from: Option<f64>,
    /// `true` when the proposed learning rate was predicted to raise the
    /// loss: `1/2 eps g^T H g > g^T g` (ill-conditioned step).
    pub flagged: bool,
    /// The curvature-growth warning completed at this step, if any.
    pub growth_warning: Option<GrowthWarning>,
    /// `1/2 eps^2 g^T H g - eps g^T g` for the learning rate taken: the
    /// predicted change of the batch loss for the step `-eps g`.
    pub predicted_change: f64,
    /// `g^T d + 1/2 d^T H d` for the update `d` actually made, if
    /// [`MonitorConfig::step_model`] is on.
    pub step_model_change: Option<f64>,
    /// Training-mode loss of the same batch after the step, minus before.
    pub actual_change: f64,
}

impl StepRecord {
    /// The largest stable step `2 g^T g / g^T H g` (`None` if `g^T H g <= 0`).
    #[must_use]
    pub fn max_stable_step(&self) -> Option<f64> {
        self.curvature.max_stable_step()
    }

    /// The optimal step `g^T g / g^T H g` (`None` if `g^T H g <= 0`).
    #[must_use]
    pub fn optimal_step(&self) -> Option<f64> {
        self.curvature.optimal_step()
    }
}

/// Counts over the whole run, kept whatever the record store drops.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MonitorSummary {
    /// Steps measured.
    pub measured: usize,
    /// Steps flagged as ill-conditioned.
    pub flagged: usize,
    /// The first flagged step.
    pub first_flagged: Option<usize>,
    /// GradientCurvature-growth warnings.
    pub growth_warnings: usize,
    /// The step of the first warning.
    pub first_growth_warning: Option<usize>,
    /// Steps whose learning rate the monitor lowered.
    pub lowered: usize,
    /// The first measured step whose batch loss rose (actual change > 0).
    pub first_rise: Option<usize>,
}

/// The ill-conditioning monitor; plug it into a [`Trainer`](crate::train::Trainer)
/// with `.observer(&mut monitor)`.
///
/// `S` is the record store: by default a ring of the last 64 records on the
/// stack (a record is about 150 bytes; choose `Ring<StepRecord, 4>` on a
/// microcontroller), `Vec<StepRecord>` with `std` to keep them all, or `()`
/// to keep only the [`MonitorSummary`].
///
/// ```
/// use constnet::diagnostics::{ConditioningMonitor, MonitorConfig};
/// use constnet::prelude::*;
/// network! {
///     /// A line fitted with MSE: the loss is quadratic in its two parameters.
///     pub struct Line { fc: Dense<1, 1> }
/// }
/// // Inputs 2, 1, 0, -1 and targets 0 make the loss 1/2 theta^T H theta
/// // with H = [[3, 1], [1, 2]]; theta = (1, -2) a two-parameter example.
/// let (xs, ys) = ([[2.0], [1.0], [0.0], [-1.0]], [[0.0]; 4]);
/// let data = Dataset::new(&xs, &ys)?;
/// let mut net = Line::<f64>::from_parameters([1.0, -2.0]);
/// let mut monitor = ConditioningMonitor::<Vec<_>>::new(MonitorConfig::default(), Vec::new())?;
/// let config = TrainConfig { max_epochs: 1, ..TrainConfig::default() };
/// Trainer::<4>::new(config)?.observer(&mut monitor).fit(
///     &mut net, &Mse, &mut Sgd::with_lr(0.1)?, &data, None)?;
/// let record = monitor.records()[0];
/// assert_eq!((record.curvature.gradient_sq, record.curvature.curvature), (10.0, 15.0));
/// assert!((record.predicted_change - -0.925).abs() < 1e-12);
/// assert!((record.actual_change - -0.925).abs() < 1e-12);
/// # Ok::<(), constnet::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ConditioningMonitor<S = Ring<StepRecord, 64>> {
    config: MonitorConfig,
    records: S,
    growth: CurvatureGrowth,
    /// What `before_step` measured, completed by `after_step`.
    pending: Option<StepRecord>,
    summary: MonitorSummary,
}

impl<S: Records<StepRecord> + Default> ConditioningMonitor<S> {
    /// A monitor with the given settings and an empty default store (for
    /// [`Ring`]: the last `N` records on the stack).
    pub fn with_config(config: MonitorConfig) -> Result<Self> {
        Self::new(config, S::default())
    }
}

impl<S: Records<StepRecord>> ConditioningMonitor<S> {
    /// A monitor with the given settings, recording into `records`.
    pub fn new(config: MonitorConfig, records: S) -> Result<Self> {
        check_param(
            "every",
            config.every as f64,
            config.every >= 1,
            "must be >= 1",
        )?;
        if let Some(auto) = config.auto_lr {
            check_param(
                "stable_fraction",
                auto.stable_fraction,
                auto.stable_fraction > 0.0 && auto.stable_fraction <= 1.0,
                "must be in (0, 1]",
            )?;
            check_param(
                "growth_decay",
                auto.growth_decay,
                auto.growth_decay > 0.0 && auto.growth_decay < 1.0,
                "must be in (0, 1)",
            )?;
        }
        Ok(Self {
            config,
            records,
            growth: CurvatureGrowth::new(config.growth_window, config.growth_factor)?,
            pending: None,
            summary: MonitorSummary::default(),
        })
    }

    /// The settings.
    #[must_use]
    pub const fn config(&self) -> &MonitorConfig {
        &self.config
    }

    /// The record store.
    #[must_use]
    pub const fn records(&self) -> &S {
        &self.records
    }

    /// The store, taken out of the monitor.
    #[must_use]
    pub fn into_records(self) -> S {
        self.records
    }

    /// Counts over all measured steps.
    #[must_use]
    pub const fn summary(&self) -> &MonitorSummary {
        &self.summary
    }

    /// Decides the learning rate of a measured step; returns the control.
    fn decide(&mut self, record: &mut StepRecord, lr: f64) -> Control {
        let Some(auto) = self.config.auto_lr else {
            return Control::Continue;
        };
        let mut new_lr = lr;
        if record.growth_warning.is_some() {
            new_lr *= auto.growth_decay;
        }
        if record.flagged
            && let Some(stable) = record.curvature.max_stable_step()
        {
            new_lr = new_lr.min(auto.stable_fraction * stable);
        }
        if new_lr < lr && new_lr > 0.0 && new_lr.is_finite() {
            record.lowered_from = Some(lr);
            self.summary.lowered += 1;
            Control::ScaleLearningRate(new_lr / lr)
        } else {
            Control::Continue
        }
    }
}

impl<T: Float, S: Records<StepRecord>> Observer<T> for ConditioningMonitor<S> {
    fn before_step<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
        &mut self,
        view: &StepView<'_, T, N, L, I, O, P, B>,
    ) -> Control
    where
        N: Network<T, I, O, P>,
        L: Loss<T, O>,
    {
        self.pending = None;
        if !view.step.is_multiple_of(self.config.every) {
            return Control::Continue;
        }
        let curvature = GradientCurvature::along_gradient_unchecked(
            view.network,
            view.loss_fn,
            view.inputs,
            view.targets,
            view.gradient,
        );
        let flagged = curvature.raises_loss(view.learning_rate);
        let growth_warning = self.growth.push(curvature);
        let mut record = StepRecord {
            step: view.step,
            epoch: view.epoch,
            loss: view.loss.to_f64(),
            curvature,
            learning_rate: view.learning_rate,
            flagged,
            growth_warning,
            ..StepRecord::default()
        };
        let control = self.decide(&mut record, view.learning_rate);
        self.pending = Some(record);
        control
    }

    fn after_step<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
        &mut self,
        view: &StepView<'_, T, N, L, I, O, P, B>,
    ) -> Control
    where
        N: Network<T, I, O, P>,
        L: Loss<T, O>,
    {
        let Some(mut record) = self.pending.take() else {
            return Control::Continue;
        };
        if record.step != view.step {
            return Control::Continue;
        }
        // The rate the optimizer reports after the step is the one it used.
        record.learning_rate = view.learning_rate;
        record.predicted_change = record.curvature.predicted_change(view.learning_rate);
        let mut cache = N::Cache::<B>::zeroed();
        let output = view.network.forward_train(view.inputs, &mut cache);
        let after = view.loss_fn.loss(&output, view.targets).to_f64();
        record.actual_change = after - record.loss;
        if self.config.step_model
            && let Some(previous) = view.previous_parameters
        {
            record.step_model_change = Some(step_model_change(view, previous));
        }
        self.summary.measured += 1;
        if record.flagged {
            self.summary.flagged += 1;
            self.summary.first_flagged.get_or_insert(record.step);
        }
        if record.growth_warning.is_some() {
            self.summary.growth_warnings += 1;
            self.summary.first_growth_warning.get_or_insert(record.step);
        }
        if record.actual_change > 0.0 {
            self.summary.first_rise.get_or_insert(record.step);
        }
        self.records.push(record);
        Control::Continue
    }
}

/// `g^T d + 1/2 d^T H d` with `H` taken at the parameters before the step.
fn step_model_change<T, N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
    view: &StepView<'_, T, N, L, I, O, P, B>,
    previous: &[T; P],
) -> f64
where
    T: Float,
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
{
    let current = view.network.parameters();
    let step: [T; P] = core::array::from_fn(|k| current[k] - previous[k]);
    let mut before = view.network.clone();
    *before.parameters_mut() = *previous;
    let (mut grad, mut hd) = ([T::zero(); P], [T::zero(); P]);
    unchecked::hessian_vector_product(
        &before,
        view.loss_fn,
        view.inputs,
        view.targets,
        &step,
        &mut grad,
        &mut hd,
    );
    quadratic_model_change(view.gradient, &step, &hd)
}
