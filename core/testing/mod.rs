//! Checking a layer's derivatives in one call (`std`): [`check_layer`]
//! compares its backward pass and its R-operator (the single-direction
//! methods and the block methods full Hessians use) with central
//! differences in `f64` on random inputs, so a layer written outside
//! constnet can be verified before it is trusted with second order.
//! constnet's own layers are checked with it too.
//!
//! The function checked is `L = sum(w .* layer(params, x))` for random
//! weights `w`, in training mode: `dL/dx` and `dL/dparams` against central
//! differences of `L`, then, along a random direction `(v, R{x})` and an
//! upstream tangent `R{dy}`, `R{y}`, `R{dx}` and `R{dparams}` against
//! central differences of the forward output and of backward. The block
//! methods must then agree with the single-direction ones for zero, unit
//! and given directions, with and without an input tangent.
//!
//! ```
//! use constnet::layer::Dense;
//! use constnet::testing::check_layer;
//! let checked = check_layer::<_, 3, 2, 4>(&Dense::<3, 2>::new(), 7)?;
//! assert!(checked.compared > 0);
//! # Ok::<(), constnet::testing::CheckError>(())
//! ```

use core::fmt;
use std::vec;
use std::vec::Vec;

use nalgebra::SMatrix;

use crate::layer::{Layer, TrainContext, Zeroed};
use crate::rng::Rng;

mod blocks;

use blocks::blocks;

/// Step of the central differences: balances the truncation error
/// (`h^2`) and the rounding error (`eps / h`) for order-one values.
pub const STEP: f64 = 1e-6;

/// How close a derivative must be to its central difference: `|a - b| <=
/// absolute` or `|a - b| <= relative * max(|a|, |b|)`, so a relative error
/// in a small derivative is caught as in a large one, down to the rounding
/// noise of the differences.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerance {
    /// Relative tolerance. Default: `1e-6`.
    pub relative: f64,
    /// Absolute floor, the rounding noise of a central difference. Default:
    /// `1e-8`.
    pub absolute: f64,
}

impl Tolerance {
    /// The default: relative `1e-6`, absolute `1e-8`.
    pub const DEFAULT: Self = Self {
        relative: 1e-6,
        absolute: 1e-8,
    };

    /// `true` when `computed` and `expected` agree.
    #[must_use]
    pub fn accepts(&self, computed: f64, expected: f64) -> bool {
        let gap = (computed - expected).abs();
        gap <= self.absolute || gap <= self.relative * computed.abs().max(expected.abs())
    }
}

impl Default for Tolerance {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Which derivative disagreed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Quantity {
    /// `dL/dx` from `backward`.
    InputGradient,
    /// `dL/dparams` from `backward`.
    ParameterGradient,
    /// `R{y}` from `r_forward`.
    OutputTangent,
    /// `R{dx}` from `r_backward`.
    InputGradientTangent,
    /// `R{dparams}` from `r_backward`.
    ParameterGradientTangent,
    /// `R{y}` from `r_forward_block`, against `r_forward`.
    BlockOutputTangent,
    /// `R{dx}` from `r_backward_block`, against `r_backward`.
    BlockInputGradientTangent,
    /// `R{dparams}` from `r_backward_block`, against `r_backward`.
    BlockParameterGradientTangent,
}

/// Why a layer failed its check.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum CheckError {
    /// A slice given to [`check_layer_at`] has the wrong length.
    Length {
        /// Which slice.
        what: &'static str,
        /// Its length.
        given: usize,
        /// The length the layer needs.
        required: usize,
    },
    /// A derivative is not its central difference (or a block method
    /// differs from the single-direction one).
    Mismatch {
        /// Which derivative.
        quantity: Quantity,
        /// The index of the entry, in the quantity's flat layout.
        index: usize,
        /// What the layer computed.
        computed: f64,
        /// What it should be.
        expected: f64,
    },
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length {
                what,
                given,
                required,
            } => write!(
                f,
                "{what} has {given} values, but the layer needs {required}"
            ),
            Self::Mismatch {
                quantity,
                index,
                computed,
                expected,
            } => write!(
                f,
                "{quantity:?}[{index}]: the layer computes {computed}, but it should be {expected}"
            ),
        }
    }
}

impl std::error::Error for CheckError {}

/// What a passed check compared.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerCheck {
    /// How many values were compared.
    pub compared: usize,
    /// The largest `|a - b| / max(|a|, |b|)` among them.
    pub worst_relative_error: f64,
}

/// Checks `layer` with `I` inputs and `O` outputs on a batch of `B`: random
/// parameters (uniform in `[-1, 1]`), its initial buffers, and a random input
/// (uniform in `[-2, 2]`), all drawn from `seed`. See the module
/// documentation for what is compared.
///
/// # Errors
/// [`CheckError::Mismatch`] for the first derivative that is wrong.
pub fn check_layer<Ly, const I: usize, const O: usize, const B: usize>(
    layer: &Ly,
    seed: u64,
) -> Result<LayerCheck, CheckError>
where
    Ly: Layer<f64, I, O>,
{
    let mut rng = Rng::seed_from(seed);
    let params: Vec<f64> = (0..Ly::PARAMS).map(|_| rng.uniform_in(-1.0, 1.0)).collect();
    let mut buffers = vec![0.0; Ly::BUFFERS];
    layer.init_buffers(&mut buffers);
    let x = SMatrix::<f64, I, B>::from_fn(|_, _| rng.uniform_in(-2.0, 2.0));
    check_layer_at(layer, &params, &buffers, &x, rng.next_u64())
}

/// [`check_layer`] at given parameters, buffers and input; `seed` draws the
/// weights of the objective and the directions.
///
/// # Errors
/// [`CheckError::Length`] when `params` or `buffers` do not have the
/// layer's lengths; [`CheckError::Mismatch`] for the first derivative that
/// is wrong.
pub fn check_layer_at<Ly, const I: usize, const O: usize, const B: usize>(
    layer: &Ly,
    params: &[f64],
    buffers: &[f64],
    x: &SMatrix<f64, I, B>,
    seed: u64,
) -> Result<LayerCheck, CheckError>
where
    Ly: Layer<f64, I, O>,
{
    for (what, given, required) in [
        ("params", params.len(), Ly::PARAMS),
        ("buffers", buffers.len(), Ly::BUFFERS),
    ] {
        if given != required {
            return Err(CheckError::Length {
                what,
                given,
                required,
            });
        }
    }
    let mut check = Comparison::default();
    let probe = Probe {
        layer,
        buffers,
        w: random(&mut Rng::seed_from(seed)),
    };
    let mut rng = Rng::seed_from(seed ^ 0x5DEE_CE66);
    first_order(&probe, params, x, &mut check)?;
    second_order(&probe, params, x, &mut rng, &mut check)?;
    blocks(&probe, params, x, &mut rng, &mut check)?;
    Ok(LayerCheck {
        compared: check.compared,
        worst_relative_error: check.worst,
    })
}

/// The layer, its buffers and the objective's weights `w`.
pub(super) struct Probe<'a, Ly, const O: usize, const B: usize> {
    layer: &'a Ly,
    buffers: &'a [f64],
    w: SMatrix<f64, O, B>,
}

impl<Ly, const O: usize, const B: usize> Probe<'_, Ly, O, B> {
    fn run<const I: usize>(
        &self,
        p: &[f64],
        x: &SMatrix<f64, I, B>,
    ) -> (SMatrix<f64, O, B>, Ly::Cache<B>)
    where
        Ly: Layer<f64, I, O>,
    {
        let mut y = SMatrix::zeros();
        let mut cache = Ly::Cache::<B>::zeroed();
        let context = TrainContext::default();
        self.layer
            .forward_train(p, self.buffers, x, &mut y, &mut cache, &context);
        (y, cache)
    }

    /// `y`, `dL/dx` and `dL/dparams` at `(p, x)` for upstream `dy`.
    fn backward<const I: usize>(
        &self,
        p: &[f64],
        x: &SMatrix<f64, I, B>,
        dy: &SMatrix<f64, O, B>,
    ) -> (SMatrix<f64, O, B>, SMatrix<f64, I, B>, Vec<f64>)
    where
        Ly: Layer<f64, I, O>,
    {
        let (y, mut cache) = self.run(p, x);
        let mut dx = SMatrix::zeros();
        let mut grad = vec![0.0; p.len()];
        self.layer
            .backward(p, x, &y, &mut cache, dy, Some(&mut dx), &mut grad);
        (y, dx, grad)
    }
}

#[derive(Default)]
pub(super) struct Comparison {
    compared: usize,
    worst: f64,
}

impl Comparison {
    fn all(
        &mut self,
        quantity: Quantity,
        computed: &[f64],
        expected: &[f64],
        tol: Tolerance,
    ) -> Result<(), CheckError> {
        for (index, (&a, &b)) in computed.iter().zip(expected).enumerate() {
            self.compared += 1;
            let scale = a.abs().max(b.abs());
            if scale > 0.0 {
                self.worst = self.worst.max((a - b).abs() / scale);
            }
            if !tol.accepts(a, b) {
                return Err(CheckError::Mismatch {
                    quantity,
                    index,
                    computed: a,
                    expected: b,
                });
            }
        }
        Ok(())
    }
}

pub(super) fn random<const R: usize, const C: usize>(rng: &mut Rng) -> SMatrix<f64, R, C> {
    SMatrix::from_fn(|_, _| rng.uniform_in(-1.0, 1.0))
}

fn central(f: impl Fn(f64) -> f64) -> f64 {
    (f(STEP) - f(-STEP)) / (2.0 * STEP)
}

fn difference(up: &[f64], down: &[f64]) -> Vec<f64> {
    up.iter()
        .zip(down)
        .map(|(a, b)| (a - b) / (2.0 * STEP))
        .collect()
}

/// `dL/dx` and `dL/dparams` against central differences of `L`.
fn first_order<Ly, const I: usize, const O: usize, const B: usize>(
    probe: &Probe<'_, Ly, O, B>,
    params: &[f64],
    x: &SMatrix<f64, I, B>,
    check: &mut Comparison,
) -> Result<(), CheckError>
where
    Ly: Layer<f64, I, O>,
{
    let objective =
        |p: &[f64], x: &SMatrix<f64, I, B>| probe.run(p, x).0.component_mul(&probe.w).sum();
    let (_, dx, grad) = probe.backward(params, x, &probe.w);
    let numeric_dx: Vec<f64> = (0..I * B)
        .map(|k| {
            central(|t| {
                let mut moved = *x;
                moved.as_mut_slice()[k] += t;
                objective(params, &moved)
            })
        })
        .collect();
    check.all(
        Quantity::InputGradient,
        dx.as_slice(),
        &numeric_dx,
        Tolerance::DEFAULT,
    )?;
    let numeric_grad: Vec<f64> = (0..params.len())
        .map(|k| {
            central(|t| {
                let mut moved = params.to_vec();
                moved[k] += t;
                objective(&moved, x)
            })
        })
        .collect();
    check.all(
        Quantity::ParameterGradient,
        &grad,
        &numeric_grad,
        Tolerance::DEFAULT,
    )
}

/// `R{y}`, `R{dx}` and `R{dparams}` along a random `(v, R{x})` with a random
/// `R{dy}`, against central differences of forward and backward.
fn second_order<Ly, const I: usize, const O: usize, const B: usize>(
    probe: &Probe<'_, Ly, O, B>,
    params: &[f64],
    x: &SMatrix<f64, I, B>,
    rng: &mut Rng,
    check: &mut Comparison,
) -> Result<(), CheckError>
where
    Ly: Layer<f64, I, O>,
{
    let layer = probe.layer;
    let v: Vec<f64> = (0..params.len())
        .map(|_| rng.uniform_in(-1.0, 1.0))
        .collect();
    let (rx, rdy): (SMatrix<f64, I, B>, SMatrix<f64, O, B>) = (random(rng), random(rng));
    let (y, mut cache) = probe.run(params, x);
    let mut ry = SMatrix::zeros();
    let mut r_cache = Ly::Cache::<B>::zeroed();
    layer.r_forward(params, &v, x, &y, &cache, &rx, &mut ry, &mut r_cache);
    let mut dx = SMatrix::<f64, I, B>::zeros();
    let mut grad = vec![0.0; params.len()];
    layer.backward(
        params,
        x,
        &y,
        &mut cache,
        &probe.w,
        Some(&mut dx),
        &mut grad,
    );
    let mut rdx = SMatrix::<f64, I, B>::zeros();
    let mut r_grad = vec![0.0; params.len()];
    let w = &probe.w;
    layer.r_backward(
        params,
        &v,
        x,
        &y,
        &cache,
        &rx,
        &r_cache,
        w,
        &rdy,
        Some(&mut rdx),
        &mut r_grad,
    );
    let at = |t: f64| {
        let p: Vec<f64> = params.iter().zip(&v).map(|(p, d)| p + t * d).collect();
        probe.backward(&p, &(x + rx * t), &(w + rdy * t))
    };
    let ((y_up, dx_up, g_up), (y_down, dx_down, g_down)) = (at(STEP), at(-STEP));
    let tol = Tolerance::DEFAULT;
    check.all(
        Quantity::OutputTangent,
        ry.as_slice(),
        &difference(y_up.as_slice(), y_down.as_slice()),
        tol,
    )?;
    check.all(
        Quantity::InputGradientTangent,
        rdx.as_slice(),
        &difference(dx_up.as_slice(), dx_down.as_slice()),
        tol,
    )?;
    check.all(
        Quantity::ParameterGradientTangent,
        &r_grad,
        &difference(&g_up, &g_down),
        tol,
    )
}
