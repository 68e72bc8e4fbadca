//! The convolution layers: forward, input and parameter gradients and a
//! Hessian-vector product against PyTorch float64
//! (`tests/fixtures/conv/make.py`) for strides, padding, dilation, groups,
//! depthwise filters and no bias in 1-D and 2-D; backward and R-operator
//! against central differences with the public checker at the same points;
//! the geometry and tensors PyTorch has; and declared networks (convolution,
//! ReLU, max pooling, flatten, dense) whose gradient, Hessian-vector product
//! and full Hessian are checked against finite differences.

use crate::common::{
    HVP_TOL, assert_all_close, assert_symmetric, check_layer, check_network, numeric_hessian,
    random_matrix,
};
use constnet::diagnostics::symmetry::HiddenLayer;
use constnet::layer::{Layer, LayerConfig, LayerShape, Role, TrainContext, Zeroed};
use constnet::prelude::*;

#[path = "../fixtures/conv/values.rs"]
mod torch;

use torch::Case;

/// Forward, training forward, input and parameter gradients of `layer`
/// against PyTorch, the Hessian-vector product of `0.5 sum(weights y^2)`
/// through `r_forward` and `r_backward`, then every derivative against
/// central differences at the same point.
fn against_torch<Ly, const I: usize, const O: usize, const B: usize>(
    layer: &Ly,
    case: &Case,
    what: &str,
) where
    Ly: Layer<f64, I, O>,
{
    assert_eq!(case.params.len(), Ly::PARAMS, "{what}: parameter count");
    let x = SMatrix::<f64, I, B>::from_column_slice(case.x);
    let mut out = SMatrix::<f64, O, B>::zeros();
    layer.forward(case.params, &[], &x, &mut out);
    assert_all_close(out.as_slice(), case.y, 1e-13, &format!("{what}: forward"));
    let mut cache = Ly::Cache::<B>::zeroed();
    let mut trained = SMatrix::<f64, O, B>::zeros();
    let context = TrainContext::new(1);
    layer.forward_train(case.params, &[], &x, &mut trained, &mut cache, &context);
    assert_eq!(
        out, trained,
        "{what}: training forward is the inference forward"
    );

    let weights = SMatrix::<f64, O, B>::from_column_slice(case.weights);
    let mut dx = SMatrix::<f64, I, B>::zeros();
    let mut grad = vec![f64::NAN; Ly::PARAMS];
    layer.backward(
        case.params,
        &x,
        &trained,
        &mut cache,
        &weights,
        Some(&mut dx),
        &mut grad,
    );
    assert_all_close(
        dx.as_slice(),
        case.dx,
        1e-13,
        &format!("{what}: input gradient"),
    );
    assert_all_close(
        &grad,
        case.grad,
        1e-13,
        &format!("{what}: parameter gradient"),
    );

    // L = 0.5 sum(c y^2): dL/dy = c y, and along v (input fixed)
    // R{dL/dy} = c R{y}; R{dL/dparams} is H v.
    let dy = weights.component_mul(&trained);
    let (rx, mut ry) = (SMatrix::<f64, I, B>::zeros(), SMatrix::<f64, O, B>::zeros());
    let mut r_cache = Ly::Cache::<B>::zeroed();
    layer.r_forward(
        case.params,
        case.direction,
        &x,
        &trained,
        &cache,
        &rx,
        &mut ry,
        &mut r_cache,
    );
    let rdy = weights.component_mul(&ry);
    let mut hv = vec![f64::NAN; Ly::PARAMS];
    layer.r_backward(
        case.params,
        case.direction,
        &x,
        &trained,
        &cache,
        &rx,
        &r_cache,
        &dy,
        &rdy,
        None,
        &mut hv,
    );
    assert_all_close(
        &hv,
        case.hvp,
        1e-12,
        &format!("{what}: Hessian-vector product"),
    );
    check_layer::<Ly, I, O, B>(layer, case.params, &[], &x, 5);
}

#[test]
fn conv1d_matches_pytorch() {
    against_torch::<_, 14, 15, 2>(&Conv1d::<2, 3, 3, 7>::new(), &torch::C1, "Conv1d(2, 3, 3)");
    against_torch::<_, 16, 16, 2>(
        &Conv1d::<2, 4, 3, 8, 2, 1>::new(),
        &torch::C1_S2_P1,
        "Conv1d(stride=2, padding=1)",
    );
    against_torch::<_, 14, 21, 2>(
        &Conv1d::<2, 3, 3, 7, 1, 2, 2>::new(),
        &torch::C1_D2_P2,
        "Conv1d(padding=2, dilation=2)",
    );
    against_torch::<_, 24, 36, 2>(
        &Conv1d::<4, 6, 3, 6, 1, 1, 1, 2>::new(),
        &torch::C1_G2,
        "Conv1d(groups=2)",
    );
    against_torch::<_, 15, 12, 2>(
        &Conv1d::<3, 3, 2, 5, 1, 0, 1, 3>::new(),
        &torch::C1_DEPTHWISE,
        "Conv1d depthwise",
    );
    against_torch::<_, 16, 9, 2>(
        &Conv1d::<2, 3, 2, 8, 3, 0, 1, 1, false>::new(),
        &torch::C1_NO_BIAS,
        "Conv1d(stride=3, bias=False)",
    );
}

#[test]
fn conv2d_matches_pytorch() {
    against_torch::<_, 40, 27, 2>(
        &Conv2d::<2, 3, 3, 2, 5, 4>::new(),
        &torch::C2,
        "Conv2d(2, 3, (3, 2))",
    );
    against_torch::<_, 60, 27, 2>(
        &Conv2d::<2, 3, 3, 3, 5, 6, 2, 1>::new(),
        &torch::C2_S2_P1,
        "Conv2d(stride=2, padding=1)",
    );
    against_torch::<_, 30, 24, 2>(
        &Conv2d::<1, 2, 3, 3, 6, 5, 1, 1, 2>::new(),
        &torch::C2_D2_P1,
        "Conv2d(padding=1, dilation=2)",
    );
    against_torch::<_, 64, 18, 2>(
        &Conv2d::<4, 2, 2, 2, 4, 4, 1, 0, 1, 2>::new(),
        &torch::C2_G2,
        "Conv2d(groups=2)",
    );
    against_torch::<_, 48, 96, 2>(
        &Conv2d::<3, 6, 3, 3, 4, 4, 1, 1, 1, 3>::new(),
        &torch::C2_DEPTHWISE,
        "Conv2d depthwise",
    );
    against_torch::<_, 40, 18, 2>(
        &Conv2d::<2, 2, 2, 2, 4, 5, 2, 1, 1, 1, false>::new(),
        &torch::C2_NO_BIAS,
        "Conv2d(stride=2, padding=1, bias=False)",
    );
}

#[test]
fn geometry_and_tensors_are_pytorchs() {
    type Grouped = Conv2d<4, 6, 3, 2, 5, 5, 1, 0, 1, 2>;
    // floor((L + 2P - D (K - 1) - 1) / S) + 1, times the output channels.
    assert_eq!(<Conv1d<2, 4, 3, 8, 2, 1> as LayerShape<16>>::OUTPUT, 4 * 4);
    assert_eq!(<Conv1d<1, 1, 3, 9, 1, 0, 4> as LayerShape<9>>::OUTPUT, 1);
    assert_eq!(
        <Conv2d<1, 8, 3, 3, 8, 8, 1, 1> as LayerShape<64>>::OUTPUT,
        8 * 8 * 8
    );
    assert_eq!(
        <Conv2d<2, 3, 3, 2, 5, 4> as LayerShape<40>>::OUTPUT,
        3 * 3 * 3
    );
    assert_eq!(<Conv2d<3, 2, 2, 2, 4, 5> as LayerConfig>::INPUT, Some(60));
    // weight [C_OUT, C_IN / groups, *kernel], then bias [C_OUT].
    let tensors = <Grouped as LayerShape<100>>::TENSORS;
    assert_eq!(tensors.len(), 2);
    assert_eq!(
        (tensors[0].name, tensors[0].rows, tensors[0].cols),
        ("weight", 6, 12)
    );
    assert_eq!(tensors[0].role, Role::Filter { kernel: &[3, 2] });
    assert_eq!(tensors[0].torch_shape(), ([6, 2, 3, 2], 4));
    assert_eq!(
        (tensors[1].name, tensors[1].torch_shape()),
        ("bias", ([6, 0, 0, 0], 1))
    );
    assert_eq!(<Grouped as LayerShape<100>>::PARAMS, 6 * 2 * 6 + 6);
    let line = <Conv1d<3, 3, 4, 9, 1, 0, 1, 3, false> as LayerShape<27>>::TENSORS;
    assert_eq!(line.len(), 1, "no bias");
    assert_eq!(line[0].torch_shape(), ([3, 1, 4, 0], 3));
}

/// PyTorch's `reset_parameters`: weight and bias uniform in
/// `[-1/sqrt(fan_in), 1/sqrt(fan_in)]`, `fan_in = C_IN / groups * taps`.
#[test]
fn default_initialization_is_pytorchs() {
    type Layer2 = Conv2d<4, 8, 3, 3, 6, 6, 1, 1, 1, 2>;
    let mut params = vec![0.0f64; <Layer2 as LayerShape<144>>::PARAMS];
    Layer::<f64, 144, 288>::init(&Layer2::new(), &mut params, &mut [], &mut Rng::seed_from(4));
    let bound = 1.0 / (2.0f64 * 9.0).sqrt();
    let max = params.iter().fold(0.0f64, |m, p| m.max(p.abs()));
    assert!(max <= bound && max > 0.9 * bound, "{max} against {bound}");
    let bias = &params[8 * 2 * 9..];
    assert!(bias.iter().all(|b| b.abs() <= bound) && bias.iter().any(|&b| b != 0.0));
    let mut zeros = vec![1.0f64; 8 * 2 * 9 + 8];
    let zeroed = Layer2::new()
        .weight_init(Init::Zeros)
        .bias_init(Init::Zeros);
    Layer::<f64, 144, 288>::init(&zeroed, &mut zeros, &mut [], &mut Rng::seed_from(4));
    assert!(zeros.iter().all(|&p| p == 0.0));
}

network! {
    /// 1x5x5 images: a padded 3x3 convolution to two channels, ReLU, 2x2
    /// max pooling, flatten, three classes.
    struct Cnn {
        conv: Conv2d<1, 2, 3, 3, 5, 5>(padding = 1),
        act: ReLU,
        pool: MaxPool2d<2, 5, 5, 2>,
        flat: Flatten,
        out: Dense<8, 3>,
    }

    /// Two channels of length 8: a strided, padded convolution, a grouped
    /// dilated one without bias, then a readout.
    struct Line {
        conv: Conv1d<2, 4, 3, 8>(stride = 2, padding = 1),
        act: Tanh,
        grouped: Conv1d<4, 2, 2, 4>(dilation = 2, groups = 2, bias = false),
        flat: Flatten,
        out: Dense<4, 2>,
    }
}

#[test]
fn declared_convolution_networks_have_exact_derivatives() {
    assert_eq!(<Cnn<f64>>::PARAMS, 2 * 9 + 2 + 8 * 3 + 3);
    assert_eq!(<Line<f64>>::PARAMS, 4 * 2 * 3 + 4 + 2 * 2 * 2 + 4 * 2 + 2);
    let widths: Vec<(usize, usize)> = <Cnn as Network<f32, 25, 3, 47>>::LAYERS
        .iter()
        .map(|l| (l.inputs, l.outputs))
        .collect();
    assert_eq!(widths, [(25, 50), (50, 50), (50, 8), (8, 8), (8, 3)]);
    for seed in 0..3 {
        let mut rng = Rng::seed_from(seed + 80);
        let net = Cnn::<f64>::seeded(seed);
        let x: SMatrix<f64, 25, 3> = random_matrix(&mut rng, 2.0);
        let targets = [2, 0, 1];
        check_network(&net, &CrossEntropy, &x, &targets, &mut rng);
        let mut grad = [0.0; 47];
        let mut h = vec![0.0; 47 * 47];
        net.hessian_into(&CrossEntropy, &x, &targets, &mut grad, &mut h)
            .unwrap();
        assert_symmetric(&h, 47, "Cnn Hessian");
        assert_all_close(
            &h,
            &numeric_hessian(&net, &CrossEntropy, &x, &targets),
            HVP_TOL,
            "Cnn Hessian",
        );
        let line = Line::<f64>::seeded(seed);
        let x: SMatrix<f64, 16, 2> = random_matrix(&mut rng, 2.0);
        check_network(&line, &Mse, &x, &[[0.5, -1.0], [1.0, 0.0]], &mut rng);
        let p = Line::<f64>::PARAMS;
        let mut h = vec![0.0; p * p];
        line.hessian_into(&Mse, &x, &[[0.5, -1.0], [1.0, 0.0]], &mut [0.0; 46], &mut h)
            .unwrap();
        assert_all_close(
            &h,
            &numeric_hessian(&line, &Mse, &x, &[[0.5, -1.0], [1.0, 0.0]]),
            HVP_TOL,
            "Line Hessian",
        );
    }
}

/// A convolution is not a layer of hidden units for the symmetry tools: a
/// typed reason, not a wrong permutation.
#[test]
fn symmetry_tools_skip_convolutions_with_a_reason() {
    let layers = <Cnn<f64> as Network<f64, 25, 3, 47>>::LAYERS;
    let error = HiddenLayer::at(layers, 0).unwrap_err().to_string();
    assert!(error.contains("does not compute hidden units"), "{error}");
    assert_eq!(HiddenLayer::all(layers).count(), 0);
}
