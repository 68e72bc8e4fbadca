//! How many parameter vectors compute the same function by the symmetries
//! of [`super`]: the order of the symmetry group, `prod_i n_i!` over the
//! hidden layers (`(n!)^m` for `m` layers of `n` units; Goodfellow, Bengio and Courville,
//! *Deep Learning*, 2016, section 8.2.2), times
//! `2^(n_i)` for each layer whose units may also be negated.
//!
//! This counts the discrete symmetries only. Continuous ones are not
//! counted: rescaling the incoming and outgoing weights of a `ReLU` unit by
//! `a` and `1/a`, or any invertible matrix between two `Dense` layers with
//! only `Identity` in between. For a network with two equal units, or a
//! unit whose weights are all zero, some of the counted parameterizations
//! coincide; the count is then the group's order, not the number of
//! distinct vectors.

use crate::diagnostics::bignum::BigNat;
use core::f64::consts::{LOG10_2, LOG10_E};

use crate::error::Result;
use crate::math;
use crate::network::LayerInfo;

use super::{HiddenLayer, Symmetry};

/// The exact number of equivalent parameterizations of a network with the
/// layer table `layers`, under `symmetry`, as a big natural number with
/// `LIMBS` limbs of 18 decimal digits (an error if it does not fit).
///
/// ```
/// use constnet::diagnostics::{SymmetryCount, symmetry::{Symmetry, equivalent_parameterizations}};
/// use constnet::prelude::*;
/// network! {
///     /// XOR.
///     pub struct Xor { hidden: Dense<2, 8>, act: Tanh, out: Dense<8, 1> }
/// }
/// let layers = <Xor as Network<f32, 2, 1, 33>>::LAYERS;
/// let perms: SymmetryCount = equivalent_parameterizations(layers, Symmetry::Permutations)?;
/// assert_eq!(perms.to_string(), "40320"); // 8!
/// let signed: SymmetryCount = equivalent_parameterizations(layers, Symmetry::PermutationsAndSignFlips)?;
/// assert_eq!(signed.to_string(), "10321920"); // 8! 2^8
/// # Ok::<(), constnet::Error>(())
/// ```
pub fn equivalent_parameterizations<const LIMBS: usize>(
    layers: &'static [LayerInfo],
    symmetry: Symmetry,
) -> Result<BigNat<LIMBS>> {
    let mut count = BigNat::one();
    for hidden in HiddenLayer::all(layers) {
        let n = hidden.units() as u64;
        count.mul_factorial(n)?;
        if hidden.flips_under(symmetry) {
            count.mul_pow2(n)?;
        }
    }
    Ok(count)
}

/// The base-10 logarithm of [`equivalent_parameterizations`], as a sum of
/// logarithms: never overflows, whatever the network's size.
#[must_use]
pub fn log10_equivalent_parameterizations(layers: &'static [LayerInfo], symmetry: Symmetry) -> f64 {
    let mut log10 = 0.0;
    for hidden in HiddenLayer::all(layers) {
        let n = hidden.units();
        log10 += (2..=n).map(|k| math::ln(k as f64)).sum::<f64>() * LOG10_E;
        if hidden.flips_under(symmetry) {
            log10 += n as f64 * LOG10_2;
        }
    }
    log10
}
