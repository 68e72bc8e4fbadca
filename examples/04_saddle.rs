//! Saddle points: Newton's method is attracted to them, saddle-free Newton
//! moves away, gradient descent escapes slowly.
//!
//! First on `f(x, y) = x^2 - y^2` (Hessian `diag(2, -2)` everywhere, a saddle
//! at the origin): from `(x, y)` one Newton step lands on `(0, 0)`, one
//! saddle-free Newton step on `(0, 2y)`. Then on a small network started
//! near a saddle of its loss: a 1-2-1 tanh network fitting `t = x` on
//! points symmetric about 0, where all-zero parameters are a critical point
//! (no hidden unit does anything, the output bias already fits the mean)
//! whose Hessian has eigenvalues `{-6/7, -6/7, 0, 0, 6/7, 6/7, 2}`: a
//! saddle of index 2/7. Damped Newton converges to a saddle of the same
//! loss (3/7, the variance of t) within a few steps; damped saddle-free
//! Newton doubles its distance from it at every step and lowers the loss;
//! gradient descent needs tens of steps to leave. The spectrum and the
//! classification are printed at each point.
//!
//! Run: `cargo run --release --example saddle`

use constnet::nalgebra::DMatrix;
use constnet::newton::{self, Method};
use constnet::prelude::*;

network! {
    /// 1 -> Dense 2 -> tanh -> Dense 1.
    pub struct Tiny {
        hidden: Dense<1, 2>,
        act: Tanh,
        out: Dense<2, 1>,
    }
}

/// The quadratic saddle `f(x, y) = x^2 - y^2`: value, gradient and Hessian.
fn quadratic(point: [f64; 2]) -> (f64, [f64; 2], DMatrix<f64>) {
    let [x, y] = point;
    (
        x * x - y * y,
        [2.0 * x, -2.0 * y],
        DMatrix::from_row_slice(2, 2, &[2.0, 0.0, 0.0, -2.0]),
    )
}

fn on_the_quadratic() -> Result<()> {
    println!("f(x, y) = x^2 - y^2, from (0.7, 0.3)");
    let start = [0.7, 0.3];
    for method in [Method::Newton, Method::SaddleFree] {
        let (value, gradient, hessian) = quadratic(start);
        let spectrum = Spectrum::of(hessian)?;
        let step = newton::step(method, &spectrum, &gradient, 0.0)?;
        let next = [start[0] + step[0], start[1] + step[1]];
        println!(
            "  {method:?}: f = {value:+.4} at ({:.2}, {:.2}) -> f = {:+.4} at ({:.4}, {:.4})",
            start[0],
            start[1],
            quadratic(next).0,
            next[0],
            next[1]
        );
        println!(
            "    eigenvalues {:?}: {}",
            spectrum.eigenvalues(),
            spectrum.curvature()
        );
    }
    let mut point = start;
    let lr = 0.1;
    for _ in 0..10 {
        let (_, g, _) = quadratic(point);
        point = [point[0] - lr * g[0], point[1] - lr * g[1]];
    }
    println!(
        "  gradient descent, lr {lr}, 10 steps: ({:.4}, {:.4}), f = {:+.4} (y is multiplied by 1 + 2 lr = 1.2 per step)",
        point[0],
        point[1],
        quadratic(point).0
    );
    Ok(())
}

/// Damping of the network steps: the hidden biases are flat directions at
/// the saddle (their eigenvalues are 0 there and tiny nearby), and an
/// undamped step would divide by that.
const DAMPING: f64 = 0.1;

/// Eight points in [-1, 1] and the targets `t = x`.
fn data() -> (SMatrix<f64, 1, 8>, [[f64; 1]; 8]) {
    let x = SMatrix::<f64, 1, 8>::from_fn(|_, b| -1.0 + 2.0 * b as f64 / 7.0);
    (x, core::array::from_fn(|b| [x[b]]))
}

/// A point near the saddle at zero: a small seeded perturbation.
fn near_saddle() -> Tiny<f64> {
    let mut rng = Rng::seed_from(4);
    Tiny::from_parameters(core::array::from_fn(|_| rng.uniform_in(-0.05, 0.05)))
}

fn distance(net: &Tiny<f64>) -> f64 {
    constnet::scalar::norm(net.parameters())
}

fn on_the_network() -> Result<()> {
    let (x, t) = data();
    let saddle = Tiny::<f64>::from_parameters([0.0; 7]);
    let at_saddle = saddle.hessian(&Mse, &x, &t)?;
    let spectrum = Spectrum::of(at_saddle.matrix)?;
    println!("\nTiny 1-2-1 tanh network, t = x on 8 points; the saddle at all-zero parameters:");
    println!(
        "  loss {:.4}, |g| {:.1e}, eigenvalues {:.4?}",
        at_saddle.loss,
        constnet::scalar::norm(&at_saddle.gradient),
        spectrum.eigenvalues()
    );
    println!("  {}", spectrum.curvature());

    for method in [Method::Newton, Method::SaddleFree] {
        let mut net = near_saddle();
        println!(
            "\n  {method:?} from |theta - saddle| = {:.4}:",
            distance(&net)
        );
        for step in 1..=5 {
            let report = newton::update(&mut net, &Mse, &x, &t, method, DAMPING)?;
            println!(
                "    step {step}: loss {:.6} |g| {:.2e} -> |theta - saddle| {:.4}; {:?}, index {:.3}, lambda in [{:.3}, {:.3}]",
                report.loss,
                report.gradient_norm,
                distance(&net),
                report.curvature.kind,
                report.curvature.index,
                report.curvature.lambda_min,
                report.curvature.lambda_max
            );
        }
        let final_loss = net.evaluate(&Mse, &x, &t)?;
        println!("    final loss {final_loss:.6}");
        if method == Method::Newton {
            println!(
                "    Newton converged to a critical point with the saddle's loss 3/7 and its negative curvature: \
                 another point of the flat family of saddles through the origin (the zero eigenvalues), not a minimum"
            );
        } else {
            println!(
                "    saddle-free Newton follows the negative curvature away from the saddle and lowers the loss"
            );
        }
    }

    let mut net = near_saddle();
    let mut grad = [0.0; 7];
    let lr = 0.1;
    println!(
        "\n  gradient descent, lr {lr}, from |theta - saddle| = {:.4}:",
        distance(&net)
    );
    for step in 1..=50 {
        let loss = net.loss_and_gradient(&Mse, &x, &t, &mut grad)?;
        for (p, g) in net.parameters_mut().iter_mut().zip(&grad) {
            *p -= lr * g;
        }
        if step == 5 || step % 10 == 0 {
            println!(
                "    step {step:>2}: loss {loss:.6} |theta - saddle| {:.4}",
                distance(&net)
            );
        }
    }
    Ok(())
}

fn main() -> Result<()> {
    on_the_quadratic()?;
    on_the_network()
}
