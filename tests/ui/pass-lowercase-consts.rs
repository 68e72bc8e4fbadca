//! Generated code binds no name a user's constant can capture: a declaration
//! still compiles when the user's scope holds lower-case constants, statics,
//! unit structs and tuple structs named like every local variable and
//! function parameter the macro writes (an identifier pattern that names a
//! constant or a unit struct in scope is a pattern against it, not a new
//! binding). One network has a recurrent layer, batch normalization, an
//! activation and a dense layer, and every generated method is called:
//! construction, inference, training forward and backward, buffer update,
//! the R-operator passes and the blocked passes of the full Hessian; the
//! other has no buffers, so its `from_parameters` is the `const fn` one.
#![deny(warnings)]
#![allow(non_upper_case_globals, non_camel_case_types, dead_code)]

use constnet::prelude::*;

// Constants, of the bindings' own types where that is easy (the pattern
// is then refutable) and of other types elsewhere (the pattern then does
// not type-check).
const p: usize = 3;
const s: f64 = 0.5;
const x: f32 = 1.0;
const v: i32 = 7;
const a0: f64 = 0.0;
const a1: u8 = 1;
const a2: bool = true;
const d0: f64 = 0.0;
const d1: usize = 1;
const d2: char = 'd';
const d3: f64 = 3.0;
const rd0: f64 = 0.0;
const rd1: usize = 1;
const rd2: i64 = 2;
const rd3: f64 = 3.0;
const grad: usize = 0;
const r_grad: usize = 0;
const tracked: u64 = 0;
const seed: u64 = 42;
const count: u64 = 1;
// Statics and tuple structs cannot be patterns: a binding of their name is
// an error of its own.
static parameters: [f64; 28] = [0.0; 28];
static buffers: [f64; 6] = [0.0; 6];
struct a3(u8);
// Unit structs.
struct net;
struct rng;
struct cache;
struct r_cache;
struct forward_cache;
struct output_grads;
struct pass;
struct d_output;
struct r_d_output;
struct batches_tracked;

constnet::network! {
    /// A recurrent encoder, batch norm, tanh and a dense head among
    /// lower-case constants.
    pub struct Captured {
        rnn: Rnn<2, 3, 2>,
        bn: BatchNorm<3>,
        act: Tanh,
        out: Dense<3, 1>,
    }

    /// A network without buffers, whose `from_parameters` is a `const fn`.
    pub struct Plain {
        fc: Dense<2, 1>,
    }
}

static PLAIN: Plain<f64> = Plain::from_parameters([0.5, -2.0, 0.25]);

const SAMPLES: usize = 3;

/// The eval-mode output of one sample and the last hidden state of its
/// recurrent layer, computed by hand from the flat parameters (PyTorch
/// order: `W_ih` 3x2, `W_hh` 3x3, bias 3; gamma 3, beta 3; weight 1x3, bias
/// 1) and the running statistics `mean`, `var`.
fn by_hand(weights: &[f64; 28], sample: &[f64], mean: &[f64], var: &[f64]) -> (f64, [f64; 3]) {
    let mut hidden = [0.0; 3];
    for step in 0..2 {
        let input = &sample[2 * step..2 * step + 2];
        let mut next = [0.0; 3];
        for (unit, value) in next.iter_mut().enumerate() {
            let mut z = weights[15 + unit];
            for (j, xj) in input.iter().enumerate() {
                z += weights[2 * unit + j] * xj;
            }
            for (j, hj) in hidden.iter().enumerate() {
                z += weights[6 + 3 * unit + j] * hj;
            }
            *value = z.tanh();
        }
        hidden = next;
    }
    let mut output = weights[27];
    for unit in 0..3 {
        let normalized = weights[18 + unit] * (hidden[unit] - mean[unit])
            / (var[unit] + 1e-5).sqrt()
            + weights[21 + unit];
        output += weights[24 + unit] * normalized.tanh();
    }
    (output, hidden)
}

fn main() {
    let plain = PLAIN.forward(&SMatrix::<f64, 2, 1>::new(1.0, 3.0));
    assert_eq!(plain[0], 0.5 * 1.0 - 2.0 * 3.0 + 0.25);

    assert_eq!(<Captured<f64>>::PARAMS, 28);
    assert_eq!(<Captured<f64>>::BUFFERS, 6);
    let weights: [f64; 28] = ::core::array::from_fn(|k| 0.9 * ((k as f64) * 0.77 + 0.3).sin());
    let mut network = Captured::<f64>::from_parameters(weights);
    assert_eq!(network.buffers(), &[0.0, 0.0, 0.0, 1.0, 1.0, 1.0]);
    let seeded = Captured::<f64>::seeded(9);
    assert_eq!(seeded, Captured::<f64>::new(&mut Rng::seed_from(9)));
    let parts = Captured::<f64>::from_parts(weights, [0.0, 0.0, 0.0, 1.0, 1.0, 1.0], [0]);
    assert_eq!(parts, network);

    let batch = SMatrix::<f64, 4, SAMPLES>::from_column_slice(&[
        0.5, -1.0, 0.25, 0.75, //
        -0.3, 0.8, 1.2, -0.6, //
        0.9, 0.1, -0.4, -1.1,
    ]);
    let targets = [[0.3], [-0.2], [0.6]];

    // Inference against the hand computation, with fresh running statistics.
    let outputs = network.forward(&batch);
    let mut hidden = [[0.0; 3]; SAMPLES];
    for b in 0..SAMPLES {
        let (expected, h) = by_hand(&weights, batch.column(b).as_slice(), &[0.0; 3], &[1.0; 3]);
        assert!(
            (outputs[b] - expected).abs() < 1e-12,
            "{} vs {expected}",
            outputs[b]
        );
        hidden[b] = h;
    }

    // The training forward records the same hidden states; the buffer
    // update moves the running statistics by momentum 0.1 towards the
    // batch's mean and unbiased variance.
    let mut training = CapturedCache::<f64, SAMPLES>::zeroed();
    let _ = network.forward_train(&batch, &mut training);
    for b in 0..SAMPLES {
        for unit in 0..3 {
            assert!((training.rnn[(unit, b)] - hidden[b][unit]).abs() < 1e-12);
        }
    }
    network.update_buffers(&training);
    assert_eq!(network.batches_tracked(), [1]);
    let (mut mean, mut var) = ([0.0; 3], [0.0; 3]);
    for unit in 0..3 {
        let mu = hidden.iter().map(|h| h[unit]).sum::<f64>() / SAMPLES as f64;
        let unbiased =
            hidden.iter().map(|h| (h[unit] - mu).powi(2)).sum::<f64>() / (SAMPLES - 1) as f64;
        mean[unit] = 0.1 * mu;
        var[unit] = 0.9 + 0.1 * unbiased;
        assert!((network.buffers()[unit] - mean[unit]).abs() < 1e-12);
        assert!((network.buffers()[3 + unit] - var[unit]).abs() < 1e-12);
    }
    let moved = network.forward(&batch);
    for b in 0..SAMPLES {
        let (expected, _) = by_hand(&weights, batch.column(b).as_slice(), &mean, &var);
        assert!(
            (moved[b] - expected).abs() < 1e-12,
            "{} vs {expected}",
            moved[b]
        );
    }
    network.set_batches_tracked(&[0]).unwrap();
    assert_eq!(network.batches_tracked(), [0]);

    // Backward, the R-operator passes and the blocked passes agree: the
    // gradients are equal and each Hessian-vector product along a unit
    // direction is the Hessian's column.
    let mut gradient = [0.0; 28];
    let Ok(loss) = network.loss_and_gradient(&Mse, &batch, &targets, &mut gradient) else {
        panic!("a valid batch");
    };
    let mut hessian = [0.0; 28 * 28];
    let mut hessian_gradient = [0.0; 28];
    let Ok(hessian_loss) =
        network.hessian_into(&Mse, &batch, &targets, &mut hessian_gradient, &mut hessian)
    else {
        panic!("a finite loss");
    };
    assert!(loss.is_finite() && (loss - hessian_loss).abs() < 1e-12);
    for (g, h) in gradient.iter().zip(&hessian_gradient) {
        assert!((g - h).abs() < 1e-12, "{g} vs {h}");
    }
    assert!(gradient.iter().any(|g| g.abs() > 1e-3));
    for column in [0, 7, 16, 19, 22, 25, 27] {
        let mut direction = [0.0; 28];
        direction[column] = 1.0;
        let (mut product_gradient, mut product) = ([0.0; 28], [0.0; 28]);
        let Ok(_) = network.hessian_vector_product(
            &Mse,
            &batch,
            &targets,
            &direction,
            &mut product_gradient,
            &mut product,
        ) else {
            panic!("a valid batch and direction");
        };
        for (g, h) in gradient.iter().zip(&product_gradient) {
            assert!((g - h).abs() < 1e-12, "{g} vs {h}");
        }
        for row in 0..28 {
            let entry = hessian[row * 28 + column];
            assert!(
                (product[row] - entry).abs() < 1e-10,
                "H[{row}][{column}]: {} vs {entry}",
                product[row]
            );
        }
    }
}
