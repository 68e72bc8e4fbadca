//! The Hessian spectrum at initialization and after training:
//! `spectrum.svg`. SINE (321 parameters): every exact eigenvalue; DIGITS
//! (2410): the stochastic Lanczos quadrature density (Ghorbani, Krishnan
//! and Xiao 2019; PyHessian's estimator).

use std::path::Path;

use constnet::matrix_free::{SlqOptions, SpectralDensity, spectral_density};
use constnet::prelude::*;
use plotters::prelude::*;

use super::Outcome;
use super::conditioning::{Digits, DigitsRun};
use super::style::{PALETTE, SIZE, canvas, caption, label, legend_line, line};

network! {
    /// The SINE benchmark model: 1 -> 16 -> ReLU -> 16 -> ReLU -> 1.
    pub struct Sine {
        fc1: Dense<1, 16>,
        act1: ReLU,
        fc2: Dense<16, 16>,
        act2: ReLU,
        out: Dense<16, 1>,
    }
}

/// Images of the DIGITS training set the Hessian is taken over.
const PROBE: usize = 256;

fn sine_data() -> (SMatrix<f64, 1, 32>, [[f64; 1]; 32]) {
    let x = SMatrix::from_fn(|_, b| {
        -core::f64::consts::PI + 2.0 * core::f64::consts::PI * b as f64 / 31.0
    });
    (x, core::array::from_fn(|b| [x[b].sin()]))
}

/// Exact eigenvalues of SINE's Hessian, descending.
fn sine_eigenvalues(net: &Sine<f64>) -> Outcome<Vec<f64>> {
    let (x, t) = sine_data();
    let hessian = net.hessian(&Mse, &x, &t)?;
    let mut values: Vec<f64> = Spectrum::of(hessian.matrix)?.eigenvalues().to_vec();
    values.reverse();
    Ok(values)
}

/// SINE trained full-batch with Adam to a small loss.
fn train_sine(net: &mut Sine<f64>) -> Outcome<f64> {
    let (x, t) = sine_data();
    let mut adam = Adam::new(AdamConfig {
        lr: 0.01,
        ..AdamConfig::default()
    })?;
    let mut grad = [0.0; 321];
    let mut loss = 0.0;
    for _ in 0..5000 {
        loss = net.loss_and_gradient(&Mse, &x, &t, &mut grad)?;
        adam.step(net.parameters_mut(), &grad);
    }
    Ok(loss)
}

fn digits_density(net: &Digits<f32>, run: &DigitsRun) -> Outcome<SpectralDensity<f64>> {
    let point = Digits::<f64>::from_parameters(net.parameters().map(f64::from));
    let (inputs, labels) = &run.train;
    let x = SMatrix::<f64, 64, PROBE>::from_fn(|i, b| f64::from(inputs[b][i]));
    let labels: [usize; PROBE] = core::array::from_fn(|b| labels[b]);
    let mut operator = point.hessian_operator(&CrossEntropy, &x, &labels);
    Ok(spectral_density(
        &mut operator,
        SlqOptions {
            runs: 8,
            steps: 80,
            seed: 0,
        },
    )?)
}

/// Draws both spectra.
pub fn spectra(dir: &Path, run: &DigitsRun) -> Outcome<()> {
    let bar =
        indicatif::ProgressBar::new(4).with_message("Hessian spectra: SINE exact, DIGITS by SLQ");
    bar.set_style(super::style::progress_style());
    let mut sine = Sine::<f64>::seeded(2);
    let sine_initial = sine_eigenvalues(&sine)?;
    bar.inc(1);
    let loss = train_sine(&mut sine)?;
    let sine_trained = sine_eigenvalues(&sine)?;
    bar.inc(1);
    let digits_initial = digits_density(&run.initial, run)?;
    bar.inc(1);
    let digits_trained = digits_density(&run.trained, run)?;
    bar.finish_and_clear();
    println!(
        "spectrum.svg: SINE lambda in [{:.3}, {:.2}] at init, [{:.3}, {:.2}] after Adam (loss {loss:.1e}); DIGITS SLQ",
        sine_initial.last().copied().unwrap_or(0.0),
        sine_initial[0],
        sine_trained.last().copied().unwrap_or(0.0),
        sine_trained[0],
    );
    let path = dir.join("spectrum.svg");
    let root = canvas(&path, (SIZE.0, SIZE.1 * 2))?;
    let (top, bottom) = root.split_vertically(SIZE.1);
    draw_exact(&top, &sine_initial, &sine_trained)?;
    draw_density(&bottom, &digits_initial, &digits_trained)?;
    root.present()?;
    Ok(())
}

fn draw_exact<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    initial: &[f64],
    trained: &[f64],
) -> Outcome<()>
where
    DB::ErrorType: 'static,
{
    // "Zero" as LAPACK counts it: |lambda| <= n eps max |lambda|.
    let zero =
        |values: &[f64]| 321.0 * f64::EPSILON * values.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let floor = zero(initial).min(zero(trained));
    let high = initial
        .iter()
        .chain(trained)
        .fold(0.0_f64, |m, v| m.max(v.abs()))
        * 3.0;
    let nonzero = |values: &[f64]| values.iter().filter(|v| v.abs() > zero(values)).count();
    let ranks = (nonzero(initial).max(nonzero(trained)) + 10) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(
            "SINE (P = 321): every exact Hessian eigenvalue, by magnitude",
            caption(),
        )
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d(0.0..ranks, (floor * 0.3..high).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("rank (eigenvalues sorted by magnitude; the zero ones are not drawn)")
        .y_desc("|lambda| (log scale)")
        .label_style(label())
        .axis_desc_style(label())
        .light_line_style(WHITE.mix(0.0))
        .x_label_formatter(&super::style::tick)
        .y_label_formatter(&super::style::log_tick)
        .y_labels(30)
        .draw()?;
    for (k, (values, name)) in [
        (initial, "at initialization"),
        (trained, "after training (Adam, 5000 steps)"),
    ]
    .into_iter()
    .enumerate()
    {
        let tolerance = zero(values);
        let mut sorted: Vec<f64> = values
            .iter()
            .copied()
            .filter(|v| v.abs() > tolerance)
            .collect();
        sorted.sort_by(|a, b| b.abs().total_cmp(&a.abs()));
        let positive = sorted.iter().filter(|v| **v > 0.0).count();
        let color = PALETTE[k];
        chart
            .draw_series(LineSeries::new(
                sorted.iter().enumerate().map(|(i, v)| (i as f64, v.abs())),
                line(color, 1),
            ))?
            .label(format!(
                "{name}: {positive} positive, {} negative, {} zero (|lambda| < {tolerance:.0e})",
                sorted.len() - positive,
                321 - sorted.len()
            ))
            .legend(legend_line(line(color, 2)));
        let crosses = chart.draw_series(
            sorted
                .iter()
                .enumerate()
                .filter(|(_, v)| **v < 0.0)
                .map(|(i, v)| Cross::new((i as f64, v.abs()), 3, line(color, 1))),
        )?;
        if k == 1 {
            crosses
                .label("x: a negative eigenvalue")
                .legend(|(x, y)| Cross::new((x + 12, y), 3, line(BLACK, 1)));
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .label_font(label())
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    Ok(())
}

fn draw_density<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    initial: &SpectralDensity<f64>,
    trained: &SpectralDensity<f64>,
) -> Outcome<()>
where
    DB::ErrorType: 'static,
{
    let nodes = initial.nodes.iter().chain(&trained.nodes);
    let (low, high) = nodes.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
        (l.min(v), h.max(v))
    });
    let pad = 0.05 * (high - low);
    let (low, high) = (low - pad, high + pad);
    // Gaussian broadening of 1% of the range: wide enough to merge the
    // Ritz values of different probes, narrow enough to keep the outliers.
    let variance = (1e-2 * (high - low)).powi(2);
    let curve = |d: &SpectralDensity<f64>| -> Outcome<Vec<(f64, f64)>> {
        (0..1200)
            .map(|i| low + (high - low) * f64::from(i) / 1199.0)
            .map(|t| Ok((t, d.density(t, variance)?.max(1e-5))))
            .collect()
    };
    let (a, b) = (curve(initial)?, curve(trained)?);
    let top = a.iter().chain(&b).map(|p| p.1).fold(0.0, f64::max) * 3.0;
    let mut chart = ChartBuilder::on(area)
        .caption("DIGITS (P = 2410): spectral density, stochastic Lanczos quadrature (8 probes x 80 steps)", caption())
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(low..high, (1e-5..top).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("eigenvalue")
        .y_desc("density (log scale)")
        .label_style(label())
        .axis_desc_style(label())
        .light_line_style(WHITE.mix(0.0))
        .x_label_formatter(&super::style::tick)
        .y_label_formatter(&super::style::log_tick)
        .y_labels(30)
        .draw()?;
    for (k, (points, name)) in [
        (a, "at initialization"),
        (b, "after training (the loss-curve run)"),
    ]
    .into_iter()
    .enumerate()
    {
        chart
            .draw_series(LineSeries::new(points, line(PALETTE[k], 2)))?
            .label(name)
            .legend(legend_line(line(PALETTE[k], 2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(label())
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    Ok(())
}
