//! The pooling and reshaping layers: forward and input gradient against
//! PyTorch float64 (`tests/fixtures/pool/make.py`), backward and R-operator
//! against central differences with the public checker (inputs with
//! distinct entries, so no max window has a tie), the geometry PyTorch
//! computes, and a declared network mixing them, with its strides and
//! paddings, checked end to end.

use crate::common::{assert_all_close, check_layer, check_network, random_matrix};
use constnet::layer::{Layer, LayerConfig, LayerShape, TrainContext, Zeroed};
use constnet::prelude::*;

#[path = "../fixtures/pool/values.rs"]
mod torch;

/// Forward, training forward and input gradient of `layer` on a fixture
/// case, against PyTorch; then its derivatives against central differences
/// at the same input.
fn against_torch<Ly, const I: usize, const O: usize, const B: usize>(
    layer: &Ly,
    x: &[f64],
    y: &[f64],
    weights: &[f64],
    dx: &[f64],
    what: &str,
) where
    Ly: Layer<f64, I, O>,
{
    let x = SMatrix::<f64, I, B>::from_column_slice(x);
    let mut out = SMatrix::<f64, O, B>::zeros();
    layer.forward(&[], &[], &x, &mut out);
    assert_all_close(out.as_slice(), y, 1e-15, &format!("{what}: forward"));
    let mut cache = Ly::Cache::<B>::zeroed();
    let mut trained = SMatrix::<f64, O, B>::zeros();
    layer.forward_train(
        &[],
        &[],
        &x,
        &mut trained,
        &mut cache,
        &TrainContext::new(1),
    );
    assert_eq!(
        out, trained,
        "{what}: training forward is the inference forward"
    );
    let dy = SMatrix::<f64, O, B>::from_column_slice(weights);
    let mut grad_x = SMatrix::<f64, I, B>::zeros();
    layer.backward(
        &[],
        &x,
        &trained,
        &mut cache,
        &dy,
        Some(&mut grad_x),
        &mut [],
    );
    assert_all_close(
        grad_x.as_slice(),
        dx,
        1e-15,
        &format!("{what}: input gradient"),
    );
    check_layer::<Ly, I, O, B>(layer, &[], &[], &x, 7);
}

#[test]
fn max_pooling_matches_pytorch() {
    against_torch::<_, 40, 8, 2>(
        &MaxPool2d::<2, 5, 4, 2>,
        &torch::MAX2D_K2_X,
        &torch::MAX2D_K2_Y,
        &torch::MAX2D_K2_WEIGHTS,
        &torch::MAX2D_K2_DX,
        "MaxPool2d(2)",
    );
    against_torch::<_, 60, 18, 2>(
        &MaxPool2d::<2, 5, 6, 3, 2, 1>,
        &torch::MAX2D_K3_S2_P1_X,
        &torch::MAX2D_K3_S2_P1_Y,
        &torch::MAX2D_K3_S2_P1_WEIGHTS,
        &torch::MAX2D_K3_S2_P1_DX,
        "MaxPool2d(3, stride=2, padding=1)",
    );
    against_torch::<_, 21, 21, 2>(
        &MaxPool1d::<3, 7, 3, 1, 1>,
        &torch::MAX1D_K3_S1_P1_X,
        &torch::MAX1D_K3_S1_P1_Y,
        &torch::MAX1D_K3_S1_P1_WEIGHTS,
        &torch::MAX1D_K3_S1_P1_DX,
        "MaxPool1d(3, stride=1, padding=1)",
    );
}

#[test]
fn average_pooling_matches_pytorch() {
    against_torch::<_, 40, 8, 2>(
        &AvgPool2d::<2, 5, 4, 2>,
        &torch::AVG2D_K2_X,
        &torch::AVG2D_K2_Y,
        &torch::AVG2D_K2_WEIGHTS,
        &torch::AVG2D_K2_DX,
        "AvgPool2d(2)",
    );
    against_torch::<_, 60, 18, 2>(
        &AvgPool2d::<2, 5, 6, 3, 2, 1>,
        &torch::AVG2D_K3_S2_P1_X,
        &torch::AVG2D_K3_S2_P1_Y,
        &torch::AVG2D_K3_S2_P1_WEIGHTS,
        &torch::AVG2D_K3_S2_P1_DX,
        "AvgPool2d(3, stride=2, padding=1)",
    );
    against_torch::<_, 21, 24, 2>(
        &AvgPool1d::<3, 7, 2, 1, 1>,
        &torch::AVG1D_K2_S1_P1_X,
        &torch::AVG1D_K2_S1_P1_Y,
        &torch::AVG1D_K2_S1_P1_WEIGHTS,
        &torch::AVG1D_K2_S1_P1_DX,
        "AvgPool1d(2, stride=1, padding=1)",
    );
    against_torch::<_, 18, 3, 2>(
        &GlobalAvgPool::<3, 6>,
        &torch::GLOBAL_AVG_X,
        &torch::GLOBAL_AVG_Y,
        &torch::GLOBAL_AVG_WEIGHTS,
        &torch::GLOBAL_AVG_DX,
        "AdaptiveAvgPool2d(1) + Flatten",
    );
}

#[test]
fn geometry_is_pytorchs() {
    // floor((H + 2P - K) / S) + 1 per axis, times the channels.
    assert_eq!(
        <MaxPool2d<2, 5, 6, 3, 2, 1> as LayerShape<60>>::OUTPUT,
        2 * 3 * 3
    );
    assert_eq!(<MaxPool2d<1, 8, 8, 2> as LayerShape<64>>::OUTPUT, 16);
    assert_eq!(<AvgPool1d<4, 10, 3> as LayerShape<40>>::OUTPUT, 4 * 3);
    assert_eq!(
        <AvgPool1d<4, 10, 3, 1, 1> as LayerShape<40>>::OUTPUT,
        4 * 10
    );
    assert_eq!(<GlobalAvgPool<5, 9> as LayerShape<45>>::OUTPUT, 5);
    assert_eq!(<MaxPool2d<3, 4, 4, 2> as LayerConfig>::INPUT, Some(48));
    assert_eq!(<Flatten as LayerConfig>::INPUT, None);
    assert_eq!(<MaxPool1d<2, 5, 2> as LayerShape<10>>::PARAMS, 0);
}

/// A max window of a padded corner selects a real entry, never the `-inf`
/// padding, even when every real entry is negative.
#[test]
fn max_padding_is_minus_infinity() {
    let layer = MaxPool1d::<1, 3, 3, 1, 1>;
    let x = SMatrix::<f64, 3, 1>::new(-5.0, -7.0, -6.0);
    let mut y = SMatrix::<f64, 3, 1>::zeros();
    Layer::<f64, 3, 3>::forward(&layer, &[], &[], &x, &mut y);
    assert_eq!(y.as_slice(), &[-5.0, -5.0, -6.0]);
    // Average pooling pads with zeros and divides by the full window.
    let mut avg = SMatrix::<f64, 3, 1>::zeros();
    Layer::<f64, 3, 3>::forward(&AvgPool1d::<1, 3, 3, 1, 1>, &[], &[], &x, &mut avg);
    assert_all_close(
        avg.as_slice(),
        &[-4.0, -6.0, -13.0 / 3.0],
        1e-15,
        "padded mean",
    );
}

#[test]
fn max_pooling_propagates_nan() {
    let x = SMatrix::<f64, 4, 1>::new(1.0, f64::NAN, 3.0, 2.0);
    let mut y = SMatrix::<f64, 2, 1>::zeros();
    Layer::<f64, 4, 2>::forward(&MaxPool1d::<1, 4, 2>, &[], &[], &x, &mut y);
    assert!(
        y[0].is_nan(),
        "a NaN in the window is the maximum, as in PyTorch"
    );
    assert_eq!(y[1], 3.0);
}

#[test]
fn flatten_is_the_identity_with_its_derivatives() {
    let mut rng = Rng::seed_from(3);
    let x: SMatrix<f64, 6, 3> = random_matrix(&mut rng, 2.0);
    let mut y = SMatrix::<f64, 6, 3>::zeros();
    Layer::<f64, 6, 6>::forward(&Flatten, &[], &[], &x, &mut y);
    assert_eq!(x, y);
    check_layer::<Flatten, 6, 6, 3>(&Flatten, &[], &[], &x, 11);
}

network! {
    /// Two 4x4 feature maps from a dense layer, max-pooled with stride 1 and
    /// padding 1 (5x5), average-pooled along rows read as length 25 (stride
    /// defaults to the kernel), flattened and classified.
    struct Pooled {
        fc: Dense<3, 32>,
        act: Tanh,
        max: MaxPool2d<2, 4, 4, 2>(stride = 1, padding = 1),
        avg: AvgPool1d<2, 25, 5>,
        flat: Flatten,
        out: Dense<10, 3>,
    }
}

network! {
    /// A 1-D max pool whose stride is left to its default while its padding
    /// is given, then global average pooling.
    struct PooledLine {
        fc: Dense<2, 12>,
        act: Tanh,
        max: MaxPool1d<2, 6, 3>(padding = 1),
        mean: GlobalAvgPool<2, 2>,
        out: Dense<2, 2>,
    }
}

#[test]
fn declared_pooling_networks_have_exact_derivatives() {
    assert_eq!(<Pooled<f64>>::OUTPUT, 3);
    let widths: Vec<(usize, usize)> = <Pooled as Network<f32, 3, 3, 161>>::LAYERS
        .iter()
        .map(|l| (l.inputs, l.outputs))
        .collect();
    assert_eq!(
        widths,
        [(3, 32), (32, 32), (32, 50), (50, 10), (10, 10), (10, 3)]
    );
    let kinds: Vec<&str> = <PooledLine as Network<f32, 2, 2, 42>>::LAYERS
        .iter()
        .map(|l| l.kind)
        .collect();
    assert_eq!(
        kinds,
        ["Dense", "Tanh", "MaxPool1d", "GlobalAvgPool", "Dense"]
    );
    for seed in 0..3 {
        let mut rng = Rng::seed_from(seed + 60);
        let net = Pooled::<f64>::seeded(seed);
        let x: SMatrix<f64, 3, 4> = random_matrix(&mut rng, 2.0);
        check_network(&net, &CrossEntropy, &x, &[0, 2, 1, 2], &mut rng);
        let line = PooledLine::<f64>::seeded(seed);
        let x: SMatrix<f64, 2, 3> = random_matrix(&mut rng, 2.0);
        check_network(&line, &CrossEntropy, &x, &[1, 0, 1], &mut rng);
    }
}
