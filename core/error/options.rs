//! The reasons behind [`Error::IncompatibleOptions`](super::Error::IncompatibleOptions)
//! and [`Error::UnsuitableLayer`](super::Error::UnsuitableLayer), as enums a caller can match.

use core::fmt;

/// Options that cannot be combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Incompatible {
    /// Nesterov momentum needs `momentum > 0` and `dampening = 0`.
    NesterovWithoutMomentum,
    /// Early stopping (`patience`) needs a validation set.
    PatienceWithoutValidation,
    /// The training-mode loss of a network with batch statistics depends
    /// on how the samples are batched: the whole-data-set risk needs a batch
    /// size that divides the number of samples.
    BatchStatisticsWithPartialBatch,
}

impl fmt::Display for Incompatible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NesterovWithoutMomentum => "nesterov requires momentum > 0 and dampening = 0",
            Self::PatienceWithoutValidation => "early stopping (patience) needs a validation set",
            Self::BatchStatisticsWithPartialBatch => {
                "the training-mode loss of a network with batch statistics depends on its \
                 batches: choose a batch size B that divides the number of samples"
            }
        })
    }
}

/// What a layer of a network lacks for a tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LayerProblem {
    /// No layer of the network has the name asked for.
    NoSuchName,
    /// The layer has no square weight of the size asked for.
    NoSquareWeight,
    /// The layer table points outside the parameters (a network built by
    /// hand with a wrong table).
    OutsideParameters,
}

impl fmt::Display for LayerProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoSuchName => "no layer of the network has that name",
            Self::NoSquareWeight => "the layer has no square weight of the requested size",
            Self::OutsideParameters => "the layer table points outside the parameters",
        })
    }
}
