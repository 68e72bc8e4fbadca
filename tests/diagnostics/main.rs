//! The optimization diagnostics: permutation symmetry, vanishing and
//! exploding gradients, ill-conditioning, Hessian spectra, matrix-free
//! curvature estimates, and Newton steps.

#[path = "../common/mod.rs"]
mod common;

mod conditioning;
mod gradient_flow;
mod gradient_norms;
mod matrix_free;
mod newton;
mod spectrum;
mod symmetry;
mod symmetry_batch_norm;
mod symmetry_recurrent;
