//! Moving a network into and out of constnet (`std`): as Rust source that
//! keeps trained weights in flash ([`rust_source`]).

pub mod rust_source;
