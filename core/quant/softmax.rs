//! TensorFlow Lite Micro's int8 softmax: gemmlowp fixed-point `exp` and
//! reciprocal, integer only.
//!
//! For each sample, with `d[c] = x[c] - max x` (an int8 difference), the
//! reference kernel (`reference_ops::Softmax`) rescales `d` by `beta *
//! s_in` into Q5.26 (with the single-rounding multiplication of the int8
//! layers), evaluates `exp` on it with gemmlowp's
//! `exp_on_negative_values` (a Taylor polynomial around -1/8 on `[-1/4,
//! 0)` times a barrel shifter of constants `exp(-2^k)`), sums in Q12.19,
//! takes the reciprocal with `one_over_one_plus_x_for_x_in_0_1` (three
//! Newton-Raphson steps from `48/17 - 32/17 x`) and writes `exp(d) / sum`
//! at the fixed output quantization `1/256`, zero point -128. Differences
//! below `diff_min` (their `exp` is below the output's resolution) give
//! -128 directly.
//!
//! The LiteRT interpreter's own int8 softmax uses a float table instead
//! (`PopulateSoftmaxLookupTable`); the two agree within a bound that the
//! tests measure, and this one needs no floating point.

use super::QuantError;
use super::fixed_point::{
    QuantizedMultiplier, multiply_by_quantized_multiplier, quantize_multiplier,
    rounding_divide_by_pot, saturating_rounding_doubling_high_mul as mul,
    saturating_rounding_multiply_by_pot,
};

/// Integer bits of the rescaled difference (Q5.26), TensorFlow Lite's
/// `kScaledDiffIntegerBits`.
const DIFF_INTEGER_BITS: i32 = 5;
/// Integer bits of the sum of exponentials (Q12.19).
const SUM_INTEGER_BITS: i32 = 12;

/// What the int8 softmax needs of its input quantization, computed at
/// conversion (`PreprocessSoftmaxScaling` and `CalculateInputRadius`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SoftmaxParams {
    /// `beta * s_in * 2^26` as a multiplier with a non-negative left shift.
    pub multiplier: i32,
    /// Its left shift, in `0..=30`.
    pub left_shift: i32,
    /// The most negative difference whose `exp` still counts.
    pub diff_min: i32,
}

impl SoftmaxParams {
    /// The parameters for an input at scale `input_scale` (`beta = 1`).
    ///
    /// # Errors
    ///
    /// [`QuantError::Multiplier`] when `input_scale * 2^26` is not above 1
    /// (an input scale below about `1.5e-8`). Larger products are capped
    /// at `2^30 - 1`, as TensorFlow Lite caps them.
    pub fn new(input_scale: f32) -> Result<Self, QuantError> {
        let real = (f64::from(input_scale) * f64::from(1_u32 << (31 - DIFF_INTEGER_BITS)))
            // The single-rounding build's cap, 2^30 - 1.
            .min(f64::from((1_i32 << 30) - 1));
        if real <= 1.0 {
            return Err(QuantError::Multiplier { value: real });
        }
        let QuantizedMultiplier { multiplier, shift } = quantize_multiplier(real)?;
        // floor((2^5 - 1) * 2^26 / 2^shift), TensorFlow Lite's input radius.
        let radius = libm::floor(
            f64::from((1_i32 << DIFF_INTEGER_BITS) - 1)
                * f64::from(1_u32 << (31 - DIFF_INTEGER_BITS))
                / f64::from(1_u32 << shift),
        ) as i32;
        Ok(Self {
            multiplier,
            left_shift: shift,
            diff_min: -radius,
        })
    }

    /// `y = softmax(x)` at output scale 1/256, zero point -128.
    pub fn apply(&self, x: &[i8], y: &mut [i8]) {
        let max = x.iter().copied().max().unwrap_or(0);
        let mut sum_of_exps = 0_i32;
        for &v in x {
            if let Some(e) = self.exp_of_difference(i32::from(v) - i32::from(max)) {
                sum_of_exps =
                    sum_of_exps.wrapping_add(rounding_divide_by_pot(e, SUM_INTEGER_BITS as u32));
            }
        }
        let (reciprocal, bits_over_unit) = reciprocal(sum_of_exps, SUM_INTEGER_BITS);
        let exponent = (bits_over_unit + 31 - 8) as u32;
        for (out, &v) in y.iter_mut().zip(x) {
            *out = match self.exp_of_difference(i32::from(v) - i32::from(max)) {
                Some(e) => {
                    let unsaturated = rounding_divide_by_pot(mul(reciprocal, e), exponent);
                    (unsaturated - 128).clamp(-128, 127) as i8
                }
                None => -128,
            };
        }
    }

    /// `exp(beta * s_in * d)` in Q0.31 for `d >= diff_min`.
    fn exp_of_difference(&self, d: i32) -> Option<i32> {
        (d >= self.diff_min).then(|| {
            let rescaled = multiply_by_quantized_multiplier(
                d,
                QuantizedMultiplier {
                    multiplier: self.multiplier,
                    shift: self.left_shift,
                },
            );
            exp_on_negative_values(rescaled)
        })
    }
}

/// `exp(a)` for `a <= 0` in Q5.26, as Q0.31 (gemmlowp).
fn exp_on_negative_values(a: i32) -> i32 {
    const FRACTIONAL_BITS: i32 = 31 - DIFF_INTEGER_BITS;
    const ONE_QUARTER: i32 = 1 << (FRACTIONAL_BITS - 2);
    // exp(-2^k) in Q0.31, k = -2..=4.
    const BARREL: [(i32, i32); 7] = [
        (-2, 1_672_461_947),
        (-1, 1_302_514_674),
        (0, 790_015_084),
        (1, 290_630_308),
        (2, 39_332_535),
        (3, 720_401),
        (4, 242),
    ];
    let a_mod_quarter_minus_quarter = (a & (ONE_QUARTER - 1)).wrapping_sub(ONE_QUARTER);
    let mut result = exp_on_quarter_interval(saturating_rounding_multiply_by_pot(
        a_mod_quarter_minus_quarter,
        DIFF_INTEGER_BITS,
    ));
    let remainder = a_mod_quarter_minus_quarter.wrapping_sub(a);
    for (exponent, multiplier) in BARREL {
        if remainder & (1 << (FRACTIONAL_BITS + exponent)) != 0 {
            result = mul(result, multiplier);
        }
    }
    if a == 0 { i32::MAX } else { result }
}

/// `exp(a)` for `a` in `[-1/4, 0)`, Q0.31 in and out: the Taylor series
/// around -1/8 to the fourth power (gemmlowp).
fn exp_on_quarter_interval(a: i32) -> i32 {
    const EXP_MINUS_ONE_EIGHTH: i32 = 1_895_147_668;
    const ONE_THIRD: i32 = 715_827_883;
    let x = a.wrapping_add(1 << 28);
    let x2 = mul(x, x);
    let x3 = mul(x2, x);
    let x4 = mul(x2, x2);
    let x4_over_4 = rounding_divide_by_pot(x4, 2);
    let tail = rounding_divide_by_pot(
        mul(x4_over_4.wrapping_add(x3), ONE_THIRD).wrapping_add(x2),
        1,
    );
    EXP_MINUS_ONE_EIGHTH.wrapping_add(mul(EXP_MINUS_ONE_EIGHTH, x.wrapping_add(tail)))
}

/// `1 / x` for a positive `x` with `integer_bits` integer bits, as a Q0.31
/// value and the number of bits it is shifted by (TensorFlow Lite's
/// `GetReciprocal`).
fn reciprocal(x: i32, integer_bits: i32) -> (i32, i32) {
    let headroom_plus_one = (x as u32).leading_zeros() as i32;
    let bits_over_unit = integer_bits - headroom_plus_one;
    let shifted_minus_one = ((x as u32) << headroom_plus_one).wrapping_sub(1 << 31) as i32;
    (one_over_one_plus_x(shifted_minus_one), bits_over_unit)
}

/// `1 / (1 + a)` for `a` in `[0, 1)`, Q0.31 in and out (gemmlowp).
fn one_over_one_plus_x(a: i32) -> i32 {
    const FORTY_EIGHT_SEVENTEENTHS: i32 = 1_515_870_810; // Q2.29
    const MINUS_THIRTY_TWO_SEVENTEENTHS: i32 = -1_010_580_540; // Q2.29
    const ONE_Q2: i32 = 1 << 29;
    let half_denominator = rounding_half_sum(a, i32::MAX);
    let mut x =
        FORTY_EIGHT_SEVENTEENTHS.wrapping_add(mul(half_denominator, MINUS_THIRTY_TWO_SEVENTEENTHS));
    for _ in 0..3 {
        let one_minus = ONE_Q2.wrapping_sub(mul(half_denominator, x));
        x = x.wrapping_add(saturating_rounding_multiply_by_pot(mul(x, one_minus), 2));
    }
    saturating_rounding_multiply_by_pot(x, 1)
}

/// `(a + b) / 2` rounded to nearest, ties away from zero (`VRHADD`).
fn rounding_half_sum(a: i32, b: i32) -> i32 {
    let sum = i64::from(a) + i64::from(b);
    let sign = if sum >= 0 { 1 } else { -1 };
    i64::midpoint(sum, sign) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_accurate_on_negative_values() {
        for i in 0..=640 {
            let a = -f64::from(i) / 20.0; // [-32, 0]
            let raw = (a * f64::from(1 << 26)) as i32;
            let got = f64::from(exp_on_negative_values(raw)) / libm::ldexp(1.0, 31);
            let want = libm::exp(f64::from(raw) / f64::from(1 << 26));
            // The Taylor polynomial's error peaks at the ends of [-1/4, 0):
            // x^5 / 120 at x = 1/8 is 2.5e-7.
            assert!(
                (got - want).abs() < 2e-9 + want * 3e-7,
                "exp({a}) = {got}, want {want}"
            );
        }
    }

    #[test]
    fn reciprocal_is_accurate() {
        for i in 0..1000 {
            let a = f64::from(i) / 1000.0;
            let raw = (a * libm::ldexp(1.0, 31)) as i32;
            let got = f64::from(one_over_one_plus_x(raw)) / libm::ldexp(1.0, 31);
            assert!(
                (got - 1.0 / (1.0 + a)).abs() < 1e-8,
                "1 / (1 + {a}) = {got}"
            );
        }
    }

    #[test]
    fn softmax_sums_to_one_and_orders_like_its_input() {
        let p = SoftmaxParams::new(0.1).unwrap();
        let x = [-128_i8, -20, 0, 17, 17, 90, 127];
        let mut y = [0_i8; 7];
        p.apply(&x, &mut y);
        let probabilities: [f64; 7] = core::array::from_fn(|i| (f64::from(y[i]) + 128.0) / 256.0);
        let sum: f64 = probabilities.iter().sum();
        assert!((sum - 1.0).abs() < 4.0 / 256.0, "{y:?} sums to {sum}");
        assert!(y.windows(2).all(|w| w[0] <= w[1]), "{y:?}");
        // Against the float softmax: within 1/256 (one output step) each.
        let e: [f64; 7] = core::array::from_fn(|i| libm::exp(0.1 * (f64::from(x[i]) - 127.0)));
        let total: f64 = e.iter().sum();
        for i in 0..7 {
            assert!(
                (probabilities[i] - e[i] / total).abs() <= 1.0 / 256.0,
                "{i}: {y:?}"
            );
        }
    }

    #[test]
    fn input_scales_without_a_multiplier_are_refused() {
        assert!(SoftmaxParams::new(1e-9).is_err());
        assert!(SoftmaxParams::new(20.0).is_ok());
        let p = SoftmaxParams::new(1.0 / 16.0).unwrap();
        assert!(p.diff_min < 0 && p.left_shift >= 0);
    }
}
