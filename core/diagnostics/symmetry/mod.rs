//! Permutation symmetry (non-identifiability) of a declared network: the
//! hidden units of a layer can be exchanged, with everything attached to
//! them, without changing the function the network computes (Goodfellow,
//! Bengio and Courville, *Deep Learning*, 2016, section 8.2.2; Chen, Lu and
//! Hecht-Nielsen, "On the geometry of feedforward neural network error
//! surfaces", Neural Computation 5(6), 1993, for the sign flips).
//!
//! A *hidden layer* is a layer that computes units (one with
//! [`Role::Incoming`] weights and only tensors that belong to its units:
//! `Dense`, `Rnn`, a gated `Lstm` or `Gru` ([`Role::GatedIncoming`] and
//! the other gated roles: unit `i` owns row `k H + i` of every gate block
//! `k` and column `i` of `W_hh`), or a layer of your own described the
//! same way) whose
//! units reach the next layer that reads them (incoming weights whose
//! columns are those units: a `Dense` layer, or a recurrent layer whose
//! step input is exactly those units) through layers that commute with a permutation
//! of features ([`Properties::permutes_features`]: elementwise activations,
//! `Softmax`, `BatchNorm`). Permuting its units moves, for each unit, its
//! row of every incoming tensor (`Dense`: weight and bias; `Rnn`: `W_ih`,
//! `W_hh` and bias, and also its column of the [`Role::Recurrent`] `W_hh`,
//! since the recurrent weights read the units too), its entries of the
//! [`Role::PerFeature`] tensors in between (`BatchNorm` gamma, beta, running
//! mean and running variance), and its column of the reading layer's
//! incoming weights. An `Rnn` that outputs every hidden state
//! (`sequence = true`) has its units at every step: the same permutation
//! applies to each step's block of features.
//!
//! When the computing layer and every layer in between are odd
//! ([`Properties::odd`]: `Dense`, `Rnn`, `Tanh`, `Identity`, `BatchNorm`),
//! negating a unit (its incoming rows, the per-feature entries marked
//! `negated` (`BatchNorm` beta and running mean), and its outgoing column;
//! for an `Rnn` also its column of `W_hh`, so the self-connection keeps its
//! sign) is a symmetry too. Everything is read from the roles and
//! properties in [`Network::LAYERS`], never from kind names, so every tool
//! here works on any declared network, and a layer it cannot reason about
//! (a tensor of [`Role::Other`]) stops it with a typed reason.
//!
//! [`Properties::permutes_features`]: crate::layer::Properties#structfield.permutes_features
//! [`Properties::odd`]: crate::layer::Properties#structfield.odd
//!
//! Both maps are signed permutations of the flat parameter vector, `S`, with
//! `L(S theta) = L(theta)`; hence the gradient maps to `S g` and the Hessian
//! to `S H S^T`. Submodules: [`count`] (how many equivalent
//! parameterizations), [`canonical`] (a canonical representative and a
//! distance modulo symmetry).

pub mod canonical;
pub mod count;
mod units;

pub use crate::error::SymmetryError;
pub use canonical::{canonicalize, canonicalize_parameters, distance_modulo_symmetry};
pub use count::{equivalent_parameterizations, log10_equivalent_parameterizations};

use crate::error::{Error, Result};
use crate::layer::{Role, TensorShape};
use crate::network::{LayerInfo, Network};
use crate::scalar::Float;

/// Which symmetries to account for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Symmetry {
    /// Permutations of hidden units only: `n!` per hidden layer of `n` units.
    #[default]
    Permutations,
    /// Permutations and, for hidden layers followed only by odd layers
    /// (`Tanh`, `Identity`, `BatchNorm`), sign flips of units: `n! 2^n` for
    /// those layers, `n!` for the others.
    PermutationsAndSignFlips,
}

/// A hidden layer of a network: the `Dense` or `Rnn` layer computing the
/// units, the permutation-equivariant layers after it, and the layer that
/// reads its units.
///
/// ```
/// use constnet::diagnostics::symmetry::HiddenLayer;
/// use constnet::prelude::*;
/// network! {
///     /// XOR.
///     pub struct Xor { hidden: Dense<2, 8>, act: Tanh, out: Dense<8, 1> }
/// }
/// let layers = <Xor as Network<f32, 2, 1, 33>>::LAYERS;
/// let hidden = HiddenLayer::named(layers, "hidden")?;
/// assert_eq!((hidden.units(), hidden.is_odd(), hidden.next().name), (8, true, "out"));
/// assert!(HiddenLayer::named(layers, "out").is_err()); // the output layer
/// # Ok::<(), constnet::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HiddenLayer {
    layers: &'static [LayerInfo],
    computing: usize,
    next: usize,
    units: usize,
}

impl HiddenLayer {
    /// The hidden layer computed by layer `index` of `layers`.
    pub fn at(layers: &'static [LayerInfo], index: usize) -> Result<Self> {
        let info = layers.get(index).ok_or(SymmetryError::NoSuchLayer {
            index,
            layers: layers.len(),
        })?;
        // A layer computes units when it has incoming weights and every
        // tensor of it belongs to its units (rows of the incoming and
        // recurrent weights, biases): each unit is then computed from its
        // own rows alone.
        // A gated layer (`Lstm`, `Gru`) has one row per unit in each gate.
        let units = match info.tensors.iter().find(|t| units::reads_inputs(t)) {
            Some(incoming) if info.tensors.iter().all(units::belongs_to_units) => {
                incoming.rows / units::gates_of(incoming)
            }
            _ => 0,
        };
        if units == 0 || info.outputs % units != 0 {
            return Err(SymmetryError::NotComputing {
                layer: info.name,
                kind: info.kind,
            }
            .into());
        }
        for (next, later) in layers.iter().enumerate().skip(index + 1) {
            // A later layer reads the units through incoming weights whose
            // columns are all its inputs (a dense layer) or one step of them
            // (a recurrent layer stepping through the units).
            let reads_units = later
                .tensors
                .iter()
                .find(|t| units::reads_inputs(t))
                .is_some_and(|incoming| incoming.cols == later.inputs || incoming.cols == units);
            if reads_units && later.inputs == info.outputs {
                return Ok(Self {
                    layers,
                    computing: index,
                    next,
                    units,
                });
            }
            let per_unit = |t: &TensorShape| {
                matches!(t.role, Role::PerFeature { .. }) && t.len() == info.outputs
            };
            let fits = later.tensors.iter().all(per_unit)
                && later.buffer_tensors.iter().all(per_unit)
                && later.inputs == info.outputs
                && later.outputs == info.outputs;
            if !(later.properties.permutes_features && fits) {
                return Err(SymmetryError::Blocked {
                    layer: info.name,
                    by: later.name,
                    kind: later.kind,
                }
                .into());
            }
        }
        Err(SymmetryError::OutputLayer { layer: info.name }.into())
    }

    /// The hidden layer computed by the layer named `name`.
    pub fn named(layers: &'static [LayerInfo], name: &str) -> Result<Self> {
        let index = layers
            .iter()
            .position(|l| l.name == name)
            .ok_or(SymmetryError::UnknownName { layers })?;
        Self::at(layers, index)
    }

    /// Every hidden layer of `layers`, in declaration order (layers that are
    /// not hidden layers are skipped).
    pub fn all(layers: &'static [LayerInfo]) -> impl Iterator<Item = Self> {
        (0..layers.len()).filter_map(move |k| Self::at(layers, k).ok())
    }

    /// The `Dense` or `Rnn` layer computing the units.
    #[must_use]
    pub fn info(&self) -> &'static LayerInfo {
        &self.layers[self.computing]
    }

    /// Its name in the declaration.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.info().name
    }

    /// Its index in the layer table.
    #[must_use]
    pub const fn index(&self) -> usize {
        self.computing
    }

    /// The number of units `n` (an `Rnn`'s hidden size).
    #[must_use]
    pub const fn units(&self) -> usize {
        self.units
    }

    /// How many times the units appear in the computing layer's output: 1,
    /// or the number of steps of an `Rnn` that outputs every hidden state
    /// (unit `i` of step `s` is feature `s * units + i`).
    #[must_use]
    pub fn steps(&self) -> usize {
        self.info().outputs / self.units.max(1)
    }

    /// The layer reading the units: a `Dense` layer, or an `Rnn` whose step
    /// input they are.
    #[must_use]
    pub fn next(&self) -> &'static LayerInfo {
        &self.layers[self.next]
    }

    /// The layers in between (activations, batch normalization).
    #[must_use]
    pub fn between(&self) -> &'static [LayerInfo] {
        &self.layers[self.computing + 1..self.next]
    }

    /// `true` when the computing layer and every layer in between are odd
    /// ([`Properties::odd`](crate::layer::Properties#structfield.odd)), so
    /// negating a unit is a symmetry as well (an `Rnn` is odd: its
    /// activation is tanh).
    #[must_use]
    pub fn is_odd(&self) -> bool {
        self.info().properties.odd && self.between().iter().all(|l| l.properties.odd)
    }

    /// Whether `symmetry` includes sign flips of this layer's units.
    #[must_use]
    pub fn flips_under(&self, symmetry: Symmetry) -> bool {
        symmetry == Symmetry::PermutationsAndSignFlips && self.is_odd()
    }

    /// Applies the permutation to a flat parameter vector (or a gradient, or
    /// any vector in parameter space): afterwards unit `i` is the former
    /// unit `perm[i]`.
    pub fn permute_parameters<T: Float>(&self, params: &mut [T], perm: &[usize]) -> Result<()> {
        self.check_permutation(perm)?;
        self.check_len(params.len(), false)?;
        units::for_each_swap(perm, |i, j| self.swap_parameters(params, i, j));
        Ok(())
    }

    /// Applies the permutation to a flat buffer vector (batch-norm running
    /// statistics).
    pub fn permute_buffers<T: Float>(&self, buffers: &mut [T], perm: &[usize]) -> Result<()> {
        self.check_permutation(perm)?;
        self.check_len(buffers.len(), true)?;
        units::for_each_swap(perm, |i, j| self.swap_buffers(buffers, i, j));
        Ok(())
    }

    /// Negates the units `i` with `flips[i]` in a flat parameter vector (or
    /// any vector in parameter space). Needs [`HiddenLayer::is_odd`].
    pub fn flip_parameters<T: Float>(&self, params: &mut [T], flips: &[bool]) -> Result<()> {
        self.check_flips(flips)?;
        self.check_len(params.len(), false)?;
        for (i, _) in flips.iter().enumerate().filter(|(_, f)| **f) {
            self.flip_parameter_unit(params, i);
        }
        Ok(())
    }

    /// Negates the units `i` with `flips[i]` in a flat buffer vector.
    pub fn flip_buffers<T: Float>(&self, buffers: &mut [T], flips: &[bool]) -> Result<()> {
        self.check_flips(flips)?;
        self.check_len(buffers.len(), true)?;
        for (i, _) in flips.iter().enumerate().filter(|(_, f)| **f) {
            self.flip_buffer_unit(buffers, i);
        }
        Ok(())
    }

    fn check_permutation(&self, perm: &[usize]) -> Result<()> {
        if units::is_permutation(perm, self.units()) {
            Ok(())
        } else {
            Err(self.bad_length(perm.len()))
        }
    }

    fn check_flips(&self, flips: &[bool]) -> Result<()> {
        if flips.len() != self.units() {
            return Err(self.bad_length(flips.len()));
        }
        match core::iter::once(self.info())
            .chain(self.between())
            .find(|l| !l.properties.odd)
        {
            Some(l) => Err(SymmetryError::NotOdd {
                layer: self.name(),
                by: l.name,
                kind: l.kind,
            }
            .into()),
            None => Ok(()),
        }
    }

    fn check_len(&self, given: usize, buffers: bool) -> Result<()> {
        let last = self.layers.last();
        let required = if buffers {
            last.map_or(0, |l| l.buffer_offset + l.buffers)
        } else {
            last.map_or(0, |l| l.param_offset + l.params)
        };
        if given == required {
            Ok(())
        } else {
            Err(Error::BufferLength {
                what: if buffers {
                    "buffer vector"
                } else {
                    "parameter vector"
                },
                given,
                required,
            })
        }
    }

    fn bad_length(&self, given: usize) -> Error {
        SymmetryError::BadPermutation {
            layer: self.name(),
            units: self.units(),
            given,
        }
        .into()
    }
}

/// Permutes the units of the hidden layer named `layer` of `net`
/// (parameters and buffers): afterwards unit `i` is the former unit
/// `perm[i]`. The network computes the same function.
pub fn permute_units<T, N, const I: usize, const O: usize, const P: usize>(
    net: &mut N,
    layer: &str,
    perm: &[usize],
) -> Result<()>
where
    T: Float,
    N: Network<T, I, O, P>,
{
    let hidden = HiddenLayer::named(N::LAYERS, layer)?;
    hidden.check_permutation(perm)?;
    hidden.permute_parameters(net.parameters_mut(), perm)?;
    hidden.permute_buffers(net.buffers_mut(), perm)
}

/// Negates the units `i` with `flips[i]` of the hidden layer named `layer`
/// of `net` (parameters and buffers). Refused unless every layer between it
/// and the layer reading its units is odd.
pub fn flip_units<T, N, const I: usize, const O: usize, const P: usize>(
    net: &mut N,
    layer: &str,
    flips: &[bool],
) -> Result<()>
where
    T: Float,
    N: Network<T, I, O, P>,
{
    let hidden = HiddenLayer::named(N::LAYERS, layer)?;
    hidden.check_flips(flips)?;
    hidden.flip_parameters(net.parameters_mut(), flips)?;
    hidden.flip_buffers(net.buffers_mut(), flips)
}
