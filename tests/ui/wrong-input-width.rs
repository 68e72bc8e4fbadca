//! A batch of 3-feature samples fed to a network with 2 inputs.
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
    let _ = net.forward(&SMatrix::<f32, 3, 1>::zeros());
}
