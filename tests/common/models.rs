//! The networks several test files (and the benches) use, declared once:
//! the three benchmark models and a network with every activation.
//! Tests and the allocation proof check the same models the benches
//! measure; benches include this file by path.

use constnet::prelude::*;

network! {
    /// XOR: 2 -> Dense 8 -> tanh -> Dense 1 (logit), BCE with logits, B = 4, P = 33.
    pub struct Xor {
        hidden: Dense<2, 8>,
        act: Tanh,
        out: Dense<8, 1>,
    }

    /// SINE: 1 -> Dense 16 -> ReLU -> Dense 16 -> ReLU -> Dense 1, MSE, B = 32, P = 321.
    pub struct Sine {
        fc1: Dense<1, 16>,
        act1: ReLU,
        fc2: Dense<16, 16>,
        act2: ReLU,
        out: Dense<16, 1>,
    }

    /// DIGITS: 64 -> Dense 32 -> ReLU -> Dense 10 (logits), softmax cross-entropy, B = 32, P = 2410.
    pub struct Digits {
        fc1: Dense<64, 32>,
        act: ReLU,
        out: Dense<32, 10>,
    }

    /// Every activation in one network, ending in probabilities: three
    /// hidden layers, not odd (LeakyReLU), not odd (Sigmoid), odd (Identity
    /// then Tanh), and a Softmax output (whose blocked R-operator is the
    /// trait's per-direction default). P = 98.
    pub struct Mixed {
        fc1: Dense<3, 6>,
        a1: LeakyReLU(negative_slope = 0.2),
        fc2: Dense<6, 5>,
        a2: Sigmoid,
        fc3: Dense<5, 4>,
        a3: Identity,
        a4: Tanh,
        fc4: Dense<4, 3>,
        probs: Softmax,
    }
}
