//! Every public batch entry point runs the same check before its passes
//! and refuses a bad batch with the error that names it, leaving the
//! caller's buffers as they were: a class index past the output width, a
//! BCE target outside [0, 1], a NaN or infinite target or input, a NaN
//! direction, an empty batch. A valid batch gives, bit for bit, what the
//! passes give when called by hand.

use constnet::diagnostics::GradientCurvature;
use constnet::diagnostics::gauss_newton::{
    empirical_fisher_matrix, empirical_fisher_vector_product, gauss_newton_split, ggn_matrix,
    ggn_vector_product,
};
use constnet::diagnostics::gradient_flow::record_gradients;
use constnet::diagnostics::layer_blocks::layer_blocks;
use constnet::diagnostics::per_sample::per_sample_gradients;
use constnet::hessian::{HvpOperator, mean_hessian_vector_product};
use constnet::network::{check_batch, check_direction};
use constnet::newton::{self, Method};
use constnet::prelude::*;

network! {
    /// 2 -> 3 -> 2: 17 parameters.
    struct Two {
        fc: Dense<2, 3>,
        act: Tanh,
        out: Dense<3, 2>,
    }
}

const P: usize = Two::<f64>::PARAMS;
/// What a refused call must leave in every output buffer.
const SENTINEL: f64 = 12.5;

/// A batch of 3 samples.
fn batch() -> SMatrix<f64, 2, 3> {
    SMatrix::<f64, 2, 3>::new(0.5, -1.0, 0.25, 1.0, 0.75, -0.5)
}

/// A direction with every entry moderate.
fn direction() -> [f64; P] {
    core::array::from_fn(|i| 0.25 - 0.05 * i as f64)
}

/// Every batch entry point on `(x, targets)` along `v`: its name and its
/// outcome; each checks that a refusal left its buffers untouched.
#[allow(clippy::too_many_lines, reason = "one call per entry point")]
fn outcomes<L>(
    loss: &L,
    x: &SMatrix<f64, 2, 3>,
    targets: &[L::Target; 3],
    v: &[f64; P],
) -> Vec<(&'static str, Result<()>)>
where
    L: Loss<f64, 2> + Sync,
    L::Target: Sync,
{
    fn kept<X>(name: &str, result: Result<X>, buffers: &[&[f64]]) -> Result<()> {
        if result.is_err() {
            for buffer in buffers {
                assert!(
                    buffer.iter().all(|&b| b == SENTINEL),
                    "{name} wrote into a buffer before refusing"
                );
            }
        }
        result.map(drop)
    }
    let net = Two::<f64>::seeded(1);
    let mut out = Vec::new();
    let (mut g, mut hv) = ([SENTINEL; P], [SENTINEL; P]);
    let r = net.loss_and_gradient(loss, x, targets, &mut g);
    out.push(("loss_and_gradient", kept("loss_and_gradient", r, &[&g])));
    let (mut g, mut dx) = ([SENTINEL; P], SMatrix::<f64, 2, 3>::repeat(SENTINEL));
    let r = net.input_gradient(loss, x, targets, &mut g, &mut dx);
    out.push((
        "input_gradient",
        kept("input_gradient", r, &[&g, dx.as_slice()]),
    ));
    let mut g = [SENTINEL; P];
    let r = net.hessian_vector_product(loss, x, targets, v, &mut g, &mut hv);
    out.push(("hessian_vector_product", kept("hvp", r, &[&g, &hv])));
    out.push(("evaluate", net.evaluate(loss, x, targets).map(drop)));
    let mut gv = [SENTINEL; P];
    let r = ggn_vector_product(&net, loss, x, targets, v, &mut gv);
    out.push(("ggn_vector_product", kept("ggn", r, &[&gv])));
    out.push(("ggn_matrix", ggn_matrix(&net, loss, x, targets).map(drop)));
    let mut fv = [SENTINEL; P];
    let r = empirical_fisher_vector_product(&net, loss, x, targets, v, &mut fv);
    out.push(("empirical_fisher_vector_product", kept("fisher", r, &[&fv])));
    let r = empirical_fisher_matrix(&net, loss, x, targets).map(drop);
    out.push(("empirical_fisher_matrix", r));
    let r = per_sample_gradients(&net, loss, x, targets).map(drop);
    out.push(("per_sample_gradients", r));
    let mut cache = TwoCache::<f64, 3>::zeroed();
    let mut g = [SENTINEL; P];
    let r = record_gradients(&net, loss, x, targets, &mut cache, &mut g);
    out.push(("record_gradients", kept("record_gradients", r, &[&g])));
    let r = GradientCurvature::along_gradient(&net, loss, x, targets, v).map(drop);
    out.push(("GradientCurvature::along_gradient", r));
    let r = GradientCurvature::measure(&net, loss, x, targets).map(drop);
    out.push(("GradientCurvature::measure", r));
    // The entry points that returned a `Result` before run the same check.
    let mut h = vec![0.0; P * P];
    let r = net.hessian_into(loss, x, targets, &mut [0.0; P], &mut h);
    out.push(("hessian_into", r.map(drop)));
    let mut products = vec![0.0; 2 * P];
    let directions: Vec<f64> = v.iter().chain(v).copied().collect();
    let r = net.hessian_matrix_product(loss, x, targets, &directions, &mut [0.0; P], &mut products);
    out.push(("hessian_matrix_product", r.map(drop)));
    out.push(("hessian", net.hessian(loss, x, targets).map(drop)));
    let r = net.hessian_with(
        loss,
        x,
        targets,
        &HessianOptions::default(),
        &mut [0.0; P],
        &mut h,
    );
    out.push(("hessian_with", r.map(drop)));
    let mut op = HvpOperator::new(&net, loss, x, targets);
    out.push(("HvpOperator::matvec", op.matvec(v, &mut [0.0; P])));
    let batches = [(*x, *targets)];
    let r = mean_hessian_vector_product(&net, loss, &batches, v, &mut [0.0; P], &mut [0.0; P]);
    out.push(("mean_hessian_vector_product", r.map(drop)));
    let r = gauss_newton_split(&net, loss, x, targets).map(drop);
    out.push(("gauss_newton_split", r));
    out.push((
        "layer_blocks",
        layer_blocks(&net, loss, x, targets).map(drop),
    ));
    let mut moved = net.clone();
    let r = newton::update(&mut moved, loss, x, targets, Method::SaddleFree, 1e-3);
    out.push(("newton::update", r.map(drop)));
    out
}

/// The entry points that take a direction.
const ALONG: [&str; 8] = [
    "hessian_vector_product",
    "ggn_vector_product",
    "empirical_fisher_vector_product",
    "GradientCurvature::along_gradient",
    "hessian_matrix_product",
    "HvpOperator::matvec",
    "mean_hessian_vector_product",
    // Its direction is the gradient it computes: finite here.
    "GradientCurvature::measure",
];

/// Asserts that every entry point refused with an error `expected` accepts.
fn all_refuse(outcomes: &[(&str, Result<()>)], expected: impl Fn(&Error) -> bool) {
    assert_eq!(outcomes.len(), 21, "every entry point is called");
    for (name, outcome) in outcomes {
        match outcome {
            Err(error) if expected(error) => {}
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn a_class_past_the_outputs_is_named_by_every_entry_point() {
    let outcomes = outcomes(&CrossEntropy, &batch(), &[0, 7, 1], &direction());
    all_refuse(&outcomes, |e| {
        *e == Error::ClassOutOfRange {
            sample: 1,
            class: 7,
            classes: 2,
        }
    });
}

#[test]
fn bce_targets_outside_zero_one_are_named() {
    let targets = [[0.0, 1.0], [0.5, 0.5], [0.25, 1.5]];
    for outcomes in [
        outcomes(&Bce, &batch(), &targets, &direction()),
        outcomes(&BceWithLogits, &batch(), &targets, &direction()),
    ] {
        all_refuse(
            &outcomes,
            |e| matches!(e, Error::InvalidTarget { sample: 2, element: 1, value, .. } if *value == 1.5),
        );
    }
    let negative = [[0.0, 1.0], [-0.25, 0.5], [0.25, 1.0]];
    all_refuse(
        &outcomes(&BceWithLogits, &batch(), &negative, &direction()),
        |e| matches!(e, Error::InvalidTarget { sample: 1, element: 0, value, .. } if *value == -0.25),
    );
}

#[test]
fn nan_and_infinite_targets_are_named() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let targets = [[0.0, 1.0], [0.5, bad], [0.25, 1.0]];
        let same = |value: f64| value.to_bits() == bad.to_bits();
        all_refuse(
            &outcomes(&Mse, &batch(), &targets, &direction()),
            |e| matches!(e, Error::InvalidTarget { sample: 1, element: 1, value, .. } if same(*value)),
        );
        all_refuse(
            &outcomes(&Bce, &batch(), &targets, &direction()),
            |e| matches!(e, Error::InvalidTarget { sample: 1, element: 1, value, .. } if same(*value)),
        );
        let soft = [[0.5, 0.5], [1.0, 0.0], [bad, 0.0]];
        all_refuse(
            &outcomes(&CrossEntropyOneHot, &batch(), &soft, &direction()),
            |e| matches!(e, Error::InvalidTarget { sample: 2, element: 0, value, .. } if same(*value)),
        );
    }
}

#[test]
fn nan_and_infinite_inputs_are_named_before_the_targets() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut x = batch();
        x[(1, 2)] = bad;
        // The class is bad too: the input, checked first, is named.
        all_refuse(
            &outcomes(&CrossEntropy, &x, &[0, 1, 9], &direction()),
            |e| *e == Error::NonFiniteData { sample: 2 },
        );
        x[(0, 0)] = bad;
        all_refuse(&outcomes(&Mse, &x, &[[0.0; 2]; 3], &direction()), |e| {
            *e == Error::NonFiniteData { sample: 0 }
        });
    }
}

#[test]
fn a_nan_direction_is_refused_by_every_product() {
    for bad in [f64::NAN, f64::INFINITY] {
        let mut v = direction();
        v[5] = bad;
        for (name, outcome) in outcomes(&Mse, &batch(), &[[0.5, 0.0]; 3], &v) {
            if ALONG[..7].contains(&name) {
                assert_eq!(
                    outcome,
                    Err(Error::NonFiniteInput {
                        what: "direction entry"
                    }),
                    "{name}"
                );
            } else {
                assert_eq!(outcome, Ok(()), "{name} takes no direction");
            }
        }
    }
    assert_eq!(check_direction::<f32>(&[]), Ok(()));
}

#[test]
fn valid_batches_pass_everywhere() {
    let x = batch();
    for (name, outcome) in outcomes(&CrossEntropy, &x, &[0, 1, 1], &direction()) {
        assert_eq!(outcome, Ok(()), "{name}");
    }
    for (name, outcome) in outcomes(
        &Bce,
        &x,
        &[[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]],
        &direction(),
    ) {
        assert_eq!(outcome, Ok(()), "{name}");
    }
}

#[test]
fn an_empty_batch_is_refused() {
    // The training passes refuse `B = 0` at compile time (the cache's
    // check); inference takes any `B`, so `evaluate` compiles and refuses.
    let net = Two::<f64>::seeded(1);
    let x = SMatrix::<f64, 2, 0>::zeros();
    let empty = Error::NotEnoughSamples {
        available: 0,
        needed: 1,
    };
    assert_eq!(net.evaluate(&Mse, &x, &[]), Err(empty.clone()));
    assert_eq!(net.evaluate(&CrossEntropy, &x, &[]), Err(empty.clone()));
    assert_eq!(check_batch::<f64, _, 2, 2, 0>(&Mse, &x, &[]), Err(empty));
}

/// A valid batch: each checked method gives the bits of its passes called
/// by hand (forward, the loss, backward or the R-operator).
#[test]
fn valid_batches_match_the_passes_bit_for_bit() {
    let net = Two::<f64>::seeded(3);
    let x = batch();
    let targets = [0, 1, 1];
    let v = direction();
    let bits = |values: &[f64]| values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();

    let mut cache = TwoCache::<f64, 3>::zeroed();
    let output = net.forward_train(&x, &mut cache);
    let mut d_output = SMatrix::<f64, 2, 3>::zeros();
    let loss = CrossEntropy.loss_and_gradient(&output, &targets, &mut d_output);
    let (mut grad, mut d_input) = ([0.0; P], SMatrix::<f64, 2, 3>::zeros());
    let mut keep = cache.clone();
    net.backward_with_input(&mut keep, &d_output, &mut grad, &mut d_input);
    let mut r_cache = TwoCache::<f64, 3>::zeroed();
    let r_output = net.r_forward(&v, &cache, &mut r_cache);
    let mut r_d_output = SMatrix::<f64, 2, 3>::zeros();
    CrossEntropy.hessian_product(&output, &targets, &r_output, &mut r_d_output);
    let (mut hand_g, mut hand_hv) = ([0.0; P], [0.0; P]);
    let mut keep = cache.clone();
    net.r_backward(
        &v,
        &mut keep,
        &r_cache,
        &d_output,
        &r_d_output,
        &mut hand_g,
        &mut hand_hv,
    );
    let mut gv = [0.0; P];
    net.backward(&mut cache, &r_d_output, &mut gv);

    let mut g = [0.0; P];
    let value = net
        .loss_and_gradient(&CrossEntropy, &x, &targets, &mut g)
        .unwrap();
    assert_eq!((value.to_bits(), bits(&g)), (loss.to_bits(), bits(&grad)));
    let (mut g, mut dx) = ([0.0; P], SMatrix::<f64, 2, 3>::zeros());
    let value = net
        .input_gradient(&CrossEntropy, &x, &targets, &mut g, &mut dx)
        .unwrap();
    assert_eq!(value.to_bits(), loss.to_bits());
    assert_eq!(
        (bits(&g), bits(dx.as_slice())),
        (bits(&grad), bits(d_input.as_slice()))
    );
    let (mut g, mut hv) = ([0.0; P], [0.0; P]);
    let value = net
        .hessian_vector_product(&CrossEntropy, &x, &targets, &v, &mut g, &mut hv)
        .unwrap();
    assert_eq!(value.to_bits(), loss.to_bits());
    assert_eq!((bits(&g), bits(&hv)), (bits(&hand_g), bits(&hand_hv)));
    let mut product = [0.0; P];
    let value = ggn_vector_product(&net, &CrossEntropy, &x, &targets, &v, &mut product).unwrap();
    assert_eq!(
        (value.to_bits(), bits(&product)),
        (loss.to_bits(), bits(&gv))
    );
    let evaluated = CrossEntropy.loss(&net.forward(&x), &targets);
    let value = net.evaluate(&CrossEntropy, &x, &targets).unwrap();
    assert_eq!(value.to_bits(), evaluated.to_bits());
    let mut cache = TwoCache::<f64, 3>::zeroed();
    let mut g = [0.0; P];
    let value = record_gradients(&net, &CrossEntropy, &x, &targets, &mut cache, &mut g).unwrap();
    assert_eq!((value.to_bits(), bits(&g)), (loss.to_bits(), bits(&grad)));
}

/// The entry points that take a data set: its inputs were checked when it
/// was made, its targets are checked before the first batch.
#[test]
fn data_set_entry_points_name_the_bad_sample() {
    use constnet::risk::{self, BatchSize, RiskOperator};
    let net = Two::<f64>::seeded(1);
    let rows = [[0.5, 1.0], [0.0, 1.0], [1.0, -1.0]];
    let classes = [0, 9, 1];
    let data = Dataset::new(&rows, &classes).unwrap();
    let bad_class = Error::ClassOutOfRange {
        sample: 1,
        class: 9,
        classes: 2,
    };
    assert_eq!(accuracy(&net, &data), Err(bad_class.clone()));
    assert_eq!(
        constnet::train::mean_loss(&net, &CrossEntropy, &data),
        Err(bad_class)
    );
    let targets = [[0.0, 1.0], [0.5, 0.5], [f64::NAN, 0.0]];
    let data = Dataset::new(&rows, &targets).unwrap();
    let nan_at_2 = |r: Result<f64>| matches!(r, Err(Error::InvalidTarget { sample: 2, element: 0, value, .. }) if value.is_nan());
    assert!(nan_at_2(binary_accuracy(&net, &data, 0.0)));
    assert!(nan_at_2(constnet::train::mean_loss(&net, &Mse, &data)));
    let targets = [[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]];
    let data = Dataset::new(&rows, &targets).unwrap();
    for threshold in [f64::NAN, f64::INFINITY] {
        assert!(matches!(
            binary_accuracy(&net, &data, threshold),
            Err(Error::InvalidHyperParameter {
                name: "threshold",
                ..
            })
        ));
    }
    let fraction = binary_accuracy(&net, &data, 0.5).unwrap();
    assert!((0.0..=1.0).contains(&fraction));
    // The empirical risk's products refuse a NaN direction too.
    let mut v = direction();
    v[0] = f64::NAN;
    let nan_direction = Err(Error::NonFiniteInput {
        what: "direction entry",
    });
    let (mut g, mut hv) = ([0.0; P], [0.0; P]);
    let r = risk::hessian_vector_product(&net, &Mse, &data, BatchSize::<3>, &v, &mut g, &mut hv);
    assert_eq!(r.map(drop), nan_direction.clone());
    let mut op = RiskOperator::new(&net, &Mse, &data, BatchSize::<3>).unwrap();
    assert_eq!(op.matvec(&v, &mut [0.0; P]), nan_direction);
}
