//! The same argument twice, once by position and once by name.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2, 8>(Init::Zeros, weight_init = Init::Zeros),
        act: LeakyReLU(negative_slope = 0.1, negative_slope = 0.2),
        out: Dense<8, 1>,
    }
}

fn main() {}
