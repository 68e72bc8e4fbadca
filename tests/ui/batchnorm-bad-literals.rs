//! `eps` must be positive and `momentum` in [0, 1].
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2, 8>,
        bn: BatchNorm<8>(eps = 0.0, momentum = 1.5),
        out: Dense<8, 1>,
    }
}

fn main() {}
