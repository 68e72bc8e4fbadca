//! Getting networks in and out: trained networks written as Rust source
//! (weights in flash) and rebuilt bit for bit.

mod rust_source;
