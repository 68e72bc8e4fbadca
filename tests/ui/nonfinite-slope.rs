//! A value the macro cannot read is checked when the compiler evaluates the
//! layer's configuration constant.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2, 8>,
        act: LeakyReLU(negative_slope = f64::NAN),
        out: Dense<8, 1>,
    }
}

fn main() {}
