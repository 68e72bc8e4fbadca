//! What the `check` program computes on the device and the host alike; the
//! two reports must agree bit for bit. Each section covers one promise of
//! running constnet on a microcontroller: a network built from flash,
//! inference (one sample and a batch, which take different kernels),
//! training steps with every optimizer (all but plain SGD keep state), a
//! batch-normalized network in both modes (training forward, buffer update,
//! inference from the running statistics), and the exact Hessian of a small
//! model on the stack, in `f64` (software floating point on these cores).

use constnet::prelude::*;

use crate::models::{Normed, Sine, Xor, digits, sine};
use crate::report::{Out, Report};

/// Every section, in order. Each section is a function of its own that is
/// never inlined, so the peak stack is the largest section's frame rather
/// than whatever sum of their arrays the inliner leaves in one frame (that
/// sum moved by kilobytes with unrelated changes to the library and
/// overflowed the Cortex-M3 board's 64 KiB).
pub fn all<O: Out>(report: &mut Report<O>) {
    flash_inference(report);
    training(report);
    batch_norm(report);
    hessian(report);
}

/// Inference with the networks in flash.
#[inline(never)]
pub fn flash_inference<O: Out>(report: &mut Report<O>) {
    let xs: [f32; 8] = core::array::from_fn(|i| -3.0 + 0.8 * i as f32);
    let singles: [f32; 8] =
        core::array::from_fn(|i| sine::MODEL.forward(&SMatrix::<f32, 1, 1>::new(xs[i]))[0]);
    report.values("sine.single", &singles);
    let batch = sine::MODEL.forward(&SMatrix::<f32, 1, 8>::from_row_slice(&xs));
    report.values("sine.batch", batch.as_slice());

    let mut rng = Rng::seed_from(4);
    let pixels = SMatrix::<f32, 64, 2>::from_fn(|_, _| rng.below(17) as f32 / 16.0);
    let logits = digits::MODEL.forward(&pixels);
    report.values("digits.logits", logits.as_slice());
    report.digest("digits.parameters", digits::MODEL.parameters());
}

/// `steps` optimizer steps on XOR's truth table; reports the losses and
/// the final parameters.
fn train_xor<O: Out, Opt: Optimizer<f32, 33>>(
    report: &mut Report<O>,
    label: &str,
    optimizer: Result<Opt>,
) {
    let Ok(mut optimizer) = optimizer else {
        report.number(label, 0);
        return;
    };
    let x = SMatrix::<f32, 2, 4>::from_column_slice(&[0., 0., 0., 1., 1., 0., 1., 1.]);
    let targets = [[0.0], [1.0], [1.0], [0.0]];
    let mut net = Xor::<f32>::seeded(1);
    let mut losses = [0.0_f32; 5];
    let mut grad = [0.0; 33];
    for loss in &mut losses {
        let Ok(value) = net.loss_and_gradient(&BceWithLogits, &x, &targets, &mut grad) else {
            report.number(label, 0);
            return;
        };
        *loss = value;
        optimizer.step(net.parameters_mut(), &grad);
    }
    report.values(label, &losses);
    report.digest(label, net.parameters());
}

/// Training: every optimizer on XOR, and Adam fine-tuning the SINE network
/// copied from flash into RAM.
#[inline(never)]
pub fn training<O: Out>(report: &mut Report<O>) {
    train_xor(
        report,
        "xor.sgd_momentum",
        Sgd::new(SgdConfig {
            lr: 0.5,
            momentum: 0.9,
            nesterov: true,
            ..SgdConfig::default()
        }),
    );
    train_xor(
        report,
        "xor.adam",
        Adam::new(AdamConfig {
            lr: 0.05,
            ..AdamConfig::default()
        }),
    );
    train_xor(
        report,
        "xor.adamw",
        AdamW::new(AdamWConfig {
            lr: 0.05,
            amsgrad: true,
            ..AdamWConfig::default()
        }),
    );
    train_xor(
        report,
        "xor.rmsprop",
        RmsProp::new(RmsPropConfig {
            lr: 0.01,
            momentum: 0.5,
            centered: true,
            ..RmsPropConfig::default()
        }),
    );

    let mut net: Sine<f32> = sine::MODEL.clone();
    let Ok(mut adam) = Adam::<f32, 321>::new(AdamConfig {
        lr: 1e-3,
        ..AdamConfig::default()
    }) else {
        return;
    };
    let mut rng = Rng::seed_from(9);
    let mut losses = [0.0_f32; 4];
    let mut grad = [0.0; 321];
    for loss in &mut losses {
        let x = SMatrix::<f32, 1, 8>::from_fn(|_, _| {
            rng.uniform_in(-core::f64::consts::PI, core::f64::consts::PI) as f32
        });
        let targets: [[f32; 1]; 8] = core::array::from_fn(|b| [constnet::math::sin(x[b])]);
        let Ok(value) = net.loss_and_gradient(&Mse, &x, &targets, &mut grad) else {
            report.number("sine.adam.error", 1);
            return;
        };
        *loss = value;
        adam.step(net.parameters_mut(), &grad);
    }
    report.values("sine.adam.losses", &losses);
    report.digest("sine.adam.parameters", net.parameters());
}

/// Batch normalization: training-mode steps with momentum SGD that update
/// the running statistics, then inference from them.
#[inline(never)]
pub fn batch_norm<O: Out>(report: &mut Report<O>) {
    let mut net = Normed::<f32>::seeded(3);
    let Ok(mut sgd) = Sgd::new(SgdConfig {
        lr: 0.1,
        momentum: 0.9,
        ..SgdConfig::default()
    }) else {
        return;
    };
    let mut rng = Rng::seed_from(5);
    let mut losses = [0.0_f32; 3];
    let mut grad = [0.0; Normed::<f32>::PARAMS];
    for loss in &mut losses {
        let x = SMatrix::<f32, 3, 6>::from_fn(|_, _| rng.normal(1.0, 2.0) as f32);
        let targets: [usize; 6] = core::array::from_fn(|_| rng.below(2));
        let mut cache = Zeroed::zeroed();
        let output = net.forward_train(&x, &mut cache);
        let mut d_output = SMatrix::<f32, 2, 6>::zeros();
        *loss = CrossEntropy.loss_and_gradient(&output, &targets, &mut d_output);
        net.backward(&mut cache, &d_output, &mut grad);
        sgd.step(net.parameters_mut(), &grad);
        net.update_buffers(&cache);
    }
    report.values("bn.train.losses", &losses);
    report.values("bn.buffers", net.buffers());
    for &count in net.batches_tracked() {
        report.number("bn.batches_tracked", count);
    }
    report.digest("bn.parameters", net.parameters());
    let x = SMatrix::<f32, 3, 2>::from_fn(|i, b| (i as f32 - 1.0) * (b as f32 + 0.5));
    report.values("bn.inference.batch", net.forward(&x).as_slice());
    let single = net.forward(&SMatrix::<f32, 3, 1>::from_column_slice(&[0.5, -1.0, 2.0]));
    report.values("bn.inference.single", single.as_slice());
}

/// Second order: XOR's exact 33 x 33 Hessian on the stack in `f64`, and an
/// exact Hessian-vector product of the SINE network from flash in `f32`.
#[inline(never)]
pub fn hessian<O: Out>(report: &mut Report<O>) {
    let net = Xor::<f64>::seeded(1);
    let x = SMatrix::<f64, 2, 4>::from_column_slice(&[0., 0., 0., 1., 1., 0., 1., 1.]);
    let targets = [[0.0], [1.0], [1.0], [0.0]];
    let mut grad = [0.0; 33];
    let mut h = [0.0; 33 * 33];
    match net.hessian_into(&BceWithLogits, &x, &targets, &mut grad, &mut h) {
        Ok(loss) => {
            report.values("xor.hessian.loss", &[loss]);
            let diagonal: [f64; 33] = core::array::from_fn(|i| h[i * 34]);
            report.values("xor.hessian.diagonal", &diagonal);
            report.digest("xor.hessian", &h);
            report.digest("xor.gradient", &grad);
        }
        Err(_) => report.number("xor.hessian.error", 1),
    }

    let x = SMatrix::<f32, 1, 4>::from_row_slice(&[-2.0, -0.5, 0.5, 2.0]);
    let targets: [[f32; 1]; 4] = core::array::from_fn(|b| [constnet::math::sin(x[b])]);
    let v: [f32; 321] = core::array::from_fn(|i| if i % 3 == 0 { 1.0 } else { -0.5 });
    let (mut grad, mut hv) = ([0.0; 321], [0.0; 321]);
    let Ok(loss) = sine::MODEL.hessian_vector_product(&Mse, &x, &targets, &v, &mut grad, &mut hv)
    else {
        report.number("sine.hvp.error", 1);
        return;
    };
    report.values("sine.hvp.loss", &[loss]);
    report.digest("sine.hvp", &hv);
    report.digest("sine.gradient", &grad);
}
