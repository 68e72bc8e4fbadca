//! The scalar parameter is added by the macro, not written.
use constnet::prelude::*;

network! {
    pub struct Net<T> {
        hidden: Dense<2, 8>,
        out: Dense<8, 1>,
    }
}

fn main() {}
