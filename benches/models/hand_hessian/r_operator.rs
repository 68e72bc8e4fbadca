//! The R-operator passes of the hand-written Hessian: `R{z}` up from the
//! block's layer, the Hessian rows written from `R{dL/dW}`, and `R{dL/da}`
//! back down to the block's bottom layer; with the block and its reused
//! tangent buffers.

use super::strided::{gemm, view};
use super::{HandMlp, Pass};

impl HandMlp {
    /// Seeds `R{z_m}` with the block's unit directions and propagates it up.
    pub(super) fn r_forward(
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
    pub(super) fn write_rows(
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
    pub(super) fn r_backward_below(
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
pub(super) struct Block {
    pub(super) m: usize,
    pub(super) bottom: usize,
    pub(super) start: usize,
    pub(super) k: usize,
}

/// Tangent buffers of one block, reused across blocks.
pub(super) struct Scratch {
    pub(super) rz: Vec<Vec<f64>>,
    pub(super) ra: Vec<Vec<f64>>,
    pub(super) rgz: Vec<f64>,
    pub(super) tmp: Vec<f64>,
    pub(super) zeros: Vec<f64>,
}

impl Scratch {
    pub(super) fn new(layers: usize, widest: usize, block: usize, batch: usize) -> Self {
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
