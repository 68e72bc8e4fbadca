//! Permutation symmetry of layer tables written by hand, as a user layer
//! or another front end would describe a network: the tools read each
//! tensor's role, never its name, refuse layers that state no roles, and
//! move batch-norm state with its unit.

use constnet::Error;
use constnet::diagnostics::SymmetryCount;
use constnet::diagnostics::symmetry::{
    HiddenLayer, Symmetry, SymmetryError, canonicalize_parameters, equivalent_parameterizations,
};
use constnet::layer::{Properties, TensorShape};
use constnet::network::LayerInfo;

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
