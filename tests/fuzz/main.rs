//! Random, extreme and mutated inputs at every public entry point that
//! takes data or hyper-parameters, in `f32` and `f64`: nothing panics, and
//! every call gives a typed error or a finite, documented result (checked
//! per entry point: finite parameters after a failed training run, the
//! function unchanged by a permutation of hidden units, ...).
//!
//! Each entry point gets `CONSTNET_FUZZ_CASES` cases (default 200, about a
//! second for the whole suite; expensive ones a fraction of that) from a
//! seeded generator (`CONSTNET_FUZZ_SEED`, default 1), so a failure
//! reproduces. Every run writes the counts (cases accepted and refused per
//! entry point) to `target/tmp/fuzz-counts-<group>.txt`;
//! `cargo test --test fuzz -- --nocapture` prints them too.
//! A longer run: `CONSTNET_FUZZ_CASES=5000 cargo test --release --test fuzz`.
//!
//! The generator is the project's own seeded [`Rng`](constnet::rng::Rng)
//! with lists of edge values (NaN, infinities, `f32::MAX`, `1e39`, `1e-50`,
//! subnormals, `usize::MAX`, `1 << 40`, ...), log-uniform magnitudes over
//! the whole `f64` range, and mutated CSV text; no property-testing crate
//! is needed for that, and none is pulled in.

mod batches;
mod data;
mod harness;
mod init;
mod matrix_free;
mod models;
mod optim;
mod second_order;
mod tools;
mod train;

#[test]
fn batch_checks_of_every_batch_entry_point() {
    batches::run();
}

#[test]
fn data_sets_standardization_and_csv() {
    data::run();
}

#[test]
fn initializers_and_layer_settings() {
    init::run();
}

#[test]
fn optimizers_and_schedules() {
    optim::run();
}

#[test]
fn training_losses_and_monitors() {
    train::run();
}

#[test]
fn hessians_and_products() {
    second_order::run();
}

#[test]
fn matrix_free_methods_and_spectra() {
    matrix_free::run();
}

#[test]
fn symmetry_gradient_flow_newton_metrics_and_interop() {
    tools::run();
}
