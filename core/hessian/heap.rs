//! The full Hessian on the heap (`std`): any size, the optimized
//! matrix-multiply kernel, and an optional multi-threaded path.
//!
//! The single-threaded path is the stack algorithm of `full.rs` with its
//! tangents in a `Vec`. The multi-threaded path hands blocks to
//! `std::thread::scope` workers through an atomic counter (the expensive
//! first-layer blocks first); each worker computes a block's rows into its
//! own buffer and then, under a lock, writes the block's share of the
//! Hessian (its rows from the diagonal on, and their mirror image in the
//! columns below), so every entry is written once and the result is
//! exactly symmetric. No dependency beyond `std`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::vec;
use std::vec::Vec;

use nalgebra::{DMatrix, SMatrix};

use super::full::{
    Prepared, blocks_last_first, check_finite, check_len, mirror_block, prepare, run_block,
    split_workspace, widths,
};
use super::pass::{BlockDirections, Workspace, block_width};
use crate::error::{Result, check_param};
use crate::kernel::Kernel;
use crate::loss::Loss;
use crate::network::Network;
use crate::scalar::Float;

/// How [`SecondOrder::hessian_with`](super::SecondOrder::hessian_with)
/// computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HessianOptions {
    /// Unit directions per blocked pass (>= 1). Default: 32.
    pub block: usize,
    /// Worker threads (>= 1); 1 computes on the calling thread. Default: 1.
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
        check_param(
            "block",
            self.block as f64,
            self.block >= 1,
            "must be at least 1",
        )?;
        check_param(
            "threads",
            self.threads as f64,
            self.threads >= 1,
            "must be at least 1",
        )
    }
}

/// A full Hessian with the loss and gradient it came with.
#[derive(Clone, Debug, PartialEq)]
pub struct Hessian<T: Float> {
    /// The training-mode mean batch loss.
    pub loss: T,
    /// Its gradient, `P` values in flat parameter order.
    pub gradient: Vec<T>,
    /// The `P x P` Hessian (exactly symmetric).
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
    N: Network<T, I, O, P> + Sync,
    L: Loss<T, O> + Sync,
    L::Target: Sync,
    N::Cache<B>: Sync,
    T: Float,
{
    options.check()?;
    check_len(hessian, P)?;
    let prepared = prepare(net, loss, x, targets, grad);
    check_finite(prepared.loss)?;
    let block = options.block.min(P.max(1));
    if options.threads == 1 {
        let sizes = widths(N::LAYERS);
        let mut flat = vec![T::zero(); workspace_len(N::LAYERS, B, block)];
        let mut scratch = vec![T::zero(); P];
        for (first, count) in blocks_last_first(N::LAYERS, block) {
            let (forward, back) = split_workspace(&mut flat, sizes, B * count);
            let workspace = Workspace {
                forward,
                back,
                scratch: &mut scratch,
            };
            let rows = &mut hessian[first * P..(first + count) * P];
            let directions = BlockDirections::Unit { first };
            run_block(
                net,
                loss,
                targets,
                &prepared,
                directions,
                count,
                workspace,
                rows,
                first,
                options.kernel,
            );
            mirror_block(hessian, P, first, count);
        }
    } else {
        threaded(net, loss, targets, &prepared, options, block, hessian);
    }
    Ok(prepared.loss)
}

/// Values of a pass's flat tangent workspace.
fn workspace_len(layers: &[crate::network::LayerInfo], batch: usize, block: usize) -> usize {
    let outputs: Vec<usize> = layers.iter().map(|l| l.outputs).collect();
    block_width(&outputs) * batch * block
}

/// The multi-threaded path; see the module documentation.
fn threaded<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    targets: &[L::Target; B],
    prepared: &Prepared<N::Cache<B>, T, O, B>,
    options: &HessianOptions,
    block: usize,
    hessian: &mut [T],
) where
    N: Network<T, I, O, P> + Sync,
    L: Loss<T, O> + Sync,
    L::Target: Sync,
    N::Cache<B>: Sync,
    T: Float,
{
    // First-layer blocks pass through the whole network: start with them.
    let mut blocks: Vec<(usize, usize)> = blocks_last_first(N::LAYERS, block).collect();
    blocks.reverse();
    let next = AtomicUsize::new(0);
    let shared = Mutex::new(hessian);
    let sizes = widths(N::LAYERS);
    std::thread::scope(|scope| {
        for _ in 0..options.threads.min(blocks.len()) {
            scope.spawn(|| {
                let mut flat = vec![T::zero(); workspace_len(N::LAYERS, B, block)];
                let mut scratch = vec![T::zero(); P];
                let mut rows = vec![T::zero(); block * P];
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(first, count)) = blocks.get(index) else {
                        break;
                    };
                    let (forward, back) = split_workspace(&mut flat, sizes, B * count);
                    let workspace = Workspace {
                        forward,
                        back,
                        scratch: &mut scratch,
                    };
                    let rows = &mut rows[..count * P];
                    let directions = BlockDirections::Unit { first };
                    run_block(
                        net,
                        loss,
                        targets,
                        prepared,
                        directions,
                        count,
                        workspace,
                        rows,
                        first,
                        options.kernel,
                    );
                    // A worker that panicked cannot have left the Hessian
                    // half-written in a way that matters: the scope re-raises
                    // its panic, so the result is never returned.
                    let mut hessian = shared
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    scatter(&mut hessian, P, first, count, rows);
                }
            });
        }
    });
}

/// Writes a block's share of the Hessian from its computed rows: each row
/// from the diagonal on, and its mirror image in the columns below.
fn scatter<T: Copy>(hessian: &mut [T], p: usize, first: usize, count: usize, rows: &[T]) {
    for k in 0..count {
        let j = first + k;
        hessian[j * p + j..(j + 1) * p].copy_from_slice(&rows[k * p + j..(k + 1) * p]);
    }
    for c in first + 1..p {
        let row = &mut hessian[c * p..(c + 1) * p];
        for k in 0..count.min(c - first) {
            row[first + k] = rows[k * p + c];
        }
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
    N: Network<T, I, O, P> + Sync,
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
