//! The training loop, losses and the conditioning monitor.

use constnet::diagnostics::monitor::{AutoLr, StepRecord};
use constnet::diagnostics::records::Ring;
use constnet::prelude::*;

use crate::harness::{Fuzz, Gen, Outcome, Verdict, any, finite, typed};
use crate::models::{Mlp, Normed};

#[allow(clippy::too_many_lines, reason = "one check per entry point")]
pub fn run() {
    let mut fuzz = Fuzz::new("train");
    fuzz.check("TrainConfig::validate, Trainer::new", 1, |g| {
        typed(&Trainer::<4>::new(config(g)), any)
    });
    fuzz.check("fit f32, Mse, any data and settings", 2, |g| {
        fit::<f32>(g, false)
    });
    fuzz.check("fit f64, BceWithLogits, any data and settings", 2, |g| {
        fit::<f64>(g, true)
    });
    fuzz.check("fit f32 with batch norm", 2, fit_normed);
    fuzz.check("fit_with_order, any order buffer", 2, |g| {
        let (xs, ys) = data::<f64>(g, 6, false);
        let Ok(data) = Dataset::new(&xs, &ys) else {
            return Ok(Verdict::Refused);
        };
        let len = g.usually(xs.len(), 64);
        let mut order = vec![0; len];
        let mut net = Mlp::<f64>::seeded(g.u64());
        let result = Trainer::<2>::new(TrainConfig {
            max_epochs: 2,
            ..TrainConfig::default()
        })
        .and_then(|mut t| {
            t.fit_with_order(
                &mut net,
                &Mse,
                &mut Sgd::with_lr(0.1)?,
                &data,
                None,
                &mut order,
            )
        });
        finite(net.parameters(), "parameters")?;
        typed(&result, any)
    });
    fuzz.check("losses: check_targets on any targets", 1, |g| {
        let targets: Vec<[f32; 2]> = (0..g.below(5)).map(|_| g.wild_array()).collect();
        let classes: Vec<usize> = (0..g.below(5)).map(|_| g.count()).collect();
        let results = [
            Mse.check_targets(&targets),
            Bce.check_targets(&targets),
            BceWithLogits.check_targets(&targets),
            CrossEntropyOneHot.check_targets(&targets),
            <CrossEntropy as Loss<f32, 2>>::check_targets(&CrossEntropy, &classes),
        ];
        for result in &results {
            typed(result, any)?;
        }
        Ok(Verdict::Accepted)
    });
    fuzz.check("losses: values on valid targets are finite", 1, losses);
    fuzz.check("ConditioningMonitor settings and training", 2, monitor);
    fuzz.check(
        "empirical risk: value, gradient, HVP, Hessian",
        2,
        empirical_risk,
    );
    fuzz.finish();
}

/// Settings that differ from the defaults in a few fields, any values.
fn config(g: &mut Gen) -> TrainConfig {
    let rare = |g: &mut Gen| g.below(4) == 0;
    TrainConfig {
        max_epochs: if rare(g) { g.count() } else { 1 + g.below(3) },
        loss_target: rare(g).then(|| g.f64()),
        gradient_tolerance: rare(g).then(|| g.f64()),
        patience: rare(g).then(|| g.count()),
        min_delta: if rare(g) { g.f64() } else { 0.0 },
        restore_best: g.coin(),
        seed: g.u64(),
        last_batch: g.pick(&[LastBatch::Fill, LastBatch::Drop]),
    }
}

/// A config that runs at most three epochs.
fn short_config(g: &mut Gen) -> TrainConfig {
    let mut config = config(g);
    config.max_epochs = config.max_epochs.min(3);
    config
}

/// A learning rate: moderate, anywhere from 1e-3 to 1e4 (where training
/// diverges), or any value.
fn rate(g: &mut Gen) -> f64 {
    match g.below(5) {
        0 | 1 => g.moderate().abs(),
        2 | 3 => 10f64.powf(g.moderate() * 7.0 / 6.0 + 0.5),
        _ => g.f64(),
    }
}

/// `n` samples: one data set in four has values of any kind, the others
/// moderate inputs and valid targets (probabilities with `probabilities`).
fn data<T: Float>(g: &mut Gen, n: usize, probabilities: bool) -> (Vec<[T; 2]>, Vec<[T; 2]>) {
    let wild = g.below(4) == 0;
    let pair = |g: &mut Gen| {
        if wild {
            let v = g.values::<T>(2, true);
            [v[0], v[1]]
        } else {
            [T::of_f64(g.moderate()), T::of_f64(g.moderate())]
        }
    };
    let xs: Vec<[T; 2]> = (0..n).map(|_| pair(g)).collect();
    let ys = (0..n)
        .map(|_| {
            if probabilities && !wild {
                [T::of_f64(g.below(2) as f64), T::of_f64(0.5)]
            } else {
                pair(g)
            }
        })
        .collect();
    (xs, ys)
}

/// Training never panics, and whatever it returns the network is left
/// finite (it started finite): after an error, at the last parameters whose
/// loss was finite.
fn fit<T: Float>(g: &mut Gen, logits: bool) -> Outcome {
    let n = g.below(10);
    let (xs, ys) = data::<T>(g, n, logits);
    let held = g.below(4);
    let (vx, vy) = data::<T>(g, held, logits);
    let train = match Dataset::new(&xs, &ys) {
        Ok(d) => d,
        Err(e) => return typed::<(), _>(&Err(e), any),
    };
    let held_out = Dataset::new(&vx, &vy).ok();
    let mut net = Mlp::<T>::seeded(g.u64());
    let lr = rate(g);
    let config = short_config(g);
    let result = Trainer::<4>::new(config).and_then(|mut trainer| {
        let mut opt = Adam::with_lr(lr)?;
        if logits {
            trainer.fit(
                &mut net,
                &BceWithLogits,
                &mut opt,
                &train,
                held_out.as_ref(),
            )
        } else {
            trainer.fit(&mut net, &Mse, &mut opt, &train, held_out.as_ref())
        }
    });
    finite(net.parameters(), "parameters after training")?;
    typed(&result, |report| {
        let figures = [
            report.final_loss,
            report.last_epoch.train_loss,
            report.last_epoch.gradient_norm,
        ];
        finite(&figures, "report")
    })
}

fn fit_normed(g: &mut Gen) -> Outcome {
    let n = 2 + g.below(8);
    let (xs, ys) = data::<f32>(g, n, false);
    let Ok(train) = Dataset::new(&xs, &ys) else {
        return Ok(Verdict::Refused);
    };
    let mut net = Normed::<f32>::seeded(g.u64());
    if g.coin() {
        // Large weights push the batch statistics toward overflow.
        for p in net.parameters_mut().iter_mut().take(6) {
            *p *= 1e19;
        }
    }
    let lr = rate(g);
    let result = Trainer::<4>::new(short_config(g))
        .and_then(|mut trainer| trainer.fit(&mut net, &Mse, &mut Sgd::with_lr(lr)?, &train, None));
    finite(net.parameters(), "parameters after training")?;
    finite(net.buffers(), "running statistics after training")?;
    typed(&result, any)
}

fn losses(g: &mut Gen) -> Outcome {
    let output = SMatrix::<f64, 2, 3>::from_fn(|_, _| g.moderate());
    let probabilities = output.map(|z| 1.0 / (1.0 + (-z).exp()));
    let targets: [[f64; 2]; 3] = core::array::from_fn(|_| [g.below(2) as f64, 0.25]);
    let classes: [usize; 3] = core::array::from_fn(|_| g.below(2));
    let mut gradient = SMatrix::<f64, 2, 3>::zeros();
    let values = [
        Mse.loss_and_gradient(&output, &targets, &mut gradient),
        Bce.loss_and_gradient(&probabilities, &targets, &mut gradient),
        BceWithLogits.loss_and_gradient(&output, &targets, &mut gradient),
        CrossEntropy.loss_and_gradient(&output, &classes, &mut gradient),
        CrossEntropyOneHot.loss_and_gradient(&output, &targets, &mut gradient),
    ];
    finite(&values, "losses")?;
    finite(gradient.as_slice(), "loss gradient")?;
    Ok(Verdict::Accepted)
}

fn monitor(g: &mut Gen) -> Outcome {
    let rare = |g: &mut Gen| g.below(4) == 0;
    let config = MonitorConfig {
        every: if rare(g) { g.count() } else { 1 + g.below(3) },
        step_model: g.coin(),
        growth_window: if rare(g) { g.count() } else { 1 + g.below(4) },
        growth_factor: if rare(g) { g.f64() } else { 2.0 },
        auto_lr: g.coin().then(|| AutoLr {
            stable_fraction: if rare(g) { g.f64() } else { 0.5 },
            growth_decay: if rare(g) { g.f64() } else { 0.1 },
        }),
    };
    let mut monitor = match ConditioningMonitor::<Ring<StepRecord, 4>>::with_config(config) {
        Ok(m) => m,
        Err(e) => return typed::<(), _>(&Err(e), any),
    };
    let (xs, ys) = data::<f64>(g, 8, false);
    let Ok(train) = Dataset::new(&xs, &ys) else {
        return Ok(Verdict::Refused);
    };
    let mut net = Mlp::<f64>::seeded(g.u64());
    let lr = rate(g);
    let result = Trainer::<4>::new(TrainConfig {
        max_epochs: 2,
        ..TrainConfig::default()
    })
    .and_then(|t| {
        t.observer(&mut monitor)
            .fit(&mut net, &Mse, &mut Sgd::with_lr(lr)?, &train, None)
    });
    finite(net.parameters(), "parameters")?;
    typed(&result, any)
}

/// The risk of any data set at any point: a typed error, or finite
/// values that agree between batch sizes.
fn empirical_risk(g: &mut Gen) -> Outcome {
    use constnet::risk::{self, BatchSize};
    const P: usize = Mlp::<f64>::PARAMS;
    let n = 1 + g.below(9);
    let (xs, ys) = data::<f64>(g, n, false);
    let Ok(data) = Dataset::new(&xs, &ys) else {
        return Ok(Verdict::Refused);
    };
    let net = if g.coin() {
        Mlp::<f64>::seeded(g.u64())
    } else {
        Mlp::<f64>::from_parameters(g.wild_array())
    };
    let mut grad = [0.0; P];
    let three = risk::gradient(&net, &Mse, &data, BatchSize::<3>, &mut grad);
    let whole = risk::loss(&net, &Mse, &data, BatchSize::<16>);
    if let (Ok(a), Ok(b)) = (&three, &whole)
        && (a - b).abs() > 1e-9 * b.abs().max(1.0)
    {
        return Err(format!("batches of 3 give {a}, one batch {b}"));
    }
    let v: [f64; P] = g.array();
    let mut hv = [0.0; P];
    typed(
        &risk::hessian_vector_product(&net, &Mse, &data, BatchSize::<2>, &v, &mut grad, &mut hv),
        |_| finite(&hv, "H v"),
    )?;
    let normed = Normed::<f64>::seeded(g.u64());
    typed(&risk::loss(&normed, &Mse, &data, BatchSize::<4>), |j| {
        finite(&[*j], "risk")
    })?;
    typed(&three, |j| finite(&[*j], "risk"))
}
