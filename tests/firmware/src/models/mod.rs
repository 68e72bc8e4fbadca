//! The networks the firmware runs. SINE and DIGITS are the benchmark
//! models, with the trained weights that the `firmware_weights` example
//! wrote as Rust source (`sine_model.rs`, `digits_model.rs`): they are
//! `static`s, so they stay in flash. XOR and a batch-normalized network are
//! built from seeds on the device for the training and Hessian checks.
//! `sine_q8` and `digits_q8` are the same SINE and DIGITS quantized to int8
//! (`sine_int8.rs`, `digits_int8.rs`, written by the `int8` example): values
//! of the int8 types the declarations generated (`SineQ8`, `DigitsQ8`),
//! integer arrays in flash, run by integer-only kernels.

use constnet::prelude::*;

network! {
    /// SINE: 1 -> Dense 16 -> ReLU -> Dense 16 -> ReLU -> Dense 1, P = 321.
    pub struct Sine {
        fc1: Dense<1, 16>,
        act1: ReLU,
        fc2: Dense<16, 16>,
        act2: ReLU,
        out: Dense<16, 1>,
    }

    /// DIGITS: 64 -> Dense 32 -> ReLU -> Dense 10 (logits), P = 2410.
    pub struct Digits {
        fc1: Dense<64, 32>,
        act: ReLU,
        out: Dense<32, 10>,
    }

    /// XOR: 2 -> Dense 8 -> tanh -> Dense 1 (logit), P = 33.
    pub struct Xor {
        hidden: Dense<2, 8>,
        act: Tanh,
        out: Dense<8, 1>,
    }

    /// Batch normalization between two dense layers: 3 -> 4 -> BN -> tanh -> 2.
    pub struct Normed {
        fc: Dense<3, 4>,
        bn: BatchNorm<4>,
        act: Tanh,
        out: Dense<4, 2>,
    }
}

/// SINE trained on the PC, in flash: `sine::MODEL`.
pub mod sine {
    use super::Sine;
    include!("sine_model.rs");
}

/// DIGITS trained on the PC, in flash: `digits::MODEL`.
pub mod digits {
    use super::Digits;
    include!("digits_model.rs");
}

/// SINE in int8, in flash: `sine_q8::MODEL`, of the type `SineQ8` the
/// declaration generated.
pub mod sine_q8 {
    use super::SineQ8;
    include!("sine_int8.rs");
}

/// DIGITS in int8, in flash: `digits_q8::MODEL`.
pub mod digits_q8 {
    use super::DigitsQ8;
    include!("digits_int8.rs");
}
