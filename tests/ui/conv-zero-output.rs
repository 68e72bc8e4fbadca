//! A kernel that does not fit the padded input: the message names the
//! sizes and the output length PyTorch's formula gives.
use constnet::prelude::*;

network! {
    pub struct Line {
        embed: Dense<2, 6>,
        conv: Conv1d<2, 4, 3, 3>(dilation = 2),
        out: Dense<4, 1>,
    }
}

network! {
    pub struct Image {
        embed: Dense<2, 16>,
        conv: Conv2d<1, 2, 5, 2, 4, 4>,
        out: Dense<6, 1>,
    }
}

fn main() {}
