//! The distributions of the initializers on large samples: bounds, and mean
//! and variance within five standard errors of the closed forms (the
//! standard error of a sample variance is `sqrt((mu4 - sigma^4) / n)`);
//! the truncated normal's moments against its closed form; fan and gain
//! scaling; PyTorch's `calculate_gain` table.

use constnet::init::{Fans, calculate_gain};
use constnet::prelude::*;

/// Sample size: a 400 x 250 weight.
const ROWS: usize = 400;
const COLS: usize = 250;
const N: f64 = (ROWS * COLS) as f64;
/// How many standard errors a sample moment may stray.
const Z: f64 = 5.0;

/// A weight of `Dense<COLS, ROWS>`: `fan_in = COLS`, `fan_out = ROWS`.
const FANS: Fans = Fans::new(COLS, ROWS);

fn draw(init: Init, seed: u64) -> Vec<f64> {
    let mut values = vec![0.0; ROWS * COLS];
    init.fill_weight(&mut values, ROWS, COLS, FANS, &mut Rng::seed_from(seed));
    values
}

/// Sample mean, variance and fourth central moment.
fn moments(values: &[f64]) -> (f64, f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    let m4 = values.iter().map(|v| (v - mean).powi(4)).sum::<f64>() / n;
    (mean, var, m4)
}

/// Checks the sample mean and variance against the distribution's, given
/// its fourth central moment `mu4`.
fn assert_moments(values: &[f64], mean: f64, var: f64, mu4: f64, what: &str) {
    let (sample_mean, sample_var, _) = moments(values);
    let mean_se = (var / N).sqrt();
    let var_se = ((mu4 - var * var) / N).sqrt();
    assert!(
        (sample_mean - mean).abs() <= Z * mean_se,
        "{what}: mean {sample_mean}, expected {mean} +- {}",
        Z * mean_se
    );
    assert!(
        (sample_var - var).abs() <= Z * var_se,
        "{what}: variance {sample_var}, expected {var} +- {}",
        Z * var_se
    );
}

/// A symmetric uniform on `[-bound, bound]`: bounds reached, moments right.
fn assert_symmetric_uniform(values: &[f64], bound: f64, what: &str) {
    let largest = values.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    assert!(largest <= bound, "{what}: {largest} beyond {bound}");
    // P(max < 0.999 bound) = 0.999^n, negligible.
    assert!(
        largest > 0.999 * bound,
        "{what}: {largest} far inside {bound}"
    );
    let var = bound * bound / 3.0;
    assert_moments(values, 0.0, var, bound.powi(4) / 5.0, what);
}

fn assert_centered_normal(values: &[f64], std: f64, what: &str) {
    let var = std * std;
    assert_moments(values, 0.0, var, 3.0 * var * var, what);
}

#[test]
fn uniform_and_normal_have_their_moments() {
    let values = draw(Init::uniform(-0.5, 1.5), 1);
    assert!(values.iter().all(|v| (-0.5..1.5).contains(v)));
    // U(a, b): variance (b - a)^2 / 12, fourth central moment (b - a)^4 / 80.
    assert_moments(&values, 0.5, 4.0 / 12.0, 16.0 / 80.0, "uniform");
    let values = draw(Init::normal(2.0, 0.3), 2);
    let var = 0.09;
    assert_moments(&values, 2.0, var, 3.0 * var * var, "normal");
    let constant = draw(Init::constant(-1.25), 3);
    assert!(constant.iter().all(|&v| v == -1.25));
}

/// Mean and variance of `N(mean, std^2)` truncated to `[a, b]`.
fn truncated_moments(mean: f64, std: f64, a: f64, b: f64) -> (f64, f64) {
    let pdf = |x: f64| (-x * x / 2.0).exp() / (2.0 * core::f64::consts::PI).sqrt();
    let cdf = |x: f64| 0.5 * constnet::math::erfc(-x / core::f64::consts::SQRT_2);
    let (alpha, beta) = ((a - mean) / std, (b - mean) / std);
    let z = cdf(beta) - cdf(alpha);
    let shift = (pdf(alpha) - pdf(beta)) / z;
    let var = std * std * (1.0 + (alpha * pdf(alpha) - beta * pdf(beta)) / z - shift * shift);
    (mean + std * shift, var)
}

#[test]
fn truncated_normal_matches_its_closed_form_moments() {
    for (k, (mean, std, a, b)) in [
        (0.0, 1.0, -2.0, 2.0),    // PyTorch's defaults
        (1.0, 2.0, 0.0, 3.0),     // asymmetric
        (0.0, 1.0, 0.5, 4.0),     // one-sided, in the tail
        (0.0, 0.02, -0.04, 0.04), // the usual transformer init
        (-3.0, 0.5, -3.0, -2.9),  // narrow: close to uniform
    ]
    .into_iter()
    .enumerate()
    {
        let values = draw(Init::trunc_normal(mean, std, a, b), 10 + k as u64);
        assert!(values.iter().all(|v| (a..=b).contains(v)), "case {k}");
        let (expected_mean, expected_var) = truncated_moments(mean, std, a, b);
        // The fourth moment of a bounded variable is estimated from the sample.
        let (_, _, m4) = moments(&values);
        assert_moments(&values, expected_mean, expected_var, m4, "truncated normal");
    }
}

/// Mean and variance of `N(mean, std^2)` truncated to `[a, b]` by
/// quadrature (composite Simpson on the standardized interval, the density
/// scaled by its value at the end nearest 0 so nothing underflows): an
/// independent check of the closed form where `Phi` underflows.
fn truncated_moments_by_quadrature(mean: f64, std: f64, a: f64, b: f64) -> (f64, f64) {
    let (alpha, beta) = ((a - mean) / std, (b - mean) / std);
    // Mirror a left-tail interval to the right; moments flip sign accordingly.
    let (sign, lo, hi) = if beta <= 0.0 {
        (-1.0, -beta, -alpha)
    } else {
        (1.0, alpha, beta)
    };
    let nearest = if lo > 0.0 { lo } else { 0.0 };
    // Beyond `nearest + 60 / max(nearest, 1) + 12` the scaled density is below e^-60.
    let hi = hi.min(nearest + 60.0 / nearest.max(1.0) + 12.0);
    let density = |x: f64| (-(x * x - nearest * nearest) / 2.0).exp();
    let steps = 200_000;
    let h = (hi - lo) / f64::from(steps);
    let (mut z, mut m1, mut m2) = (0.0, 0.0, 0.0);
    for i in 0..=steps {
        let x = lo + h * f64::from(i);
        let weight = if i == 0 || i == steps {
            1.0
        } else if i % 2 == 1 {
            4.0
        } else {
            2.0
        };
        let w = weight * density(x);
        z += w;
        m1 += w * x;
        m2 += w * x * x;
    }
    let (m1, m2) = (m1 / z, m2 / z);
    (mean + std * sign * m1, std * std * (m2 - m1 * m1))
}

#[test]
fn truncated_normal_is_right_far_in_the_tails() {
    for (k, (mean, std, a, b)) in [
        (0.0, 1.0, 10.0, 11.0),   // right tail, where 2 Phi - 1 rounds to 1
        (0.0, 1.0, -40.0, -30.0), // left tail
        (0.0, 1.0, 5.0, 5.01),    // narrow, in the tail
        (1.0, 0.001, 1.02, 1.03), // 20 to 30 standard deviations out
        (0.0, 1.0, 3.5, 1e30),    // one-sided right tail
        (0.0, 1.0, -1e30, -6.0),  // one-sided left tail
        (2.0, 0.5, -100.0, 0.0),  // standardized [-204, -4]
        (0.0, 1.0, 3.0, 3.5),     // the first interval rejection serves
        (0.0, 1.0, 2.999, 3.5),   // the last the inverse CDF serves
    ]
    .into_iter()
    .enumerate()
    {
        let values = draw(Init::trunc_normal(mean, std, a, b), 70 + k as u64);
        assert!(values.iter().all(|v| (a..=b).contains(v)), "case {k}");
        let at_cutoff = values.iter().filter(|&&v| v == a || v == b).count();
        assert!(
            at_cutoff <= 1,
            "case {k}: {at_cutoff} values pinned to a cutoff"
        );
        let (expected_mean, expected_var) = truncated_moments_by_quadrature(mean, std, a, b);
        let (_, _, m4) = moments(&values);
        assert_moments(
            &values,
            expected_mean,
            expected_var,
            m4,
            &format!("tail case {k}"),
        );
    }
    // The quadrature agrees with the closed form where the closed form is
    // computable.
    for (mean, std, a, b) in [
        (0.0, 1.0, 0.5, 4.0),
        (0.0, 1.0, -11.0, -10.0),
        (0.0, 1.0, -2.0, 2.0),
    ] {
        let (m, v) = truncated_moments_by_quadrature(mean, std, a, b);
        let (cm, cv) = truncated_moments(mean, std, a, b);
        assert!(
            (m - cm).abs() < 1e-9 && (v - cv).abs() < 1e-9,
            "{m} {cm} {v} {cv}"
        );
    }
}

#[test]
fn the_truncated_sampler_handles_every_interval() {
    use constnet::init::truncated::standard_truncated_normal;
    let mut rng = Rng::seed_from(3);
    // Degenerate and infinite cutoffs never loop and stay inside.
    assert_eq!(standard_truncated_normal(2.0, 2.0, &mut rng), 2.0);
    assert!(standard_truncated_normal(f64::NAN, 1.0, &mut rng).is_nan());
    for (alpha, beta) in [
        (f64::NEG_INFINITY, f64::INFINITY),
        (5.0, f64::INFINITY),
        (f64::NEG_INFINITY, -5.0),
        (1e200, 1e201),
        (-1e300, -1e299),
        (1e-300, 2e-300),
        (3.0, 3.0 + 1e-12),
    ] {
        for _ in 0..100 {
            let z = standard_truncated_normal(alpha, beta, &mut rng);
            assert!((alpha..=beta).contains(&z), "[{alpha}, {beta}]: {z}");
        }
    }
}

#[test]
fn truncated_normal_is_the_normal_conditioned_on_the_interval() {
    // P(x <= 0 | x in [-1, 2]) for N(0, 1): (Phi(0) - Phi(-1)) / (Phi(2) - Phi(-1)).
    let cdf = |x: f64| 0.5 * constnet::math::erfc(-x / core::f64::consts::SQRT_2);
    let p = (cdf(0.0) - cdf(-1.0)) / (cdf(2.0) - cdf(-1.0));
    let values = draw(Init::trunc_normal(0.0, 1.0, -1.0, 2.0), 20);
    let below = values.iter().filter(|&&v| v <= 0.0).count() as f64 / N;
    let se = (p * (1.0 - p) / N).sqrt();
    assert!((below - p).abs() <= Z * se, "{below} vs {p}");
}

#[test]
fn xavier_scales_with_both_fans_and_the_gain() {
    let fan_sum = (COLS + ROWS) as f64;
    for gain in [1.0, 5.0 / 3.0] {
        let bound = gain * (6.0 / fan_sum).sqrt();
        assert_symmetric_uniform(
            &draw(Init::xavier_uniform(gain), 30),
            bound,
            "xavier uniform",
        );
        let std = gain * (2.0 / fan_sum).sqrt();
        assert_centered_normal(&draw(Init::xavier_normal(gain), 31), std, "xavier normal");
    }
}

#[test]
fn kaiming_scales_with_the_chosen_fan_and_the_nonlinearity() {
    let cases = [
        (
            0.0,
            FanMode::FanIn,
            Nonlinearity::ReLU,
            2.0_f64.sqrt(),
            COLS,
        ),
        (
            0.2,
            FanMode::FanOut,
            Nonlinearity::LeakyReLU,
            (2.0 / 1.04_f64).sqrt(),
            ROWS,
        ),
        (
            0.0,
            FanMode::FanIn,
            Nonlinearity::LeakyReLU,
            2.0_f64.sqrt(),
            COLS,
        ), // PyTorch's default
        (0.0, FanMode::FanOut, Nonlinearity::Tanh, 5.0 / 3.0, ROWS),
        (0.0, FanMode::FanIn, Nonlinearity::Selu, 0.75, COLS),
    ];
    for (k, (a, mode, nonlinearity, gain, fan)) in cases.into_iter().enumerate() {
        let std = gain / (fan as f64).sqrt();
        let seed = 40 + k as u64;
        let uniform = draw(Init::kaiming_uniform(a, mode, nonlinearity), seed);
        assert_symmetric_uniform(&uniform, 3.0_f64.sqrt() * std, "kaiming uniform");
        let normal = draw(Init::kaiming_normal(a, mode, nonlinearity), seed);
        assert_centered_normal(&normal, std, "kaiming normal");
    }
}

#[test]
fn lecun_and_the_torch_default_scale_with_fan_in() {
    let fan_in = COLS as f64;
    assert_symmetric_uniform(
        &draw(Init::lecun_uniform(), 50),
        (3.0 / fan_in).sqrt(),
        "lecun",
    );
    assert_centered_normal(
        &draw(Init::lecun_normal(), 51),
        fan_in.sqrt().recip(),
        "lecun",
    );
    assert_symmetric_uniform(
        &draw(Init::TorchDefault, 52),
        fan_in.sqrt().recip(),
        "default",
    );
    // The bias of nn.Linear uses the weight's fan_in too.
    let mut bias = vec![0.0; 100_000];
    Init::TorchDefault.fill_bias(&mut bias, Fans::new(16, 100_000), &mut Rng::seed_from(53));
    assert_symmetric_uniform(&bias[..], 0.25, "default bias");
}

#[test]
fn the_gain_scales_the_same_draws() {
    // Same seed: each value is the gain ratio times the other's, up to one
    // rounding of the bound.
    let pairs = [
        (Init::xavier_uniform(1.0), Init::xavier_uniform(2.5), 2.5),
        (Init::xavier_normal(1.0), Init::xavier_normal(0.5), 0.5),
        (
            Init::kaiming_uniform(0.0, FanMode::FanIn, Nonlinearity::Linear),
            Init::kaiming_uniform(0.0, FanMode::FanIn, Nonlinearity::Tanh),
            5.0 / 3.0,
        ),
        (Init::orthogonal(1.0), Init::orthogonal(3.0), 3.0),
    ];
    for (base, scaled, ratio) in pairs {
        let (a, b) = (draw(base, 60), draw(scaled, 60));
        let scale = a.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        for (x, y) in a.iter().zip(&b) {
            assert!(
                (y - ratio * x).abs() <= 4.0 * f64::EPSILON * ratio * scale,
                "{base:?}"
            );
        }
    }
}

#[test]
fn calculate_gain_is_pytorchs_table() {
    assert_eq!(calculate_gain(Nonlinearity::Linear, None), 1.0);
    assert_eq!(calculate_gain(Nonlinearity::Conv, None), 1.0);
    assert_eq!(calculate_gain(Nonlinearity::Sigmoid, None), 1.0);
    assert_eq!(calculate_gain(Nonlinearity::Tanh, None), 5.0 / 3.0);
    assert_eq!(
        calculate_gain(Nonlinearity::ReLU, None),
        core::f64::consts::SQRT_2
    );
    assert_eq!(calculate_gain(Nonlinearity::Selu, None), 0.75);
    // leaky_relu: sqrt(2 / (1 + slope^2)), default slope 0.01.
    let default = calculate_gain(Nonlinearity::LeakyReLU, None);
    assert!((default - (2.0 / 1.0001_f64).sqrt()).abs() < 1e-15);
    assert!((default - 1.414_142_856_997_835_4).abs() < 1e-15); // mpmath
    assert_eq!(
        calculate_gain(Nonlinearity::LeakyReLU, Some(0.0)),
        core::f64::consts::SQRT_2
    );
    assert!((calculate_gain(Nonlinearity::LeakyReLU, Some(-0.5)) - 1.6_f64.sqrt()).abs() < 1e-15);
    // The slope is ignored by the others.
    assert_eq!(
        calculate_gain(Nonlinearity::ReLU, Some(0.3)),
        core::f64::consts::SQRT_2
    );
}
