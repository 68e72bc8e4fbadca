//! The layers and the derivatives built from them: every layer's backward
//! and R-operator against central differences, Hessian-vector products,
//! blocked passes and full Hessians against finite differences and closed
//! forms, batch normalization, the recurrent layer, and NaN propagation.
//!
//! The integration tests are three binaries by theme (`layers`, `training`,
//! `diagnostics`) plus the allocation proof and the UI tests: one binary per
//! file would link and instantiate the same code thirty times.

#[path = "../common/mod.rs"]
mod common;

mod batch_norm;
mod batch_norm_running;
mod blocks;
mod conv;
mod conv_taps;
mod derivatives;
mod dropout;
mod gated;
mod gru;
mod hessian;
mod hessian_closed_forms;
mod hessian_eval_mode;
mod hvp;
mod input_gradient;
mod kinds;
mod layer_norm;
mod non_finite;
mod pool;
mod rnn;
mod stability;
mod state;
