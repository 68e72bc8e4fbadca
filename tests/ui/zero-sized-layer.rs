//! A layer with a size of zero.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2, 0>,
    }
}

fn main() {}
