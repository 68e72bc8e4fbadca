//! The one shim through which every transcendental function passes.
//!
//! All of constnet calls `math::exp`, `math::tanh`, ... instead of the
//! inherent `f32::exp` (which does not exist without `std`) or nalgebra's
//! `ComplexField::exp` (which switches implementation with the `std`
//! feature). Everything lands in the pure-Rust `libm` crate, so a network
//! computes bit-identical results in `std` and `no_std` builds and on every
//! platform. The approach follows glam's `f32/math.rs`. One exception: `tanh`
//! of `f32` is our own rational approximation evaluated in `f64`
//! (within 0.86 ulp, as accurate as `tanhf`), because it vectorizes and
//! `tanh` layers were bound by `tanhf` calls. The per-scalar hook (`Libm`)
//! and that approximation are internals of [`crate::scalar`]; the free
//! functions below are the interface.

use crate::scalar::Float;

/// e^x.
#[inline]
pub fn exp<T: Float>(x: T) -> T {
    x.libm_exp()
}

/// Natural logarithm ln x.
#[inline]
pub fn ln<T: Float>(x: T) -> T {
    x.libm_ln()
}

/// ln(1 + x), accurate near x = 0.
#[inline]
pub fn ln_1p<T: Float>(x: T) -> T {
    x.libm_ln_1p()
}

/// e^x - 1, accurate near x = 0.
#[inline]
pub fn exp_m1<T: Float>(x: T) -> T {
    x.libm_exp_m1()
}

/// Hyperbolic tangent (for `f32`: a rational approximation evaluated in
/// `f64`, within 0.86 ulp).
#[inline]
pub fn tanh<T: Float>(x: T) -> T {
    x.libm_tanh()
}

/// `y[i] = tanh x[i]` for a whole slice: the same bits as [`tanh`] on each
/// element, four at a time for `f32`.
#[inline]
pub fn tanh_slice<T: Float>(x: &[T], y: &mut [T]) {
    T::libm_tanh_slice(x, y);
}

/// Square root, correctly rounded.
#[inline]
pub fn sqrt<T: Float>(x: T) -> T {
    x.libm_sqrt()
}

/// x raised to the power y.
#[inline]
pub fn pow<T: Float>(x: T, y: T) -> T {
    x.libm_pow(y)
}

/// Sine.
#[inline]
pub fn sin<T: Float>(x: T) -> T {
    x.libm_sin()
}

/// Cosine.
#[inline]
pub fn cos<T: Float>(x: T) -> T {
    x.libm_cos()
}

/// Absolute value.
#[inline]
pub fn abs<T: Float>(x: T) -> T {
    x.libm_abs()
}

/// Largest integer not greater than x.
#[inline]
pub fn floor<T: Float>(x: T) -> T {
    x.libm_floor()
}

/// Smallest integer not less than x (exact: `-floor(-x)`).
#[inline]
pub fn ceil<T: Float>(x: T) -> T {
    -floor(-x)
}

/// The error function erf x.
#[inline]
pub fn erf<T: Float>(x: T) -> T {
    x.libm_erf()
}

/// The complementary error function erfc x = 1 - erf x.
#[inline]
pub fn erfc<T: Float>(x: T) -> T {
    x.libm_erfc()
}

/// The inverse error function: `erfinv(erf(y)) = y` on the real line.
///
/// Returns `+-inf` at `+-1`, NaN outside `[-1, 1]` and for NaN, and keeps
/// the sign of zero. Accurate to a few units in the last place of `f64`
/// over the whole domain, tails included; an `f32` argument is evaluated in
/// `f64` and rounded once.
///
/// `libm` has no `erfinv`. The method: M. Giles' single-precision
/// approximation ("Approximating the erfinv function", GPU Computing Gems
/// Jade Edition, 2011) as the starting point, then refinement against
/// `libm`'s `erf`: Halley steps on `erf(y) = x` for `|x| <= 1/2`, Newton
/// steps on `ln erfc(y) = ln(1 - |x|)` beyond, where `1 - |x|` is exact
/// and `ln erfc` is nearly quadratic, so the tail keeps its relative
/// accuracy and converges even where Giles' start is rough (`1 - |x|`
/// below about 1e-11). PyTorch's `erfinv` refines a rational approximation
/// by two Newton steps on `erf` instead; both aim at the correctly rounded
/// inverse.
///
/// ```
/// use constnet::math::{erf, erfinv};
/// let y = erfinv(0.5_f64);
/// assert!((y - 0.476_936_276_204_469_9).abs() < 1e-16);
/// assert!((erf(y) - 0.5).abs() < 1e-16);
/// assert_eq!(erfinv(1.0_f64), f64::INFINITY);
/// assert!(erfinv(1.5_f64).is_nan());
/// ```
#[inline]
pub fn erfinv<T: Float>(x: T) -> T {
    T::of_f64(erfinv_f64(x.to_f64()))
}

/// `erfinv` in `f64`; see [`erfinv`].
fn erfinv_f64(x: f64) -> f64 {
    /// 2 / sqrt(pi): the derivative of erf at 0.
    const TWO_OVER_SQRT_PI: f64 = core::f64::consts::FRAC_2_SQRT_PI;
    /// Enough for the worst start (x = 1 - 2^-53 needs five Newton steps);
    /// the loop usually stops after one or two.
    const MAX_STEPS: usize = 8;

    let a = libm::fabs(x);
    if a.is_nan() || a > 1.0 {
        return f64::NAN;
    }
    if a == 1.0 {
        return libm::copysign(f64::INFINITY, x);
    }
    if a == 0.0 {
        return x;
    }
    let mut y = giles_erfinv(a);
    let in_tail = a > 0.5;
    // 1 - a is exact for a in [1/2, 1] (Sterbenz).
    let tail_mass = 1.0 - a;
    for _ in 0..MAX_STEPS {
        let slope = TWO_OVER_SQRT_PI * libm::exp(-y * y);
        let step = if in_tail {
            // Newton on ln erfc(y) - ln(1 - a), whose derivative is -slope / erfc(y).
            let tail = libm::erfc(y);
            -libm::log(tail / tail_mass) * tail / slope
        } else {
            // Halley on erf(y) - a: erf'' = -2 y erf', so the step is u / (1 + y u).
            let newton = (libm::erf(y) - a) / slope;
            newton / (1.0 + y * newton)
        };
        y -= step;
        if libm::fabs(step) <= f64::EPSILON * y {
            break;
        }
    }
    libm::copysign(y, x)
}

/// Giles' single-precision erfinv for `0 < a < 1`, evaluated in `f64`:
/// relative error about 1e-7, the start of the refinement above.
fn giles_erfinv(a: f64) -> f64 {
    let w = -libm::log((1.0 - a) * (1.0 + a));
    let p = if w < 5.0 {
        let w = w - 2.5;
        let mut p = 2.810_226_36e-08;
        p = 3.432_739_39e-07 + p * w;
        p = -3.523_387_7e-06 + p * w;
        p = -4.391_506_54e-06 + p * w;
        p = 0.000_218_580_87 + p * w;
        p = -0.001_253_725_03 + p * w;
        p = -0.004_177_681_64 + p * w;
        p = 0.246_640_727 + p * w;
        1.501_409_41 + p * w
    } else {
        let w = libm::sqrt(w) - 3.0;
        let mut p = -0.000_200_214_257;
        p = 0.000_100_950_558 + p * w;
        p = 0.001_349_343_22 + p * w;
        p = -0.003_673_428_44 + p * w;
        p = 0.005_739_507_73 + p * w;
        p = -0.007_622_461_3 + p * w;
        p = 0.009_438_870_47 + p * w;
        p = 1.001_674_06 + p * w;
        2.832_976_82 + p * w
    };
    p * a
}

/// The logistic sigmoid 1 / (1 + e^-x), evaluated without overflow for
/// either sign of x.
#[inline]
pub fn sigmoid<T: Float>(x: T) -> T {
    if x >= T::zero() {
        T::one() / (T::one() + exp(-x))
    } else {
        let e = exp(x);
        e / (T::one() + e)
    }
}

/// softplus(x) = ln(1 + e^x), evaluated without overflow: max(x, 0) + ln(1 + e^-|x|).
#[inline]
pub fn softplus<T: Float>(x: T) -> T {
    let positive = if x > T::zero() { x } else { T::zero() };
    positive + ln_1p(exp(-abs(x)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_is_symmetric_and_saturates_without_overflow() {
        for &x in &[-800.0_f64, -30.0, -1.5, 0.0, 0.7, 40.0, 800.0] {
            let s = sigmoid(x);
            assert!((s + sigmoid(-x) - 1.0).abs() < 1e-15, "x = {x}");
            assert!(s.is_finite());
        }
        assert_eq!(sigmoid(0.0_f64), 0.5);
    }

    #[test]
    fn softplus_matches_the_naive_formula_where_that_is_safe() {
        for &x in &[-3.0_f64, -1.0, 0.0, 0.5, 3.0] {
            let naive = (1.0 + x.exp()).ln();
            assert!((softplus(x) - naive).abs() < 1e-14, "x = {x}");
        }
        // Far left, softplus(x) = e^x (1 - e^x / 2 + ...): relative accuracy kept.
        let x = -20.0_f64;
        assert!((softplus(x) / x.exp() - 1.0).abs() < 1e-8);
        assert_eq!(softplus(1000.0_f64), 1000.0);
        assert!(softplus(-1000.0_f64) >= 0.0);
    }
}
