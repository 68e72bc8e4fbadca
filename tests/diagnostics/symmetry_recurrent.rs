//! Permutation symmetry of recurrent layers: an `Rnn`'s units move their
//! rows, their recurrent column and their reader's columns (every step's
//! block when every state is output), and what mixes steps is refused.
//! Layer tables written by hand are in `symmetry_tables.rs`.

use super::symmetry::{ROUNDING, assert_symmetric, random_flips, random_permutation};
use crate::common::{assert_all_close, random_matrix};
use constnet::diagnostics::SymmetryCount;
use constnet::diagnostics::symmetry::{
    HiddenLayer, Symmetry, SymmetryError, distance_modulo_symmetry, equivalent_parameterizations,
    flip_units, permute_units,
};
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
