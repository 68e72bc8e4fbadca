//! Permutation symmetry of recurrent layers and of layer tables written by
//! hand: an `Rnn`'s units move their rows, their recurrent column and their
//! reader's columns (every step's block when every state is output), what
//! mixes steps is refused, and batch-norm state moves with its unit.

use super::symmetry::{ROUNDING, assert_symmetric, random_flips, random_permutation};
use crate::common::{assert_all_close, random_matrix};
use constnet::diagnostics::SymmetryCount;
use constnet::diagnostics::symmetry::{
    HiddenLayer, Symmetry, SymmetryError, canonicalize_parameters, distance_modulo_symmetry,
    equivalent_parameterizations, flip_units, permute_units,
};
use constnet::layer::{Properties, TensorShape};
use constnet::network::LayerInfo;
use constnet::prelude::*;

network! {
    /// A dense embedding feeding a recurrent layer (3 features, 4 steps),
    /// then a hidden layer of 5 tanh units and the output.
    struct Recurrent {
        embed: Dense<2, 12>,
        act: Tanh,
        rnn: Rnn<3, 6, 4>,
        fc: Dense<6, 5>,
        t: Tanh,
        out: Dense<5, 1>,
    }

    /// A recurrent layer emitting every state (5 units over 3 steps),
    /// batch-normalized per unit and step, read by a second recurrent layer
    /// of 4 units, then the output.
    struct Stacked {
        first: Rnn<2, 5, 3>(sequence = true),
        bn: BatchNorm<15>,
        t: Tanh,
        second: Rnn<5, 4, 3>,
        out: Dense<4, 2>,
    }

    /// Three recurrent units over two steps of one feature, read by one
    /// output: small enough to follow every index by hand.
    struct TinyRnn {
        rnn: Rnn<1, 3, 2>,
        out: Dense<3, 1>,
    }

    /// Three recurrent units emitting both of their states, batch-normalized
    /// and read by one output: every step's block moves with the units.
    struct Emitting {
        rnn: Rnn<1, 3, 2>(sequence = true),
        bn: BatchNorm<6>,
        out: Dense<6, 1>,
    }
}

const fn info(
    name: &'static str,
    kind: &'static str,
    (inputs, outputs): (usize, usize),
    (param_offset, params): (usize, usize),
    (buffer_offset, buffers): (usize, usize),
    tensors: &'static [TensorShape],
    buffer_tensors: &'static [TensorShape],
) -> LayerInfo {
    LayerInfo {
        name,
        kind,
        properties: match kind.as_bytes() {
            b"Tanh" => Properties::NONE.elementwise().odd(),
            b"BatchNorm" => Properties::NONE.permutes_features().odd().train_differs(2),
            _ => Properties::NONE.odd(),
        },
        inputs,
        outputs,
        param_offset,
        params,
        buffer_offset,
        buffers,
        tensors,
        buffer_tensors,
        counter: None,
    }
}

#[test]
fn a_declared_recurrent_network_permutes_the_rnn_units_and_blocks_what_mixes_steps() {
    // embed: 24 + 12, rnn: 18 + 36 + 6, fc: 30 + 5, out: 5 + 1.
    let layers = <Recurrent as Network<f32, 2, 1, 137>>::LAYERS;
    let err = |r: constnet::Result<HiddenLayer>| match r {
        Err(Error::Symmetry(e)) => e,
        other => panic!("expected a symmetry error, got {other:?}"),
    };
    // The embedding's 12 features are 4 steps of 3 inputs: a permutation of
    // them mixes steps, which the recurrent layer does not commute with.
    assert_eq!(
        err(HiddenLayer::named(layers, "embed")),
        SymmetryError::Blocked {
            layer: "embed",
            by: "rnn",
            kind: "Rnn"
        }
    );
    let rnn = HiddenLayer::named(layers, "rnn").unwrap();
    assert_eq!((rnn.units(), rnn.steps(), rnn.next().name), (6, 1, "fc"));
    assert!(rnn.is_odd(), "the recurrent layer's own tanh is odd");
    let hidden: Vec<&str> = HiddenLayer::all(layers).map(|h| h.name()).collect();
    assert_eq!(hidden, ["rnn", "fc"]);
    let signed: SymmetryCount =
        equivalent_parameterizations(layers, Symmetry::PermutationsAndSignFlips).unwrap();
    assert_eq!(signed.to_u128(), Some(720 * 64 * 120 * 32)); // 6! 2^6 5! 2^5

    for seed in 0..3 {
        let net = Recurrent::<f64>::seeded(seed);
        let mut rng = Rng::seed_from(300 + seed);
        let perm = random_permutation(&mut rng, 6);
        let mut flips = random_flips(&mut rng, 6);
        flips[2] = true;
        let mut moved = net.clone();
        permute_units(&mut moved, "rnn", &perm).unwrap();
        flip_units(&mut moved, "rnn", &flips).unwrap();
        permute_units(&mut moved, "fc", &[4, 0, 3, 1, 2]).unwrap();
        flip_units(&mut moved, "fc", &[true, false, true, true, false]).unwrap();
        let fc = HiddenLayer::named(layers, "fc").unwrap();
        let map = |v: &mut [f64; 137]| {
            rnn.permute_parameters(v, &perm).unwrap();
            rnn.flip_parameters(v, &flips).unwrap();
            fc.permute_parameters(v, &[4, 0, 3, 1, 2]).unwrap();
            fc.flip_parameters(v, &[true, false, true, true, false])
                .unwrap();
        };
        assert_symmetric(&net, &moved, map, seed);
        let signs = Symmetry::PermutationsAndSignFlips;
        assert_eq!(distance_modulo_symmetry(&net, &moved, signs), 0.0);
        assert!(distance_modulo_symmetry(&net, &moved, Symmetry::Permutations) > 0.1);
    }
}

#[test]
fn recurrent_units_move_their_rows_their_recurrent_column_and_their_readers() {
    // rnn.weight_ih_l0 [3, 1] at 0, rnn.weight_hh_l0 [3, 3] at 3, rnn.bias [3]
    // at 12, out.weight [1, 3] at 15, out.bias at 18.
    let mut net = TinyRnn::<f64>::from_parameters(core::array::from_fn(|k| k as f64));
    permute_units(&mut net, "rnn", &[1, 0, 2]).unwrap();
    // W_hh becomes P W_hh P^T: new[i][j] = old[perm[i]][perm[j]], old[r][c] = 3 + 3r + c.
    let expected = [
        1., 0., 2., 7., 6., 8., 4., 3., 5., 10., 9., 11., 13., 12., 14., 16., 15., 17., 18.,
    ];
    assert_eq!(net.parameters(), &expected);
    flip_units(&mut net, "rnn", &[true, false, false]).unwrap();
    // Unit 0 negated: its W_ih row, W_hh row and column (the self-connection
    // twice, so it keeps its sign), bias and outgoing weight.
    let expected = [
        -1., 0., 2., 7., -6., -8., -4., 3., 5., -10., 9., 11., -13., 12., 14., -16., 15., 17., 18.,
    ];
    assert_eq!(net.parameters(), &expected);
    let count: SymmetryCount = equivalent_parameterizations(
        <TinyRnn as Network<f32, 2, 1, 19>>::LAYERS,
        Symmetry::PermutationsAndSignFlips,
    )
    .unwrap();
    assert_eq!(count.to_string(), "48"); // 3! 2^3
}

#[test]
fn a_recurrent_layer_emitting_every_state_moves_each_steps_block() {
    // rnn: W_ih 0..3, W_hh 3..12, bias 12..15; bn.weight 15..21, bn.bias
    // 21..27; out.weight 27..33 (columns s * 3 + i), out.bias 33. Buffers:
    // running_mean 0..6, running_var 6..12.
    let layers = <Emitting as Network<f32, 2, 1, 34>>::LAYERS;
    let rnn = HiddenLayer::named(layers, "rnn").unwrap();
    assert_eq!((rnn.units(), rnn.steps(), rnn.next().name), (3, 2, "out"));
    let mut net = Emitting::<f64>::from_parameters(core::array::from_fn(|k| k as f64));
    for (k, b) in net.buffers_mut().iter_mut().enumerate() {
        *b = 100.0 + k as f64;
    }
    permute_units(&mut net, "rnn", &[2, 1, 0]).unwrap();
    let p = net.parameters();
    assert_eq!(&p[0..3], &[2., 1., 0.]);
    assert_eq!(&p[3..12], &[11., 10., 9., 8., 7., 6., 5., 4., 3.]);
    assert_eq!(&p[12..15], &[14., 13., 12.]);
    assert_eq!(
        &p[15..27],
        &[17., 16., 15., 20., 19., 18., 23., 22., 21., 26., 25., 24.]
    );
    assert_eq!(&p[27..34], &[29., 28., 27., 32., 31., 30., 33.]);
    assert_eq!(
        net.buffers(),
        &[
            102., 101., 100., 105., 104., 103., 108., 107., 106., 111., 110., 109.
        ]
    );
    flip_units(&mut net, "rnn", &[false, true, false]).unwrap();
    let p = net.parameters();
    // Unit 1 at both steps: beta, running mean and outgoing weight negated.
    assert_eq!((p[22], p[25], p[28], p[31]), (-22., -25., -28., -31.));
    assert_eq!((p[16], p[19]), (16., 19.), "gamma keeps its sign");
    assert_eq!(
        (net.buffers()[1], net.buffers()[4], net.buffers()[7]),
        (-101., -104., 107.)
    );

    let net = Emitting::<f64>::seeded(5);
    let mut moved = net.clone();
    permute_units(&mut moved, "rnn", &[1, 2, 0]).unwrap();
    flip_units(&mut moved, "rnn", &[true, false, true]).unwrap();
    let map = |v: &mut [f64; 34]| {
        rnn.permute_parameters(v, &[1, 2, 0]).unwrap();
        rnn.flip_parameters(v, &[true, false, true]).unwrap();
    };
    assert_symmetric(&net, &moved, map, 5);
}

#[test]
fn stacked_recurrent_layers_permute_every_step_and_the_reader_input() {
    let layers = <Stacked as Network<f32, 6, 2, 120>>::LAYERS;
    let first = HiddenLayer::named(layers, "first").unwrap();
    assert_eq!(
        (
            first.units(),
            first.steps(),
            first.next().name,
            first.is_odd()
        ),
        (5, 3, "second", true)
    );
    let second = HiddenLayer::named(layers, "second").unwrap();
    assert_eq!(
        (second.units(), second.steps(), second.next().name),
        (4, 1, "out")
    );
    let count =
        |symmetry| -> SymmetryCount { equivalent_parameterizations(layers, symmetry).unwrap() };
    assert_eq!(count(Symmetry::Permutations).to_u128(), Some(120 * 24)); // 5! 4!
    assert_eq!(
        count(Symmetry::PermutationsAndSignFlips).to_u128(),
        Some(120 * 32 * 24 * 16) // 5! 2^5 4! 2^4
    );

    for seed in 0..3 {
        let mut net = Stacked::<f64>::seeded(seed);
        // Running statistics away from their initial values, so that
        // moving them wrongly would change the inference output.
        let mut rng = Rng::seed_from(400 + seed);
        for b in net.buffers_mut().iter_mut() {
            *b = rng.uniform_in(0.5, 1.5);
        }
        let perm = random_permutation(&mut rng, 5);
        let mut flips = random_flips(&mut rng, 5);
        flips[0] = true;
        let perm2 = random_permutation(&mut rng, 4);
        let mut moved = net.clone();
        permute_units(&mut moved, "first", &perm).unwrap();
        flip_units(&mut moved, "first", &flips).unwrap();
        permute_units(&mut moved, "second", &perm2).unwrap();
        let map = |v: &mut [f64; 120]| {
            first.permute_parameters(v, &perm).unwrap();
            first.flip_parameters(v, &flips).unwrap();
            second.permute_parameters(v, &perm2).unwrap();
        };
        // Training-mode derivatives through the batch statistics.
        assert_symmetric(&net, &moved, map, seed);
        // Inference with the running statistics: the buffers moved too.
        let x: SMatrix<f64, 6, 4> = random_matrix(&mut rng, 1.0);
        assert_all_close(
            moved.forward(&x).as_slice(),
            net.forward(&x).as_slice(),
            ROUNDING,
            "inference outputs",
        );
        let signs = Symmetry::PermutationsAndSignFlips;
        assert_eq!(distance_modulo_symmetry(&net, &moved, signs), 0.0);
    }
}

/// Dense 3 -> 4, Rnn over 4 -> 5, Dense 5 -> 1, as a layer table. The
/// tensors are named `a`, `b`, `c` on purpose: the tools read roles.
static WITH_RNN: [LayerInfo; 3] = [
    info(
        "embed",
        "Dense",
        (3, 4),
        (0, 16),
        (0, 0),
        &[
            TensorShape::incoming("a", 4, 3),
            TensorShape::unit_bias("b", 4),
        ],
        &[],
    ),
    info(
        "rnn",
        "Rnn",
        (4, 5),
        (16, 50),
        (0, 0),
        &[
            TensorShape::incoming("a", 5, 4),
            TensorShape::recurrent("b", 5),
            TensorShape::unit_bias("c", 5),
        ],
        &[],
    ),
    info(
        "head",
        "Dense",
        (5, 1),
        (66, 6),
        (0, 0),
        &[
            TensorShape::incoming("a", 1, 5),
            TensorShape::unit_bias("b", 1),
        ],
        &[],
    ),
];

/// [`WITH_RNN`] with the recurrent layer's tensors of no known role: the
/// tools cannot tell which entries belong to which unit.
static UNDESCRIBED: [LayerInfo; 3] = [
    WITH_RNN[0],
    info(
        "rnn",
        "Rnn",
        (4, 5),
        (16, 50),
        (0, 0),
        &[
            TensorShape::matrix("weight_ih_l0", 5, 4),
            TensorShape::matrix("weight_hh_l0", 5, 5),
            TensorShape::vector("bias", 5),
        ],
        &[],
    ),
    WITH_RNN[2],
];

#[test]
fn layers_without_roles_are_refused_whatever_their_names() {
    let err = |r: constnet::Result<HiddenLayer>| match r {
        Err(Error::Symmetry(e)) => e,
        other => panic!("expected a symmetry error, got {other:?}"),
    };
    // PyTorch's names without roles say nothing: the layer computes no
    // units the tools know, and the embedding's reader is not one either.
    assert_eq!(
        err(HiddenLayer::at(&UNDESCRIBED, 1)),
        SymmetryError::NotComputing {
            layer: "rnn",
            kind: "Rnn"
        }
    );
    assert_eq!(
        err(HiddenLayer::at(&UNDESCRIBED, 0)),
        SymmetryError::Blocked {
            layer: "embed",
            by: "rnn",
            kind: "Rnn"
        }
    );
}

#[test]
fn a_recurrent_layer_reading_units_one_step_at_a_time_is_their_reader() {
    // The embedding's 4 units are exactly the recurrent layer's step input.
    let embed = HiddenLayer::at(&WITH_RNN, 0).unwrap();
    assert_eq!((embed.units(), embed.next().name), (4, "rnn"));
    let rnn = HiddenLayer::at(&WITH_RNN, 1).unwrap();
    assert_eq!((rnn.units(), rnn.next().name), (5, "head"));
    let count: SymmetryCount =
        equivalent_parameterizations(&WITH_RNN, Symmetry::Permutations).unwrap();
    assert_eq!(count.to_string(), "2880"); // 4! 5!
    // Exchanging embedding units 0 and 3 moves their weight rows and bias,
    // and columns 0 and 3 of W_ih, not of W_hh.
    let mut params: [f64; 72] = core::array::from_fn(|k| k as f64);
    embed
        .permute_parameters(&mut params, &[3, 1, 2, 0])
        .unwrap();
    let mut expected: [f64; 72] = core::array::from_fn(|k| k as f64);
    for c in 0..3 {
        expected.swap(c, 9 + c);
    }
    expected.swap(12, 15);
    for r in 0..5 {
        expected.swap(16 + 4 * r, 16 + 4 * r + 3);
    }
    assert_eq!(params, expected);
    let err = |r: constnet::Result<HiddenLayer>| match r {
        Err(Error::Symmetry(e)) => e,
        other => panic!("expected a symmetry error, got {other:?}"),
    };
    assert_eq!(
        err(HiddenLayer::at(&WITH_RNN, 2)),
        SymmetryError::OutputLayer { layer: "head" }
    );
}

/// Dense 2 -> 3, BatchNorm over 3, Tanh, Dense 3 -> 1, as a layer table
/// (parameters: fc.weight 0..6, fc.bias 6..9, bn.weight 9..12, bn.bias
/// 12..15, out.weight 15..18, out.bias 18; buffers: `running_mean` 0..3,
/// `running_var` 3..6).
static WITH_BATCH_NORM: [LayerInfo; 4] = [
    info(
        "fc",
        "Dense",
        (2, 3),
        (0, 9),
        (0, 0),
        &[
            TensorShape::incoming("weight", 3, 2),
            TensorShape::unit_bias("bias", 3),
        ],
        &[],
    ),
    info(
        "bn",
        "BatchNorm",
        (3, 3),
        (9, 6),
        (0, 6),
        &[
            TensorShape::per_feature("weight", 3, false),
            TensorShape::per_feature("bias", 3, true),
        ],
        &[
            TensorShape::per_feature("running_mean", 3, true),
            TensorShape::per_feature("running_var", 3, false),
        ],
    ),
    info("act", "Tanh", (3, 3), (15, 0), (6, 0), &[], &[]),
    info(
        "out",
        "Dense",
        (3, 1),
        (15, 4),
        (6, 0),
        &[
            TensorShape::incoming("weight", 1, 3),
            TensorShape::unit_bias("bias", 1),
        ],
        &[],
    ),
];

#[test]
fn batch_norm_parameters_and_buffers_move_with_their_unit() {
    let hidden = HiddenLayer::at(&WITH_BATCH_NORM, 0).unwrap();
    assert!(hidden.is_odd());
    let mut params: [f64; 19] = core::array::from_fn(|k| k as f64);
    let mut buffers: [f64; 6] = core::array::from_fn(|k| 100.0 + k as f64);
    let perm = [2, 0, 1];
    hidden.permute_parameters(&mut params, &perm).unwrap();
    hidden.permute_buffers(&mut buffers, &perm).unwrap();
    assert_eq!(
        params,
        [
            4., 5., 0., 1., 2., 3., 8., 6., 7., 11., 9., 10., 14., 12., 13., 17., 15., 16., 18.
        ]
    );
    assert_eq!(buffers, [102., 100., 101., 105., 103., 104.]);
    // Negating unit 1: its row and bias, beta and running mean, out column;
    // gamma and the running variance stay.
    hidden
        .flip_parameters(&mut params, &[false, true, false])
        .unwrap();
    hidden
        .flip_buffers(&mut buffers, &[false, true, false])
        .unwrap();
    assert_eq!(
        params,
        [
            4., 5., -0., -1., 2., 3., 8., -6., 7., 11., 9., 10., 14., -12., 13., 17., -15., 16.,
            18.
        ]
    );
    assert_eq!(buffers, [102., -100., 101., 105., 103., 104.]);
    let signed: SymmetryCount =
        equivalent_parameterizations(&WITH_BATCH_NORM, Symmetry::PermutationsAndSignFlips).unwrap();
    assert_eq!(signed.to_string(), "48"); // 3! 2^3

    // Canonicalizing a permuted and flipped copy of the flat vectors gives
    // the canonical form of the original.
    let original: [f64; 19] = core::array::from_fn(|k| ((k * 7 % 19) as f64 - 9.0) / 4.0);
    let original_buffers: [f64; 6] = core::array::from_fn(|k| k as f64 + 0.5);
    let (mut a, mut a_buffers) = (original, original_buffers);
    let (mut b, mut b_buffers) = (original, original_buffers);
    hidden.permute_parameters(&mut b, &[1, 2, 0]).unwrap();
    hidden.permute_buffers(&mut b_buffers, &[1, 2, 0]).unwrap();
    hidden
        .flip_parameters(&mut b, &[true, true, false])
        .unwrap();
    hidden
        .flip_buffers(&mut b_buffers, &[true, true, false])
        .unwrap();
    let signs = Symmetry::PermutationsAndSignFlips;
    canonicalize_parameters(&WITH_BATCH_NORM, &mut a, &mut a_buffers, signs).unwrap();
    canonicalize_parameters(&WITH_BATCH_NORM, &mut b, &mut b_buffers, signs).unwrap();
    assert_eq!((a, a_buffers), (b, b_buffers));
}
