//! Why a permutation or sign flip of hidden units was refused
//! ([`crate::diagnostics::symmetry`]): the typed reason carried by
//! [`Error::Symmetry`]. It lives with the error type, which depends on
//! nothing above it (only on the layer table's description).

use core::fmt;

use super::Error;
use crate::info::LayerInfo;

/// Why a permutation or sign flip of hidden units was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SymmetryError {
    /// No layer has this index.
    NoSuchLayer {
        /// The index asked for.
        index: usize,
        /// The number of layers.
        layers: usize,
    },
    /// No layer has the name asked for.
    UnknownName {
        /// The network's layers, whose names the message lists.
        layers: &'static [LayerInfo],
    },
    /// The layer does not compute hidden units (it has no incoming weights,
    /// or tensors whose role is not one of its units'): they belong to the
    /// layer that computes them (`Dense`, `Rnn`).
    NotComputing {
        /// The layer.
        layer: &'static str,
        /// Its kind.
        kind: &'static str,
    },
    /// The layer's units are the network's outputs: permuting them changes
    /// the function.
    OutputLayer {
        /// The layer.
        layer: &'static str,
    },
    /// A layer between this one and the layer reading its units does not
    /// commute with a permutation of its features (e.g. an `Rnn` reading
    /// features that mix several steps).
    Blocked {
        /// The layer whose units were to be permuted.
        layer: &'static str,
        /// The layer in the way.
        by: &'static str,
        /// Its kind.
        kind: &'static str,
    },
    /// A sign flip was asked for, but a layer between this one and the
    /// layer reading its units is not odd (`ReLU`, `Sigmoid`, ...).
    NotOdd {
        /// The layer whose units were to be flipped.
        layer: &'static str,
        /// The layer that is not odd.
        by: &'static str,
        /// Its kind.
        kind: &'static str,
    },
    /// The slice given is not a permutation of `0..units`, or the flags do
    /// not have one entry per unit.
    BadPermutation {
        /// The layer.
        layer: &'static str,
        /// Its number of units.
        units: usize,
        /// The length given.
        given: usize,
    },
}

impl fmt::Display for SymmetryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSuchLayer { index, layers } => {
                write!(f, "no layer {index}: the network has {layers} layers")
            }
            Self::UnknownName { layers } => {
                write!(f, "no layer has the name given; the layers are:")?;
                for (k, layer) in layers.iter().enumerate() {
                    write!(f, "{} `{}`", if k == 0 { "" } else { "," }, layer.name)?;
                }
                Ok(())
            }
            Self::NotComputing { layer, kind } => write!(
                f,
                "layer `{layer}` ({kind}) does not compute hidden units: they are permuted at the layer computing them (a Dense or Rnn layer, or one whose tensors are all incoming weights, recurrent weights and biases)"
            ),
            Self::OutputLayer { layer } => write!(
                f,
                "layer `{layer}` computes the network's outputs; permuting them changes the function"
            ),
            Self::Blocked { layer, by, kind } => write!(
                f,
                "the units of `{layer}` cannot be permuted: `{by}` ({kind}) does not commute with a permutation of them"
            ),
            Self::NotOdd { layer, by, kind } => write!(
                f,
                "the units of `{layer}` cannot be sign-flipped: `{by}` ({kind}) is not an odd function"
            ),
            Self::BadPermutation {
                layer,
                units,
                given,
            } => write!(
                f,
                "not a permutation (or one flag per unit) of the {units} units of `{layer}` (length {given})"
            ),
        }
    }
}

impl From<SymmetryError> for Error {
    fn from(error: SymmetryError) -> Self {
        Self::Symmetry(error)
    }
}
