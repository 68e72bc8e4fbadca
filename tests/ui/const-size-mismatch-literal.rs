//! Sizes the macro cannot compare (a literal against a constant, braced
//! expressions): the compiler does, through assertions spanned on the
//! sizes. Every failing one is reported, and the generated wiring itself
//! still type-checks, so these are the only errors.
use constnet::prelude::*;

const HIDDEN: usize = 8;

network! {
    pub struct Net {
        hidden: Dense<2, HIDDEN>,
        act: ReLU,
        mid: Dense<16, { HIDDEN / 2 }>,
        out: Dense<{ HIDDEN }, 1>,
    }
}

fn main() {}
