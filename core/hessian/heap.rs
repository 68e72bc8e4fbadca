//! The full Hessian on the heap (`std`): any size, the optimized
//! matrix-multiply kernel, and an optional multi-threaded path.
//!
//! Two ways to fill the matrix, chosen by its size:
//!
//! - Mirrored (a Hessian of at most [`MIRROR_BYTES`], on the calling
//!   thread whatever `threads` says: spawning would cost more than such a
//!   Hessian takes, 100 us against 8 us for XOR): the stack algorithm of
//!   `full.rs` with its tangents in a `Vec`. Each block computes its rows
//!   from the diagonal on and mirrors them into the columns below while
//!   they are in cache: the least arithmetic, and the result is exactly
//!   symmetric.
//! - Whole rows (a larger Hessian): the Hessian is split into the row
//!   chunks of the blocks, and each block computes its rows whole (its
//!   R-backward runs down to the first layer) straight into its own chunk. `std::thread::scope` workers take blocks from a queue; nothing
//!   else is shared and no entry is written twice. For a Hessian larger
//!   than the caches this is also the faster way on one thread: a mirror
//!   rewrites part of every row once per block, and that traffic costs
//!   more than the extra arithmetic (DIGITS, 46 MB: 26 ms mirrored against
//!   21 ms whole). The two triangles are computed separately and agree to
//!   rounding, not bit for bit.
//!
//! No dependency beyond `std`.

use std::sync::{Mutex, PoisonError};
use std::vec;
use std::vec::Vec;

use nalgebra::{DMatrix, SMatrix};

use super::blocks::NetworkBlocks;
use super::full::{
    Prepared, blocks_last_first, check_finite, check_len, mirrored, prepare, run_block,
};
use super::pass::{BlockDirections, block_width};
use crate::error::{Result, check_count};
use crate::kernel::Kernel;
use crate::loss::Loss;
use crate::scalar::Float;

/// How [`SecondOrder::hessian_with`](super::SecondOrder::hessian_with)
/// computes. A Hessian of at most [`MIRROR_BYTES`] is computed on the
/// calling thread and is exactly symmetric (rows from the diagonal on,
/// mirrored); a larger one is computed in whole rows on up to `threads`
/// threads, and its triangles agree to rounding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HessianOptions {
    /// Unit directions per blocked pass (>= 1). Default: 32.
    pub block: usize,
    /// Most worker threads (>= 1) for a Hessian larger than
    /// [`MIRROR_BYTES`]; 1 computes on the calling thread. Default: 1.
    pub threads: usize,
    /// The matrix-multiply kernel. Default: [`Kernel::Optimized`].
    pub kernel: Kernel,
}

impl Default for HessianOptions {
    fn default() -> Self {
        Self {
            block: 32,
            threads: 1,
            kernel: Kernel::Optimized,
        }
    }
}

impl HessianOptions {
    /// The default options with `threads` set to what the operating system
    /// reports as available (1 if it cannot tell).
    #[must_use]
    pub fn all_threads() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(1, usize::from),
            ..Self::default()
        }
    }

    fn check(&self) -> Result<()> {
        check_count("block", self.block)?;
        check_count("threads", self.threads)
    }
}

/// A full Hessian with the loss and gradient it came with.
#[derive(Clone, Debug, PartialEq)]
pub struct Hessian<T: Float> {
    /// The training-mode mean batch loss.
    pub loss: T,
    /// Its gradient, `P` values in flat parameter order.
    pub gradient: Vec<T>,
    /// The `P x P` Hessian: exactly symmetric when mirrored, symmetric to
    /// rounding when computed in whole rows (see [`HessianOptions`]).
    pub matrix: DMatrix<T>,
}

/// Writes the Hessian into `hessian` (`P * P` values) and the gradient into
/// `grad`; returns the loss. Tangents and the workers' buffers live on the
/// heap.
pub(crate) fn hessian_with<
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
    options: &HessianOptions,
    grad: &mut [T; P],
    hessian: &mut [T],
) -> Result<T>
where
    N: NetworkBlocks<T, I, O, P> + Sync,
    L: Loss<T, O> + Sync,
    L::Target: Sync,
    N::Cache<B>: Sync,
    T: Float,
{
    options.check()?;
    check_len(hessian, P)?;
    let prepared = prepare(net, loss, x, targets, grad)?;
    let block = options.block.min(P.max(1));
    if P * P * core::mem::size_of::<T>() <= MIRROR_BYTES {
        let mut flat = vec![T::zero(); workspace_len(N::LAYERS, B, block)];
        let mut scratch = vec![T::zero(); P];
        mirrored(
            net,
            loss,
            targets,
            &prepared,
            block,
            options.kernel,
            &mut flat,
            &mut scratch,
            hessian,
        );
    } else {
        whole_rows(net, loss, targets, &prepared, options, block, hessian);
    }
    check_finite(hessian, grad, "the Hessian")?;
    Ok(prepared.loss)
}

/// Values of a pass's flat tangent workspace.
fn workspace_len(layers: &[crate::network::LayerInfo], batch: usize, block: usize) -> usize {
    let outputs: Vec<usize> = layers.iter().map(|l| l.outputs).collect();
    block_width(&outputs) * batch * block
}

/// Largest Hessian, in bytes, filled by mirroring on the calling thread
/// (see the module documentation): 4 MiB, a cache's worth.
pub const MIRROR_BYTES: usize = 4 << 20;

/// Whole rows, each block into its own chunk, on `options.threads`
/// workers (the calling thread when there is one).
fn whole_rows<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    targets: &[L::Target; B],
    prepared: &Prepared<N::Cache<B>, T, O, B>,
    options: &HessianOptions,
    block: usize,
    hessian: &mut [T],
) where
    N: NetworkBlocks<T, I, O, P> + Sync,
    L: Loss<T, O> + Sync,
    L::Target: Sync,
    N::Cache<B>: Sync,
    T: Float,
{
    // Blocks in parameter order own consecutive rows: split the Hessian
    // into one chunk of rows per block. First-layer blocks, the most
    // expensive, are handed out first.
    let mut blocks: Vec<(usize, usize)> = blocks_last_first(N::LAYERS, block).collect();
    blocks.reverse();
    let mut chunks = Vec::with_capacity(blocks.len());
    let mut rest = hessian;
    for &(first, count) in &blocks {
        let (rows, tail) = rest.split_at_mut(count * P);
        chunks.push((first, count, rows));
        rest = tail;
    }
    let workers = options.threads.min(chunks.len());
    let queue = Mutex::new(chunks.into_iter());
    let work = || {
        let mut flat = vec![T::zero(); workspace_len(N::LAYERS, B, block)];
        let mut scratch = vec![T::zero(); P];
        loop {
            // The lock only guards taking the next block; no worker can
            // panic while holding it.
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some((first, count, rows)) = next else {
                break;
            };
            let directions = BlockDirections::Unit { first };
            run_block(
                net,
                loss,
                targets,
                prepared,
                directions,
                count,
                &mut flat,
                &mut scratch,
                rows,
                None,
                options.kernel,
            );
        }
    };
    if workers <= 1 {
        work();
    } else {
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(work);
            }
        });
    }
}

/// The Hessian as a new [`Hessian`] value.
pub(crate) fn hessian_value<
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
    options: &HessianOptions,
) -> Result<Hessian<T>>
where
    N: NetworkBlocks<T, I, O, P> + Sync,
    L: Loss<T, O> + Sync,
    L::Target: Sync,
    N::Cache<B>: Sync,
    T: Float,
{
    let mut matrix = DMatrix::<T>::zeros(P, P);
    let mut grad = [T::zero(); P];
    let value = hessian_with(
        net,
        loss,
        x,
        targets,
        options,
        &mut grad,
        matrix.as_mut_slice(),
    )?;
    Ok(Hessian {
        loss: value,
        gradient: grad.to_vec(),
        matrix,
    })
}
