//! The blocked R-operator: many parameter directions through one pass.
//!
//! Pearlmutter's R-operator (B. A. Pearlmutter, "Fast exact multiplication
//! by the Hessian", Neural Computation 6(1), 1994) pushes one direction `v`
//! through a network. A full Hessian needs `P` of them; pushing a block of
//! `count` directions at once turns the dense work of each layer into
//! matrix-matrix products with `count` times more columns, which a
//! matrix-multiply kernel (chosen by a [`Kernel`]) runs many times faster than
//! `count` separate passes.
//!
//! Layout: a block of tangents of a `F x B` batch quantity (`R{x}`,
//! `R{y}`, `R{dy}`, ...) is a flat slice of `count * F * B` values: the
//! tangent along direction `k` is the column-major `F x B` matrix at
//! `k * F * B`. Seen whole, the block is one column-major `F x (B count)`
//! matrix.
//!
//! A layer sees the block's directions restricted to its own parameters
//! ([`Directions`]): zero (the directions live in another layer), unit
//! vectors (the full Hessian's columns: sparse, so `R{y}` of the first
//! layer they touch is a copy of one input row), or given vectors. Unit
//! directions of one layer leave every tangent below that layer zero, so a
//! block starts at its layer ([`Layer::r_forward_block`] receives
//! `rx = None`) and its R-backward stops there.
//!
//! The trait's default block methods loop over the single-direction
//! [`Layer::r_forward`] and [`Layer::r_backward`], so every layer works
//! exactly without writing anything new; `Dense` and the elementwise
//! activations override them with block kernels.

use nalgebra::SMatrix;

use super::{Layer, Zeroed};
use crate::kernel::Kernel;
use crate::scalar::Float;

/// The directions of a block, restricted to one layer's parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Directions<'a, T> {
    /// Every direction is zero on this layer's parameters.
    Zero,
    /// Direction `k` is the unit vector of this layer's parameter
    /// `first + k` (an index into the layer's own slice).
    Unit {
        /// The layer-relative index of the first direction's parameter.
        first: usize,
    },
    /// Direction `k` is `values[k * stride..k * stride + PARAMS]`.
    Given {
        /// The directions' values on this layer's parameters.
        values: &'a [T],
        /// Distance between consecutive directions in `values`.
        stride: usize,
    },
}

impl<T: Float> Directions<'_, T> {
    /// `true` when every direction is zero on this layer.
    #[must_use]
    pub const fn is_zero(&self) -> bool {
        matches!(self, Self::Zero)
    }

    /// Direction `k` on this layer's `params` parameters, materialized in
    /// `scratch` when it is not given as a slice. `scratch` must hold at
    /// least `params` values and be all zero; it is left all zero again
    /// by [`Directions::release`].
    pub fn direction<'s>(&'s self, k: usize, params: usize, scratch: &'s mut [T]) -> &'s [T] {
        match *self {
            Self::Zero => &scratch[..params],
            Self::Unit { first } => {
                scratch[first + k] = T::one();
                &scratch[..params]
            }
            Self::Given { values, stride } => &values[k * stride..k * stride + params],
        }
    }

    /// Restores the all-zero `scratch` after [`Directions::direction`].
    pub fn release(&self, k: usize, scratch: &mut [T]) {
        if let Self::Unit { first } = *self {
            scratch[first + k] = T::zero();
        }
    }
}

/// Where a layer writes the tangents of its parameter gradient for a block:
/// direction `k`'s `R{dL/dparams}` goes to
/// `data[k * stride..k * stride + PARAMS]` (for the full Hessian these are
/// rows of the Hessian itself).
#[derive(Debug)]
pub struct GradRows<'a, T> {
    /// The destination.
    pub data: &'a mut [T],
    /// Distance between consecutive directions in `data`.
    pub stride: usize,
    /// Entries below this layer-relative index are not needed (the caller
    /// fills them from the Hessian's symmetry) and may be left unwritten.
    /// 0 asks for all of them.
    pub from: usize,
}

impl<T> GradRows<'_, T> {
    /// Direction `k`'s destination, `params` values long.
    pub fn row(&mut self, k: usize, params: usize) -> &mut [T] {
        &mut self.data[k * self.stride..k * self.stride + params]
    }
}

/// What a block method may use besides its inputs: a zeroed scratch vector
/// and the matrix-multiply kernel to run its products with.
#[derive(Debug)]
pub struct BlockContext<'a, T> {
    /// All-zero working space of at least the layer's `PARAMS` values; a
    /// method that writes it must leave it all zero.
    pub scratch: &'a mut [T],
    /// The kernel for matrix products.
    pub kernel: Kernel,
}

/// Copies direction `k`'s `R x B` tangent out of a block.
#[inline]
pub fn tangent<T: Float, const R: usize, const B: usize>(
    block: &[T],
    k: usize,
) -> SMatrix<T, R, B> {
    SMatrix::from_column_slice(&block[k * R * B..(k + 1) * R * B])
}

/// The default [`Layer::r_forward_block`]: [`Layer::r_forward`] once per
/// direction.
pub fn r_forward_each<Ly, T, const I: usize, const O: usize, const B: usize>(
    layer: &Ly,
    params: &[T],
    directions: Directions<'_, T>,
    x: &SMatrix<T, I, B>,
    y: &SMatrix<T, O, B>,
    cache: &Ly::Cache<B>,
    rx: Option<&[T]>,
    ry: &mut [T],
    context: &mut BlockContext<'_, T>,
) where
    Ly: Layer<T, I, O>,
    T: Float,
{
    let count = ry.len() / (O * B).max(1);
    let mut r_cache = Ly::Cache::<B>::zeroed();
    let mut ry_k = SMatrix::<T, O, B>::zeros();
    for k in 0..count {
        let rx_k = rx.map_or_else(SMatrix::zeros, |rx| tangent::<T, I, B>(rx, k));
        let v = directions.direction(k, Ly::PARAMS, context.scratch);
        layer.r_forward(params, v, x, y, cache, &rx_k, &mut ry_k, &mut r_cache);
        directions.release(k, context.scratch);
        ry[k * O * B..(k + 1) * O * B].copy_from_slice(ry_k.as_slice());
    }
}

/// The default [`Layer::r_backward_block`]: per direction, the
/// single-direction [`Layer::r_forward`] again (on the forward cache, to
/// rebuild the cache tangent the block pass did not keep) and then
/// [`Layer::r_backward`] (on the cache as backward left it), exactly as
/// [`crate::network::Network::hessian_vector_product`] calls them.
pub fn r_backward_each<Ly, T, const I: usize, const O: usize, const B: usize>(
    layer: &Ly,
    params: &[T],
    directions: Directions<'_, T>,
    x: &SMatrix<T, I, B>,
    y: &SMatrix<T, O, B>,
    forward_cache: &Ly::Cache<B>,
    cache: &Ly::Cache<B>,
    rx: Option<&[T]>,
    dy: &SMatrix<T, O, B>,
    rdy: &[T],
    mut rdx: Option<&mut [T]>,
    rows: &mut GradRows<'_, T>,
    context: &mut BlockContext<'_, T>,
) where
    Ly: Layer<T, I, O>,
    T: Float,
{
    let count = rdy.len() / (O * B).max(1);
    let mut r_cache = Ly::Cache::<B>::zeroed();
    let mut ry_k = SMatrix::<T, O, B>::zeros();
    let mut rdx_k = SMatrix::<T, I, B>::zeros();
    for k in 0..count {
        let rx_k = rx.map_or_else(SMatrix::zeros, |rx| tangent::<T, I, B>(rx, k));
        let rdy_k = tangent::<T, O, B>(rdy, k);
        let v = directions.direction(k, Ly::PARAMS, context.scratch);
        layer.r_forward(
            params,
            v,
            x,
            y,
            forward_cache,
            &rx_k,
            &mut ry_k,
            &mut r_cache,
        );
        let wants_dx = rdx.is_some();
        layer.r_backward(
            params,
            v,
            x,
            y,
            cache,
            &rx_k,
            &r_cache,
            dy,
            &rdy_k,
            wants_dx.then_some(&mut rdx_k),
            rows.row(k, Ly::PARAMS),
        );
        directions.release(k, context.scratch);
        if let Some(rdx) = rdx.as_deref_mut() {
            rdx[k * I * B..(k + 1) * I * B].copy_from_slice(rdx_k.as_slice());
        }
    }
}

/// Stack storage for the tangents of a block pass: a flat array that a
/// network's generated code sizes (`[[[T; W]; B]; K]`) and the library
/// splits.
pub trait FlatStorage<T>: Sized {
    /// All zeros.
    fn zeroed() -> Self;
    /// The whole storage as one slice.
    fn flat_mut(&mut self) -> &mut [T];
}

impl<T: Float, const W: usize, const B: usize, const K: usize> FlatStorage<T> for [[[T; W]; B]; K] {
    #[inline]
    fn zeroed() -> Self {
        [[[T::zero(); W]; B]; K]
    }

    #[inline]
    fn flat_mut(&mut self) -> &mut [T] {
        self.as_flattened_mut().as_flattened_mut()
    }
}

/// `products = weights .* directions`, one direction of the block after the
/// other: a diagonal operator (`weights` holds the diagonal) on a block of
/// tangents, as an elementwise activation's Jacobian or the output Hessian
/// of an elementwise loss.
pub(crate) fn diagonal_block<T: Float>(weights: &[T], directions: &[T], products: &mut [T]) {
    let pairs = directions
        .chunks_exact(weights.len().max(1))
        .zip(products.chunks_exact_mut(weights.len().max(1)));
    for (direction, out) in pairs {
        for ((p, &d), &w) in out.iter_mut().zip(direction).zip(weights) {
            *p = w * d;
        }
    }
}
