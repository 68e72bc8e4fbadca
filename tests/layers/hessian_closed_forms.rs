//! Full Hessians against closed forms derived by hand: linear least
//! squares and logistic regression as one-layer networks, the 2-2-1 XOR
//! network at all-zero parameters, the permutation symmetry of hidden
//! units, and the ReLU kink convention.

use crate::common::models::Xor;
use crate::common::{assert_all_close, random_matrix, random_vec};
use constnet::prelude::*;

network! {
    /// Linear regression with two outputs: `y = W x + b`.
    struct LeastSquares {
        fit: Dense<3, 2>,
    }

    /// Logistic regression: one logit `z = w . x + b`.
    struct Logistic {
        fit: Dense<3, 1>,
    }

    /// The 2-2-1 XOR network with sigmoid hidden units and a sigmoid output.
    struct XorSigmoid {
        hidden: Dense<2, 2>,
        act: Sigmoid,
        out: Dense<2, 1>,
        prob: Sigmoid,
    }

    /// The same with tanh hidden units.
    struct XorTanh {
        hidden: Dense<2, 2>,
        act: Tanh,
        out: Dense<2, 1>,
        prob: Sigmoid,
    }

    /// Two hidden units behind a ReLU, for the kink convention.
    struct Kink {
        fc: Dense<1, 2>,
        act: ReLU,
        out: Dense<2, 1>,
    }
}

/// Loss, gradient and row-major Hessian of one network on one batch.
type Derivatives<const P: usize> = (f64, [f64; P], Vec<f64>);

fn hessian_of<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    x: &SMatrix<f64, I, B>,
    targets: &[L::Target; B],
) -> Derivatives<P>
where
    N: SecondOrder<f64, I, O, P>,
    L: Loss<f64, O>,
{
    let mut grad = [0.0; P];
    let mut h = vec![0.0; P * P];
    let value = net
        .hessian_into(loss, x, targets, &mut grad, &mut h)
        .unwrap();
    (value, grad, h)
}

/// `L = 1/(B O) sum_b sum_o (y_ob - t_ob)^2` with `y = W x + b` is
/// quadratic, so its Hessian does not depend on the parameters or targets:
/// with `x~ = (x, 1)`, `d2L / dW_oi dW_o'i' = 2/(B O) [o = o'] sum_b x_ib x_i'b`
/// (and `x~` in place of `x` for the biases). That is `2/(B O) X~ X~^T`
/// (PyTorch's `MSELoss` averages over all `B O` elements and differentiates
/// the square: the factor `2/(B O)`, not `1/B`), repeated per output and
/// scattered into PyTorch's order (weights row by row, then biases).
#[test]
fn least_squares_is_twice_x_x_transpose_over_n() {
    const B: usize = 6;
    let mut rng = Rng::seed_from(1);
    let net = LeastSquares::<f64>::from_parameters(random_vec(&mut rng, 1.0));
    let x: SMatrix<f64, 3, B> = random_matrix(&mut rng, 2.0);
    let targets: [[f64; 2]; B] = core::array::from_fn(|_| random_vec(&mut rng, 1.0));
    let (_, _, h) = hessian_of(&net, &Mse, &x, &targets);

    let augmented = |i: usize, b: usize| if i < 3 { x[(i, b)] } else { 1.0 };
    let index = |o: usize, i: usize| if i < 3 { o * 3 + i } else { 6 + o };
    let mut expected = vec![0.0; 8 * 8];
    for o in 0..2 {
        for i in 0..4 {
            for j in 0..4 {
                let sum: f64 = (0..B).map(|b| augmented(i, b) * augmented(j, b)).sum();
                expected[index(o, i) * 8 + index(o, j)] = 2.0 / (B * 2) as f64 * sum;
            }
        }
    }
    assert_all_close(&h, &expected, 1e-14, "least-squares Hessian");
}

/// Mean binary cross-entropy on logits `z_b = w . x_b + b`: `dL/dz_b =
/// (p_b - t_b) / B` with `p = sigmoid(z)`, so `H = 1/B sum_b p_b (1 - p_b)
/// x~_b x~_b^T` with `x~ = (x, 1)`: `X~^T diag(p (1 - p)) X~ / B`.
#[test]
fn logistic_regression_is_weighted_x_x_transpose_over_n() {
    const B: usize = 7;
    let mut rng = Rng::seed_from(2);
    let net = Logistic::<f64>::from_parameters(random_vec(&mut rng, 1.0));
    let x: SMatrix<f64, 3, B> = random_matrix(&mut rng, 2.0);
    let targets: [[f64; 1]; B] = core::array::from_fn(|_| [rng.below(2) as f64]);
    let (_, _, h) = hessian_of(&net, &BceWithLogits, &x, &targets);

    let z = net.forward(&x);
    let augmented = |i: usize, b: usize| if i < 3 { x[(i, b)] } else { 1.0 };
    let mut expected = vec![0.0; 4 * 4];
    for i in 0..4 {
        for j in 0..4 {
            expected[i * 4 + j] = (0..B)
                .map(|b| {
                    let p = 1.0 / (1.0 + (-z[b]).exp());
                    p * (1.0 - p) * augmented(i, b) * augmented(j, b)
                })
                .sum::<f64>()
                / B as f64;
        }
    }
    assert_all_close(&h, &expected, 1e-14, "logistic-regression Hessian");
}

/// The statement: the 2-2-1 XOR network at all-zero parameters with mean
/// `0.5 (y - t)^2` loss has loss 0.125, zero gradient, and Hessian
/// eigenvalues {0 x 8, 0.09375} with sigmoid hidden units ({0 x 8, 0.0625}
/// with tanh).
///
/// Which output it assumes, by hand: with every parameter zero the output
/// pre-activation is `z = 0` for all four inputs. A linear output `y = 0`
/// gives `mean 0.5 t^2 = 0.25`; a sigmoid output `y = 0.5` gives
/// `mean 0.5 * 0.25 = 0.125`. So the output is a sigmoid (probability) and
/// the loss half the squared error. Then `dL/dz_b = (0.5 - t_b) / 16 =
/// +-1/32`, balanced over XOR's targets, so the gradient vanishes, and the
/// residual term `sum_b dL/dz_b d2z_b` vanishes too (it only pairs output
/// weights with hidden weights, weighted by `sum_b dL/dz_b x_b = 0`). What
/// remains is Gauss-Newton: `H = sigmoid'(0)^2 / 4 * sum_b J J^T` with
/// `J = dz/dtheta = (0, .., 0, h, h, 1)` (hidden activation `h = phi(0)` for
/// the two output weights, 1 for the output bias): rank one, eigenvalue
/// `(1/16) (2 h^2 + 1)`: 0.09375 for sigmoid (`h = 0.5`), 0.0625 for tanh
/// (`h = 0`).
///
/// constnet's [`Mse`] is PyTorch's `MSELoss`, `mean (y - t)^2`: exactly
/// twice this loss, so its loss, gradient and Hessian are halved below.
#[test]
fn xor_at_zero_is_a_degenerate_rank_one_point() {
    let x = SMatrix::<f64, 2, 4>::from_column_slice(&[0., 0., 0., 1., 1., 0., 1., 1.]);
    let targets = [[0.0], [1.0], [1.0], [0.0]];
    let cases: [(&str, f64, Derivatives<9>); 2] = [
        (
            "sigmoid",
            0.09375,
            hessian_of(
                &XorSigmoid::<f64>::from_parameters([0.0; 9]),
                &Mse,
                &x,
                &targets,
            ),
        ),
        (
            "tanh",
            0.0625,
            hessian_of(
                &XorTanh::<f64>::from_parameters([0.0; 9]),
                &Mse,
                &x,
                &targets,
            ),
        ),
    ];
    for (what, eigenvalue, (mse, grad, h)) in cases {
        assert_eq!(mse / 2.0, 0.125, "{what}: loss");
        assert!(grad.iter().all(|&g| g == 0.0), "{what}: gradient {grad:?}");
        let half: Vec<f64> = h.iter().map(|v| v / 2.0).collect();
        let spectrum = Spectrum::of_slice(&half, 9).unwrap();
        let values = spectrum.eigenvalues();
        for &zero in &values[..8] {
            assert!(zero.abs() < 1e-16, "{what}: {values:?}");
        }
        assert!((values[8] - eigenvalue).abs() < 1e-16, "{what}: {values:?}");
        let curvature = spectrum.curvature();
        assert_eq!(curvature.kind, PointKind::Degenerate, "{what}");
        assert_eq!(curvature.inertia.positive, 1, "{what}");
        assert_eq!(curvature.inertia.zero, 8, "{what}");
    }
}

/// Relabelling hidden units is a symmetry of the network: the permuted
/// parameters compute the same function, so `H' = Pi H Pi^T` with `Pi` the
/// induced permutation of parameters, and the spectrum is unchanged.
#[test]
fn permuting_hidden_units_permutes_the_hessian() {
    let mut rng = Rng::seed_from(3);
    let net = Xor::<f64>::seeded(5);
    let x: SMatrix<f64, 2, 4> = random_matrix(&mut rng, 1.0);
    let targets = [[0.0], [1.0], [1.0], [0.0]];
    let permutation = [3, 7, 0, 5, 1, 6, 2, 4];
    // Parameter index map: hidden.weight[u][i] at 2u + i, hidden.bias[u]
    // at 16 + u, out.weight[0][u] at 24 + u, out.bias at 32.
    let mut map = [0usize; 33];
    for u in 0..8 {
        let v = permutation[u];
        map[2 * u] = 2 * v;
        map[2 * u + 1] = 2 * v + 1;
        map[16 + u] = 16 + v;
        map[24 + u] = 24 + v;
    }
    map[32] = 32;
    let mut moved = [0.0; 33];
    for (old, &new) in map.iter().enumerate() {
        moved[new] = net.parameters()[old];
    }
    let permuted = Xor::<f64>::from_parameters(moved);
    // The same function, up to the order of the output layer's sum.
    assert_all_close(
        permuted.forward(&x).as_slice(),
        net.forward(&x).as_slice(),
        1e-15,
        "outputs",
    );
    let (loss, _, h) = hessian_of(&net, &BceWithLogits, &x, &targets);
    let (permuted_loss, _, h_permuted) = hessian_of(&permuted, &BceWithLogits, &x, &targets);
    assert_all_close(&[permuted_loss], &[loss], 1e-15, "loss");
    let mut expected = vec![0.0; 33 * 33];
    for a in 0..33 {
        for c in 0..33 {
            expected[map[a] * 33 + map[c]] = h[a * 33 + c];
        }
    }
    assert_all_close(&h_permuted, &expected, 1e-13, "Pi H Pi^T");
    let spectrum = Spectrum::of_slice(&h, 33).unwrap();
    let permuted_spectrum = Spectrum::of_slice(&h_permuted, 33).unwrap();
    assert_all_close(
        permuted_spectrum.eigenvalues(),
        spectrum.eigenvalues(),
        1e-12,
        "spectrum",
    );
}

/// At a ReLU kink (a pre-activation exactly 0) the Hessian is that of the
/// left, inactive piece (PyTorch's `ReLU'(0) = 0`): the same as with that
/// pre-activation slightly negative, and not the one with it slightly
/// positive.
#[test]
fn relu_kink_takes_the_left_piece() {
    let x = SMatrix::<f64, 1, 3>::from_column_slice(&[0.0, 1.0, -2.0]);
    let targets = [[0.5], [-1.0], [2.0]];
    // fc.weight = [1, 0.5], fc.bias = [b0, 0.3], out.weight = [0.7, -0.4], out.bias = 0.1:
    // unit 0's pre-activation on the first sample is exactly b0.
    let with_bias = |b0: f64| Kink::<f64>::from_parameters([1.0, 0.5, b0, 0.3, 0.7, -0.4, 0.1]);
    let (_, _, at_kink) = hessian_of(&with_bias(0.0), &Mse, &x, &targets);
    let (_, _, left) = hessian_of(&with_bias(-1e-9), &Mse, &x, &targets);
    let (_, _, right) = hessian_of(&with_bias(1e-9), &Mse, &x, &targets);
    assert_all_close(&at_kink, &left, 1e-8, "kink against the left piece");
    let gap = at_kink
        .iter()
        .zip(&right)
        .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs()));
    assert!(gap > 0.1, "the right piece differs ({gap})");
}
