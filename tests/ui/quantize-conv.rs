// A network with a convolution compiles (forward, training, Hessians), and
// its generated `NetQ8` type exists; a convolution has no int8 form, so
// calling `quantize` on it is the error, at the call.
use constnet::prelude::*;

network! {
    struct Convolved {
        conv: Conv1d<1, 2, 2, 4>,
        act: ReLU,
        out: Dense<6, 1>,
    }
}

fn main() {
    let net = Convolved::<f32>::seeded(1);
    let samples = [[0.5_f32, -0.5, 0.25, 1.0]];
    let _ = net.quantize(&Calibration::new(&samples));
}
