//! A network without layers.
use constnet::prelude::*;

network! {
    pub struct Net {}
}

fn main() {}
