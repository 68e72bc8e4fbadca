//! A fixed-capacity big natural number, for counting exactly what overflows
//! every machine integer: the `prod n_i!` equivalent parameterizations of a
//! network (20! already needs 62 bits, `(64!)^2` 593).
//!
//! The number is stored in base 10^18, least significant limb first, in a
//! `[u64; LIMBS]` on the stack: multiplying by a machine integer is one pass
//! with a `u128` carry, and printing the decimal string needs no buffer and
//! no division (each limb is 18 decimal digits). Exceeding the capacity is an
//! [`Error::CapacityExceeded`], never a wrap-around. The default capacity
//! [`SymmetryCount`] (256 limbs, 2 KiB) holds numbers below 10^4608: every
//! count of a network of a few layers of up to a thousand units.

use core::cmp::Ordering;
use core::fmt;

use crate::error::{Error, Result};

/// The base of a limb: 10^18, the largest power of ten below 2^64 / 10.
const BASE: u64 = 1_000_000_000_000_000_000;
/// Decimal digits per limb.
const DIGITS: usize = 18;

/// A natural number below `10^(18 * LIMBS)`, exact, on the stack.
///
/// ```
/// use constnet::diagnostics::BigNat;
/// let mut n = BigNat::<4>::one();
/// for k in 1..=25 {
///     n.mul_small(k)?;
/// }
/// assert_eq!(n.to_string(), "15511210043330985984000000"); // 25!
/// assert!((n.log10() - 25.1906).abs() < 1e-4);
/// # Ok::<(), constnet::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BigNat<const LIMBS: usize> {
    /// Base-10^18 digits, least significant first; `limbs[len..]` are zero.
    limbs: [u64; LIMBS],
    /// Number of significant limbs (0 for the number zero).
    len: usize,
}

/// The capacity used for symmetry counts: 256 limbs, numbers below 10^4608.
pub type SymmetryCount = BigNat<256>;

impl<const LIMBS: usize> BigNat<LIMBS> {
    /// Zero.
    #[must_use]
    pub const fn zero() -> Self {
        Self {
            limbs: [0; LIMBS],
            len: 0,
        }
    }

    /// One. Refused at compile time when `LIMBS` is 0.
    #[must_use]
    pub const fn one() -> Self {
        const { assert!(LIMBS > 0, "a BigNat needs at least one limb") };
        let mut limbs = [0; LIMBS];
        limbs[0] = 1;
        Self { limbs, len: 1 }
    }

    /// The number `value`.
    pub fn from_u128(value: u128) -> Result<Self> {
        let mut n = Self::zero();
        let mut rest = value;
        while rest > 0 {
            n.push_limb((rest % u128::from(BASE)) as u64)?;
            rest /= u128::from(BASE);
        }
        Ok(n)
    }

    /// `true` for zero.
    #[must_use]
    pub const fn is_zero(&self) -> bool {
        self.len == 0
    }

    /// The value, if it fits in a `u128`.
    #[must_use]
    pub fn to_u128(&self) -> Option<u128> {
        let mut value: u128 = 0;
        for &limb in self.limbs[..self.len].iter().rev() {
            value = value
                .checked_mul(u128::from(BASE))?
                .checked_add(u128::from(limb))?;
        }
        Some(value)
    }

    /// Multiplies in place by `factor`. On overflow of the capacity the
    /// number is left unchanged and an error returned.
    pub fn mul_small(&mut self, factor: u64) -> Result<()> {
        if factor == 0 {
            *self = Self::zero();
            return Ok(());
        }
        let mut result = *self;
        let mut carry: u128 = 0;
        for limb in &mut result.limbs[..result.len] {
            let product = u128::from(*limb) * u128::from(factor) + carry;
            *limb = (product % u128::from(BASE)) as u64;
            carry = product / u128::from(BASE);
        }
        while carry > 0 {
            result.push_limb((carry % u128::from(BASE)) as u64)?;
            carry /= u128::from(BASE);
        }
        *self = result;
        Ok(())
    }

    /// Multiplies in place by `n!`.
    pub fn mul_factorial(&mut self, n: u64) -> Result<()> {
        if self.is_zero() {
            // 0 stays 0: no need to walk up to a huge `n`.
            return Ok(());
        }
        for k in 2..=n {
            self.mul_small(k)?;
        }
        Ok(())
    }

    /// Multiplies in place by `2^exponent`.
    pub fn mul_pow2(&mut self, exponent: u64) -> Result<()> {
        // Any `u64` factor is one pass; 2^63 is the largest power of two.
        let mut left = exponent;
        while left > 0 {
            let chunk = left.min(63);
            self.mul_small(1 << chunk)?;
            left -= chunk;
        }
        Ok(())
    }

    /// `n!`.
    pub fn factorial(n: u64) -> Result<Self> {
        let mut value = Self::one();
        value.mul_factorial(n)?;
        Ok(value)
    }

    /// The product of two numbers (schoolbook), within the capacity.
    pub fn mul(&self, other: &Self) -> Result<Self> {
        if self.is_zero() || other.is_zero() {
            return Ok(Self::zero());
        }
        let len = self.len + other.len;
        if len - 1 > LIMBS {
            return Err(capacity_error::<LIMBS>());
        }
        let mut result = Self::zero();
        for (i, &a) in self.limbs[..self.len].iter().enumerate() {
            let mut carry: u128 = 0;
            for (j, &b) in other.limbs[..other.len].iter().enumerate() {
                let slot = result
                    .limbs
                    .get_mut(i + j)
                    .ok_or(capacity_error::<LIMBS>())?;
                let sum = u128::from(a) * u128::from(b) + u128::from(*slot) + carry;
                *slot = (sum % u128::from(BASE)) as u64;
                carry = sum / u128::from(BASE);
            }
            let mut k = i + other.len;
            while carry > 0 {
                let slot = result.limbs.get_mut(k).ok_or(capacity_error::<LIMBS>())?;
                let sum = u128::from(*slot) + carry;
                *slot = (sum % u128::from(BASE)) as u64;
                carry = sum / u128::from(BASE);
                k += 1;
            }
        }
        result.len = len.min(LIMBS);
        result.trim();
        Ok(result)
    }

    /// `self^exponent` by repeated squaring.
    pub fn pow(&self, exponent: u32) -> Result<Self> {
        let mut result = Self::one();
        let mut base = *self;
        let mut e = exponent;
        while e > 0 {
            if e & 1 == 1 {
                result = result.mul(&base)?;
            }
            e >>= 1;
            if e > 0 {
                base = base.mul(&base)?;
            }
        }
        Ok(result)
    }

    /// Number of decimal digits (1 for zero).
    #[must_use]
    pub fn decimal_digits(&self) -> usize {
        if self.len == 0 {
            return 1;
        }
        let top = self.limbs[self.len - 1];
        (self.len - 1) * DIGITS + top.ilog10() as usize + 1
    }

    /// The base-10 logarithm (negative infinity for zero), from the three
    /// leading limbs: relative error below 10^-15.
    #[must_use]
    pub fn log10(&self) -> f64 {
        if self.len == 0 {
            return f64::NEG_INFINITY;
        }
        let mut mantissa = 0.0;
        let lead = self.len.min(3);
        for &limb in self.limbs[self.len - lead..self.len].iter().rev() {
            mantissa = mantissa * BASE as f64 + limb as f64;
        }
        crate::math::ln(mantissa) * core::f64::consts::LOG10_E + ((self.len - lead) * DIGITS) as f64
    }

    /// The base-10^18 limbs, least significant first.
    #[must_use]
    pub fn limbs(&self) -> &[u64] {
        &self.limbs[..self.len]
    }

    fn push_limb(&mut self, limb: u64) -> Result<()> {
        let slot = self
            .limbs
            .get_mut(self.len)
            .ok_or(capacity_error::<LIMBS>())?;
        *slot = limb;
        self.len += 1;
        Ok(())
    }

    fn trim(&mut self) {
        while self.len > 0 && self.limbs[self.len - 1] == 0 {
            self.len -= 1;
        }
    }
}

fn capacity_error<const LIMBS: usize>() -> Error {
    Error::CapacityExceeded {
        what: "big number (base 10^18 limbs)",
        capacity: LIMBS,
    }
}

impl<const LIMBS: usize> Default for BigNat<LIMBS> {
    fn default() -> Self {
        Self::zero()
    }
}

impl<const LIMBS: usize> Ord for BigNat<LIMBS> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.len.cmp(&other.len).then_with(|| {
            self.limbs[..self.len]
                .iter()
                .rev()
                .cmp(other.limbs[..other.len].iter().rev())
        })
    }
}

impl<const LIMBS: usize> PartialOrd for BigNat<LIMBS> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<const LIMBS: usize> fmt::Display for BigNat<LIMBS> {
    /// The exact decimal string, without separators.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some((top, rest)) = self.limbs[..self.len].split_last() else {
            return f.write_str("0");
        };
        write!(f, "{top}")?;
        for limb in rest.iter().rev() {
            write!(f, "{limb:018}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn limb_boundaries_carry_and_print_padded() {
        let n = BigNat::<3>::from_u128(u128::from(BASE) * 7 + 5).unwrap();
        assert_eq!(n.limbs(), &[5, 7]);
        assert_eq!(n.to_string(), "7000000000000000005");
        assert_eq!(n.decimal_digits(), 19);
        assert_eq!(BigNat::<1>::zero().to_string(), "0");
        let mut m = BigNat::<2>::from_u128(u128::from(BASE) - 1).unwrap();
        m.mul_small(10).unwrap();
        assert_eq!(m.to_u128(), Some(u128::from(BASE) * 10 - 10));
    }

    #[test]
    fn capacity_overflow_is_an_error_and_leaves_the_value() {
        let mut n = BigNat::<1>::from_u128(u128::from(BASE) / 2).unwrap();
        let before = n;
        assert!(matches!(
            n.mul_small(3),
            Err(Error::CapacityExceeded { capacity: 1, .. })
        ));
        assert_eq!(n, before);
        assert!(BigNat::<1>::factorial(25).is_err());
        assert!(BigNat::<2>::factorial(25).is_ok());
    }

    #[test]
    fn mul_and_pow_agree_with_u128_arithmetic() {
        let a = BigNat::<4>::from_u128(123_456_789_012_345_678_901).unwrap();
        let b = BigNat::<4>::from_u128(98_765_432_109_876).unwrap();
        assert_eq!(
            a.mul(&b).unwrap().to_u128(),
            Some(123_456_789_012_345_678_901 * 98_765_432_109_876)
        );
        let c = BigNat::<4>::from_u128(40_320).unwrap();
        assert_eq!(c.pow(3).unwrap().to_u128(), Some(40_320u128.pow(3)));
        let mut d = BigNat::<4>::one();
        d.mul_pow2(127).unwrap();
        assert_eq!(d.to_u128(), Some(1u128 << 127));
        assert!(a < a.mul(&b).unwrap());
    }
}
