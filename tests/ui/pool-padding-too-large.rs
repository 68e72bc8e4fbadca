//! PyTorch allows a pooling padding of at most half the kernel.
use constnet::prelude::*;

network! {
    pub struct Net {
        embed: Dense<2, 8>,
        pool: AvgPool1d<1, 8, 2>(padding = 2),
        out: Dense<5, 1>,
    }
}

fn main() {}
