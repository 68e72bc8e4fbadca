//! The eigenvalue density by stochastic Lanczos quadrature (S. Ubaru,
//! J. Chen, Y. Saad, "Fast estimation of tr(f(A)) via stochastic Lanczos
//! quadrature", SIAM J. Matrix Anal. Appl. 38(4), 2017; as PyHessian uses
//! it for neural-network Hessians).
//!
//! The spectral density `phi(t) = (1/n) sum_i delta(t - lambda_i)` is
//! approximated, for a unit vector `v` with Rademacher entries
//! `+-1/sqrt(n)`, by `v`'s spectral measure `sum_i (v . u_i)^2 delta(t -
//! lambda_i)`, whose expectation is `phi`. Lanczos from `v` gives that
//! measure's Gauss quadrature: nodes `theta_j` (the Ritz values) and weights
//! `tau_j` (squared first components of the eigenvectors of `T`, summing to
//! 1). Averaging over runs and broadening each node with a Gaussian of
//! variance `sigma^2` gives a smooth density that integrates to 1. Moments
//! are exact for polynomials of degree below `2 m`:
//! `sum_j tau_j theta_j^k = v^T A^k v`, so the first moment is the
//! Hutchinson estimate of `tr(A) / n` with the same probes.

use std::vec::Vec;

use super::LinearOperator;
use super::lanczos::Lanczos;
use super::vectors::{check_dim, rademacher};
use crate::error::{Result, check_count};
use crate::rng::Rng;
use crate::scalar::Float;

/// Runs, Lanczos steps and seed of [`spectral_density`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlqOptions {
    /// Independent probe vectors (>= 1). Default: 10.
    pub runs: usize,
    /// Lanczos steps per run (>= 1; capped at the dimension). Default: 100.
    pub steps: usize,
    /// Seed of the probes. Default: 0.
    pub seed: u64,
}

impl Default for SlqOptions {
    fn default() -> Self {
        Self {
            runs: 10,
            steps: 100,
            seed: 0,
        }
    }
}

/// A spectral density as weighted nodes: `sum_j w_j delta(t - theta_j)`
/// with `sum_j w_j = 1`.
#[derive(Clone, Debug, PartialEq)]
pub struct SpectralDensity<T> {
    /// The nodes `theta_j` of every run.
    pub nodes: Vec<T>,
    /// Their weights (each run's quadrature weights divided by the number
    /// of runs).
    pub weights: Vec<T>,
}

impl<T: Float> SpectralDensity<T> {
    /// `sum_j w_j theta_j^k`: the `k`-th moment of the density (estimates
    /// `tr(A^k) / n`).
    #[must_use]
    pub fn moment(&self, k: i32) -> f64 {
        self.nodes
            .iter()
            .zip(&self.weights)
            .map(|(&t, &w)| w.to_f64() * crate::math::pow(t.to_f64(), f64::from(k)))
            .sum()
    }

    /// The density broadened by Gaussians of variance `variance`:
    /// `sum_j w_j exp(-(t - theta_j)^2 / (2 variance)) / sqrt(2 pi variance)`.
    #[must_use]
    pub fn density(&self, t: f64, variance: f64) -> f64 {
        let norm = 1.0 / crate::math::sqrt(core::f64::consts::TAU * variance);
        self.nodes
            .iter()
            .zip(&self.weights)
            .map(|(&node, &w)| {
                let d = t - node.to_f64();
                w.to_f64() * norm * crate::math::exp(-d * d / (2.0 * variance))
            })
            .sum()
    }

    /// The broadened density on `bins` evenly spaced points from the
    /// smallest node minus `padding` to the largest plus `padding`
    /// (PyHessian: 10 000 bins, variance `1e-5 * max(1, range)`, padding
    /// 0.01), as `(t, density)` pairs.
    #[must_use]
    pub fn grid(&self, bins: usize, variance: f64, padding: f64) -> Vec<(f64, f64)> {
        let (low, high) = self
            .nodes
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), &t| {
                (lo.min(t.to_f64()), hi.max(t.to_f64()))
            });
        let (low, high) = (low - padding, high + padding);
        let step = if bins > 1 {
            (high - low) / (bins - 1) as f64
        } else {
            0.0
        };
        (0..bins)
            .map(|i| {
                let t = low + step * i as f64;
                (t, self.density(t, variance))
            })
            .collect()
    }
}

/// Estimates the eigenvalue density of `op` by stochastic Lanczos
/// quadrature from `options.runs` seeded Rademacher probes.
///
/// # Errors
/// [`crate::Error::InvalidHyperParameter`] for zero runs or steps,
/// [`crate::Error::Numerical`] as [`Lanczos::run`].
pub fn spectral_density<T: Float>(
    op: &mut impl LinearOperator<T>,
    options: SlqOptions,
) -> Result<SpectralDensity<T>> {
    let n = op.dim();
    check_dim(n)?;
    check_count("runs", options.runs)?;
    let mut rng = Rng::seed_from(options.seed);
    let share = T::one() / T::of_usize(options.runs);
    let mut density = SpectralDensity {
        nodes: Vec::new(),
        weights: Vec::new(),
    };
    for _ in 0..options.runs {
        let probe: Vec<T> = rademacher(&mut rng, n);
        let run = Lanczos::run(op, &probe, options.steps)?;
        let (nodes, weights) = run.quadrature()?;
        density.nodes.extend(nodes);
        density
            .weights
            .extend(weights.into_iter().map(|w| w * share));
    }
    Ok(density)
}
