//! The gated recurrent unit `Gru`: forward, backpropagation through time
//! and the Hessian-vector product against the PyTorch float64 fixture
//! (`fixtures/recurrent/make.py`), every derivative pass against central
//! differences (alone, in both output modes, and stacked on an `Lstm`
//! inside a declared network), PyTorch's initialization bounds, and the
//! recorded `dL/dh_t` against finite differences. The helpers are the
//! gated layers' (`gated.rs`).

use super::gated::{check_torch_init, gated_case, load, matches_torch};
use crate::common::{assert_all_close, central_difference, check_network, random_matrix};
use constnet::diagnostics::gradient_flow::{HiddenGradientProfile, record_gradients};
use constnet::layer::{Gru, GruCache, Layer, LayerShape, Lstm};
use constnet::prelude::*;

#[test]
fn gru_matches_torch_float64() {
    matches_torch(&Gru::<3, 4, 5, true>::new(), "gru");
    // The last-state output is the last block of the sequence.
    let f = load("gru");
    let mut last = SMatrix::<f64, 4, 2>::zeros();
    Layer::<f64, 15, 4>::forward(&Gru::<3, 4, 5>::new(), &f.params, &[], &f.x, &mut last);
    assert_all_close(
        last.as_slice(),
        f.y.fixed_rows::<4>(16).clone_owned().as_slice(),
        1e-13,
        "h_S",
    );
}

#[test]
fn gru_derivatives_match_central_differences() {
    for seed in 0..2 {
        gated_case::<_, _, 15, 4, 20, 2>(
            (&Gru::<3, 4, 5>::new(), &Gru::<3, 4, 5, true>::new()),
            seed,
        );
        gated_case::<_, _, 6, 3, 18, 1>(
            (&Gru::<1, 3, 6>::new(), &Gru::<1, 3, 6, true>::new()),
            seed + 10,
        );
        gated_case::<_, _, 2, 2, 2, 3>(
            (&Gru::<2, 2, 1>::new(), &Gru::<2, 2, 1, true>::new()),
            seed + 20,
        );
    }
}

#[test]
fn gru_default_init_is_torch_uniform_in_one_over_sqrt_hidden() {
    let names: Vec<&str> = <Gru<3, 16, 2> as LayerShape<6>>::TENSORS
        .iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(
        names,
        ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    );
    assert_eq!(
        <Gru<3, 16, 2> as LayerShape<6>>::PARAMS,
        3 * 16 * (3 + 16 + 2)
    );
    check_torch_init::<_, 6, 16>(&Gru::<3, 16, 2>::new(), 16);
}

network! {
    /// A GRU reading every hidden state of an LSTM.
    struct LstmIntoGru {
        first: Lstm<2, 3, 4>(sequence = true),
        second: Gru<3, 2, 4>,
        out: Dense<2, 2>,
    }
}

// first: 4 * 3 * (2 + 3 + 2); second: 3 * 2 * (3 + 2 + 2); out: 2 * 2 + 2.
const STACKED: usize = 84 + 42 + 6;

#[test]
fn a_gru_stacked_on_an_lstm_has_exact_gradients_and_hvps() {
    let mut rng = Rng::seed_from(43);
    let net = LstmIntoGru::<f64>::seeded(6);
    let x: SMatrix<f64, 8, 3> = random_matrix(&mut rng, 1.0);
    check_network(&net, &CrossEntropy, &x, &[1, 0, 1], &mut rng);
    // The stacked forward is the GRU run on the LSTM's sequence.
    let p = net.parameters();
    let (first, second, dense) = (&p[..84], &p[84..126], &p[126..]);
    let mut sequence = SMatrix::<f64, 12, 3>::zeros();
    Layer::<f64, 8, 12>::forward(&Lstm::<2, 3, 4, true>::new(), first, &[], &x, &mut sequence);
    let mut last = SMatrix::<f64, 2, 3>::zeros();
    Layer::<f64, 12, 2>::forward(&Gru::<3, 2, 4>::new(), second, &[], &sequence, &mut last);
    let mut logits = SMatrix::<f64, 2, 3>::zeros();
    Layer::<f64, 2, 2>::forward(&Dense::<2, 2>::new(), dense, &[], &last, &mut logits);
    let mut cache = <LstmIntoGru<f64> as Network<f64, 8, 2, STACKED>>::Cache::<3>::zeroed();
    let output = net.forward_train(&x, &mut cache);
    assert_all_close(
        output.as_slice(),
        logits.as_slice(),
        1e-14,
        "stacked forward",
    );
}

network! {
    /// A GRU with I = 3H, so `dL/da_t` is recovered from `dL/dx_t` exactly.
    struct WideGru { gru: Gru<6, 2, 4>, out: Dense<2, 1> }
}

#[test]
fn recorded_hidden_gradients_match_finite_differences() {
    let mut rng = Rng::seed_from(78);
    let net = WideGru::<f64>::seeded(3);
    let x: SMatrix<f64, 24, 1> = random_matrix(&mut rng, 1.0);
    let targets = [[0.3]];
    let mut cache = <WideGru<f64> as Network<f64, 24, 1, 63>>::Cache::<1>::zeroed();
    let mut grad = [0.0; 63];
    record_gradients(&net, &Mse, &x, &targets, &mut cache, &mut grad).unwrap();
    let gru: &GruCache<f64, 2, 4, 1> = &cache.gru_cache;
    let p = net.parameters();
    let w_ih = SMatrix::<f64, 6, 6>::from_row_slice(&p[..36]);
    let inv_t = w_ih.transpose().try_inverse().expect("W_ih is invertible");
    for t in 0..4 {
        // dL/da_t (the input pre-activations) from the numeric
        // dL/dx_t = W_ih^T dL/da_t.
        let dx_t = SVector::<f64, 6>::from_fn(|i, _| {
            central_difference(
                |step| {
                    let mut moved = x;
                    moved[t * 6 + i] += step;
                    net.evaluate(&Mse, &moved, &targets).unwrap()
                },
                1e-5,
            )
        });
        let da = inv_t * dx_t;
        // The candidate block: d(a_n) = dL/dh_t (1 - z_t) (1 - n_t^2).
        for r in 0..2 {
            let (z, n) = (gru.gates[t][1][r], gru.gates[t][2][r]);
            let numeric = da[4 + r] / ((1.0 - z) * (1.0 - n * n));
            let got = gru.hidden_grad[t][r];
            assert!(
                (got - numeric).abs() < 1e-5 * (1.0 + numeric.abs()),
                "dL/dh_{t}: {got} vs {numeric}"
            );
        }
    }
    let profile = HiddenGradientProfile::of(gru);
    for t in 0..4 {
        assert!((profile.norms[t] - gru.hidden_grad[t].norm()).abs() < 1e-15);
    }
    assert!(profile.norms.iter().all(|&n| n > 0.0));
}
