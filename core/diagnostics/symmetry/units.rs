//! Where one hidden unit lives in the flat vectors, and the in-place moves
//! on it: exchanging two units, negating one, reading its incoming weights.
//!
//! Layout (PyTorch order, [`crate::network`]), by role
//! ([`crate::layer::Role`]): the computing layer's tensors have one row per
//! unit (incoming weights, recurrent weights, biases), row `i` belonging to
//! unit `i`, and its recurrent weights also have one column per unit; a
//! per-feature layer in between has vectors with one entry per unit and
//! step (batch-norm gamma, beta, running mean and variance; unit `i` of
//! step `s` at `s * units + i`); the reading layer's incoming weights have
//! one column per unit and step, at the same places. Permutations are applied in place
//! by cycles, so no scratch memory is needed.

use crate::layer::{Role, TensorShape};
use crate::network::LayerInfo;
use crate::scalar::Float;

use super::HiddenLayer;

/// `true` for a tensor of a computing layer whose row `i` belongs to unit
/// `i`: incoming and recurrent weights and unit biases. A gated layer's tensors (`Lstm`, `Gru`) have one such row per unit in
/// each of their gate blocks.
pub(super) fn belongs_to_units(tensor: &TensorShape) -> bool {
    matches!(
        tensor.role,
        Role::Incoming
            | Role::Recurrent
            | Role::UnitBias
            | Role::GatedIncoming { .. }
            | Role::GatedRecurrent { .. }
            | Role::GatedBias { .. }
    )
}

/// The number of gate blocks of a tensor's rows: 1 unless gated.
pub(super) fn gates_of(tensor: &TensorShape) -> usize {
    match tensor.role {
        Role::GatedIncoming { gates }
        | Role::GatedRecurrent { gates }
        | Role::GatedBias { gates } => gates.max(1),
        _ => 1,
    }
}

/// A recurrent matrix: its columns belong to the units too.
fn is_recurrent(tensor: &TensorShape) -> bool {
    matches!(tensor.role, Role::Recurrent | Role::GatedRecurrent { .. })
}

/// A tensor whose columns are the layer's input features (of one step):
/// in the reading layer, it multiplies the units.
pub(super) fn reads_inputs(tensor: &TensorShape) -> bool {
    matches!(tensor.role, Role::Incoming | Role::GatedIncoming { .. })
}

/// A per-feature entry that a sign flip of its feature negates.
fn negated(tensor: &TensorShape) -> bool {
    tensor.role == Role::PerFeature { negated: true }
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
    /// The flat indices of unit `i`'s row entries in the computing layer,
    /// with `true` for the recurrent ones (`W_hh`, whose row is keyed and
    /// signed differently).
    fn rows(&self, i: usize) -> impl Iterator<Item = (usize, bool)> + 'static {
        let (info, units) = (self.info(), self.units());
        placed(info, false).flat_map(move |(offset, t)| {
            let recurrent = is_recurrent(t);
            // Row `k * units + i` of each gate block `k` (one block unless gated).
            (0..gates_of(t)).flat_map(move |k| {
                let row = offset + (k * units + i) * t.cols;
                (0..t.cols).map(move |c| (row + c, recurrent))
            })
        })
    }

    /// The flat indices of unit `i`'s column entries in the computing
    /// layer's recurrent matrix (empty for `Dense`).
    fn recurrent_columns(&self, i: usize) -> impl Iterator<Item = usize> + 'static {
        let info = self.info();
        placed(info, false)
            .filter(move |(_, t)| is_recurrent(t))
            .flat_map(move |(offset, t)| (0..t.rows).map(move |r| offset + r * t.cols + i))
    }

    /// The flat indices of unit `i`'s entries in the per-feature vectors of
    /// the layers in between (with `only_negated`, only those a sign flip
    /// negates), one per step.
    fn between_entries(
        &self,
        i: usize,
        buffers: bool,
        only_negated: bool,
    ) -> impl Iterator<Item = usize> + 'static {
        let (units, steps) = (self.units(), self.steps());
        self.between().iter().flat_map(move |layer| {
            placed(layer, buffers)
                .filter(move |(_, t)| !only_negated || negated(t))
                .flat_map(move |(offset, _)| (0..steps).map(move |s| offset + s * units + i))
        })
    }

    /// The flat indices of unit `i`'s column entries in the reading layer,
    /// one per row and step.
    fn outgoing(&self, i: usize) -> impl Iterator<Item = usize> + 'static {
        let (next, units) = (self.next(), self.units());
        placed(next, false)
            .filter(move |(_, t)| reads_inputs(t))
            .flat_map(move |(offset, t)| {
                (0..t.rows).flat_map(move |r| {
                    (0..t.cols / units).map(move |s| offset + r * t.cols + s * units + i)
                })
            })
    }

    /// Exchanges units `i` and `j` in a parameter-space vector.
    pub(super) fn swap_parameters<T: Float>(&self, params: &mut [T], i: usize, j: usize) {
        // Rows first, then the recurrent columns: W_hh[i][i] and W_hh[j][j]
        // end up exchanged, as P W P^T requires.
        for ((a, _), (b, _)) in self.rows(i).zip(self.rows(j)) {
            params.swap(a, b);
        }
        for (a, b) in self.recurrent_columns(i).zip(self.recurrent_columns(j)) {
            params.swap(a, b);
        }
        for (a, b) in self
            .between_entries(i, false, false)
            .zip(self.between_entries(j, false, false))
        {
            params.swap(a, b);
        }
        for (a, b) in self.outgoing(i).zip(self.outgoing(j)) {
            params.swap(a, b);
        }
    }

    /// Exchanges units `i` and `j` in a buffer vector.
    pub(super) fn swap_buffers<T: Float>(&self, buffers: &mut [T], i: usize, j: usize) {
        for (a, b) in self
            .between_entries(i, true, false)
            .zip(self.between_entries(j, true, false))
        {
            buffers.swap(a, b);
        }
    }

    /// Negates unit `i` in a parameter-space vector.
    pub(super) fn flip_parameter_unit<T: Float>(&self, params: &mut [T], i: usize) {
        // W_hh[i][i] is in both the row and the column: negated twice, the
        // self-connection keeps its sign, as it must.
        let incoming = self
            .rows(i)
            .map(|(k, _)| k)
            .chain(self.recurrent_columns(i));
        let between = self.between_entries(i, false, true);
        for k in incoming.chain(between).chain(self.outgoing(i)) {
            params[k] = -params[k];
        }
    }

    /// Negates unit `i` in a buffer vector.
    pub(super) fn flip_buffer_unit<T: Float>(&self, buffers: &mut [T], i: usize) {
        for k in self.between_entries(i, true, true) {
            buffers[k] = -buffers[k];
        }
    }

    /// The incoming description of unit `i`, the canonical sort key: its
    /// rows of the computing layer's tensors (weight row, then bias; for an
    /// `Rnn`, of its recurrent row only the self-connection `W_hh[i][i]`,
    /// since the rest depends on the order of the other units), then its
    /// entries of the per-feature parameters in between (batch-norm gamma,
    /// beta).
    pub(super) fn incoming<'p, T: Float>(
        &self,
        params: &'p [T],
        i: usize,
    ) -> impl Iterator<Item = f64> + 'p {
        let this = *self;
        let rows = self
            .rows(i)
            .filter(move |&(k, recurrent)| !recurrent || this.self_connections(i).any(|d| d == k))
            .map(|(k, _)| k);
        rows.chain(self.between_entries(i, false, false))
            .map(move |k| params[k].to_f64())
    }

    /// The flat indices of unit `i`'s self-connections `W_hh[i][i]`: one
    /// for an `Rnn`, one per gate block (`W_hh[k H + i][i]`) for a gated
    /// layer.
    fn self_connections(&self, i: usize) -> impl Iterator<Item = usize> + 'static {
        let (info, units) = (self.info(), self.units());
        placed(info, false)
            .filter(|(_, t)| is_recurrent(t))
            .flat_map(move |(offset, t)| {
                (0..gates_of(t)).map(move |k| offset + (k * units + i) * t.cols + i)
            })
    }

    /// The incoming weights and bias of unit `i` alone, without recurrent
    /// weights (the sign key: unchanged when other units are negated).
    pub(super) fn incoming_affine<'p, T: Float>(
        &self,
        params: &'p [T],
        i: usize,
    ) -> impl Iterator<Item = f64> + 'p {
        self.rows(i)
            .filter(|&(_, recurrent)| !recurrent)
            .map(move |(k, _)| params[k].to_f64())
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
