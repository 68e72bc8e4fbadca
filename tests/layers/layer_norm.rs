//! Layer normalization: derivatives against central differences (with and
//! without the affine part, several shapes, one-sample batches), values
//! against PyTorch float64 (`tests/fixtures/layer_norm/`, made by its
//! `make.py`): a layer's outputs and gradients, and a small network's loss,
//! gradient, Hessian-vector product and full Hessian.

use crate::common::{assert_all_close, check_layer, check_network, random_matrix};
use constnet::layer::{Layer, LayerConfig, LayerShape};
use constnet::prelude::*;
use serde_json::Value;

/// Agreement with PyTorch: both compute in f64, in a different order.
const TORCH_TOL: f64 = 1e-12;

network! {
    /// PyTorch's `Linear(3, 4) -> LayerNorm(4) -> Tanh -> Linear(4, 2)`. P = 34.
    struct Normed {
        fc1: Dense<3, 4>,
        ln: LayerNorm<4>,
        act: Tanh,
        out: Dense<4, 2>,
    }

    /// Normalization without parameters, then a small eps. P = 10 + 8 + 2.
    struct Plain {
        fc1: Dense<2, 5>,
        ln: LayerNorm<5>(elementwise_affine = false, eps = 1e-3),
        act: Tanh,
        out: Dense<5, 1>,
    }
}

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/layer_norm/layer_norm.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn floats(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

fn case<Ly: Layer<f64, N, N>, const N: usize, const B: usize>(layer: &Ly, seed: u64) {
    let mut rng = Rng::seed_from(seed);
    let params: Vec<f64> = (0..Ly::PARAMS).map(|_| rng.uniform_in(-1.5, 1.5)).collect();
    let x: SMatrix<f64, N, B> = random_matrix(&mut rng, 2.0);
    check_layer::<_, N, N, B>(layer, &params, &[], &x, seed + 100);
}

#[test]
fn layer_norm_derivatives_match_central_differences() {
    for seed in 0..3 {
        case::<_, 5, 3>(&LayerNorm::<5>::new(), seed);
        case::<_, 4, 1>(&LayerNorm::<4>::new(), seed);
        case::<_, 2, 4>(&LayerNorm::<2>::new().eps(1e-2), seed);
        case::<_, 6, 2>(&LayerNorm::<6, false>::new(), seed);
        case::<_, 3, 5>(&LayerNorm::<3, false>::new().eps(0.5), seed);
    }
    // Through the public checker's own random point as well.
    constnet::testing::check_layer::<_, 7, 7, 3>(&LayerNorm::<7>::new(), 9).unwrap();
}

#[test]
fn layer_norm_states_pytorch_shapes_and_defaults() {
    assert_eq!(<LayerNorm<6> as LayerShape<6>>::PARAMS, 12);
    assert_eq!(<LayerNorm<6, false> as LayerShape<6>>::PARAMS, 0);
    assert_eq!(<LayerNorm<6> as LayerShape<6>>::BUFFERS, 0);
    let names: Vec<&str> = <LayerNorm<6> as LayerShape<6>>::TENSORS
        .iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["weight", "bias"]);
    assert_eq!(LayerNorm::<6>::new().epsilon(), 1e-5);
    let properties = <LayerNorm<6> as LayerConfig>::PROPERTIES;
    assert!(properties.permutes_features && !properties.odd && !properties.train_differs);
    let net = Normed::<f64>::seeded(3);
    let ln: Vec<(String, Vec<f64>)> = net
        .named_parameters()
        .filter(|(t, _)| t.layer == "ln")
        .map(|(t, values)| (t.shape.name.to_owned(), values.to_vec()))
        .collect();
    assert_eq!(ln[0], ("weight".to_owned(), vec![1.0; 4]));
    assert_eq!(ln[1], ("bias".to_owned(), vec![0.0; 4]));
    assert!(LayerNorm::<4>::try_new(0.0).is_err());
    assert!(LayerNorm::<4>::try_new(f64::NAN).is_err());
    assert!(LayerNorm::<4>::try_new(f64::INFINITY).is_err());
    assert!(LayerNorm::<4>::try_new(1e-50).is_err(), "0 in f32");
    assert_eq!(LayerNorm::<4>::try_new(1e-3).unwrap().epsilon(), 1e-3);
}

fn layer_against_torch<Ly: Layer<f64, 5, 5>>(layer: &Ly, case: &Value) {
    let params = floats(&case["params"]);
    assert_eq!(params.len(), Ly::PARAMS);
    let x = SMatrix::<f64, 5, 3>::from_column_slice(&floats(&case["x"]));
    let w = SMatrix::<f64, 5, 3>::from_column_slice(&floats(&case["w"]));
    let mut y = SMatrix::zeros();
    layer.forward(&params, &[], &x, &mut y);
    assert_all_close(y.as_slice(), &floats(&case["y"]), TORCH_TOL, "forward");
    let mut y_train = SMatrix::zeros();
    let mut cache = Zeroed::zeroed();
    let context = constnet::layer::TrainContext::default();
    layer.forward_train(&params, &[], &x, &mut y_train, &mut cache, &context);
    assert_eq!(y, y_train, "training and inference are one function");
    let mut dx = SMatrix::zeros();
    let mut grad = vec![0.0; Ly::PARAMS];
    layer.backward(&params, &x, &y, &mut cache, &w, Some(&mut dx), &mut grad);
    assert_all_close(dx.as_slice(), &floats(&case["dx"]), TORCH_TOL, "dx");
    assert_all_close(&grad, &floats(&case["dparams"]), TORCH_TOL, "dparams");
}

#[test]
fn layer_norm_matches_pytorch() {
    let fixture = fixture();
    let cases = fixture["layer"].as_array().unwrap();
    assert_eq!(cases[0]["eps"].as_f64(), Some(1e-5));
    layer_against_torch(&LayerNorm::<5>::new(), &cases[0]);
    assert_eq!(cases[1]["affine"].as_bool(), Some(false));
    layer_against_torch(&LayerNorm::<5, false>::new().eps(1e-3), &cases[1]);
}

#[test]
fn network_with_layer_norm_matches_pytorch_to_the_hessian() {
    let fixture = fixture();
    let case = &fixture["net"];
    let names: Vec<String> = Normed::<f64>::parameter_tensors()
        .map(|t| format!("{}.{}", t.layer, t.shape.name))
        .collect();
    // PyTorch's Sequential names its modules 0..3; the order is the same.
    let torch: Vec<&str> = case["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(names.len(), torch.len());
    for (ours, theirs) in names.iter().zip(&torch) {
        assert_eq!(ours.split('.').nth(1), theirs.split('.').nth(1));
    }
    let params: [f64; 34] = floats(&case["params"]).try_into().unwrap();
    let net = Normed::<f64>::from_parameters(params);
    let x = SMatrix::<f64, 3, 4>::from_column_slice(&floats(&case["x"]));
    let t = floats(&case["targets"]);
    let targets: [[f64; 2]; 4] = core::array::from_fn(|b| [t[2 * b], t[2 * b + 1]]);
    let output = net.forward(&x);
    assert_all_close(
        output.as_slice(),
        &floats(&case["output"]),
        TORCH_TOL,
        "output",
    );

    let v: [f64; 34] = floats(&case["v"]).try_into().unwrap();
    let (mut grad, mut hv) = ([0.0; 34], [0.0; 34]);
    let loss = net
        .hessian_vector_product(&Mse, &x, &targets, &v, &mut grad, &mut hv)
        .unwrap();
    assert!(
        (loss - case["loss"].as_f64().unwrap()).abs() < TORCH_TOL,
        "loss"
    );
    assert_all_close(&grad, &floats(&case["grad"]), TORCH_TOL, "gradient");
    assert_all_close(
        &hv,
        &floats(&case["hv"]),
        TORCH_TOL,
        "Hessian-vector product",
    );

    let mut hessian = vec![0.0; 34 * 34];
    net.hessian_into(&Mse, &x, &targets, &mut grad, &mut hessian)
        .unwrap();
    assert_all_close(&hessian, &floats(&case["hessian"]), TORCH_TOL, "Hessian");
}

#[test]
fn networks_with_layer_norm_pass_the_network_checks() {
    let mut rng = Rng::seed_from(5);
    for seed in 0..2 {
        let net = Normed::<f64>::seeded(seed);
        let x: SMatrix<f64, 3, 4> = random_matrix(&mut rng, 1.0);
        let targets: [[f64; 2]; 4] = core::array::from_fn(|_| [rng.uniform(), rng.uniform()]);
        check_network(&net, &Mse, &x, &targets, &mut rng);
        let plain = Plain::<f64>::seeded(seed);
        let x: SMatrix<f64, 2, 1> = random_matrix(&mut rng, 1.0);
        check_network(&plain, &Mse, &x, &[[0.5]], &mut rng);
    }
    assert_eq!(Plain::<f32>::PARAMS, 21);
}
