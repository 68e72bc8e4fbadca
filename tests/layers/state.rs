//! A network's state set from outside: buffers are checked against their
//! domains (a running variance is finite and `>= 0`) by `try_from_parts`,
//! `set_buffers` and `check_buffers` (and by `from_parts` at compile time in
//! a `static`, a UI test); `cast` converts between `f32` and `f64` with
//! buffers and counts, exactly one way and rounded to nearest the other,
//! and refuses a value the target cannot hold.

use constnet::prelude::*;

network! {
    /// Dense, batch norm, tanh, dense: 4 buffers (mean, variance).
    struct Normed {
        fc: Dense<2, 2>,
        bn: BatchNorm<2>,
        act: Tanh,
        out: Dense<2, 1>,
    }
}

const P: usize = Normed::<f64>::PARAMS;

/// A valid trained state, as `rust_source` would write it: checked at
/// compile time.
static TRAINED: Normed<f32> = Normed::<f32>::from_parts(
    [
        0.5, -0.5, 0.25, 1.0, 0.1, -0.1, 1.5, 0.5, 0.2, -0.3, 0.7, 0.05, -0.4,
    ],
    [0.3, -0.2, 0.8, 1.7],
    [12],
);

#[test]
fn buffers_outside_their_domain_are_refused_with_their_place() {
    let params = *Normed::<f64>::seeded(1).parameters();
    let good = [0.3, -0.2, 0.8, 0.0];
    let net = Normed::<f64>::try_from_parts(params, good, [4]).unwrap();
    assert_eq!(net, Normed::<f64>::from_parts(params, good, [4]));
    net.check_buffers().unwrap();
    for (buffers, tensor, index) in [
        ([0.0, 0.0, 1.0, -1e-300], "running_var", 1),
        ([0.0, 0.0, f64::INFINITY, 1.0], "running_var", 0),
        ([0.0, f64::NAN, 1.0, 1.0], "running_mean", 1),
    ] {
        let error = Normed::<f64>::try_from_parts(params, buffers, [0]).unwrap_err();
        assert!(
            matches!(
                error,
                Error::InvalidBuffer { layer: "bn", tensor: t, index: i, .. } if t == tensor && i == index
            ),
            "{error:?}"
        );
        assert!(
            error.to_string().contains(&format!("bn.{tensor}")),
            "{error}"
        );
        // set_buffers refuses the same and leaves the network as it was.
        let mut moved = net.clone();
        assert_eq!(
            moved.set_buffers(&buffers).unwrap_err().to_string(),
            error.to_string()
        );
        assert_eq!(moved, net);
    }
    // A negative mean is fine; a wrong length is not.
    let mut moved = net.clone();
    moved.set_buffers(&[-5.0, 5.0, 2.0, 3.0]).unwrap();
    assert_eq!(moved.buffers(), &[-5.0, 5.0, 2.0, 3.0]);
    assert!(matches!(
        moved.set_buffers(&[1.0; 3]),
        Err(Error::BufferLength {
            given: 3,
            required: 4,
            ..
        })
    ));
    // Written through buffers_mut, check_buffers still finds it.
    moved.buffers_mut()[3] = -1.0;
    assert!(matches!(
        moved.check_buffers(),
        Err(Error::InvalidBuffer {
            tensor: "running_var",
            index: 1,
            ..
        })
    ));
    // The static passed the compile-time check.
    TRAINED.check_buffers().unwrap();
}

#[test]
fn cast_converts_parameters_buffers_and_count() {
    let wide = TRAINED.cast::<f64>().unwrap();
    // f32 -> f64 is exact.
    assert_eq!(wide.parameters().map(|v| v as f32), *TRAINED.parameters());
    assert_eq!(
        wide.buffers().iter().map(|&v| v as f32).collect::<Vec<_>>(),
        TRAINED.buffers()
    );
    assert_eq!(wide.batches_tracked(), [12]);
    // And back: the same bits.
    let narrow = wide.cast::<f32>().unwrap();
    assert_eq!(narrow, TRAINED);
    // The same function, to f32 rounding.
    let x = SMatrix::<f32, 2, 3>::new(0.5, -1.0, 2.0, 0.25, 0.75, -1.5);
    let (y32, y64) = (TRAINED.forward(&x), wide.forward(&x.map(f64::from)));
    for (a, b) in y32.iter().zip(y64.iter()) {
        assert!((f64::from(*a) - b).abs() < 1e-6, "{a} vs {b}");
    }
    // f64 -> f32 rounds to nearest.
    let mut params = [0.0; P];
    params[0] = 0.1;
    let rounded = Normed::<f64>::from_parameters(params)
        .cast::<f32>()
        .unwrap();
    assert_eq!(rounded.parameters()[0], 0.1_f32);
    // A value f32 cannot hold is named, not turned into infinity.
    params[5] = 1e39;
    assert!(matches!(
        Normed::<f64>::from_parameters(params).cast::<f32>(),
        Err(Error::NotRepresentable {
            what: "parameter",
            index: 5,
            scalar: "f32",
            ..
        })
    ));
    let big = Normed::<f64>::from_parts([0.0; P], [0.0, 0.0, 1.0, 1e300], [0]);
    assert!(matches!(
        big.cast::<f32>(),
        Err(Error::NotRepresentable {
            what: "buffer",
            index: 3,
            ..
        })
    ));
}
