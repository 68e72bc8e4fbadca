//! The three products of a convolution, direct loops over
//! [`ConvGeometry::for_each_tap`] on each sample's column: the forward
//! `y = W * x (+ b)`, the input gradient `dx = W^T dy` (the transposed
//! convolution) and the weight gradient `dW = dy x^T` (the correlation of
//! `dy` with `x`), summed over the batch in order. Backward and the
//! R-operator are made of them, as `Dense`'s are of its matrix products.

use nalgebra::SMatrix;

use super::geometry::ConvGeometry;
use crate::scalar::Float;

/// `y (+)= W * x`, then `+ b` per output channel when a bias is given and
/// `accumulate` is false (`y` is overwritten then).
#[inline]
pub fn conv_forward<T: Float, const I: usize, const O: usize, const B: usize>(
    geometry: &ConvGeometry,
    w: &[T],
    bias: Option<&[T]>,
    accumulate: bool,
    x: &SMatrix<T, I, B>,
    y: &mut SMatrix<T, O, B>,
) {
    let w = &w[..geometry.weight_len()];
    let positions = geometry.out_h() * geometry.out_w();
    for (yc, xc) in y
        .as_mut_slice()
        .chunks_exact_mut(O)
        .zip(x.as_slice().chunks_exact(I))
    {
        if !accumulate {
            match bias {
                Some(bias) => {
                    for (channel, &b) in yc.chunks_exact_mut(positions).zip(bias) {
                        channel.fill(b);
                    }
                }
                None => yc.fill(T::zero()),
            }
        }
        geometry.for_each_tap(|o, i, k| yc[o] += w[k] * xc[i]);
    }
}

/// `dx (+)= W^T dy`: every input receives `weight * dy` from each output
/// whose window holds it.
#[inline]
pub fn conv_input_grad<T: Float, const I: usize, const O: usize, const B: usize>(
    geometry: &ConvGeometry,
    w: &[T],
    accumulate: bool,
    dy: &SMatrix<T, O, B>,
    dx: &mut SMatrix<T, I, B>,
) {
    let w = &w[..geometry.weight_len()];
    if !accumulate {
        dx.fill(T::zero());
    }
    for (dxc, dyc) in dx
        .as_mut_slice()
        .chunks_exact_mut(I)
        .zip(dy.as_slice().chunks_exact(O))
    {
        geometry.for_each_tap(|o, i, k| dxc[i] += w[k] * dyc[o]);
    }
}

/// `dW (+)= dy x^T`: `dW[k] = sum_b sum_{(o, i) through k} dy[o] x[i]`,
/// row-major `[C_out, C_in / groups, kernel_h, kernel_w]`.
#[inline]
pub fn conv_weight_grad<T: Float, const I: usize, const O: usize, const B: usize>(
    geometry: &ConvGeometry,
    accumulate: bool,
    x: &SMatrix<T, I, B>,
    dy: &SMatrix<T, O, B>,
    dw: &mut [T],
) {
    let dw = &mut dw[..geometry.weight_len()];
    if !accumulate {
        dw.fill(T::zero());
    }
    for (xc, dyc) in x
        .as_slice()
        .chunks_exact(I)
        .zip(dy.as_slice().chunks_exact(O))
    {
        geometry.for_each_tap(|o, i, k| dw[k] += dyc[o] * xc[i]);
    }
}

/// `db[c] = sum_b sum_positions dy[c, position]`, overwriting.
#[inline]
pub fn conv_bias_grad<T: Float, const O: usize, const B: usize>(
    geometry: &ConvGeometry,
    dy: &SMatrix<T, O, B>,
    db: &mut [T],
) {
    let positions = geometry.out_h() * geometry.out_w();
    let db = &mut db[..geometry.out_channels];
    db.fill(T::zero());
    for column in dy.as_slice().chunks_exact(O) {
        for (d, channel) in db.iter_mut().zip(column.chunks_exact(positions)) {
            for &g in channel {
                *d += g;
            }
        }
    }
}
