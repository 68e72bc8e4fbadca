//! Vanishing and exploding gradients in a recurrent network.
//!
//! Scales the recurrent matrix `W_hh` of an initialized `Rnn<2, 8, 30>` so
//! its spectral radius `rho` is 0.5, 0.9, 1.0, 1.1 and 1.5, and for each
//! scale prints `||dL/dh_t||` (recorded by backpropagation through time,
//! relative to the last step) against `t`, with the prediction `rho^(30-t)`
//! beside it and the verdict over the 29 steps back.
//!
//! Part 1 keeps `tanh` in its linear range (zero bias, inputs of size 1e-9),
//! where the `W^t = V diag(lambda)^t V^-1` argument (Goodfellow, Bengio and
//! Courville, *Deep Learning*, 2016, section 8.2.5) holds: the
//! measured decay or growth follows `rho^t` up to a constant bounded by the
//! condition number of the eigenvectors. Part 2 uses inputs of size 1 and
//! the initialized bias: saturating `tanh` units multiply the gradient by
//! `1 - h^2 < 1` at every step, so a large `rho` no longer means explosion.
//!
//! Run: `cargo run --release --example rnn_gradients`

use constnet::diagnostics::gradient_flow::{
    DEFAULT_BAND, HiddenGradientProfile, Verdict, record_gradients, square_weight, weight_spectrum,
};
use constnet::prelude::*;

network! {
    /// A regressor on the last hidden state of 30 steps of 2 features.
    struct Sequence {
        rnn: Rnn<2, 8, 30>,
        out: Dense<8, 1>,
    }
}

const STEPS: usize = 30;
const BATCH: usize = 4;
const SCALES: [f64; 5] = [0.5, 0.9, 1.0, 1.1, 1.5];

/// The initialized network with `W_hh` scaled to spectral radius `rho` and,
/// when `zero_bias`, no bias in the recurrent layer.
fn with_radius(base: &Sequence<f64>, rho: f64, zero_bias: bool) -> Result<Sequence<f64>> {
    let w: SMatrix<f64, 8, 8> = square_weight(base, "rnn")?;
    let factor = rho / weight_spectrum(&w)?.spectral_radius();
    let mut net = base.clone();
    for tensor in Sequence::<f64>::parameter_tensors().filter(|t| t.layer == "rnn") {
        let values = &mut net.parameters_mut()[tensor.range()];
        match tensor.shape.name {
            "weight_hh_l0" => values.iter_mut().for_each(|v| *v *= factor),
            "bias" if zero_bias => values.fill(0.0),
            _ => {}
        }
    }
    Ok(net)
}

/// `||dL/dh_t||` for every step, from one backward pass on a batch.
fn profile(
    net: &Sequence<f64>,
    x: &SMatrix<f64, 60, BATCH>,
) -> Result<HiddenGradientProfile<STEPS>> {
    let targets = [[1.0], [-1.0], [0.5], [-0.5]];
    let mut cache = SequenceCache::<f64, BATCH>::zeroed();
    let mut grad = [0.0; Sequence::<f64>::PARAMS];
    record_gradients(net, &Mse, x, &targets, &mut cache, &mut grad)?;
    Ok(HiddenGradientProfile::of(&cache.rnn_cache))
}

fn main() -> Result<()> {
    let base = Sequence::<f64>::seeded(1);
    let mut rng = Rng::seed_from(2);
    let tiny = SMatrix::<f64, 60, BATCH>::from_fn(|_, _| rng.uniform_in(-1e-9, 1e-9));
    let unit = SMatrix::<f64, 60, BATCH>::from_fn(|_, _| rng.uniform_in(-1.0, 1.0));
    let horizon = STEPS - 1;

    println!("Part 1: linear regime (zero bias, inputs ~1e-9), W_hh scaled to radius rho");
    for rho in SCALES {
        let net = with_radius(&base, rho, true)?;
        let w: SMatrix<f64, 8, 8> = square_weight(&net, "rnn")?;
        let spec = weight_spectrum(&w)?;
        let growth = spec.growth(horizon, DEFAULT_BAND)?;
        let measured = profile(&net, &tiny)?;
        let relative = measured.relative_to_last().unwrap_or([f64::NAN; STEPS]);
        println!();
        println!(
            "rho = {rho:.1}: {} eigenvalues, ||W^{horizon}||_2 = {:.3e} vs rho^{horizon} = {:.3e}, verdict {}",
            if spec.is_diagonalisable() {
                "diagonalisable"
            } else {
                "NOT diagonalisable"
            },
            growth.measured,
            growth.predicted,
            growth.verdict,
        );
        println!("   t   ||dL/dh_t|| / ||dL/dh_30||   rho^(30-t)");
        for t in (1..=STEPS).rev().step_by(4).chain([1]) {
            let predicted = rho.powi((STEPS - t) as i32);
            println!("  {t:2}   {:>26.4e}   {predicted:>10.4e}", relative[t - 1]);
        }
        let verdict = measured
            .verdict(DEFAULT_BAND)?
            .map_or("-".into(), |v| v.to_string());
        println!(
            "  measured rate per step {:.4} (rho {rho:.4}); measured verdict {verdict}",
            measured.rate_per_step().unwrap_or(f64::NAN),
        );
    }

    println!();
    println!("Part 2: saturating regime (initialized bias, inputs ~1)");
    println!("  rho   ||dL/dh_1|| / ||dL/dh_30||   rate per step   measured   predicted");
    for rho in SCALES {
        let net = with_radius(&base, rho, false)?;
        let measured = profile(&net, &unit)?;
        let end_to_end = measured.end_to_end().unwrap_or(f64::NAN);
        let predicted = Verdict::of_growth(rho.powi(horizon as i32), DEFAULT_BAND)?;
        println!(
            "  {rho:.1}   {end_to_end:>26.3e}   {:>13.4}   {:>8}   {predicted:>9}",
            measured.rate_per_step().unwrap_or(f64::NAN),
            measured
                .verdict(DEFAULT_BAND)?
                .map_or("-".into(), |v| v.to_string()),
        );
    }
    Ok(())
}
