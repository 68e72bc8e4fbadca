//! A canonical representative of a network's symmetry class, and a
//! distance between networks modulo the symmetries.
//!
//! Canonical form, hidden layer by hidden layer from the input side:
//!
//! 1. Signs (with [`Symmetry::PermutationsAndSignFlips`], for layers whose
//!    units may be negated): each unit is negated unless the entry of
//!    largest magnitude among its incoming weights and bias (the first such
//!    entry on ties; for an `Rnn`, `W_ih` and bias, not `W_hh`, whose row
//!    changes sign with the other units) is positive. A unit whose incoming
//!    weights and bias are all zero is left as it is.
//! 2. Order: units are sorted in increasing lexicographic order of their
//!    incoming description: the row of the incoming weight (input 0 first;
//!    for an `Rnn`, the row of `W_ih`, then its self-connection `W_hh[i][i]`,
//!    the rest of its `W_hh` row depending on the order of the others), then
//!    the bias, then their per-unit parameters in the layers in between
//!    (batch-norm gamma, beta; every step's for an `Rnn` emitting every
//!    state), compared with IEEE total order.
//!
//! Going from the input side matters: sorting a layer permutes the columns
//! of the next layer's weight, which is the next layer's incoming
//! description, so that one is sorted only once its inputs are in canonical
//! order. The result is the same for every member of a class as long as no
//! two units of a layer have the same incoming description (true of trained
//! networks in practice; two such units could still differ in their
//! outgoing weights, and then the form is not unique).
//!
//! Distance: canonicalize both networks, then take the Euclidean distance
//! between their flat parameter vectors. It is 0 exactly for two members of
//! one class (under the condition above), needs no memory beyond copies of
//! the two parameter vectors, and costs `O(sum n_i^2 fan_in_i)`. The
//! alternative, matching units layer by layer with an optimal assignment
//! (the Hungarian method, as in Ainsworth, Hayase and Srinivasa, "Git
//! Re-Basin", 2023), is more robust when two units' keys are nearly equal,
//! but needs an `n x n` cost matrix per layer (a heap), `O(n^3)` time, and
//! is still a greedy heuristic across layers; for comparing the minima of
//! small networks, where keys are well separated, the canonical form gives
//! the same answer at no cost. Buffers (running statistics) are carried
//! along but not compared: they record the training path, not the minimum.

use core::cmp::Ordering;

use crate::error::Result;
use crate::math;
use crate::network::{LayerInfo, Network};
use crate::scalar::Float;

use super::{HiddenLayer, Symmetry};

/// Brings a flat parameter vector and buffer vector, laid out as `layers`
/// says, to the canonical form described in the module documentation.
pub fn canonicalize_parameters<T: Float>(
    layers: &'static [LayerInfo],
    params: &mut [T],
    buffers: &mut [T],
    symmetry: Symmetry,
) -> Result<()> {
    for hidden in HiddenLayer::all(layers) {
        hidden.check_len(params.len(), false)?;
        hidden.check_len(buffers.len(), true)?;
    }
    canonicalize_checked(layers, params, buffers, symmetry);
    Ok(())
}

/// Brings `net` to the canonical form of its symmetry class: the same
/// function, sorted (and sign-normalized) hidden units.
///
/// ```
/// use constnet::diagnostics::symmetry::{Symmetry, canonicalize, permute_units};
/// use constnet::prelude::*;
/// network! {
///     /// XOR.
///     pub struct Xor { hidden: Dense<2, 8>, act: Tanh, out: Dense<8, 1> }
/// }
/// let net = Xor::<f64>::seeded(1);
/// let mut shuffled = net.clone();
/// permute_units(&mut shuffled, "hidden", &[3, 1, 7, 0, 2, 6, 5, 4])?;
/// let (mut a, mut b) = (net, shuffled);
/// canonicalize(&mut a, Symmetry::Permutations);
/// canonicalize(&mut b, Symmetry::Permutations);
/// assert_eq!(a.parameters(), b.parameters());
/// # Ok::<(), constnet::Error>(())
/// ```
pub fn canonicalize<T, N, const I: usize, const O: usize, const P: usize>(
    net: &mut N,
    symmetry: Symmetry,
) where
    T: Float,
    N: Network<T, I, O, P>,
{
    // A generated network's vectors have exactly the lengths its layer
    // table describes, so the unchecked moves stay in bounds.
    let mut params = *net.parameters();
    canonicalize_checked(N::LAYERS, &mut params, net.buffers_mut(), symmetry);
    *net.parameters_mut() = params;
}

/// The Euclidean distance between the canonical forms of `a` and `b`: 0
/// when one is a permutation (and, with sign flips, a negation) of the
/// other's hidden units.
#[must_use]
pub fn distance_modulo_symmetry<T, N, const I: usize, const O: usize, const P: usize>(
    a: &N,
    b: &N,
    symmetry: Symmetry,
) -> f64
where
    T: Float,
    N: Network<T, I, O, P>,
{
    let (mut a, mut b) = (a.clone(), b.clone());
    canonicalize(&mut a, symmetry);
    canonicalize(&mut b, symmetry);
    let squared: f64 = a
        .parameters()
        .iter()
        .zip(b.parameters())
        .map(|(x, y)| {
            let d = x.to_f64() - y.to_f64();
            d * d
        })
        .sum();
    math::sqrt(squared)
}

/// The canonicalization itself; the lengths match `layers`.
fn canonicalize_checked<T: Float>(
    layers: &'static [LayerInfo],
    params: &mut [T],
    buffers: &mut [T],
    symmetry: Symmetry,
) {
    for hidden in HiddenLayer::all(layers) {
        let n = hidden.units();
        if hidden.flips_under(symmetry) {
            for i in 0..n {
                if sign_key(&hidden, params, i) < 0.0 {
                    hidden.flip_parameter_unit(params, i);
                    hidden.flip_buffer_unit(buffers, i);
                }
            }
        }
        // Selection sort by swaps: no scratch memory, n is a layer width.
        for position in 0..n {
            let mut smallest = position;
            for candidate in position + 1..n {
                if compare_units(&hidden, params, candidate, smallest) == Ordering::Less {
                    smallest = candidate;
                }
            }
            if smallest != position {
                hidden.swap_parameters(params, position, smallest);
                hidden.swap_buffers(buffers, position, smallest);
            }
        }
    }
}

/// The incoming weight or bias of unit `i` of largest magnitude (the first
/// on ties); 0 when all are zero.
fn sign_key<T: Float>(hidden: &HiddenLayer, params: &[T], i: usize) -> f64 {
    hidden.incoming_affine(params, i).fold(0.0, |best: f64, v| {
        if math::abs(v) > math::abs(best) {
            v
        } else {
            best
        }
    })
}

/// Lexicographic IEEE total order of the incoming descriptions of two units.
fn compare_units<T: Float>(hidden: &HiddenLayer, params: &[T], a: usize, b: usize) -> Ordering {
    hidden
        .incoming(params, a)
        .zip(hidden.incoming(params, b))
        .map(|(x, y)| x.total_cmp(&y))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}
