//! Vanishing and exploding gradients: how a gradient grows or decays as it
//! flows back through repeated multiplications by the same matrix (the
//! recurrent weight of an RNN, or any square layer) and through the layers
//! of a deep network.
//!
//! The argument: after `t` steps a recurrence multiplies by
//! `W^t = V diag(lambda)^t V^-1`, so eigenvalues of modulus below one make
//! the signal vanish and above one make it explode, like `rho^t` with `rho`
//! the spectral radius (I. Goodfellow, Y. Bengio and A. Courville, *Deep
//! Learning*, MIT Press 2016, sections 8.2.5 and 10.7; R. Pascanu,
//! T. Mikolov and Y. Bengio, "On the difficulty of training recurrent
//! neural networks", ICML 2013). The tools here check that argument on a
//! real network:
//!
//! - [`weight_spectrum`]: eigenvalues (complex), spectral radius, eigenvectors and
//!   the decomposition, with an honest report when `W` is not
//!   diagonalisable; [`WeightSpectrum::growth`] compares the predicted `rho^t`
//!   with the measured `||W^t||_2` and gives a [`Verdict`].
//! - [`square_weight`]: the recurrent matrix `W_hh` of an `Rnn` layer, or
//!   the weight of a square `Dense` layer, read from a declared network.
//! - [`record_gradients`] and [`HiddenGradientProfile`]: `||dL/dh_t||` for
//!   every step `t` of a recurrent layer, recorded by its backward pass.
//! - [`layer_gradient_norms`]: the gradient norm of every layer of a deep
//!   network.
//!
//! No heap: results are fixed-size arrays and iterators.

mod schur;
mod weight_spectrum;

pub use schur::C64;
pub use weight_spectrum::{
    DIAGONALISATION_TOLERANCE, Decomposition, WeightSpectrum, frobenius, matrix_power,
    singular_values, spectral_norm, weight_spectrum,
};

use nalgebra::{SMatrix, SVector};

use crate::error::{Error, LayerProblem, Result, check_param};
#[cfg(doc)]
use crate::layer::RnnCache;
use crate::layer::{HiddenGradients, Role};
use crate::loss::Loss;
use crate::network::{Network, check_batch};
use crate::scalar::Float;

/// The default band for a [`Verdict`]: a growth within one order of
/// magnitude of 1 over the horizon (between 0.1 and 10) counts as stable.
pub const DEFAULT_BAND: f64 = 10.0;

/// What a growth factor over a horizon means for training.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The signal shrinks by more than the band: early steps barely
    /// influence the gradient.
    Vanishing,
    /// The growth stays within the band.
    Stable,
    /// The signal grows by more than the band (or overflows): steps become
    /// unstable.
    Exploding,
}

impl Verdict {
    /// Classifies a growth factor `g` (for example `rho^t` or
    /// `||dL/dh_1|| / ||dL/dh_S||`) with a band `k >= 1`: vanishing if
    /// `g < 1/k`, exploding if `g > k` or `g` is NaN, stable otherwise.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] when `band` is not a finite number
    /// of at least 1.
    pub fn of_growth(growth: f64, band: f64) -> Result<Self> {
        check_param(
            "band",
            band,
            band.is_finite() && band >= 1.0,
            "must be a finite number >= 1",
        )?;
        Ok(if growth.is_nan() || growth > band {
            Self::Exploding
        } else if growth < 1.0 / band {
            Self::Vanishing
        } else {
            Self::Stable
        })
    }
}

impl core::fmt::Display for Verdict {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Vanishing => "vanishing",
            Self::Stable => "stable",
            Self::Exploding => "exploding",
        })
    }
}

/// Predicted against measured growth of `W^t` over a horizon `t`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerGrowth {
    /// The horizon `t`.
    pub horizon: usize,
    /// The spectral radius `rho`.
    pub spectral_radius: f64,
    /// The predicted growth `rho^t`.
    pub predicted: f64,
    /// The measured spectral norm `||W^t||_2` (largest singular value). It is
    /// at least `rho^t`; equal for a normal `W` (symmetric, orthogonal), and
    /// at most `cond_F(V) rho^t` for a diagonalisable one.
    pub measured: f64,
    /// The measured Frobenius norm `||W^t||_F` (between `||W^t||_2` and
    /// `sqrt(N) ||W^t||_2`).
    pub measured_frobenius: f64,
    /// The verdict of the predicted growth `rho^t` in the band.
    pub verdict: Verdict,
}

impl<const N: usize> WeightSpectrum<N> {
    /// Predicted (`rho^t`) against measured (`||W^t||_2`, `||W^t||_F`)
    /// growth over `horizon` steps, and the verdict of the prediction in the
    /// band (see [`Verdict::of_growth`]; [`DEFAULT_BAND`] is 10).
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] for a band that is not finite and `>= 1`.
    pub fn growth(&self, horizon: usize, band: f64) -> Result<PowerGrowth> {
        let predicted = self.predicted_growth(horizon);
        let power = matrix_power(&self.matrix, horizon);
        Ok(PowerGrowth {
            horizon,
            spectral_radius: self.spectral_radius(),
            predicted,
            measured: spectral_norm(&power),
            measured_frobenius: frobenius(&power),
            verdict: Verdict::of_growth(predicted, band)?,
        })
    }
}

/// `||W^t x||_2` for `t = 1, 2, ...`: a vector pushed through the linear
/// part of a recurrence (in backpropagation through time,
/// `dL/dh_{t-k} = (W_hh^T)^k dL/dh_t` while `tanh' = 1`). An orthogonal `W`
/// keeps it constant; otherwise it tends to grow like `rho^t`.
pub fn orbit_norms<T: Float, const N: usize>(
    w: &SMatrix<T, N, N>,
    x: &SVector<T, N>,
) -> impl Iterator<Item = f64> {
    let w = w.map(Float::to_f64);
    let mut state = x.map(Float::to_f64);
    core::iter::repeat_with(move || {
        state = w * state;
        frobenius(&state)
    })
}

/// The square weight matrix of the layer named `layer` in `net`, found by
/// role: its recurrent weights ([`Role::Recurrent`], an `Rnn`'s `W_hh`)
/// when it has them, else its incoming weights ([`Role::Incoming`]) when
/// square (a `Dense` layer with as many inputs as outputs); `K` is its size.
///
/// # Errors
/// [`Error::UnsuitableLayer`] when no layer has that name or the layer has
/// no `K x K` weight.
pub fn square_weight<T, N, const I: usize, const O: usize, const P: usize, const K: usize>(
    net: &N,
    layer: &str,
) -> Result<SMatrix<T, K, K>>
where
    T: Float,
    N: Network<T, I, O, P>,
{
    let info = N::LAYERS
        .iter()
        .find(|info| info.name == layer)
        .ok_or(Error::UnsuitableLayer(LayerProblem::NoSuchName))?;
    // The recurrent matrix if the layer has one, else square incoming
    // weights: found by role, whatever the tensors are called.
    let square = |role| {
        info.tensor_with(role)
            .filter(|(_, t)| t.rows == K && t.cols == K && !t.is_vector)
    };
    let role = if info.tensor_with(Role::Recurrent).is_some() {
        Role::Recurrent
    } else {
        Role::Incoming
    };
    if let Some((offset, _)) = square(role) {
        let values = net
            .parameters()
            .get(offset..offset + K * K)
            .ok_or(Error::UnsuitableLayer(LayerProblem::OutsideParameters))?;
        return Ok(SMatrix::from_row_slice(values));
    }
    Err(Error::UnsuitableLayer(LayerProblem::NoSquareWeight))
}

/// One training forward and backward pass of `net` on a batch, like
/// [`Network::loss_and_gradient`], but into a cache the caller keeps: after
/// it, every recurrent layer's cache holds `dL/dh_t` for every step
/// ([`RnnCache::hidden_grad`], summarized by [`HiddenGradientProfile`]).
/// Returns the loss.
///
/// # Errors
/// A bad batch as [`check_batch`] says (an empty batch, a NaN input, a bad
/// target); `cache` and `gradient` are then unchanged.
pub fn record_gradients<T, N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
    cache: &mut N::Cache<B>,
    gradient: &mut [T; P],
) -> Result<T>
where
    T: Float,
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
{
    check_batch(loss, x, targets)?;
    let output = net.forward_train(x, cache);
    let mut d_output = SMatrix::<T, O, B>::zeros();
    let value = loss.loss_and_gradient(&output, targets, &mut d_output);
    net.backward(cache, &d_output, gradient);
    Ok(value)
}

/// `||dL/dh_t||` for every step of a recurrent layer, from the cache its
/// backward pass filled (see [`record_gradients`]).
///
/// With the loss on the last hidden state only (`sequence = false`), the
/// profile isolates the flow back through `W_hh`: while `tanh` stays near
/// linear, `||dL/dh_t||` behaves like `rho^(S-t) ||dL/dh_S||`. With
/// `sequence = true` every step also receives its own loss term.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HiddenGradientProfile<const S: usize> {
    /// `||dL/dh_t||` (Frobenius over hidden units and samples) for
    /// `t = 1..=S`, at index `t - 1`.
    pub norms: [f64; S],
}

impl<const S: usize> HiddenGradientProfile<S> {
    /// The profile recorded in a recurrent layer's cache (an `Rnn`'s,
    /// `Lstm`'s or `Gru`'s, or any [`HiddenGradients`]).
    #[must_use]
    pub fn of(cache: &impl HiddenGradients<S>) -> Self {
        Self {
            norms: cache.hidden_gradient_norms(),
        }
    }

    /// The profile of `||dL/dc_t||`, an LSTM's cell-state gradients.
    #[must_use]
    pub fn of_cell<T: Float, const H: usize, const B: usize>(
        cache: &crate::layer::LstmCache<T, H, S, B>,
    ) -> Self {
        Self {
            norms: cache.cell_gradient_norms(),
        }
    }

    /// `||dL/dh_t|| / ||dL/dh_S||` for every `t`, or `None` when the last
    /// norm is zero.
    #[must_use]
    pub fn relative_to_last(&self) -> Option<[f64; S]> {
        let last = *self.norms.last()?;
        (last > 0.0).then(|| self.norms.map(|n| n / last))
    }

    /// The growth from the last step back to the first,
    /// `||dL/dh_1|| / ||dL/dh_S||`, or `None` when the last norm is zero.
    #[must_use]
    pub fn end_to_end(&self) -> Option<f64> {
        self.relative_to_last().map(|r| r[0])
    }

    /// The geometric mean growth per step back in time,
    /// `(||dL/dh_1|| / ||dL/dh_S||)^(1/(S-1))`: compare with `rho`. `None`
    /// for a single step or a zero norm.
    #[must_use]
    pub fn rate_per_step(&self) -> Option<f64> {
        let growth = self.end_to_end()?;
        (S > 1 && growth > 0.0).then(|| crate::math::pow(growth, 1.0 / (S - 1) as f64))
    }

    /// The verdict of [`HiddenGradientProfile::end_to_end`] in the band
    /// (see [`Verdict::of_growth`]); `None` when the last norm is zero.
    ///
    /// # Errors
    /// [`Error::InvalidHyperParameter`] for a band that is not finite and `>= 1`.
    pub fn verdict(&self, band: f64) -> Result<Option<Verdict>> {
        self.end_to_end()
            .map(|growth| Verdict::of_growth(growth, band))
            .transpose()
    }
}

/// The gradient of one layer of a network.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerGradientNorm {
    /// The layer's name in the declaration.
    pub layer: &'static str,
    /// Its kind's name.
    pub kind: &'static str,
    /// Its number of parameters.
    pub params: usize,
    /// The Euclidean norm of its share of the gradient.
    pub norm: f64,
    /// The root mean square of its share, `norm / sqrt(params)`, comparable
    /// across layers of different sizes.
    pub rms: f64,
}

/// The gradient norm of every layer with parameters, in declaration order:
/// in a deep network with saturating activations the norms shrink layer by
/// layer toward the input (vanishing) or grow (exploding). `net` only
/// supplies the layer table; `gradient` is a gradient of its parameters.
pub fn layer_gradient_norms<'g, T, N, const I: usize, const O: usize, const P: usize>(
    net: &N,
    gradient: &'g [T; P],
) -> impl Iterator<Item = LayerGradientNorm> + 'g
where
    T: Float,
    N: Network<T, I, O, P>,
{
    let _ = net;
    N::LAYERS.iter().filter(|l| l.params > 0).map(move |l| {
        let share = gradient.get(l.param_range()).unwrap_or(&[]);
        let norm = crate::scalar::norm(share);
        LayerGradientNorm {
            layer: l.name,
            kind: l.kind,
            params: l.params,
            norm,
            rms: norm / crate::math::sqrt(l.params as f64),
        }
    })
}
