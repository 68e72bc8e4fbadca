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

use constnet::nalgebra::{Dyn, MatrixView, MatrixViewMut};

type View<'a> = MatrixView<'a, f64, Dyn, Dyn, Dyn, Dyn>;

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

/// Mean batch loss on the last layer's output.
#[derive(Clone, Debug)]
pub enum HandLoss {
    /// Binary cross-entropy with logits; targets `O x B` column-major.
    BceWithLogits(Vec<f64>),
    /// Mean squared error over all `O B` elements; targets `O x B`.
    Mse(Vec<f64>),
    /// Softmax cross-entropy with logits; one class per sample.
    CrossEntropy(Vec<usize>),
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

/// A strided matrix view: element `(i, j)` at `data[i * rs + j * cs]`.
#[derive(Clone, Copy)]
struct Strided<'a> {
    data: &'a [f64],
    rows: usize,
    cols: usize,
    rs: usize,
    cs: usize,
}

fn view(data: &[f64], rows: usize, cols: usize, rs: usize, cs: usize) -> Strided<'_> {
    Strided {
        data,
        rows,
        cols,
        rs,
        cs,
    }
}

/// nalgebra sends a product to `matrixmultiply` when every dimension
/// exceeds this; below it, its fallback mishandles row-strided views, so
/// small products take the plain loop here.
const SMALL_DIM: usize = 5;

/// `out (rows x cols, contiguous column-major) = a b + beta out`.
fn gemm(out: &mut [f64], rows: usize, cols: usize, a: &Strided<'_>, b: &Strided<'_>, beta: f64) {
    debug_assert!(a.rows == rows && b.cols == cols && a.cols == b.rows);
    if rows > SMALL_DIM && cols > SMALL_DIM && a.cols > SMALL_DIM {
        let a = View::from_slice_with_strides(a.data, a.rows, a.cols, a.rs, a.cs);
        let b = View::from_slice_with_strides(b.data, b.rows, b.cols, b.rs, b.cs);
        let mut out = MatrixViewMut::<f64, Dyn, Dyn, Dyn, Dyn>::from_slice_with_strides_mut(
            out, rows, cols, 1, rows,
        );
        out.gemm(1.0, &a, &b, beta);
        return;
    }
    for j in 0..cols {
        for i in 0..rows {
            let sum: f64 = (0..a.cols)
                .map(|k| a.data[i * a.rs + k * a.cs] * b.data[k * b.rs + j * b.cs])
                .sum();
            let o = &mut out[i + rows * j];
            *o = if beta == 0.0 { sum } else { sum + beta * *o };
        }
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
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

    /// Seeds `R{z_m}` with the block's unit directions and propagates it up.
    fn r_forward(
        &self,
        pass: &Pass,
        batch: usize,
        block: Block,
        offsets: &[usize],
        s: &mut Scratch,
    ) {
        let Block { m, start, k, .. } = block;
        let layers = self.layers();
        let kb = k * batch;
        // R{z_m}: row o of direction k is a_{m-1}[i, :] (weight (o, i)) or ones (bias o).
        let (n, inputs) = (self.widths[m], self.widths[m - 1]);
        let rz = &mut s.rz[m];
        rz.clear();
        rz.resize(n * kb, 0.0);
        for d in 0..k {
            let q = start + d - offsets[m - 1];
            for b in 0..batch {
                let (o, value) = if q < n * inputs {
                    (q / inputs, pass.a[m - 1][q % inputs + inputs * b])
                } else {
                    (q - n * inputs, 1.0)
                };
                rz[o + n * (d + k * b)] = value;
            }
        }
        // R-forward: R{a_{l-1}} = act'(z) R{z_{l-1}}, R{z_l} = W_l R{a_{l-1}}.
        for l in m + 1..=layers {
            let (n, prev) = (self.widths[l], self.widths[l - 1]);
            let (below, above) = s.rz.split_at_mut(l);
            let ra = &mut s.ra[l - 1];
            ra.clear();
            ra.resize(prev * kb, 0.0);
            let d1 = &pass.d1[l - 1];
            for ((ra, rz), d1) in ra
                .chunks_exact_mut(prev * k)
                .zip(below[l - 1].chunks_exact(prev * k))
                .zip(d1.chunks_exact(prev))
            {
                for (ra, rz) in ra.chunks_exact_mut(prev).zip(rz.chunks_exact(prev)) {
                    for ((ra, rz), d) in ra.iter_mut().zip(rz).zip(d1) {
                        *ra = rz * d;
                    }
                }
            }
            let rz = &mut above[0];
            rz.clear();
            rz.resize(n * kb, 0.0);
            gemm(
                rz,
                n,
                kb,
                &self.weight(l, offsets),
                &view(ra, prev, kb, 1, prev),
                0.0,
            );
        }
    }

    /// The block's Hessian entries of layer `l`: `R{dL/dW_l}` and `R{dL/db_l}`.
    fn write_rows(
        &self,
        pass: &Pass,
        batch: usize,
        block: Block,
        l: usize,
        offsets: &[usize],
        s: &mut Scratch,
        h: &mut [f64],
    ) {
        let Block { m, start, k, .. } = block;
        let p = self.params_len();
        let (n, prev) = (self.widths[l], self.widths[l - 1]);
        let (w_off, b_off) = (offsets[l - 1], offsets[l - 1] + n * prev);
        // R{dL/dW_l}[i, o] (column-major prev x n) = a_{l-1} R{gz}^T + R{a_{l-1}} gz^T.
        let tmp = &mut s.tmp;
        tmp.clear();
        tmp.resize(prev * n * k, 0.0);
        gemm(
            tmp,
            prev,
            n * k,
            &view(&pass.a[l - 1], prev, batch, 1, prev),
            &view(&s.rgz, batch, n * k, n * k, 1),
            0.0,
        );
        if l > m {
            // Direction d's R{a_{l-1}} (prev x B, columns prev * k apart) times gz^T.
            for d in 0..k {
                gemm(
                    &mut tmp[prev * n * d..prev * n * (d + 1)],
                    prev,
                    n,
                    &view(&s.ra[l - 1][prev * d..], prev, batch, 1, prev * k),
                    &view(&pass.gz[l], batch, n, n, 1),
                    1.0,
                );
            }
        }
        for d in 0..k {
            let column = &mut h[(start + d) * p..(start + d + 1) * p];
            column[w_off..b_off].copy_from_slice(&tmp[prev * n * d..prev * n * (d + 1)]);
            let bias = &mut column[b_off..b_off + n];
            bias.fill(0.0);
            for b in 0..batch {
                let at = n * (d + k * b);
                for (g, r) in bias.iter_mut().zip(&s.rgz[at..at + n]) {
                    *g += r;
                }
            }
        }
    }

    /// `R{dL/dz_{l-1}}` from `R{dL/dz_l}`.
    fn r_backward_below(
        &self,
        pass: &Pass,
        batch: usize,
        block: Block,
        l: usize,
        offsets: &[usize],
        s: &mut Scratch,
    ) {
        let Block { m, start, k, .. } = block;
        let kb = k * batch;
        let (n, prev) = (self.widths[l], self.widths[l - 1]);
        let w_off = offsets[l - 1];
        // R{dL/da_{l-1}} = W_l^T R{gz_l} (+ R{W_l}^T gz_l in the directions'
        // layer); R{gz_{l-1}} = act' R{ga} + act'' R{z} ga.
        let rga = &mut s.tmp;
        rga.clear();
        rga.resize(prev * kb, 0.0);
        gemm(
            rga,
            prev,
            kb,
            &view(&self.params[w_off..], prev, n, 1, prev),
            &view(&s.rgz, n, kb, 1, n),
            0.0,
        );
        if l == m {
            for d in 0..k {
                let q = start + d - w_off;
                if q < n * prev {
                    let (o, i) = (q / prev, q % prev);
                    for b in 0..batch {
                        rga[i + prev * (d + k * b)] += pass.gz[l][o + n * b];
                    }
                }
            }
        }
        // Below the directions' layer R{z} is zero.
        let rz = if l > m {
            &s.rz[l - 1][..]
        } else {
            &s.zeros[..prev * kb]
        };
        s.rgz.clear();
        s.rgz.resize(prev * kb, 0.0);
        let (d1, d2, ga) = (&pass.d1[l - 1], &pass.d2[l - 1], &pass.ga[l - 1]);
        for b in 0..batch {
            let at = prev * b..prev * (b + 1);
            let (d1, d2, ga) = (&d1[at.clone()], &d2[at.clone()], &ga[at]);
            for d in 0..k {
                let at = prev * (d + k * b)..prev * (d + k * b + 1);
                let out = &mut s.rgz[at.clone()];
                for ((((o, rga), rz), d1), (d2, ga)) in out
                    .iter_mut()
                    .zip(&rga[at.clone()])
                    .zip(&rz[at])
                    .zip(d1)
                    .zip(d2.iter().zip(ga))
                {
                    *o = d1 * rga + d2 * rz * ga;
                }
            }
        }
    }
}

/// A block of `k` unit directions from parameter `start`, all in layer
/// `m`; the Hessian rows of layers `bottom` and above are computed.
#[derive(Clone, Copy)]
struct Block {
    m: usize,
    bottom: usize,
    start: usize,
    k: usize,
}

/// Tangent buffers of one block, reused across blocks.
struct Scratch {
    rz: Vec<Vec<f64>>,
    ra: Vec<Vec<f64>>,
    rgz: Vec<f64>,
    tmp: Vec<f64>,
    zeros: Vec<f64>,
}

impl Scratch {
    fn new(layers: usize, widest: usize, block: usize, batch: usize) -> Self {
        let len = widest * widest * block.max(batch);
        Self {
            rz: (0..layers).map(|_| Vec::with_capacity(len)).collect(),
            ra: (0..layers).map(|_| Vec::with_capacity(len)).collect(),
            rgz: Vec::with_capacity(len),
            tmp: Vec::with_capacity(len),
            zeros: vec![0.0; widest * block * batch],
        }
    }
}

/// The mean batch loss and `dL/dy` (`O x B`).
fn loss_and_gradient(loss: &HandLoss, y: &[f64], outputs: usize, batch: usize) -> (f64, Vec<f64>) {
    let count = (outputs * batch) as f64;
    match loss {
        HandLoss::BceWithLogits(t) => {
            let value = y
                .iter()
                .zip(t)
                .map(|(&z, &t)| softplus(z) - z * t)
                .sum::<f64>()
                / count;
            (
                value,
                y.iter()
                    .zip(t)
                    .map(|(&z, &t)| (sigmoid(z) - t) / count)
                    .collect(),
            )
        }
        HandLoss::Mse(t) => {
            let value = y.iter().zip(t).map(|(z, t)| (z - t) * (z - t)).sum::<f64>() / count;
            (
                value,
                y.iter()
                    .zip(t)
                    .map(|(z, t)| 2.0 * (z - t) / count)
                    .collect(),
            )
        }
        HandLoss::CrossEntropy(classes) => {
            let mut grad = vec![0.0; y.len()];
            let mut value = 0.0;
            for ((z, g), &c) in y
                .chunks_exact(outputs)
                .zip(grad.chunks_exact_mut(outputs))
                .zip(classes)
            {
                let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let sum: f64 = z.iter().map(|z| (z - max).exp()).sum();
                value += max + sum.ln() - z[c];
                for (g, z) in g.iter_mut().zip(z) {
                    *g = (z - max).exp() / sum / batch as f64;
                }
                g[c] -= 1.0 / batch as f64;
            }
            (value / batch as f64, grad)
        }
    }
}

/// `out = (loss Hessian w.r.t. y) ry` for `k` directions in the tangent layout.
fn loss_hessian_product(
    loss: &HandLoss,
    y: &[f64],
    ry: &[f64],
    outputs: usize,
    batch: usize,
    k: usize,
    out: &mut Vec<f64>,
) {
    let count = (outputs * batch) as f64;
    out.clear();
    out.resize(ry.len(), 0.0);
    let mut probs = vec![0.0; outputs];
    for b in 0..batch {
        let z = &y[outputs * b..outputs * (b + 1)];
        let probs = &mut probs[..];
        if let HandLoss::CrossEntropy(_) = loss {
            let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            for (p, z) in probs.iter_mut().zip(z) {
                *p = (z - max).exp();
            }
            let sum: f64 = probs.iter().sum();
            for p in probs.iter_mut() {
                *p /= sum;
            }
        }
        for d in 0..k {
            let at = outputs * (d + k * b);
            let (r, o) = (&ry[at..at + outputs], &mut out[at..at + outputs]);
            match loss {
                HandLoss::BceWithLogits(_) => {
                    for ((o, r), z) in o.iter_mut().zip(r).zip(z) {
                        let s = sigmoid(*z);
                        *o = s * (1.0 - s) * r / count;
                    }
                }
                HandLoss::Mse(_) => {
                    for (o, r) in o.iter_mut().zip(r) {
                        *o = 2.0 * r / count;
                    }
                }
                HandLoss::CrossEntropy(_) => {
                    let pr: f64 = probs.iter().zip(r).map(|(p, r)| p * r).sum();
                    for ((o, r), p) in o.iter_mut().zip(r).zip(probs.iter()) {
                        *o = p * (r - pr) / batch as f64;
                    }
                }
            }
        }
    }
}
