//! One blocked R-operator pass through a network: the state that the
//! generated `r_forward_block` and `r_backward_block` of a network thread
//! through their layer calls.
//!
//! The generated code is one call per layer (wiring only); this type
//! decides, per layer, which directions it sees, whether its input tangent
//! is zero, where its tangents live in the flat workspace and where its
//! gradient tangents go. Layers below the first one the directions touch
//! are skipped in the forward pass (their tangents are zero) and, when only
//! the entries of each row from some column on are asked for (the rest
//! coming from symmetry), in the backward pass too.

use nalgebra::SMatrix;

use crate::kernel::Kernel;
use crate::layer::{BlockContext, Directions, GradRows, Layer};
use crate::scalar::Float;

/// The directions of a block, over the whole parameter vector.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BlockDirections<'a, T> {
    /// Direction `k` is the unit vector of parameter `first + k`; all of
    /// them in one layer.
    Unit {
        /// The first direction's parameter index.
        first: usize,
    },
    /// Direction `k` is `values[k * P..(k + 1) * P]`.
    Given(&'a [T]),
}

/// The flat working memory of a pass for `count` directions on a batch of
/// `B`: [`block_width`] values per direction and sample.
#[derive(Debug)]
pub struct Workspace<'a, T> {
    /// Forward tangents of every layer's output.
    pub forward: &'a mut [T],
    /// Two buffers for the backward tangents, used in turn.
    pub back: &'a mut [T],
    /// All-zero scratch of `P` values.
    pub scratch: &'a mut [T],
}

/// Sums and maximum of the layer output widths: what a pass's tangents
/// need per direction and sample.
#[must_use]
pub const fn tangent_widths(outputs: &[usize]) -> (usize, usize) {
    let (mut sum, mut max, mut i) = (0, 0, 0);
    while i < outputs.len() {
        sum += outputs[i];
        if outputs[i] > max {
            max = outputs[i];
        }
        i += 1;
    }
    (sum, max)
}

/// Values per direction and sample of a pass's flat workspace (forward
/// tangents of every layer, plus two backward buffers of the widest):
/// `sum + 2 max` of the layer output widths.
#[must_use]
pub const fn block_width(outputs: &[usize]) -> usize {
    let (sum, max) = tangent_widths(outputs);
    sum + 2 * max
}

/// The state of one blocked pass; see the module documentation.
#[derive(Debug)]
pub struct BlockPass<'a, T> {
    directions: BlockDirections<'a, T>,
    count: usize,
    params: usize,
    forward: &'a mut [T],
    back: &'a mut [T],
    rows: &'a mut [T],
    from: Option<usize>,
    context: BlockContext<'a, T>,
    /// End of the forward tangents written so far.
    offset: usize,
    /// Size of the last layer's output tangents.
    last_span: usize,
    /// Index of the first layer the directions touch.
    start: Option<usize>,
    /// Layers passed (forward) or still to pass (backward).
    layer: usize,
    /// Which backward buffer holds the current `R{dy}`.
    flipped: bool,
}

impl<'a, T: Float> BlockPass<'a, T> {
    /// A pass for `count` directions of a network with `params`
    /// parameters. Direction `k`'s gradient tangent goes to
    /// `rows[k * params..(k + 1) * params]`: whole when `from` is `None`,
    /// and otherwise only from index `from` on (the entries before may be
    /// left unwritten or hold anything; the backward pass then stops at
    /// the first layer the directions touch). The workspace must be sized
    /// by [`block_width`] (times `B * count`) and the scratch all zero.
    pub fn new(
        directions: BlockDirections<'a, T>,
        count: usize,
        params: usize,
        Workspace {
            forward,
            back,
            scratch,
        }: Workspace<'a, T>,
        rows: &'a mut [T],
        from: Option<usize>,
        kernel: Kernel,
    ) -> Self {
        Self {
            directions,
            count,
            params,
            forward,
            back,
            rows,
            from,
            context: BlockContext { scratch, kernel },
            offset: 0,
            last_span: 0,
            start: None,
            layer: 0,
            flipped: false,
        }
    }

    /// The block's directions restricted to parameters
    /// `offset..offset + len`.
    fn layer_directions(&self, offset: usize, len: usize) -> Directions<'a, T> {
        if len == 0 {
            return Directions::Zero;
        }
        match self.directions {
            BlockDirections::Unit { first } if (offset..offset + len).contains(&first) => {
                Directions::Unit {
                    first: first - offset,
                }
            }
            BlockDirections::Unit { .. } => Directions::Zero,
            BlockDirections::Given(values) => Directions::Given {
                values: &values[offset..],
                stride: self.params,
            },
        }
    }

    /// The R-forward of one layer whose parameters start at `offset`.
    pub fn forward<Ly, const I: usize, const O: usize, const B: usize>(
        &mut self,
        layer: &Ly,
        params: &[T],
        offset: usize,
        x: &SMatrix<T, I, B>,
        y: &SMatrix<T, O, B>,
        cache: &Ly::Cache<B>,
    ) where
        Ly: Layer<T, I, O>,
    {
        let (n_in, n_out) = (I * B * self.count, O * B * self.count);
        let directions = self.layer_directions(offset, Ly::PARAMS);
        let input_moves = self.start.is_some();
        if input_moves || !directions.is_zero() {
            let (done, rest) = self.forward.split_at_mut(self.offset);
            let rx = input_moves.then(|| &done[self.offset - n_in..]);
            layer.r_forward_block(
                params,
                directions,
                x,
                y,
                cache,
                rx,
                &mut rest[..n_out],
                &mut self.context,
            );
            self.start.get_or_insert(self.layer);
        }
        self.offset += n_out;
        self.last_span = n_out;
        self.layer += 1;
    }

    /// After the forward calls: the output tangents `R{y}` and the buffer
    /// where the loss writes `R{dL/dy}` for the backward calls.
    pub fn output_and_seed(&mut self) -> (&[T], &mut [T]) {
        let output = &self.forward[self.offset - self.last_span..self.offset];
        let half = self.back.len() / 2;
        (output, &mut self.back[..half][..self.last_span])
    }

    /// The R-backward of one layer whose parameters start at `offset`;
    /// called from the last layer to the first. `dy` is `dL/dy` of the
    /// layer's output.
    pub fn backward<Ly, const I: usize, const O: usize, const B: usize>(
        &mut self,
        layer: &Ly,
        params: &[T],
        offset: usize,
        x: &SMatrix<T, I, B>,
        y: &SMatrix<T, O, B>,
        forward_cache: &Ly::Cache<B>,
        cache: &Ly::Cache<B>,
        dy: &SMatrix<T, O, B>,
    ) where
        Ly: Layer<T, I, O>,
    {
        let (n_in, n_out) = (I * B * self.count, O * B * self.count);
        self.layer -= 1;
        self.offset -= n_out;
        let Some(start) = self.start else { return };
        if self.layer < start && self.from.is_some() {
            return;
        }
        let input_moves = self.layer > start;
        let wants_dx = match self.from {
            Some(_) => self.layer > start,
            None => self.layer > 0,
        };
        let directions = self.layer_directions(offset, Ly::PARAMS);
        let rx = input_moves.then(|| &self.forward[self.offset - n_in..self.offset]);
        let half = self.back.len() / 2;
        let (first, second) = self.back.split_at_mut(half);
        let (rdy, rdx) = if self.flipped {
            (second, first)
        } else {
            (first, second)
        };
        let rdx = wants_dx.then(|| &mut rdx[..n_in]);
        let mut rows = GradRows {
            data: &mut self.rows[offset..],
            stride: self.params,
            from: self.from.map_or(0, |from| from.saturating_sub(offset)),
        };
        layer.r_backward_block(
            params,
            directions,
            x,
            y,
            forward_cache,
            cache,
            rx,
            dy,
            &rdy[..n_out],
            rdx,
            &mut rows,
            &mut self.context,
        );
        self.flipped = !self.flipped;
    }
}
