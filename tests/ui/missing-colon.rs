//! A syntax error: the macro's parser points at the token it did not expect.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden Dense<2, 8>,
    }
}

fn main() {}
