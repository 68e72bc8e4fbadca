//! Moving a network into and out of constnet (`std`): as Rust source that
//! keeps trained weights in flash ([`rust_source`]), and as safetensors
//! files with PyTorch's names ([`safetensors`], feature `safetensors`), and
//! int8 networks as TensorFlow Lite files ([`tflite`], feature `tflite`).

pub mod rust_source;
#[cfg(feature = "safetensors")]
pub mod safetensors;
#[cfg(feature = "tflite")]
pub mod tflite;
