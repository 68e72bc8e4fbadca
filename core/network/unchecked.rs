//! The batch passes behind the checked methods of [`Network`].
//!
//! Each pass takes a `check` that it runs after the training forward, on
//! the inputs as the forward copied them into the cache
//! ([`Network::cached_input`]), and before it writes anything the caller
//! sees: the checked methods pass [`check_batch`](super::check_batch), so
//! the caller's batch is read once, by the forward's copy, and no second
//! copy of it is kept on the stack beside the cache. The plain functions
//! (`loss_and_gradient`, ...) pass no check, for crate code that validated
//! its data already (the training loop its data sets, the empirical risk
//! its data set, a Hessian its batch before its blocks); their arithmetic
//! is the checked methods' own, bit for bit.
//!
//! Every pass starts with the same [`step_with`]: training forward, check,
//! loss and its output gradient. The Gauss-Newton and per-sample tools and
//! the full Hessian start there too.

use core::convert::Infallible;

use nalgebra::SMatrix;

use super::Network;
use crate::layer::Zeroed;
use crate::loss::Loss;
use crate::scalar::Float;

/// The value of a pass whose check cannot fail.
fn unfailing<T>(result: Result<T, Infallible>) -> T {
    match result {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

/// No check.
#[allow(clippy::unnecessary_wraps, reason = "the shape of a check")]
fn pass<T>(_: &T) -> Result<(), Infallible> {
    Ok(())
}

/// Training forward into `cache`, then `check` on the inputs as the
/// forward copied them there, then the loss and `dL/doutput` into
/// `d_output`: the prologue of every pass. Returns the loss and the
/// output. The caller owns the cache, so nothing large is returned.
#[inline]
pub(crate) fn step_with<
    N,
    L,
    T,
    E,
    const I: usize,
    const O: usize,
    const P: usize,
    const B: usize,
>(
    net: &N,
    loss: &L,
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
    cache: &mut N::Cache<B>,
    d_output: &mut SMatrix<T, O, B>,
    check: impl FnOnce(&SMatrix<T, I, B>) -> Result<(), E>,
) -> Result<(T, SMatrix<T, O, B>), E>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    let output = net.forward_train(x, cache);
    check(N::cached_input(cache).unwrap_or(x))?;
    let value = loss.loss_and_gradient(&output, targets, d_output);
    Ok((value, output))
}

/// [`step_with`] on a batch checked already. Its callers (the Gauss-Newton
/// products and per-sample gradients) need `std`.
#[cfg(feature = "std")]
#[inline]
pub(crate) fn step<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
    cache: &mut N::Cache<B>,
    d_output: &mut SMatrix<T, O, B>,
) -> (T, SMatrix<T, O, B>)
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    unfailing(step_with(net, loss, x, targets, cache, d_output, pass))
}

/// [`Network::loss_and_gradient`] with `check` between the forward and the
/// loss.
pub(crate) fn loss_and_gradient_with<
    N,
    L,
    T,
    E,
    const I: usize,
    const O: usize,
    const P: usize,
    const B: usize,
>(
    net: &N,
    loss: &L,
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
    grad: &mut [T; P],
    check: impl FnOnce(&SMatrix<T, I, B>) -> Result<(), E>,
) -> Result<T, E>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    let (mut cache, mut d_output) = (N::Cache::<B>::zeroed(), SMatrix::zeros());
    let (value, _) = step_with(net, loss, x, targets, &mut cache, &mut d_output, check)?;
    net.backward(&mut cache, &d_output, grad);
    Ok(value)
}

/// [`Network::loss_and_gradient`] without the check.
pub(crate) fn loss_and_gradient<
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
    grad: &mut [T; P],
) -> T
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    unfailing(loss_and_gradient_with(net, loss, x, targets, grad, pass))
}

/// [`Network::input_gradient`] with `check` between the forward and the
/// loss.
pub(crate) fn input_gradient_with<
    N,
    L,
    T,
    E,
    const I: usize,
    const O: usize,
    const P: usize,
    const B: usize,
>(
    net: &N,
    loss: &L,
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
    grad: &mut [T; P],
    d_input: &mut SMatrix<T, I, B>,
    check: impl FnOnce(&SMatrix<T, I, B>) -> Result<(), E>,
) -> Result<T, E>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    let (mut cache, mut d_output) = (N::Cache::<B>::zeroed(), SMatrix::zeros());
    let (value, _) = step_with(net, loss, x, targets, &mut cache, &mut d_output, check)?;
    net.backward_with_input(&mut cache, &d_output, grad, d_input);
    Ok(value)
}

/// [`Network::hessian_vector_product`] with `check` between the forward
/// and the loss.
pub(crate) fn hessian_vector_product_with<
    N,
    L,
    T,
    E,
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
    grad: &mut [T; P],
    hv: &mut [T; P],
    check: impl FnOnce(&SMatrix<T, I, B>) -> Result<(), E>,
) -> Result<T, E>
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    let (mut cache, mut d_output) = (N::Cache::<B>::zeroed(), SMatrix::zeros());
    let (value, output) = step_with(net, loss, x, targets, &mut cache, &mut d_output, check)?;
    let mut r_cache = N::Cache::<B>::zeroed();
    let r_output = net.r_forward(v, &cache, &mut r_cache);
    let mut r_d_output = SMatrix::<T, O, B>::zeros();
    loss.hessian_product(&output, targets, &r_output, &mut r_d_output);
    net.r_backward(v, &mut cache, &r_cache, &d_output, &r_d_output, grad, hv);
    Ok(value)
}

/// [`Network::hessian_vector_product`] without the checks.
pub(crate) fn hessian_vector_product<
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
    grad: &mut [T; P],
    hv: &mut [T; P],
) -> T
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    unfailing(hessian_vector_product_with(
        net, loss, x, targets, v, grad, hv, pass,
    ))
}

/// [`Network::evaluate`] without the check.
pub(crate) fn evaluate<N, L, T, const I: usize, const O: usize, const P: usize, const B: usize>(
    net: &N,
    loss: &L,
    x: &SMatrix<T, I, B>,
    targets: &[L::Target; B],
) -> T
where
    N: Network<T, I, O, P>,
    L: Loss<T, O>,
    T: Float,
{
    loss.loss(&net.forward(x), targets)
}
