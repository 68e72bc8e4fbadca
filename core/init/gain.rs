//! Gains and fan modes: PyTorch's `torch.nn.init.calculate_gain` table and
//! the `mode` argument of the Kaiming initializers.
//!
//! The gain is the factor that keeps the variance of activations steady
//! through a nonlinearity (Glorot and Bengio 2010; He et al. 2015; for SELU,
//! PyTorch's choice 3/4 from its self-normalizing-network notes).

/// A nonlinearity, for [`calculate_gain`] and the Kaiming initializers;
/// PyTorch's `nonlinearity` strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Nonlinearity {
    /// `'linear'` (and the identity): gain 1.
    Linear,
    /// Any of PyTorch's `'conv1d'`, `'conv2d'`, `'conv3d'`,
    /// `'conv_transpose1d'`, ... : gain 1.
    Conv,
    /// `'sigmoid'`: gain 1.
    Sigmoid,
    /// `'tanh'`: gain 5/3.
    Tanh,
    /// `'relu'`: gain `sqrt(2)`.
    ReLU,
    /// `'leaky_relu'`: gain `sqrt(2 / (1 + negative_slope^2))`; the slope is
    /// the `param` of [`calculate_gain`] (default 0.01) or the `a` of the
    /// Kaiming initializers.
    LeakyReLU,
    /// `'selu'`: gain 3/4.
    Selu,
}

/// Which fan the Kaiming initializers divide by (PyTorch's `mode`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FanMode {
    /// `'fan_in'`: preserves the variance of activations in the forward
    /// pass. PyTorch's default.
    #[default]
    FanIn,
    /// `'fan_out'`: preserves the variance of gradients in the backward pass.
    FanOut,
}

/// PyTorch's `calculate_gain(nonlinearity, param)`:
///
/// | nonlinearity | gain |
/// |---|---|
/// | `Linear`, `Conv`, `Sigmoid` | 1 |
/// | `Tanh` | 5/3 |
/// | `ReLU` | `sqrt(2)` |
/// | `LeakyReLU` | `sqrt(2 / (1 + param^2))`, `param` default 0.01 |
/// | `Selu` | 3/4 |
///
/// `param` is read only for `LeakyReLU`. A NaN slope gives a NaN gain; an
/// infinite slope gives 0.
///
/// ```
/// use constnet::init::{Nonlinearity, calculate_gain};
/// assert_eq!(calculate_gain(Nonlinearity::ReLU, None), 2f64.sqrt());
/// assert_eq!(calculate_gain(Nonlinearity::Tanh, None), 5.0 / 3.0);
/// assert_eq!(calculate_gain(Nonlinearity::LeakyReLU, Some(1.0)), 1.0);
/// ```
#[must_use]
pub fn calculate_gain(nonlinearity: Nonlinearity, param: Option<f64>) -> f64 {
    match nonlinearity {
        Nonlinearity::Linear | Nonlinearity::Conv | Nonlinearity::Sigmoid => 1.0,
        Nonlinearity::Tanh => 5.0 / 3.0,
        Nonlinearity::ReLU => crate::math::sqrt(2.0),
        Nonlinearity::LeakyReLU => {
            let slope = param.unwrap_or(0.01);
            crate::math::sqrt(2.0 / (1.0 + slope * slope))
        }
        Nonlinearity::Selu => 0.75,
    }
}
