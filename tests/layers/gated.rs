//! The gated recurrent layers `Lstm` and `Gru`: forward, backpropagation
//! through time and the Hessian-vector product against PyTorch float64
//! fixtures (`fixtures/recurrent/make.py`), every derivative pass against
//! central differences (alone, in both output modes, and stacked inside a
//! declared network), PyTorch's initialization bounds, and the recorded
//! `dL/dh_t` and `dL/dc_t` against finite differences. `Gru` uses the same
//! helpers (`gru.rs`).

use crate::common::{
    GRAD_TOL, assert_all_close, central_difference, check_layer, check_network, random_matrix,
};
use constnet::layer::{Layer, LayerShape, Lstm, LstmCache, TrainContext};
use constnet::prelude::*;

/// A PyTorch fixture: I = 3, H = 4, S = 5, B = 2 (see `make.py`).
pub struct Fixture {
    pub params: Vec<f64>,
    pub x: SMatrix<f64, 15, 2>,
    pub y: SMatrix<f64, 20, 2>,
    pub w: SMatrix<f64, 20, 2>,
    pub grad_params: Vec<f64>,
    pub grad_x: SMatrix<f64, 15, 2>,
    pub v: Vec<f64>,
    pub hvp: Vec<f64>,
}

pub fn load(name: &str) -> Fixture {
    let path = format!(
        "{}/tests/fixtures/recurrent/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("fixture present");
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let flat = |key: &str| -> Vec<f64> {
        json[key]
            .as_array()
            .expect("an array")
            .iter()
            .flat_map(|v| match v.as_array() {
                Some(column) => column.iter().map(|x| x.as_f64().unwrap()).collect(),
                None => vec![v.as_f64().unwrap()],
            })
            .collect()
    };
    Fixture {
        params: flat("params"),
        x: SMatrix::from_column_slice(&flat("x")),
        y: SMatrix::from_column_slice(&flat("y")),
        w: SMatrix::from_column_slice(&flat("w")),
        grad_params: flat("grad_params"),
        grad_x: SMatrix::from_column_slice(&flat("grad_x")),
        v: flat("v"),
        hvp: flat("hvp"),
    }
}

/// Compares a sequence-output layer with a fixture: forward, the gradient
/// of `L = sum(w * y)` and its Hessian-vector product along `v`.
pub fn matches_torch<Ly: Layer<f64, 15, 20>>(layer: &Ly, name: &str) {
    let f = load(name);
    assert_eq!(f.params.len(), Ly::PARAMS, "{name}: parameter count");
    let mut y = SMatrix::<f64, 20, 2>::zeros();
    layer.forward(&f.params, &[], &f.x, &mut y);
    assert_all_close(y.as_slice(), f.y.as_slice(), 1e-13, "forward vs PyTorch");

    let mut cache = Ly::Cache::<2>::zeroed();
    let mut trained = SMatrix::<f64, 20, 2>::zeros();
    let context = TrainContext::default();
    layer.forward_train(&f.params, &[], &f.x, &mut trained, &mut cache, &context);
    assert_eq!(y, trained, "{name}: inference and training forward agree");
    let mut grad = vec![0.0; Ly::PARAMS];
    let mut dx = SMatrix::<f64, 15, 2>::zeros();
    let mut backward_cache = cache.clone();
    layer.backward(
        &f.params,
        &f.x,
        &y,
        &mut backward_cache,
        &f.w,
        Some(&mut dx),
        &mut grad,
    );
    assert_all_close(&grad, &f.grad_params, 1e-12, "dL/dparams vs PyTorch");
    assert_all_close(
        dx.as_slice(),
        f.grad_x.as_slice(),
        1e-12,
        "dL/dx vs PyTorch",
    );

    // L is linear in y, so R{dL/dy} = 0; the input does not move.
    let (rx, zero_out) = (
        SMatrix::<f64, 15, 2>::zeros(),
        SMatrix::<f64, 20, 2>::zeros(),
    );
    let mut ry = SMatrix::<f64, 20, 2>::zeros();
    let mut r_cache = Ly::Cache::<2>::zeroed();
    layer.r_forward(
        &f.params,
        &f.v,
        &f.x,
        &y,
        &cache,
        &rx,
        &mut ry,
        &mut r_cache,
    );
    let mut hvp = vec![0.0; Ly::PARAMS];
    layer.r_backward(
        &f.params, &f.v, &f.x, &y, &cache, &rx, &r_cache, &f.w, &zero_out, None, &mut hvp,
    );
    assert_all_close(&hvp, &f.hvp, 1e-11, "Hessian-vector product vs PyTorch");
}

#[test]
fn lstm_matches_torch_float64() {
    matches_torch(&Lstm::<3, 4, 5, true>::new(), "lstm");
    // The last-state output is the last block of the sequence.
    let f = load("lstm");
    let mut last = SMatrix::<f64, 4, 2>::zeros();
    Layer::<f64, 15, 4>::forward(&Lstm::<3, 4, 5>::new(), &f.params, &[], &f.x, &mut last);
    assert_all_close(
        last.as_slice(),
        f.y.fixed_rows::<4>(16).clone_owned().as_slice(),
        1e-13,
        "h_S",
    );
}

/// Checks the last-state and sequence forms of one gated layer with
/// `gates` blocks against central differences, at random parameters
/// (shared by both forms) and a random input.
pub fn gated_case<
    Last: Layer<f64, IN, H>,
    Seq: Layer<f64, IN, SEQ>,
    const IN: usize,
    const H: usize,
    const SEQ: usize,
    const B: usize,
>(
    (last, sequence): (&Last, &Seq),
    seed: u64,
) {
    assert_eq!(Last::PARAMS, Seq::PARAMS);
    let mut rng = Rng::seed_from(seed);
    let params: Vec<f64> = (0..Last::PARAMS)
        .map(|_| rng.uniform_in(-0.9, 0.9))
        .collect();
    let x: SMatrix<f64, IN, B> = random_matrix(&mut rng, 1.5);
    check_layer::<_, IN, H, B>(last, &params, &[], &x, seed + 100);
    check_layer::<_, IN, SEQ, B>(sequence, &params, &[], &x, seed + 200);
}

#[test]
fn lstm_derivatives_match_central_differences() {
    for seed in 0..2 {
        gated_case::<_, _, 15, 4, 20, 2>(
            (&Lstm::<3, 4, 5>::new(), &Lstm::<3, 4, 5, true>::new()),
            seed,
        );
        gated_case::<_, _, 6, 3, 18, 1>(
            (&Lstm::<1, 3, 6>::new(), &Lstm::<1, 3, 6, true>::new()),
            seed + 10,
        );
        gated_case::<_, _, 2, 2, 2, 3>(
            (&Lstm::<2, 2, 1>::new(), &Lstm::<2, 2, 1, true>::new()),
            seed + 20,
        );
    }
}

/// Every tensor of a default-initialized gated layer lies in
/// `[-1/sqrt(H), 1/sqrt(H)]` and fills that range.
pub fn check_torch_init<Ly: Layer<f64, IN, OUT>, const IN: usize, const OUT: usize>(
    layer: &Ly,
    hidden: usize,
) {
    let mut params = vec![0.0; Ly::PARAMS];
    layer.init(&mut params, &mut [], &mut Rng::seed_from(3));
    let bound = 1.0 / (hidden as f64).sqrt();
    let mut offset = 0;
    for tensor in Ly::TENSORS {
        let values = &params[offset..offset + tensor.len()];
        offset += tensor.len();
        let max = values.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        assert!(max <= bound, "{}: {max} exceeds {bound}", tensor.name);
        assert!(
            max > 0.8 * bound,
            "{}: {max} does not fill the range",
            tensor.name
        );
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        assert!(mean.abs() < 0.3 * bound, "{}: mean {mean}", tensor.name);
    }
}

#[test]
fn lstm_default_init_is_torch_uniform_in_one_over_sqrt_hidden() {
    let names: Vec<&str> = <Lstm<3, 16, 2> as LayerShape<6>>::TENSORS
        .iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(
        names,
        ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    );
    assert_eq!(
        <Lstm<3, 16, 2> as LayerShape<6>>::PARAMS,
        4 * 16 * (3 + 16 + 2)
    );
    check_torch_init::<_, 6, 16>(&Lstm::<3, 16, 2>::new(), 16);
}

network! {
    /// Two stacked LSTMs: the second reads the first's every hidden state.
    struct Stacked {
        first: Lstm<2, 3, 4>(sequence = true),
        second: Lstm<3, 2, 4>,
        out: Dense<2, 2>,
    }
}

#[test]
fn stacked_lstms_have_exact_gradients_and_hvps() {
    let mut rng = Rng::seed_from(41);
    let net = Stacked::<f64>::seeded(5);
    let x: SMatrix<f64, 8, 3> = random_matrix(&mut rng, 1.0);
    check_network(&net, &CrossEntropy, &x, &[0, 1, 1], &mut rng);
    // The stacked forward is the second layer run on the first's sequence.
    let p = net.parameters();
    let (first, second) = (&p[..4 * 3 * 7], &p[4 * 3 * 7..4 * 3 * 7 + 4 * 2 * 7]);
    let mut sequence = SMatrix::<f64, 12, 3>::zeros();
    Layer::<f64, 8, 12>::forward(&Lstm::<2, 3, 4, true>::new(), first, &[], &x, &mut sequence);
    let mut last = SMatrix::<f64, 2, 3>::zeros();
    Layer::<f64, 12, 2>::forward(&Lstm::<3, 2, 4>::new(), second, &[], &sequence, &mut last);
    let mut logits = SMatrix::<f64, 2, 3>::zeros();
    let dense = &p[4 * 3 * 7 + 4 * 2 * 7..];
    Layer::<f64, 2, 2>::forward(&Dense::<2, 2>::new(), dense, &[], &last, &mut logits);
    let mut cache = <Stacked<f64> as Network<f64, 8, 2, 146>>::Cache::<3>::zeroed();
    let output = net.forward_train(&x, &mut cache);
    assert_all_close(
        output.as_slice(),
        logits.as_slice(),
        1e-14,
        "stacked forward",
    );
}

network! {
    /// An LSTM with I = 4H, so `dL/dz_t` is recovered from `dL/dx_t` exactly.
    struct Wide { lstm: Lstm<8, 2, 4>, out: Dense<2, 1> }
}

#[test]
fn recorded_hidden_and_cell_gradients_match_finite_differences() {
    let mut rng = Rng::seed_from(77);
    let net = Wide::<f64>::seeded(2);
    let x: SMatrix<f64, 32, 1> = random_matrix(&mut rng, 1.0);
    let targets = [[0.3]];
    let mut cache = <Wide<f64> as Network<f64, 32, 1, 99>>::Cache::<1>::zeroed();
    let mut grad = [0.0; 99];
    constnet::diagnostics::gradient_flow::record_gradients(
        &net, &Mse, &x, &targets, &mut cache, &mut grad,
    )
    .unwrap();
    let lstm: &LstmCache<f64, 2, 4, 1> = &cache.lstm_cache;
    let p = net.parameters();
    let w_ih = SMatrix::<f64, 8, 8>::from_row_slice(&p[..64]);
    let w_hh = SMatrix::<f64, 8, 2>::from_row_slice(&p[64..80]);
    let inv_t = w_ih.transpose().try_inverse().expect("W_ih is invertible");
    for t in 0..4 {
        // dL/dz_t from the numeric dL/dx_t = W_ih^T dL/dz_t.
        let dx_t = SVector::<f64, 8>::from_fn(|i, _| {
            central_difference(
                |step| {
                    let mut moved = x;
                    moved[t * 8 + i] += step;
                    net.evaluate(&Mse, &moved, &targets).unwrap()
                },
                1e-5,
            )
        });
        let dz = inv_t * dx_t;
        // dz_i = dL/dc_t g_t i_t (1 - i_t).
        for r in 0..2 {
            let (i, g) = (
                cache.lstm_cache.gates[t][0][r],
                cache.lstm_cache.gates[t][2][r],
            );
            let numeric = dz[r] / (g * i * (1.0 - i));
            let got = lstm.cell_grad[t][r];
            assert!(
                (got - numeric).abs() < 1e-5 * (1.0 + numeric.abs()),
                "dL/dc_{t}: {got} vs {numeric}"
            );
        }
        // dL/dh_{t-1} = W_hh^T dL/dz_t.
        if t > 0 {
            let numeric = w_hh.transpose() * dz;
            assert_all_close(
                lstm.hidden_grad[t - 1].as_slice(),
                numeric.as_slice(),
                10.0 * GRAD_TOL,
                "recorded dL/dh_t",
            );
        }
    }
    let profile = constnet::diagnostics::gradient_flow::HiddenGradientProfile::of(lstm);
    assert!((profile.norms[3] - lstm.hidden_grad[3].norm()).abs() < 1e-15);
    let cells = constnet::diagnostics::gradient_flow::HiddenGradientProfile::of_cell(lstm);
    assert!((cells.norms[0] - lstm.cell_grad[0].norm()).abs() < 1e-15);
}
