//! What can be wrong with a safetensors file, or with its fit to a network.
//! Every error about one tensor names it (as written in the file).

pub use crate::error::SafetensorsError;
