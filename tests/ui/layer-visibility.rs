//! Layers are not fields: no visibility.
use constnet::prelude::*;

network! {
    pub struct Net {
        pub hidden: Dense<2, 8>,
        out: Dense<8, 1>,
    }
}

fn main() {}
