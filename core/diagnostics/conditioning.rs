//! Ill-conditioning of the gradient step: the second-order Taylor model of
//! the loss along the step, after Goodfellow, Bengio and Courville, *Deep
//! Learning* (2016), section 8.2.1.
//!
//! Around parameters `theta` with gradient `g` and Hessian `H`, a gradient
//! step `-eps g` changes the loss by
//!
//! ```text
//! L(theta - eps g) - L(theta) ~= 1/2 eps^2 g^T H g - eps g^T g,
//! ```
//!
//! exactly so when the loss is quadratic. The step is predicted to *raise*
//! the loss when `1/2 eps g^T H g > g^T g`: the curvature term beats the
//! first-order decrease, which is what ill-conditioning means here. When
//! `g^T H g > 0` the model is a parabola in `eps`, minimized at the optimal
//! step `eps* = g^T g / g^T H g` and back at the starting loss at the largest
//! stable step `2 eps*`. For an update `d` that is not `-eps g` (momentum,
//! weight decay) the same model reads `g^T d + 1/2 d^T H d`.
//!
//! Goodfellow, Bengio and Courville advise watching both numbers during
//! training: when `g^T H g` grows by more than an order of magnitude while
//! `g^T g` does not shrink, learning slows although the gradient stays
//! strong, and the learning rate must come down. [`CurvatureGrowth`] makes that rule
//! precise over windows of samples. `g^T H g` is one exact Hessian-vector
//! product ([`Network::hessian_vector_product`]), never a finite difference.

use nalgebra::SMatrix;

#[cfg(doc)]
use crate::error::Error;
use crate::error::{Result, check_param};
use crate::loss::Loss;
use crate::network::{Network, check_batch, check_direction, unchecked};
use crate::scalar::{Float, dot};

/// The two numbers that decide whether a gradient step helps: `g^T g` and
/// `g^T H g` at one point, on one batch.
///
/// A two-parameter example, `H = [[3, 1], [1, 2]]` at `x = (1, -2)` (so
/// `g = H x = (1, -3)`):
///
/// ```
/// use constnet::diagnostics::GradientCurvature;
/// let c = GradientCurvature::new(10.0, 15.0); // g^T g = 10, g^T H g = 15
/// assert!((c.predicted_change(0.1) - -0.925).abs() < 1e-15);
/// assert!((c.predicted_change(0.3) - -2.325).abs() < 1e-15);
/// assert_eq!(c.optimal_step(), Some(10.0 / 15.0));
/// assert_eq!(c.max_stable_step(), Some(20.0 / 15.0));
/// assert!(c.raises_loss(1.5) && !c.raises_loss(1.3));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GradientCurvature {
    /// `g^T g`, the squared gradient norm.
    pub gradient_sq: f64,
    /// `g^T H g`, the curvature of the loss along the gradient, scaled by
    /// `g^T g`.
    pub curvature: f64,
}

impl GradientCurvature {
    /// From `g^T g` and `g^T H g`.
    #[must_use]
    pub const fn new(gradient_sq: f64, curvature: f64) -> Self {
        Self {
            gradient_sq,
            curvature,
        }
    }

    /// Measures both numbers for a given gradient `g` of `net` on a batch:
    /// one exact Hessian-vector product `H g`.
    ///
    /// # Errors
    /// A bad batch as [`check_batch`] says (an empty batch, a NaN input, a
    /// bad target); [`Error::NonFiniteInput`] for a NaN or infinite entry
    /// of `gradient`.
    pub fn along_gradient<T, N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
        net: &N,
        loss: &L,
        inputs: &SMatrix<T, I, B>,
        targets: &[L::Target; B],
        gradient: &[T; P],
    ) -> Result<Self>
    where
        T: Float,
        N: Network<T, I, O, P>,
        L: Loss<T, O>,
    {
        check_batch(loss, inputs, targets)?;
        check_direction(gradient)?;
        Ok(Self::along_gradient_unchecked(
            net, loss, inputs, targets, gradient,
        ))
    }

    /// [`GradientCurvature::along_gradient`] on a batch and gradient
    /// checked already (the training loop's data, its finite gradient).
    pub(crate) fn along_gradient_unchecked<
        T,
        N,
        L,
        const I: usize,
        const O: usize,
        const P: usize,
        const B: usize,
    >(
        net: &N,
        loss: &L,
        inputs: &SMatrix<T, I, B>,
        targets: &[L::Target; B],
        gradient: &[T; P],
    ) -> Self
    where
        T: Float,
        N: Network<T, I, O, P>,
        L: Loss<T, O>,
    {
        let mut grad = [T::zero(); P];
        let mut hg = [T::zero(); P];
        unchecked::hessian_vector_product(net, loss, inputs, targets, gradient, &mut grad, &mut hg);
        Self::new(dot(gradient, gradient), dot(gradient, &hg))
    }

    /// Computes the gradient of `net` on a batch, then both numbers (one
    /// backward and one Hessian-vector product). Returns the training-mode
    /// loss too.
    ///
    /// # Errors
    /// A bad batch as [`check_batch`] says, checked once before both
    /// passes.
    pub fn measure<T, N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
        net: &N,
        loss: &L,
        inputs: &SMatrix<T, I, B>,
        targets: &[L::Target; B],
    ) -> Result<(f64, Self)>
    where
        T: Float,
        N: Network<T, I, O, P>,
        L: Loss<T, O>,
    {
        check_batch(loss, inputs, targets)?;
        let mut gradient = [T::zero(); P];
        let value = unchecked::loss_and_gradient(net, loss, inputs, targets, &mut gradient);
        let curvature = Self::along_gradient_unchecked(net, loss, inputs, targets, &gradient);
        Ok((value.to_f64(), curvature))
    }

    /// The second-order prediction of the loss change for the step
    /// `-learning_rate * g`: `1/2 eps^2 g^T H g - eps g^T g`.
    #[must_use]
    pub fn predicted_change(&self, learning_rate: f64) -> f64 {
        0.5 * learning_rate * learning_rate * self.curvature - learning_rate * self.gradient_sq
    }

    /// `true` when the step `-learning_rate * g` is ill-conditioned, predicted
    /// to raise the loss: `1/2 eps g^T H g > g^T g`.
    #[must_use]
    pub fn raises_loss(&self, learning_rate: f64) -> bool {
        0.5 * learning_rate * self.curvature > self.gradient_sq
    }

    /// The optimal step `g^T g / g^T H g`, minimizing the quadratic model
    /// along `-g`; `None` when `g^T H g <= 0` (the model decreases without
    /// bound along `-g`, no step is too long for it).
    #[must_use]
    pub fn optimal_step(&self) -> Option<f64> {
        (self.curvature > 0.0).then(|| self.gradient_sq / self.curvature)
    }

    /// The largest stable step `2 g^T g / g^T H g`: longer steps are predicted
    /// to raise the loss. `None` when `g^T H g <= 0`.
    #[must_use]
    pub fn max_stable_step(&self) -> Option<f64> {
        (self.curvature > 0.0).then(|| 2.0 * self.gradient_sq / self.curvature)
    }

    /// The Rayleigh quotient `g^T H g / g^T g`: the curvature along the unit
    /// gradient direction, between the extreme eigenvalues of `H`. `None`
    /// when `g = 0`.
    #[must_use]
    pub fn rayleigh_quotient(&self) -> Option<f64> {
        (self.gradient_sq > 0.0).then(|| self.curvature / self.gradient_sq)
    }
}

/// The second-order model of the loss change for an arbitrary update `d`:
/// `g^T d + 1/2 d^T (H d)`, given `g`, `d` and `H d`. For `d = -eps g` it
/// equals [`GradientCurvature::predicted_change`].
#[must_use]
pub fn quadratic_model_change<T: Float>(gradient: &[T], step: &[T], hessian_step: &[T]) -> f64 {
    dot(gradient, step) + 0.5 * dot(step, hessian_step)
}

/// A warning that the curvature grew by an order of magnitude while the
/// gradient did not shrink: the block means of two consecutive windows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GrowthWarning {
    /// Mean `g^T g` and `g^T H g` over the earlier window.
    pub previous: GradientCurvature,
    /// Mean `g^T g` and `g^T H g` over the window just completed.
    pub current: GradientCurvature,
}

impl GrowthWarning {
    /// How much `g^T H g` grew: `current / previous` (at least the factor
    /// that raised the warning).
    #[must_use]
    pub fn growth(&self) -> f64 {
        self.current.curvature / self.previous.curvature
    }
}

/// The rule of Goodfellow, Bengio and Courville (2016, section 8.2.1) "`g^T H g` grows by an order of magnitude while `g^T g`
/// does not shrink", over windows.
///
/// Samples are grouped into consecutive, non-overlapping windows of `window`
/// samples (samples `0..w`, `w..2w`, ...). When a window is complete, its
/// means `mean g^T g` and `mean g^T H g` are compared with those of the
/// window before it; a [`GrowthWarning`] is raised when
///
/// - the earlier mean `g^T H g` is positive,
/// - the new mean `g^T H g` is at least `factor` times the earlier one, and
/// - the new mean `g^T g` is at least the earlier one (it did not shrink).
///
/// Means rather than single samples, because minibatch values scatter by
/// more than a factor of ten from one step to the next; non-overlapping
/// windows, because they need O(1) memory. A warning therefore comes at most
/// once per window, at the window's last sample. Non-finite samples are
/// ignored.
///
/// ```
/// use constnet::diagnostics::{GradientCurvature, CurvatureGrowth};
/// let mut growth = CurvatureGrowth::new(2, 10.0)?;
/// assert!(growth.push(GradientCurvature::new(1.0, 1.0)).is_none());
/// assert!(growth.push(GradientCurvature::new(1.0, 3.0)).is_none()); // window 1: means (1, 2)
/// assert!(growth.push(GradientCurvature::new(1.0, 20.0)).is_none());
/// let warning = growth.push(GradientCurvature::new(1.5, 30.0)).unwrap(); // window 2: (1.25, 25)
/// assert_eq!(warning.growth(), 12.5);
/// # Ok::<(), constnet::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurvatureGrowth {
    window: usize,
    factor: f64,
    count: usize,
    sum: GradientCurvature,
    previous: Option<GradientCurvature>,
}

impl CurvatureGrowth {
    /// Windows of `window` samples (>= 1); a warning when `g^T H g` grows by
    /// at least `factor` (> 1; their "order of magnitude" is 10).
    pub fn new(window: usize, factor: f64) -> Result<Self> {
        check_param("growth_window", window as f64, window >= 1, "must be >= 1")?;
        check_param(
            "growth_factor",
            factor,
            factor.is_finite() && factor > 1.0,
            "must be finite and > 1",
        )?;
        Ok(Self {
            window,
            factor,
            count: 0,
            sum: GradientCurvature::default(),
            previous: None,
        })
    }

    /// Adds one sample; returns a warning when it completes a window whose
    /// curvature grew as described above.
    pub fn push(&mut self, sample: GradientCurvature) -> Option<GrowthWarning> {
        if !(sample.gradient_sq.is_finite() && sample.curvature.is_finite()) {
            return None;
        }
        self.sum.gradient_sq += sample.gradient_sq;
        self.sum.curvature += sample.curvature;
        self.count += 1;
        if self.count < self.window {
            return None;
        }
        let n = self.window as f64;
        let current = GradientCurvature::new(self.sum.gradient_sq / n, self.sum.curvature / n);
        self.count = 0;
        self.sum = GradientCurvature::default();
        let previous = self.previous.replace(current)?;
        (previous.curvature > 0.0
            && current.curvature >= self.factor * previous.curvature
            && current.gradient_sq >= previous.gradient_sq)
            .then_some(GrowthWarning { previous, current })
    }

    /// The window length in samples.
    #[must_use]
    pub const fn window(&self) -> usize {
        self.window
    }

    /// The growth factor that raises a warning.
    #[must_use]
    pub const fn factor(&self) -> f64 {
        self.factor
    }
}
