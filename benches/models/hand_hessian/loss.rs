//! The losses of the hand-written Hessian: value, gradient and Hessian-vector
//! products with respect to the output, for BCE with logits, MSE and
//! softmax cross-entropy.

/// Mean batch loss on the last layer's output.
#[derive(Clone, Debug)]
pub enum HandLoss {
    /// Binary cross-entropy with logits; targets `O x B` column-major.
    BceWithLogits(Vec<f64>),
    /// Mean squared error over all `O B` elements; targets `O x B`.
    Mse(Vec<f64>),
    /// Softmax cross-entropy with logits; one class per sample.
    CrossEntropy(Vec<usize>),
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// The mean batch loss and `dL/dy` (`O x B`).
pub(super) fn loss_and_gradient(
    loss: &HandLoss,
    y: &[f64],
    outputs: usize,
    batch: usize,
) -> (f64, Vec<f64>) {
    let count = (outputs * batch) as f64;
    match loss {
        HandLoss::BceWithLogits(t) => {
            let value = y
                .iter()
                .zip(t)
                .map(|(&z, &t)| softplus(z) - z * t)
                .sum::<f64>()
                / count;
            (
                value,
                y.iter()
                    .zip(t)
                    .map(|(&z, &t)| (sigmoid(z) - t) / count)
                    .collect(),
            )
        }
        HandLoss::Mse(t) => {
            let value = y.iter().zip(t).map(|(z, t)| (z - t) * (z - t)).sum::<f64>() / count;
            (
                value,
                y.iter()
                    .zip(t)
                    .map(|(z, t)| 2.0 * (z - t) / count)
                    .collect(),
            )
        }
        HandLoss::CrossEntropy(classes) => {
            let mut grad = vec![0.0; y.len()];
            let mut value = 0.0;
            for ((z, g), &c) in y
                .chunks_exact(outputs)
                .zip(grad.chunks_exact_mut(outputs))
                .zip(classes)
            {
                let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let sum: f64 = z.iter().map(|z| (z - max).exp()).sum();
                value += max + sum.ln() - z[c];
                for (g, z) in g.iter_mut().zip(z) {
                    *g = (z - max).exp() / sum / batch as f64;
                }
                g[c] -= 1.0 / batch as f64;
            }
            (value / batch as f64, grad)
        }
    }
}

/// `out = (loss Hessian w.r.t. y) ry` for `k` directions in the tangent layout.
pub(super) fn loss_hessian_product(
    loss: &HandLoss,
    y: &[f64],
    ry: &[f64],
    outputs: usize,
    batch: usize,
    k: usize,
    out: &mut Vec<f64>,
) {
    let count = (outputs * batch) as f64;
    out.clear();
    out.resize(ry.len(), 0.0);
    let mut probs = vec![0.0; outputs];
    for b in 0..batch {
        let z = &y[outputs * b..outputs * (b + 1)];
        let probs = &mut probs[..];
        if let HandLoss::CrossEntropy(_) = loss {
            let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            for (p, z) in probs.iter_mut().zip(z) {
                *p = (z - max).exp();
            }
            let sum: f64 = probs.iter().sum();
            for p in probs.iter_mut() {
                *p /= sum;
            }
        }
        for d in 0..k {
            let at = outputs * (d + k * b);
            let (r, o) = (&ry[at..at + outputs], &mut out[at..at + outputs]);
            match loss {
                HandLoss::BceWithLogits(_) => {
                    for ((o, r), z) in o.iter_mut().zip(r).zip(z) {
                        let s = sigmoid(*z);
                        *o = s * (1.0 - s) * r / count;
                    }
                }
                HandLoss::Mse(_) => {
                    for (o, r) in o.iter_mut().zip(r) {
                        *o = 2.0 * r / count;
                    }
                }
                HandLoss::CrossEntropy(_) => {
                    let pr: f64 = probs.iter().zip(r).map(|(p, r)| p * r).sum();
                    for ((o, r), p) in o.iter_mut().zip(r).zip(probs.iter()) {
                        *o = p * (r - pr) / batch as f64;
                    }
                }
            }
        }
    }
}
