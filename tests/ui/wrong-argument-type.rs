//! An initializer argument that is not an `Init`.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2, 8>(weight_init = 0.5),
        out: Dense<8, 1>,
    }
}

fn main() {}
