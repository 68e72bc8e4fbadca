//! An `Rnn` whose `IN x STEPS` input width comes from a constant and does
//! not match the previous layer: reported by the assertion on `IN`.
use constnet::prelude::*;

const STEPS: usize = 4;

network! {
    pub struct Net {
        embed: Dense<2, 6>,
        rnn: Rnn<2, 8, STEPS>,
        out: Dense<8, 1>,
    }
}

fn main() {}
