//! Permutation symmetry of the gated recurrent layers: an `Lstm`'s hidden
//! unit owns one row in each of its four gate blocks of `W_ih`, `W_hh` and
//! both biases, and its column of `W_hh`; a gated layer reading a sequence
//! takes the permuted units in its `W_ih` columns; a `Gru`'s unit owns one
//! row in each of its three blocks (r, z, n) the same way. Checked on the function,
//! the gradient and the Hessian.

use super::symmetry::{assert_symmetric, random_flips, random_permutation};
use constnet::diagnostics::SymmetryCount;
use constnet::diagnostics::symmetry::{
    HiddenLayer, Symmetry, distance_modulo_symmetry, flip_units, permute_units,
};
use constnet::prelude::*;

network! {
    /// An Elman layer emitting every state, read by an LSTM, then the output.
    struct RnnIntoLstm {
        rnn: Rnn<2, 3, 4>(sequence = true),
        lstm: Lstm<3, 4, 4>,
        out: Dense<4, 1>,
    }
}

// rnn: 6 + 9 + 3; lstm: 4 * 4 * (3 + 4 + 2); out: 4 + 1.
const P: usize = 18 + 144 + 5;

#[test]
fn lstm_units_move_their_gate_rows_and_recurrent_columns() {
    let layers = <RnnIntoLstm<f64> as Network<f64, 8, 1, P>>::LAYERS;
    let lstm = HiddenLayer::named(layers, "lstm").unwrap();
    assert_eq!((lstm.units(), lstm.next().name), (4, "out"));
    assert!(!lstm.is_odd(), "sigmoid gates are not odd");
    let rnn = HiddenLayer::named(layers, "rnn").unwrap();
    assert_eq!((rnn.units(), rnn.steps(), rnn.next().name), (3, 4, "lstm"));
    let count: SymmetryCount = constnet::diagnostics::symmetry::equivalent_parameterizations(
        layers,
        Symmetry::PermutationsAndSignFlips,
    )
    .unwrap();
    // 3! 2^3 for the odd Elman layer, 4! for the LSTM.
    assert_eq!(count.to_u128(), Some(6 * 8 * 24));

    for seed in 0..3 {
        let net = RnnIntoLstm::<f64>::seeded(seed);
        let mut rng = Rng::seed_from(500 + seed);
        let perm = random_permutation(&mut rng, 4);
        let rnn_perm = random_permutation(&mut rng, 3);
        let mut flips = random_flips(&mut rng, 3);
        flips[1] = true;
        let mut moved = net.clone();
        permute_units(&mut moved, "lstm", &[1, 3, 0, 2]).unwrap();
        permute_units(&mut moved, "lstm", &perm).unwrap();
        permute_units(&mut moved, "rnn", &rnn_perm).unwrap();
        flip_units(&mut moved, "rnn", &flips).unwrap();
        let map = |v: &mut [f64; P]| {
            lstm.permute_parameters(v, &[1, 3, 0, 2]).unwrap();
            lstm.permute_parameters(v, &perm).unwrap();
            rnn.permute_parameters(v, &rnn_perm).unwrap();
            rnn.flip_parameters(v, &flips).unwrap();
        };
        assert_symmetric(&net, &moved, map, seed);
        let signs = Symmetry::PermutationsAndSignFlips;
        assert!(distance_modulo_symmetry(&net, &moved, signs) < 1e-12);
        assert!(distance_modulo_symmetry(&net, &moved, Symmetry::Permutations) > 0.1);
    }
}

#[test]
fn a_swap_of_two_lstm_units_moves_exactly_their_entries() {
    // lstm.weight_ih_l0 [16, 3] at 18: unit 0's rows are 0, 4, 8, 12.
    let layers = <RnnIntoLstm<f64> as Network<f64, 8, 1, P>>::LAYERS;
    let lstm = HiddenLayer::named(layers, "lstm").unwrap();
    let mut v: [f64; P] = core::array::from_fn(|k| k as f64);
    lstm.permute_parameters(&mut v, &[1, 0, 2, 3]).unwrap();
    let (w_ih, w_hh, b_ih, b_hh, out) = (18, 18 + 48, 18 + 112, 18 + 128, 18 + 144);
    for gate in 0..4 {
        for c in 0..3 {
            let (row0, row1) = (w_ih + (gate * 4) * 3 + c, w_ih + (gate * 4 + 1) * 3 + c);
            assert_eq!((v[row0], v[row1]), (row1 as f64, row0 as f64));
        }
        for b in [b_ih, b_hh] {
            assert_eq!(v[b + gate * 4], (b + gate * 4 + 1) as f64);
        }
        // W_hh: rows and columns 0 and 1 both exchanged: entry (k H + 0, 0)
        // comes from (k H + 1, 1), and (k H + 0, 2) from (k H + 1, 2).
        let at = |r: usize, c: usize| w_hh + r * 4 + c;
        assert_eq!(v[at(gate * 4, 0)], at(gate * 4 + 1, 1) as f64);
        assert_eq!(v[at(gate * 4, 2)], at(gate * 4 + 1, 2) as f64);
        assert_eq!(v[at(gate * 4 + 2, 0)], at(gate * 4 + 2, 1) as f64);
    }
    assert_eq!((v[out], v[out + 1]), ((out + 1) as f64, out as f64));
}

network! {
    /// An LSTM emitting every state, read by a GRU, then the output.
    struct LstmIntoGru {
        lstm: Lstm<2, 3, 4>(sequence = true),
        gru: Gru<3, 4, 4>,
        out: Dense<4, 1>,
    }
}

// lstm: 4 * 3 * (2 + 3 + 2); gru: 3 * 4 * (3 + 4 + 2); out: 4 + 1.
const Q: usize = 84 + 108 + 5;

#[test]
fn gru_units_move_their_three_gate_rows_and_recurrent_columns() {
    let layers = <LstmIntoGru<f64> as Network<f64, 8, 1, Q>>::LAYERS;
    let gru = HiddenLayer::named(layers, "gru").unwrap();
    assert_eq!((gru.units(), gru.next().name), (4, "out"));
    assert!(!gru.is_odd(), "sigmoid gates are not odd");
    let lstm = HiddenLayer::named(layers, "lstm").unwrap();
    assert_eq!(
        (lstm.units(), lstm.steps(), lstm.next().name),
        (3, 4, "gru")
    );
    let count: SymmetryCount = constnet::diagnostics::symmetry::equivalent_parameterizations(
        layers,
        Symmetry::PermutationsAndSignFlips,
    )
    .unwrap();
    // 3! for the LSTM, 4! for the GRU; neither has sign flips.
    assert_eq!(count.to_u128(), Some(6 * 24));

    for seed in 0..3 {
        let net = LstmIntoGru::<f64>::seeded(seed);
        let mut rng = Rng::seed_from(600 + seed);
        let perm = random_permutation(&mut rng, 4);
        let lstm_perm = random_permutation(&mut rng, 3);
        let mut moved = net.clone();
        permute_units(&mut moved, "gru", &[2, 0, 3, 1]).unwrap();
        permute_units(&mut moved, "gru", &perm).unwrap();
        permute_units(&mut moved, "lstm", &lstm_perm).unwrap();
        let map = |v: &mut [f64; Q]| {
            gru.permute_parameters(v, &[2, 0, 3, 1]).unwrap();
            gru.permute_parameters(v, &perm).unwrap();
            lstm.permute_parameters(v, &lstm_perm).unwrap();
        };
        assert_symmetric(&net, &moved, map, seed);
        assert!(distance_modulo_symmetry(&net, &moved, Symmetry::Permutations) < 1e-12);
    }
}

#[test]
fn a_swap_of_two_gru_units_moves_exactly_their_entries() {
    // gru.weight_ih_l0 [12, 3] at 84: unit 0's rows are 0, 4, 8.
    let layers = <LstmIntoGru<f64> as Network<f64, 8, 1, Q>>::LAYERS;
    let gru = HiddenLayer::named(layers, "gru").unwrap();
    let mut v: [f64; Q] = core::array::from_fn(|k| k as f64);
    gru.permute_parameters(&mut v, &[1, 0, 2, 3]).unwrap();
    let (w_ih, w_hh, b_ih, b_hh, out) = (84, 84 + 36, 84 + 84, 84 + 96, 84 + 108);
    for gate in 0..3 {
        for c in 0..3 {
            let (row0, row1) = (w_ih + (gate * 4) * 3 + c, w_ih + (gate * 4 + 1) * 3 + c);
            assert_eq!((v[row0], v[row1]), (row1 as f64, row0 as f64));
        }
        for b in [b_ih, b_hh] {
            assert_eq!(v[b + gate * 4], (b + gate * 4 + 1) as f64);
        }
        let at = |r: usize, c: usize| w_hh + r * 4 + c;
        assert_eq!(v[at(gate * 4, 0)], at(gate * 4 + 1, 1) as f64);
        assert_eq!(v[at(gate * 4, 2)], at(gate * 4 + 1, 2) as f64);
        assert_eq!(v[at(gate * 4 + 2, 0)], at(gate * 4 + 2, 1) as f64);
    }
    assert_eq!((v[out], v[out + 1]), ((out + 1) as f64, out as f64));
    // The LSTM before it is untouched.
    assert!((0..84).all(|k| v[k] == k as f64));
}
