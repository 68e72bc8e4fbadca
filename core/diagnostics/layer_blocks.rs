//! Per-layer (block-diagonal) Hessians: the block of the Hessian that
//! couples a layer's parameters with themselves, and its trace, extreme
//! eigenvalues, rank and condition number, as PyHessian's and BackPACK's
//! per-layer curvature reports give them (Yao, Gholami, Keutzer and
//! Mahoney 2020, "PyHessian: neural networks through the lens of the
//! Hessian"; Dangel, Kunstner and Hennig 2020, "BackPACK: packing more
//! into backprop").
//!
//! A layer's block is `H[r, r]` for the range `r` of its parameters: one
//! exact Hessian-vector product per parameter of the layer (the unit
//! directions of the layer), keeping the rows of the layer. The whole
//! Hessian is never formed, so this works for layers of any network whose
//! blocks fit in memory. Very different scales across blocks, or a block
//! far worse conditioned than the others, are what per-layer learning
//! rates and preconditioners (Adam, K-FAC) answer.

use std::vec;
use std::vec::Vec;

use nalgebra::{DMatrix, SMatrix};

use crate::error::{Error, Result};
use crate::hessian::HvpOperator;
use crate::loss::Loss;
use crate::matrix_free::LinearOperator;
use crate::network::{Network, check_batch};
use crate::scalar::Float;

/// One layer's diagonal Hessian block.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerBlock {
    /// The layer's name in the declaration.
    pub layer: &'static str,
    /// Its parameters' range in the flat vector.
    pub range: core::ops::Range<usize>,
    /// The block `H[range, range]`, symmetrized (`(A + A^T) / 2`, which
    /// only removes rounding).
    pub block: DMatrix<f64>,
}

impl LayerBlock {
    /// The block's trace: the sum of the layer's diagonal curvature.
    #[must_use]
    pub fn trace(&self) -> f64 {
        self.block.trace()
    }

    /// Every eigenvalue of the block, exactly (a dense symmetric
    /// eigen-decomposition: `O(n^3)`, about a second for `n = 1000`; for
    /// the extremes of a larger block, run
    /// [`top_eigenvalues`](crate::matrix_free::top_eigenvalues) on
    /// `block`).
    #[must_use]
    pub fn spectrum(&self) -> BlockSpectrum {
        let mut eigenvalues: Vec<f64> = self
            .block
            .clone()
            .symmetric_eigen()
            .eigenvalues
            .iter()
            .copied()
            .collect();
        eigenvalues.sort_by(|a, b| b.total_cmp(a));
        BlockSpectrum { eigenvalues }
    }
}

/// A block's eigenvalues and what they say.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockSpectrum {
    /// The eigenvalues, descending.
    pub eigenvalues: Vec<f64>,
}

impl BlockSpectrum {
    /// The largest eigenvalue.
    #[must_use]
    pub fn lambda_max(&self) -> f64 {
        self.eigenvalues.first().copied().unwrap_or(0.0)
    }

    /// The smallest (most negative) eigenvalue.
    #[must_use]
    pub fn lambda_min(&self) -> f64 {
        self.eigenvalues.last().copied().unwrap_or(0.0)
    }

    /// The `k` largest eigenvalues, descending.
    #[must_use]
    pub fn top(&self, k: usize) -> &[f64] {
        &self.eigenvalues[..k.min(self.eigenvalues.len())]
    }

    /// `|lambda| <= n eps max |lambda|` counts as zero (LAPACK's
    /// convention, as in [`Spectrum`](crate::spectrum::Spectrum)).
    #[must_use]
    pub fn zero_tolerance(&self) -> f64 {
        let largest = self.eigenvalues.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        self.eigenvalues.len() as f64 * f64::EPSILON * largest
    }

    /// The number of eigenvalues that are not zero.
    #[must_use]
    pub fn rank(&self) -> usize {
        let tolerance = self.zero_tolerance();
        self.eigenvalues
            .iter()
            .filter(|v| v.abs() > tolerance)
            .count()
    }

    /// `max |lambda| / min |lambda|` over the nonzero eigenvalues: the
    /// condition number of the block on the subspace where it curves (the
    /// usual one when the block has full rank); infinite when all are zero.
    #[must_use]
    pub fn condition_number(&self) -> f64 {
        let tolerance = self.zero_tolerance();
        let magnitudes = self
            .eigenvalues
            .iter()
            .map(|v| v.abs())
            .filter(|v| *v > tolerance);
        let (low, high) =
            magnitudes.fold((f64::INFINITY, 0.0_f64), |(l, h), v| (l.min(v), h.max(v)));
        if high == 0.0 {
            f64::INFINITY
        } else {
            high / low
        }
    }
}

/// The diagonal Hessian block of every layer that has parameters, in
/// declaration order, of the training-mode mean loss of one batch.
///
/// # Errors
/// A bad batch as [`check_batch`] says (an empty batch, a NaN input, a
/// bad target); [`Error::NonFiniteResult`] for a non-finite Hessian-vector
/// product.
pub fn layer_blocks<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
) -> Result<Vec<LayerBlock>>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    check_batch(loss, x, targets)?;
    let mut op = HvpOperator::new(net, loss, x, targets);
    let mut blocks = Vec::new();
    let (mut unit, mut column) = (vec![T::zero(); P], vec![T::zero(); P]);
    for layer in N::LAYERS.iter().filter(|l| l.params > 0) {
        let range = layer.param_range();
        let n = range.len();
        let mut block = DMatrix::<f64>::zeros(n, n);
        for (j, p) in range.clone().enumerate() {
            unit[p] = T::one();
            op.matvec(&unit, &mut column)?;
            unit[p] = T::zero();
            for (i, v) in column[range.clone()].iter().enumerate() {
                let v = v.to_f64();
                if !v.is_finite() {
                    return Err(Error::NonFiniteResult {
                        what: "Hessian-vector product",
                    });
                }
                block[(i, j)] = v;
            }
        }
        let block = (&block + block.transpose()) * 0.5;
        blocks.push(LayerBlock {
            layer: layer.name,
            range,
            block,
        });
    }
    Ok(blocks)
}
