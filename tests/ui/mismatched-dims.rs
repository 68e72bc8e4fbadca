//! Layers that do not chain: `hidden` outputs 8, `out` expects 16.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2, 8>,
        act: Tanh,
        out: Dense<16, 1>,
    }
}

fn main() {}
