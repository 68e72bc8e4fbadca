//! The declaration whose release build time README reports: two
//! convolutions, two max poolings, an LSTM and two dense layers, with a
//! training step (loss, gradient, Adam) and a full Hessian instantiated
//! and run once.
//!
//! The LSTM reads the pooled `8 x 8` map as 8 steps of 8 features (a
//! sample is row-major `(C, L)`, so a step is a channel): the point is
//! the build, not the model.
//!
//! Measured as the build of this binary minus that of `src/empty.rs`
//! (same dependencies, nothing declared), each after touching its source:
//! `touch src/mixed.rs && cargo build --release --bin mixed`.

use constnet::prelude::*;

network! {
    /// A 1 x 32 signal in, 2 class logits out.
    pub struct Mixed {
        /// 1 x 32 to 4 x 32.
        conv1: Conv1d<1, 4, 3, 32>(padding = 1),
        act1: ReLU,
        /// 4 x 32 to 4 x 16.
        pool1: MaxPool1d<4, 32, 2>,
        /// 4 x 16 to 8 x 16.
        conv2: Conv1d<4, 8, 3, 16>(padding = 1),
        act2: ReLU,
        /// 8 x 16 to 8 x 8.
        pool2: MaxPool1d<8, 16, 2>,
        /// 8 steps of 8 features to 16 hidden units.
        lstm: Lstm<8, 16, 8>,
        hidden: Dense<16, 16>,
        act3: Tanh,
        out: Dense<16, 2>,
    }
}

fn main() -> Result<()> {
    let mut net = Mixed::<f32>::seeded(1);
    let mut rng = Rng::seed_from(2);
    let x = SMatrix::<f32, 32, 4>::from_fn(|_, _| rng.uniform_in(-1.0, 1.0) as f32);
    let targets = [0, 1, 1, 0];
    let mut gradient = [0.0; <Mixed>::PARAMS];
    let mut adam = Adam::new(AdamConfig::default())?;
    let loss = net.loss_and_gradient(&CrossEntropy, &x, &targets, &mut gradient)?;
    adam.step(net.parameters_mut(), &gradient);
    let hessian = net.hessian(&CrossEntropy, &x, &targets)?;
    println!(
        "{} parameters, loss {loss:.4}, Hessian {} x {}, trace {:.4e}",
        <Mixed>::PARAMS,
        hessian.matrix.nrows(),
        hessian.matrix.ncols(),
        hessian.matrix.trace()
    );
    Ok(())
}
