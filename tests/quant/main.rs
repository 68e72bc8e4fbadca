//! Post-training quantization of declared networks (`constnet::quant`):
//! calibration, BatchNorm folding, diagnostics, bad input, accuracy of
//! the int8 SINE and DIGITS networks, and the int8 Rust source the
//! firmware includes.

mod networks;

mod accuracy;
mod bad_input;
mod conv;
mod conv_source;
mod folding;
mod source;
