//! Initializers built by hand or chosen in a declaration: validation of
//! every value (finite, in range, representable in the network's scalar),
//! the documented behaviour of hand-built values, and the run-time `try_`
//! twins checking what the `const` constructors check.

use constnet::init::Fans;
use constnet::nalgebra::SMatrix;
use constnet::prelude::*;

use crate::init_structure::fill;

#[test]
fn values_built_by_hand_never_panic_and_validate_explains_them() {
    let cases = [
        (
            Init::Normal {
                mean: 0.0,
                std: -1.0,
            },
            "std",
        ),
        (
            Init::Uniform {
                low: 1.0,
                high: -1.0,
            },
            "high",
        ),
        (
            Init::TruncatedNormal {
                mean: 0.0,
                std: 1.0,
                a: 1.0,
                b: -1.0,
            },
            "b",
        ),
        (
            Init::TruncatedNormal {
                mean: 0.0,
                std: 0.0,
                a: -1.0,
                b: 1.0,
            },
            "std",
        ),
        (
            Init::Sparse {
                sparsity: 1.5,
                std: 0.01,
            },
            "sparsity",
        ),
        (
            Init::Sparse {
                sparsity: f64::NAN,
                std: 0.01,
            },
            "sparsity",
        ),
        (Init::XavierUniform { gain: -1.0 }, "gain"),
        (
            Init::Orthogonal {
                gain: f64::INFINITY,
            },
            "gain",
        ),
        (
            Init::KaimingNormal {
                a: f64::NAN,
                mode: FanMode::FanIn,
                nonlinearity: Nonlinearity::ReLU,
            },
            "a",
        ),
        (Init::Constant(f64::INFINITY), "value"),
        (
            Init::Normal {
                mean: f64::NAN,
                std: 1.0,
            },
            "mean",
        ),
    ];
    for (init, name) in cases {
        match init.validate() {
            Err(Error::InvalidHyperParameter { name: got, .. }) => {
                assert_eq!(got, name, "{init:?}");
            }
            other => panic!("{init:?}: {other:?}"),
        }
        let mut w = [0.0_f64; 12];
        init.fill_weight(&mut w, 4, 3, Fans::new(3, 4), &mut Rng::seed_from(5));
    }
}

#[test]
fn values_beyond_f32_are_refused_for_every_scalar() {
    let cases = [
        (Init::Constant(1e39), "value"),
        (
            Init::Uniform {
                low: -1e300,
                high: 1e300,
            },
            "low",
        ),
        (Init::Orthogonal { gain: 1e300 }, "gain"),
        (
            Init::Normal {
                mean: 0.0,
                std: 1e38,
            },
            "std",
        ),
        (Init::XavierNormal { gain: 1e38 }, "gain"),
        (
            Init::Sparse {
                sparsity: 0.5,
                std: 1e38,
            },
            "std",
        ),
        (
            Init::TruncatedNormal {
                mean: 0.0,
                std: 1.0,
                a: -1e39,
                b: 1.0,
            },
            "a",
        ),
    ];
    for (init, name) in cases {
        match init.validate() {
            Err(Error::InvalidHyperParameter { name: got, .. }) => {
                assert_eq!(got, name, "{init:?}");
            }
            other => panic!("{init:?}: {other:?}"),
        }
    }
    // The largest value an f32 holds is accepted.
    assert_eq!(
        Init::try_constant(f64::from(f32::MAX)),
        Ok(Init::constant(3.402_823_466_385_288_6e38))
    );
}

#[test]
fn values_built_by_hand_behave_as_documented() {
    let flipped = fill::<f64>(
        Init::Normal {
            mean: 0.0,
            std: -1.0,
        },
        3,
        3,
        6,
    );
    let plain = fill::<f64>(Init::normal(0.0, 1.0), 3, 3, 6);
    assert!(flipped.iter().zip(&plain).all(|(a, b)| *a == -b));
    let swapped = fill::<f64>(
        Init::Uniform {
            low: 1.0,
            high: -1.0,
        },
        20,
        20,
        7,
    );
    assert!(swapped.iter().all(|v| (-1.0..=1.0).contains(v)));
    let inverted = fill::<f64>(
        Init::TruncatedNormal {
            mean: 0.0,
            std: 1.0,
            a: 1.0,
            b: -1.0,
        },
        4,
        4,
        8,
    );
    assert!(inverted.iter().all(|&v| v == -1.0));
    let all_zero = fill::<f64>(
        Init::Sparse {
            sparsity: 1.5,
            std: 1.0,
        },
        4,
        4,
        9,
    );
    assert!(all_zero.iter().all(|&v| v == 0.0));
    // Valid values pass.
    for init in [
        Init::TorchDefault,
        Init::Eye,
        Init::trunc_normal(0.0, 1.0, -2.0, 2.0),
        Init::sparse(1.0, 0.0),
    ] {
        assert_eq!(init.validate(), Ok(()));
    }
}

network! {
    /// Every initializer in one declaration.
    struct Declared {
        a: Dense<4, 16>(
            weight_init = Init::kaiming_uniform(0.0, FanMode::FanIn, Nonlinearity::ReLU),
            bias_init = Init::Zeros,
        ),
        r: ReLU,
        b: Dense<16, 16>(weight_init = Init::orthogonal(1.0), bias_init = Init::constant(0.1)),
        t: Tanh,
        c: Dense<16, 8>(weight_init = Init::xavier_normal(5.0 / 3.0), bias_init = Init::eye()),
        d: Dense<8, 8>(weight_init = Init::trunc_normal(0.0, 0.02, -0.04, 0.04), bias_init = Init::uniform(-1.0, 1.0)),
        e: Dense<8, 8>(weight_init = Init::sparse(0.5, 0.01), bias_init = Init::normal(0.0, 0.1)),
        f: Dense<8, 3>(weight_init = Init::lecun_normal(), bias_init = Init::Ones),
        g: Dense<3, 3>(weight_init = Init::eye(), bias_init = Init::lecun_uniform()),
    }
}

#[test]
fn initializers_chosen_in_a_declaration_reach_the_parameters() {
    let net = Declared::<f64>::seeded(1);
    let find = |name: &str| {
        let tensor = Declared::<f64>::parameter_tensors()
            .find(|t| t.to_string() == name)
            .unwrap();
        &net.parameters()[tensor.range()]
    };
    assert!(find("a.bias").iter().all(|&v| v == 0.0));
    assert!(
        find("a.weight")
            .iter()
            .all(|v| v.abs() <= 6.0_f64.sqrt() / 2.0)
    );
    let b = SMatrix::<f64, 16, 16>::from_row_slice(find("b.weight"));
    assert!((b.transpose() * b - SMatrix::<f64, 16, 16>::identity()).amax() < 1e-13);
    assert!(find("b.bias").iter().all(|&v| v == 0.1));
    assert_eq!(find("c.bias")[..3], [1.0, 0.0, 0.0]);
    assert!(find("d.weight").iter().all(|v| v.abs() <= 0.04));
    let e = find("e.weight");
    for col in 0..8 {
        assert_eq!((0..8).filter(|&r| e[r * 8 + col] == 0.0).count(), 4);
    }
    assert!(find("f.bias").iter().all(|&v| v == 1.0));
    assert_eq!(
        find("g.weight"),
        [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
    );
}

#[test]
fn the_run_time_twins_check_what_the_const_constructors_check() {
    assert_eq!(Init::try_normal(0.5, 0.2), Ok(Init::normal(0.5, 0.2)));
    assert_eq!(
        Init::try_trunc_normal(0.0, 1.0, -2.0, 2.0),
        Ok(Init::trunc_normal(0.0, 1.0, -2.0, 2.0))
    );
    assert_eq!(Init::try_sparse(0.5, 0.01), Ok(Init::sparse(0.5, 0.01)));
    let refused = [
        (Init::try_constant(1e39), "value"),
        (Init::try_uniform(-1e300, 1e300), "low"),
        (Init::try_uniform(1.0, 0.0), "high"),
        (Init::try_normal(0.0, f64::NAN), "std"),
        (Init::try_trunc_normal(0.0, 0.0, -1.0, 1.0), "std"),
        (Init::try_xavier_uniform(2e38), "gain"),
        (Init::try_xavier_normal(-1.0), "gain"),
        (
            Init::try_kaiming_uniform(f64::NAN, FanMode::FanIn, Nonlinearity::LeakyReLU),
            "a",
        ),
        (
            Init::try_kaiming_normal(f64::INFINITY, FanMode::FanOut, Nonlinearity::ReLU),
            "a",
        ),
        (Init::try_orthogonal(1e300), "gain"),
        (Init::try_sparse(-0.1, 0.01), "sparsity"),
    ];
    for (result, name) in refused {
        match result {
            Err(Error::InvalidHyperParameter { name: got, .. }) => assert_eq!(got, name),
            other => panic!("{name}: {other:?}"),
        }
    }
    // A layer takes only a valid initializer, also one written by hand.
    let nan = Init::Normal {
        mean: 0.0,
        std: f64::NAN,
    };
    assert!(Dense::<2, 3>::new().try_weight_init(nan).is_err());
    assert!(
        Dense::<2, 3>::new()
            .try_bias_init(Init::Constant(1e39))
            .is_err()
    );
    assert!(Rnn::<2, 3, 4>::new().try_weight_init(nan).is_err());
    assert!(Rnn::<2, 3, 4>::new().try_bias_init(Init::Zeros).is_ok());
    assert_eq!(
        Dense::<2, 3>::new().try_weight_init(Init::Zeros),
        Ok(Dense::<2, 3>::new().weight_init(Init::Zeros))
    );
}
