//! A layer type of your own in a declaration, by path: forward, training,
//! the Hessian (through the trait's default block methods) and the
//! symmetry tools (which see through it by its roles) all work; and two
//! networks whose names differ only in case live in one module.
use constnet::diagnostics::symmetry::{HiddenLayer, permute_units};
use constnet::prelude::*;

#[path = "support/scaled.rs"]
mod layers;

network! {
    /// Dense, then the custom scale, then Tanh.
    pub struct Pair {
        hidden: Dense<2, 4>,
        mix: layers::Scaled<4>(factor = 0.5),
        act: Tanh,
        out: Dense<4, 1>,
    }

    /// The same name in capitals.
    pub struct PAIR {
        fc: Dense<2, 1>,
    }
}

fn main() {
    let mut net = Pair::<f64>::seeded(1);
    let x = SMatrix::<f64, 2, 3>::from_column_slice(&[0.1, 0.2, -0.3, 0.4, 0.5, -0.6]);
    let targets = [[0.5], [-0.5], [0.25]];
    let hessian = net.hessian(&Mse, &x, &targets).expect("a finite Hessian");
    assert_eq!(hessian.matrix.nrows(), <Pair>::PARAMS);
    let layers = <Pair<f64> as Network<f64, 2, 1, 21>>::LAYERS;
    assert_eq!((layers[1].kind, layers[1].params), ("Scaled", 4));
    let hidden = HiddenLayer::named(layers, "hidden").expect("a hidden layer");
    assert_eq!((hidden.next().name, hidden.is_odd()), ("out", true));
    let before = net.forward(&x);
    permute_units(&mut net, "hidden", &[3, 1, 0, 2]).expect("a permutation");
    let after = net.forward(&x);
    assert!((before - after).abs().max() < 1e-12, "the same function");
    let other = PAIR::<f32>::seeded(2);
    assert_eq!(<PAIR>::PARAMS, 3);
    let _ = other.forward(&SMatrix::<f32, 2, 1>::zeros());
}
