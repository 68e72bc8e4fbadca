//! The empirical risk of a whole data set accumulated over minibatches:
//! value, gradient, Hessian-vector product and full Hessian against the
//! same quantities of one batch holding every sample, against per-sample
//! losses summed by hand, and the gradient against central differences of
//! the risk itself; a partial last batch is weighted exactly.

use constnet::matrix_free::{LanczosOptions, top_eigenvalues};
use constnet::prelude::*;
use constnet::risk::{self, BatchSize, RiskOperator};

network! {
    /// 2-3-2 with a tanh: 17 parameters.
    struct Small {
        fc: Dense<2, 3>,
        act: Tanh,
        out: Dense<3, 2>,
    }

    /// With batch statistics.
    struct Normed {
        fc: Dense<2, 3>,
        bn: BatchNorm<3>,
        out: Dense<3, 2>,
    }
}

const P: usize = Small::<f64>::PARAMS;
const N: usize = 10;

fn samples() -> ([[f64; 2]; N], [[f64; 2]; N], [usize; N]) {
    let mut rng = Rng::seed_from(5);
    let xs = core::array::from_fn(|_| [rng.uniform_in(-2.0, 2.0), rng.uniform_in(-2.0, 2.0)]);
    let ys = core::array::from_fn(|_| [rng.uniform_in(-1.0, 1.0), rng.uniform_in(-1.0, 1.0)]);
    let classes = core::array::from_fn(|i| i % 2);
    (xs, ys, classes)
}

/// All `N` samples as one batch.
fn whole(xs: &[[f64; 2]; N]) -> SMatrix<f64, 2, N> {
    SMatrix::from_fn(|r, c| xs[c][r])
}

fn close(a: &[f64], b: &[f64], tol: f64) {
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= tol * y.abs().max(1.0),
            "entry {k}: {x} vs {y}"
        );
    }
}

#[test]
fn a_partial_last_batch_is_weighted_exactly() {
    let (xs, ys, _) = samples();
    let data = Dataset::new(&xs, &ys).unwrap();
    let net = Small::<f64>::seeded(3);
    // Batches of 4, 4 and 2 (padded): against one batch of all 10.
    let mut grad = [0.0; P];
    let j = risk::gradient(&net, &Mse, &data, BatchSize::<4>, &mut grad).unwrap();
    let mut whole_grad = [0.0; P];
    let whole_j = net
        .loss_and_gradient(&Mse, &whole(&xs), &ys, &mut whole_grad)
        .unwrap();
    assert!((j - whole_j).abs() < 1e-14, "{j} vs {whole_j}");
    close(&grad, &whole_grad, 1e-13);
    // The mean of the per-sample losses, one sample at a time.
    let by_hand: f64 = (0..N)
        .map(|i| {
            net.loss_and_gradient(
                &Mse,
                &SMatrix::<f64, 2, 1>::new(xs[i][0], xs[i][1]),
                &[ys[i]],
                &mut [0.0; P],
            )
            .unwrap()
        })
        .sum::<f64>()
        / N as f64;
    assert!((j - by_hand).abs() < 1e-14);
    // A batch size that divides N, and one larger than N, agree.
    assert!((risk::loss(&net, &Mse, &data, BatchSize::<5>).unwrap() - j).abs() < 1e-14);
    assert!((risk::loss(&net, &Mse, &data, BatchSize::<16>).unwrap() - j).abs() < 1e-14);

    // Hessian-vector product and the full Hessian.
    let v: [f64; P] = core::array::from_fn(|k| (k as f64 * 0.37).sin());
    let (mut g, mut hv) = ([0.0; P], [0.0; P]);
    risk::hessian_vector_product(&net, &Mse, &data, BatchSize::<4>, &v, &mut g, &mut hv).unwrap();
    let (mut wg, mut whv) = ([0.0; P], [0.0; P]);
    net.hessian_vector_product(&Mse, &whole(&xs), &ys, &v, &mut wg, &mut whv)
        .unwrap();
    close(&hv, &whv, 1e-12);
    let (mut h, mut scratch) = (vec![0.0; P * P], vec![0.0; P * P]);
    risk::hessian_into(
        &net,
        &Mse,
        &data,
        BatchSize::<3>,
        &mut g,
        &mut h,
        &mut scratch,
    )
    .unwrap();
    let mut wh = vec![0.0; P * P];
    net.hessian_into(&Mse, &whole(&xs), &ys, &mut wg, &mut wh)
        .unwrap();
    close(&h, &wh, 1e-12);
    let heap = risk::hessian(&net, &Mse, &data, BatchSize::<3>).unwrap();
    close(heap.matrix.as_slice(), &wh, 1e-12);
    assert!((heap.loss - j).abs() < 1e-14);
}

#[test]
fn the_gradient_is_the_derivative_of_the_risk() {
    let (xs, _, classes) = samples();
    let data = Dataset::new(&xs, &classes).unwrap();
    let net = Small::<f64>::seeded(8);
    let mut grad = [0.0; P];
    risk::gradient(&net, &CrossEntropy, &data, BatchSize::<3>, &mut grad).unwrap();
    let h = 1e-6;
    for (k, &analytic) in grad.iter().enumerate() {
        let shifted = |delta: f64| {
            let mut moved = net.clone();
            moved.parameters_mut()[k] += delta;
            risk::loss(&moved, &CrossEntropy, &data, BatchSize::<3>).unwrap()
        };
        let central = (shifted(h) - shifted(-h)) / (2.0 * h);
        assert!(
            (analytic - central).abs() < 1e-8,
            "parameter {k}: {analytic} vs {central}"
        );
    }
}

#[test]
fn the_risk_operator_serves_the_matrix_free_methods() {
    let (xs, ys, _) = samples();
    let data = Dataset::new(&xs, &ys).unwrap();
    let net = Small::<f64>::seeded(3);
    let full = risk::hessian(&net, &Mse, &data, BatchSize::<4>).unwrap();
    let largest = Spectrum::of(full.matrix).unwrap().lambda_max();
    let mut op = RiskOperator::new(&net, &Mse, &data, BatchSize::<4>).unwrap();
    let top = top_eigenvalues(&mut op, 1, LanczosOptions { steps: P, seed: 1 }).unwrap();
    assert!(
        (top[0] - largest).abs() < 1e-10 * largest.abs(),
        "{} vs {largest}",
        top[0]
    );
    assert!(op.products() >= 1);
    let mut out = [0.0; P];
    assert!(op.matvec(&[1.0; 3], &mut out).is_err());
}

#[test]
fn refusals_name_what_to_fix() {
    let (xs, ys, _) = samples();
    let data = Dataset::new(&xs, &ys).unwrap();
    // Batch statistics depend on the grouping: a partial batch is refused,
    // a divisor of N accepted.
    let normed = Normed::<f64>::seeded(1);
    assert!(matches!(
        risk::loss(&normed, &Mse, &data, BatchSize::<4>),
        Err(Error::IncompatibleOptions(
            constnet::error::Incompatible::BatchStatisticsWithPartialBatch
        ))
    ));
    let j = risk::loss(&normed, &Mse, &data, BatchSize::<5>).unwrap();
    let batches: f64 = (0..2)
        .map(|k| {
            let x = SMatrix::<f64, 2, 5>::from_fn(|r, c| xs[5 * k + c][r]);
            let t: [[f64; 2]; 5] = core::array::from_fn(|c| ys[5 * k + c]);
            normed
                .loss_and_gradient(&Mse, &x, &t, &mut [0.0; Normed::<f64>::PARAMS])
                .unwrap()
        })
        .sum::<f64>()
        / 2.0;
    assert!((j - batches).abs() < 1e-14);
    // A bad target names its sample.
    let probabilities = [[0.5, 0.5], [0.2, 1.5]];
    let bad = Dataset::new(&xs[..2], &probabilities).unwrap();
    let net = Small::<f64>::seeded(1);
    assert!(matches!(
        risk::loss(&net, &BceWithLogits, &bad, BatchSize::<2>),
        Err(Error::InvalidTarget {
            sample: 1,
            element: 1,
            ..
        })
    ));
    // Buffers of the wrong size.
    let (mut h, mut small) = (vec![0.0; P * P], vec![0.0; 3]);
    assert!(matches!(
        risk::hessian_into(
            &net,
            &Mse,
            &data,
            BatchSize::<4>,
            &mut [0.0; P],
            &mut h,
            &mut small
        ),
        Err(Error::BufferLength { given: 3, .. })
    ));
}

#[test]
fn the_weighted_loss_is_the_weighted_sum_of_per_sample_losses() {
    use constnet::risk::Weighted;
    let (xs, ys, _) = samples();
    let net = Small::<f64>::seeded(6);
    let x = SMatrix::<f64, 2, 3>::from_fn(|r, c| xs[c][r]);
    let t = [ys[0], ys[1], ys[2]];
    let weights = [0.5, 0.0, 2.0];
    let weighted = Weighted::new(&Mse, weights).unwrap();
    let mut grad = [0.0; P];
    let value = net.loss_and_gradient(&weighted, &x, &t, &mut grad).unwrap();
    // By hand: each sample alone (a batch of one), weighted.
    let (mut by_hand, mut by_hand_grad) = (0.0, [0.0; P]);
    for (b, w) in weights.iter().enumerate() {
        let mut g = [0.0; P];
        let one = SMatrix::<f64, 2, 1>::new(xs[b][0], xs[b][1]);
        by_hand += w * net.loss_and_gradient(&Mse, &one, &[ys[b]], &mut g).unwrap();
        for (s, v) in by_hand_grad.iter_mut().zip(g) {
            *s += w * v;
        }
    }
    assert!((value - by_hand).abs() < 1e-14, "{value} vs {by_hand}");
    close(&grad, &by_hand_grad, 1e-13);
    // Weights that are not finite, negative or infinite in f32 are refused.
    for bad in [f64::NAN, -1.0, f64::INFINITY, 1e39] {
        assert!(
            matches!(
                Weighted::new(&Mse, [1.0, bad]),
                Err(Error::InvalidHyperParameter { name: "weight", .. })
            ),
            "{bad}"
        );
    }
}
