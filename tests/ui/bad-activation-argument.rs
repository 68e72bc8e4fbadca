//! A parameterised activation given a value of the wrong type.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2, 8>,
        act: LeakyReLU(negative_slope = "steep"),
        out: Dense<8, 1>,
    }
}

fn main() {}
