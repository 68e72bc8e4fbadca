//! The inverse error function against values computed independently at
//! high precision (mpmath, `tests/reference/erfinv.py`), over the centre,
//! the tails and the subnormal range; round trips through `erf`; the
//! special values; and the `f32` version.

#[path = "../reference/erfinv_values.rs"]
mod reference;

use constnet::math::{erf, erfinv};
use reference::ERFINV_BITS;

/// Distance in units in the last place between two finite doubles of the
/// same sign.
fn ulps(a: f64, b: f64) -> u64 {
    a.to_bits().abs_diff(b.to_bits())
}

#[test]
fn erfinv_matches_high_precision_values_to_two_ulps() {
    let mut worst = 0;
    for &(x_bits, y_bits) in ERFINV_BITS {
        let (x, expected) = (f64::from_bits(x_bits), f64::from_bits(y_bits));
        let got = erfinv(x);
        let error = ulps(got, expected);
        assert!(
            error <= 2,
            "erfinv({x:e}) = {got:e}, expected {expected:e} ({error} ulps)"
        );
        worst = worst.max(error);
    }
    assert!(ERFINV_BITS.len() > 80);
    println!(
        "worst error: {worst} ulps over {} points",
        ERFINV_BITS.len()
    );
}

#[test]
fn erfinv_inverts_erf() {
    for k in -400..=400 {
        let y = f64::from(k) / 100.0; // erf(4) = 1 - 1.5e-8: still invertible
        let x = erf(y);
        let back = erfinv(x);
        // d erfinv / dx = sqrt(pi)/2 e^{y^2}: the rounding of x (half an
        // ulp of x) is amplified by that slope.
        let slope = core::f64::consts::PI.sqrt() / 2.0 * (y * y).exp();
        let tolerance = 4.0 * f64::EPSILON * (y.abs() + slope * x.abs());
        assert!((back - y).abs() <= tolerance, "y = {y}: {back}");
    }
}

#[test]
fn erfinv_special_values() {
    assert_eq!(erfinv(1.0_f64), f64::INFINITY);
    assert_eq!(erfinv(-1.0_f64), f64::NEG_INFINITY);
    assert!(erfinv(1.0_f64 + f64::EPSILON).is_nan());
    assert!(erfinv(-2.0_f64).is_nan());
    assert!(erfinv(f64::NAN).is_nan());
    assert!(erfinv(f64::INFINITY).is_nan());
    assert_eq!(erfinv(0.0_f64).to_bits(), 0.0_f64.to_bits());
    assert_eq!(erfinv(-0.0_f64).to_bits(), (-0.0_f64).to_bits());
    // Odd symmetry, exactly.
    for &(x_bits, _) in ERFINV_BITS {
        let x = f64::from_bits(x_bits);
        assert_eq!(erfinv(-x), -erfinv(x));
    }
}

#[test]
fn erfinv_in_f32_is_within_one_f32_ulp_of_the_true_value() {
    let mut checked = 0;
    for &(x_bits, y_bits) in ERFINV_BITS {
        let x = f64::from_bits(x_bits);
        let x32 = x as f32;
        if f64::from(x32) != x {
            continue; // only points exactly representable in f32
        }
        let expected = f64::from_bits(y_bits) as f32;
        let got = erfinv(x32);
        let error = got.to_bits().abs_diff(expected.to_bits());
        assert!(
            error <= 1,
            "erfinv({x32:e}) = {got:e}, expected {expected:e}"
        );
        checked += 1;
    }
    assert!(checked > 60, "{checked}");
}
