//! The block methods full Hessians use, against the single-direction
//! R-operator: zero, unit and given directions, with and without an input
//! tangent.

use std::vec;
use std::vec::Vec;

use nalgebra::SMatrix;

use super::{CheckError, Comparison, Probe, Quantity, Tolerance};
use crate::hessian::Kernel;
use crate::layer::block::tangent;
use crate::layer::{BlockContext, Directions, GradRows, Layer, Zeroed};
use crate::rng::Rng;

/// The block methods against the single-direction ones, for zero, unit and
/// given directions, with and without an input tangent.
pub(super) fn blocks<Ly, const I: usize, const O: usize, const B: usize>(
    probe: &Probe<'_, Ly, O, B>,
    params: &[f64],
    x: &SMatrix<f64, I, B>,
    rng: &mut Rng,
    check: &mut Comparison,
) -> Result<(), CheckError>
where
    Ly: Layer<f64, I, O>,
{
    let n = params.len();
    let (y, forward_cache) = probe.run(params, x);
    let mut cache = forward_cache.clone();
    let (mut dx, mut grad) = (SMatrix::<f64, I, B>::zeros(), vec![0.0; n]);
    probe.layer.backward(
        params,
        x,
        &y,
        &mut cache,
        &probe.w,
        Some(&mut dx),
        &mut grad,
    );
    let given: Vec<f64> = (0..COUNT * n).map(|_| rng.uniform_in(-1.0, 1.0)).collect();
    let rx: Vec<f64> = (0..COUNT * I * B)
        .map(|_| rng.uniform_in(-1.0, 1.0))
        .collect();
    let rdy: Vec<f64> = (0..COUNT * O * B)
        .map(|_| rng.uniform_in(-1.0, 1.0))
        .collect();
    let mut cases = vec![
        Directions::Zero,
        Directions::Given {
            values: &given,
            stride: n,
        },
    ];
    if n >= COUNT {
        cases.push(Directions::Unit { first: n - COUNT });
    }
    let point = Point {
        params,
        x,
        y: &y,
        forward_cache: &forward_cache,
        cache: &cache,
        rdy: &rdy,
    };
    for directions in cases {
        for input in [None, Some(&rx[..])] {
            block_case(probe, &point, directions, input, check)?;
        }
    }
    Ok(())
}

/// Directions in a block check.
const COUNT: usize = 3;

/// The values a block check compares at.
struct Point<'a, C, const I: usize, const O: usize, const B: usize> {
    params: &'a [f64],
    x: &'a SMatrix<f64, I, B>,
    y: &'a SMatrix<f64, O, B>,
    forward_cache: &'a C,
    cache: &'a C,
    rdy: &'a [f64],
}

/// One block call against `COUNT` single-direction calls.
fn block_case<Ly, const I: usize, const O: usize, const B: usize>(
    probe: &Probe<'_, Ly, O, B>,
    at: &Point<'_, Ly::Cache<B>, I, O, B>,
    directions: Directions<'_, f64>,
    input: Option<&[f64]>,
    check: &mut Comparison,
) -> Result<(), CheckError>
where
    Ly: Layer<f64, I, O>,
{
    let (layer, params, x, y, dy) = (probe.layer, at.params, at.x, at.y, &probe.w);
    let n = params.len();
    let mut scratch = vec![0.0; n];
    let mut context = BlockContext {
        scratch: &mut scratch,
        kernel: Kernel::Portable,
    };
    let mut ry = vec![0.0; COUNT * O * B];
    layer.r_forward_block(
        params,
        directions,
        x,
        y,
        at.forward_cache,
        input,
        &mut ry,
        &mut context,
    );
    let mut rdx = vec![0.0; COUNT * I * B];
    let mut rows = vec![0.0; COUNT * n];
    let mut grad_rows = GradRows {
        data: &mut rows,
        stride: n,
        from: 0,
    };
    layer.r_backward_block(
        params,
        directions,
        x,
        y,
        at.forward_cache,
        at.cache,
        input,
        dy,
        at.rdy,
        Some(&mut rdx[..]),
        &mut grad_rows,
        &mut context,
    );
    let exact = Tolerance {
        relative: 1e-12,
        absolute: 1e-12,
    };
    for k in 0..COUNT {
        let mut unit = vec![0.0; n];
        let v = directions.direction(k, n, &mut unit).to_vec();
        let rx_k = input.map_or_else(SMatrix::zeros, |rx| tangent::<f64, I, B>(rx, k));
        let rdy_k = tangent::<f64, O, B>(at.rdy, k);
        let mut ry_k = SMatrix::<f64, O, B>::zeros();
        let mut r_cache = Ly::Cache::<B>::zeroed();
        layer.r_forward(
            params,
            &v,
            x,
            y,
            at.forward_cache,
            &rx_k,
            &mut ry_k,
            &mut r_cache,
        );
        let mut rdx_k = SMatrix::<f64, I, B>::zeros();
        let mut r_grad = vec![0.0; n];
        let rdx_slot = Some(&mut rdx_k);
        layer.r_backward(
            params,
            &v,
            x,
            y,
            at.cache,
            &rx_k,
            &r_cache,
            dy,
            &rdy_k,
            rdx_slot,
            &mut r_grad,
        );
        let span = |width: usize| k * width * B..(k + 1) * width * B;
        check.all(
            Quantity::BlockOutputTangent,
            &ry[span(O)],
            ry_k.as_slice(),
            exact,
        )?;
        check.all(
            Quantity::BlockInputGradientTangent,
            &rdx[span(I)],
            rdx_k.as_slice(),
            exact,
        )?;
        let row = &rows[k * n..(k + 1) * n];
        check.all(Quantity::BlockParameterGradientTangent, row, &r_grad, exact)?;
    }
    Ok(())
}
