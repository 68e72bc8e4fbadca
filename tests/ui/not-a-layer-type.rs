//! A path to a type that is not a layer: the compiler says so at the path.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2, 8>,
        text: std::string::String,
        out: Dense<8, 1>,
    }
}

fn main() {}
