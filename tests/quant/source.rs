//! The int8 networks the firmware includes: the committed Rust source
//! (written by the `int8` example) is, value for value, what quantization
//! gives now, and the source compiles into a `static` of the int8 types
//! the declarations generated.

use constnet::interop::rust_source::{RustSource, RustSourceError};
use constnet::prelude::*;
use constnet::quant::source::int8_rust_source;

use super::networks::{DigitsQ8, SineQ8, digits, digits_split, sine, sine_calibration};

mod sine_q8 {
    use super::SineQ8;
    include!("../firmware/src/models/sine_int8.rs");
}

mod digits_q8 {
    use super::DigitsQ8;
    include!("../firmware/src/models/digits_int8.rs");
}

#[test]
fn the_committed_sine_source_is_the_quantized_network() {
    let samples = sine_calibration();
    let q: SineQ8 = sine::MODEL.quantize(&Calibration::new(&samples)).unwrap();
    assert_eq!(sine_q8::MODEL, q);
}

#[test]
fn the_committed_digits_source_is_the_quantized_network() {
    let (train, ..) = digits_split();
    let q = digits::MODEL.quantize(&Calibration::new(&train)).unwrap();
    assert_eq!(digits_q8::MODEL, q);
}

#[test]
fn the_source_names_the_type_and_refuses_bad_names() {
    let source = int8_rust_source(
        &sine_q8::MODEL,
        &RustSource {
            item_name: "SINE",
            visibility: "pub(crate)",
            ..RustSource::new("crate::models::SineQ8")
        },
        "One line.\nTwo lines.",
    )
    .unwrap();
    assert!(source.starts_with("/// One line.\n/// Two lines.\n"));
    assert!(source.contains(
        "pub(crate) static SINE: crate::models::SineQ8 = crate::models::SineQ8::from_parts("
    ));
    let bad = int8_rust_source(&sine_q8::MODEL, &RustSource::new("Sine Q8"), "");
    assert_eq!(bad, Err(RustSourceError::InvalidTypePath("Sine Q8".into())));
}
