//! Every optimizer option against PyTorch's update rule, step by step: the
//! first steps derived by hand here, four steps of every option against
//! `tests/reference/optimizer_steps.rs` (a plain-Python transcription of
//! PyTorch's single-tensor updates), in f64 and f32, and state inspection
//! (reset, a zero learning rate and bad hyper-parameters are in
//! `optimizer_settings.rs`).

#[path = "../reference/optimizer_steps.rs"]
pub(super) mod reference;

use constnet::optim::{Adam, AdamConfig, AdamW, AdamWConfig, RmsProp, RmsPropConfig};
use constnet::prelude::*;
use reference::*;

/// f64 runs repeat the reference's arithmetic in the same order; only the
/// conversions of hyper-parameters may round differently.
const F64_TOL: f64 = 1e-13;
/// f32 runs round every intermediate to 24 bits.
const F32_TOL: f64 = 2e-5;

/// Runs `opt` on the reference quadratic (gradient `c * p + d`) and returns
/// the parameters after each step, widened to f64.
pub(super) fn run<T: Float>(opt: &mut impl Optimizer<T, 3>, steps: usize) -> Vec<[f64; 3]> {
    let mut p: [T; 3] = P0.map(T::of_f64);
    let mut out = Vec::new();
    for _ in 0..steps {
        let g: [T; 3] = core::array::from_fn(|i| T::of_f64(C[i]) * p[i] + T::of_f64(D[i]));
        opt.step(&mut p, &g);
        out.push(p.map(Float::to_f64));
    }
    out
}

fn assert_steps(actual: &[[f64; 3]], expected: &[[f64; 3]], tol: f64, what: &str) {
    assert_eq!(actual.len(), expected.len());
    for (k, (a, e)) in actual.iter().zip(expected).enumerate() {
        for i in 0..3 {
            let err = (a[i] - e[i]).abs() / e[i].abs().max(1.0);
            assert!(
                err <= tol,
                "{what}, step {}, p[{i}]: {} vs reference {} (error {err:e})",
                k + 1,
                a[i],
                e[i]
            );
        }
    }
}

/// Checks an optimizer factory in f64 and f32 against a reference sequence.
fn check<O64, O32>(
    make64: impl Fn() -> O64,
    make32: impl Fn() -> O32,
    expected: &[[f64; 3]; 4],
    what: &str,
) where
    O64: Optimizer<f64, 3>,
    O32: Optimizer<f32, 3>,
{
    assert_steps(&run(&mut make64(), 4), expected, F64_TOL, what);
    assert_steps(&run(&mut make32(), 4), expected, F32_TOL, what);
}

pub(super) fn sgd<T: Float>(config: SgdConfig) -> Sgd<T, 3> {
    Sgd::new(config).unwrap()
}

pub(super) fn adam<T: Float>(config: AdamConfig) -> Adam<T, 3> {
    Adam::new(config).unwrap()
}

pub(super) fn adamw<T: Float>(config: AdamWConfig) -> AdamW<T, 3> {
    AdamW::new(config).unwrap()
}

pub(super) fn rmsprop<T: Float>(config: RmsPropConfig) -> RmsProp<T, 3> {
    RmsProp::new(config).unwrap()
}

#[test]
fn the_reference_agrees_with_first_steps_derived_by_hand() {
    // At P0 = (1, -2, 0.5) the gradient is g1 = (1, -0.75, 1).
    // Plain SGD, lr 0.1: p1 = P0 - 0.1 g1.
    assert_eq!(SGD_PLAIN[0], [0.9, -1.925, 0.4]);
    // Momentum 0.9: step 1 as plain (buffer = g1); at p1, g2 = (0.8, -0.7125, 0.9),
    // buffer = 0.9 g1 + g2 = (1.7, -1.3875, 1.8), p2 = p1 - 0.1 buffer.
    assert_steps(
        &SGD_MOMENTUM[1..2],
        &[[0.73, -1.78625, 0.22]],
        1e-15,
        "momentum",
    );
    // Dampening 0.5: buffer = 0.9 g1 + 0.5 g2 = (1.3, -1.03125, 1.35).
    assert_steps(
        &SGD_DAMPENING[1..2],
        &[[0.77, -1.821_875, 0.265]],
        1e-15,
        "dampening",
    );
    // Nesterov: direction g1 + 0.9 g1 = 1.9 g1.
    assert_steps(
        &SGD_NESTEROV[..1],
        &[[0.81, -1.8575, 0.31]],
        1e-15,
        "nesterov",
    );
    // Weight decay 0.1: g1 + 0.1 P0 = (1.1, -0.95, 1.05).
    assert_steps(
        &SGD_WEIGHT_DECAY[..1],
        &[[0.89, -1.905, 0.395]],
        1e-15,
        "decay",
    );
    // Adam, first step: bias correction makes m_hat = g1 and v_hat = g1^2,
    // so each coordinate moves by lr * g / (|g| + eps).
    let eps = 1e-8;
    let adam1 = [
        1.0 - 0.1 / (1.0 + eps),
        -2.0 + 0.1 * 0.75 / (0.75 + eps),
        0.5 - 0.1 / (1.0 + eps),
    ];
    assert_steps(&ADAM_DEFAULT[..1], &[adam1], 1e-15, "adam");
    // AdamW: the same step after the decay p * (1 - 0.1 * 0.01).
    let adamw1 = core::array::from_fn(|i| P0[i] * 0.999 + (adam1[i] - P0[i]));
    assert_steps(&ADAMW_DEFAULT_DECAY[..1], &[adamw1], 1e-15, "adamw");
    // RMSprop: s = 0.01 g^2, so the step is 0.01 g / (0.1 |g| + eps).
    let rms1 = [
        1.0 - 0.01 / (0.1 + eps),
        -2.0 + 0.01 * 0.75 / (0.075 + eps),
        0.5 - 0.01 / (0.1 + eps),
    ];
    assert_steps(&RMSPROP_DEFAULT[..1], &[rms1], 1e-15, "rmsprop");
    // Centered, first step: a = 0.01 g, variance 0.01 g^2 - 1e-4 g^2 = 0.0099 g^2.
    let centered1 = core::array::from_fn(|i| {
        let g = [1.0, -0.75, 1.0][i];
        P0[i] - 0.01 * g / (f64::sqrt(0.0099) * f64::abs(g) + eps)
    });
    assert_steps(&RMSPROP_CENTERED[..1], &[centered1], 1e-14, "centered");
}

#[test]
fn sgd_matches_pytorch_for_every_option() {
    let cases = [
        (
            SgdConfig {
                lr: 0.1,
                ..SgdConfig::default()
            },
            SGD_PLAIN,
            "plain",
        ),
        (
            SgdConfig {
                lr: 0.1,
                weight_decay: 0.1,
                ..SgdConfig::default()
            },
            SGD_WEIGHT_DECAY,
            "weight decay",
        ),
        (
            SgdConfig {
                lr: 0.1,
                momentum: 0.9,
                ..SgdConfig::default()
            },
            SGD_MOMENTUM,
            "momentum",
        ),
        (
            SgdConfig {
                lr: 0.1,
                momentum: 0.9,
                dampening: 0.5,
                ..SgdConfig::default()
            },
            SGD_DAMPENING,
            "dampening",
        ),
        (
            SgdConfig {
                lr: 0.1,
                momentum: 0.9,
                nesterov: true,
                ..SgdConfig::default()
            },
            SGD_NESTEROV,
            "nesterov",
        ),
        (
            SgdConfig {
                lr: 0.05,
                momentum: 0.8,
                dampening: 0.3,
                weight_decay: 0.01,
                nesterov: false,
            },
            SGD_ALL,
            "momentum, dampening and decay",
        ),
        (
            SgdConfig {
                lr: 0.05,
                momentum: 0.5,
                dampening: 0.0,
                weight_decay: 0.2,
                nesterov: true,
            },
            SGD_NESTEROV_DECAY,
            "nesterov and decay",
        ),
    ];
    for (config, expected, what) in cases {
        check(
            || sgd::<f64>(config),
            || sgd::<f32>(config),
            &expected,
            what,
        );
    }
}

#[test]
fn adam_matches_pytorch_for_every_option() {
    let cases = [
        (
            AdamConfig {
                lr: 0.1,
                ..AdamConfig::default()
            },
            ADAM_DEFAULT,
            "defaults",
        ),
        (
            AdamConfig {
                lr: 0.05,
                betas: (0.5, 0.9),
                eps: 0.1,
                ..AdamConfig::default()
            },
            ADAM_BETAS_EPS,
            "betas and eps",
        ),
        (
            AdamConfig {
                lr: 0.1,
                weight_decay: 0.5,
                ..AdamConfig::default()
            },
            ADAM_WEIGHT_DECAY,
            "L2 weight decay",
        ),
        (
            AdamConfig {
                lr: 0.3,
                betas: (0.8, 0.5),
                amsgrad: true,
                ..AdamConfig::default()
            },
            ADAM_AMSGRAD,
            "amsgrad",
        ),
    ];
    for (config, expected, what) in cases {
        check(
            || adam::<f64>(config),
            || adam::<f32>(config),
            &expected,
            what,
        );
    }
    let default = AdamConfig::default();
    assert_eq!(
        (
            default.lr,
            default.betas,
            default.eps,
            default.weight_decay,
            default.amsgrad
        ),
        (1e-3, (0.9, 0.999), 1e-8, 0.0, false)
    );
}

#[test]
fn adamw_matches_pytorch_and_decays_outside_the_moments() {
    let default_decay = AdamWConfig {
        lr: 0.1,
        ..AdamWConfig::default()
    };
    assert_eq!(default_decay.weight_decay, 1e-2);
    check(
        || adamw::<f64>(default_decay),
        || adamw::<f32>(default_decay),
        &ADAMW_DEFAULT_DECAY,
        "default decay",
    );
    let strong = AdamWConfig {
        lr: 0.3,
        betas: (0.8, 0.5),
        weight_decay: 0.5,
        amsgrad: true,
        ..AdamWConfig::default()
    };
    check(
        || adamw::<f64>(strong),
        || adamw::<f32>(strong),
        &ADAMW_STRONG_AMSGRAD,
        "amsgrad",
    );
    // Decoupled: the moments see the raw gradient, unlike Adam's L2 term.
    let mut w = AdamW::<f64, 1>::new(AdamWConfig {
        lr: 0.1,
        weight_decay: 0.5,
        ..AdamWConfig::default()
    })
    .unwrap();
    let mut p = [3.0];
    w.step(&mut p, &[2.0]);
    assert!((w.first_moment()[0] - 0.2).abs() < 1e-15);
    assert!((w.second_moment()[0] - 0.004).abs() < 1e-15);
    let mut l2 = Adam::<f64, 1>::new(AdamConfig {
        lr: 0.1,
        weight_decay: 0.5,
        ..AdamConfig::default()
    })
    .unwrap();
    let mut q = [3.0];
    l2.step(&mut q, &[2.0]);
    assert!(
        (l2.first_moment()[0] - 0.35).abs() < 1e-15,
        "m = 0.1 (2 + 0.5 * 3)"
    );
}

#[test]
fn amsgrad_keeps_the_largest_second_moment() {
    let config = AdamConfig {
        lr: 0.1,
        betas: (0.0, 0.5),
        amsgrad: true,
        ..AdamConfig::default()
    };
    let mut opt = Adam::<f64, 1>::new(config).unwrap();
    let mut p = [0.0];
    // v: 0.5 * 16 = 8, then 0.5 * 8 + 0.5 * 0.01 = 4.005: the maximum stays 8.
    opt.step(&mut p, &[4.0]);
    opt.step(&mut p, &[0.1]);
    assert_eq!(opt.second_moment()[0], 4.005);
    assert_eq!(opt.max_second_moment()[0], 8.0);
    assert_eq!(opt.steps(), 2);
    // Step 2 by hand: beta1 = 0 so m = g; bias corrections 1 and sqrt(0.75).
    let first = -0.1 * 4.0 / (f64::sqrt(8.0) / f64::sqrt(0.5) + 1e-8);
    let second = -0.1 * 0.1 / (f64::sqrt(8.0) / f64::sqrt(0.75) + 1e-8);
    assert!((p[0] - (first + second)).abs() < 1e-15);
}

#[test]
fn rmsprop_matches_pytorch_for_every_option() {
    let cases = [
        (RmsPropConfig::default(), RMSPROP_DEFAULT, "defaults"),
        (
            RmsPropConfig {
                lr: 0.05,
                alpha: 0.5,
                eps: 0.1,
                ..RmsPropConfig::default()
            },
            RMSPROP_ALPHA_EPS,
            "alpha and eps",
        ),
        (
            RmsPropConfig {
                weight_decay: 0.3,
                ..RmsPropConfig::default()
            },
            RMSPROP_WEIGHT_DECAY,
            "weight decay",
        ),
        (
            RmsPropConfig {
                momentum: 0.9,
                ..RmsPropConfig::default()
            },
            RMSPROP_MOMENTUM,
            "momentum",
        ),
        (
            RmsPropConfig {
                centered: true,
                ..RmsPropConfig::default()
            },
            RMSPROP_CENTERED,
            "centered",
        ),
        (
            RmsPropConfig {
                lr: 0.02,
                alpha: 0.9,
                eps: 1e-3,
                weight_decay: 0.1,
                momentum: 0.5,
                centered: true,
            },
            RMSPROP_ALL,
            "all options",
        ),
    ];
    for (config, expected, what) in cases {
        check(
            || rmsprop::<f64>(config),
            || rmsprop::<f32>(config),
            &expected,
            what,
        );
    }
    let default = RmsPropConfig::default();
    assert_eq!((default.lr, default.alpha, default.eps), (1e-2, 0.99, 1e-8));
}

#[test]
fn centered_rmsprop_stays_finite_where_rounding_makes_the_variance_negative() {
    // With this constant gradient and alpha 0.3, s - a^2 rounds to -4.4e-16 at
    // step 32 (PyTorch's update returns NaN there); the clamp keeps it at 0.
    let config = RmsPropConfig {
        alpha: 0.3,
        centered: true,
        ..RmsPropConfig::default()
    };
    let mut opt = rmsprop::<f64>(config);
    let g = [1.994_370_711_191_202_8; 3];
    let mut p = [0.0; 3];
    let mut saw_negative = false;
    for _ in 0..40 {
        opt.step(&mut p, &g);
        let (s, a) = (opt.square_average()[0], opt.gradient_average()[0]);
        saw_negative |= s - a * a < 0.0;
        assert!(p.iter().all(|v| v.is_finite()), "{p:?}");
    }
    assert!(saw_negative, "the case must exercise the clamp");
}
