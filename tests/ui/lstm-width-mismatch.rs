//! An `Lstm` whose `IN x STEPS` input width does not match the previous
//! layer's output: the message names both computed widths.
use constnet::prelude::*;

network! {
    pub struct Net {
        embed: Dense<2, 10>,
        lstm: Lstm<3, 8, 4>,
        out: Dense<8, 1>,
    }
}

fn main() {}
