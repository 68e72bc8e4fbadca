//! Sizes that are not positive integers, constants or braced expressions.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2.5, 8>,
        out: Dense<8, -1>,
    }
}

fn main() {}
