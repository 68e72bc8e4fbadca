//! The macro's syntax rows and the library's kinds agree: every row names a
//! type of `constnet::layer` whose `LayerConfig::NAME` is the row's name,
//! every builder argument of the row is a `const` method of that type (the
//! rows' table is compiled here by the hidden `__built_in_kinds!` macro, so
//! a renamed or removed method fails this build), and every kind declared
//! in a network reports the name it was declared with.

use constnet::layer::LayerConfig;
use constnet::prelude::*;

network! {
    /// Every built-in kind once, in the order of the macro's rows.
    struct Every {
        fc: Dense<2, 4>,
        bn: BatchNorm<4>,
        ln: LayerNorm<4>,
        rnn: Rnn<2, 3, 2>,
        dropout: Dropout,
        lstm: Lstm<3, 3, 1>,
        gru: Gru<3, 3, 1>,
        conv1: Conv1d<3, 2, 2, 1>(padding = 1),
        conv2: Conv2d<1, 3, 2, 2, 2, 2>(stride = 1, padding = 0, dilation = 1, groups = 1, bias = false),
        max1: MaxPool1d<1, 3, 2>(stride = 1),
        max2: MaxPool2d<1, 1, 2, 1>,
        avg1: AvgPool1d<1, 2, 1>,
        avg2: AvgPool2d<2, 1, 1, 1>(stride = 1, padding = 0),
        mean: GlobalAvgPool<2, 1>,
        flat: Flatten,
        relu: ReLU,
        leaky: LeakyReLU,
        tanh: Tanh,
        sigmoid: Sigmoid,
        identity: Identity,
        softmax: Softmax,
    }
}

#[test]
fn every_row_names_a_library_kind_of_that_name() {
    let rows: &[(&str, &str, usize)] = constnet::__private::__built_in_kinds!();
    assert_eq!(rows.len(), 21, "one row per built-in kind");
    for (row, name, _) in rows {
        assert_eq!(row, name, "the row `{row}` and the type's NAME");
    }
    let declared: Vec<&str> = <Every as Network<f32, 2, 2, 240>>::LAYERS
        .iter()
        .map(|l| l.kind)
        .collect();
    let row_names: Vec<&str> = rows.iter().map(|(row, _, _)| *row).collect();
    assert_eq!(declared, row_names);
    assert_eq!(<Dense<2, 4> as LayerConfig>::NAME, "Dense");
}
