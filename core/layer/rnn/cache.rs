//! What the training forward of the recurrent layer keeps (every hidden
//! state) and what its backward records (`dL/dh_t` for every step), one
//! `H x B` matrix per step, on the stack.

use nalgebra::SMatrix;

use crate::layer::{HiddenGradients, Zeroed};
use crate::scalar::Float;

/// What the training forward of an [`Rnn`](super::Rnn) keeps, and what its backward
/// records: one `H x B` matrix per step for each.
#[derive(Clone, Debug)]
pub struct RnnCache<T: Float, const H: usize, const S: usize, const B: usize> {
    /// `h_t` for `t = 1..=S` (index `t - 1`), one column per sample.
    pub hidden: [SMatrix<T, H, B>; S],
    /// `dL/dh_t` for `t = 1..=S`, written by backward: the total derivative,
    /// through every later step, of the loss whose `dL/dy` backward received.
    /// The R-operator leaves it zero in the tangent cache (it is a record of
    /// the backward pass, not a forward quantity).
    pub hidden_grad: [SMatrix<T, H, B>; S],
}

impl<T: Float, const H: usize, const S: usize, const B: usize> Zeroed for RnnCache<T, H, S, B> {
    #[inline]
    fn zeroed() -> Self {
        Self {
            hidden: Zeroed::zeroed(),
            hidden_grad: Zeroed::zeroed(),
        }
    }
}

impl<T: Float, const H: usize, const S: usize, const B: usize> RnnCache<T, H, S, B> {
    /// `||dL/dh_t||` for `t = 1..=S` (index `t - 1`): the Frobenius norm over
    /// the hidden units and the samples of the batch, accumulated in `f64`.
    #[must_use]
    pub fn hidden_gradient_norms(&self) -> [f64; S] {
        core::array::from_fn(|t| crate::scalar::norm(self.hidden_grad[t].as_slice()))
    }
}

impl<T: Float, const H: usize, const S: usize, const B: usize> HiddenGradients<S>
    for RnnCache<T, H, S, B>
{
    fn hidden_gradient_norms(&self) -> [f64; S] {
        RnnCache::hidden_gradient_norms(self)
    }
}
