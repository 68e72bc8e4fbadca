//! The result of `forward` bound to a matrix of the wrong width.
use constnet::prelude::*;

network! {
    pub struct Net {
        hidden: Dense<2, 8>,
        act: Tanh,
        out: Dense<8, 1>,
    }
}

fn main() {
    let net = Net::<f32>::seeded(0);
    let _y: SMatrix<f32, 2, 1> = net.forward(&SMatrix::<f32, 2, 1>::zeros());
}
