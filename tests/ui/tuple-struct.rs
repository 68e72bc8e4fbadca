//! A tuple struct: not a network, and the message says what to write.
use constnet::prelude::*;

network! {
    pub struct Net(Dense<2, 1>);
}

fn main() {}
