//! A `where` clause on a network: not supported, and the message says what
//! to write.
use constnet::prelude::*;

network! {
    pub struct Net where f32: Copy {
        fc: Dense<2, 1>,
    }
}

fn main() {}
