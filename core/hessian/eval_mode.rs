//! The evaluation-mode loss as a network of its own: [`EvalMode`] wraps a
//! network so that its caching forward computes the inference function.
//!
//! A network's gradients, Hessian-vector products and Hessians are those of
//! the training-mode loss: batch normalization normalizes with the batch
//! statistics, so every sample's output depends on the whole batch, and the
//! derivatives run through `mu` and `var`. The loss a trained model is
//! judged by is the evaluation-mode one, where the running statistics are
//! constants and batch normalization is the per-feature affine map
//! `y = gamma (x - running_mean) / sqrt(running_var + eps) + beta` (and
//! dropout the identity). [`EvalMode`] runs every training forward in
//! [`ForwardMode::Evaluation`](crate::layer::ForwardMode), so every tool
//! that takes a network computes the derivatives of that loss:
//! [`Network::loss_and_gradient`], [`Network::hessian_vector_product`],
//! the stack and heap Hessians of [`SecondOrder`](super::SecondOrder), the
//! Hessian operator and the diagnostics. Nothing is copied per call and
//! nothing is allocated: the wrapper holds the network by value.

use nalgebra::SMatrix;

use super::blocks::NetworkBlocks;
use super::pass::BlockPass;
use crate::layer::TrainContext;
use crate::network::{LayerInfo, Network};
use crate::rng::Rng;
use crate::scalar::Float;

/// A network whose training forward is its inference function: the
/// derivatives of its loss are those of the evaluation-mode loss
/// `L(theta) = loss(forward(theta, x), t)`, running statistics fixed.
///
/// Every method of [`Network`] and [`SecondOrder`](super::SecondOrder)
/// applies (`EvalMode::new(net).hessian_into(...)`), on the stack and
/// without heap as for the network itself. Its loss equals
/// [`Network::evaluate`] bit for bit. Its [`Network::update_buffers`] does
/// nothing (the statistics stay fixed, and no batch is counted), so
/// training an `EvalMode` network is fine-tuning with frozen statistics.
/// A network without batch normalization or dropout is the same function
/// in both modes.
///
/// The caching forward still keeps what a training forward keeps, so a
/// network with batch normalization needs a batch of at least 2 here too
/// (a compile error otherwise), although the function no longer couples
/// the samples.
///
/// ```
/// use constnet::hessian::EvalMode;
/// use constnet::prelude::*;
///
/// network! {
///     /// 2 -> Dense 3 -> BatchNorm -> tanh -> Dense 1, P = 19.
///     pub struct Net { fc: Dense<2, 3>, bn: BatchNorm<3>, act: Tanh, out: Dense<3, 1> }
/// }
///
/// # fn main() -> constnet::Result<()> {
/// let mut net = Net::<f64>::seeded(1);
/// net.set_buffers(&[0.1, -0.2, 0.3, 0.5, 2.0, 1.5])?; // running mean, variance
/// let x = SMatrix::<f64, 2, 4>::from_column_slice(&[0., 0., 0., 1., 1., 0., 1., 1.]);
/// let targets = [[0.0], [1.0], [1.0], [0.0]];
/// let (mut grad, mut h) = ([0.0; 19], [0.0; 19 * 19]);
/// let eval = EvalMode::new(net.clone());
/// let loss = eval.hessian_into(&Mse, &x, &targets, &mut grad, &mut h)?;
/// assert_eq!(loss, net.evaluate(&Mse, &x, &targets)?);
/// let mut train = [0.0; 19 * 19];
/// net.hessian_into(&Mse, &x, &targets, &mut grad, &mut train)?;
/// assert_ne!(h, train); // the batch statistics couple the samples
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct EvalMode<N>(N);

impl<N> EvalMode<N> {
    /// The evaluation-mode view of `net`.
    pub const fn new(net: N) -> Self {
        Self(net)
    }

    /// The network.
    pub const fn network(&self) -> &N {
        &self.0
    }

    /// The network, writable (parameters and running statistics).
    pub const fn network_mut(&mut self) -> &mut N {
        &mut self.0
    }

    /// The network back.
    pub fn into_inner(self) -> N {
        self.0
    }
}

impl<N, T, const I: usize, const O: usize, const P: usize> Network<T, I, O, P> for EvalMode<N>
where
    N: Network<T, I, O, P>,
    T: Float,
{
    const BUFFERS: usize = N::BUFFERS;
    const LAYERS: &'static [LayerInfo] = N::LAYERS;
    type Cache<const B: usize> = N::Cache<B>;

    fn initialized(rng: &mut Rng) -> Self {
        Self(N::initialized(rng))
    }

    fn parameters(&self) -> &[T; P] {
        self.0.parameters()
    }

    fn parameters_mut(&mut self) -> &mut [T; P] {
        self.0.parameters_mut()
    }

    fn buffers(&self) -> &[T] {
        self.0.buffers()
    }

    fn buffers_mut(&mut self) -> &mut [T] {
        self.0.buffers_mut()
    }

    fn batches_tracked(&self) -> &[u64] {
        self.0.batches_tracked()
    }

    fn batches_tracked_mut(&mut self) -> &mut [u64] {
        self.0.batches_tracked_mut()
    }

    #[inline]
    fn forward<const B: usize>(&self, x: &SMatrix<T, I, B>) -> SMatrix<T, O, B> {
        self.0.forward(x)
    }

    /// The network's caching forward in evaluation mode, whatever mode
    /// `context` names (its seed is kept).
    #[inline]
    fn forward_train_with<const B: usize>(
        &self,
        x: &SMatrix<T, I, B>,
        cache: &mut Self::Cache<B>,
        context: &TrainContext,
    ) -> SMatrix<T, O, B> {
        self.0.forward_train_with(x, cache, &context.evaluation())
    }

    #[inline]
    fn cached_input<const B: usize>(cache: &Self::Cache<B>) -> Option<&SMatrix<T, I, B>> {
        N::cached_input(cache)
    }

    /// Nothing: the running statistics stay fixed.
    #[inline]
    fn update_buffers<const B: usize>(&mut self, cache: &Self::Cache<B>) {
        let _ = cache;
    }

    #[inline]
    fn backward<const B: usize>(
        &self,
        cache: &mut Self::Cache<B>,
        d_output: &SMatrix<T, O, B>,
        grad: &mut [T; P],
    ) {
        self.0.backward(cache, d_output, grad);
    }

    #[inline]
    fn backward_with_input<const B: usize>(
        &self,
        cache: &mut Self::Cache<B>,
        d_output: &SMatrix<T, O, B>,
        grad: &mut [T; P],
        d_input: &mut SMatrix<T, I, B>,
    ) {
        self.0.backward_with_input(cache, d_output, grad, d_input);
    }

    #[inline]
    fn r_forward<const B: usize>(
        &self,
        v: &[T; P],
        cache: &Self::Cache<B>,
        r_cache: &mut Self::Cache<B>,
    ) -> SMatrix<T, O, B> {
        self.0.r_forward(v, cache, r_cache)
    }

    #[inline]
    fn r_backward<const B: usize>(
        &self,
        v: &[T; P],
        cache: &mut Self::Cache<B>,
        r_cache: &Self::Cache<B>,
        d_output: &SMatrix<T, O, B>,
        r_d_output: &SMatrix<T, O, B>,
        grad: &mut [T; P],
        r_grad: &mut [T; P],
    ) {
        self.0
            .r_backward(v, cache, r_cache, d_output, r_d_output, grad, r_grad);
    }
}

impl<N, T, const I: usize, const O: usize, const P: usize> NetworkBlocks<T, I, O, P> for EvalMode<N>
where
    N: NetworkBlocks<T, I, O, P>,
    T: Float,
{
    type BlockStorage<const B: usize, const K: usize> = N::BlockStorage<B, K>;

    #[inline]
    fn backward_keep<const B: usize>(
        &self,
        cache: &mut Self::Cache<B>,
        d_output: &SMatrix<T, O, B>,
        output_grads: &mut Self::Cache<B>,
        grad: &mut [T; P],
    ) {
        self.0.backward_keep(cache, d_output, output_grads, grad);
    }

    #[inline]
    fn r_forward_block<const B: usize>(&self, cache: &Self::Cache<B>, pass: &mut BlockPass<'_, T>) {
        self.0.r_forward_block(cache, pass);
    }

    #[inline]
    fn r_backward_block<const B: usize>(
        &self,
        forward_cache: &Self::Cache<B>,
        cache: &Self::Cache<B>,
        output_grads: &Self::Cache<B>,
        pass: &mut BlockPass<'_, T>,
    ) {
        self.0
            .r_backward_block(forward_cache, cache, output_grads, pass);
    }
}
