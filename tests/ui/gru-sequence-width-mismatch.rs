//! A `Gru` emitting its whole sequence (`sequence = true`, HIDDEN x STEPS
//! values) read by a layer that expects only the last state: the message
//! names both computed widths.
use constnet::prelude::*;

network! {
    pub struct Net {
        gru: Gru<2, 4, 5>(sequence = true),
        out: Dense<4, 1>,
    }
}

fn main() {}
