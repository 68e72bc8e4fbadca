//! Two networks of the same name in one invocation: one error, at the
//! second name.
use constnet::prelude::*;

network! {
    pub struct Net {
        fc: Dense<2, 1>,
    }

    pub struct Net {
        fc: Dense<3, 1>,
    }
}

fn main() {}
