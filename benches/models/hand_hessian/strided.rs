//! Strided matrix views and the one product the hand-written Hessian needs:
//! nalgebra's `gemm` for large products, a plain loop for small ones.

use constnet::nalgebra::{Dyn, MatrixView, MatrixViewMut};

type View<'a> = MatrixView<'a, f64, Dyn, Dyn, Dyn, Dyn>;

/// A strided matrix view: element `(i, j)` at `data[i * rs + j * cs]`.
#[derive(Clone, Copy)]
pub(super) struct Strided<'a> {
    pub(super) data: &'a [f64],
    pub(super) rows: usize,
    pub(super) cols: usize,
    pub(super) rs: usize,
    pub(super) cs: usize,
}

pub(super) fn view(data: &[f64], rows: usize, cols: usize, rs: usize, cs: usize) -> Strided<'_> {
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
pub(super) fn gemm(
    out: &mut [f64],
    rows: usize,
    cols: usize,
    a: &Strided<'_>,
    b: &Strided<'_>,
    beta: f64,
) {
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
