//! A pooling stride and padding are generic arguments: whole numbers only,
//! and the input width must be `C x H x W`.
use constnet::prelude::*;

network! {
    pub struct Net {
        embed: Dense<2, 16>,
        pool: MaxPool2d<1, 4, 4, 2>(stride = 1.5, padding = true),
        out: Dense<4, 1>,
    }
}

network! {
    pub struct Mismatch {
        embed: Dense<2, 12>,
        pool: MaxPool2d<1, 4, 4, 2>,
        out: Dense<4, 1>,
    }
}

fn main() {}
