//! XOR: the benchmark model (2 -> Dense 8 -> tanh -> Dense 1, a logit)
//! trained with minibatch SGD and binary cross-entropy on logits until it
//! classifies all four points.
//!
//! Run: `cargo run --release --example xor`

use constnet::prelude::*;

network! {
    /// A 2-8-1 classifier for XOR; outputs a logit.
    pub struct Xor {
        hidden: Dense<2, 8>,
        act: Tanh,
        out: Dense<8, 1>,
    }
}

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let inputs = [[0.0_f32, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    let targets = [[0.0_f32], [1.0], [1.0], [0.0]];
    let data = Dataset::new(&inputs, &targets)?;

    let mut net = Xor::<f32>::seeded(7);
    println!(
        "XOR: {} parameters, 2-8-1 with tanh, BCE on logits",
        <Xor>::PARAMS
    );
    let mut sgd = Sgd::new(SgdConfig {
        lr: 0.5,
        momentum: 0.9,
        ..SgdConfig::default()
    })?;
    let config = TrainConfig {
        max_epochs: 2000,
        loss_target: Some(0.01),
        seed: 7,
        ..TrainConfig::default()
    };
    let progress = EachEpoch(|r: &EpochReport| {
        if r.epoch.is_multiple_of(50) {
            println!(
                "epoch {:>4}  loss {:.5}  |grad| {:.2e}",
                r.epoch, r.train_loss, r.gradient_norm
            );
        }
    });
    let report = Trainer::<4>::new(config)?.observer(progress).fit(
        &mut net,
        &BceWithLogits,
        &mut sgd,
        &data,
        None,
    )?;
    println!(
        "stopped after {} epochs ({} steps): {:?}, loss {:.5}",
        report.epochs, report.steps, report.stop, report.final_loss
    );

    for (x, t) in inputs.iter().zip(&targets) {
        let logit = net.forward(&SMatrix::<f32, 2, 1>::from_column_slice(x))[0];
        println!(
            "  {x:?} -> p = {:.3} (target {})",
            constnet::math::sigmoid(logit),
            t[0]
        );
    }
    let accuracy = binary_accuracy(&net, &data, 0.0)?;
    println!("accuracy: {:.0}%", accuracy * 100.0);
    if accuracy < 1.0 {
        return Err("XOR did not reach 100% accuracy".into());
    }
    Ok(())
}
