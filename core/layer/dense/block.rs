//! The blocked R-operator of [`Dense`](super::Dense): the formulas of
//! its `mod.rs` for `count` directions at once, as matrix products.
//!
//! | quantity | block form |
//! |---|---|
//! | `R{y}` | `W [R{x}_1 .. R{x}_count]` (one product), plus `V_k x + v_b,k` |
//! | `R{dW}_k` | `R{dy}_k x^T + dy R{x}_k^T`, rows from `GradRows::from` on |
//! | `R{db}_k` | `sum_batch R{dy}_k` |
//! | `R{dx}` | `W^T [R{dy}_1 .. R{dy}_count]` (one product), plus `V_k^T dy` |
//!
//! For unit directions `V_k x` is one row of `x` and `V_k^T dy` one row of
//! `dy`, so they cost no products. `R{dW}_k` is written row-major `O x I`,
//! which is the column-major `I x O` matrix `x R{dy}_k^T`: the product
//! lands in the Hessian row without a copy, starting at the first needed
//! weight row.

use nalgebra::SMatrix;

use crate::kernel::{MatMut, MatRef, gemm};
use crate::layer::block::{BlockContext, Directions, GradRows};
use crate::scalar::Float;

/// Block R-forward of `y = W x + b`.
pub(super) fn r_forward_block<T: Float, const I: usize, const O: usize, const B: usize>(
    params: &[T],
    directions: Directions<'_, T>,
    x: &SMatrix<T, I, B>,
    rx: Option<&[T]>,
    ry: &mut [T],
    context: &BlockContext<'_, T>,
) {
    let span = O * B;
    let count = ry.len() / span.max(1);
    let w = &params[..O * I];
    match rx {
        Some(rx) => gemm(
            context.kernel,
            O,
            B * count,
            I,
            MatRef::row_major(w, I),
            MatRef::col_major(rx, I),
            MatMut::new(ry, O),
            false,
        ),
        None => ry.fill(T::zero()),
    }
    match directions {
        Directions::Zero => {}
        Directions::Unit { first } => {
            for (k, ry_k) in ry.chunks_exact_mut(span).enumerate() {
                let j = first + k;
                if j < O * I {
                    let (o, i) = (j / I, j % I);
                    for (b, column) in ry_k.chunks_exact_mut(O).enumerate() {
                        column[o] += x[(i, b)];
                    }
                } else {
                    let o = j - O * I;
                    for column in ry_k.chunks_exact_mut(O) {
                        column[o] += T::one();
                    }
                }
            }
        }
        Directions::Given { values, stride } => {
            for (k, ry_k) in ry.chunks_exact_mut(span).enumerate() {
                let v = &values[k * stride..k * stride + O * I + O];
                let (vw, vb) = v.split_at(O * I);
                gemm(
                    context.kernel,
                    O,
                    B,
                    I,
                    MatRef::row_major(vw, I),
                    MatRef::col_major(x.as_slice(), I),
                    MatMut::new(ry_k, O),
                    true,
                );
                for column in ry_k.chunks_exact_mut(O) {
                    for (r, &b) in column.iter_mut().zip(vb) {
                        *r += b;
                    }
                }
            }
        }
    }
}

/// Block R-backward of `y = W x + b`.
pub(super) fn r_backward_block<T: Float, const I: usize, const O: usize, const B: usize>(
    params: &[T],
    directions: Directions<'_, T>,
    x: &SMatrix<T, I, B>,
    rx: Option<&[T]>,
    dy: &SMatrix<T, O, B>,
    rdy: &[T],
    rdx: Option<&mut [T]>,
    rows: &mut GradRows<'_, T>,
    context: &BlockContext<'_, T>,
) {
    let span = O * B;
    let count = rdy.len() / span.max(1);
    let kernel = context.kernel;
    // Weight rows before `first_row` and biases before `bias_from` are
    // filled by the caller from symmetry.
    let first_row = (rows.from / I.max(1)).min(O);
    let bias_from = rows.from.saturating_sub(O * I).min(O);
    let columns = O - first_row;
    for (k, rdy_k) in rdy.chunks_exact(span).enumerate() {
        let (out_w, out_b) = rows.row(k, O * I + O).split_at_mut(O * I);
        if columns > 0 {
            let out_w = &mut out_w[first_row * I..];
            gemm(
                kernel,
                I,
                columns,
                B,
                MatRef::col_major(x.as_slice(), I),
                MatRef::row_major(&rdy_k[first_row..], O),
                MatMut::new(out_w, I),
                false,
            );
            if let Some(rx) = rx {
                gemm(
                    kernel,
                    I,
                    columns,
                    B,
                    MatRef::col_major(&rx[k * I * B..(k + 1) * I * B], I),
                    MatRef::row_major(&dy.as_slice()[first_row..], O),
                    MatMut::new(out_w, I),
                    true,
                );
            }
        }
        for (o, out) in out_b.iter_mut().enumerate().skip(bias_from) {
            let mut sum = T::zero();
            for column in rdy_k.chunks_exact(O) {
                sum += column[o];
            }
            *out = sum;
        }
    }
    let Some(rdx) = rdx else { return };
    let w = &params[..O * I];
    // W^T is W's row-major storage read column-major.
    gemm(
        kernel,
        I,
        B * count,
        O,
        MatRef::col_major(w, I),
        MatRef::col_major(rdy, O),
        MatMut::new(rdx, I),
        false,
    );
    match directions {
        Directions::Zero => {}
        Directions::Unit { first } => {
            for (k, rdx_k) in rdx.chunks_exact_mut(I * B).enumerate() {
                let j = first + k;
                if j < O * I {
                    let (o, i) = (j / I, j % I);
                    for (b, column) in rdx_k.chunks_exact_mut(I).enumerate() {
                        column[i] += dy[(o, b)];
                    }
                }
            }
        }
        Directions::Given { values, stride } => {
            for (k, rdx_k) in rdx.chunks_exact_mut(I * B).enumerate() {
                let vw = &values[k * stride..k * stride + O * I];
                gemm(
                    kernel,
                    I,
                    B,
                    O,
                    MatRef::col_major(vw, I),
                    MatRef::col_major(dy.as_slice(), O),
                    MatMut::new(rdx_k, I),
                    true,
                );
            }
        }
    }
}
