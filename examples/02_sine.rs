//! SINE: the classic TinyML "hello world", a benchmark model: 1 -> Dense 16 ->
//! ReLU -> Dense 16 -> ReLU -> Dense 1, fitted to sin x on [0, 2 pi] with
//! mean squared error and minibatches of 32.
//!
//! Run: `cargo run --release --example sine`

use constnet::prelude::*;
use core::f32::consts::TAU;

network! {
    /// Fits y = sin x.
    pub struct Sine {
        fc1: Dense<1, 16>,
        act1: ReLU,
        fc2: Dense<16, 16>,
        act2: ReLU,
        out: Dense<16, 1>,
    }
}

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let n = 1000;
    let mut rng = Rng::seed_from(3);
    let inputs: Vec<[f32; 1]> = (0..n)
        .map(|_| [rng.uniform_in(0.0, f64::from(TAU)) as f32])
        .collect();
    let targets: Vec<[f32; 1]> = inputs.iter().map(|x| [x[0].sin()]).collect();
    let test_inputs: Vec<[f32; 1]> = (0..200).map(|i| [TAU * (i as f32 + 0.5) / 200.0]).collect();
    let test_targets: Vec<[f32; 1]> = test_inputs.iter().map(|x| [x[0].sin()]).collect();
    let data = Dataset::new(&inputs, &targets)?;
    let test = Dataset::new(&test_inputs, &test_targets)?;

    let mut net = Sine::<f32>::seeded(11);
    println!(
        "SINE: {} parameters, 1-16-16-1 with ReLU, MSE",
        <Sine>::PARAMS
    );
    let mut sgd = Sgd::new(SgdConfig {
        lr: 0.01,
        momentum: 0.9,
        ..SgdConfig::default()
    })?;
    let config = TrainConfig {
        max_epochs: 400,
        loss_target: Some(0.002),
        seed: 5,
        ..TrainConfig::default()
    };
    let progress = EachEpoch(|r: &EpochReport| {
        if r.epoch.is_multiple_of(20) {
            println!(
                "epoch {:>3}  train MSE {:.5}  test MSE {:.5}",
                r.epoch,
                r.train_loss,
                r.validation_loss.unwrap_or(f64::NAN)
            );
        }
    });
    let report = Trainer::<32>::new(config)?.observer(progress).fit(
        &mut net,
        &Mse,
        &mut sgd,
        &data,
        Some(&test),
    )?;
    let test_mse = report.final_validation_loss.unwrap_or(f64::NAN);
    println!(
        "stopped after {} epochs: {:?}; train MSE {:.5}, test MSE {:.5}",
        report.epochs, report.stop, report.final_loss, test_mse
    );
    for x in [0.0_f32, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0] {
        let y = net.forward(&SMatrix::<f32, 1, 1>::new(x))[0];
        println!("  sin({x:.1}) = {:+.3}, network {:+.3}", x.sin(), y);
    }
    if test_mse >= 0.01 {
        return Err("SINE did not reach test MSE < 0.01".into());
    }
    Ok(())
}
