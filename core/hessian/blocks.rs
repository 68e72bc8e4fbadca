//! The blocked passes of full Hessians, which the `network!` macro
//! implements beside [`Network`]: not part of the interface (generated code
//! reaches the trait through `__private`; [`SecondOrder`](super::SecondOrder)
//! is what users call).
//!
//! A block of directions goes through the network as extra matrix columns
//! ([`BlockPass`] decides, per layer, what it sees); the generated methods
//! are one call per layer.

use nalgebra::SMatrix;

use super::pass::BlockPass;
use crate::layer::block::FlatStorage;
use crate::network::Network;
use crate::scalar::Float;

/// The full-Hessian plumbing of a declared network; see the module
/// documentation.
pub trait NetworkBlocks<T: Float, const I: usize, const O: usize, const P: usize>:
    Network<T, I, O, P>
{
    /// Stack storage for the tangents of a blocked R-operator pass of `K`
    /// directions on a batch of `B` (a flat array sized from the layer
    /// widths).
    type BlockStorage<const B: usize, const K: usize>: FlatStorage<T>;

    /// [`Network::backward`] that also keeps `dL/dy` of every layer:
    /// written into `output_grads`, in the field where `cache` keeps that
    /// layer's output (the blocked R-backward reads them).
    fn backward_keep<const B: usize>(
        &self,
        cache: &mut Self::Cache<B>,
        d_output: &SMatrix<T, O, B>,
        output_grads: &mut Self::Cache<B>,
        grad: &mut [T; P],
    );

    /// The blocked R-operator forward: every layer's
    /// [`Layer::r_forward_block`](crate::layer::Layer::r_forward_block) in
    /// order, on the training forward's `cache`, through `pass`.
    fn r_forward_block<const B: usize>(&self, cache: &Self::Cache<B>, pass: &mut BlockPass<'_, T>);

    /// The blocked R-operator backward: every layer's
    /// [`Layer::r_backward_block`](crate::layer::Layer::r_backward_block)
    /// from the last to the first, with the cache before (`forward_cache`)
    /// and after (`cache`) [`NetworkBlocks::backward_keep`], and the output
    /// gradients it kept.
    fn r_backward_block<const B: usize>(
        &self,
        forward_cache: &Self::Cache<B>,
        cache: &Self::Cache<B>,
        output_grads: &Self::Cache<B>,
        pass: &mut BlockPass<'_, T>,
    );
}
