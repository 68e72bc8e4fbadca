//! The int8 networks the firmware includes: the committed Rust source
//! (written by the `int8` example) is, value for value, what quantization
//! gives now, and the source compiles into a `static`.

use constnet::quant::{RangeMethod, quantize};

use super::networks::{DIGITS_CHAIN, digits, digits_split, sine_int8};

mod sine_q8 {
    include!("../firmware/src/models/sine_int8.rs");
}

mod digits_q8 {
    include!("../firmware/src/models/digits_int8.rs");
}

#[test]
fn the_committed_sine_source_is_the_quantized_network() {
    let q = sine_int8(RangeMethod::MinMax);
    assert_eq!(sine_q8::MODEL, q.network);
    assert_eq!((sine_q8::INPUT, sine_q8::OUTPUT), (q.input(), q.output()));
}

#[test]
fn the_committed_digits_source_is_the_quantized_network() {
    let (train, ..) = digits_split();
    let q = quantize(&digits::MODEL, &DIGITS_CHAIN, &train, RangeMethod::MinMax).unwrap();
    assert_eq!(digits_q8::MODEL, q.network);
    assert_eq!(
        (digits_q8::INPUT, digits_q8::OUTPUT),
        (q.input(), q.output())
    );
}
