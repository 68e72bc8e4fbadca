//! Parameter initializers, chosen per layer in a declaration.
//!
//! An [`Init`] is a small `Copy` value that can be built in a `const`, so a
//! declaration such as `Dense<4, 16>(weight_init = Init::Normal { mean: 0.0, std: 0.1 })`
//! is checked by the compiler. Fan-in and fan-out come from the layer's
//! static shape ([`Fans`]), so an initializer cannot fail at run time.
//! Values are drawn in `f64` from the seeded [`Rng`] and rounded once to the
//! network's scalar, in the tensor's row-major order.

use crate::rng::Rng;
use crate::scalar::Float;

/// Fan-in and fan-out of a weight tensor, as PyTorch's
/// `_calculate_fan_in_and_fan_out` computes them (for a dense `O x I`
/// weight: `fan_in = I`, `fan_out = O`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fans {
    /// Number of inputs feeding each output.
    pub fan_in: usize,
    /// Number of outputs each input feeds.
    pub fan_out: usize,
}

impl Fans {
    /// Fans of a layer with `inputs` inputs and `outputs` outputs.
    #[must_use]
    pub const fn new(inputs: usize, outputs: usize) -> Self {
        Self {
            fan_in: inputs,
            fan_out: outputs,
        }
    }
}

/// How to fill a parameter tensor.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Init {
    /// PyTorch's default for the layer: for `nn.Linear` weight and bias alike,
    /// uniform in `[-1/sqrt(fan_in), 1/sqrt(fan_in)]` (the weight's
    /// `kaiming_uniform_(a = sqrt 5)` reduces to this bound).
    TorchDefault,
    /// All zeros.
    Zeros,
    /// All ones.
    Ones,
    /// Every value equal to the constant.
    Constant(f64),
    /// Uniform in `[low, high)`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Normal with the given mean and standard deviation.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        std: f64,
    },
}

impl Init {
    /// Fills a row-major `rows x cols` weight tensor.
    pub fn fill_weight<T: Float>(
        &self,
        values: &mut [T],
        rows: usize,
        cols: usize,
        fans: Fans,
        rng: &mut Rng,
    ) {
        debug_assert_eq!(values.len(), rows * cols);
        self.fill_vector(values, fans, rng);
    }

    /// Fills a bias vector; `fans` are those of the layer's weight, as PyTorch
    /// uses them for the default bias bound.
    pub fn fill_bias<T: Float>(&self, values: &mut [T], fans: Fans, rng: &mut Rng) {
        self.fill_vector(values, fans, rng);
    }

    fn fill_vector<T: Float>(&self, values: &mut [T], fans: Fans, rng: &mut Rng) {
        match *self {
            Self::TorchDefault => {
                let bound = if fans.fan_in == 0 {
                    0.0
                } else {
                    1.0 / crate::math::sqrt(fans.fan_in as f64)
                };
                for v in values {
                    *v = T::of_f64(rng.uniform_in(-bound, bound));
                }
            }
            Self::Zeros => values.fill(T::zero()),
            Self::Ones => values.fill(T::one()),
            Self::Constant(c) => values.fill(T::of_f64(c)),
            Self::Uniform { low, high } => {
                for v in values {
                    *v = T::of_f64(rng.uniform_in(low, high));
                }
            }
            Self::Normal { mean, std } => {
                for v in values {
                    *v = T::of_f64(rng.normal(mean, std));
                }
            }
        }
    }
}
