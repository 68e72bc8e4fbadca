// A network with a recurrent layer compiles (forward, training, Hessians),
// and its generated `NetQ8` type exists; a recurrent layer has no int8
// form, so calling `quantize` on it is the error, at the call.
use constnet::prelude::*;

network! {
    struct Recurrent {
        rnn: Rnn<1, 2, 4>,
        out: Dense<2, 1>,
    }
}

fn main() {
    let net = Recurrent::<f32>::seeded(1);
    let samples = [[0.5_f32, -0.5, 0.25, 1.0]];
    let _ = net.quantize(&Calibration::new(&samples));
}
