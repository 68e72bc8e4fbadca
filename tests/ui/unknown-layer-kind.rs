//! Layer kinds from other frameworks get a did-you-mean hint; an unknown
//! kind without a close match lists the known kinds.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Linear<2, 8>,
        act: Relu,
        conv: Conv3d<8, 8>,
        out: Dense<8, 1>,
    }
}

fn main() {}
