//! Getting networks in and out: trained networks written as Rust source
//! (weights in flash) and rebuilt bit for bit, and safetensors files with
//! PyTorch's names read and written (feature `safetensors`).

mod question_mark;
mod rust_source;
#[cfg(feature = "safetensors")]
mod safetensors;
#[cfg(feature = "safetensors")]
mod safetensors_errors;
#[cfg(feature = "tflite")]
mod tflite;
