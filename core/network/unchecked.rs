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
    let mut cache = N::Cache::<B>::zeroed();
    let output = net.forward_train(x, &mut cache);
    check(N::cached_input(&cache).unwrap_or(x))?;
    let mut d_output = SMatrix::<T, O, B>::zeros();
    let value = loss.loss_and_gradient(&output, targets, &mut d_output);
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
    let mut cache = N::Cache::<B>::zeroed();
    let output = net.forward_train(x, &mut cache);
    check(N::cached_input(&cache).unwrap_or(x))?;
    let mut d_output = SMatrix::<T, O, B>::zeros();
    let value = loss.loss_and_gradient(&output, targets, &mut d_output);
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
    let mut cache = N::Cache::<B>::zeroed();
    let output = net.forward_train(x, &mut cache);
    check(N::cached_input(&cache).unwrap_or(x))?;
    let mut d_output = SMatrix::<T, O, B>::zeros();
    let value = loss.loss_and_gradient(&output, targets, &mut d_output);
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
