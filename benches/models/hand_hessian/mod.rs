//! The exact full Hessian of the benchmark models written by hand, in f64:
//! Pearlmutter's R-operator (1994) over blocks of unit directions, the dense
//! work through nalgebra's `gemm` (the `matrixmultiply` crate), using
//! symmetry. This is the "hand-written blocked R-operator" baseline that
//! constnet's generated Hessian is measured against.
//!
//! The model is a multi-layer perceptron `z_l = W_l a_{l-1} + b_l`,
//! `a_l = act(z_l)` (the last layer linear), with runtime widths and the
//! parameters in PyTorch order (each `W_l` `n_l x n_{l-1}` row-major, then
//! `b_l`). A block of `K` unit directions all in layer `m` changes nothing
//! below `m`, so its R-forward starts at `m`; only the Hessian rows of layers
//! `m` and above are computed (R-backward stops at `m`) and the rest is
//! mirrored.
//!
//! Tangents of `K` directions on a batch of `B` are `F x (K B)` matrices with
//! element `(f, k, b)` at `f + F (k + K b)`: propagation through `W_l` is one
//! `gemm`, and so is each term of `R{dL/dW_l}` (strided views, no copies).

mod loss;
mod r_operator;
mod strided;

pub use loss::HandLoss;
use loss::{loss_and_gradient, loss_hessian_product};
use r_operator::{Block, Scratch};
use strided::{Strided, gemm, view};

/// Largest Hessian (bytes) computed from the diagonal on and mirrored.
pub const MIRROR_BYTES: usize = 4 << 20;

/// Hidden activation.
#[derive(Clone, Copy, Debug)]
pub enum Act {
    /// `tanh`.
    Tanh,
    /// `max(0, z)`, with `ReLU'(0) = 0` and `ReLU'' = 0`.
    Relu,
}

/// A multi-layer perceptron with runtime widths, f64.
#[derive(Clone, Debug)]
pub struct HandMlp {
    /// `n_0 (inputs), n_1, ..., n_L (outputs)`.
    pub widths: Vec<usize>,
    /// The activation after every layer but the last.
    pub act: Act,
    /// Parameters in PyTorch order.
    pub params: Vec<f64>,
}

/// What one forward and backward pass keeps for the R-operator.
struct Pass {
    /// `a_0 = x, a_1, ..., a_{L-1}` (`n_l x B`), and the output `a_L = z_L`.
    a: Vec<Vec<f64>>,
    /// `act'(z_l)` and `act''(z_l)` for hidden layers (index `l`).
    d1: Vec<Vec<f64>>,
    d2: Vec<Vec<f64>>,
    /// `dL/dz_l` and `dL/da_l`.
    gz: Vec<Vec<f64>>,
    ga: Vec<Vec<f64>>,
}

impl HandMlp {
    /// Number of parameters.
    pub fn params_len(&self) -> usize {
        self.offsets()[self.layers()]
    }

    fn layers(&self) -> usize {
        self.widths.len() - 1
    }

    /// Offset of layer `l`'s weight (`l = 1..=L`); `offsets()[L]` is `P`.
    fn offsets(&self) -> Vec<usize> {
        let mut offsets = vec![0];
        for l in 1..self.widths.len() {
            let last = offsets[l - 1];
            offsets.push(last + self.widths[l] * (self.widths[l - 1] + 1));
        }
        offsets
    }

    /// `W_l` (`n_l x n_{l-1}`) as a view of the row-major parameters.
    fn weight(&self, l: usize, offsets: &[usize]) -> Strided<'_> {
        let (n, m) = (self.widths[l], self.widths[l - 1]);
        view(&self.params[offsets[l - 1]..], n, m, m, 1)
    }

    fn forward_backward(&self, x: &[f64], batch: usize, loss: &HandLoss) -> (f64, Vec<f64>, Pass) {
        let layers = self.layers();
        let offsets = self.offsets();
        let mut pass = Pass {
            a: vec![x.to_vec()],
            d1: vec![Vec::new(); layers + 1],
            d2: vec![Vec::new(); layers + 1],
            gz: vec![Vec::new(); layers + 1],
            ga: vec![Vec::new(); layers + 1],
        };
        for l in 1..=layers {
            let (n, m) = (self.widths[l], self.widths[l - 1]);
            let mut z = vec![0.0; n * batch];
            let bias = &self.params[offsets[l - 1] + n * m..offsets[l]];
            for column in z.chunks_exact_mut(n) {
                column.copy_from_slice(bias);
            }
            gemm(
                &mut z,
                n,
                batch,
                &self.weight(l, &offsets),
                &view(&pass.a[l - 1], m, batch, 1, m),
                1.0,
            );
            if l < layers {
                let (mut d1, mut d2) = (vec![0.0; z.len()], vec![0.0; z.len()]);
                for ((z, d1), d2) in z.iter_mut().zip(&mut d1).zip(&mut d2) {
                    match self.act {
                        Act::Tanh => {
                            let a = z.tanh();
                            *d1 = 1.0 - a * a;
                            *d2 = -2.0 * a * *d1;
                            *z = a;
                        }
                        Act::Relu => {
                            *d1 = if *z > 0.0 { 1.0 } else { 0.0 };
                            *z = z.max(0.0);
                        }
                    }
                }
                pass.d1[l] = d1;
                pass.d2[l] = d2;
            }
            pass.a.push(z);
        }
        let outputs = self.widths[layers];
        let (value, gy) = loss_and_gradient(loss, &pass.a[layers], outputs, batch);
        let mut grad = vec![0.0; self.params_len()];
        pass.gz[layers] = gy;
        for l in (1..=layers).rev() {
            let (n, m) = (self.widths[l], self.widths[l - 1]);
            let (w_off, b_off) = (offsets[l - 1], offsets[l - 1] + n * m);
            // dL/dW_l = gz a^T, stored row-major: the column-major m x n matrix a gz^T.
            gemm(
                &mut grad[w_off..b_off],
                m,
                n,
                &view(&pass.a[l - 1], m, batch, 1, m),
                &view(&pass.gz[l], batch, n, n, 1),
                0.0,
            );
            for (o, g) in grad[b_off..offsets[l]].iter_mut().enumerate() {
                *g = (0..batch).map(|b| pass.gz[l][o + n * b]).sum();
            }
            if l > 1 {
                let mut ga = vec![0.0; m * batch];
                let wt = view(&self.params[w_off..], m, n, 1, m);
                gemm(
                    &mut ga,
                    m,
                    batch,
                    &wt,
                    &view(&pass.gz[l], n, batch, 1, n),
                    0.0,
                );
                pass.gz[l - 1] = ga.iter().zip(&pass.d1[l - 1]).map(|(g, d)| g * d).collect();
                pass.ga[l - 1] = ga;
            }
        }
        (value, grad, pass)
    }

    /// The mean batch loss, its gradient and the full `P x P` Hessian
    /// (column-major), in blocks of `block` directions. A Hessian of at most
    /// [`MIRROR_BYTES`] is computed from the diagonal on and mirrored
    /// (exactly symmetric); a larger one in whole columns, since mirroring
    /// it reads across the matrix and costs more than the passes it saves.
    pub fn hessian(
        &self,
        x: &[f64],
        batch: usize,
        loss: &HandLoss,
        block: usize,
    ) -> (f64, Vec<f64>, Vec<f64>) {
        let p = self.params_len();
        let mut h = vec![0.0; p * p];
        let (value, grad) =
            self.hessian_into(x, batch, loss, block, p * p * 8 > MIRROR_BYTES, &mut h);
        (value, grad, h)
    }

    /// [`HandMlp::hessian`] into a reused `P * P` buffer, with the choice
    /// made: `whole` columns, or from the diagonal on and mirrored. Returns
    /// the loss and gradient.
    pub fn hessian_into(
        &self,
        x: &[f64],
        batch: usize,
        loss: &HandLoss,
        block: usize,
        whole: bool,
        h: &mut [f64],
    ) -> (f64, Vec<f64>) {
        let (value, grad, pass) = self.forward_backward(x, batch, loss);
        let p = self.params_len();
        let offsets = self.offsets();
        let layers = self.layers();
        assert_eq!(h.len(), p * p, "a P x P buffer");
        let widest = *self.widths.iter().max().unwrap_or(&1);
        let mut scratch = Scratch::new(layers + 1, widest, block, batch);
        for m in 1..=layers {
            let mut start = offsets[m - 1];
            while start < offsets[m] {
                let k = block.min(offsets[m] - start);
                let bottom = if whole { 1 } else { m };
                let directions = Block {
                    m,
                    bottom,
                    start,
                    k,
                };
                self.block_columns(&pass, loss, batch, directions, &offsets, &mut scratch, h);
                start += k;
            }
        }
        if whole {
            return (value, grad);
        }
        // Mirror: column j's rows below its layer come from the rows of the
        // earlier layers' passes.
        for m in 2..=layers {
            for j in offsets[m - 1]..offsets[m] {
                for r in 0..offsets[m - 1] {
                    h[r + j * p] = h[j + r * p];
                }
            }
        }
        (value, grad)
    }

    /// Hessian columns `start..start + k` (all in layer `m`), rows of
    /// layers `bottom` (`m` or 1) and above.
    fn block_columns(
        &self,
        pass: &Pass,
        loss: &HandLoss,
        batch: usize,
        block: Block,
        offsets: &[usize],
        s: &mut Scratch,
        h: &mut [f64],
    ) {
        self.r_forward(pass, batch, block, offsets, s);
        let layers = self.layers();
        let Block { k, .. } = block;
        // R{dL/dy} = (loss Hessian) R{y}.
        let outputs = self.widths[layers];
        loss_hessian_product(
            loss,
            &pass.a[layers],
            &s.rz[layers],
            outputs,
            batch,
            k,
            &mut s.rgz,
        );
        for l in (block.bottom..=layers).rev() {
            self.write_rows(pass, batch, block, l, offsets, s, h);
            if l > block.bottom {
                self.r_backward_below(pass, batch, block, l, offsets, s);
            }
        }
    }
}
