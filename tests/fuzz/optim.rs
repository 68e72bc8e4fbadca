//! Optimizers (construction, steps, rate changes) and schedules.

use constnet::optim::{
    Adam, AdamConfig, AdamW, AdamWConfig, CosineAnnealingLr, ExponentialLr, LinearLr, Optimizer,
    RmsProp, RmsPropConfig, Schedule, Scheduled, Sequential, Sgd, SgdConfig, StepLr,
};
use constnet::scalar::Float;

use crate::harness::{Fuzz, Gen, Outcome, Verdict, any, finite, typed};

#[allow(clippy::too_many_lines, reason = "one check per entry point")]
pub fn run() {
    let mut fuzz = Fuzz::new("optim");
    fuzz.check("Sgd f32", 1, |g| {
        let config = sgd(g);
        let tame = config.weight_decay.abs() <= 100.0;
        optimizer::<f32, _>(g, tame, Sgd::new(config)).map_err(|e| format!("{config:?}: {e}"))
    });
    fuzz.check("Sgd f64", 1, |g| {
        let config = sgd(g);
        let tame = config.weight_decay.abs() <= 100.0;
        optimizer::<f64, _>(g, tame, Sgd::new(config)).map_err(|e| format!("{config:?}: {e}"))
    });
    fuzz.check("Adam f32", 1, |g| {
        let config = adam(g);
        let tame = config.weight_decay.abs() <= 100.0;
        optimizer::<f32, _>(g, tame, Adam::new(config)).map_err(|e| format!("{config:?}: {e}"))
    });
    fuzz.check("Adam f64", 1, |g| {
        let config = adam(g);
        let tame = config.weight_decay.abs() <= 100.0;
        optimizer::<f64, _>(g, tame, Adam::new(config)).map_err(|e| format!("{config:?}: {e}"))
    });
    fuzz.check("AdamW f32", 1, |g| {
        let config = adamw(g);
        let tame = config.weight_decay.abs() <= 100.0;
        optimizer::<f32, _>(g, tame, AdamW::new(config)).map_err(|e| format!("{config:?}: {e}"))
    });
    fuzz.check("AdamW f64", 1, |g| {
        let config = adamw(g);
        let tame = config.weight_decay.abs() <= 100.0;
        optimizer::<f64, _>(g, tame, AdamW::new(config)).map_err(|e| format!("{config:?}: {e}"))
    });
    fuzz.check("RmsProp f32", 1, |g| {
        let config = rmsprop(g);
        // Centered, the denominator is the gradient's spread plus eps, and
        // the spread is about sqrt(alpha) |g|: a small alpha or a tiny eps
        // makes steps as large as lr |g| / eps.
        let spread_ok = config.alpha >= 0.01 && config.eps >= 1e-12;
        let tame = config.weight_decay.abs() <= 100.0 && (!config.centered || spread_ok);
        optimizer::<f32, _>(g, tame, RmsProp::new(config)).map_err(|e| format!("{config:?}: {e}"))
    });
    fuzz.check("RmsProp f64", 1, |g| {
        let config = rmsprop(g);
        // Centered, the denominator is the gradient's spread plus eps, and
        // the spread is about sqrt(alpha) |g|: a small alpha or a tiny eps
        // makes steps as large as lr |g| / eps.
        let spread_ok = config.alpha >= 0.01 && config.eps >= 1e-12;
        let tame = config.weight_decay.abs() <= 100.0 && (!config.centered || spread_ok);
        optimizer::<f64, _>(g, tame, RmsProp::new(config)).map_err(|e| format!("{config:?}: {e}"))
    });
    fuzz.check("schedules: construction and rates", 1, |g| {
        let base = g.moderate().abs();
        let epoch = g.count();
        let (schedule, description) = match schedule(g) {
            Ok(s) => s,
            Err(e) => return typed::<(), _>(&Err(e), any),
        };
        let rate = schedule.learning_rate(base, epoch);
        if rate.is_finite() && rate >= 0.0 {
            Ok(Verdict::Accepted)
        } else {
            Err(format!(
                "{description}, base {base}, epoch {epoch}: rate {rate}"
            ))
        }
    });
    fuzz.check("Scheduled f32: epochs, rate changes", 1, |g| {
        let Ok(sgd) = Sgd::<f32, 3>::with_lr(g.moderate().abs()) else {
            return Ok(Verdict::Refused);
        };
        let schedule = match schedule(g) {
            Ok((s, _)) => s,
            Err(e) => return typed::<(), _>(&Err(e), any),
        };
        let mut opt = match Scheduled::new(sgd, schedule) {
            Ok(opt) => opt,
            Err(e) => return typed::<(), _>(&Err(e), any),
        };
        let mut p = [1.0_f32; 3];
        for _ in 0..g.below(6) {
            match g.below(4) {
                0 => drop(opt.set_learning_rate(g.f64())),
                1 => drop(opt.scale_learning_rate(g.f64())),
                2 => drop(opt.set_base_learning_rate::<f32, 3>(g.f64())),
                _ => {}
            }
            opt.step(&mut p, &[0.5, -0.5, 0.25]);
            if let Err(e) = opt.end_epoch() {
                return typed::<(), _>(&Err(e), any);
            }
            let lr = opt.learning_rate();
            if !(lr >= 0.0 && (lr as f32).is_finite()) {
                return Err(format!("rate {lr} after an epoch"));
            }
        }
        opt.reset();
        // The parameters may overflow under a huge valid rate; the training
        // loop reports that. The rates are what is checked here.
        let _ = p;
        Ok(Verdict::Accepted)
    });
    fuzz.finish();
}

/// The default with each field replaced, one time in three, by any value:
/// most configs then differ from a valid one in a single field.
fn edit(g: &mut Gen, default: f64) -> f64 {
    if g.below(3) == 0 { g.f64() } else { default }
}

fn sgd(g: &mut Gen) -> SgdConfig {
    let d = SgdConfig {
        momentum: 0.9,
        ..SgdConfig::default()
    };
    SgdConfig {
        lr: edit(g, d.lr),
        momentum: edit(g, d.momentum),
        dampening: edit(g, d.dampening),
        weight_decay: edit(g, d.weight_decay),
        nesterov: g.coin(),
    }
}

fn adam(g: &mut Gen) -> AdamConfig {
    let d = AdamConfig::default();
    AdamConfig {
        lr: edit(g, d.lr),
        betas: (edit(g, d.betas.0), edit(g, d.betas.1)),
        eps: edit(g, d.eps),
        weight_decay: edit(g, d.weight_decay),
        amsgrad: g.coin(),
    }
}

fn adamw(g: &mut Gen) -> AdamWConfig {
    let d = AdamWConfig::default();
    AdamWConfig {
        lr: edit(g, d.lr),
        betas: (edit(g, d.betas.0), edit(g, d.betas.1)),
        eps: edit(g, d.eps),
        weight_decay: edit(g, d.weight_decay),
        amsgrad: g.coin(),
    }
}

fn rmsprop(g: &mut Gen) -> RmsPropConfig {
    let d = RmsPropConfig {
        momentum: 0.5,
        ..RmsPropConfig::default()
    };
    RmsPropConfig {
        lr: edit(g, d.lr),
        alpha: edit(g, d.alpha),
        eps: edit(g, d.eps),
        weight_decay: edit(g, d.weight_decay),
        momentum: edit(g, d.momentum),
        centered: g.coin(),
    }
}

/// Any built-in schedule (boxed behind a closure so one type serves all).
struct AnySchedule(Box<dyn Fn(f64, usize) -> f64>);

impl Schedule for AnySchedule {
    fn learning_rate(&self, base_lr: f64, epoch: usize) -> f64 {
        (self.0)(base_lr, epoch)
    }
}

fn boxed<S: Schedule + 'static>(s: S) -> AnySchedule {
    AnySchedule(Box::new(move |base, epoch| s.learning_rate(base, epoch)))
}

/// A schedule from any arguments, or the error refusing them, with a
/// description for messages.
fn schedule(g: &mut Gen) -> constnet::Result<(AnySchedule, String)> {
    let (a, b, n, milestone) = (g.f64(), g.f64(), g.count(), g.count());
    let kind = g.below(6);
    let schedule = match kind {
        0 => boxed(StepLr::new(n, a)?),
        1 => boxed(ExponentialLr::new(a)?),
        2 => boxed(CosineAnnealingLr::new(n, a)?),
        3 => boxed(LinearLr::new(a, b, n)?),
        4 => boxed(LinearLr::warmup(a, n)?),
        _ => boxed(Sequential::new(
            LinearLr::warmup(0.1, 3)?,
            CosineAnnealingLr::new(n, b)?,
            milestone,
        )),
    };
    Ok((
        schedule,
        format!("schedule {kind} ({a}, {b}, {n}, {milestone})"),
    ))
}

/// A valid optimizer (with a weight decay of at most 100) keeps moderate
/// parameters finite over moderate gradients, and takes only the learning
/// rates it documents.
fn optimizer<T: Float, O: Optimizer<T, 4>>(
    g: &mut Gen,
    tame: bool,
    built: constnet::Result<O>,
) -> Outcome {
    let mut opt = match built {
        Ok(opt) => opt,
        Err(e) => return typed::<(), _>(&Err(e), any),
    };
    let lr = opt.learning_rate();
    let narrow = T::of_f64(lr);
    if !narrow.finite() || (lr != 0.0 && narrow == T::zero()) {
        return Err(format!(
            "accepted a rate of {lr}, {narrow:?} in {}",
            T::NAME
        ));
    }
    // Moderate rates only, so the parameters cannot legitimately overflow.
    if opt.set_learning_rate(lr.min(0.5)).is_err() {
        return Err(format!("refused the rate {}", lr.min(0.5)));
    }
    let mut p: [T; 4] = g.array();
    for _ in 0..8 {
        let grad: [T; 4] = g.array();
        opt.step(&mut p, &grad);
    }
    // A huge (valid) weight decay may overflow legitimately; the training
    // loop reports that as a non-finite step.
    if tame {
        finite(&p, "parameters after steps")?;
    }
    let requested = g.f64();
    if opt.set_learning_rate(requested).is_ok() && opt.learning_rate() != requested {
        return Err(format!("set {requested}, reads {}", opt.learning_rate()));
    }
    let _ = opt.scale_learning_rate(g.f64());
    let _ = opt.end_epoch();
    opt.reset();
    Ok(Verdict::Accepted)
}
