//! Too few sizes for `Dense`, too many for an activation.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2>,
        act: Tanh<8>,
        out: Dense<8, 1, 1>,
    }
}

fn main() {}
