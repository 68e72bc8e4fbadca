//! Samples as rows (a 4 x 2 batch) instead of columns (2 x 4).
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
    let rows = SMatrix::<f32, 4, 2>::zeros();
    let _ = net.forward(&rows);
}
