//! An activation cannot fix the input width of a network.
use constnet::prelude::*;

network! {
    pub struct Net {
        act: ReLU,
        out: Dense<2, 1>,
    }
}

fn main() {}
