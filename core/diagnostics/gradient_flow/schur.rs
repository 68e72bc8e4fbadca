//! The complex Schur decomposition `A = Q T Q^H` of a small real matrix,
//! the eigenvectors of its triangular factor, and a complex inverse: the
//! dense linear algebra behind [`super::WeightSpectrum`], on the stack, in `f64`.
//!
//! Methods (G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed.,
//! 2013): reduction to upper Hessenberg form by Givens rotations (section
//! 7.4), then the implicitly shifted QR algorithm in complex arithmetic with
//! Wilkinson shifts, exceptional shifts every 10 iterations and deflation of
//! negligible subdiagonal entries (section 7.5, as LAPACK's `zlahqr` does);
//! eigenvectors of `T` by back substitution with tiny divisors perturbed
//! (LAPACK's `ztrevc`); the inverse by Gauss-Jordan elimination with
//! partial pivoting. Square roots go through [`crate::math`].

use nalgebra::{Complex, SMatrix};

use crate::error::{Error, Result};
use crate::math;

/// A complex number in `f64`.
pub type C64 = Complex<f64>;

const EPS: f64 = f64::EPSILON;
/// Iterations allowed per eigenvalue before the QR algorithm gives up (LAPACK
/// allows 30 per eigenvalue too).
const ITERATIONS_PER_EIGENVALUE: usize = 30;
/// Back substitution rescales an eigenvector whose entries pass this size,
/// so chains of near-zero divisors (defective matrices) cannot overflow.
const RESCALE_ABOVE: f64 = 1e100;

const ZERO: C64 = C64::new(0.0, 0.0);
const ONE: C64 = C64::new(1.0, 0.0);

/// `sqrt(a^2 + b^2)` without overflow or underflow in the squares.
pub fn hypot(a: f64, b: f64) -> f64 {
    let (a, b) = (math::abs(a), math::abs(b));
    let (big, small) = if a >= b { (a, b) } else { (b, a) };
    if big == 0.0 || !big.is_finite() {
        return big + small;
    }
    let ratio = small / big;
    big * math::sqrt(1.0 + ratio * ratio)
}

/// The modulus `|z|`.
pub fn abs(z: C64) -> f64 {
    hypot(z.re, z.im)
}

/// `|Re z| + |Im z|`: a cheap modulus for comparisons (LAPACK's `cabs1`).
fn abs1(z: C64) -> f64 {
    math::abs(z.re) + math::abs(z.im)
}

/// `a / b` by Smith's algorithm (R. L. Smith, "Algorithm 116: Complex
/// division", CACM 5(8), 1962): no overflow or underflow in `|b|^2`, which
/// the textbook formula squares.
pub fn div(a: C64, b: C64) -> C64 {
    if math::abs(b.re) >= math::abs(b.im) {
        let ratio = b.im / b.re;
        let denominator = b.re + b.im * ratio;
        C64::new(
            (a.re + a.im * ratio) / denominator,
            (a.im - a.re * ratio) / denominator,
        )
    } else {
        let ratio = b.re / b.im;
        let denominator = b.re * ratio + b.im;
        C64::new(
            (a.re * ratio + a.im) / denominator,
            (a.im * ratio - a.re) / denominator,
        )
    }
}

/// The principal square root of `z`.
fn sqrt(z: C64) -> C64 {
    let modulus = abs(z);
    if modulus == 0.0 {
        return ZERO;
    }
    let root = math::sqrt(0.5 * (modulus + math::abs(z.re)));
    if z.re >= 0.0 {
        C64::new(root, z.im / (2.0 * root))
    } else {
        C64::new(
            math::abs(z.im) / (2.0 * root),
            if z.im.is_sign_negative() { -root } else { root },
        )
    }
}

/// `z^n` by binary exponentiation (exact for powers of two).
pub fn powi(z: C64, mut n: usize) -> C64 {
    let (mut base, mut result) = (z, ONE);
    while n > 0 {
        if n & 1 == 1 {
            result *= base;
        }
        base *= base;
        n >>= 1;
    }
    result
}

/// The Frobenius norm of a complex matrix.
pub fn frobenius<const N: usize>(m: &SMatrix<C64, N, N>) -> f64 {
    m.iter().fold(0.0, |acc, &z| hypot(acc, abs(z)))
}

/// The plane rotation `M = [[c, s], [-conj(s), c]]` (unitary, `c` real).
#[derive(Clone, Copy)]
struct Rotation {
    c: f64,
    s: C64,
}

impl Rotation {
    /// The rotation with `M [x; y] = [r; 0]`.
    fn zeroing(x: C64, y: C64) -> Self {
        let (ax, ay) = (abs(x), abs(y));
        if ay == 0.0 {
            return Self { c: 1.0, s: ZERO };
        }
        if ax == 0.0 {
            return Self { c: 0.0, s: ONE };
        }
        let norm = hypot(ax, ay);
        Self {
            c: ax / norm,
            s: (x / ax) * y.conj() / norm,
        }
    }

    /// Rows `p` and `r` of `m` become `M [row p; row r]`, on columns `cols`.
    fn rows<const N: usize>(
        self,
        m: &mut SMatrix<C64, N, N>,
        p: usize,
        r: usize,
        cols: core::ops::Range<usize>,
    ) {
        for j in cols {
            let (u, v) = (m[(p, j)], m[(r, j)]);
            m[(p, j)] = u * self.c + self.s * v;
            m[(r, j)] = v * self.c - self.s.conj() * u;
        }
    }

    /// Columns `p` and `r` of `m` become `[col p, col r] M^H`, on rows `rows`.
    fn columns<const N: usize>(
        self,
        m: &mut SMatrix<C64, N, N>,
        p: usize,
        r: usize,
        rows: core::ops::Range<usize>,
    ) {
        for i in rows {
            let (u, v) = (m[(i, p)], m[(i, r)]);
            m[(i, p)] = u * self.c + v * self.s.conj();
            m[(i, r)] = v * self.c - u * self.s;
        }
    }
}

/// `A = Q T Q^H` with `Q` unitary and `T` upper triangular; the eigenvalues
/// of `A` are the diagonal of `T`.
#[derive(Clone, Debug)]
pub struct Schur<const N: usize> {
    /// The upper triangular factor.
    pub t: SMatrix<C64, N, N>,
    /// The unitary factor (the Schur vectors, as columns).
    pub q: SMatrix<C64, N, N>,
}

/// The complex Schur decomposition of a real matrix with finite entries.
pub fn schur<const N: usize>(a: &SMatrix<f64, N, N>) -> Result<Schur<N>> {
    let mut t = a.map(|x| C64::new(x, 0.0));
    let mut q = SMatrix::<C64, N, N>::identity();
    // Hessenberg form: zero column k below its subdiagonal.
    for k in 0..N.saturating_sub(2) {
        for i in k + 2..N {
            if t[(i, k)] == ZERO {
                continue;
            }
            let g = Rotation::zeroing(t[(k + 1, k)], t[(i, k)]);
            g.rows(&mut t, k + 1, i, k..N);
            t[(i, k)] = ZERO;
            g.columns(&mut t, k + 1, i, 0..N);
            g.columns(&mut q, k + 1, i, 0..N);
        }
    }
    qr_iterations(&mut t, &mut q)?;
    Ok(Schur { t, q })
}

/// The eigenvalue of the trailing 2 x 2 block `[[a, b], [c, d]]` nearer `d`
/// (Wilkinson's shift), in the form that avoids cancellation.
fn wilkinson_shift(a: C64, b: C64, c: C64, d: C64) -> C64 {
    let half = (a - d) * 0.5;
    let mut root = sqrt(half * half + b * c);
    if (half.conj() * root).re < 0.0 {
        root = -root;
    }
    let larger = half + root;
    if larger == ZERO {
        d
    } else {
        d - div(b * c, larger)
    }
}

/// Reduces an upper Hessenberg `t` to triangular form, accumulating the
/// rotations into `q`.
fn qr_iterations<const N: usize>(
    t: &mut SMatrix<C64, N, N>,
    q: &mut SMatrix<C64, N, N>,
) -> Result<()> {
    let scale = frobenius(t);
    let max_iterations = ITERATIONS_PER_EIGENVALUE * N.max(10);
    let mut hi = N.saturating_sub(1);
    let mut iterations = 0;
    while hi > 0 {
        // The active block is l..=hi: the lowest l with no negligible
        // subdiagonal entry between l and hi.
        let mut l = hi;
        while l > 0 {
            let mut near = abs1(t[(l - 1, l - 1)]) + abs1(t[(l, l)]);
            if near == 0.0 {
                near = scale;
            }
            if abs1(t[(l, l - 1)]) <= EPS * near {
                t[(l, l - 1)] = ZERO;
                break;
            }
            l -= 1;
        }
        if l == hi {
            hi -= 1;
            iterations = 0;
            continue;
        }
        iterations += 1;
        if iterations > max_iterations {
            return Err(Error::NotConverged {
                what: "QR algorithm for eigenvalues",
                iterations: max_iterations,
            });
        }
        let shift = if iterations % 10 == 0 {
            // An exceptional shift breaks the rare cycles of the Wilkinson shift.
            t[(hi, hi)] + 0.75 * math::abs(t[(hi, hi - 1)].re)
        } else {
            wilkinson_shift(
                t[(hi - 1, hi - 1)],
                t[(hi - 1, hi)],
                t[(hi, hi - 1)],
                t[(hi, hi)],
            )
        };
        // One implicit QR step on the block: chase the bulge down.
        let (mut x, mut y) = (t[(l, l)] - shift, t[(l + 1, l)]);
        for k in l..hi {
            let g = Rotation::zeroing(x, y);
            g.rows(t, k, k + 1, if k > l { k - 1 } else { k }..N);
            if k > l {
                t[(k + 1, k - 1)] = ZERO;
            }
            g.columns(t, k, k + 1, 0..(k + 3).min(hi + 1));
            g.columns(q, k, k + 1, 0..N);
            if k + 1 < hi {
                (x, y) = (t[(k + 1, k)], t[(k + 2, k)]);
            }
        }
    }
    Ok(())
}

/// The eigenvectors of `A = Q T Q^H`, one unit-norm column per diagonal entry
/// of `T` (same order). For a repeated eigenvalue without enough
/// eigenvectors (a defective matrix), the perturbed divisors make the
/// columns nearly parallel, which the caller detects.
pub fn eigenvectors<const N: usize>(schur: &Schur<N>) -> SMatrix<C64, N, N> {
    let t = &schur.t;
    let t_norm = frobenius(t);
    let smallest = f64::MIN_POSITIVE * (N as f64) / EPS;
    let mut y_all = SMatrix::<C64, N, N>::zeros();
    for k in 0..N {
        let lambda = t[(k, k)];
        let min_divisor = (EPS * abs(lambda)).max(EPS * t_norm).max(smallest);
        let mut y = [ZERO; N];
        y[k] = ONE;
        for i in (0..k).rev() {
            let sum = (i + 1..=k).fold(ZERO, |acc, j| acc + t[(i, j)] * y[j]);
            let mut divisor = t[(i, i)] - lambda;
            if abs(divisor) < min_divisor {
                divisor = C64::new(min_divisor, 0.0);
            }
            y[i] = -div(sum, divisor);
            let largest = y[i..=k].iter().fold(0.0_f64, |m, &z| m.max(abs1(z)));
            if largest > RESCALE_ABOVE {
                for z in &mut y[i..=k] {
                    *z /= largest;
                }
            }
        }
        for (i, &z) in y.iter().enumerate() {
            y_all[(i, k)] = z;
        }
    }
    let mut v = schur.q * y_all;
    for mut column in v.column_iter_mut() {
        let norm = column.iter().fold(0.0, |acc, &z| hypot(acc, abs(z)));
        if norm > 0.0 {
            for z in column.iter_mut() {
                *z /= norm;
            }
        }
    }
    v
}

/// The inverse of `m`, or `None` when a pivot is below `N eps ||m||_F`
/// (singular to working precision).
pub fn inverse<const N: usize>(m: &SMatrix<C64, N, N>) -> Option<SMatrix<C64, N, N>> {
    let tiny = EPS * (N as f64) * frobenius(m);
    let mut a = *m;
    let mut inv = SMatrix::<C64, N, N>::identity();
    for col in 0..N {
        let pivot_row = (col..N)
            .max_by(|&r, &s| abs(a[(r, col)]).total_cmp(&abs(a[(s, col)])))
            .unwrap_or(col);
        let magnitude = abs(a[(pivot_row, col)]);
        if magnitude <= tiny || magnitude.is_nan() {
            return None;
        }
        a.swap_rows(col, pivot_row);
        inv.swap_rows(col, pivot_row);
        let pivot = a[(col, col)];
        for j in 0..N {
            a[(col, j)] = div(a[(col, j)], pivot);
            inv[(col, j)] = div(inv[(col, j)], pivot);
        }
        for r in (0..N).filter(|&r| r != col) {
            let factor = a[(r, col)];
            if factor == ZERO {
                continue;
            }
            for j in 0..N {
                let (aj, ij) = (a[(col, j)], inv[(col, j)]);
                a[(r, j)] -= factor * aj;
                inv[(r, j)] -= factor * ij;
            }
        }
    }
    Some(inv)
}
