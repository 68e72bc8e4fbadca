//! Several mistakes in one declaration are all reported by one build.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2, 8>,
        act: Relu,
        mid: Dense<4, 4>,
        mid: Dense<4, 0>,
        act2: LeakyReLU(negative_slope = true),
        out: Dense<4, 1>(bias = Init::Zeros),
    }
}

fn main() {}
