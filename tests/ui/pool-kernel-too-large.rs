//! A 3x3 window does not fit a 2x2 map: the message names the sizes and the
//! output height it would give.
use constnet::prelude::*;

network! {
    pub struct Net {
        embed: Dense<2, 4>,
        pool: MaxPool2d<1, 2, 2, 3>,
        out: Dense<1, 1>,
    }
}

fn main() {}
