//! Sizes given through constants that do not chain: caught by the
//! compile-time assertion the macro emits, on the offending size.
use constnet::prelude::*;

const HIDDEN: usize = 8;
const WIDE: usize = 16;

network! {
    pub struct Net {
        hidden: Dense<2, HIDDEN>,
        act: Tanh,
        out: Dense<WIDE, 1>,
    }
}

fn main() {}
