//! What the training forward of the LSTM keeps (its gates, cell and hidden
//! states) and what its backward records (`dL/dh_t` and `dL/dc_t` for every
//! step), one `H x B` matrix per quantity and step, on the stack.

use nalgebra::SMatrix;

use crate::layer::{HiddenGradients, Zeroed};
use crate::scalar::Float;

/// What the training forward of an [`Lstm`](super::Lstm) keeps, and what
/// its backward records.
#[derive(Clone, Debug)]
pub struct LstmCache<T: Float, const H: usize, const S: usize, const B: usize> {
    /// The gate values `i_t, f_t, g_t, o_t` (after their activations) for
    /// `t = 1..=S` (index `t - 1`), in that order.
    pub gates: [[SMatrix<T, H, B>; 4]; S],
    /// The cell states `c_t`.
    pub cell: [SMatrix<T, H, B>; S],
    /// The hidden states `h_t`.
    pub hidden: [SMatrix<T, H, B>; S],
    /// `dL/dh_t`, written by backward: the total derivative through every
    /// later step. Zero in an R-operator's tangent cache.
    pub hidden_grad: [SMatrix<T, H, B>; S],
    /// `dL/dc_t`, written by backward: the total derivative through every
    /// later step (through `h_t` and `c_{t+1}`). Zero in a tangent cache.
    pub cell_grad: [SMatrix<T, H, B>; S],
}

impl<T: Float, const H: usize, const S: usize, const B: usize> Zeroed for LstmCache<T, H, S, B> {
    #[inline]
    fn zeroed() -> Self {
        Self {
            gates: Zeroed::zeroed(),
            cell: Zeroed::zeroed(),
            hidden: Zeroed::zeroed(),
            hidden_grad: Zeroed::zeroed(),
            cell_grad: Zeroed::zeroed(),
        }
    }
}

impl<T: Float, const H: usize, const S: usize, const B: usize> LstmCache<T, H, S, B> {
    /// `||dL/dc_t||` for `t = 1..=S` (index `t - 1`): the Frobenius norm over
    /// the hidden units and the samples of the batch, accumulated in `f64`.
    #[must_use]
    pub fn cell_gradient_norms(&self) -> [f64; S] {
        core::array::from_fn(|t| crate::scalar::norm(self.cell_grad[t].as_slice()))
    }
}

impl<T: Float, const H: usize, const S: usize, const B: usize> HiddenGradients<S>
    for LstmCache<T, H, S, B>
{
    fn hidden_gradient_norms(&self) -> [f64; S] {
        core::array::from_fn(|t| crate::scalar::norm(self.hidden_grad[t].as_slice()))
    }
}
