//! A convolution takes `C_IN x L` (or `C_IN x H x W`) inputs: a width that
//! does not chain names both widths and the layer.
use constnet::prelude::*;

network! {
    pub struct Net {
        embed: Dense<2, 12>,
        conv: Conv1d<2, 4, 3, 8>,
        out: Dense<24, 1>,
    }
}

network! {
    pub struct Image {
        embed: Dense<2, 16>,
        conv: Conv2d<1, 2, 3, 3, 5, 5>(padding = 1),
        out: Dense<50, 1>,
    }
}

fn main() {}
