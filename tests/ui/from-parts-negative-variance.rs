//! A trained network written as a `static` (as `interop::rust_source`
//! writes one for flash) is checked by the compiler: a negative running
//! variance is a compile error, not a NaN at inference.
use constnet::prelude::*;

network! {
    /// A dense layer followed by batch normalization.
    pub struct Net {
        fc: Dense<2, 2>,
        bn: BatchNorm<2>,
    }
}

static MODEL: Net<f32> = Net::<f32>::from_parts(
    [0.5, -0.5, 0.25, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0],
    [0.0, 0.0, 1.0, -0.5],
    [3],
);

fn main() {
    let _ = MODEL.forward(&SMatrix::<f32, 2, 1>::new(1.0, 2.0));
}
