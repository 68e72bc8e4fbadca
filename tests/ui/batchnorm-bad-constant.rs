//! A batch-norm setting given through a constant is checked by the
//! compiler: a momentum outside [0, 1] is a compile error.
use constnet::prelude::*;

const MOMENTUM: f64 = 1.5;

network! {
    /// A dense layer followed by batch normalization.
    struct Net {
        fc: Dense<2, 3>,
        bn: BatchNorm<3>(momentum = MOMENTUM),
    }
}

fn main() {
    let _ = Net::<f32>::seeded(0);
}
