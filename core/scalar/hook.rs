//! The per-scalar hook of the math shim: the [`Libm`] trait, implemented for
//! `f32` and `f64` with the `libm` crate (and, for `tanh` of `f32`, the
//! approximation of `tanh.rs`). [`crate::scalar::Float`] requires it; the
//! free functions of [`crate::math`] call it.

use super::tanh;

/// Transcendental functions of a scalar, implemented with `libm`.
///
/// This is the hook [`Float`](crate::scalar::Float) uses; call the free functions of this module
/// (`math::exp(x)`) rather than these methods.
pub trait Libm: Copy {
    /// e^x.
    #[must_use]
    fn libm_exp(self) -> Self;
    /// Natural logarithm.
    #[must_use]
    fn libm_ln(self) -> Self;
    /// ln(1 + x), accurate for small x.
    #[must_use]
    fn libm_ln_1p(self) -> Self;
    /// e^x - 1, accurate for small x.
    #[must_use]
    fn libm_exp_m1(self) -> Self;
    /// Hyperbolic tangent.
    #[must_use]
    fn libm_tanh(self) -> Self;
    /// Square root (correctly rounded).
    #[must_use]
    fn libm_sqrt(self) -> Self;
    /// x^y.
    #[must_use]
    fn libm_pow(self, y: Self) -> Self;
    /// Sine.
    #[must_use]
    fn libm_sin(self) -> Self;
    /// Cosine.
    #[must_use]
    fn libm_cos(self) -> Self;
    /// Absolute value.
    #[must_use]
    fn libm_abs(self) -> Self;
    /// Round toward negative infinity.
    #[must_use]
    fn libm_floor(self) -> Self;
    /// Error function.
    #[must_use]
    fn libm_erf(self) -> Self;
    /// Inverse-free helper: erfc, the complementary error function.
    #[must_use]
    fn libm_erfc(self) -> Self;
    /// `y[i] = tanh x[i]`, with the same bits as the scalar `libm_tanh`.
    fn libm_tanh_slice(x: &[Self], y: &mut [Self]);
}

macro_rules! impl_libm {
    ($t:ty, $exp:ident, $ln:ident, $ln_1p:ident, $exp_m1:ident, $tanh:path, $sqrt:ident,
     $pow:ident, $sin:ident, $cos:ident, $abs:ident, $floor:ident, $erf:ident, $erfc:ident) => {
        impl Libm for $t {
            #[inline]
            fn libm_exp(self) -> Self {
                libm::$exp(self)
            }
            #[inline]
            fn libm_ln(self) -> Self {
                libm::$ln(self)
            }
            #[inline]
            fn libm_ln_1p(self) -> Self {
                libm::$ln_1p(self)
            }
            #[inline]
            fn libm_exp_m1(self) -> Self {
                libm::$exp_m1(self)
            }
            #[inline]
            fn libm_tanh(self) -> Self {
                $tanh(self)
            }
            #[inline]
            fn libm_sqrt(self) -> Self {
                libm::$sqrt(self)
            }
            #[inline]
            fn libm_pow(self, y: Self) -> Self {
                libm::$pow(self, y)
            }
            #[inline]
            fn libm_sin(self) -> Self {
                libm::$sin(self)
            }
            #[inline]
            fn libm_cos(self) -> Self {
                libm::$cos(self)
            }
            #[inline]
            fn libm_abs(self) -> Self {
                libm::$abs(self)
            }
            #[inline]
            fn libm_floor(self) -> Self {
                libm::$floor(self)
            }
            #[inline]
            fn libm_erf(self) -> Self {
                libm::$erf(self)
            }
            #[inline]
            fn libm_erfc(self) -> Self {
                libm::$erfc(self)
            }
            #[inline]
            fn libm_tanh_slice(x: &[Self], y: &mut [Self]) {
                tanh_slice_of::<$t>(x, y);
            }
        }
    };
}

impl_libm!(
    f32,
    expf,
    logf,
    log1pf,
    expm1f,
    tanh::tanh_f32,
    sqrtf,
    powf,
    sinf,
    cosf,
    fabsf,
    floorf,
    erff,
    erfcf
);
impl_libm!(
    f64,
    exp,
    log,
    log1p,
    expm1,
    libm::tanh,
    sqrt,
    pow,
    sin,
    cos,
    fabs,
    floor,
    erf,
    erfc
);

/// The slice form of `tanh` per scalar: four lanes at a time for `f32`.
trait TanhSlice: Sized {
    fn tanh_slice(x: &[Self], y: &mut [Self]);
}

impl TanhSlice for f32 {
    #[inline]
    fn tanh_slice(x: &[Self], y: &mut [Self]) {
        tanh::tanh_f32_slice(x, y);
    }
}

impl TanhSlice for f64 {
    #[inline]
    fn tanh_slice(x: &[Self], y: &mut [Self]) {
        for (out, &v) in y.iter_mut().zip(x) {
            *out = libm::tanh(v);
        }
    }
}

#[inline]
fn tanh_slice_of<T: TanhSlice>(x: &[T], y: &mut [T]) {
    T::tanh_slice(x, y);
}
