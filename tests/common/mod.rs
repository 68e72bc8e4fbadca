//! Helpers shared by the integration tests: central differences, approximate
//! equality, derivative checks of whole networks and single layers, and the
//! networks several tests use ([`models`]).
#![allow(dead_code)]

pub mod models;

use constnet::layer::Layer;
use constnet::loss::Loss;
use constnet::nalgebra::SMatrix;
use constnet::network::Network;
use constnet::rng::Rng;

/// Step of the central differences (f64): balances truncation (h^2) and
/// rounding (eps / h) errors for smooth functions of order-one values.
pub const FD_STEP: f64 = 1e-6;
/// Relative tolerance for first derivatives against central differences.
pub const GRAD_TOL: f64 = 1e-6;
/// Relative tolerance for Hessian-vector products against central
/// differences of the gradient (one more differentiation, one more order of
/// rounding error).
pub const HVP_TOL: f64 = 1e-6;

/// `(f(x + h) - f(x - h)) / 2h`.
pub fn central_difference(f: impl Fn(f64) -> f64, h: f64) -> f64 {
    (f(h) - f(-h)) / (2.0 * h)
}

/// The rounding noise of a central difference of order-one values, below
/// which two derivatives cannot be told apart.
pub const NOISE: f64 = 1e-8;

/// `true` when `a` and `b` agree to `tol` relatively (`|a - b| <= tol *
/// max(|a|, |b|)`) or to the absolute noise floor [`NOISE`]: a 1% error in
/// a derivative of 1e-3 fails, as in one of 1e3.
pub fn close(a: f64, b: f64, tol: f64) -> bool {
    approx::relative_eq!(a, b, epsilon = NOISE, max_relative = tol)
}

/// `|a - b| / max(|a|, |b|)`: a true relative error (0 when both are 0), so
/// a 1% error fails the same way in a small value as in a large one.
pub fn relative_error(a: f64, b: f64) -> f64 {
    let scale = a.abs().max(b.abs());
    if scale == 0.0 {
        0.0
    } else {
        (a - b).abs() / scale
    }
}

/// Asserts two slices agree elementwise within `tol` ([`close`]).
pub fn assert_all_close(actual: &[f64], expected: &[f64], tol: f64, what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths differ");
    for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            close(a, e, tol),
            "{what}[{i}]: got {a}, expected {e} (tolerance {tol:e} relative, {NOISE:e} absolute)"
        );
    }
}

/// A vector of uniform draws in [-scale, scale).
pub fn random_vec<const N: usize>(rng: &mut Rng, scale: f64) -> [f64; N] {
    core::array::from_fn(|_| rng.uniform_in(-scale, scale))
}

/// A matrix of uniform draws in [-scale, scale).
pub fn random_matrix<const R: usize, const C: usize>(
    rng: &mut Rng,
    scale: f64,
) -> SMatrix<f64, R, C> {
    SMatrix::from_fn(|_, _| rng.uniform_in(-scale, scale))
}

/// Training-mode loss of `net` with its parameters shifted by `t * v`.
fn shifted_loss<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    x: &SMatrix<f64, I, B>,
    targets: &[L::Target; B],
    v: &[f64; P],
    t: f64,
    grad: &mut [f64; P],
) -> f64
where
    N: Network<f64, I, O, P>,
    L: Loss<f64, O>,
{
    let mut moved = net.clone();
    for (p, d) in moved.parameters_mut().iter_mut().zip(v) {
        *p += t * d;
    }
    moved.loss_and_gradient(loss, x, targets, grad).unwrap()
}

/// Checks the generated gradient of a whole network against central
/// differences of the loss, parameter by parameter.
pub fn check_gradient<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    x: &SMatrix<f64, I, B>,
    targets: &[L::Target; B],
) where
    N: Network<f64, I, O, P>,
    L: Loss<f64, O>,
{
    let mut grad = [0.0; P];
    net.loss_and_gradient(loss, x, targets, &mut grad).unwrap();
    let numeric: Vec<f64> = (0..P)
        .map(|i| {
            let mut e = [0.0; P];
            e[i] = 1.0;
            central_difference(
                |t| shifted_loss(net, loss, x, targets, &e, t, &mut [0.0; P]),
                FD_STEP,
            )
        })
        .collect();
    assert_all_close(&grad, &numeric, GRAD_TOL, "gradient");
}

/// Checks the Hessian-vector product along `v` against central differences
/// of the gradient, and that the gradient returned with it is the gradient.
pub fn check_hvp<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    x: &SMatrix<f64, I, B>,
    targets: &[L::Target; B],
    v: &[f64; P],
) where
    N: Network<f64, I, O, P>,
    L: Loss<f64, O>,
{
    let (mut grad, mut hv) = ([0.0; P], [0.0; P]);
    let value = net
        .hessian_vector_product(loss, x, targets, v, &mut grad, &mut hv)
        .unwrap();
    let mut plain = [0.0; P];
    let plain_value = net.loss_and_gradient(loss, x, targets, &mut plain).unwrap();
    assert_eq!(value, plain_value, "loss from the HVP pass");
    assert_all_close(&grad, &plain, 1e-12, "gradient from the HVP pass");
    let (mut up, mut down) = ([0.0; P], [0.0; P]);
    shifted_loss(net, loss, x, targets, v, FD_STEP, &mut up);
    shifted_loss(net, loss, x, targets, v, -FD_STEP, &mut down);
    let numeric: Vec<f64> = up
        .iter()
        .zip(&down)
        .map(|(a, b)| (a - b) / (2.0 * FD_STEP))
        .collect();
    assert_all_close(&hv, &numeric, HVP_TOL, "Hessian-vector product");
}

/// Checks a whole network's gradient ([`check_gradient`]) and its
/// Hessian-vector product ([`check_hvp`]) along a direction drawn from `rng`
/// (uniform in [-1, 1)).
pub fn check_network<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    x: &SMatrix<f64, I, B>,
    targets: &[L::Target; B],
    rng: &mut Rng,
) where
    N: Network<f64, I, O, P>,
    L: Loss<f64, O>,
{
    check_gradient(net, loss, x, targets);
    check_hvp(net, loss, x, targets, &random_vec(rng, 1.0));
}

/// Checks one layer's backward and R-operator passes (and its block
/// methods) against central differences at the given point, with the
/// library's public checker.
pub fn check_layer<Ly, const I: usize, const O: usize, const B: usize>(
    layer: &Ly,
    params: &[f64],
    buffers: &[f64],
    x: &SMatrix<f64, I, B>,
    seed: u64,
) where
    Ly: Layer<f64, I, O>,
{
    if let Err(error) = constnet::testing::check_layer_at(layer, params, buffers, x, seed) {
        panic!("layer check failed: {error}");
    }
}

/// Checks a loss's gradient and Hessian-vector product with respect to the
/// output against central differences.
pub fn check_loss<L, const O: usize, const B: usize>(
    loss: &L,
    output: &SMatrix<f64, O, B>,
    targets: &[L::Target; B],
    seed: u64,
) where
    L: Loss<f64, O>,
{
    let mut grad = SMatrix::<f64, O, B>::zeros();
    let value = loss.loss_and_gradient(output, targets, &mut grad);
    assert!(
        (value - loss.loss(output, targets)).abs() <= 1e-15 * value.abs().max(1.0),
        "loss() and loss_and_gradient() agree"
    );
    let numeric: Vec<f64> = (0..O * B)
        .map(|k| {
            central_difference(
                |t| {
                    let mut moved = *output;
                    moved.as_mut_slice()[k] += t;
                    loss.loss(&moved, targets)
                },
                FD_STEP,
            )
        })
        .collect();
    assert_all_close(grad.as_slice(), &numeric, GRAD_TOL, "loss gradient");

    let mut rng = Rng::seed_from(seed);
    let direction: SMatrix<f64, O, B> = random_matrix(&mut rng, 1.0);
    let mut product = SMatrix::<f64, O, B>::zeros();
    loss.hessian_product(output, targets, &direction, &mut product);
    let grad_at = |t: f64| {
        let mut g = SMatrix::<f64, O, B>::zeros();
        loss.loss_and_gradient(&(output + direction * t), targets, &mut g);
        g
    };
    let numeric: Vec<f64> = (grad_at(FD_STEP) - grad_at(-FD_STEP))
        .iter()
        .map(|d| d / (2.0 * FD_STEP))
        .collect();
    assert_all_close(
        product.as_slice(),
        &numeric,
        HVP_TOL,
        "loss Hessian product",
    );
}

/// The Hessian of the training-mode loss by central differences of the
/// generated gradient, row-major `P x P` (row `j` is `dg / dtheta_j`).
pub fn numeric_hessian<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    x: &SMatrix<f64, I, B>,
    targets: &[L::Target; B],
) -> Vec<f64>
where
    N: Network<f64, I, O, P>,
    L: Loss<f64, O>,
{
    let mut h = vec![0.0; P * P];
    let (mut up, mut down) = ([0.0; P], [0.0; P]);
    for j in 0..P {
        let mut e = [0.0; P];
        e[j] = 1.0;
        shifted_loss(net, loss, x, targets, &e, FD_STEP, &mut up);
        shifted_loss(net, loss, x, targets, &e, -FD_STEP, &mut down);
        for i in 0..P {
            h[j * P + i] = (up[i] - down[i]) / (2.0 * FD_STEP);
        }
    }
    h
}

/// Asserts a row-major `n x n` matrix is exactly symmetric.
pub fn assert_symmetric(h: &[f64], n: usize, what: &str) {
    for i in 0..n {
        for j in 0..i {
            assert_eq!(
                h[i * n + j],
                h[j * n + i],
                "{what}: H[{i}][{j}] != H[{j}][{i}]"
            );
        }
    }
}

/// Asserts a row-major `n x n` matrix is symmetric to rounding:
/// `|H_ij - H_ji| <= tol * max(1, max |H|)`.
pub fn assert_symmetric_to(h: &[f64], n: usize, tol: f64, what: &str) {
    let scale = h.iter().fold(1.0_f64, |m, v| m.max(v.abs()));
    for i in 0..n {
        for j in 0..i {
            let gap = (h[i * n + j] - h[j * n + i]).abs();
            assert!(
                gap <= tol * scale,
                "{what}: |H[{i}][{j}] - H[{j}][{i}]| = {gap:e}"
            );
        }
    }
}
