//! `input` and `<layer>_cache` name fields of the training cache.
use constnet::prelude::*;

network! {
    pub struct Net {
        input: Dense<2, 8>,
        out: Dense<8, 1>,
        out_cache: Tanh,
    }
}

fn main() {}
