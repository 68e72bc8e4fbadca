//! The training loop's working memory: the cache, gradients and step
//! count of the current run, and the last state whose loss was finite, to
//! fall back to when a step produces something non-finite.

use nalgebra::SMatrix;

use crate::layer::Zeroed;
use crate::network::Network;
use crate::scalar::{Float, norm};

/// The training loop's working memory, created once on the stack.
pub(super) struct Scratch<
    T: Float,
    N: Network<T, I, O, P>,
    const I: usize,
    const O: usize,
    const P: usize,
    const B: usize,
> {
    pub(super) cache: N::Cache<B>,
    pub(super) d_output: SMatrix<T, O, B>,
    pub(super) grad: [T; P],
    pub(super) grad_sum: [T; P],
    pub(super) step: usize,
    /// The network as the last step whose loss was finite started it, and
    /// that step; what a failure leaves the network at.
    pub(super) last_finite: Option<(N, usize)>,
}

impl<
    T: Float,
    N: Network<T, I, O, P>,
    const I: usize,
    const O: usize,
    const P: usize,
    const B: usize,
> Scratch<T, N, I, O, P, B>
{
    pub(super) fn new() -> Self {
        Self {
            cache: N::Cache::<B>::zeroed(),
            d_output: SMatrix::zeros(),
            grad: [T::zero(); P],
            grad_sum: [T::zero(); P],
            step: 0,
            last_finite: None,
        }
    }

    /// Leaves `net` at the last state whose loss was finite and returns the
    /// step that state started (`None`: no step had, `net` is unchanged).
    pub(super) fn restore_last_finite(&self, net: &mut N) -> Option<usize> {
        let (state, step) = self.last_finite.as_ref()?;
        net.clone_from(state);
        Some(*step)
    }

    /// Records `net`, whose loss at step `step` was finite, as the state
    /// to fall back to.
    pub(super) fn keep(&mut self, net: &N, step: usize) {
        match &mut self.last_finite {
            Some((state, kept)) => {
                state.clone_from(net);
                *kept = step;
            }
            None => self.last_finite = Some((net.clone(), step)),
        }
    }

    pub(super) fn mean_gradient_norm(&mut self, batches: usize) -> f64 {
        norm(&self.grad_sum) / batches.max(1) as f64
    }
}
