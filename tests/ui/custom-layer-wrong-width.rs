//! A layer type of your own whose input width does not match: reported at
//! the layer, with both widths and the fix.
use constnet::prelude::*;

#[path = "support/scaled.rs"]
mod layers;

network! {
    pub struct Net {
        hidden: Dense<2, 8>,
        mix: layers::Scaled<4>(factor = 0.5),
        out: Dense<4, 1>,
    }
}

fn main() {}
