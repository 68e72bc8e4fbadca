//! Optimizer settings: `reset` replays the same steps, `lr = 0` moves
//! nothing, and bad hyper-parameters are refused at construction (or by
//! the setter) with an error naming the parameter, leaving the optimizer
//! unchanged.

use super::optimizers::reference::P0;
use super::optimizers::{adam, adamw, rmsprop, run, sgd};
use constnet::optim::{Adam, AdamConfig, AdamW, AdamWConfig, RmsProp, RmsPropConfig};
use constnet::prelude::*;

#[test]
fn reset_forgets_all_state() {
    fn replay(opt: &mut impl Optimizer<f64, 3>) {
        let first = run(opt, 3);
        opt.reset();
        assert_eq!(run(opt, 3), first);
    }
    replay(&mut sgd::<f64>(SgdConfig {
        lr: 0.1,
        momentum: 0.9,
        ..SgdConfig::default()
    }));
    replay(&mut adam::<f64>(AdamConfig {
        amsgrad: true,
        ..AdamConfig::default()
    }));
    replay(&mut adamw::<f64>(AdamWConfig::default()));
    replay(&mut rmsprop::<f64>(RmsPropConfig {
        momentum: 0.5,
        centered: true,
        ..RmsPropConfig::default()
    }));
}

fn invalid<X: core::fmt::Debug>(result: constnet::Result<X>, name: &str) {
    match result {
        Err(Error::InvalidHyperParameter { name: got, .. }) => assert_eq!(got, name),
        other => panic!("expected an invalid `{name}`, got {other:?}"),
    }
}

#[test]
fn bad_sgd_hyper_parameters_are_refused_at_construction() {
    let s = SgdConfig::default();
    invalid(Sgd::<f32, 3>::new(SgdConfig { lr: -0.1, ..s }), "lr");
    invalid(Sgd::<f32, 3>::new(SgdConfig { lr: f64::NAN, ..s }), "lr");
    invalid(
        Sgd::<f32, 3>::new(SgdConfig {
            lr: f64::INFINITY,
            ..s
        }),
        "lr",
    );
    invalid(
        Sgd::<f32, 3>::new(SgdConfig { momentum: 1.0, ..s }),
        "momentum",
    );
    invalid(
        Sgd::<f32, 3>::new(SgdConfig {
            momentum: -0.5,
            ..s
        }),
        "momentum",
    );
    invalid(
        Sgd::<f32, 3>::new(SgdConfig {
            dampening: 1.5,
            ..s
        }),
        "dampening",
    );
    invalid(
        Sgd::<f32, 3>::new(SgdConfig {
            weight_decay: -1e-4,
            ..s
        }),
        "weight_decay",
    );
    for nesterov in [
        SgdConfig {
            nesterov: true,
            ..s
        },
        SgdConfig {
            nesterov: true,
            momentum: 0.9,
            dampening: 0.1,
            ..s
        },
    ] {
        assert!(matches!(
            Sgd::<f32, 3>::new(nesterov),
            Err(Error::IncompatibleOptions(
                constnet::error::Incompatible::NesterovWithoutMomentum
            ))
        ));
    }
}

#[test]
fn bad_adam_hyper_parameters_are_refused_at_construction() {
    let a = AdamConfig::default();
    invalid(Adam::<f32, 3>::new(AdamConfig { lr: -1e-3, ..a }), "lr");
    invalid(
        Adam::<f32, 3>::new(AdamConfig {
            betas: (1.0, 0.999),
            ..a
        }),
        "beta1",
    );
    invalid(
        Adam::<f32, 3>::new(AdamConfig {
            betas: (-0.1, 0.999),
            ..a
        }),
        "beta1",
    );
    invalid(
        Adam::<f32, 3>::new(AdamConfig {
            betas: (0.9, 1.0),
            ..a
        }),
        "beta2",
    );
    invalid(
        Adam::<f32, 3>::new(AdamConfig {
            betas: (0.9, f64::NAN),
            ..a
        }),
        "beta2",
    );
    invalid(Adam::<f32, 3>::new(AdamConfig { eps: 0.0, ..a }), "eps");
    invalid(Adam::<f32, 3>::new(AdamConfig { eps: -1e-8, ..a }), "eps");
    invalid(
        Adam::<f32, 3>::new(AdamConfig {
            weight_decay: -0.1,
            ..a
        }),
        "weight_decay",
    );
    let w = AdamWConfig::default();
    invalid(AdamW::<f32, 3>::new(AdamWConfig { eps: 0.0, ..w }), "eps");
    invalid(
        AdamW::<f32, 3>::new(AdamWConfig {
            betas: (0.9, 1.5),
            ..w
        }),
        "beta2",
    );
    invalid(
        AdamW::<f32, 3>::new(AdamWConfig {
            weight_decay: f64::INFINITY,
            ..w
        }),
        "weight_decay",
    );
}

#[test]
fn bad_rmsprop_hyper_parameters_are_refused_at_construction() {
    let r = RmsPropConfig::default();
    invalid(
        RmsProp::<f32, 3>::new(RmsPropConfig { lr: -1.0, ..r }),
        "lr",
    );
    invalid(
        RmsProp::<f32, 3>::new(RmsPropConfig { alpha: 1.0, ..r }),
        "alpha",
    );
    invalid(
        RmsProp::<f32, 3>::new(RmsPropConfig { eps: 0.0, ..r }),
        "eps",
    );
    invalid(
        RmsProp::<f32, 3>::new(RmsPropConfig { momentum: 1.0, ..r }),
        "momentum",
    );
    invalid(
        RmsProp::<f32, 3>::new(RmsPropConfig {
            weight_decay: -1.0,
            ..r
        }),
        "weight_decay",
    );
}

#[test]
fn a_refused_learning_rate_leaves_the_optimizer_unchanged() {
    fn check_refusal(opt: &mut impl Optimizer<f64, 3>) {
        let lr = opt.learning_rate();
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            invalid(opt.set_learning_rate(bad), "lr");
            assert_eq!(opt.learning_rate(), lr);
        }
        opt.set_learning_rate(0.0).unwrap();
        let mut p = P0;
        opt.step(&mut p, &[1.0, 2.0, 3.0]);
        assert!(p.iter().all(|v| v.is_finite()));
    }
    check_refusal(&mut Sgd::<f64, 3>::with_lr(0.1).unwrap());
    check_refusal(&mut Adam::<f64, 3>::with_lr(0.1).unwrap());
    check_refusal(&mut AdamW::<f64, 3>::with_lr(0.1).unwrap());
    check_refusal(&mut RmsProp::<f64, 3>::with_lr(0.1).unwrap());
}

#[test]
fn hyper_parameters_are_checked_in_the_scalar_the_optimizer_computes_in() {
    // eps = 1e-50 is 0 in f32 (then 0 / 0 is NaN at a zero gradient).
    let tiny_eps = AdamConfig {
        eps: 1e-50,
        ..AdamConfig::default()
    };
    invalid(Adam::<f32, 3>::new(tiny_eps), "eps");
    assert!(Adam::<f64, 3>::new(tiny_eps).is_ok());
    let tiny_eps = AdamWConfig {
        eps: 1e-50,
        ..AdamWConfig::default()
    };
    invalid(AdamW::<f32, 3>::new(tiny_eps), "eps");
    let tiny_eps = RmsPropConfig {
        eps: 1e-50,
        ..RmsPropConfig::default()
    };
    invalid(RmsProp::<f32, 3>::new(tiny_eps), "eps");
    // lr = 1e39 is infinite in f32, at construction and when set later.
    invalid(Sgd::<f32, 3>::with_lr(1e39), "lr");
    invalid(Adam::<f32, 3>::with_lr(1e39), "lr");
    assert!(Sgd::<f64, 3>::with_lr(1e39).is_ok());
    let mut sgd = Sgd::<f32, 3>::with_lr(0.1).unwrap();
    invalid(sgd.set_learning_rate(1e39), "lr");
    invalid(sgd.set_learning_rate(1e-50), "lr");
    assert_eq!(sgd.learning_rate(), 0.1);
    // A decay that rounds to 1 in f32 never decays.
    let sticky = SgdConfig {
        momentum: 0.999_999_99,
        ..SgdConfig::default()
    };
    invalid(Sgd::<f32, 3>::new(sticky), "momentum");
    assert!(Sgd::<f64, 3>::new(sticky).is_ok());
    let sticky = AdamConfig {
        betas: (0.9, 0.999_999_999),
        ..AdamConfig::default()
    };
    invalid(Adam::<f32, 3>::new(sticky), "beta2");
    let sticky = RmsPropConfig {
        alpha: 0.999_999_99,
        ..RmsPropConfig::default()
    };
    invalid(RmsProp::<f32, 3>::new(sticky), "alpha");
    // The scalar-free check accepts what only f32 refuses; validate_for says why.
    assert!(tiny_eps.validate().is_ok());
    invalid(tiny_eps.validate_for::<f32>(), "eps");
}

/// With `lr = 0` every update rule multiplies its step by zero, whatever
/// its momentum, decay or second moments: the parameters stay exactly where
/// they started (weight decay included, since PyTorch scales it by `lr`
/// too).
#[test]
fn a_zero_learning_rate_leaves_the_parameters_unchanged() {
    let start = [P0];
    let unchanged = |steps: Vec<[f64; 3]>, what: &str| {
        for (k, p) in steps.iter().enumerate() {
            assert_eq!(p, &start[0], "{what}: step {} moved the parameters", k + 1);
        }
    };
    unchanged(
        run(
            &mut sgd::<f64>(SgdConfig {
                lr: 0.0,
                momentum: 0.9,
                weight_decay: 0.1,
                nesterov: true,
                ..SgdConfig::default()
            }),
            5,
        ),
        "sgd",
    );
    unchanged(
        run(
            &mut adam::<f64>(AdamConfig {
                lr: 0.0,
                weight_decay: 0.1,
                amsgrad: true,
                ..AdamConfig::default()
            }),
            5,
        ),
        "adam",
    );
    unchanged(
        run(
            &mut adamw::<f32>(AdamWConfig {
                lr: 0.0,
                weight_decay: 0.1,
                ..AdamWConfig::default()
            }),
            5,
        ),
        "adamw",
    );
    unchanged(
        run(
            &mut rmsprop::<f64>(RmsPropConfig {
                lr: 0.0,
                momentum: 0.9,
                centered: true,
                weight_decay: 0.1,
                ..RmsPropConfig::default()
            }),
            5,
        ),
        "rmsprop",
    );
}
