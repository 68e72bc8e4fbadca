//! An initializer argument that is not an `Init`: the compiler checks the
//! value's type in the layer's configuration constant, on the value.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2, 8>(weight_init = "xavier"),
        out: Dense<8, 1>,
    }
}

fn main() {}
