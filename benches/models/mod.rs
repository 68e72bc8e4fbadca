//! The three benchmark models XOR, SINE, DIGITS (declared once, with the
//! tests, in `tests/common/models.rs`) and their seeded inputs. Shared by
//! every bench.
#![allow(dead_code)]

pub mod hand_hessian;
pub mod handwritten;

use constnet::prelude::*;

#[path = "../../tests/common/models.rs"]
mod declared;

pub use declared::{Digits, Sine, Xor};

/// Seed of every input and initializer in the benches.
pub const SEED: u64 = 2024;

/// XOR's four points and labels.
pub fn xor_batch<T: Float>() -> (SMatrix<T, 2, 4>, [[T; 1]; 4]) {
    let x = SMatrix::from_column_slice(&[0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0].map(T::of_f64));
    (x, [[T::zero()], [T::one()], [T::one()], [T::zero()]])
}

/// 32 points uniform in [-pi, pi] and y = sin x.
pub fn sine_batch<T: Float>() -> (SMatrix<T, 1, 32>, [[T; 1]; 32]) {
    let mut rng = Rng::seed_from(SEED);
    let xs: [f64; 32] =
        core::array::from_fn(|_| rng.uniform_in(-core::f64::consts::PI, core::f64::consts::PI));
    (
        SMatrix::from_fn(|_, b| T::of_f64(xs[b])),
        xs.map(|x| [T::of_f64(x.sin())]),
    )
}

/// 32 random 8x8 "images" with pixel values in [0, 16] and random labels.
pub fn digits_batch<T: Float>() -> (SMatrix<T, 64, 32>, [usize; 32]) {
    let mut rng = Rng::seed_from(SEED);
    let x = SMatrix::from_fn(|_, _| T::of_f64(rng.uniform_in(0.0, 16.0)));
    let labels = core::array::from_fn(|_| rng.below(10));
    (x, labels)
}
