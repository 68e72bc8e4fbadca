// `quantize` on a network of int8-capable layers (a batch norm folded into
// the dense layer before it), next to declarations whose layers have no
// int8 form: those compile unchanged. The int8 network lives in a `static`.
use constnet::prelude::*;

network! {
    struct Small {
        fc: Dense<2, 4>,
        bn: BatchNorm<4>,
        act: ReLU,
        out: Dense<4, 3>,
        prob: Softmax,
    }

    struct Recurrent {
        lstm: Lstm<2, 3, 4>,
        out: Dense<3, 1>,
    }

    struct Pooled {
        pool: MaxPool1d<1, 4, 2>,
        out: Dense<2, 1>,
    }
}

static ZERO: SmallQ8 = SmallQ8::from_parts(
    constnet::quant::Then {
        first: constnet::quant::Int8Dense {
            weights: [[0; 2]; 4],
            bias: [0; 4],
            multipliers: [1 << 30; 4],
            shifts: [0; 4],
            input_zero_point: 0,
            output_zero_point: 0,
        },
        rest: constnet::quant::Then {
            first: constnet::quant::Int8Clamp { min: 0, max: 127 },
            rest: constnet::quant::Then {
                first: constnet::quant::Int8Dense {
                    weights: [[0; 4]; 3],
                    bias: [0; 3],
                    multipliers: [1 << 30; 3],
                    shifts: [0; 3],
                    input_zero_point: 0,
                    output_zero_point: 0,
                },
                rest: constnet::quant::Int8Softmax {
                    params: constnet::quant::SoftmaxParams {
                        multiplier: 1 << 30,
                        left_shift: 0,
                        diff_min: -128,
                    },
                },
            },
        },
    },
    constnet::quant::ActivationParams::fixed(1.0, 0),
    constnet::quant::ActivationParams::fixed(1.0 / 256.0, -128),
);

fn main() {
    let net = Small::<f32>::seeded(1);
    let samples = [[0.5_f32, -0.5], [1.0, 0.25], [-1.0, 0.0]];
    let q: SmallQ8 = net.quantize(&Calibration::new(&samples)).unwrap();
    let mut y = [0_i8; 3];
    q.forward(&[0, 0], &mut y);
    ZERO.forward(&[0, 0], &mut y);
    let _ = (Recurrent::<f32>::seeded(2), Pooled::<f32>::seeded(3));
}
