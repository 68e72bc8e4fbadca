//! Four values of a scalar as one SIMD vector, for the kernels.
//!
//! The kernels of `kernel::fixed` are written with these explicit
//! four-wide vectors instead of scalar loops left to the auto-vectorizer,
//! whose choice was seen to change with the calling code. The vectors are
//! the `wide` crate's `f32x4` and `f64x4`, which use SSE on x86-64, NEON on
//! AArch64, and plain arrays elsewhere; lane-wise IEEE addition and
//! multiplication give the same bits on every target.

// Called in the innermost loops of the kernels, which must fold to vector
// instructions.
#![allow(clippy::inline_always)]

/// Four values of a scalar as one SIMD vector (the `wide` crate's `f32x4`
/// and `f64x4`; plain arrays on targets without SIMD). Lane-wise addition
/// and multiplication are the IEEE operations of each lane, so results are
/// the same bits with and without SIMD.
pub trait Lanes: Sized + Copy {
    /// The four-lane vector.
    type X4: Copy + core::ops::Add<Output = Self::X4> + core::ops::Mul<Output = Self::X4>;
    /// All lanes zero.
    fn zero4() -> Self::X4;
    /// Four consecutive values.
    fn load4(values: &[Self; 4]) -> Self::X4;
    /// The lanes as an array.
    fn store4(vector: Self::X4) -> [Self; 4];
    /// One value in every lane.
    fn splat4(value: Self) -> Self::X4;
}

/// `Lanes` for a scalar and its four-wide `wide` vector: the two impls
/// differ only in the vector type.
macro_rules! lanes {
    ($scalar:ty, $vector:ty) => {
        impl Lanes for $scalar {
            type X4 = $vector;
            #[inline(always)]
            fn zero4() -> Self::X4 {
                <$vector>::ZERO
            }
            #[inline(always)]
            fn load4(values: &[Self; 4]) -> Self::X4 {
                <$vector>::from(*values)
            }
            #[inline(always)]
            fn store4(vector: Self::X4) -> [Self; 4] {
                vector.to_array()
            }
            #[inline(always)]
            fn splat4(value: Self) -> Self::X4 {
                <$vector>::splat(value)
            }
        }
    };
}

lanes!(f32, wide::f32x4);
lanes!(f64, wide::f64x4);
