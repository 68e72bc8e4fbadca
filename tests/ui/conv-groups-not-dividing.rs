//! `groups` must divide both channel counts, and stride, dilation and
//! groups are at least 1; a negative literal is no size.
use constnet::prelude::*;

network! {
    pub struct Grouped {
        embed: Dense<2, 24>,
        conv: Conv1d<3, 4, 3, 8>(groups = 2),
        out: Dense<24, 1>,
    }
}

network! {
    pub struct Outputs {
        embed: Dense<2, 32>,
        conv: Conv1d<4, 3, 3, 8>(groups = 2, padding = 1),
        out: Dense<24, 1>,
    }
}

network! {
    pub struct Still {
        embed: Dense<2, 16>,
        conv: Conv2d<1, 2, 3, 3, 4, 4>(stride = 0),
        out: Dense<8, 1>,
    }
}

network! {
    pub struct Negative {
        embed: Dense<2, 16>,
        conv: Conv1d<2, 2, 3, 8>(padding = -1),
        out: Dense<12, 1>,
    }
}

fn main() {}
