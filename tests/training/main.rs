//! Training and what it is built from: optimizers against PyTorch's update
//! rules, learning-rate schedules, the training loop's stopping rules,
//! initializers and the seeded generator, data sets, and the Iris example.

#[path = "../common/mod.rs"]
mod common;

mod datasets;
mod empirical_risk;
mod erfinv;
mod init_distributions;
mod init_structure;
mod init_validation;
mod iris;
mod optimizer_settings;
mod optimizers;
mod prelude;
mod schedules;
mod seeded;
mod stopping;
mod training_runs;
