//! The full `P x P` Hessian by the blocked R-operator, on the stack.
//!
//! One training forward and one backward (which keeps every layer's output
//! gradient) serve every block. Then, per block of unit directions inside
//! one layer `l`, one blocked R-forward from `l` up, the loss's Hessian
//! product, and one blocked R-backward from the top down to `l` give the
//! Hessian rows of those directions for the parameters of `l` and every
//! later layer. The rest of each row follows from symmetry: blocks run from
//! the last to the first, and after each block its rows are mirrored into
//! the columns below them while they are still in cache, so every entry is
//! written once from the row that owns it and the result is exactly
//! symmetric.

use nalgebra::SMatrix;

use super::blocks::NetworkBlocks;
use super::pass::{BlockDirections, BlockPass, Workspace};
use crate::error::{Error, Result};
use crate::kernel::Kernel;
use crate::layer::Zeroed;
use crate::layer::block::FlatStorage;
use crate::loss::Loss;
use crate::network::unchecked;
use crate::network::{LayerInfo, check_batch, check_direction};
use crate::scalar::Float;

/// The number of directions per pass of a stack Hessian, as a type:
/// `BlockSize::<16>`. The tangents of a pass take
/// `K * B * (sum + 2 max of the layer widths)` values of stack.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockSize<const K: usize>;

/// Directions per pass of [`SecondOrder::hessian_into`](super::SecondOrder::hessian_into).
pub const STACK_BLOCK: usize = 16;

/// What every block reads: the training forward's output and caches, and
/// the backward's output gradients.
pub(crate) struct Prepared<C, T: Float, const O: usize, const B: usize> {
    pub(crate) loss: T,
    pub(crate) output: SMatrix<T, O, B>,
    pub(crate) forward_cache: C,
    pub(crate) cache: C,
    pub(crate) output_grads: C,
}

/// Training forward, loss and backward (keeping the output gradients);
/// writes the gradient into `grad`. Refuses a bad batch ([`check_batch`]
/// on the forward's copy of it, before the loss: empty, a NaN input, a
/// target that would give a meaningless or infinite loss) and a point
/// where the loss is NaN or infinite: its Hessian means nothing.
pub(crate) fn prepare<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
    grad: &mut [T; P],
) -> Result<Prepared<N::Cache<B>, T, O, B>>
where
    N: NetworkBlocks<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    let (mut cache, mut d_output) = (N::Cache::<B>::zeroed(), SMatrix::zeros());
    let (value, output) =
        unchecked::step_with(net, loss, x, targets, &mut cache, &mut d_output, |inputs| {
            check_batch(loss, inputs, targets)
        })?;
    let forward_cache = cache.clone();
    let mut output_grads = N::Cache::<B>::zeroed();
    net.backward_keep(&mut cache, &d_output, &mut output_grads, grad);
    if !value.finite() {
        return Err(Error::NonFiniteInput { what: "loss" });
    }
    Ok(Prepared {
        loss: value,
        output,
        forward_cache,
        cache,
        output_grads,
    })
}

/// Runs one block of `count` directions: direction `k`'s Hessian row
/// (`H v_k`) goes to `rows[k * P..(k + 1) * P]`, whole or (with
/// `from = Some(j)`) from entry `j` on, the rest holding anything. The
/// pass's tangents are cut from the front of `flat`, which must hold
/// `block_width` values per column for `B * count` columns;
/// `scratch` holds `P` zeros.
pub(crate) fn run_block<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    targets: &[L::Target; B],
    prepared: &Prepared<N::Cache<B>, T, O, B>,
    directions: BlockDirections<'_, T>,
    count: usize,
    flat: &mut [T],
    scratch: &mut [T],
    rows: &mut [T],
    from: Option<usize>,
    kernel: Kernel,
) where
    N: NetworkBlocks<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    let (sum, max) = widths(N::LAYERS);
    let span = B * count;
    let (forward, rest) = flat.split_at_mut(sum * span);
    let workspace = Workspace {
        forward,
        back: &mut rest[..2 * max * span],
        scratch,
    };
    let mut pass = BlockPass::new(directions, count, P, workspace, rows, from, kernel);
    net.r_forward_block(&prepared.forward_cache, &mut pass);
    let (r_output, seed) = pass.output_and_seed();
    loss.hessian_product_block(&prepared.output, targets, r_output, seed);
    net.r_backward_block(
        &prepared.forward_cache,
        &prepared.cache,
        &prepared.output_grads,
        &mut pass,
    );
}

/// The `(sum, max)` of a network's layer output widths.
pub(crate) fn widths(layers: &[LayerInfo]) -> (usize, usize) {
    let (mut sum, mut max) = (0, 0);
    for layer in layers {
        sum += layer.outputs;
        max = max.max(layer.outputs);
    }
    (sum, max)
}

/// The blocks of unit directions, `(first, count)`, from the last layer to
/// the first and, inside a layer, from its last parameters to its first;
/// no block crosses a layer.
pub(crate) fn blocks_last_first(
    layers: &[LayerInfo],
    block: usize,
) -> impl Iterator<Item = (usize, usize)> + '_ {
    layers.iter().rev().flat_map(move |layer| {
        let blocks = layer.params.div_ceil(block.max(1));
        (0..blocks).rev().map(move |b| {
            let first = layer.param_offset + b * block;
            (first, block.min(layer.param_offset + layer.params - first))
        })
    })
}

/// Completes the rows `first..first + count` of a `p x p` Hessian by
/// symmetry: writes `H[c][first + k] = H[first + k][c]` for every row
/// `c > first + k`, one contiguous run of up to `count` values per row.
pub(crate) fn mirror_block<T: Copy>(hessian: &mut [T], p: usize, first: usize, count: usize) {
    for c in first + 1..p {
        let (above, below) = hessian.split_at_mut(c * p);
        let row = &mut below[..p];
        for k in 0..count.min(c - first) {
            row[first + k] = above[(first + k) * p + c];
        }
    }
}

/// The whole `P x P` Hessian from blocks of up to `block` unit directions,
/// from the last layer to the first: each block computes its rows from the
/// diagonal on and mirrors them into the columns below while they are in
/// cache, so every entry is written once and the result is exactly
/// symmetric. `flat` holds one pass's tangents for `block` directions and
/// `scratch` `P` zeros (see [`run_block`]).
pub(crate) fn mirrored<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    targets: &[L::Target; B],
    prepared: &Prepared<N::Cache<B>, T, O, B>,
    block: usize,
    kernel: Kernel,
    flat: &mut [T],
    scratch: &mut [T],
    hessian: &mut [T],
) where
    N: NetworkBlocks<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    for (first, count) in blocks_last_first(N::LAYERS, block) {
        let rows = &mut hessian[first * P..(first + count) * P];
        let directions = BlockDirections::Unit { first };
        run_block(
            net,
            loss,
            targets,
            prepared,
            directions,
            count,
            flat,
            scratch,
            rows,
            Some(first),
            kernel,
        );
        mirror_block(hessian, P, first, count);
    }
}

/// Refuses a Hessian (or product) or gradient with a NaN or infinite
/// entry: the point is too extreme for the scalar, although its loss is
/// finite.
pub(crate) fn check_finite<T: Float>(values: &[T], grad: &[T], what: &'static str) -> Result<()> {
    if crate::scalar::all_finite(values) && crate::scalar::all_finite(grad) {
        Ok(())
    } else {
        Err(Error::NonFiniteResult { what })
    }
}

/// Checks a caller's Hessian buffer.
pub(crate) fn check_len<T>(hessian: &[T], p: usize) -> Result<()> {
    let required = p.checked_mul(p).ok_or(Error::TooLarge {
        what: "Hessian",
        requested: usize::MAX,
    })?;
    if hessian.len() == required {
        Ok(())
    } else {
        Err(Error::BufferLength {
            what: "Hessian",
            given: hessian.len(),
            required,
        })
    }
}

/// The exact Hessian of the training-mode mean batch loss, on the stack:
/// writes it into `hessian` (`P * P` values; symmetric, so row-major and
/// column-major agree, and an `SMatrix<T, P, P>`'s `as_mut_slice()` fits),
/// the gradient into `grad`, and returns the loss. `K` directions go
/// through each pass, with the portable kernel: no heap, `no_std`.
///
/// # Errors
/// [`Error::BufferLength`] when `hessian` does not hold `P * P` values;
/// a bad batch as [`check_batch`] says (an empty batch, a NaN input, a bad
/// target); [`Error::NonFiniteInput`] when the loss is not finite,
/// [`Error::NonFiniteResult`] when an entry of the Hessian or the gradient
/// is not.
pub fn hessian_into_blocked<
    const K: usize,
    N,
    L,
    T,
    const I: usize,
    const O: usize,
    const P: usize,
    const B: usize,
>(
    net: &N,
    loss: &L,
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
    _block: BlockSize<K>,
    grad: &mut [T; P],
    hessian: &mut [T],
) -> Result<T>
where
    N: NetworkBlocks<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    const { assert!(K > 0, "a block holds at least one direction") };
    check_len(hessian, P)?;
    let prepared = prepare(net, loss, x, targets, grad)?;
    // The generated storage holds `block_width` values per column for
    // `B * K` columns.
    let mut storage = N::BlockStorage::<B, K>::zeroed();
    let mut scratch = [T::zero(); P];
    mirrored(
        net,
        loss,
        targets,
        &prepared,
        K,
        Kernel::Portable,
        storage.flat_mut(),
        &mut scratch,
        hessian,
    );
    check_finite(hessian, grad, "the Hessian")?;
    Ok(prepared.loss)
}

/// `H v_k` for `count` given directions at once (`directions` holds them
/// one after the other, `P` values each; `products` likewise), through
/// blocked passes of `K` directions on the stack with the portable kernel.
/// Writes the gradient into `grad` and returns the loss.
///
/// # Errors
/// [`Error::NotMultiple`] when `directions` is not a whole number of
/// `P`-vectors, [`Error::BufferLength`] when `products` is not as long as
/// `directions`; a bad batch as [`check_batch`] says;
/// [`Error::NonFiniteInput`] for a NaN or infinite direction entry or when
/// the loss is not finite,
/// [`Error::NonFiniteResult`] when a product or the gradient is not.
pub fn hessian_matrix_product_blocked<
    const K: usize,
    N,
    L,
    T,
    const I: usize,
    const O: usize,
    const P: usize,
    const B: usize,
>(
    net: &N,
    loss: &L,
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
    _block: BlockSize<K>,
    directions: &[T],
    grad: &mut [T; P],
    products: &mut [T],
) -> Result<T>
where
    N: NetworkBlocks<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    const { assert!(K > 0, "a block holds at least one direction") };
    if !directions.len().is_multiple_of(P.max(1)) {
        return Err(Error::NotMultiple {
            what: "directions",
            given: directions.len(),
            multiple_of: P,
        });
    }
    if products.len() != directions.len() {
        return Err(Error::BufferLength {
            what: "products (one P-vector per direction)",
            given: products.len(),
            required: directions.len(),
        });
    }
    check_direction(directions)?;
    let prepared = prepare(net, loss, x, targets, grad)?;
    let mut storage = N::BlockStorage::<B, K>::zeroed();
    let mut scratch = [T::zero(); P];
    let chunks = directions
        .chunks(K * P.max(1))
        .zip(products.chunks_mut(K * P.max(1)));
    for (values, rows) in chunks {
        let count = values.len() / P.max(1);
        run_block(
            net,
            loss,
            targets,
            &prepared,
            BlockDirections::Given(values),
            count,
            storage.flat_mut(),
            &mut scratch,
            rows,
            None,
            Kernel::Portable,
        );
    }
    check_finite(products, grad, "the Hessian-matrix product")?;
    Ok(prepared.loss)
}
