//! Newton and saddle-free Newton: the exact steps on `f = x^2 - y^2`, the
//! pseudo-inverse on a singular Hessian, and on a small network started
//! near a saddle, Newton converging to it while saddle-free Newton and
//! (slowly) gradient descent leave it (the numbers of `examples/04_saddle.rs`).

use constnet::nalgebra::DMatrix;
use constnet::newton::{self, Method};
use constnet::prelude::*;

network! {
    /// 1 -> Dense 2 -> tanh -> Dense 1.
    struct Tiny {
        hidden: Dense<1, 2>,
        act: Tanh,
        out: Dense<2, 1>,
    }
}

fn quadratic_spectrum() -> Spectrum<f64> {
    Spectrum::of(DMatrix::from_row_slice(2, 2, &[2.0, 0.0, 0.0, -2.0])).unwrap()
}

/// On `f = x^2 - y^2` (gradient `(2x, -2y)`, Hessian `diag(2, -2)`), Newton
/// lands on the saddle `(0, 0)` and saddle-free Newton on `(0, 2y)`; with
/// damping `d` the steps are `-2x / (2 + d)` and `2y / (-2 + d)` (Newton),
/// `2y / (2 + d)` (saddle-free) along `y`.
#[test]
fn quadratic_saddle() {
    let spectrum = quadratic_spectrum();
    let curvature = spectrum.curvature();
    assert_eq!(curvature.kind, PointKind::Saddle);
    assert_eq!(curvature.index, 0.5);
    let (x, y) = (0.7, 0.3);
    let gradient = [2.0 * x, -2.0 * y];
    let newton = newton::newton_step(&spectrum, &gradient, 0.0).unwrap();
    assert!(
        (x + newton[0]).abs() < 1e-15 && (y + newton[1]).abs() < 1e-15,
        "{newton:?}"
    );
    let free = newton::saddle_free_newton_step(&spectrum, &gradient, 0.0).unwrap();
    assert!(
        (x + free[0]).abs() < 1e-15 && (y + free[1] - 2.0 * y).abs() < 1e-15,
        "{free:?}"
    );
    let d = 0.5;
    let damped = newton::newton_step(&spectrum, &gradient, d).unwrap();
    assert!((damped[0] + 2.0 * x / (2.0 + d)).abs() < 1e-15);
    assert!((damped[1] - 2.0 * y / (-2.0 + d)).abs() < 1e-15);
    let damped_free = newton::saddle_free_newton_step(&spectrum, &gradient, d).unwrap();
    assert!((damped_free[1] - 2.0 * y / (2.0 + d)).abs() < 1e-15);
}

/// Directions of zero curvature are left out (Moore-Penrose).
#[test]
fn singular_hessian_gives_the_pseudo_inverse_step() {
    let spectrum = Spectrum::of(DMatrix::from_row_slice(2, 2, &[4.0, 0.0, 0.0, 0.0])).unwrap();
    let step: Vec<f64> = newton::newton_step(&spectrum, &[2.0, 3.0], 0.0).unwrap();
    assert!(
        (step[0] + 0.5).abs() < 1e-15 && step[1].abs() < 1e-15,
        "{step:?}"
    );
}

#[test]
fn bad_arguments_are_errors() {
    let spectrum = quadratic_spectrum();
    assert!(matches!(
        newton::newton_step(&spectrum, &[1.0], 0.0),
        Err(Error::BufferLength { required: 2, .. })
    ));
    assert!(matches!(
        newton::step(Method::SaddleFree, &spectrum, &[1.0, 1.0], -1.0),
        Err(Error::InvalidHyperParameter {
            name: "damping",
            ..
        })
    ));
}

fn data() -> (SMatrix<f64, 1, 8>, [[f64; 1]; 8]) {
    let x = SMatrix::<f64, 1, 8>::from_fn(|_, b| -1.0 + 2.0 * b as f64 / 7.0);
    (x, core::array::from_fn(|b| [x[b]]))
}

fn near_saddle() -> Tiny<f64> {
    let mut rng = Rng::seed_from(4);
    Tiny::from_parameters(core::array::from_fn(|_| rng.uniform_in(-0.05, 0.05)))
}

/// All-zero parameters on `t = x` (x symmetric about 0): the output is 0,
/// the loss `mean x^2 = 3/7`, the gradient zero. The Hessian: 2 for the
/// output bias; `+-2 mean(x t) tanh'(0) = +-6/7` for each pair (input
/// weight, output weight) of a hidden unit; 0 for the hidden biases.
#[test]
fn network_saddle_has_the_closed_form_spectrum() {
    let (x, t) = data();
    let saddle = Tiny::<f64>::from_parameters([0.0; 7]);
    let hessian = saddle.hessian(&Mse, &x, &t).unwrap();
    assert!((hessian.loss - 3.0 / 7.0).abs() < 1e-15);
    assert!(hessian.gradient.iter().all(|g| g.abs() < 1e-15));
    let spectrum = Spectrum::of(hessian.matrix).unwrap();
    let expected = [-6.0 / 7.0, -6.0 / 7.0, 0.0, 0.0, 6.0 / 7.0, 6.0 / 7.0, 2.0];
    for (got, want) in spectrum.eigenvalues().iter().zip(expected) {
        assert!((got - want).abs() < 1e-14, "{:?}", spectrum.eigenvalues());
    }
    let curvature = spectrum.curvature();
    assert_eq!(curvature.kind, PointKind::Saddle);
    assert!((curvature.index - 2.0 / 7.0).abs() < 1e-15);
}

/// Damped Newton (d = 0.1) from near the saddle: the gradient shrinks
/// about tenfold per step to a critical point of the saddle's loss, which
/// is still a saddle. Saddle-free Newton: the distance to the saddle
/// grows at every step (about doubling after the first), the loss is down
/// by more than 40% after five steps. Gradient descent (lr 0.1): after ten steps still within 0.002
/// of the saddle's loss.
#[test]
fn newton_is_attracted_saddle_free_newton_escapes() {
    let (x, t) = data();
    let saddle_loss = 3.0 / 7.0;
    let mut net = near_saddle();
    let mut gradients = Vec::new();
    for _ in 0..5 {
        let report = newton::update(&mut net, &Mse, &x, &t, Method::Newton, 0.1).unwrap();
        gradients.push(report.gradient_norm);
    }
    for pair in gradients.windows(2) {
        assert!(pair[1] < pair[0] / 5.0, "Newton gradients {gradients:?}");
    }
    let hessian = net.hessian(&Mse, &x, &t).unwrap();
    assert!((hessian.loss - saddle_loss).abs() < 1e-8);
    assert_eq!(
        Spectrum::of(hessian.matrix).unwrap().curvature().kind,
        PointKind::Saddle
    );

    let mut net = near_saddle();
    let mut distance = constnet::scalar::norm(net.parameters());
    for _ in 0..5 {
        newton::update(&mut net, &Mse, &x, &t, Method::SaddleFree, 0.1).unwrap();
        let next = constnet::scalar::norm(net.parameters());
        assert!(
            next > 1.15 * distance,
            "saddle-free Newton: {distance} -> {next}"
        );
        distance = next;
    }
    let escaped = net.evaluate(&Mse, &x, &t).unwrap();
    assert!(escaped < 0.25, "saddle-free Newton loss {escaped}");

    let mut net = near_saddle();
    let mut grad = [0.0; 7];
    for _ in 0..10 {
        net.loss_and_gradient(&Mse, &x, &t, &mut grad).unwrap();
        for (p, g) in net.parameters_mut().iter_mut().zip(&grad) {
            *p -= 0.1 * g;
        }
    }
    let slow = net.evaluate(&Mse, &x, &t).unwrap();
    assert!(
        slow > saddle_loss - 0.002 && slow < saddle_loss,
        "gradient descent loss {slow}"
    );
}
