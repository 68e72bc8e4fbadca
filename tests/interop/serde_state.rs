//! serde (feature `serde`, on for the tests): training stopped after 10
//! steps, saved as JSON (network and optimizer), read back and trained 10
//! more steps ends at the same bits as 20 steps straight, for every
//! optimizer, a scheduled one across epoch boundaries, and batch-normalized
//! networks whose running statistics and counts of tracked batches are part
//! of the state. Saved state that is invalid is refused with the error
//! naming it.

use constnet::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

network! {
    /// A plain classifier.
    pub struct Plain {
        hidden: Dense<3, 6>,
        act: Tanh,
        out: Dense<6, 2>,
    }

    /// Batch normalization twice, one with the cumulative average (so the
    /// count of tracked batches enters every update of its statistics).
    pub struct Normed {
        bn0: BatchNorm<3>(momentum = None),
        hidden: Dense<3, 6>,
        bn1: BatchNorm<6>,
        act: ReLU,
        out: Dense<6, 2>,
    }
}

/// Steps per epoch: the schedules advance every `EPOCH` steps.
const EPOCH: usize = 4;

/// Training steps `steps` (numbered globally, each with its own batch),
/// ending an epoch every `EPOCH` steps.
fn train<T, N, Opt, const P: usize>(
    net: &mut N,
    optimizer: &mut Opt,
    steps: core::ops::Range<usize>,
) where
    T: Float,
    N: Network<T, 3, 2, P>,
    Opt: Optimizer<T, P>,
{
    for step in steps {
        let x = SMatrix::<T, 3, 4>::from_fn(|i, b| {
            T::of_f64(((i * 7 + b * 3 + step * 5) % 11) as f64 / 5.0 - 1.0)
        });
        let targets = [step % 2, (step + 1) % 2, 1, 0];
        let mut cache = Zeroed::zeroed();
        let output = net.forward_train(&x, &mut cache);
        let mut d_output = SMatrix::<T, 2, 4>::zeros();
        CrossEntropy.loss_and_gradient(&output, &targets, &mut d_output);
        let mut grad = [T::zero(); P];
        net.backward(&mut cache, &d_output, &mut grad);
        optimizer.step(net.parameters_mut(), &grad);
        net.update_buffers(&cache);
        if (step + 1) % EPOCH == 0 {
            optimizer.end_epoch().unwrap();
        }
    }
}

/// Every bit of a network's state.
fn bits<T: Float, N: Network<T, 3, 2, P>, const P: usize>(net: &N) -> Vec<u64> {
    let values = net.parameters().iter().chain(net.buffers());
    values
        .map(|v| v.to_bit_pattern())
        .chain(net.batches_tracked().iter().copied())
        .collect()
}

/// Trains 20 steps straight, and 10 steps, a JSON round trip of network
/// and optimizer, 10 more: both must end at the same bits, in the network
/// and in the optimizer's saved state. Returns the bits after 20 steps.
fn resumes_exactly<T, N, Opt, const P: usize>(net: N, optimizer: Opt) -> Vec<u64>
where
    T: Float,
    N: Network<T, 3, 2, P> + Serialize + DeserializeOwned,
    Opt: Optimizer<T, P> + Clone + Serialize + DeserializeOwned,
{
    let (mut straight, mut straight_optimizer) = (net.clone(), optimizer.clone());
    train(&mut straight, &mut straight_optimizer, 0..20);

    let (mut first, mut first_optimizer) = (net, optimizer);
    train(&mut first, &mut first_optimizer, 0..10);
    let saved = serde_json::to_string(&(&first, &first_optimizer)).unwrap();
    let (mut resumed, mut resumed_optimizer): (N, Opt) = serde_json::from_str(&saved).unwrap();
    assert_eq!(
        bits(&resumed),
        bits(&first),
        "the round trip changed the network"
    );
    train(&mut resumed, &mut resumed_optimizer, 10..20);

    assert_eq!(bits(&resumed), bits(&straight));
    assert_eq!(
        serde_json::to_string(&resumed_optimizer).unwrap(),
        serde_json::to_string(&straight_optimizer).unwrap()
    );
    // The check can fail: 10 steps more move the network.
    assert_ne!(bits(&first), bits(&straight));
    bits(&straight)
}

fn sgd_momentum<const P: usize>() -> Sgd<f32, P> {
    Sgd::new(SgdConfig {
        lr: 0.05,
        momentum: 0.9,
        ..SgdConfig::default()
    })
    .unwrap()
}

#[test]
fn sgd_with_momentum_resumes_exactly() {
    resumes_exactly(Plain::<f32>::seeded(1), sgd_momentum());
    resumes_exactly(Normed::<f32>::seeded(1), sgd_momentum());
}

#[test]
fn adam_resumes_exactly_in_f32_and_f64() {
    resumes_exactly(Plain::<f32>::seeded(2), Adam::with_lr(0.01).unwrap());
    resumes_exactly(Plain::<f64>::seeded(2), Adam::with_lr(0.01).unwrap());
    let amsgrad = AdamConfig {
        lr: 0.01,
        amsgrad: true,
        weight_decay: 0.01,
        ..AdamConfig::default()
    };
    resumes_exactly(Normed::<f32>::seeded(2), Adam::new(amsgrad).unwrap());
}

#[test]
fn adamw_and_rmsprop_resume_exactly() {
    resumes_exactly(Normed::<f32>::seeded(3), AdamW::with_lr(0.01).unwrap());
    let centered = RmsPropConfig {
        lr: 0.001,
        momentum: 0.5,
        centered: true,
        ..RmsPropConfig::default()
    };
    resumes_exactly(Normed::<f64>::seeded(3), RmsProp::new(centered).unwrap());
}

#[test]
fn a_scheduled_optimizer_resumes_at_its_epoch() {
    // Saved after 10 steps: in the middle of epoch 2, with the warmup done
    // and the step decay under way.
    let schedule = LinearLr::warmup(0.25, 2)
        .unwrap()
        .then(StepLr::new(1, 0.5).unwrap(), 2);
    let optimizer = Scheduled::new(Adam::<f32, 56>::with_lr(0.01).unwrap(), schedule).unwrap();
    resumes_exactly(Normed::<f32>::seeded(4), optimizer);
    let cosine = CosineAnnealingLr::new(5, 0.001).unwrap();
    let optimizer = Scheduled::new(sgd_momentum::<38>(), ExponentialLr::new(0.9).unwrap());
    resumes_exactly(Plain::<f32>::seeded(4), optimizer.unwrap());
    let optimizer = Scheduled::new(sgd_momentum::<38>(), cosine).unwrap();
    resumes_exactly(Plain::<f32>::seeded(4), optimizer);
}

#[test]
fn the_optimizer_state_is_what_makes_the_resumption_exact() {
    // Resuming the network with a fresh Adam (no moments, step 0) ends
    // elsewhere: the saved moments are needed, and the test above sees them.
    let mut net = Plain::<f32>::seeded(5);
    let mut adam = Adam::with_lr(0.01).unwrap();
    train(&mut net, &mut adam, 0..10);
    let mut fresh_start = net.clone();
    train(&mut net, &mut adam, 10..20);
    train(&mut fresh_start, &mut Adam::with_lr(0.01).unwrap(), 10..20);
    assert_ne!(bits(&net), bits(&fresh_start));
}

/// The JSON of a trained `Normed` and its Adam, as a value to edit.
fn saved_state() -> (serde_json::Value, serde_json::Value) {
    let mut net = Normed::<f32>::seeded(6);
    let mut adam = Adam::with_lr(0.01).unwrap();
    train(&mut net, &mut adam, 0..3);
    (
        serde_json::to_value(&net).unwrap(),
        serde_json::to_value(&adam).unwrap(),
    )
}

fn refused<T: DeserializeOwned>(value: serde_json::Value) -> String {
    match serde_json::from_value::<T>(value) {
        Ok(_) => panic!("invalid state was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_saved_network_names_its_fields() {
    let (net, _) = saved_state();
    let object = net.as_object().unwrap();
    assert_eq!(object["parameters"].as_array().unwrap().len(), 56);
    // bn0 and bn1: running_mean and running_var each.
    assert_eq!(object["buffers"].as_array().unwrap().len(), 2 * 3 + 2 * 6);
    // One count per batch-norm layer, in declaration order.
    assert_eq!(object["batches_tracked"], serde_json::json!([3, 3]));
}

#[test]
fn counts_that_differ_round_trip() {
    let (mut saved, _) = saved_state();
    saved["batches_tracked"] = serde_json::json!([7, u64::MAX]);
    let net: Normed<f32> = serde_json::from_value(saved.clone()).unwrap();
    assert_eq!(net.batches_tracked(), [7, u64::MAX]);
    assert_eq!(serde_json::to_value(&net).unwrap(), saved);
    // Without batch normalization the counts are an empty array.
    let plain = serde_json::to_value(Plain::<f32>::seeded(1)).unwrap();
    assert_eq!(plain["batches_tracked"], serde_json::json!([]));
    let back: Plain<f32> = serde_json::from_value(plain).unwrap();
    assert!(back.batches_tracked().is_empty());
}

#[test]
fn an_invalid_saved_network_is_refused_naming_the_value() {
    let (net, _) = saved_state();
    // bn0's running_var starts at buffer 3 (after its running_mean).
    let mut bad = net.clone();
    bad["buffers"][4] = (-0.5).into();
    let message = refused::<Normed<f32>>(bad);
    assert!(message.contains("bn0.running_var`[1] is -0.5"), "{message}");
    // 1e39 is infinite in f32.
    let mut bad = net.clone();
    bad["parameters"][7] = 1e39.into();
    let message = refused::<Normed<f32>>(bad);
    assert!(
        message.contains("Normed.parameters`[7] is inf"),
        "{message}"
    );
    let mut bad = net.clone();
    bad["parameters"].as_array_mut().unwrap().pop();
    let message = refused::<Normed<f32>>(bad);
    assert!(
        message.contains("invalid length 55, expected a tuple of 56 values"),
        "{message}"
    );
    let mut bad = net.clone();
    bad["buffers"].as_array_mut().unwrap().push(1.0.into());
    let message = refused::<Normed<f32>>(bad);
    assert!(message.contains("invalid length 19"), "{message}");
    let mut bad = net.clone();
    bad["gradients"] = 0.into();
    assert!(refused::<Normed<f32>>(bad).contains("unknown field `gradients`"));
    let mut bad = net.clone();
    bad["batches_tracked"] = serde_json::json!([3]);
    let message = refused::<Normed<f32>>(bad);
    assert!(
        message.contains("invalid length 1, expected a tuple of 2 values"),
        "{message}"
    );
    let mut bad = net.clone();
    bad["batches_tracked"] = serde_json::json!([3, -1]);
    assert!(refused::<Normed<f32>>(bad).contains("invalid value: integer `-1`"));
    let mut bad = net;
    bad.as_object_mut().unwrap().remove("batches_tracked");
    assert!(refused::<Normed<f32>>(bad).contains("missing field `batches_tracked`"));
}

#[test]
fn an_invalid_saved_optimizer_is_refused_naming_the_value() {
    let (_, adam) = saved_state();
    let mut bad = adam.clone();
    bad["exp_avg_sq"][2] = (-1.0).into();
    let message = refused::<Adam<f32, 56>>(bad);
    assert!(message.contains("Adam.exp_avg_sq`[2] is -1"), "{message}");
    let mut bad = adam.clone();
    bad["config"]["betas"][1] = 1.0.into();
    let message = refused::<Adam<f32, 56>>(bad);
    assert!(message.contains("beta2"), "{message}");
    // A state saved for 56 parameters is not one for 38.
    assert!(refused::<Adam<f32, 38>>(adam).contains("expected a tuple of 38 values"));

    let sgd = serde_json::to_value(sgd_momentum::<2>()).unwrap();
    let mut bad = sgd.clone();
    bad["config"]["nesterov"] = true.into();
    bad["config"]["dampening"] = 0.5.into();
    assert!(refused::<Sgd<f32, 2>>(bad).contains("nesterov"));
    let mut bad = sgd;
    bad["config"]["lr"] = (-0.1).into();
    assert!(refused::<Sgd<f32, 2>>(bad).contains("`lr` = -0.1"));

    let schedule = serde_json::to_value(StepLr::new(3, 0.5).unwrap()).unwrap();
    assert_eq!(
        serde_json::from_value::<StepLr>(schedule.clone()).unwrap(),
        StepLr::new(3, 0.5).unwrap()
    );
    let mut bad = schedule;
    bad["step_size"] = 0.into();
    assert!(refused::<StepLr>(bad).contains("step_size"));
}
