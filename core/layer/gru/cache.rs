//! What the training forward of the GRU keeps (its gates, the recurrent
//! candidate term and the hidden states) and what its backward records
//! (`dL/dh_t` for every step), on the stack.

use nalgebra::SMatrix;

use crate::layer::{HiddenGradients, Zeroed};
use crate::scalar::Float;

/// What the training forward of a [`Gru`](super::Gru) keeps, and what its
/// backward records.
#[derive(Clone, Debug)]
pub struct GruCache<T: Float, const H: usize, const S: usize, const B: usize> {
    /// For `t = 1..=S` (index `t - 1`): the reset gate `r_t`, the update
    /// gate `z_t`, the candidate `n_t` (after their activations) and the
    /// recurrent candidate term `W_hn h_{t-1} + b_hn`, in that order.
    pub gates: [[SMatrix<T, H, B>; 4]; S],
    /// The hidden states `h_t`.
    pub hidden: [SMatrix<T, H, B>; S],
    /// `dL/dh_t`, written by backward: the total derivative through every
    /// later step. Zero in an R-operator's tangent cache.
    pub hidden_grad: [SMatrix<T, H, B>; S],
}

impl<T: Float, const H: usize, const S: usize, const B: usize> Zeroed for GruCache<T, H, S, B> {
    #[inline]
    fn zeroed() -> Self {
        Self {
            gates: Zeroed::zeroed(),
            hidden: Zeroed::zeroed(),
            hidden_grad: Zeroed::zeroed(),
        }
    }
}

impl<T: Float, const H: usize, const S: usize, const B: usize> HiddenGradients<S>
    for GruCache<T, H, S, B>
{
    fn hidden_gradient_norms(&self) -> [f64; S] {
        core::array::from_fn(|t| crate::scalar::norm(self.hidden_grad[t].as_slice()))
    }
}
