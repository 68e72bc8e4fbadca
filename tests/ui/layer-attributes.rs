//! Attributes other than doc comments on a layer are refused, never dropped:
//! a `#[cfg]` would change the widths after the layer.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2, 8>,
        #[cfg(any())]
        act: Tanh,
        #[allow(unused)]
        out: Dense<8, 1>,
    }
}

fn main() {}
