//! The networks the fuzz cases run: one of each layer kind.

use constnet::prelude::*;

network! {
    /// Dense, Tanh, Dense: 17 parameters.
    pub struct Mlp {
        fc: Dense<2, 3>,
        act: Tanh,
        out: Dense<3, 2>,
    }

    /// Batch normalization between ReLU layers: buffers to keep finite.
    pub struct Normed {
        fc: Dense<2, 3>,
        bn: BatchNorm<3>,
        act: ReLU,
        out: Dense<3, 2>,
    }

    /// The other activations and softmax.
    pub struct Mixed {
        fc: Dense<2, 4>,
        leaky: LeakyReLU(negative_slope = 0.2),
        mid: Dense<4, 4>,
        sig: Sigmoid,
        id: Identity,
        out: Dense<4, 2>,
        soft: Softmax,
    }

    /// A recurrent layer over 2 steps of 1 feature.
    pub struct Recurrent {
        rnn: Rnn<1, 3, 2>,
        out: Dense<3, 2>,
    }
}
