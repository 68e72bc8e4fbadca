//! Newton and saddle-free Newton steps for small models, from the full
//! Hessian's eigen-decomposition `H = V Lambda V^T`.
//!
//! | method | step |
//! |---|---|
//! | Newton | `-(H + d I)^+ g = -sum_i (v_i . g) / (lambda_i + d) v_i` |
//! | saddle-free Newton | `-(abs(H) + d I)^+ g = -sum_i (v_i . g) / (abs(lambda_i) + d) v_i` |
//!
//! with damping `d >= 0` (Levenberg-Marquardt). Newton jumps to the nearest
//! critical point of the local quadratic model, whatever its kind, so it is
//! attracted to saddles: along a negative-curvature direction it steps
//! uphill. Saddle-free Newton (Y. Dauphin, R. Pascanu, C. Gulcehre, K. Cho,
//! S. Ganguli, Y. Bengio, "Identifying and attacking the saddle point
//! problem in high-dimensional non-convex optimization", NIPS 2014)
//! rescales by `abs(H)` instead: the same step as Newton along positive
//! curvature, the opposite one along negative curvature, so it moves away
//! from saddles. On `f(x, y) = x^2 - y^2` from `(x, y)`, Newton goes to
//! `(0, 0)` and saddle-free Newton to `(0, 2 y)`.
//!
//! Directions whose rescaled eigenvalue is zero within the spectrum's
//! tolerance (`n * eps * max |lambda|`, see [`crate::spectrum`]) are left
//! out: the `+` is the Moore-Penrose pseudo-inverse, so a singular Hessian
//! gives a finite step.

use std::vec;
use std::vec::Vec;

use nalgebra::SMatrix;

use crate::error::{Error, Result, check_param};
use crate::hessian::SecondOrder;
use crate::hessian::blocks::NetworkBlocks;
use crate::loss::Loss;
use crate::scalar::{Float, norm};
use crate::spectrum::{Curvature, Spectrum};

/// Which second-order step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// Newton: `-(H + d I)^+ g`.
    Newton,
    /// Saddle-free Newton: `-(abs(H) + d I)^+ g`.
    SaddleFree,
}

/// The step of `method` with damping `damping` (>= 0), from the spectrum
/// of the Hessian and the gradient at the same point.
///
/// # Errors
/// [`Error::BufferLength`] when the gradient's length is not the
/// Hessian's size; [`Error::InvalidHyperParameter`] for a negative or
/// non-finite damping.
pub fn step<T: Float>(
    method: Method,
    spectrum: &Spectrum<T>,
    gradient: &[T],
    damping: f64,
) -> Result<Vec<T>> {
    check_param(
        "damping",
        damping,
        damping >= 0.0 && damping.is_finite(),
        "must be finite and at least 0",
    )?;
    let n = spectrum.eigenvalues().len();
    if gradient.len() != n {
        return Err(Error::BufferLength {
            what: "gradient",
            given: gradient.len(),
            required: n,
        });
    }
    let tolerance = spectrum.curvature().tolerance;
    let vectors = spectrum.eigenvectors();
    let mut result = vec![T::zero(); n];
    for (i, &lambda) in spectrum.eigenvalues().iter().enumerate() {
        let scale = match method {
            Method::Newton => lambda.to_f64(),
            Method::SaddleFree => lambda.to_f64().abs(),
        } + damping;
        if scale.abs() <= tolerance {
            continue;
        }
        let v = vectors.column(i);
        let along: T = v
            .iter()
            .zip(gradient)
            .fold(T::zero(), |s, (&a, &g)| s + a * g);
        let coefficient = -along / T::of_f64(scale);
        for (r, &a) in result.iter_mut().zip(v.iter()) {
            *r += coefficient * a;
        }
    }
    Ok(result)
}

/// The Newton step `-(H + d I)^+ g`.
///
/// # Errors
/// As [`step`].
pub fn newton_step<T: Float>(
    spectrum: &Spectrum<T>,
    gradient: &[T],
    damping: f64,
) -> Result<Vec<T>> {
    step(Method::Newton, spectrum, gradient, damping)
}

/// The saddle-free Newton step `-(abs(H) + d I)^+ g`.
///
/// # Errors
/// As [`step`].
pub fn saddle_free_newton_step<T: Float>(
    spectrum: &Spectrum<T>,
    gradient: &[T],
    damping: f64,
) -> Result<Vec<T>> {
    step(Method::SaddleFree, spectrum, gradient, damping)
}

/// What one second-order update of a network saw and did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepReport {
    /// The loss before the step.
    pub loss: f64,
    /// The gradient norm before the step.
    pub gradient_norm: f64,
    /// The Hessian's curvature summary before the step.
    pub curvature: Curvature,
    /// The length of the step taken.
    pub step_norm: f64,
}

/// One damped Newton or saddle-free Newton update of `net` on a batch: the
/// exact Hessian, its spectrum, the step, added to the parameters.
///
/// # Errors
/// As [`SecondOrder::hessian`], [`Spectrum::of`] and [`step`]; the
/// parameters are unchanged on error.
pub fn update<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &mut N,
    loss: &L,
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
    method: Method,
    damping: f64,
) -> Result<StepReport>
where
    N: NetworkBlocks<T, I, O, P> + Sync,
    L: Loss<T, O> + Sync,
    L::Target: Sync,
    N::Cache<B>: Sync,
    T: Float,
{
    let hessian = net.hessian(loss, x, targets)?;
    let spectrum = Spectrum::of(hessian.matrix)?;
    let delta = step(method, &spectrum, &hessian.gradient, damping)?;
    for (p, d) in net.parameters_mut().iter_mut().zip(&delta) {
        *p += *d;
    }
    Ok(StepReport {
        loss: hessian.loss.to_f64(),
        gradient_norm: norm(&hessian.gradient),
        curvature: spectrum.curvature(),
        step_norm: norm(&delta),
    })
}
