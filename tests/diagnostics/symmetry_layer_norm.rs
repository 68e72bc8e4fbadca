//! Permutation symmetry through layer normalization: LayerNorm mixes a
//! sample's features only through their mean and variance, which are
//! symmetric in the features, so permuting the units of the `Dense` layer
//! before it together with LayerNorm's `weight` and `bias` leaves the
//! function unchanged. Negating one unit moves every feature's statistics,
//! so sign flips are refused. Checked on outputs, the training-mode
//! gradient and a Hessian-vector product.

use crate::common::{assert_all_close, random_matrix, random_vec};
use constnet::diagnostics::SymmetryCount;
use constnet::diagnostics::symmetry::{
    HiddenLayer, Symmetry, equivalent_parameterizations, flip_units, permute_units,
};
use constnet::prelude::*;

network! {
    /// Dense, LayerNorm, Tanh, Dense. P = 20 + 10 + 12.
    struct LayerNormed {
        fc1: Dense<3, 5>,
        ln: LayerNorm<5>,
        act: Tanh,
        out: Dense<5, 2>,
    }
}

const P: usize = 42;
const ROUNDING: f64 = 1e-12;

fn layers() -> &'static [constnet::network::LayerInfo] {
    <LayerNormed as Network<f32, 3, 2, P>>::LAYERS
}

/// A seeded network whose LayerNorm weight and bias are away from 1 and 0.
fn network(seed: u64) -> LayerNormed<f64> {
    let mut net = LayerNormed::<f64>::seeded(seed);
    let mut rng = Rng::seed_from(seed + 1000);
    for tensor in LayerNormed::<f64>::parameter_tensors().filter(|t| t.layer == "ln") {
        for p in &mut net.parameters_mut()[tensor.range()] {
            *p = rng.uniform_in(-1.5, 1.5);
        }
    }
    net
}

#[test]
fn units_before_layer_norm_are_interchangeable_but_not_negatable() {
    let hidden = HiddenLayer::named(layers(), "fc1").unwrap();
    assert_eq!(
        (hidden.units(), hidden.is_odd(), hidden.next().name),
        (5, false, "out")
    );
    let between: Vec<&str> = hidden.between().iter().map(|l| l.kind).collect();
    assert_eq!(between, ["LayerNorm", "Tanh"]);
    let count = |s| -> SymmetryCount { equivalent_parameterizations(layers(), s).unwrap() };
    assert_eq!(count(Symmetry::Permutations).to_u128(), Some(120));
    assert_eq!(
        count(Symmetry::PermutationsAndSignFlips).to_u128(),
        Some(120)
    );

    let mut rng = Rng::seed_from(4);
    let perm = [3, 0, 4, 1, 2];
    for seed in 0..3 {
        let net = network(seed);
        let mut moved = net.clone();
        permute_units(&mut moved, "fc1", &perm).unwrap();
        assert_ne!(moved.parameters(), net.parameters());
        let x: SMatrix<f64, 3, 4> = random_matrix(&mut rng, 1.5);
        let targets: [[f64; 2]; 4] = core::array::from_fn(|_| random_vec(&mut rng, 1.0));
        assert_all_close(
            moved.forward(&x).as_slice(),
            net.forward(&x).as_slice(),
            ROUNDING,
            "output",
        );
        // The gradient and H v move with the parameters: g'(P theta) = P g(theta).
        let v: [f64; P] = random_vec(&mut rng, 1.0);
        let mut moved_v = v;
        hidden.permute_parameters(&mut moved_v, &perm).unwrap();
        let (mut g, mut hv, mut g2, mut hv2) = ([0.0; P], [0.0; P], [0.0; P], [0.0; P]);
        let loss = net
            .hessian_vector_product(&Mse, &x, &targets, &v, &mut g, &mut hv)
            .unwrap();
        let moved_loss = moved
            .hessian_vector_product(&Mse, &x, &targets, &moved_v, &mut g2, &mut hv2)
            .unwrap();
        assert!((loss - moved_loss).abs() < ROUNDING, "loss");
        hidden.permute_parameters(&mut g, &perm).unwrap();
        hidden.permute_parameters(&mut hv, &perm).unwrap();
        assert_all_close(&g2, &g, ROUNDING, "gradient");
        assert_all_close(&hv2, &hv, ROUNDING, "Hessian-vector product");

        let mut flipped = net.clone();
        let flips = [true, false, false, false, false];
        assert!(flip_units(&mut flipped, "fc1", &flips).is_err());
        assert_eq!(
            flipped.parameters(),
            net.parameters(),
            "a refused flip changes nothing"
        );
    }
}
