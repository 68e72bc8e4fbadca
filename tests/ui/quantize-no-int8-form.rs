// A network with a layer that has no int8 form (here a layer norm)
// compiles, and its generated `NetQ8` type exists; calling `quantize` on
// it is the error, at the call.
use constnet::prelude::*;

network! {
    struct Normalized {
        fc: Dense<2, 4>,
        norm: LayerNorm<4>,
        out: Dense<4, 1>,
    }
}

fn main() {
    let net = Normalized::<f32>::seeded(1);
    let samples = [[0.5_f32, -0.5]];
    let _ = net.quantize(&Calibration::new(&samples));
}
