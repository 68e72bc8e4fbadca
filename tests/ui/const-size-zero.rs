//! A size given through a constant that is 0: caught by the compile-time
//! assertion the macro emits, on the size.
use constnet::prelude::*;

const HIDDEN: usize = 0;

network! {
    pub struct Net {
        hidden: Dense<2, HIDDEN>,
        out: Dense<HIDDEN, 1>,
    }
}

fn main() {}
