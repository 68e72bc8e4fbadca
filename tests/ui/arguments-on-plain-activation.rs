//! An activation without settings given an argument.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2, 8>,
        act: Tanh(2.0),
        out: Dense<8, 1>,
    }
}

fn main() {}
