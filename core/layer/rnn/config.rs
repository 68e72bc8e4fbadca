//! The configuration of [`Rnn`]: its initializers, and PyTorch's
//! `nn.RNN.reset_parameters` as the default.

use super::Rnn;
use crate::init::{Fans, Init};
use crate::rng::Rng;
use crate::scalar::Float;

impl<const I: usize, const H: usize, const S: usize, const SEQUENCE: bool> Rnn<I, H, S, SEQUENCE> {
    /// A recurrent layer with PyTorch's default initialization.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            weight_init: Init::TorchDefault,
            bias_init: Init::TorchDefault,
        }
    }

    /// The same layer with another initializer for both weight matrices
    /// (`Rnn<I, H, S>(weight_init = ...)` in a declaration).
    ///
    /// # Panics
    /// When `init` is invalid ([`Init::validate`]), also a variant written
    /// out by hand: in a `const` (as a declaration evaluates it) that is a
    /// compile error. At run time use [`Rnn::try_weight_init`].
    #[must_use]
    pub const fn weight_init(self, init: Init) -> Self {
        Self {
            weight_init: init.checked(),
            ..self
        }
    }

    /// The same layer with another bias initializer
    /// (`Rnn<I, H, S>(bias_init = ...)` in a declaration).
    ///
    /// # Panics
    /// When `init` is invalid ([`Init::validate`]), also a variant written
    /// out by hand: in a `const` (as a declaration evaluates it) that is a
    /// compile error. At run time use [`Rnn::try_bias_init`].
    #[must_use]
    pub const fn bias_init(self, init: Init) -> Self {
        Self {
            bias_init: init.checked(),
            ..self
        }
    }

    /// [`Rnn::weight_init`] for an initializer known only at run time: the same
    /// layer, or the error [`Init::validate`] reports.
    pub fn try_weight_init(self, init: Init) -> crate::error::Result<Self> {
        Ok(self.weight_init(init.validated()?))
    }

    /// [`Rnn::bias_init`] for an initializer known only at run time: the same
    /// layer, or the error [`Init::validate`] reports.
    pub fn try_bias_init(self, init: Init) -> crate::error::Result<Self> {
        Ok(self.bias_init(init.validated()?))
    }

    /// Fills the layer's parameters from its initializers: PyTorch's
    /// `nn.RNN` rule by default.
    pub(super) fn fill_parameters<T: Float>(&self, params: &mut [T], rng: &mut Rng) {
        let (w_ih, w_hh, bias) = Self::split_mut(params);
        // nn.RNN draws every tensor from U(-1/sqrt(H), 1/sqrt(H)), unlike
        // nn.Linear's 1/sqrt(fan_in): resolve the default to that rule.
        let bound = 1.0 / crate::math::sqrt(H as f64);
        let torch = Init::Uniform {
            low: -bound,
            high: bound,
        };
        let resolve = |init: Init| {
            if init == Init::TorchDefault {
                torch
            } else {
                init
            }
        };
        let weight_init = resolve(self.weight_init);
        weight_init.fill_weight(w_ih, H, I, Fans::new(I, H), rng);
        weight_init.fill_weight(w_hh, H, H, Fans::new(H, H), rng);
        if self.bias_init == Init::TorchDefault {
            // Our one bias is nn.RNN's `bias_ih + bias_hh`: the sum of two
            // independent U(-1/sqrt(H), 1/sqrt(H)) draws, as PyTorch makes it.
            torch.fill_bias(bias, Fans::new(H, H), rng);
            for b in bias.iter_mut() {
                *b += T::of_f64(rng.uniform_in(-bound, bound));
            }
        } else {
            self.bias_init.fill_bias(bias, Fans::new(H, H), rng);
        }
    }
}

impl<const I: usize, const H: usize, const S: usize, const SEQUENCE: bool> Default
    for Rnn<I, H, S, SEQUENCE>
{
    fn default() -> Self {
        Self::new()
    }
}
