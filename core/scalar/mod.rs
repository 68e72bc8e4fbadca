//! The scalar types a network computes in: `f32` (the default) and `f64`.
//!
//! Generated code and every layer are generic over [`Float`]. The trait
//! extends nalgebra's `RealField` so matrices of `T` have the full nalgebra
//! API, and adds the exact conversions and constants the numerics need.
//! Transcendental functions are not called through this trait but through
//! [`crate::math`], so results do not depend on the `std` feature; the
//! per-scalar implementation behind them (the `Libm` hook over the `libm`
//! crate, in `hook.rs`, and the vectorizable `tanh` of `f32`, in `tanh.rs`)
//! lives here, beside the types it is written for, as do the four-wide
//! vectors of each scalar that the matrix kernels compute with
//! (`lanes.rs`).

use core::fmt::{Debug, Display};

mod hook;
pub(crate) mod lanes;
mod tanh;

pub(crate) use hook::Libm;

use lanes::Lanes;

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point scalar a network can be computed in: `f32` or `f64`.
///
/// Sealed: the numerics (tolerances, clamps, stable formulas) are written
/// and tested for IEEE binary32 and binary64 only.
pub trait Float:
    nalgebra::RealField
    + Copy
    + Default
    + Debug
    + Display
    + Send
    + Sync
    + Libm
    + Lanes
    + sealed::Sealed
    + 'static
{
    /// Machine epsilon: the gap between 1 and the next representable value.
    const EPSILON: Self;
    /// The smallest positive normal value.
    const MIN_POSITIVE: Self;
    /// The largest finite value.
    const MAX: Self;
    /// Zero, usable in `const` code (`T::zero()` is not `const`).
    const ZERO: Self;
    /// One, usable in `const` code.
    const ONE: Self;
    /// A short name for messages and benchmarks: `"f32"` or `"f64"`.
    const NAME: &'static str;

    /// Converts from `f64`, rounding to nearest.
    fn of_f64(value: f64) -> Self;
    /// Converts to `f64` exactly.
    fn to_f64(self) -> f64;
    /// Converts a count or index, rounding to nearest.
    fn of_usize(value: usize) -> Self;
    /// `true` when the value is neither infinite nor NaN.
    fn finite(self) -> bool;
    /// The IEEE bit pattern, zero-extended to 64 bits (`to_bits` of the
    /// primitive): exact for every value, NaN payloads included.
    fn to_bit_pattern(self) -> u64;
    /// The value of an IEEE bit pattern; an `f32` reads the low 32 bits.
    fn from_bit_pattern(bits: u64) -> Self;
}

impl Float for f32 {
    const EPSILON: Self = f32::EPSILON;
    const MIN_POSITIVE: Self = f32::MIN_POSITIVE;
    const MAX: Self = f32::MAX;
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const NAME: &'static str = "f32";

    #[inline]
    fn of_f64(value: f64) -> Self {
        value as f32
    }
    #[inline]
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    #[inline]
    fn of_usize(value: usize) -> Self {
        value as f32
    }
    #[inline]
    fn finite(self) -> bool {
        self.is_finite()
    }
    #[inline]
    fn to_bit_pattern(self) -> u64 {
        u64::from(self.to_bits())
    }
    #[inline]
    fn from_bit_pattern(bits: u64) -> Self {
        f32::from_bits(bits as u32)
    }
}

impl Float for f64 {
    const EPSILON: Self = f64::EPSILON;
    const MIN_POSITIVE: Self = f64::MIN_POSITIVE;
    const MAX: Self = f64::MAX;
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const NAME: &'static str = "f64";

    #[inline]
    fn of_f64(value: f64) -> Self {
        value
    }
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline]
    fn of_usize(value: usize) -> Self {
        value as f64
    }
    #[inline]
    fn finite(self) -> bool {
        self.is_finite()
    }
    #[inline]
    fn to_bit_pattern(self) -> u64 {
        self.to_bits()
    }
    #[inline]
    fn from_bit_pattern(bits: u64) -> Self {
        f64::from_bits(bits)
    }
}

/// `true` when every element of `values` is finite.
#[inline]
pub fn all_finite<T: Float>(values: &[T]) -> bool {
    values.iter().all(|v| v.finite())
}

/// The Euclidean norm of a flat vector, accumulated in `f64`.
#[inline]
pub fn norm<T: Float>(values: &[T]) -> f64 {
    let mut sum = 0.0;
    for v in values {
        let v = v.to_f64();
        sum += v * v;
    }
    sum.libm_sqrt()
}

/// The dot product of two flat vectors of the same length, accumulated in `f64`.
#[inline]
pub fn dot<T: Float>(a: &[T], b: &[T]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x.to_f64() * y.to_f64()).sum()
}

/// Checks that a hyper-parameter keeps its meaning in the scalar `T` a
/// network computes in: once rounded to `T` it is still finite, and a
/// nonzero value is still nonzero (`1e39` is infinite and `1e-50` is 0 in
/// `f32`). Check the value's range in `f64` first.
pub(crate) fn check_in_scalar<T: Float>(
    name: &'static str,
    value: f64,
) -> crate::error::Result<()> {
    let narrow = T::of_f64(value);
    let kept = narrow.finite() && (value == 0.0 || narrow != T::zero());
    let expected = if T::NAME == "f32" {
        "must be representable in f32: |value| <= 3.4e38, and a nonzero value at least 1.4e-45"
    } else {
        "must be representable in f64: |value| <= 1.8e308, and a nonzero value at least 4.9e-324"
    };
    crate::error::check_param(name, value, kept, expected)
}

/// A decay factor (`check_fraction`) in the scalar `T`: in `[0, 1)` in `f64`, and still
/// below 1 once rounded to `T` (`0.999999999` is 1 in `f32`, a momentum
/// that never decays).
pub(crate) fn check_fraction_in<T: Float>(
    name: &'static str,
    value: f64,
) -> crate::error::Result<()> {
    crate::error::check_fraction(name, value)?;
    let expected = if T::NAME == "f32" {
        "must stay below 1 in f32 (at most 0.99999994)"
    } else {
        "must be in [0, 1)"
    };
    crate::error::check_param(name, value, T::of_f64(value) < T::one(), expected)?;
    check_in_scalar::<T>(name, value)
}
