//! A valid declaration using constants, braced sizes, doc comments,
//! attributes and every activation; two networks in one invocation.
#![deny(warnings)]

use constnet::prelude::*;

const INPUTS: usize = 3;
const HIDDEN: usize = 4;

mod sizes {
    pub const CLASSES: usize = 3;
}

network! {
    /// Every activation between constant-sized layers.
    #[repr(C)]
    pub struct Wide {
        /// The first layer, sized by constants.
        hidden: Dense<INPUTS, HIDDEN>(weight_init = Init::Normal { mean: 0.0, std: 0.1 }),
        /// A pass-through.
        id: Identity,
        relu: ReLU,
        mid: Dense<HIDDEN, { 2 * HIDDEN }>(Init::TorchDefault, bias_init = Init::Zeros),
        leaky: LeakyReLU(0.2),
        leaky_default: LeakyReLU,
        mid2: Dense<{ 2 * HIDDEN }, 8>,
        tanh: Tanh,
        sigmoid: Sigmoid,
        out: Dense<8, { sizes::CLASSES }>,
        /// Probabilities out.
        softmax: Softmax,
    }

    /// A second network in the same invocation.
    pub(crate) struct Small {
        fc: Dense<2, 1>(bias_init = Init::Zeros,),
    }
}

fn main() {
    assert_eq!(<Wide>::INPUT, 3);
    assert_eq!(<Wide>::OUTPUT, 3);
    assert_eq!(<Wide>::PARAMS, 4 * 3 + 4 + 8 * 4 + 8 + 8 * 8 + 8 + 3 * 8 + 3);
    assert_eq!(<Small>::PARAMS, 3);

    let net = Wide::<f64>::seeded(1);
    let x = SMatrix::<f64, 3, 2>::from_column_slice(&[0.1, -0.2, 0.3, 1.0, 0.5, -1.0]);
    let y: SMatrix<f64, 3, 2> = net.forward(&x);
    for column in y.column_iter() {
        assert!((column.sum() - 1.0).abs() < 1e-12, "softmax columns sum to 1");
    }
    let small = Small::<f32>::seeded(2);
    assert_eq!(small.parameters()[2], 0.0, "bias_init = Init::Zeros");
}
