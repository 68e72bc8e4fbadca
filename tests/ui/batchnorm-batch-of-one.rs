//! Training a network with batch normalization on a batch of one sample is
//! refused at compile time; inference on one sample is fine.
use constnet::prelude::*;

network! {
    /// A dense layer followed by batch normalization.
    struct Net {
        fc: Dense<2, 3>,
        bn: BatchNorm<3>,
    }
}

fn main() {
    let net = Net::<f32>::seeded(0);
    let x = SMatrix::<f32, 2, 1>::zeros();
    let _ = net.forward(&x);
    let mut cache = Zeroed::zeroed();
    let _ = net.forward_train(&x, &mut cache);
}
