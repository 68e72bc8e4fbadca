//! `eps` must be positive and finite: zero, a negative value and one that
//! is 0 in f32 are refused at the argument, also through a constant.
use constnet::prelude::*;

const TINY: f64 = 1e-50;

network! {
    pub struct Net {
        hidden: Dense<2, 4>,
        zero: LayerNorm<4>(eps = 0.0),
        negative: LayerNorm<4>(eps = -1e-5),
        tiny: LayerNorm<4>(eps = TINY, elementwise_affine = false),
        out: Dense<4, 1>,
    }
}

fn main() {}
