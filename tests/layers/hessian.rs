//! The full Hessian: exactly symmetric, equal to central differences of the
//! gradient (f64, relative error below 1e-6) on random networks of every
//! layer kind and every loss, equal to the single-direction Hessian-vector
//! product column by column, and the same through every path (stack, heap,
//! block sizes, kernels, threads).

use crate::common::models::{Digits, Mixed, Sine, Xor};
use crate::common::{
    HVP_TOL, assert_all_close, assert_symmetric, assert_symmetric_to, numeric_hessian,
    random_matrix, random_vec,
};
use constnet::hessian::Kernel;
use constnet::hessian::{BlockSize, HessianOptions, MIRROR_BYTES, hessian_into_blocked};
use constnet::prelude::*;

network! {
    /// Batch normalization between dense layers: its blocked R-operator is
    /// the trait's per-direction default, through the batch statistics.
    struct Normalized {
        fc1: Dense<3, 6>,
        bn: BatchNorm<6>,
        act: Tanh,
        out: Dense<6, 2>,
    }

    /// An Elman RNN over 3 steps of 2 features, then a readout.
    struct Recurrent {
        rnn: Rnn<2, 4, 3>,
        out: Dense<4, 2>,
    }

    /// The whole hidden sequence, normalized, then one output.
    struct Sequence {
        rnn: Rnn<2, 3, 3>(sequence = true),
        bn: BatchNorm<9>(momentum = None),
        act: ReLU,
        out: Dense<9, 1>,
    }

    /// A GRU over 3 steps of 2 features, then a readout.
    struct Gated {
        gru: Gru<2, 3, 3>,
        out: Dense<3, 2>,
    }

    /// A GRU reading every hidden state of an LSTM.
    struct StackedGated {
        lstm: Lstm<2, 2, 3>(sequence = true),
        gru: Gru<2, 2, 3>,
        out: Dense<2, 1>,
    }

    /// Probabilities out, for binary cross-entropy on probabilities.
    struct Probabilities {
        fc1: Dense<3, 4>,
        act: Tanh,
        out: Dense<4, 2>,
        probs: Sigmoid,
    }
}

/// Every path to the full Hessian of one network, checked against central
/// differences and the Hessian-vector product, and against each other. The
/// stack path mirrors (exactly symmetric); the heap path mirrors up to
/// `MIRROR_BYTES` and computes whole rows, threaded, above.
fn check_all_paths<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    x: &SMatrix<f64, I, B>,
    targets: &[L::Target; B],
    what: &str,
) where
    N: SecondOrder<f64, I, O, P> + Sync,
    L: Loss<f64, O> + Sync,
    L::Target: Sync,
    N::Cache<B>: Sync,
{
    let mut grad = [0.0; P];
    let mut h = vec![0.0; P * P];
    let value = net
        .hessian_into(loss, x, targets, &mut grad, &mut h)
        .unwrap();
    let mut plain = [0.0; P];
    assert_eq!(
        value,
        net.loss_and_gradient(loss, x, targets, &mut plain).unwrap(),
        "{what}: loss"
    );
    assert_eq!(grad, plain, "{what}: gradient");
    assert_symmetric(&h, P, what);
    assert_all_close(&h, &numeric_hessian(net, loss, x, targets), HVP_TOL, what);

    // Row j is H e_j from the exact single-direction product.
    let (mut g, mut hv) = ([0.0; P], [0.0; P]);
    for j in 0..P {
        let mut e = [0.0; P];
        e[j] = 1.0;
        net.hessian_vector_product(loss, x, targets, &e, &mut g, &mut hv)
            .unwrap();
        assert_all_close(&h[j * P..(j + 1) * P], &hv, 1e-12, what);
    }

    let paths = [
        (1, 1, Kernel::Portable),
        (3, 1, Kernel::Optimized),
        (32, 1, Kernel::Optimized),
        (5, 2, Kernel::Optimized),
        (32, 3, Kernel::Portable),
    ];
    for (block, threads, kernel) in paths {
        let options = HessianOptions {
            block,
            threads,
            kernel,
        };
        let mut other = vec![f64::NAN; P * P];
        let mut other_grad = [0.0; P];
        let other_value = net
            .hessian_with(loss, x, targets, &options, &mut other_grad, &mut other)
            .unwrap();
        assert_eq!(other_value, value, "{what} {options:?}: loss");
        if P * P * 8 <= MIRROR_BYTES {
            assert_symmetric(&other, P, what);
        } else {
            // Whole rows: each triangle computed on its own.
            assert_symmetric_to(&other, P, 1e-14, what);
        }
        assert_all_close(&other, &h, 1e-12, what);
    }
    let mut small_blocks = vec![f64::NAN; P * P];
    hessian_into_blocked(
        net,
        loss,
        x,
        targets,
        BlockSize::<7>,
        &mut grad,
        &mut small_blocks,
    )
    .unwrap();
    assert_all_close(&small_blocks, &h, 1e-12, what);
    let value = net.hessian(loss, x, targets).unwrap();
    assert_all_close(value.matrix.as_slice(), &h, 1e-12, what);
    assert_eq!(value.gradient, plain.to_vec());
}

#[test]
fn xor_hessian() {
    for seed in 0..2 {
        let net = Xor::<f64>::seeded(seed);
        let mut rng = Rng::seed_from(seed + 10);
        let x: SMatrix<f64, 2, 4> = random_matrix(&mut rng, 1.0);
        let targets = [[0.0], [1.0], [1.0], [0.0]];
        check_all_paths(&net, &BceWithLogits, &x, &targets, "XOR, BCE with logits");
        check_all_paths(&net, &Mse, &x, &targets, "XOR, MSE");
    }
}

#[test]
fn sine_hessian() {
    let net = Sine::<f64>::seeded(4);
    let mut rng = Rng::seed_from(20);
    let x: SMatrix<f64, 1, 8> = random_matrix(&mut rng, 3.0);
    let targets: [[f64; 1]; 8] = core::array::from_fn(|b| [x[b].sin()]);
    check_all_paths(&net, &Mse, &x, &targets, "SINE, MSE");
}

#[test]
fn digits_hessian() {
    let net = Digits::<f64>::seeded(5);
    let mut rng = Rng::seed_from(30);
    let x: SMatrix<f64, 64, 8> = SMatrix::from_fn(|_, _| rng.uniform_in(0.0, 1.0));
    let classes = [3, 0, 9, 5, 1, 1, 7, 2];
    check_all_paths(&net, &CrossEntropy, &x, &classes, "DIGITS, cross-entropy");
}

#[test]
fn every_activation_and_loss() {
    for seed in 0..2 {
        let mut rng = Rng::seed_from(seed + 40);
        let net = Mixed::<f64>::seeded(seed);
        let x: SMatrix<f64, 3, 5> = random_matrix(&mut rng, 2.0);
        let targets: [[f64; 3]; 5] = core::array::from_fn(|_| random_vec(&mut rng, 1.0));
        check_all_paths(&net, &Mse, &x, &targets, "Mixed, MSE");
        let soft: [[f64; 3]; 5] = core::array::from_fn(|_| {
            let raw: [f64; 3] = core::array::from_fn(|_| rng.uniform());
            let sum: f64 = raw.iter().sum();
            raw.map(|r| r / sum)
        });
        check_all_paths(
            &net,
            &CrossEntropyOneHot,
            &x,
            &soft,
            "Mixed, soft cross-entropy",
        );

        let net = Probabilities::<f64>::seeded(seed);
        let binary: [[f64; 2]; 5] = core::array::from_fn(|_| [rng.uniform(), rng.uniform()]);
        check_all_paths(&net, &Bce, &x, &binary, "Probabilities, BCE");
    }
}

/// The gated recurrent layers through the trait's block defaults: the
/// R-operator through time gives the exact Hessian.
#[test]
fn gru_and_lstm() {
    for seed in 0..2 {
        let mut rng = Rng::seed_from(seed + 80);
        let x: SMatrix<f64, 6, 4> = random_matrix(&mut rng, 1.5);
        let classes: [usize; 4] = core::array::from_fn(|_| rng.below(2));
        let net = Gated::<f64>::seeded(seed);
        check_all_paths(&net, &CrossEntropy, &x, &classes, "Gru, cross-entropy");

        let targets: [[f64; 1]; 4] = core::array::from_fn(|_| random_vec(&mut rng, 1.0));
        let net = StackedGated::<f64>::seeded(seed);
        check_all_paths(&net, &Mse, &x, &targets, "Lstm into Gru, MSE");
    }
}

/// Layers written without block methods (batch normalization, the RNN)
/// go through the trait's defaults, exactly.
#[test]
fn batch_norm_and_rnn() {
    for seed in 0..2 {
        let mut rng = Rng::seed_from(seed + 60);
        let x: SMatrix<f64, 3, 5> = random_matrix(&mut rng, 2.0);
        let targets: [[f64; 2]; 5] = core::array::from_fn(|_| random_vec(&mut rng, 1.0));
        let net = Normalized::<f64>::seeded(seed);
        check_all_paths(&net, &Mse, &x, &targets, "BatchNorm, MSE");

        let x: SMatrix<f64, 6, 4> = random_matrix(&mut rng, 1.5);
        let classes: [usize; 4] = core::array::from_fn(|_| rng.below(2));
        let net = Recurrent::<f64>::seeded(seed);
        check_all_paths(&net, &CrossEntropy, &x, &classes, "Rnn, cross-entropy");

        let binary: [[f64; 1]; 4] = core::array::from_fn(|_| [rng.uniform()]);
        let net = Sequence::<f64>::seeded(seed);
        check_all_paths(
            &net,
            &BceWithLogits,
            &x,
            &binary,
            "Rnn sequence + BatchNorm, BCE",
        );
    }
}

/// Given directions through blocked passes equal one Hessian-vector
/// product each.
#[test]
fn hessian_matrix_product_matches_hvp() {
    const P: usize = Mixed::<f64>::PARAMS;
    let net = Mixed::<f64>::seeded(7);
    let mut rng = Rng::seed_from(50);
    let x: SMatrix<f64, 3, 4> = random_matrix(&mut rng, 2.0);
    let targets: [[f64; 3]; 4] = core::array::from_fn(|_| random_vec(&mut rng, 1.0));
    // 19 directions: one full block of 16 and a partial one.
    let directions: Vec<f64> = (0..19 * P).map(|_| rng.uniform_in(-1.0, 1.0)).collect();
    let mut products = vec![0.0; directions.len()];
    let mut grad = [0.0; P];
    net.hessian_matrix_product(&Mse, &x, &targets, &directions, &mut grad, &mut products)
        .unwrap();
    let (mut g, mut hv) = ([0.0; P], [0.0; P]);
    for (v, product) in directions.chunks(P).zip(products.chunks(P)) {
        let v: [f64; P] = v.try_into().unwrap();
        net.hessian_vector_product(&Mse, &x, &targets, &v, &mut g, &mut hv)
            .unwrap();
        assert_all_close(product, &hv, 1e-12, "H V column");
    }
}

/// f32 goes through the same code; it agrees with f64 to f32 precision.
#[test]
fn f32_hessian_is_close_to_f64() {
    let net64 = Xor::<f64>::seeded(3);
    let net32 = Xor::<f32>::from_parameters(net64.parameters().map(|p| p as f32));
    let x64 = SMatrix::<f64, 2, 4>::from_column_slice(&[0., 0., 0., 1., 1., 0., 1., 1.]);
    let x32 = x64.map(|v| v as f32);
    let (t64, t32) = (
        [[0.0], [1.0], [1.0], [0.0]],
        [[0.0_f32], [1.0], [1.0], [0.0]],
    );
    let (mut h64, mut h32) = (vec![0.0; 33 * 33], vec![0.0_f32; 33 * 33]);
    net64
        .hessian_into(&BceWithLogits, &x64, &t64, &mut [0.0; 33], &mut h64)
        .unwrap();
    net32
        .hessian_into(&BceWithLogits, &x32, &t32, &mut [0.0; 33], &mut h32)
        .unwrap();
    let h32: Vec<f64> = h32.iter().map(|&v| f64::from(v)).collect();
    assert_all_close(&h32, &h64, 1e-5, "f32 against f64");
}

/// f32 on the heap: large products go through matrixmultiply's `sgemm`.
#[test]
fn f32_heap_hessian_is_close_to_f64() {
    let net64 = Sine::<f64>::seeded(8);
    let net32 = Sine::<f32>::from_parameters(net64.parameters().map(|p| p as f32));
    let mut rng = Rng::seed_from(80);
    let x64: SMatrix<f64, 1, 32> = random_matrix(&mut rng, 3.0);
    let x32 = x64.map(|v| v as f32);
    let t64: [[f64; 1]; 32] = core::array::from_fn(|b| [x64[b].sin()]);
    let t32 = t64.map(|t| [t[0] as f32]);
    let h64 = net64.hessian(&Mse, &x64, &t64).unwrap();
    let h32 = net32.hessian(&Mse, &x32, &t32).unwrap();
    let scale = h64.matrix.amax();
    let gap = h64
        .matrix
        .iter()
        .zip(h32.matrix.iter())
        .fold(0.0_f64, |m, (a, b)| m.max((a - f64::from(*b)).abs()));
    assert!(
        gap <= 1e-5 * scale,
        "f32 heap Hessian off by {gap:e} (scale {scale})"
    );
}

#[test]
fn bad_buffers_and_points_are_errors() {
    let net = Xor::<f64>::seeded(0);
    let x = SMatrix::<f64, 2, 4>::zeros();
    let targets = [[0.0], [1.0], [1.0], [0.0]];
    let mut grad = [0.0; 33];
    let mut short = vec![0.0; 33 * 32];
    assert!(matches!(
        net.hessian_into(&BceWithLogits, &x, &targets, &mut grad, &mut short),
        Err(Error::BufferLength { required: 1089, .. })
    ));
    let options = HessianOptions {
        block: 0,
        ..HessianOptions::default()
    };
    let mut h = vec![0.0; 33 * 33];
    assert!(matches!(
        net.hessian_with(&BceWithLogits, &x, &targets, &options, &mut grad, &mut h),
        Err(Error::InvalidHyperParameter { name: "block", .. })
    ));
    let broken = Xor::<f64>::from_parameters([f64::NAN; 33]);
    assert!(matches!(
        broken.hessian_into(&BceWithLogits, &x, &targets, &mut grad, &mut h),
        Err(Error::NonFiniteInput { what: "loss" })
    ));
}
