//! Only the first argument may be positional.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2, 8>(Init::Zeros, Init::Zeros),
        out: Dense<8, 1>,
    }
}

fn main() {}
