//! The stability bounds of gradient descent on a quadratic, from both
//! sides. On `f(p) = sum_i lambda_i p_i^2 / 2` plain SGD multiplies each
//! coordinate by `1 - lr lambda_i` per step, so it converges exactly when
//! `lr < 2 / lambda_max`; heavy-ball momentum `mu` (PyTorch's form) follows
//! `p' = p - lr g + mu (p - p_prev)`, whose characteristic roots lie inside
//! the unit circle exactly when `lr lambda < 2 (1 + mu)`. Each bound is
//! tested at 0.95x (must converge) and 1.05x (must diverge).

use constnet::prelude::*;

/// Runs `steps` steps of `opt` on the diagonal quadratic with curvatures
/// `lambdas`, from all ones; returns the final distance to the minimum.
fn final_distance<const P: usize>(
    opt: &mut impl Optimizer<f64, P>,
    lambdas: [f64; P],
    steps: usize,
) -> f64 {
    let mut p = [1.0; P];
    for _ in 0..steps {
        let g: [f64; P] = core::array::from_fn(|i| lambdas[i] * p[i]);
        opt.step(&mut p, &g);
    }
    p.iter().map(|v| v * v).sum::<f64>().sqrt()
}

/// Converged: shrunk by 1e-6. Diverged: grown by 1e6. Both factors are far
/// beyond what 1000 steps at a spectral radius within 5% of 1 can fake.
fn converges(distance: f64) -> bool {
    distance < 1e-6
}

fn diverges(distance: f64) -> bool {
    distance > 1e6
}

const STEPS: usize = 1000;

#[test]
fn plain_sgd_converges_below_two_over_lambda_and_diverges_above() {
    for lambdas in [[4.0, 0.5], [0.1, 0.05], [250.0, 20.0]] {
        let critical = 2.0 / lambdas[0];
        let below = final_distance(&mut Sgd::with_lr(0.95 * critical).unwrap(), lambdas, STEPS);
        let above = final_distance(&mut Sgd::with_lr(1.05 * critical).unwrap(), lambdas, STEPS);
        assert!(converges(below), "lambda {lambdas:?}: {below} at 0.95x");
        assert!(diverges(above), "lambda {lambdas:?}: {above} at 1.05x");
    }
}

fn heavy_ball(lr: f64, momentum: f64) -> Sgd<f64, 2> {
    Sgd::new(SgdConfig {
        lr,
        momentum,
        ..SgdConfig::default()
    })
    .unwrap()
}

#[test]
fn heavy_ball_converges_below_two_one_plus_mu_over_lambda_and_diverges_above() {
    for momentum in [0.5, 0.9] {
        for lambdas in [[4.0, 0.5], [0.1, 0.05]] {
            let critical = 2.0 * (1.0 + momentum) / lambdas[0];
            let below = final_distance(&mut heavy_ball(0.95 * critical, momentum), lambdas, STEPS);
            let above = final_distance(&mut heavy_ball(1.05 * critical, momentum), lambdas, STEPS);
            assert!(
                converges(below),
                "mu {momentum}, {lambdas:?}: {below} at 0.95x"
            );
            assert!(
                diverges(above),
                "mu {momentum}, {lambdas:?}: {above} at 1.05x"
            );
        }
    }
}

#[test]
fn momentum_converges_where_plain_sgd_diverges() {
    // lr = 1.5 * 2 / lambda: beyond plain SGD's bound, inside heavy ball's (mu = 0.9).
    let lambdas = [4.0, 0.5];
    let lr = 1.5 * 2.0 / lambdas[0];
    let plain = final_distance(&mut Sgd::with_lr(lr).unwrap(), lambdas, STEPS);
    let momentum = final_distance(&mut heavy_ball(lr, 0.9), lambdas, STEPS);
    assert!(diverges(plain), "{plain}");
    assert!(converges(momentum), "{momentum}");
}
