//! `interop::rust_source`: the written source compiles and rebuilds the
//! network bit for bit. The snapshot `fixtures/rust_source/models.rs` is
//! what the writer produced for the two networks built below; this test
//! `include!`s it (so it must compile as Rust) and compares every bit with
//! the networks, then checks that writing them again gives the same text.
//! After an intended change of the format, rewrite the snapshot with
//! `CONSTNET_BLESS=1 cargo test --test interop rust_source` and review the diff.

use constnet::interop::rust_source::{RustSource, RustSourceError, rust_source};
use constnet::prelude::*;

network! {
    /// Batch normalization twice: parameters, buffers and two counts of
    /// tracked batches.
    pub struct Normed {
        fc: Dense<3, 4>,
        bn: BatchNorm<4>,
        act: Tanh,
        out: Dense<4, 2>,
        norm_out: BatchNorm<2>,
    }

    /// XOR, written in f64.
    pub struct Xor {
        hidden: Dense<2, 8>,
        act: Tanh,
        out: Dense<8, 1>,
    }
}

mod written {
    use super::{Normed, Xor};
    include!("../fixtures/rust_source/models.rs");
}

const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/rust_source/models.rs"
);

/// A batch-normalized network after two training steps (buffers moved,
/// two batches tracked, then the second layer's count set apart, as in a
/// model assembled from parts), with the values a decimal literal could
/// lose placed in its parameters and buffers.
fn normed() -> Normed<f32> {
    let mut net = Normed::<f32>::seeded(3);
    let mut sgd = Sgd::new(SgdConfig {
        lr: 0.1,
        ..SgdConfig::default()
    })
    .unwrap();
    let x = SMatrix::<f32, 3, 4>::from_fn(|i, b| (i as f32 - 1.0) * (b as f32 + 0.5));
    let targets = [0_usize, 1, 1, 0];
    for _ in 0..2 {
        let mut cache = Zeroed::zeroed();
        let output = net.forward_train(&x, &mut cache);
        let mut d_output = SMatrix::<f32, 2, 4>::zeros();
        CrossEntropy.loss_and_gradient(&output, &targets, &mut d_output);
        let mut grad = [0.0; Normed::<f32>::PARAMS];
        net.backward(&mut cache, &d_output, &mut grad);
        sgd.step(net.parameters_mut(), &grad);
        net.update_buffers(&cache);
    }
    let specials = [
        -0.0,
        f32::from_bits(1),           // smallest subnormal
        f32::from_bits(0x7fc0_1234), // NaN with a payload
        f32::NEG_INFINITY,
        f32::MAX,
        0.1, // not a binary fraction
    ];
    net.parameters_mut()[..specials.len()].copy_from_slice(&specials);
    net.buffers_mut()[0] = f32::from_bits(0x8000_0001); // negative subnormal
    net.batches_tracked_mut()[1] = 7;
    net
}

fn xor() -> Xor<f64> {
    let mut net = Xor::<f64>::seeded(1);
    net.parameters_mut()[0] = f64::from_bits(0x7ff8_0000_dead_beef);
    net.parameters_mut()[1] = 1.0 / 3.0;
    net
}

fn source() -> String {
    let mut text = rust_source(
        &normed(),
        &RustSource {
            item_name: "NORMED",
            ..RustSource::new("Normed")
        },
    )
    .unwrap();
    text.push('\n');
    text.push_str(
        &rust_source(
            &xor(),
            &RustSource {
                item_name: "XOR",
                ..RustSource::new("Xor")
            },
        )
        .unwrap(),
    );
    text
}

fn bits32(values: &[f32]) -> Vec<u32> {
    values.iter().map(|v| v.to_bits()).collect()
}

fn bits64(values: &[f64]) -> Vec<u64> {
    values.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn the_written_source_rebuilds_every_bit() {
    let (net, flash) = (normed(), &written::NORMED);
    assert_eq!(bits32(flash.parameters()), bits32(net.parameters()));
    assert_eq!(bits32(flash.buffers()), bits32(net.buffers()));
    assert_eq!(flash.batches_tracked(), [2, 7]);
    assert_eq!(flash.batches_tracked(), net.batches_tracked());
    let (net, flash) = (xor(), &written::XOR);
    assert_eq!(bits64(flash.parameters()), bits64(net.parameters()));
    assert!(flash.batches_tracked().is_empty());
    // The rebuilt network computes what the original does.
    let x = SMatrix::<f32, 3, 2>::from_fn(|i, b| i as f32 - b as f32);
    let mut original = normed();
    let mut rebuilt = written::NORMED.clone();
    original.parameters_mut()[..6].fill(0.5);
    rebuilt.parameters_mut()[..6].fill(0.5);
    assert_eq!(
        bits32(rebuilt.forward(&x).as_slice()),
        bits32(original.forward(&x).as_slice())
    );
}

#[test]
fn writing_again_gives_the_snapshot() {
    let text = source();
    if std::env::var_os("CONSTNET_BLESS").is_some() {
        std::fs::write(SNAPSHOT, &text).unwrap();
    }
    let snapshot = std::fs::read_to_string(SNAPSHOT).unwrap();
    assert!(
        text == snapshot,
        "the writer's output differs from {SNAPSHOT}; rewrite it with CONSTNET_BLESS=1 and review the diff"
    );
    assert!(text.contains("f32::from_bits(0x7fc0_1234), // [0, 2] NaN"));
    assert!(text.contains(
        "    // bn.running_mean [4]\n        f32::from_bits(0x8000_0001), // [0] -1e-45"
    ));
    assert!(text.contains("f64::from_bits(0x3fd5_5555_5555_5555)"));
    assert!(text.contains(
        "    [\n        2, // bn.num_batches_tracked\n        7, // norm_out.num_batches_tracked\n    ],\n);"
    ));
    assert!(text.contains("    [],\n    [],\n);"));
}

#[test]
fn names_that_rust_cannot_use_are_refused() {
    let net = Xor::<f32>::seeded(1);
    let cases = [
        (
            RustSource::new("Xor<f32>"),
            RustSourceError::InvalidTypePath("Xor<f32>".into()),
        ),
        (
            RustSource::new("models::"),
            RustSourceError::InvalidTypePath("models::".into()),
        ),
        (
            RustSource {
                item_name: "2NETS",
                ..RustSource::new("Xor")
            },
            RustSourceError::InvalidItemName("2NETS".into()),
        ),
        (
            RustSource {
                item_name: "_",
                ..RustSource::new("Xor")
            },
            RustSourceError::InvalidItemName("_".into()),
        ),
        (
            RustSource {
                visibility: "public",
                ..RustSource::new("Xor")
            },
            RustSourceError::InvalidVisibility("public".into()),
        ),
    ];
    for (naming, expected) in cases {
        assert_eq!(rust_source(&net, &naming), Err(expected));
    }
    let text = rust_source(
        &net,
        &RustSource {
            visibility: "",
            ..RustSource::new("::models::Xor")
        },
    )
    .unwrap();
    assert!(
        text.contains("\nstatic MODEL: ::models::Xor<f32> = ::models::Xor::<f32>::from_parts(")
    );
}
