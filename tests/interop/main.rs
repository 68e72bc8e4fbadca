//! Getting networks in and out: trained networks written as Rust source
//! (weights in flash) and rebuilt bit for bit; safetensors files with
//! PyTorch's names read and written (feature `safetensors`); training
//! state saved and resumed with serde (feature `serde`).

mod question_mark;
mod rust_source;
#[cfg(feature = "safetensors")]
mod safetensors;
#[cfg(feature = "safetensors")]
mod safetensors_errors;
#[cfg(feature = "safetensors")]
mod safetensors_format_errors;
#[cfg(feature = "safetensors")]
mod safetensors_property;
#[cfg(feature = "serde")]
mod serde_state;
#[cfg(feature = "tflite")]
mod tflite;
#[cfg(feature = "tflite")]
mod tflite_conv;
