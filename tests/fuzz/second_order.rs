//! Gradients, Hessian-vector products and full Hessians at any point.

use constnet::hessian::{HessianOptions, Kernel, mean_hessian_vector_product};
use constnet::matrix_free::LinearOperator;
use constnet::prelude::*;

use crate::harness::{Fuzz, Gen, Verdict, any, finite, typed};
use crate::models::{Mixed, Mlp, Recurrent};

const P: usize = Mlp::<f64>::PARAMS;

#[allow(clippy::too_many_lines, reason = "one check per entry point")]
pub fn run() {
    let mut fuzz = Fuzz::new("second order");
    fuzz.check("forward, loss_and_gradient, hvp at any point", 1, |g| {
        let net = network::<f32>(g);
        let x = SMatrix::<f32, 2, 3>::from_fn(|_, _| g.f64() as f32);
        let targets: [[f32; 2]; 3] = core::array::from_fn(|_| g.wild_array());
        let (mut grad, mut hv) = ([0.0; P], [0.0; P]);
        let _ = net.forward(&x);
        let _ = net.loss_and_gradient(&Mse, &x, &targets, &mut grad);
        let _ = net.hessian_vector_product(&Mse, &x, &targets, &g.wild_array(), &mut grad, &mut hv);
        let _ = Mixed::<f64>::seeded(g.u64()).forward(&SMatrix::<f64, 2, 1>::new(g.f64(), g.f64()));
        let _ =
            Recurrent::<f64>::seeded(g.u64()).forward(&SMatrix::<f64, 2, 1>::new(g.f64(), g.f64()));
        Ok(Verdict::Accepted)
    });
    fuzz.check("hessian_into, any buffer f64", 1, |g| {
        let (net, x, targets) = point::<f64>(g);
        let mut grad = [0.0; P];
        let mut hessian = vec![0.0; g.usually(P * P, 2 * P * P)];
        let result = net.hessian_into(&Mse, &x, &targets, &mut grad, &mut hessian);
        typed(&result, |loss| {
            finite(&[*loss], "loss")?;
            finite(&hessian, "Hessian")?;
            finite(&grad, "gradient")
        })
    });
    fuzz.check("hessian_matrix_product, any buffers f32", 1, |g| {
        let (net, x, targets) = point::<f32>(g);
        let count = g.below(4);
        let extra = usize::from(g.below(4) == 0);
        let directions = g.values_of::<f32>(count * P + extra);
        let mut products = vec![0.0; g.usually(directions.len(), 4 * P)];
        let mut grad = [0.0; P];
        let result =
            net.hessian_matrix_product(&Mse, &x, &targets, &directions, &mut grad, &mut products);
        typed(&result, |_| finite(&products, "products"))
    });
    fuzz.check("hessian_with, any options", 2, |g| {
        let (net, x, targets) = point::<f64>(g);
        let options = HessianOptions {
            block: g.count(),
            threads: if g.coin() { 1 + g.below(3) } else { g.count() },
            kernel: g.pick(&[Kernel::Portable, Kernel::Optimized]),
        };
        let mut grad = [0.0; P];
        let mut hessian = vec![0.0; P * P];
        let result = net.hessian_with(&Mse, &x, &targets, &options, &mut grad, &mut hessian);
        typed(&result, |_| finite(&hessian, "Hessian"))
    });
    fuzz.check("HvpOperator::matvec, any vectors", 1, |g| {
        let (net, x, targets) = point::<f64>(g);
        let mut op = net.hessian_operator(&Mse, &x, &targets);
        let len = g.usually(P, 2 * P);
        let v = g.values_of::<f64>(len);
        let mut out = vec![0.0; g.usually(P, 2 * P)];
        let result = op.matvec(&v, &mut out);
        typed(&result, |()| finite(&out, "product"))
    });
    fuzz.check("mean_hessian_vector_product, 0 to 3 batches", 1, |g| {
        let (net, x, targets) = point::<f64>(g);
        let batches = vec![(x, targets); g.below(4)];
        let (mut grad, mut hv) = ([0.0; P], [0.0; P]);
        let v: [f64; P] = g.array();
        let result = mean_hessian_vector_product(&net, &Mse, &batches, &v, &mut grad, &mut hv);
        typed(&result, any)
    });
    fuzz.check(
        "input_gradient at any point, finite where the loss is",
        1,
        |g| {
            let (net, x, targets) = point::<f64>(g);
            let (mut grad, mut dx) = ([0.0; P], SMatrix::<f64, 2, 3>::zeros());
            let value = net.input_gradient(&Mse, &x, &targets, &mut grad, &mut dx);
            // The loss is that of loss_and_gradient (or both refuse the batch
            // alike), and finite inputs with a finite loss give a finite dL/dx.
            let plain = net.loss_and_gradient(&Mse, &x, &targets, &mut [0.0; P]);
            let (value, plain) = match (value, plain) {
                (Ok(value), Ok(plain)) => (value, plain),
                // Debug compares a NaN value as equal to itself.
                (Err(a), Err(b)) if format!("{a:?}") == format!("{b:?}") => {
                    return Ok(Verdict::Refused);
                }
                other => return Err(format!("input_gradient vs loss_and_gradient: {other:?}")),
            };
            if value.to_bits() != plain.to_bits() {
                return Err(format!("input_gradient's loss {value} vs {plain}"));
            }
            let moderate = x.iter().chain(net.parameters()).all(|v| v.abs() < 1e3);
            if moderate && value.is_finite() {
                finite(dx.as_slice(), "dL/dx")?;
            }
            Ok(Verdict::Accepted)
        },
    );
    fuzz.finish();
}

/// A network at moderate or at any parameters.
fn network<T: Float>(g: &mut Gen) -> Mlp<T> {
    if g.coin() {
        Mlp::<T>::seeded(g.u64())
    } else {
        Mlp::<T>::from_parameters(g.wild_array())
    }
}

/// A point: network, batch and targets, extreme at times.
fn point<T: Float>(g: &mut Gen) -> (Mlp<T>, SMatrix<T, 2, 3>, [[T; 2]; 3]) {
    let net = network::<T>(g);
    let wild = g.below(3) == 0;
    let x =
        SMatrix::<T, 2, 3>::from_fn(|_, _| T::of_f64(if wild { g.f64() } else { g.moderate() }));
    let targets = core::array::from_fn(|_| if wild { g.wild_array() } else { g.array() });
    (net, x, targets)
}
