//! The optimization diagnostics: permutation symmetry, vanishing and
//! exploding gradients, ill-conditioning, Hessian spectra, matrix-free
//! curvature estimates, Newton steps, and the curvature analyses
//! (per-layer blocks, sharpness tracking, GGN and Fisher, noise scale).

#[path = "../common/mod.rs"]
mod common;

mod bad_targets;
mod conditioning;
mod curvature_analyses;
mod gradient_flow;
mod gradient_norms;
mod matrix_free;
mod matrix_free_errors;
mod newton;
mod spectrum;
mod symmetry;
mod symmetry_batch_norm;
mod symmetry_gated;
mod symmetry_layer_norm;
mod symmetry_recurrent;
mod symmetry_tables;
