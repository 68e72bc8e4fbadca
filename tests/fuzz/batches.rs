//! The check every batch entry point runs before its passes: random
//! batches, some corrupted (a NaN or infinite input, a class past the
//! outputs, a target outside its loss's domain, a NaN or infinite entry of
//! the direction), in `f32` and `f64`. The fault each call must report is
//! found here from the batch itself, by the rules the losses document
//! (inputs first, column by column; then targets, sample by sample and
//! element by element; then the direction), without calling the library's
//! checks; a call that reports another fault, or accepts a bad batch, fails.

use constnet::diagnostics::gauss_newton::{empirical_fisher_vector_product, ggn_vector_product};
use constnet::diagnostics::gradient_flow::record_gradients;
use constnet::diagnostics::per_sample::per_sample_gradients;
use constnet::prelude::*;

use crate::harness::{Fuzz, Gen, Outcome, Verdict};
use crate::models::{Mlp, MlpCache};

const P: usize = Mlp::<f64>::PARAMS;
/// Samples per batch.
const B: usize = 3;

/// What is wrong with a batch, as the test finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    /// A NaN or infinite input in this sample's column.
    Input(usize),
    /// Sample, class (of 2).
    Class(usize, usize),
    /// Sample, element, the value's bits (`None` for NaN).
    Target(usize, usize, Option<u64>),
    /// A NaN or infinite direction entry.
    Direction,
}

/// The fault an error reports, or a description of an unexpected error.
fn fault_of(error: &Error) -> Result<Fault, String> {
    let bits = |v: f64| (!v.is_nan()).then(|| v.to_bits());
    match *error {
        Error::NonFiniteData { sample } => Ok(Fault::Input(sample)),
        Error::ClassOutOfRange {
            sample,
            class,
            classes: 2,
        } => Ok(Fault::Class(sample, class)),
        Error::InvalidTarget {
            sample,
            element,
            value,
            ..
        } => Ok(Fault::Target(sample, element, bits(value))),
        Error::NonFiniteInput {
            what: "direction entry",
        } => Ok(Fault::Direction),
        ref other => Err(format!("unexpected error {other:?}")),
    }
}

/// `Accepted` when no fault was expected and the call passed, `Refused`
/// when it reported exactly the expected one.
fn verdict<X>(name: &str, expected: Option<Fault>, result: &Result<X>) -> Outcome {
    match (expected, result) {
        (None, Ok(_)) => Ok(Verdict::Accepted),
        (Some(fault), Err(error)) if fault_of(error)? == fault => Ok(Verdict::Refused),
        (expected, result) => Err(format!(
            "{name}: expected {expected:?}, got {:?}",
            result.as_ref().err()
        )),
    }
}

/// A value: moderate, or (one time in `rare`) any edge value.
fn value<T: Float>(g: &mut Gen, rare: usize) -> T {
    T::of_f64(if g.below(rare) == 0 {
        g.f64()
    } else {
        g.moderate()
    })
}

/// The first sample whose input column holds a NaN or infinity.
fn bad_input<T: Float>(x: &SMatrix<T, 2, B>) -> Option<Fault> {
    (0..B)
        .find(|&b| (0..2).any(|i| !x[(i, b)].to_f64().is_finite()))
        .map(Fault::Input)
}

/// The first target element outside `[low, high]` (NaN and infinities are
/// outside every domain).
fn bad_target<T: Float>(targets: &[[T; 2]; B], low: f64, high: f64) -> Option<Fault> {
    targets.iter().enumerate().find_map(|(b, t)| {
        t.iter().enumerate().find_map(|(e, &v)| {
            let v = v.to_f64();
            let inside = v.is_finite() && low <= v && v <= high;
            (!inside).then(|| Fault::Target(b, e, (!v.is_nan()).then(|| v.to_bits())))
        })
    })
}

/// Every batch entry point on one batch; each call's verdict against the
/// fault expected for it (`direction` applies to the products only).
fn check_all<T: Float, L: Loss<T, 2>>(
    g: &mut Gen,
    loss: &L,
    x: &SMatrix<T, 2, B>,
    targets: &[L::Target; B],
    batch_fault: Option<Fault>,
) -> Outcome {
    let net = Mlp::<T>::seeded(g.u64());
    let mut v: [T; P] = core::array::from_fn(|_| T::of_f64(g.moderate()));
    if g.below(4) == 0 {
        v[g.below(P)] = T::of_f64(g.f64());
    }
    let along = batch_fault
        .or_else(|| (!v.iter().all(|v| v.to_f64().is_finite())).then_some(Fault::Direction));
    let (mut grad, mut hv) = ([T::zero(); P], [T::zero(); P]);
    let mut dx = SMatrix::<T, 2, B>::zeros();
    let mut cache = MlpCache::<T, B>::zeroed();
    let verdicts = [
        verdict(
            "loss_and_gradient",
            batch_fault,
            &net.loss_and_gradient(loss, x, targets, &mut grad),
        ),
        verdict(
            "input_gradient",
            batch_fault,
            &net.input_gradient(loss, x, targets, &mut grad, &mut dx),
        ),
        verdict("evaluate", batch_fault, &net.evaluate(loss, x, targets)),
        verdict(
            "record_gradients",
            batch_fault,
            &record_gradients(&net, loss, x, targets, &mut cache, &mut grad),
        ),
        verdict(
            "per_sample_gradients",
            batch_fault,
            &per_sample_gradients(&net, loss, x, targets),
        ),
        verdict(
            "hessian_vector_product",
            along,
            &net.hessian_vector_product(loss, x, targets, &v, &mut grad, &mut hv),
        ),
        verdict(
            "ggn_vector_product",
            along,
            &ggn_vector_product(&net, loss, x, targets, &v, &mut hv),
        ),
        verdict(
            "empirical_fisher_vector_product",
            along,
            &empirical_fisher_vector_product(&net, loss, x, targets, &v, &mut hv),
        ),
    ];
    let mut refused = false;
    for outcome in verdicts {
        refused |= outcome? == Verdict::Refused;
    }
    Ok(if refused {
        Verdict::Refused
    } else {
        Verdict::Accepted
    })
}

/// A batch whose inputs are moderate, with an edge value now and then.
fn inputs<T: Float>(g: &mut Gen) -> SMatrix<T, 2, B> {
    SMatrix::<T, 2, B>::from_fn(|_, _| value(g, 12))
}

/// Vector targets in `[0, 1]`, with an edge value now and then.
fn vector_targets<T: Float>(g: &mut Gen) -> [[T; 2]; B] {
    core::array::from_fn(|_| {
        core::array::from_fn(|_| {
            if g.below(10) == 0 {
                T::of_f64(g.f64())
            } else {
                T::of_f64(g.moderate().abs() / 3.0)
            }
        })
    })
}

/// Cases of one scalar, under the names given (one per loss family).
fn cases<T: Float>(fuzz: &mut Fuzz, names: [&'static str; 4]) {
    fuzz.check(names[0], 1, |g| {
        let x = inputs::<T>(g);
        let targets: [usize; B] = core::array::from_fn(|_| {
            if g.below(6) == 0 {
                g.count()
            } else {
                g.below(2)
            }
        });
        let class = targets
            .iter()
            .position(|&c| c >= 2)
            .map(|b| Fault::Class(b, targets[b]));
        check_all(g, &CrossEntropy, &x, &targets, bad_input(&x).or(class))
    });
    fuzz.check(names[1], 1, |g| {
        let (x, targets) = (inputs::<T>(g), vector_targets::<T>(g));
        let fault = bad_input(&x).or_else(|| bad_target(&targets, f64::MIN, f64::MAX));
        check_all(g, &Mse, &x, &targets, fault)
    });
    fuzz.check(names[2], 1, |g| {
        let (x, targets) = (inputs::<T>(g), vector_targets::<T>(g));
        let fault = bad_input(&x).or_else(|| bad_target(&targets, 0.0, 1.0));
        check_all(g, &Bce, &x, &targets, fault)?;
        check_all(g, &BceWithLogits, &x, &targets, fault)
    });
    fuzz.check(names[3], 1, |g| {
        let (x, targets) = (inputs::<T>(g), vector_targets::<T>(g));
        let fault = bad_input(&x).or_else(|| bad_target(&targets, 0.0, f64::MAX));
        check_all(g, &CrossEntropyOneHot, &x, &targets, fault)
    });
}

pub fn run() {
    let mut fuzz = Fuzz::new("batch checks");
    cases::<f32>(
        &mut fuzz,
        [
            "CrossEntropy classes and inputs, f32",
            "Mse targets, f32",
            "Bce and BceWithLogits targets, f32",
            "CrossEntropyOneHot targets, f32",
        ],
    );
    cases::<f64>(
        &mut fuzz,
        [
            "CrossEntropy classes and inputs, f64",
            "Mse targets, f64",
            "Bce and BceWithLogits targets, f64",
            "CrossEntropyOneHot targets, f64",
        ],
    );
    fuzz.finish();
}
