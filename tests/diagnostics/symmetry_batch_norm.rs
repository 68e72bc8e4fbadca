//! Permutation symmetry through batch normalization, on a declared network:
//! a hidden unit carries its batch-norm gamma, beta, running mean and
//! running variance along; through `BatchNorm` then `Tanh` a unit can also
//! be negated (beta and the running mean change sign). Checked in both
//! modes (batch statistics and running statistics), on the gradient and
//! Hessian-vector products of the training-mode loss, and through a
//! training step, whose buffer update must commute with the symmetry.

use crate::common::{assert_all_close, random_matrix, random_vec};
use constnet::diagnostics::SymmetryCount;
use constnet::diagnostics::symmetry::{
    HiddenLayer, Symmetry, SymmetryError, canonicalize, distance_modulo_symmetry,
    equivalent_parameterizations, flip_units, permute_units,
};
use constnet::layer::Zeroed;
use constnet::prelude::*;

network! {
    /// Two hidden layers with batch normalization: the first odd (BatchNorm,
    /// Tanh), the second not (BatchNorm, ReLU).
    struct Normed {
        fc1: Dense<3, 6>,
        bn1: BatchNorm<6>,
        t1: Tanh,
        fc2: Dense<6, 4>,
        bn2: BatchNorm<4>(momentum = None),
        r2: ReLU,
        out: Dense<4, 2>,
    }
}

const P: usize = 82;
const ROUNDING: f64 = 1e-12;

fn layers() -> &'static [constnet::network::LayerInfo] {
    <Normed as Network<f32, 3, 2, P>>::LAYERS
}

/// A seeded network with running statistics away from their initial 0 and 1.
fn network(seed: u64) -> Normed<f64> {
    let mut net = Normed::<f64>::seeded(seed);
    let mut rng = Rng::seed_from(seed + 1000);
    for tensor in Normed::<f64>::buffer_tensors() {
        let (low, high) = if tensor.shape.name == "running_var" {
            (0.5, 2.0)
        } else {
            (-1.0, 1.0)
        };
        for b in &mut net.buffers_mut()[tensor.range()] {
            *b = rng.uniform_in(low, high);
        }
    }
    net
}

/// A permutation (and, for `fc1`, sign flips) of both hidden layers, as a
/// map on the network and on parameter-space and buffer vectors.
struct Moves {
    perm1: Vec<usize>,
    flips1: Vec<bool>,
    perm2: Vec<usize>,
}

impl Moves {
    fn random(rng: &mut Rng) -> Self {
        let mut perm1: Vec<usize> = (0..6).collect();
        let mut perm2: Vec<usize> = (0..4).collect();
        rng.shuffle(&mut perm1);
        rng.shuffle(&mut perm2);
        let mut flips1: Vec<bool> = (0..6).map(|_| rng.sign() < 0.0).collect();
        flips1[0] = true;
        Self {
            perm1,
            flips1,
            perm2,
        }
    }

    fn apply_to_network(&self, net: &mut Normed<f64>) {
        permute_units(net, "fc1", &self.perm1).unwrap();
        flip_units(net, "fc1", &self.flips1).unwrap();
        permute_units(net, "fc2", &self.perm2).unwrap();
    }

    fn apply_to_parameters(&self, v: &mut [f64]) {
        let (h1, h2) = hidden();
        h1.permute_parameters(v, &self.perm1).unwrap();
        h1.flip_parameters(v, &self.flips1).unwrap();
        h2.permute_parameters(v, &self.perm2).unwrap();
    }

    fn apply_to_buffers(&self, b: &mut [f64]) {
        let (h1, h2) = hidden();
        h1.permute_buffers(b, &self.perm1).unwrap();
        h1.flip_buffers(b, &self.flips1).unwrap();
        h2.permute_buffers(b, &self.perm2).unwrap();
    }
}

fn hidden() -> (HiddenLayer, HiddenLayer) {
    (
        HiddenLayer::named(layers(), "fc1").unwrap(),
        HiddenLayer::named(layers(), "fc2").unwrap(),
    )
}

#[test]
fn hidden_layers_through_batch_norm_are_found_and_counted() {
    let (h1, h2) = hidden();
    assert_eq!((h1.units(), h1.is_odd(), h1.next().name), (6, true, "fc2"));
    assert_eq!((h2.units(), h2.is_odd(), h2.next().name), (4, false, "out"));
    let between: Vec<&str> = h1.between().iter().map(|l| l.kind).collect();
    assert_eq!(between, ["BatchNorm", "Tanh"]);
    let count = |s| -> SymmetryCount { equivalent_parameterizations(layers(), s).unwrap() };
    assert_eq!(count(Symmetry::Permutations).to_u128(), Some(720 * 24)); // 6! 4!
    assert_eq!(
        count(Symmetry::PermutationsAndSignFlips).to_u128(),
        Some(720 * 64 * 24) // 6! 2^6 4!: ReLU after bn2 is not odd
    );
    let mut net = network(0);
    assert_eq!(
        flip_units(&mut net, "fc2", &[true; 4]),
        Err(Error::Symmetry(SymmetryError::NotOdd {
            layer: "fc2",
            by: "r2",
            kind: "ReLU"
        }))
    );
}

#[test]
fn both_modes_the_gradient_and_the_hessian_follow_the_units() {
    for seed in 0..3 {
        let net = network(seed);
        let mut rng = Rng::seed_from(50 + seed);
        let moves = Moves::random(&mut rng);
        let mut moved = net.clone();
        moves.apply_to_network(&mut moved);
        let mut expected_buffers = net.buffers().to_vec();
        moves.apply_to_buffers(&mut expected_buffers);
        assert_eq!(moved.buffers(), &expected_buffers[..]);
        assert_ne!(moved.buffers(), net.buffers());

        let x: SMatrix<f64, 3, 6> = random_matrix(&mut rng, 2.0);
        // Inference: running statistics.
        assert_all_close(
            moved.forward(&x).as_slice(),
            net.forward(&x).as_slice(),
            ROUNDING,
            "inference",
        );
        // Training mode: batch statistics.
        let (mut cache, mut moved_cache) = (NormedCache::zeroed(), NormedCache::zeroed());
        let y = net.forward_train(&x, &mut cache);
        let y_moved = moved.forward_train(&x, &mut moved_cache);
        assert_all_close(
            y_moved.as_slice(),
            y.as_slice(),
            ROUNDING,
            "training forward",
        );

        let targets: [[f64; 2]; 6] = core::array::from_fn(|_| random_vec(&mut rng, 1.0));
        let v: [f64; P] = random_vec(&mut rng, 1.0);
        let (mut g, mut hv) = ([0.0; P], [0.0; P]);
        net.hessian_vector_product(&Mse, &x, &targets, &v, &mut g, &mut hv)
            .unwrap();
        let mut sv = v;
        moves.apply_to_parameters(&mut sv);
        let (mut g_moved, mut hv_moved) = ([0.0; P], [0.0; P]);
        moved
            .hessian_vector_product(&Mse, &x, &targets, &sv, &mut g_moved, &mut hv_moved)
            .unwrap();
        moves.apply_to_parameters(&mut g);
        moves.apply_to_parameters(&mut hv);
        assert_all_close(&g_moved, &g, ROUNDING, "gradient S g");
        assert_all_close(&hv_moved, &hv, ROUNDING, "S H S^T (S v)");
    }
}

#[test]
fn a_training_step_commutes_with_the_symmetry_running_statistics_included() {
    let net = network(7);
    let mut rng = Rng::seed_from(70);
    let moves = Moves::random(&mut rng);
    let mut moved = net.clone();
    moves.apply_to_network(&mut moved);
    let x: SMatrix<f64, 3, 5> = random_matrix(&mut rng, 2.0);
    let targets: [[f64; 2]; 5] = core::array::from_fn(|_| random_vec(&mut rng, 1.0));
    let step = |net: &mut Normed<f64>| {
        let mut sgd = Sgd::<f64, P>::new(SgdConfig {
            lr: 0.3,
            momentum: 0.9,
            weight_decay: 0.01,
            ..SgdConfig::default()
        })
        .unwrap();
        for _ in 0..3 {
            let mut cache = NormedCache::<f64, 5>::zeroed();
            let output = net.forward_train(&x, &mut cache);
            let mut d_output = SMatrix::<f64, 2, 5>::zeros();
            Mse.loss_and_gradient(&output, &targets, &mut d_output);
            let mut grad = [0.0; P];
            net.backward(&mut cache, &d_output, &mut grad);
            sgd.step(net.parameters_mut(), &grad);
            net.update_buffers(&cache);
        }
    };
    let mut trained = net.clone();
    step(&mut trained);
    step(&mut moved);
    let mut expected = *trained.parameters();
    moves.apply_to_parameters(&mut expected);
    assert_all_close(
        moved.parameters(),
        &expected,
        1e-11,
        "parameters after training",
    );
    let mut expected_buffers = trained.buffers().to_vec();
    moves.apply_to_buffers(&mut expected_buffers);
    assert_all_close(
        moved.buffers(),
        &expected_buffers,
        1e-11,
        "running statistics",
    );
    assert_eq!(moved.batches_tracked(), [3, 3]);
}

#[test]
fn a_scrambled_copy_has_the_same_canonical_parameters_and_buffers() {
    let signs = Symmetry::PermutationsAndSignFlips;
    for seed in 0..3 {
        let net = network(seed);
        let mut moved = net.clone();
        Moves::random(&mut Rng::seed_from(90 + seed)).apply_to_network(&mut moved);
        assert_eq!(distance_modulo_symmetry(&net, &moved, signs), 0.0);
        let (mut a, mut b) = (net.clone(), moved);
        canonicalize(&mut a, signs);
        canonicalize(&mut b, signs);
        assert_eq!(a.parameters(), b.parameters());
        assert_eq!(a.buffers(), b.buffers());
        let x: SMatrix<f64, 3, 4> = random_matrix(&mut Rng::seed_from(seed), 2.0);
        assert_all_close(
            a.forward(&x).as_slice(),
            net.forward(&x).as_slice(),
            ROUNDING,
            "canonical form computes the same function",
        );
    }
}
