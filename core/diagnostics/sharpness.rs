//! Sharpness tracking: the largest eigenvalue `lambda_max` of the Hessian of
//! the training-mode batch loss, measured every `k` steps during training
//! by a Lanczos run warm-started from the previous measurement's top Ritz
//! vector.
//!
//! Gradient descent with learning rate `lr` is stable on a quadratic only
//! while `lambda_max < 2 / lr`. Cohen, Kaur, Li, Kolter and Talwalkar
//! ("Gradient descent on neural networks typically occurs at the edge of
//! stability", ICLR 2021) observed that full-batch training first raises
//! `lambda_max` (progressive sharpening) until it reaches `2 / lr`, then
//! hovers there while the loss keeps falling non-monotonically. The
//! [`SharpnessTracker`] records `lambda_max` beside `2 / lr` so that a
//! training loop can see which regime it is in.
//!
//! Between two measurements the top eigenvector moves little, so starting
//! Lanczos from the last one converges in a few steps; each record says
//! how many Hessian-vector products it cost and how accurate it is (the
//! relative residual `||H v - lambda v|| / |lambda|`, one more product).

use std::time::Instant;
use std::vec;
use std::vec::Vec;

use super::super::hessian::HvpOperator;
use crate::error::{Result, check_count};
use crate::loss::Loss;
use crate::matrix_free::{Lanczos, LinearOperator};
use crate::network::Network;
use crate::rng::Rng;
use crate::scalar::Float;
use crate::train::{Control, Observer, StepView};

/// How often and how hard a [`SharpnessTracker`] measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SharpnessConfig {
    /// Measure before steps `0, k, 2k, ...` (>= 1). Default: 10.
    pub every: usize,
    /// Lanczos steps per measurement after the first (>= 1). Default: 10.
    pub steps: usize,
    /// Lanczos steps of the first measurement, from a random start (>= 1).
    /// Default: 30.
    pub first_steps: usize,
    /// Seed of the first start vector (Rademacher). Default: 0.
    pub seed: u64,
}

impl Default for SharpnessConfig {
    fn default() -> Self {
        Self {
            every: 10,
            steps: 10,
            first_steps: 30,
            seed: 0,
        }
    }
}

/// One sharpness measurement.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SharpnessRecord {
    /// Global step (0-based) before which it was taken.
    pub step: usize,
    /// Epoch (0-based).
    pub epoch: usize,
    /// The training-mode batch loss at that point.
    pub loss: f64,
    /// The largest Ritz value: `lambda_max` of the batch-loss Hessian.
    pub sharpness: f64,
    /// The learning rate of the step about to be taken.
    pub learning_rate: f64,
    /// `||H v - lambda v|| / |lambda|` for the Ritz pair: how far the
    /// estimate can be trusted (0 for an exact eigenpair).
    pub residual: f64,
    /// Hessian-vector products spent (Lanczos steps plus one for the residual).
    pub products: usize,
    /// Wall-clock seconds the measurement took.
    pub seconds: f64,
}

impl SharpnessRecord {
    /// `2 / lr`, the largest `lambda_max` gradient descent is stable at.
    #[must_use]
    pub fn stability_threshold(&self) -> f64 {
        2.0 / self.learning_rate
    }

    /// `lr * lambda_max / 2`: below 1 the step is stable along the top
    /// eigenvector; 1 is the edge of stability.
    #[must_use]
    pub fn edge_ratio(&self) -> f64 {
        self.learning_rate * self.sharpness / 2.0
    }
}

/// An [`Observer`] that measures the sharpness every `k` steps with a
/// warm-started Lanczos run on the step's batch (see the module docs).
/// Training is never steered: every hook returns [`Control::Continue`].
#[derive(Clone, Debug)]
pub struct SharpnessTracker<T> {
    config: SharpnessConfig,
    start: Option<Vec<T>>,
    records: Vec<SharpnessRecord>,
    error: Option<crate::error::Error>,
}

impl<T: Float> SharpnessTracker<T> {
    /// A tracker with `config`.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`](crate::error::Error::InvalidHyperParameter)
    /// for a zero `every`, `steps` or `first_steps`.
    pub fn new(config: SharpnessConfig) -> Result<Self> {
        check_count("every", config.every)?;
        check_count("steps", config.steps)?;
        check_count("first_steps", config.first_steps)?;
        Ok(Self {
            config,
            start: None,
            records: Vec::new(),
            error: None,
        })
    }

    /// The measurements so far, in step order.
    #[must_use]
    pub fn records(&self) -> &[SharpnessRecord] {
        &self.records
    }

    /// The first error a measurement met (a non-finite Hessian-vector
    /// product, for instance), if any; measuring stops after it.
    #[must_use]
    pub const fn error(&self) -> Option<&crate::error::Error> {
        self.error.as_ref()
    }

    /// Total Hessian-vector products and seconds spent measuring.
    #[must_use]
    pub fn cost(&self) -> (usize, f64) {
        self.records
            .iter()
            .fold((0, 0.0), |(p, s), r| (p + r.products, s + r.seconds))
    }

    /// Measures `lambda_max` of `op`, warm-started; returns the Ritz value,
    /// the relative residual and the products spent.
    fn measure(&mut self, op: &mut impl LinearOperator<T>) -> Result<(f64, f64, usize)> {
        let (start, steps) = if let Some(start) = self.start.take() {
            (start, self.config.steps)
        } else {
            let mut rng = Rng::seed_from(self.config.seed);
            let start = (0..op.dim())
                .map(|_| T::of_f64(if rng.below(2) == 0 { -1.0 } else { 1.0 }))
                .collect();
            (start, self.config.first_steps)
        };
        let run = Lanczos::run(op, &start, steps)?;
        let (values, vectors) = run.ritz_pairs()?;
        let (Some(&top), Some(vector)) = (values.last(), vectors.last()) else {
            return Err(crate::error::Error::DegenerateStart {
                what: "Lanczos (no Ritz value)",
            });
        };
        let mut product = vec![T::zero(); vector.len()];
        op.matvec(vector, &mut product)?;
        let residual = product
            .iter()
            .zip(vector)
            .map(|(&hv, &v)| {
                let r = (hv - top * v).to_f64();
                r * r
            })
            .sum::<f64>()
            .sqrt()
            / top.to_f64().abs().max(f64::MIN_POSITIVE);
        self.start = Some(vector.clone());
        Ok((top.to_f64(), residual, run.steps() + 1))
    }
}

impl<T: Float> Observer<T> for SharpnessTracker<T> {
    fn before_step<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
        &mut self,
        step: &StepView<'_, T, N, L, I, O, P, B>,
    ) -> Control
    where
        N: Network<T, I, O, P>,
        L: Loss<T, O>,
    {
        if self.error.is_some() || !step.step.is_multiple_of(self.config.every) {
            return Control::Continue;
        }
        let started = Instant::now();
        let mut op = HvpOperator::new(step.network, step.loss_fn, step.inputs, step.targets);
        match self.measure(&mut op) {
            Ok((sharpness, residual, products)) => self.records.push(SharpnessRecord {
                step: step.step,
                epoch: step.epoch,
                loss: step.loss.to_f64(),
                sharpness,
                learning_rate: step.learning_rate,
                residual,
                products,
                seconds: started.elapsed().as_secs_f64(),
            }),
            Err(error) => self.error = Some(error),
        }
        Control::Continue
    }
}
