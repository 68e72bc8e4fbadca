//! Where one hidden unit lives in the flat vectors, and the in-place moves
//! on it: exchanging two units, negating one, reading its incoming weights.
//!
//! Layout (PyTorch order, [`crate::network`]): the computing `Dense` layer's
//! tensors are `units x cols`, row `i` belonging to unit `i` (weight row and
//! bias); a per-feature layer in between has vectors of length `units`
//! (batch-norm gamma, beta, running mean and variance); the next `Dense`
//! layer's matrices are `rows x units`, column `i` belonging to unit `i`.
//! Permutations are applied in place by cycles, so no scratch memory is
//! needed.

use crate::layer::{LayerKind, TensorShape};
use crate::network::LayerInfo;
use crate::scalar::Float;

use super::HiddenLayer;

/// The tensor names whose role under a sign flip is known: batch
/// normalization's (PyTorch's `BatchNorm1d`): gamma (`weight`) and the
/// running variance stay, beta (`bias`) and the running mean are negated.
const NEGATED_PARAMS: &[&str] = &["bias"];
const KEPT_PARAMS: &[&str] = &["weight"];
const NEGATED_BUFFERS: &[&str] = &["running_mean"];
const KEPT_BUFFERS: &[&str] = &["running_var"];

/// `true` when every tensor of a layer between a hidden layer and the next
/// `Dense` layer has a known role under a sign flip.
pub(super) fn flips_known(layer: &LayerInfo) -> bool {
    let known = |list: &[TensorShape], negated: &[&str], kept: &[&str]| {
        list.iter()
            .all(|t| negated.contains(&t.name) || kept.contains(&t.name))
    };
    match layer.kind {
        LayerKind::BatchNorm => {
            known(layer.tensors, NEGATED_PARAMS, KEPT_PARAMS)
                && known(layer.buffer_tensors, NEGATED_BUFFERS, KEPT_BUFFERS)
        }
        _ => layer.tensors.is_empty() && layer.buffer_tensors.is_empty(),
    }
}

/// `true` when `perm` holds each of `0..n` exactly once (O(n^2), no memory).
pub(super) fn is_permutation(perm: &[usize], n: usize) -> bool {
    perm.len() == n
        && perm
            .iter()
            .enumerate()
            .all(|(i, &p)| p < n && !perm[..i].contains(&p))
}

/// Calls `swap(a, b)` in an order that turns `x` into `x'` with
/// `x'[i] = x[perm[i]]`: each cycle `c0 -> c1 -> ... ` of `perm` is walked
/// once, from its smallest element, swapping neighbours.
pub(super) fn for_each_swap(perm: &[usize], mut swap: impl FnMut(usize, usize)) {
    for start in 0..perm.len() {
        let mut j = perm[start];
        while j > start {
            j = perm[j];
        }
        if j != start {
            // The cycle has an element below `start`: it was done already.
            continue;
        }
        let (mut current, mut next) = (start, perm[start]);
        while next != start {
            swap(current, next);
            current = next;
            next = perm[next];
        }
    }
}

/// The tensors of a layer with their offsets in the flat vector.
fn placed(layer: &LayerInfo, buffers: bool) -> impl Iterator<Item = (usize, &'static TensorShape)> {
    let (list, start) = if buffers {
        (layer.buffer_tensors, layer.buffer_offset)
    } else {
        (layer.tensors, layer.param_offset)
    };
    list.iter().scan(start, |offset, t| {
        let here = *offset;
        *offset += t.len();
        Some((here, t))
    })
}

impl HiddenLayer {
    /// Exchanges units `i` and `j` in a parameter-space vector.
    pub(super) fn swap_parameters<T: Float>(&self, params: &mut [T], i: usize, j: usize) {
        for (offset, t) in placed(self.info(), false) {
            for c in 0..t.cols {
                params.swap(offset + i * t.cols + c, offset + j * t.cols + c);
            }
        }
        for layer in self.between() {
            for (offset, _) in placed(layer, false) {
                params.swap(offset + i, offset + j);
            }
        }
        for (offset, t) in placed(self.next(), false).filter(|(_, t)| !t.is_vector) {
            for r in 0..t.rows {
                params.swap(offset + r * t.cols + i, offset + r * t.cols + j);
            }
        }
    }

    /// Exchanges units `i` and `j` in a buffer vector.
    pub(super) fn swap_buffers<T: Float>(&self, buffers: &mut [T], i: usize, j: usize) {
        for layer in self.between() {
            for (offset, _) in placed(layer, true) {
                buffers.swap(offset + i, offset + j);
            }
        }
    }

    /// Negates unit `i` in a parameter-space vector.
    pub(super) fn flip_parameter_unit<T: Float>(&self, params: &mut [T], i: usize) {
        for (offset, t) in placed(self.info(), false) {
            for c in 0..t.cols {
                let k = offset + i * t.cols + c;
                params[k] = -params[k];
            }
        }
        for layer in self.between() {
            for (offset, _) in
                placed(layer, false).filter(|(_, t)| NEGATED_PARAMS.contains(&t.name))
            {
                params[offset + i] = -params[offset + i];
            }
        }
        for (offset, t) in placed(self.next(), false).filter(|(_, t)| !t.is_vector) {
            for r in 0..t.rows {
                let k = offset + r * t.cols + i;
                params[k] = -params[k];
            }
        }
    }

    /// Negates unit `i` in a buffer vector.
    pub(super) fn flip_buffer_unit<T: Float>(&self, buffers: &mut [T], i: usize) {
        for layer in self.between() {
            for (offset, _) in
                placed(layer, true).filter(|(_, t)| NEGATED_BUFFERS.contains(&t.name))
            {
                buffers[offset + i] = -buffers[offset + i];
            }
        }
    }

    /// The incoming description of unit `i`, the canonical sort key: its
    /// rows of the computing layer's tensors (weight row, then bias), then
    /// its entries of the per-feature parameters in between (batch-norm
    /// gamma, beta).
    pub(super) fn incoming<'p, T: Float>(
        &self,
        params: &'p [T],
        i: usize,
    ) -> impl Iterator<Item = f64> + 'p {
        let rows = placed(self.info(), false)
            .flat_map(move |(offset, t)| (0..t.cols).map(move |c| offset + i * t.cols + c));
        let between = self
            .between()
            .iter()
            .flat_map(move |layer| placed(layer, false).map(move |(offset, _)| offset + i));
        rows.chain(between).map(move |k| params[k].to_f64())
    }

    /// The incoming weights and bias of unit `i` alone (the sign key).
    pub(super) fn incoming_affine<'p, T: Float>(
        &self,
        params: &'p [T],
        i: usize,
    ) -> impl Iterator<Item = f64> + 'p {
        placed(self.info(), false)
            .flat_map(move |(offset, t)| (0..t.cols).map(move |c| offset + i * t.cols + c))
            .map(move |k| params[k].to_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(perm: &[usize], values: &mut [usize]) {
        for_each_swap(perm, |a, b| values.swap(a, b));
    }

    #[test]
    fn swaps_realize_the_permutation_for_every_permutation_of_four() {
        let mut perm = [0usize, 1, 2, 3];
        let mut count = 0;
        // Heap's algorithm visits all 24 permutations.
        let mut c = [0usize; 4];
        let mut check = |p: &[usize; 4]| {
            let mut values = [10, 11, 12, 13];
            apply(p, &mut values);
            assert_eq!(values, p.map(|k| 10 + k), "perm {p:?}");
            assert!(is_permutation(p, 4));
            count += 1;
        };
        check(&perm);
        let mut i = 0;
        while i < 4 {
            if c[i] < i {
                if i % 2 == 0 {
                    perm.swap(0, i);
                } else {
                    perm.swap(c[i], i);
                }
                check(&perm);
                c[i] += 1;
                i = 0;
            } else {
                c[i] = 0;
                i += 1;
            }
        }
        assert_eq!(count, 24);
    }

    #[test]
    fn malformed_permutations_are_detected() {
        assert!(!is_permutation(&[0, 0, 1], 3));
        assert!(!is_permutation(&[0, 1, 3], 3));
        assert!(!is_permutation(&[0, 1], 3));
        assert!(is_permutation(&[], 0));
    }
}
