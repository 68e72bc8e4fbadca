//! `p` must be in [0, 1): 1 (every value dropped, the rest scaled by 1 / 0)
//! and a negative probability are refused at the argument.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2, 4>,
        all: Dropout(p = 1.0),
        negative: Dropout(-0.5),
        out: Dense<4, 1>,
    }
}

fn main() {}
