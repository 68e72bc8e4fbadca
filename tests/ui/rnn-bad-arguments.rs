//! An `Rnn` reads `IN x STEPS` features: 6 is not a multiple of 4 steps;
//! and `sequence` changes the output width, so it must be a literal bool.
use constnet::prelude::*;

network! {
    pub struct Net {
        embed: Dense<2, 6>,
        rnn: Rnn<2, 8, 4>(sequence = 1),
        out: Dense<8, 1>,
    }
}

fn main() {}
