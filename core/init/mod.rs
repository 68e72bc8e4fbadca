//! Parameter initializers, chosen per layer in a declaration, with the
//! semantics of PyTorch's `torch.nn.init`.
//!
//! An [`Init`] is a small `Copy` value built by `const fn` constructors, so
//! a declaration such as
//! `Dense<4, 16>(weight_init = Init::kaiming_uniform(0.0, FanMode::FanIn, Nonlinearity::ReLU))`
//! is evaluated by the compiler and a bad argument (a negative standard
//! deviation, `a > b`, a sparsity outside `[0, 1]`) is a compile error.
//! Fan-in and fan-out come from the layer's static shape ([`Fans`]), so an
//! initializer never fails at run time.
//!
//! | initializer | PyTorch | distribution |
//! |---|---|---|
//! | [`Init::TorchDefault`] | `nn.Linear.reset_parameters` | `U(-1/sqrt(fan_in), 1/sqrt(fan_in))` |
//! | [`Init::Zeros`], [`Init::Ones`], [`Init::constant`] | `zeros_`, `ones_`, `constant_` | the constant |
//! | [`Init::uniform`] | `uniform_(a, b)` | `U(low, high)` |
//! | [`Init::normal`] | `normal_(mean, std)` | `N(mean, std^2)` |
//! | [`Init::trunc_normal`] | `trunc_normal_(mean, std, a, b)` | `N(mean, std^2)` conditioned on `[a, b]` |
//! | [`Init::xavier_uniform`] | `xavier_uniform_(gain)` | `U(-t, t)`, `t = gain sqrt(6 / (fan_in + fan_out))` |
//! | [`Init::xavier_normal`] | `xavier_normal_(gain)` | `N(0, s^2)`, `s = gain sqrt(2 / (fan_in + fan_out))` |
//! | [`Init::kaiming_uniform`] | `kaiming_uniform_(a, mode, nonlinearity)` | `U(-t, t)`, `t = gain sqrt(3 / fan)` |
//! | [`Init::kaiming_normal`] | `kaiming_normal_(a, mode, nonlinearity)` | `N(0, s^2)`, `s = gain / sqrt(fan)` |
//! | [`Init::lecun_uniform`] | `kaiming_uniform_(mode='fan_in', nonlinearity='linear')` | `U(-t, t)`, `t = sqrt(3 / fan_in)` |
//! | [`Init::lecun_normal`] | `kaiming_normal_(mode='fan_in', nonlinearity='linear')` | `N(0, 1 / fan_in)` |
//! | [`Init::orthogonal`] | `orthogonal_(gain)` | `gain Q`, `Q` orthonormal (QR of a normal matrix, sign-corrected) |
//! | [`Init::Eye`] | `eye_` | ones on the main diagonal |
//! | [`Init::sparse`] | `sparse_(sparsity, std)` | `N(0, std^2)`, `ceil(sparsity rows)` zeros per column |
//!
//! Gains come from [`calculate_gain`]. Values are drawn in `f64` from the
//! seeded [`Rng`](crate::rng::Rng), one draw (uniform, or normal by
//! Box-Muller) per element in the tensor's row-major order, and rounded once
//! to the network's scalar: the same seed gives the same network on every
//! platform. `Zeros`, `Ones`, `Constant` and `Eye` draw nothing; `sparse`
//! then draws the zero positions, column by column; a truncated normal far
//! in a tail draws by rejection, a few uniforms per element
//! ([`truncated`]).
//!
//! A layer's configuration is the same for `f32` and `f64` networks, so an
//! initializer's arguments are checked against the narrower scalar: every
//! value it can draw must be finite in `f32` ([`LARGEST_VALUE`]), so
//! `Init::constant(1e39)` is refused like `Init::constant(f64::NAN)`.
//!
//! # In a declaration
//!
//! ```
//! use constnet::prelude::*;
//!
//! network! {
//!     /// He initialization before a ReLU, Glorot after it.
//!     struct Classifier {
//!         hidden: Dense<4, 16>(
//!             weight_init = Init::kaiming_uniform(0.0, FanMode::FanIn, Nonlinearity::ReLU),
//!             bias_init = Init::Zeros,
//!         ),
//!         act: ReLU,
//!         out: Dense<16, 3>(weight_init = Init::xavier_uniform(1.0)),
//!     }
//! }
//! let net = Classifier::<f32>::seeded(42);
//! assert_eq!(net.parameters()[64..80], [0.0; 16]); // hidden.bias
//! ```
//!
//! A bad argument does not compile (error E0080 names the argument and
//! points at the expression):
//!
//! ```compile_fail,E0080
//! use constnet::prelude::*;
//! network! {
//!     struct Net { fc: Dense<4, 2>(weight_init = Init::normal(0.0, -0.1)) } // std < 0
//! }
//! # fn main() {}
//! ```
//!
//! ```compile_fail,E0080
//! use constnet::prelude::*;
//! network! {
//!     struct Net { fc: Dense<4, 2>(weight_init = Init::trunc_normal(0.0, 1.0, 2.0, -2.0)) } // a > b
//! }
//! # fn main() {}
//! ```
//!
//! ```compile_fail,E0080
//! use constnet::prelude::*;
//! network! {
//!     struct Net { fc: Dense<4, 2>(weight_init = Init::sparse(1.5, 0.01)) } // sparsity > 1
//! }
//! # fn main() {}
//! ```
//!
//! A variant written out by hand is checked the same way:
//!
//! ```compile_fail,E0080
//! use constnet::prelude::*;
//! network! {
//!     struct Net { fc: Dense<4, 2>(weight_init = Init::Normal { mean: 0.0, std: f64::NAN }) }
//! }
//! # fn main() {}
//! ```
//!
//! and so is a value an `f32` network could not hold:
//!
//! ```compile_fail,E0080
//! use constnet::prelude::*;
//! network! {
//!     struct Net { fc: Dense<4, 2>(bias_init = Init::constant(1e39)) } // inf in f32
//! }
//! # fn main() {}
//! ```
//!
//! References: Glorot and Bengio, "Understanding the difficulty of training
//! deep feedforward neural networks", AISTATS 2010; He, Zhang, Ren and Sun,
//! "Delving deep into rectifiers", ICCV 2015; LeCun, Bottou, Orr and Muller,
//! "Efficient BackProp", 1998; Saxe et al., ICLR 2014 (orthogonal); Martens,
//! "Deep learning via Hessian-free optimization", ICML 2010 (sparse).

mod check;
mod constructors;
mod fill;
mod gain;
pub mod orthogonal;
pub mod truncated;

pub use check::{LARGEST_VALUE, NORMAL_DRAW_BOUND};
pub use gain::{FanMode, Nonlinearity, calculate_gain};

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

    /// The fan a Kaiming initializer divides by.
    #[must_use]
    pub const fn select(self, mode: FanMode) -> usize {
        match mode {
            FanMode::FanIn => self.fan_in,
            FanMode::FanOut => self.fan_out,
        }
    }
}

/// How to fill a parameter tensor.
///
/// Build it with the `const fn` constructors ([`Init::normal`],
/// [`Init::kaiming_uniform`], ...), which refuse invalid arguments (a
/// compile error in a declaration; a panic if called with bad values at run
/// time, where their `try_` twins ([`Init::try_normal`], ...) and
/// [`Init::validate`] give a typed error instead). A variant written out by
/// hand is checked when a layer takes it (`Dense<4, 2>(weight_init =
/// Init::Normal { .. })` does not compile with a NaN `std`) or by
/// [`Init::validate`]; filling with an unchecked one never panics: a negative `std` acts as its absolute value, swapped
/// uniform bounds draw from the same interval, a sparsity outside `[0, 1]`
/// is clamped to it, and a NaN argument gives NaN parameters (which the
/// training loop reports as [`Error::NonFinite`](crate::error::Error::NonFinite) at the first step).
///
/// A fan of zero makes every fan-scaled initializer produce zeros (PyTorch's
/// `nn.Linear` uses bound 0 there). Degenerate shapes follow PyTorch: `Eye`
/// on a non-square matrix puts ones on the main diagonal of its leading
/// square block (`torch.eye(rows, cols)`); `orthogonal` gives orthonormal
/// columns for a tall matrix and orthonormal rows for a wide one.
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
    /// Normal with the given mean and standard deviation, truncated to
    /// `[a, b]` (absolute cutoffs, not multiples of `std`). See
    /// [`Init::trunc_normal`].
    TruncatedNormal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation of the untruncated normal.
        std: f64,
        /// Lower cutoff.
        a: f64,
        /// Upper cutoff.
        b: f64,
    },
    /// Xavier/Glorot uniform. See [`Init::xavier_uniform`].
    XavierUniform {
        /// Scaling factor (see [`calculate_gain`]).
        gain: f64,
    },
    /// Xavier/Glorot normal. See [`Init::xavier_normal`].
    XavierNormal {
        /// Scaling factor (see [`calculate_gain`]).
        gain: f64,
    },
    /// Kaiming/He uniform. See [`Init::kaiming_uniform`].
    KaimingUniform {
        /// Negative slope of the leaky ReLU that follows (read only for
        /// [`Nonlinearity::LeakyReLU`]).
        a: f64,
        /// Which fan to preserve.
        mode: FanMode,
        /// The nonlinearity that follows.
        nonlinearity: Nonlinearity,
    },
    /// Kaiming/He normal. See [`Init::kaiming_normal`].
    KaimingNormal {
        /// Negative slope of the leaky ReLU that follows (read only for
        /// [`Nonlinearity::LeakyReLU`]).
        a: f64,
        /// Which fan to preserve.
        mode: FanMode,
        /// The nonlinearity that follows.
        nonlinearity: Nonlinearity,
    },
    /// LeCun uniform: `U(-sqrt(3 / fan_in), sqrt(3 / fan_in))`.
    LecunUniform,
    /// LeCun normal: `N(0, 1 / fan_in)`.
    LecunNormal,
    /// A (semi-)orthogonal matrix times `gain`. See [`Init::orthogonal`].
    Orthogonal {
        /// Scaling factor.
        gain: f64,
    },
    /// The identity matrix (ones on the main diagonal, zeros elsewhere).
    Eye,
    /// Sparse normal. See [`Init::sparse`].
    Sparse {
        /// Fraction of each column set to zero, in `[0, 1]`.
        sparsity: f64,
        /// Standard deviation of the non-zero values.
        std: f64,
    },
}
