//! A firmware-shaped crate: `#![no_std]`, its own panic handler, no
//! allocator. It declares the XOR network, runs inference, a training
//! forward, backward and an SGD step, and computes its exact Hessian on the
//! stack. constnet's `serde` feature is on, so its serde impls for the
//! network and optimizers build without std and without an allocator too.
//! If anything in constnet pulled in `std`, linking this staticlib's
//! dependencies would fail with a duplicate `panic_impl` lang item.
#![no_std]
#![forbid(unsafe_code)]

use constnet::prelude::*;

network! {
    /// XOR classifier, 2-8-1, logits out.
    pub struct Xor {
        hidden: Dense<2, 8>,
        act: Tanh,
        out: Dense<8, 1>,
    }
}

/// Weights in flash: a network built in a `static` from its flat parameters.
pub static FLASH_NET: Xor = Xor::from_parameters([0.25; 33]);

/// Inference on one sample with the network in flash.
#[must_use]
pub fn infer(a: f32, b: f32) -> f32 {
    let x = SMatrix::<f32, 2, 1>::new(a, b);
    FLASH_NET.forward(&x)[0]
}

/// One SGD step on the XOR truth table; returns the loss before the step.
#[must_use]
pub fn train_step(net: &mut Xor, sgd: &mut Sgd<f32, 33>) -> f32 {
    let x = SMatrix::<f32, 2, 4>::from_column_slice(&[0., 0., 0., 1., 1., 0., 1., 1.]);
    let targets = [[0.0], [1.0], [1.0], [0.0]];
    let mut grad = [0.0; 33];
    let Ok(loss) = net.loss_and_gradient(&BceWithLogits, &x, &targets, &mut grad) else {
        return f32::NAN;
    };
    sgd.step(net.parameters_mut(), &grad);
    loss
}

/// Builds a seeded network and optimizer and trains for `steps` steps.
#[must_use]
pub fn train(steps: usize) -> f32 {
    let mut net = Xor::<f32>::seeded(1);
    let Ok(mut sgd) = Sgd::new(SgdConfig { lr: 0.5, ..SgdConfig::default() }) else {
        return f32::NAN;
    };
    let mut loss = f32::NAN;
    for _ in 0..steps {
        loss = train_step(&mut net, &mut sgd);
    }
    loss
}

/// The exact Hessian of the XOR loss, computed on the stack (no
/// allocator): its trace.
#[must_use]
pub fn hessian_trace() -> f32 {
    let net = Xor::<f32>::seeded(1);
    let x = SMatrix::<f32, 2, 4>::from_column_slice(&[0., 0., 0., 1., 1., 0., 1., 1.]);
    let targets = [[0.0], [1.0], [1.0], [0.0]];
    let mut grad = [0.0; 33];
    let mut hessian = [0.0; 33 * 33];
    match net.hessian_into(&BceWithLogits, &x, &targets, &mut grad, &mut hessian) {
        Ok(_) => (0..33).map(|i| hessian[i * 34]).sum(),
        Err(_) => f32::NAN,
    }
}

/// The exact XOR Hessian's spectrum on the device: the Hessian on the
/// stack, decomposed in place, summarized (no allocator). Returns the
/// largest eigenvalue and the number of negative ones.
#[must_use]
pub fn hessian_spectrum() -> (f32, usize) {
    use constnet::spectrum::{Curvature, symmetric_eigen_in};
    let net = Xor::<f32>::seeded(1);
    let x = SMatrix::<f32, 2, 4>::from_column_slice(&[0., 0., 0., 1., 1., 0., 1., 1.]);
    let targets = [[0.0], [1.0], [1.0], [0.0]];
    let mut grad = [0.0; 33];
    let mut hessian = [0.0; 33 * 33];
    let (mut values, mut work) = ([0.0_f32; 33], [0.0_f32; 33]);
    let decomposed = net
        .hessian_into(&BceWithLogits, &x, &targets, &mut grad, &mut hessian)
        .and_then(|_| symmetric_eigen_in(&mut hessian, 33, &mut values, &mut work))
        .and_then(|()| Curvature::of(&values));
    match decomposed {
        Ok(curvature) => (curvature.lambda_max as f32, curvature.inertia.negative),
        Err(_) => (f32::NAN, 0),
    }
}

/// Curvature measured on the device, matrix-free, in static-sized buffers
/// (no allocator): the largest Hessian eigenvalue by Lanczos and the trace
/// by Hutchinson, for the XOR loss.
#[must_use]
pub fn curvature_on_device() -> (f32, f32) {
    use constnet::matrix_free::{LanczosOptions, LanczosRun, hutchinson_trace_in};
    const STEPS: usize = 12;
    let net = Xor::<f32>::seeded(1);
    let x = SMatrix::<f32, 2, 4>::from_column_slice(&[0., 0., 0., 1., 1., 0., 1., 1.]);
    let targets = [[0.0], [1.0], [1.0], [0.0]];
    let mut op = net.hessian_operator(&BceWithLogits, &x, &targets);
    let mut storage = [0.0_f32; STEPS * 33 + 2 * STEPS + 33];
    let options = LanczosOptions { steps: STEPS, seed: 0 };
    let Ok(run) = LanczosRun::random_in(&mut op, options, &mut storage) else {
        return (f32::NAN, f32::NAN);
    };
    let (mut values, mut scratch) = ([0.0_f32; STEPS], [0.0_f32; STEPS]);
    let steps = run.steps();
    if run
        .ritz_values_into(&mut values[..steps], &mut scratch[..steps])
        .is_err()
    {
        return (f32::NAN, f32::NAN);
    }
    let mut workspace = [0.0_f32; 2 * 33];
    let trace = hutchinson_trace_in(&mut op, 8, 0, &mut workspace).map_or(f32::NAN, |t| t.trace);
    (values[steps - 1], trace)
}

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
