//! Two layers with the same name: their parameter names would clash.
use constnet::prelude::*;

network! {
    pub struct Net {
        fc: Dense<2, 8>,
        act: Tanh,
        fc: Dense<8, 1>,
    }
}

fn main() {}
