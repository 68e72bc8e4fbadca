//! Elementwise activation layers: `ReLU`, `LeakyReLU`, `Tanh`, `Sigmoid`,
//! `Identity` (`Softmax`, which mixes the features of a sample, is in
//! `softmax.rs`).
//!
//! An elementwise activation is defined by three functions side by side:
//! its value f(x), its derivative f'(x) and its second derivative f''(x),
//! each allowed to read the output y = f(x) (cheaper for tanh and sigmoid).
//! Backward is `dx = f'(x) dy`; the R-operator adds
//! `R{dx} = f''(x) R{x} dy + f'(x) R{dy}`.
//!
//! `layer.rs` turns each function's formulas into the layer traits; the same
//! formulas for a block of directions at once are in `block.rs` (`Softmax`
//! uses the trait's per-direction default).
//!
//! Kinks: ReLU and LeakyReLU are not differentiable at 0. As in PyTorch,
//! the derivative at exactly 0 is taken from the left (0 for ReLU, the slope
//! for LeakyReLU), and their second derivative is 0 everywhere: the exact
//! Hessian of a ReLU network is that of the piecewise-linear function on the
//! current linear piece (the kink's Dirac mass is ignored, as every autodiff
//! framework does).

mod block;
mod layer;

use crate::math;
use crate::scalar::Float;

/// A function applied to every feature on its own, with its first and
/// second derivatives.
pub trait Elementwise: Copy + 'static {
    /// The kind's name in messages and tables.
    const NAME: &'static str;
    /// The configuration a declaration starts from.
    const DEFAULT: Self;
    /// `true` when `f(-x) = -f(x)`.
    const ODD: bool;
    /// f(x).
    fn value<T: Float>(&self, x: T) -> T;
    /// f'(x), given x and y = f(x).
    fn derivative<T: Float>(&self, x: T, y: T) -> T;
    /// f''(x), given x and y = f(x).
    fn second_derivative<T: Float>(&self, x: T, y: T) -> T;

    /// `y = f(x)` for a whole slice, the same bits as [`Elementwise::value`]
    /// per element. Default: one element at a time; `Tanh` overrides it with
    /// a four-lane version.
    #[inline]
    fn values<T: Float>(&self, x: &[T], y: &mut [T]) {
        for (y, &x) in y.iter_mut().zip(x) {
            *y = self.value(x);
        }
    }
}

/// Rectified linear unit, `max(x, 0)`; derivative 0 at x = 0 (PyTorch's convention).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ReLU;

/// Leaky ReLU: `x` for `x > 0`, `negative_slope * x` otherwise.
///
/// Default slope: 0.01 (PyTorch's `nn.LeakyReLU`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeakyReLU {
    /// Slope for negative inputs. Default: 0.01.
    pub negative_slope: f64,
}

/// Hyperbolic tangent; f' = 1 - y^2, f'' = -2 y (1 - y^2).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tanh;

/// Logistic sigmoid `1 / (1 + e^-x)`; f' = y (1 - y), f'' = y (1 - y)(1 - 2y).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sigmoid;

/// The identity `y = x`: a placeholder layer (for example the output of a
/// regression network, to make the linear output explicit).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Identity;

/// A slope must be finite in `f32` too: the configuration serves `f32` and
/// `f64` networks alike. NaN fails.
const fn valid_slope(slope: f64) -> bool {
    slope.abs() <= f32::MAX as f64
}

impl LeakyReLU {
    /// PyTorch's default slope, 0.01.
    pub const DEFAULT_SLOPE: f64 = 0.01;
    /// A leaky ReLU with PyTorch's default slope.
    pub const DEFAULT: Self = Self::new(Self::DEFAULT_SLOPE);

    /// A leaky ReLU with the given slope for negative inputs.
    ///
    /// # Panics
    /// When the slope is not finite in `f32`: in a `const` (as a declaration evaluates
    /// it) that is a compile error; at run time use [`LeakyReLU::try_new`].
    #[must_use]
    pub const fn new(negative_slope: f64) -> Self {
        assert!(
            valid_slope(negative_slope),
            "LeakyReLU: negative_slope must be finite, also in f32 (|slope| <= 3.4e38)"
        );
        Self { negative_slope }
    }

    /// A leaky ReLU with the given slope, or
    /// [`Error::InvalidHyperParameter`](crate::error::Error::InvalidHyperParameter)
    /// when the slope is not finite.
    pub fn try_new(negative_slope: f64) -> crate::error::Result<Self> {
        crate::error::check_param(
            "negative_slope",
            negative_slope,
            valid_slope(negative_slope),
            "must be finite, also in f32 (|slope| <= 3.4e38)",
        )?;
        Ok(Self { negative_slope })
    }

    /// The same layer with another slope (used by `LeakyReLU(negative_slope = ...)`
    /// in a declaration).
    ///
    /// # Panics
    /// As [`LeakyReLU::new`], when the slope is not finite.
    #[must_use]
    pub const fn negative_slope(self, negative_slope: f64) -> Self {
        let _ = self;
        Self::new(negative_slope)
    }
}

impl Default for LeakyReLU {
    fn default() -> Self {
        Self::new(Self::DEFAULT_SLOPE)
    }
}

impl Elementwise for ReLU {
    const NAME: &'static str = "ReLU";
    const DEFAULT: Self = Self;
    const ODD: bool = false;
    #[inline]
    fn value<T: Float>(&self, x: T) -> T {
        // Written so that NaN passes through (as in PyTorch), never hidden as 0.
        if x <= T::zero() { T::zero() } else { x }
    }
    #[inline]
    fn derivative<T: Float>(&self, x: T, _y: T) -> T {
        if x > T::zero() { T::one() } else { T::zero() }
    }
    #[inline]
    fn second_derivative<T: Float>(&self, _x: T, _y: T) -> T {
        T::zero()
    }
}

impl Elementwise for LeakyReLU {
    const NAME: &'static str = "LeakyReLU";
    const DEFAULT: Self = Self::DEFAULT;
    const ODD: bool = false;
    #[inline]
    fn value<T: Float>(&self, x: T) -> T {
        if x > T::zero() {
            x
        } else {
            T::of_f64(self.negative_slope) * x
        }
    }
    #[inline]
    fn derivative<T: Float>(&self, x: T, _y: T) -> T {
        if x > T::zero() {
            T::one()
        } else {
            T::of_f64(self.negative_slope)
        }
    }
    #[inline]
    fn second_derivative<T: Float>(&self, _x: T, _y: T) -> T {
        T::zero()
    }
}

impl Elementwise for Tanh {
    const NAME: &'static str = "Tanh";
    const DEFAULT: Self = Self;
    const ODD: bool = true;
    #[inline]
    fn value<T: Float>(&self, x: T) -> T {
        math::tanh(x)
    }
    #[inline]
    fn values<T: Float>(&self, x: &[T], y: &mut [T]) {
        math::tanh_slice(x, y);
    }
    #[inline]
    fn derivative<T: Float>(&self, _x: T, y: T) -> T {
        T::one() - y * y
    }
    #[inline]
    fn second_derivative<T: Float>(&self, _x: T, y: T) -> T {
        let two = T::one() + T::one();
        -two * y * (T::one() - y * y)
    }
}

impl Elementwise for Sigmoid {
    const NAME: &'static str = "Sigmoid";
    const DEFAULT: Self = Self;
    const ODD: bool = false;
    #[inline]
    fn value<T: Float>(&self, x: T) -> T {
        math::sigmoid(x)
    }
    #[inline]
    fn derivative<T: Float>(&self, _x: T, y: T) -> T {
        y * (T::one() - y)
    }
    #[inline]
    fn second_derivative<T: Float>(&self, _x: T, y: T) -> T {
        let two = T::one() + T::one();
        y * (T::one() - y) * (T::one() - two * y)
    }
}

impl Elementwise for Identity {
    const NAME: &'static str = "Identity";
    const DEFAULT: Self = Self;
    const ODD: bool = true;
    #[inline]
    fn value<T: Float>(&self, x: T) -> T {
        x
    }
    #[inline]
    fn derivative<T: Float>(&self, _x: T, _y: T) -> T {
        T::one()
    }
    #[inline]
    fn second_derivative<T: Float>(&self, _x: T, _y: T) -> T {
        T::zero()
    }
}

/// `y = f(x)` for every element.
#[inline]
pub fn elementwise_forward<T: Float, F: Elementwise>(f: &F, x: &[T], y: &mut [T]) {
    f.values(x, y);
}

/// `dx = f'(x) dy` for every element.
#[inline]
pub fn elementwise_backward<T: Float, F: Elementwise>(
    f: &F,
    x: &[T],
    y: &[T],
    dy: &[T],
    dx: &mut [T],
) {
    for (((dx, &x), &y), &dy) in dx.iter_mut().zip(x).zip(y).zip(dy) {
        *dx = f.derivative(x, y) * dy;
    }
}

/// `R{y} = f'(x) R{x}` for every element: the product of backward with
/// `R{x}` in place of `dy`.
#[inline]
pub fn elementwise_r_forward<T: Float, F: Elementwise>(
    f: &F,
    x: &[T],
    y: &[T],
    rx: &[T],
    ry: &mut [T],
) {
    elementwise_backward(f, x, y, rx, ry);
}

/// `R{dx} = f''(x) R{x} dy + f'(x) R{dy}` for every element.
#[inline]
pub fn elementwise_r_backward<T: Float, F: Elementwise>(
    f: &F,
    x: &[T],
    y: &[T],
    rx: &[T],
    dy: &[T],
    rdy: &[T],
    rdx: &mut [T],
) {
    for i in 0..rdx.len() {
        let (x, y) = (x[i], y[i]);
        rdx[i] = f.second_derivative(x, y) * rx[i] * dy[i] + f.derivative(x, y) * rdy[i];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activations_propagate_nan_as_pytorch_does() {
        let nan = f64::NAN;
        assert!(ReLU.value(nan).is_nan());
        assert!(LeakyReLU::DEFAULT.value(nan).is_nan());
        assert!(Tanh.value(nan).is_nan());
        assert!(Sigmoid.value(nan).is_nan());
        assert!(Identity.value(nan).is_nan());
        assert_eq!(ReLU.value(-0.0_f64), 0.0);
        assert_eq!(ReLU.value(-3.0_f64), 0.0);
        assert_eq!(ReLU.value(2.5_f64), 2.5);
    }

    #[test]
    fn a_non_finite_slope_is_refused_with_an_error() {
        assert_eq!(LeakyReLU::try_new(0.2), Ok(LeakyReLU::new(0.2)));
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(matches!(
                LeakyReLU::try_new(bad),
                Err(crate::error::Error::InvalidHyperParameter {
                    name: "negative_slope",
                    ..
                })
            ));
        }
    }
}
