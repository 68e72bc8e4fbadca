//! The work of the footprint programs, one per program so each links only
//! what it needs: inference from the weights in flash, and on-device
//! training (the network copied from flash into RAM, then `STEPS` steps at
//! batch size [`BATCH`] with SGD or Adam). Inputs pass through
//! [`black_box`] so the compiler cannot fold the network into constants;
//! each program reports its result bits, so the device run is checked
//! against the host's too.

use core::hint::black_box;

use constnet::budget::RamBudget;
use constnet::prelude::*;

use constnet::quant::Int8Layer;

use crate::models::{Digits, Sine, digits, digits_q8, sine, sine_q8};
use crate::report::{Out, Report};
use crate::{instructions_end, instructions_start};

/// The batch size of on-device training.
pub const BATCH: usize = 8;
/// Training steps each training program takes.
pub const STEPS: usize = 3;

/// An empty counted region: `footprint.sh` subtracts its count (the
/// markers' own instructions) from the next region's.
fn calibrate() {
    instructions_start();
    instructions_end();
}

/// One SINE inference from flash; the instructions between the markers are
/// one `forward` of one sample (and the moves of its input and output).
pub fn sine_inference<O: Out>(report: &mut Report<O>) {
    report_bound(report, RamBudget::<f32, Sine, 1, 1, 321, 1>::inference());
    let x = black_box(1.25_f32);
    calibrate();
    instructions_start();
    let x = black_box(SMatrix::<f32, 1, 1>::new(x));
    let y = black_box(sine::MODEL.forward(&x));
    instructions_end();
    report.values("sine.inference", y.as_slice());
}

/// One DIGITS inference from flash (one sample of 64 pixels).
pub fn digits_inference<O: Out>(report: &mut Report<O>) {
    report_bound(
        report,
        RamBudget::<f32, Digits, 64, 10, 2410, 1>::inference(),
    );
    let mut rng = Rng::seed_from(black_box(4));
    let pixels = SMatrix::<f32, 64, 1>::from_fn(|_, _| rng.below(17) as f32 / 16.0);
    calibrate();
    instructions_start();
    let pixels = black_box(pixels);
    let logits = black_box(digits::MODEL.forward(&pixels));
    instructions_end();
    report.values("digits.inference", logits.as_slice());
}

/// SINE training data on the device: `BATCH` points of [-pi, pi] and sin x.
fn sine_batch(rng: &mut Rng) -> (SMatrix<f32, 1, BATCH>, [[f32; 1]; BATCH]) {
    let x = SMatrix::<f32, 1, BATCH>::from_fn(|_, _| {
        rng.uniform_in(-core::f64::consts::PI, core::f64::consts::PI) as f32
    });
    (x, core::array::from_fn(|b| [constnet::math::sin(x[b])]))
}

/// DIGITS training data on the device: `BATCH` images of pixels in [0, 1]
/// and their classes.
fn digits_batch(rng: &mut Rng) -> (SMatrix<f32, 64, BATCH>, [usize; BATCH]) {
    let x = SMatrix::<f32, 64, BATCH>::from_fn(|_, _| rng.below(17) as f32 / 16.0);
    (x, core::array::from_fn(|_| rng.below(10)))
}

/// SINE's RAM budget at the training batch size.
type SineBudget = RamBudget<f32, Sine, 1, 1, 321, BATCH>;
/// DIGITS' RAM budget at the training batch size.
type DigitsBudget = RamBudget<f32, Digits, 64, 10, 2410, BATCH>;

/// Reports `# stack_bound N` (the compile-time bound the device run is
/// checked against) and `# looseness L` (how loose it may be).
fn report_bound<O: Out>(report: &mut Report<O>, bound: usize) {
    report.comment_number("stack_bound", bound as u64);
    report.comment_number("looseness", constnet::budget::LOOSENESS as u64);
}

/// Fine-tunes SINE from flash with the optimizer `make` builds; reports the
/// last loss and the parameters' digest. The optimizer stays where `make`
/// returned it (bound by reference), so its state is not copied.
fn train_sine<O: Out, Opt: Optimizer<f32, 321>>(report: &mut Report<O>, make: fn() -> Result<Opt>) {
    report_bound(report, SineBudget::training::<Opt>());
    let mut built = make();
    let Ok(optimizer) = &mut built else {
        return;
    };
    let mut net = sine::MODEL.clone();
    let mut rng = Rng::seed_from(black_box(9));
    let mut grad = [0.0; 321];
    let mut loss = 0.0;
    for _ in 0..STEPS {
        let (x, targets) = sine_batch(&mut rng);
        let Ok(value) = net.loss_and_gradient(&Mse, &x, &targets, &mut grad) else {
            return;
        };
        loss = value;
        optimizer.step(net.parameters_mut(), &grad);
    }
    report.values("sine.train.loss", &[loss]);
    report.digest("sine.train.parameters", net.parameters());
}

/// Fine-tunes DIGITS from flash with the optimizer `make` builds.
fn train_digits<O: Out, Opt: Optimizer<f32, 2410>>(
    report: &mut Report<O>,
    make: fn() -> Result<Opt>,
) {
    report_bound(report, DigitsBudget::training::<Opt>());
    let mut built = make();
    let Ok(optimizer) = &mut built else {
        return;
    };
    let mut net = digits::MODEL.clone();
    let mut rng = Rng::seed_from(black_box(9));
    let mut grad = [0.0; 2410];
    let mut loss = 0.0;
    for _ in 0..STEPS {
        let (x, targets) = digits_batch(&mut rng);
        let Ok(value) = net.loss_and_gradient(&CrossEntropy, &x, &targets, &mut grad) else {
            return;
        };
        loss = value;
        optimizer.step(net.parameters_mut(), &grad);
    }
    report.values("digits.train.loss", &[loss]);
    report.digest("digits.train.parameters", net.parameters());
}

/// Plain SGD (no momentum): `lr` 0.01.
fn sgd<const P: usize>() -> Result<Sgd<f32, P>> {
    Sgd::new(SgdConfig {
        lr: 0.01,
        ..SgdConfig::default()
    })
}

/// Adam with PyTorch's defaults (`lr` 1e-3).
fn adam<const P: usize>() -> Result<Adam<f32, P>> {
    Adam::new(AdamConfig::default())
}

/// SINE, SGD.
pub fn sine_sgd<O: Out>(report: &mut Report<O>) {
    train_sine(report, sgd);
}

/// SINE, Adam.
pub fn sine_adam<O: Out>(report: &mut Report<O>) {
    train_sine(report, adam);
}

/// DIGITS, SGD.
pub fn digits_sgd<O: Out>(report: &mut Report<O>) {
    train_digits(report, sgd);
}

/// DIGITS, Adam.
pub fn digits_adam<O: Out>(report: &mut Report<O>) {
    train_digits(report, adam);
}

/// A xorshift32 step (Marsaglia, 2003): integer-only, so the int8 programs
/// generate their inputs without the float code `Rng` would link.
fn xorshift(state: &mut u32) -> u32 {
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    *state
}

/// One int8 SINE inference from flash, integers only: the int8 input 40
/// (x of about 1 in the model's input quantization), an int8 output.
pub fn sine_int8_inference<O: Out>(report: &mut Report<O>) {
    let x = black_box([40_i8]);
    let mut y = [0_i8; 1];
    calibrate();
    instructions_start();
    sine_q8::MODEL.forward(black_box(&x), &mut y);
    instructions_end();
    report.values("sine.int8.inference", &black_box(y));
}

/// One int8 DIGITS inference from flash (64 seeded int8 pixels).
pub fn digits_int8_inference<O: Out>(report: &mut Report<O>) {
    let mut state = black_box(0x2545_f491_u32);
    let pixels: [i8; 64] = core::array::from_fn(|_| xorshift(&mut state) as i8);
    let mut logits = [0_i8; 10];
    calibrate();
    instructions_start();
    digits_q8::MODEL.forward(black_box(&pixels), &mut logits);
    instructions_end();
    report.values("digits.int8.inference", &black_box(logits));
}
