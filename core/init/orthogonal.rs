//! In-place orthonormalization of a row-major matrix, the core of the
//! orthogonal initializer (Saxe, McClelland and Ganguli, "Exact solutions to
//! the nonlinear dynamics of learning in deep linear neural networks", ICLR
//! 2014).
//!
//! PyTorch's `orthogonal_` takes the QR decomposition of a standard normal
//! matrix (transposed when it has fewer rows than columns) and multiplies
//! `Q` by the signs of `diag(R)`. That sign-corrected `Q` is the unique `Q`
//! whose `R` has a positive diagonal, which is exactly what Gram-Schmidt
//! produces. Here: modified Gram-Schmidt with one re-orthogonalization pass
//! ("twice is enough", Giraud, Langou and Rozloznik, 2005), in place on the
//! weight slice, inner products accumulated in `f64`. No heap, no scratch.

use crate::math;
use crate::scalar::Float;

/// The vectors being orthonormalized inside a row-major `rows x cols`
/// matrix: its columns when `rows >= cols`, else its rows. `count` vectors
/// of `len` elements; element `t` of vector `j` is at `j * vector_stride +
/// t * element_stride`.
#[derive(Clone, Copy)]
struct Layout {
    count: usize,
    len: usize,
    vector_stride: usize,
    element_stride: usize,
}

impl Layout {
    const fn of(rows: usize, cols: usize) -> Self {
        if rows >= cols {
            // Columns: stride 1 between vectors, `cols` between elements.
            Self {
                count: cols,
                len: rows,
                vector_stride: 1,
                element_stride: cols,
            }
        } else {
            Self {
                count: rows,
                len: cols,
                vector_stride: cols,
                element_stride: 1,
            }
        }
    }

    #[inline]
    const fn at(self, vector: usize, element: usize) -> usize {
        vector * self.vector_stride + element * self.element_stride
    }
}

fn dot<T: Float>(values: &[T], layout: Layout, a: usize, b: usize) -> f64 {
    (0..layout.len)
        .map(|t| values[layout.at(a, t)].to_f64() * values[layout.at(b, t)].to_f64())
        .sum()
}

fn norm<T: Float>(values: &[T], layout: Layout, j: usize) -> f64 {
    math::sqrt(dot(values, layout, j, j))
}

/// Removes from vector `j` its components along the (orthonormal) vectors
/// `0..j`, twice.
fn project_out_previous<T: Float>(values: &mut [T], layout: Layout, j: usize) {
    for _pass in 0..2 {
        for i in 0..j {
            let r = T::of_f64(dot(values, layout, i, j));
            for t in 0..layout.len {
                let q = values[layout.at(i, t)];
                values[layout.at(j, t)] -= r * q;
            }
        }
    }
}

fn scale<T: Float>(values: &mut [T], layout: Layout, j: usize, factor: f64) {
    let factor = T::of_f64(factor);
    for t in 0..layout.len {
        values[layout.at(j, t)] *= factor;
    }
}

/// Orthonormalizes, in place, the columns (when `rows >= cols`) or the rows
/// (when `rows < cols`) of the row-major `rows x cols` matrix in `values`:
/// afterwards `W^T W = I` (tall or square) or `W W^T = I` (wide).
///
/// For a full-rank input the result is the `Q` of its QR decomposition
/// (of its transpose when wide) with `diag(R) > 0`. A vector that is
/// (numerically) dependent on the previous ones, which a normal draw is with
/// probability zero, is replaced by the coordinate vector with the largest
/// component orthogonal to them, so the result is orthonormal for every
/// input. Only the first `rows * cols` values are touched; if `values` is
/// shorter, only its complete rows are.
pub fn orthonormalize<T: Float>(values: &mut [T], rows: usize, cols: usize) {
    /// A vector keeping less than this fraction of its norm after the
    /// projections is treated as dependent: its direction is rounding noise.
    const DEPENDENT: f64 = 1e-10;
    if cols == 0 {
        return;
    }
    let rows = rows.min(values.len() / cols);
    let layout = Layout::of(rows, cols);
    for j in 0..layout.count {
        let original = norm(values, layout, j);
        project_out_previous(values, layout, j);
        let remaining = norm(values, layout, j);
        if remaining > DEPENDENT * original && remaining.is_finite() {
            scale(values, layout, j, 1.0 / remaining);
        } else {
            replace_with_best_coordinate_vector(values, layout, j);
        }
    }
}

/// Sets vector `j` to the normalized component, orthogonal to vectors
/// `0..j`, of the coordinate vector `e_t` for which that component is
/// largest. Among the `len` coordinate vectors the squared components sum
/// to `len - j >= 1`, so the largest is at least `1 / len`: well defined.
fn replace_with_best_coordinate_vector<T: Float>(values: &mut [T], layout: Layout, j: usize) {
    let set_coordinate = |values: &mut [T], t: usize| {
        for s in 0..layout.len {
            values[layout.at(j, s)] = if s == t { T::one() } else { T::zero() };
        }
    };
    let mut best = (0, -1.0);
    for t in 0..layout.len {
        set_coordinate(values, t);
        project_out_previous(values, layout, j);
        let remaining = norm(values, layout, j);
        if remaining > best.1 {
            best = (t, remaining);
        }
    }
    set_coordinate(values, best.0);
    project_out_previous(values, layout, j);
    let remaining = norm(values, layout, j);
    scale(values, layout, j, 1.0 / remaining);
}
