//! TensorFlow Lite's fixed-point requantization, bit for bit.
//!
//! An int8 layer accumulates in `i32` and must multiply the sum by a real
//! number `M` (for a dense layer `M = s_in * s_w[c] / s_out`) without
//! floating point. [`quantize_multiplier`] writes `M = m * 2^shift / 2^31`
//! once, at conversion, with a 31-bit `m` in `[2^30, 2^31)`; inference then
//! calls [`multiply_by_quantized_multiplier`]: `x m` in 64 bits, rounded
//! once by a shift of `31 - shift` (ties up). TensorFlow Lite has two builds
//! of this step: that single rounding (`TFLITE_SINGLE_ROUNDING`), and
//! gemmlowp's double rounding
//! ([`multiply_by_quantized_multiplier_double_rounding`]: a left shift,
//! [`saturating_rounding_doubling_high_mul`], then
//! [`rounding_divide_by_pot`]). The LiteRT interpreter's reference kernels
//! and its default (XNNPACK) path compute the single rounding: on the
//! fixtures of `tests/interop/tflite.rs` they agree with it bit for bit and
//! differ from the double rounding by up to two output steps. The int8
//! layers use the single rounding; the double rounding and its gemmlowp
//! primitives are here, tested, for the builds that use it.
//!
//! Reference: B. Jacob et al., "Quantization and Training of Neural
//! Networks for Efficient Integer-Arithmetic-Only Inference", CVPR 2018,
//! section 2.2 (the multiplier `M = 2^-n M0` with `M0` in `[0.5, 1)`).

use super::QuantError;

/// `round(a * b / 2^31)`, saturated: the product of two Q0.31 numbers
/// (the ARM `VQRDMULH` instruction). Ties round up (toward `+inf`: the
/// nudge is `2^30` for a positive product and `1 - 2^30` for a negative
/// one, then the division truncates); the one product that overflows,
/// `(-2^31) * (-2^31)`, gives `i32::MAX`.
#[inline]
#[must_use]
pub const fn saturating_rounding_doubling_high_mul(a: i32, b: i32) -> i32 {
    if a == i32::MIN && b == i32::MIN {
        return i32::MAX;
    }
    let ab = a as i64 * b as i64;
    let nudge: i64 = if ab >= 0 { 1 << 30 } else { 1 - (1 << 30) };
    // Rust's `/` truncates toward zero, as C++'s does.
    ((ab + nudge) / (1_i64 << 31)) as i32
}

/// `x / 2^exponent` rounded to the nearest integer, ties away from zero
/// (gemmlowp's `RoundingDivideByPOT`), for `exponent` in `0..=31`.
#[inline]
#[must_use]
pub const fn rounding_divide_by_pot(x: i32, exponent: u32) -> i32 {
    let mask = ((1_i64 << exponent) - 1) as i32;
    let remainder = x & mask;
    let threshold = (mask >> 1) + if x < 0 { 1 } else { 0 };
    (x >> exponent) + if remainder > threshold { 1 } else { 0 }
}

/// `x * 2^exponent` for a constant exponent: a left shift saturating to
/// the `i32` range (`exponent > 0`) or [`rounding_divide_by_pot`]
/// (`exponent < 0`), gemmlowp's `SaturatingRoundingMultiplyByPOT`.
#[inline]
#[must_use]
pub const fn saturating_rounding_multiply_by_pot(x: i32, exponent: i32) -> i32 {
    if exponent == 0 {
        x
    } else if exponent > 0 {
        let threshold = (1_i32 << (31 - exponent)) - 1;
        if x > threshold {
            i32::MAX
        } else if x < -threshold {
            i32::MIN
        } else {
            x << exponent
        }
    } else {
        rounding_divide_by_pot(x, (-exponent) as u32)
    }
}

/// A real multiplier as TensorFlow Lite stores it: `M = multiplier *
/// 2^shift / 2^31` (see [`quantize_multiplier`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct QuantizedMultiplier {
    /// The significand, in `[2^30, 2^31)` (0 for `M = 0`).
    pub multiplier: i32,
    /// The power of two, in `-31..=30`: positive shifts left before the
    /// multiplication, negative shifts right after it.
    pub shift: i32,
}

/// `M` as TensorFlow Lite's `QuantizeMultiplier` writes it: `frexp` splits
/// `M = q * 2^shift` with `q` in `[0.5, 1)`, then `multiplier = round(q *
/// 2^31)` (ties away from zero); a `q` that rounds up to `2^31` becomes
/// `2^30` with `shift + 1`, and an `M` below about `2^-31` (`shift < -31`)
/// becomes 0. Conversion time only (uses `f64`).
///
/// # Errors
///
/// [`QuantError::Multiplier`] when `M` is negative, NaN or infinite, or so
/// large that `shift > 30` (an `i32` accumulator shifted that far
/// overflows).
pub fn quantize_multiplier(real: f64) -> Result<QuantizedMultiplier, QuantError> {
    if !real.is_finite() || real < 0.0 {
        return Err(QuantError::Multiplier { value: real });
    }
    if real == 0.0 {
        return Ok(QuantizedMultiplier::default());
    }
    let (q, mut shift) = frexp(real);
    let mut q_fixed = libm::round(q * (1_u64 << 31) as f64) as i64;
    if q_fixed == 1 << 31 {
        q_fixed /= 2;
        shift += 1;
    }
    if shift < -31 {
        return Ok(QuantizedMultiplier::default());
    }
    if shift > 30 {
        return Err(QuantError::Multiplier { value: real });
    }
    Ok(QuantizedMultiplier {
        multiplier: q_fixed as i32,
        shift,
    })
}

/// `round(x * M)` for a multiplier from [`quantize_multiplier`], exactly as
/// TensorFlow Lite's `MultiplyByQuantizedMultiplier` in its single-rounding
/// build (`TFLITE_SINGLE_ROUNDING`, the arithmetic of the LiteRT
/// interpreter's reference kernels and of TensorFlow Lite Micro's default
/// build): one 64-bit product and one rounding shift,
/// `(x m + 2^(30 - shift)) >> (31 - shift)`, ties rounded up (toward
/// `+inf`).
#[inline]
#[must_use]
pub const fn multiply_by_quantized_multiplier(x: i32, m: QuantizedMultiplier) -> i32 {
    let total = 31 - m.shift;
    let round = 1_i64 << (total - 1);
    ((x as i64 * m.multiplier as i64 + round) >> total) as i32
}

/// `round(x * M)` as TensorFlow Lite's double-rounding build computes it
/// (gemmlowp's definition): a left shift by `max(shift, 0)` (wrapping like
/// the C++ it mirrors), [`saturating_rounding_doubling_high_mul`] by the
/// significand, then [`rounding_divide_by_pot`] by `max(-shift, 0)`. It can
/// differ from [`multiply_by_quantized_multiplier`] by one, where the first
/// rounding lands on a tie of the second.
#[inline]
#[must_use]
pub const fn multiply_by_quantized_multiplier_double_rounding(
    x: i32,
    m: QuantizedMultiplier,
) -> i32 {
    let left = if m.shift > 0 { m.shift } else { 0 };
    let right = if m.shift > 0 { 0 } else { -m.shift };
    rounding_divide_by_pot(
        saturating_rounding_doubling_high_mul(x.wrapping_mul(1 << left), m.multiplier),
        right as u32,
    )
}

/// `(q, e)` with `x = q * 2^e` and `q` in `[0.5, 1)`, for a finite `x > 0`
/// (C's `frexp`), read from the bits so it needs no `std`.
fn frexp(x: f64) -> (f64, i32) {
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    if exponent == 0 {
        // Subnormal: scale into the normal range first.
        let (q, e) = frexp(x * f64::from_bits(0x4350_0000_0000_0000)); // 2^54
        return (q, e - 54);
    }
    let q = f64::from_bits((bits & !(0x7ff_u64 << 52)) | (1022_u64 << 52));
    (q, exponent - 1022)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `floor(x m / 2^(31 - shift) + 1/2)` by 128-bit integers: the exact
    /// product rounded once, ties up.
    fn exact(x: i32, m: QuantizedMultiplier) -> i64 {
        let p = i128::from(x) * i128::from(m.multiplier);
        let total = 31 - m.shift;
        ((p + (1_i128 << (total - 1))) >> total) as i64
    }

    #[test]
    fn high_mul_matches_its_definition() {
        assert_eq!(
            saturating_rounding_doubling_high_mul(i32::MIN, i32::MIN),
            i32::MAX
        );
        assert_eq!(
            saturating_rounding_doubling_high_mul(1 << 30, 1 << 30),
            1 << 29
        );
        // 3 * 2^30 / 2^31 = 1.5: ties round up (toward +inf), as VQRDMULH.
        assert_eq!(saturating_rounding_doubling_high_mul(3, 1 << 30), 2);
        assert_eq!(saturating_rounding_doubling_high_mul(-3, 1 << 30), -1);
        assert_eq!(saturating_rounding_doubling_high_mul(1, 1 << 30), 1);
        assert_eq!(saturating_rounding_doubling_high_mul(-1, 1 << 30), 0);
        assert_eq!(saturating_rounding_doubling_high_mul(-5, 1 << 30), -2);
    }

    #[test]
    fn divide_by_pot_rounds_half_away_from_zero() {
        assert_eq!(rounding_divide_by_pot(5, 1), 3);
        assert_eq!(rounding_divide_by_pot(-5, 1), -3);
        assert_eq!(rounding_divide_by_pot(4, 1), 2);
        assert_eq!(rounding_divide_by_pot(-7, 2), -2);
        assert_eq!(rounding_divide_by_pot(-6, 2), -2);
        assert_eq!(rounding_divide_by_pot(-10, 2), -3);
        assert_eq!(rounding_divide_by_pot(i32::MAX, 31), 1);
        assert_eq!(rounding_divide_by_pot(i32::MIN, 31), -1);
        assert_eq!(rounding_divide_by_pot(7, 0), 7);
    }

    #[test]
    fn multiplier_represents_the_real_number() {
        for &real in &[
            1e-9,
            0.0037,
            0.25,
            0.5,
            0.75,
            0.999_999_999_9,
            1.0,
            3.7,
            1000.0,
        ] {
            let m = quantize_multiplier(real).unwrap();
            assert!(
                (1 << 30..=i32::MAX).contains(&m.multiplier),
                "{real}: {m:?}"
            );
            let back = f64::from(m.multiplier) * libm::ldexp(1.0, m.shift - 31);
            assert!(
                (back - real).abs() <= real * libm::ldexp(1.0, -30),
                "{real}: {back}"
            );
        }
        // 1 - 2^-40 rounds up to 2^31: renormalized to 2^30 with shift + 1.
        let m = quantize_multiplier(1.0 - libm::ldexp(1.0, -40)).unwrap();
        assert_eq!(
            m,
            QuantizedMultiplier {
                multiplier: 1 << 30,
                shift: 1
            }
        );
        assert_eq!(
            quantize_multiplier(0.0).unwrap(),
            QuantizedMultiplier::default()
        );
        assert_eq!(
            quantize_multiplier(1e-12).unwrap(),
            QuantizedMultiplier::default()
        );
        assert!(quantize_multiplier(f64::NAN).is_err());
        assert!(quantize_multiplier(-0.5).is_err());
        assert!(quantize_multiplier(f64::INFINITY).is_err());
        assert!(quantize_multiplier(libm::ldexp(1.0, 31)).is_err());
        // Subnormal multipliers flush to zero like tiny normal ones.
        assert_eq!(
            quantize_multiplier(f64::MIN_POSITIVE / 4.0).unwrap(),
            QuantizedMultiplier::default()
        );
    }

    #[test]
    fn requantization_rounds_once_and_double_rounding_within_one() {
        // Single rounding is the exact product rounded once; double
        // rounding (a rounded high multiply, then a rounded shift) may
        // differ from it by at most 1.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let x = (next() as i32) >> (next() % 16);
            let real = (next() % 1_000_000 + 1) as f64 * 1e-7;
            let m = quantize_multiplier(real).unwrap();
            let want = exact(x, m);
            assert_eq!(i64::from(multiply_by_quantized_multiplier(x, m)), want);
            let double = i64::from(multiply_by_quantized_multiplier_double_rounding(x, m));
            assert!(
                (double - want).abs() <= 1,
                "x {x} m {m:?}: {double} vs {want}"
            );
        }
    }

    #[test]
    fn left_shifts_multiply_before_the_high_product() {
        let m = quantize_multiplier(3.0).unwrap();
        assert_eq!(m.shift, 2);
        assert_eq!(multiply_by_quantized_multiplier(100, m), 300);
        assert_eq!(multiply_by_quantized_multiplier(-100, m), -300);
        assert_eq!(
            multiply_by_quantized_multiplier_double_rounding(100, m),
            300
        );
        assert_eq!(
            multiply_by_quantized_multiplier_double_rounding(-100, m),
            -300
        );
        // -2.5 rounds up to -2 in one rounding.
        let half = quantize_multiplier(0.5).unwrap();
        assert_eq!(multiply_by_quantized_multiplier(-5, half), -2);
        assert_eq!(multiply_by_quantized_multiplier(5, half), 3);
    }

    #[test]
    fn multiply_by_pot_saturates_and_rounds() {
        assert_eq!(saturating_rounding_multiply_by_pot(1 << 29, 2), i32::MAX);
        assert_eq!(saturating_rounding_multiply_by_pot(-(1 << 29), 2), i32::MIN);
        assert_eq!(saturating_rounding_multiply_by_pot(3, 2), 12);
        assert_eq!(saturating_rounding_multiply_by_pot(6, -2), 2);
        assert_eq!(saturating_rounding_multiply_by_pot(-6, -2), -2);
        assert_eq!(saturating_rounding_multiply_by_pot(9, 0), 9);
    }
}
