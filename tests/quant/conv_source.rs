//! The int8 convolution and pooling layers as Rust source: the committed
//! `conv_int8_source.rs` (three `static`s, written by this test under
//! `CONSTNET_BLESS=1`) is what `int8_rust_source` writes now, it compiles
//! into `static`s of the generated int8 types, and they equal the
//! quantized networks value for value.

use std::fs;

use constnet::interop::rust_source::RustSource;
use constnet::prelude::*;
use constnet::quant::source::int8_rust_source;

use super::conv::{Depthwise, DepthwiseQ8, Signal1d, Signal1dQ8, Small2d, Small2dQ8, samples};

mod committed {
    use super::{DepthwiseQ8, Signal1dQ8, Small2dQ8};
    include!("conv_int8_source.rs");
}

fn quantized() -> (Small2dQ8, DepthwiseQ8, Signal1dQ8) {
    let small = Small2d::<f32>::seeded(1)
        .quantize(&Calibration::new(&samples::<98>(64, 2)))
        .unwrap();
    let depthwise = Depthwise::<f32>::seeded(4)
        .quantize(&Calibration::new(&samples::<108>(64, 5)))
        .unwrap();
    let signal = Signal1d::<f32>::seeded(7)
        .quantize(&Calibration::new(&samples::<20>(64, 8)))
        .unwrap();
    (small, depthwise, signal)
}

#[test]
fn the_committed_conv_source_is_what_the_writer_writes_and_the_networks() {
    let (small, depthwise, signal) = quantized();
    let naming = |type_path, item_name| RustSource {
        item_name,
        visibility: "pub",
        ..RustSource::new(type_path)
    };
    let source = [
        int8_rust_source(&small, &naming("Small2dQ8", "SMALL2D"), "Small2d in int8.").unwrap(),
        int8_rust_source(
            &depthwise,
            &naming("DepthwiseQ8", "DEPTHWISE"),
            "Depthwise in int8.",
        )
        .unwrap(),
        int8_rust_source(
            &signal,
            &naming("Signal1dQ8", "SIGNAL1D"),
            "Signal1d in int8.",
        )
        .unwrap(),
    ]
    .join("\n");
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/quant/conv_int8_source.rs"
    );
    if std::env::var_os("CONSTNET_BLESS").is_some() {
        fs::write(path, &source).unwrap();
    }
    assert_eq!(fs::read_to_string(path).unwrap(), source);
    assert_eq!(committed::SMALL2D, small);
    assert_eq!(committed::DEPTHWISE, depthwise);
    assert_eq!(committed::SIGNAL1D, signal);
}
