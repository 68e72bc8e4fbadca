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
//!
//! [`spectral_density_in`] writes the nodes and weights into caller
//! buffers (no heap), and [`moment`] and [`density`] read them;
//! [`spectral_density`] (`std`) returns a [`SpectralDensity`].

use super::lanczos::{LanczosRun, lanczos_storage_len};
use super::vectors::{check_dim, rademacher};
use super::{LinearOperator, take};
use crate::error::{Error, Result, check_count, check_param};
use crate::rng::Rng;
use crate::scalar::Float;

/// Runs, Lanczos steps and seed of [`spectral_density_in`].
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

/// Values of storage [`spectral_density_in`] needs for an operator of
/// dimension `n` and `steps` steps per run: a Lanczos run's
/// ([`lanczos_storage_len`]), the probe (`n`) and `min(steps, n)` more;
/// `None` on overflow.
#[must_use]
pub const fn slq_storage_len(n: usize, steps: usize) -> Option<usize> {
    let m = if steps < n { steps } else { n };
    match lanczos_storage_len(n, steps) {
        Some(len) => match len.checked_add(m) {
            Some(len) => len.checked_add(n),
            None => None,
        },
        None => None,
    }
}

/// The capacity `nodes` and `weights` need: `runs * min(steps, n)` each.
fn node_capacity(n: usize, options: SlqOptions) -> Result<usize> {
    super::product_len("spectral density nodes", options.runs, options.steps.min(n))
}

/// Estimates the eigenvalue density of `op` by stochastic Lanczos
/// quadrature from `options.runs` seeded Rademacher probes, without heap:
/// nodes and weights (each weight divided by the number of runs) go to the
/// front of `nodes` and `weights` (`runs * min(steps, n)` values each; a
/// run that closes its Krylov space early writes fewer), and the count
/// written is returned. `storage` holds [`slq_storage_len`] values.
///
/// # Errors
/// [`Error::InvalidHyperParameter`] for zero runs or steps,
/// [`Error::BufferLength`] for short buffers, and the errors of
/// [`LanczosRun::run_in`].
pub fn spectral_density_in<T: Float>(
    op: &mut impl LinearOperator<T>,
    options: SlqOptions,
    nodes: &mut [T],
    weights: &mut [T],
    storage: &mut [T],
) -> Result<usize> {
    let n = op.dim();
    check_dim(n)?;
    check_count("runs", options.runs)?;
    check_count("steps", options.steps)?;
    let capacity = node_capacity(n, options)?;
    for (what, given) in [
        ("spectral density nodes", nodes.len()),
        ("spectral density weights", weights.len()),
    ] {
        if given < capacity {
            return Err(Error::BufferLength {
                what,
                given,
                required: capacity,
            });
        }
    }
    let m = options.steps.min(n);
    let required = slq_storage_len(n, options.steps).ok_or(Error::TooLarge {
        what: "SLQ storage",
        requested: usize::MAX,
    })?;
    super::check_storage(storage, required, "SLQ storage")?;
    let (scratch, rest) = take(storage, m, "SLQ storage", required)?;
    let (probe, lanczos) = take(rest, n, "SLQ storage", required)?;
    let mut rng = Rng::seed_from(options.seed);
    let share = T::one() / T::of_usize(options.runs);
    let mut count = 0;
    for _ in 0..options.runs {
        let taken = quadrature_of_one_run(
            op,
            options.steps,
            &mut rng,
            &mut nodes[count..],
            &mut weights[count..],
            scratch,
            probe,
            lanczos,
        )?;
        for w in &mut weights[count..count + taken] {
            *w *= share;
        }
        count += taken;
    }
    Ok(count)
}

/// One run: a Rademacher probe from `rng`, a Lanczos run from it, and its
/// quadrature written to the front of `nodes` and `weights`; returns the
/// steps taken.
fn quadrature_of_one_run<T: Float>(
    op: &mut impl LinearOperator<T>,
    steps: usize,
    rng: &mut Rng,
    nodes: &mut [T],
    weights: &mut [T],
    scratch: &mut [T],
    probe: &mut [T],
    lanczos: &mut [T],
) -> Result<usize> {
    rademacher(rng, probe);
    let run = LanczosRun::run_in(op, probe, steps, lanczos)?;
    let taken = run.steps();
    run.quadrature_into(
        &mut nodes[..taken],
        &mut weights[..taken],
        &mut scratch[..taken],
    )?;
    Ok(taken)
}

/// One run of [`spectral_density_in`] in `storage` ([`slq_storage_len`]
/// values), the probe drawn from `rng`; unscaled weights.
#[cfg(feature = "std")]
fn run_once<T: Float>(
    op: &mut impl LinearOperator<T>,
    steps: usize,
    rng: &mut Rng,
    nodes: &mut [T],
    weights: &mut [T],
    storage: &mut [T],
) -> Result<usize> {
    let n = op.dim();
    let m = steps.min(n);
    let required = slq_storage_len(n, steps).unwrap_or(usize::MAX);
    super::check_storage(storage, required, "SLQ storage")?;
    let (scratch, rest) = take(storage, m, "SLQ storage", required)?;
    let (probe, lanczos) = take(rest, n, "SLQ storage", required)?;
    quadrature_of_one_run(op, steps, rng, nodes, weights, scratch, probe, lanczos)
}

/// The most points [`SpectralDensity::grid`] allocates, `2^24`: its points
/// are spaced by a fraction of the broadening width long before that, and a
/// larger count from a caller would only commit memory (use [`grid_into`]
/// with a buffer of your own for more).
#[cfg(feature = "std")]
pub const MAX_GRID_POINTS: usize = 1 << 24;

/// Checks nodes and weights: as many of each, at least one, all finite.
fn check_nodes<T: Float>(nodes: &[T], weights: &[T]) -> Result<()> {
    if nodes.len() != weights.len() {
        return Err(Error::BufferLength {
            what: "spectral density weights",
            given: weights.len(),
            required: nodes.len(),
        });
    }
    if nodes.is_empty() {
        return Err(Error::ZeroWidth {
            what: "a spectral density",
        });
    }
    if !crate::scalar::all_finite(nodes) || !crate::scalar::all_finite(weights) {
        return Err(Error::NonFiniteData { sample: 0 });
    }
    Ok(())
}

/// `sum_j w_j theta_j^k`: the `k`-th moment of the density with `nodes`
/// and `weights` (estimates `tr(A^k) / n`; infinite if it overflows `f64`).
///
/// # Errors
/// As [`density`], for the nodes and weights.
pub fn moment<T: Float>(nodes: &[T], weights: &[T], k: i32) -> Result<f64> {
    check_nodes(nodes, weights)?;
    Ok(nodes
        .iter()
        .zip(weights)
        .map(|(&t, &w)| w.to_f64() * crate::math::pow(t.to_f64(), f64::from(k)))
        .sum())
}

/// The density broadened by Gaussians of variance `variance`:
/// `sum_j w_j exp(-(t - theta_j)^2 / (2 variance)) / sqrt(2 pi variance)`.
///
/// # Errors
/// [`Error::InvalidHyperParameter`] for a variance that is not finite and
/// positive (a variance of 0 is no broadening: a sum of Dirac masses has no
/// value at a point) or a `t` that is not finite; [`Error::BufferLength`],
/// [`Error::ZeroWidth`] or [`Error::NonFiniteData`] for nodes and weights
/// of different lengths, none, or not finite.
pub fn density<T: Float>(nodes: &[T], weights: &[T], t: f64, variance: f64) -> Result<f64> {
    check_nodes(nodes, weights)?;
    check_variance(variance)?;
    check_param("t", t, t.is_finite(), "must be finite")?;
    Ok(density_unchecked(nodes, weights, t, variance))
}

fn check_variance(variance: f64) -> Result<()> {
    let ok = variance.is_finite() && variance > 0.0 && (1.0 / variance).is_finite();
    check_param(
        "variance",
        variance,
        ok,
        "must be finite and > 0 (and its reciprocal finite)",
    )
}

fn density_unchecked<T: Float>(nodes: &[T], weights: &[T], t: f64, variance: f64) -> f64 {
    // Through the standard deviation, so neither `TAU * variance` nor
    // `d^2 / variance` overflows for values near the top of f64.
    let sigma = crate::math::sqrt(variance);
    let norm = 1.0 / (crate::math::sqrt(core::f64::consts::TAU) * sigma);
    nodes
        .iter()
        .zip(weights)
        .map(|(&node, &w)| {
            let z = (t - node.to_f64()) / sigma;
            w.to_f64() * norm * crate::math::exp(-0.5 * z * z)
        })
        .sum()
}

/// The broadened density on the points `(t, density)` written into
/// `points`, evenly spaced from the smallest node minus `padding` to the
/// largest plus `padding` (one point: the smallest; no heap).
///
/// # Errors
/// As [`density`]; [`Error::InvalidHyperParameter`] for a padding that is
/// not finite and `>= 0`, or a range whose ends overflow.
pub fn grid_into<T: Float>(
    nodes: &[T],
    weights: &[T],
    variance: f64,
    padding: f64,
    points: &mut [(f64, f64)],
) -> Result<()> {
    check_nodes(nodes, weights)?;
    check_variance(variance)?;
    check_param(
        "padding",
        padding,
        padding.is_finite() && padding >= 0.0,
        "must be finite and >= 0",
    )?;
    let (low, high) = nodes.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &t| {
        (lo.min(t.to_f64()), hi.max(t.to_f64()))
    });
    let (low, high) = (low - padding, high + padding);
    let step = if points.len() > 1 {
        (high - low) / (points.len() - 1) as f64
    } else {
        0.0
    };
    check_param(
        "padding",
        padding,
        low.is_finite() && high.is_finite() && step.is_finite(),
        "must keep the grid's range finite",
    )?;
    for (i, point) in points.iter_mut().enumerate() {
        // Clamped: the last point rounds to `high`, not past it.
        let t = (low + step * i as f64).min(high);
        *point = (t, density_unchecked(nodes, weights, t, variance));
    }
    Ok(())
}

#[cfg(feature = "std")]
pub use owned::{SpectralDensity, spectral_density};

#[cfg(feature = "std")]
mod owned {
    use std::vec::Vec;

    use super::{SlqOptions, density, grid_into, moment, node_capacity, slq_storage_len};
    use crate::error::{Error, Result, check_count};
    use crate::matrix_free::vectors::check_dim;
    use crate::matrix_free::{LinearOperator, zeroed_vec};
    use crate::scalar::Float;

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
        ///
        /// # Errors
        /// As [`moment`](super::moment).
        pub fn moment(&self, k: i32) -> Result<f64> {
            moment(&self.nodes, &self.weights, k)
        }

        /// The density broadened by Gaussians of variance `variance` (see
        /// [`density`](super::density)).
        ///
        /// # Errors
        /// As [`density`](super::density): a variance of 0 or below, or a
        /// `t` that is not finite, is an error.
        pub fn density(&self, t: f64, variance: f64) -> Result<f64> {
            density(&self.nodes, &self.weights, t, variance)
        }

        /// The broadened density on `bins` evenly spaced points from the
        /// smallest node minus `padding` to the largest plus `padding`
        /// (PyHessian: 10 000 bins, variance `1e-5 * max(1, range)`, padding
        /// 0.01), as `(t, density)` pairs.
        ///
        /// # Errors
        /// As [`grid_into`](super::grid_into); [`Error::InvalidHyperParameter`]
        /// for zero bins, [`Error::TooLarge`] for more than
        /// [`MAX_GRID_POINTS`](super::MAX_GRID_POINTS) bins or bins that
        /// cannot be allocated.
        pub fn grid(&self, bins: usize, variance: f64, padding: f64) -> Result<Vec<(f64, f64)>> {
            check_count("bins", bins)?;
            if bins > super::MAX_GRID_POINTS {
                return Err(Error::TooLarge {
                    what: "spectral density grid (at most 2^24 points)",
                    requested: bins,
                });
            }
            let mut points = Vec::new();
            points
                .try_reserve_exact(bins)
                .map_err(|_| Error::TooLarge {
                    what: "spectral density grid",
                    requested: bins,
                })?;
            points.resize(bins, (0.0, 0.0));
            grid_into(&self.nodes, &self.weights, variance, padding, &mut points)?;
            Ok(points)
        }
    }

    /// [`spectral_density_in`](super::spectral_density_in) with its storage on the heap.
    ///
    /// # Errors
    /// As [`spectral_density_in`](super::spectral_density_in); [`Error::TooLarge`] when `runs *
    /// min(steps, n)` overflows `usize` or the Lanczos storage cannot be
    /// allocated (their room is reserved up front and written run by run).
    pub fn spectral_density<T: Float>(
        op: &mut impl LinearOperator<T>,
        options: SlqOptions,
    ) -> Result<SpectralDensity<T>> {
        let n = op.dim();
        check_dim(n)?;
        check_count("runs", options.runs)?;
        check_count("steps", options.steps)?;
        let capacity = node_capacity(n, options)?;
        let len = slq_storage_len(n, options.steps).ok_or(Error::TooLarge {
            what: "SLQ storage",
            requested: usize::MAX,
        })?;
        let mut storage = zeroed_vec("SLQ storage", len)?;
        let m = options.steps.min(n);
        let (mut run_nodes, mut run_weights) =
            (zeroed_vec("SLQ nodes", m)?, zeroed_vec("SLQ weights", m)?);
        let mut density = SpectralDensity {
            nodes: Vec::new(),
            weights: Vec::new(),
        };
        // Reserved, not written: a count no address space holds is refused
        // at once, and pages are committed only as runs fill them.
        for list in [&mut density.nodes, &mut density.weights] {
            list.try_reserve_exact(capacity)
                .map_err(|_| Error::TooLarge {
                    what: "spectral density nodes",
                    requested: capacity,
                })?;
        }
        let share = T::one() / T::of_usize(options.runs);
        let mut rng = crate::rng::Rng::seed_from(options.seed);
        for _ in 0..options.runs {
            // One run, its probe drawn from the stream as the in-place
            // form draws them.
            let count = super::run_once(
                op,
                options.steps,
                &mut rng,
                &mut run_nodes,
                &mut run_weights,
                &mut storage,
            )?;
            density.nodes.extend_from_slice(&run_nodes[..count]);
            density
                .weights
                .extend(run_weights[..count].iter().map(|&w| w * share));
        }
        Ok(density)
    }
}
