//! The generalized Gauss-Newton matrix (GGN) and the Fisher, exact, by
//! composing the network's own passes, and the decomposition of the
//! Hessian into the GGN and a residual term.
//!
//! For a mean batch loss `L(theta) = l(f(theta))` of the network output
//! `y = f(theta)` (all `O x B` outputs), the chain rule splits the Hessian
//! in two (Schraudolph 2002, "Fast curvature matrix-vector products for
//! second-order gradient descent"; Martens 2020, "New insights and
//! perspectives on the natural gradient method"):
//!
//! ```text
//! H = J^T (d2 l / dy2) J  +  sum_k (dl/dy_k) d2 y_k / dtheta2  =  G + R
//! ```
//!
//! `J = dy/dtheta`. `G`, the GGN, is positive semi-definite whenever the
//! loss is convex in the output (all of constnet's losses are); `R`, the
//! residual, carries the network's own curvature weighted by the output
//! gradient, and vanishes where the model fits every target (`dl/dy = 0`).
//! `G v` costs one forward, one R-forward (`J v` is the R-operator's output
//! tangent), the loss Hessian's product and one backward (`J^T u` is
//! backward from `u`): the same as a Hessian-vector product, without the
//! R-backward.
//!
//! For the losses that are negative log-likelihoods of an exponential
//! family in their natural parameter (softmax cross-entropy and binary
//! cross-entropy with logits), the GGN equals the Fisher information of the
//! model's predictive distribution (Martens 2020, section 9.2). The
//! empirical Fisher `F = 1/B sum_b g_b g_b^T` of the per-sample gradients
//! is another matrix, and a poor stand-in for it (Kunstner, Balles and
//! Hennig 2019, "Limitations of the empirical Fisher approximation"):
//! [`empirical_fisher_vector_product`] and [`empirical_fisher_matrix`]
//! compute it so the two can be compared.
//!
//! BatchNorm networks are differentiated in training mode, through the
//! batch statistics, as everywhere in constnet.

use nalgebra::{DMatrix, SMatrix};

use super::per_sample::{per_sample_gradients, per_sample_gradients_unchecked};
#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::layer::Zeroed;
use crate::loss::Loss;
use crate::network::{Network, check_batch, check_direction, unchecked};
use crate::scalar::Float;

/// `G v`, the generalized Gauss-Newton matrix of the training-mode mean
/// batch loss times `v`, exactly: `J^T (d2 l / dy2) (J v)`. Writes it into
/// `gv` and returns the loss. On the stack, no heap.
///
/// # Errors
/// A bad batch as [`check_batch`] says (an empty batch, a NaN input, a bad
/// target); [`Error::NonFiniteInput`] for a NaN or infinite entry of `v`;
/// `gv` is then unchanged.
pub fn ggn_vector_product<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
    v: &[T; P],
    gv: &mut [T; P],
) -> Result<T>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    check_batch(loss, x, targets)?;
    check_direction(v)?;
    Ok(ggn_vector_product_unchecked(net, loss, x, targets, v, gv))
}

/// [`ggn_vector_product`] on a batch and direction checked already.
fn ggn_vector_product_unchecked<
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
    v: &[T; P],
    gv: &mut [T; P],
) -> T
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    let (mut cache, mut d_output) = (N::Cache::<B>::zeroed(), SMatrix::zeros());
    let (value, output) = unchecked::step(net, loss, x, targets, &mut cache, &mut d_output);
    let mut r_cache = N::Cache::<B>::zeroed();
    let jv = net.r_forward(v, &cache, &mut r_cache);
    let mut hjv = SMatrix::<T, O, B>::zeros();
    loss.hessian_product(&output, targets, &jv, &mut hjv);
    net.backward(&mut cache, &hjv, gv);
    value
}

/// Columns `M e_j` of an operator on unit vectors, as a `P x P` matrix.
fn matrix_of<T: Float, const P: usize>(mut column: impl FnMut(&[T; P], &mut [T; P])) -> DMatrix<T> {
    let mut matrix = DMatrix::zeros(P, P);
    let (mut unit, mut out) = ([T::zero(); P], [T::zero(); P]);
    for j in 0..P {
        unit[j] = T::one();
        column(&unit, &mut out);
        matrix.column_mut(j).copy_from_slice(&out);
        unit[j] = T::zero();
    }
    matrix
}

/// The full `P x P` GGN, one [`ggn_vector_product`] per column (for small
/// models). Symmetric up to rounding.
///
/// # Errors
/// A bad batch as [`check_batch`] says, checked once before the first
/// column.
pub fn ggn_matrix<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
) -> Result<DMatrix<T>>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    check_batch(loss, x, targets)?;
    Ok(matrix_of::<T, P>(|e, out| {
        ggn_vector_product_unchecked(net, loss, x, targets, e, out);
    }))
}

/// `F v = 1/B sum_b g_b (g_b . v)`, the empirical Fisher of the per-sample
/// gradients `g_b` (see [`per_sample_gradients`]) times `v`, into `fv`;
/// returns the loss.
///
/// # Errors
/// As [`per_sample_gradients`]; [`Error::NonFiniteInput`] for a NaN or
/// infinite entry of `v`; `fv` is then unchanged.
pub fn empirical_fisher_vector_product<
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
    v: &[T; P],
    fv: &mut [T; P],
) -> Result<T>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    check_batch(loss, x, targets)?;
    check_direction(v)?;
    let (value, grads) = per_sample_gradients_unchecked(net, loss, x, targets)?;
    fv.fill(T::zero());
    for g in grads.chunks_exact(P.max(1)) {
        let dot = g.iter().zip(v).fold(T::zero(), |s, (&a, &b)| s + a * b);
        for (f, &gi) in fv.iter_mut().zip(g) {
            *f += dot * gi / T::of_usize(B);
        }
    }
    Ok(value)
}

/// The full empirical Fisher `1/B sum_b g_b g_b^T`, from one pass of
/// per-sample gradients.
///
/// # Errors
/// As [`per_sample_gradients`].
pub fn empirical_fisher_matrix<
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
) -> Result<DMatrix<T>>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    let (_, grads) = per_sample_gradients(net, loss, x, targets)?;
    let g = DMatrix::from_column_slice(P, B, &grads);
    Ok((&g * g.transpose()) / T::of_usize(B))
}

/// The Hessian split as `H = G + R`: the GGN and the residual term.
#[derive(Clone, Debug, PartialEq)]
pub struct GaussNewtonSplit<T: Float> {
    /// The training-mode mean batch loss.
    pub loss: T,
    /// The exact Hessian `H`.
    pub hessian: DMatrix<T>,
    /// The generalized Gauss-Newton matrix `G` (positive semi-definite).
    pub ggn: DMatrix<T>,
    /// `R = H - G`, the output-gradient-weighted curvature of the network.
    pub residual: DMatrix<T>,
}

impl<T: Float> GaussNewtonSplit<T> {
    /// `||R||_F / ||H||_F`: 0 where the GGN is the whole Hessian.
    #[must_use]
    pub fn residual_share(&self) -> f64 {
        let h = self.hessian.norm().to_f64();
        if h == 0.0 {
            0.0
        } else {
            self.residual.norm().to_f64() / h
        }
    }
}

/// The exact Hessian (heap, [`SecondOrder::hessian`](crate::hessian::SecondOrder::hessian)),
/// the GGN and their difference, for a small model.
///
/// # Errors
/// As [`SecondOrder::hessian`](crate::hessian::SecondOrder::hessian).
pub fn gauss_newton_split<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
) -> Result<GaussNewtonSplit<T>>
where
    N: crate::hessian::SecondOrder<T, I, O, P> + Sync,
    N::Cache<B>: Sync,
    L: Loss<T, O> + Sync,
    L::Target: Sync,
    T: Float,
{
    let exact = net.hessian(loss, x, targets)?;
    let ggn = ggn_matrix(net, loss, x, targets)?;
    let residual = &exact.matrix - &ggn;
    Ok(GaussNewtonSplit {
        loss: exact.loss,
        hessian: exact.matrix,
        ggn,
        residual,
    })
}
