//! An `f64` batch fed to an `f32` network.
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
    let _ = net.forward(&SMatrix::<f64, 2, 4>::zeros());
}
