//! An argument the layer does not have.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2, 8>(init = Init::Zeros),
        act: LeakyReLU(slope = 0.2),
        out: Dense<8, 1>,
    }
}

fn main() {}
