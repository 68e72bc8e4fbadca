//! `||dL/dh_t||` against `t` in a recurrent network whose `W_hh` is
//! scaled to spectral radius 0.5 ... 1.5: `rnn_gradients.svg`. In the
//! linear regime (zero bias, tiny inputs) the gradient reaching step `t`
//! scales as `rho^(30 - t)` (Pascanu, Mikolov and Bengio 2013); with
//! saturated units it vanishes even for `rho > 1`.

use std::path::Path;

use constnet::diagnostics::gradient_flow::{
    HiddenGradientProfile, record_gradients, square_weight, weight_spectrum,
};
use constnet::prelude::*;
use plotters::prelude::*;

use super::Outcome;
use super::style::{PALETTE, SIZE, canvas, caption, label, legend_line, line};

network! {
    /// 30 steps of 2 inputs into 8 tanh units, then a linear read-out.
    pub struct Sequence {
        rnn: Rnn<2, 8, 30>,
        out: Dense<8, 1>,
    }
}

const STEPS: usize = 30;
const BATCH: usize = 4;
const RADII: [f64; 5] = [0.5, 0.9, 1.0, 1.1, 1.5];

fn with_radius(base: &Sequence<f64>, rho: f64, zero_bias: bool) -> Outcome<Sequence<f64>> {
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

fn profile(net: &Sequence<f64>, x: &SMatrix<f64, 60, BATCH>) -> Outcome<[f64; STEPS]> {
    let targets = [[1.0], [-1.0], [0.5], [-0.5]];
    let mut cache = SequenceCache::<f64, BATCH>::zeroed();
    let mut grad = [0.0; Sequence::<f64>::PARAMS];
    record_gradients(net, &Mse, x, &targets, &mut cache, &mut grad)?;
    let profile = HiddenGradientProfile::of(&cache.rnn_cache);
    Ok(profile.relative_to_last().unwrap_or([f64::NAN; STEPS]))
}

/// Draws both regimes.
pub fn gradient_norms(dir: &Path) -> Outcome<()> {
    let base = Sequence::<f64>::seeded(1);
    let mut rng = Rng::seed_from(2);
    let tiny = SMatrix::<f64, 60, BATCH>::from_fn(|_, _| rng.uniform_in(-1e-9, 1e-9));
    let unit = SMatrix::<f64, 60, BATCH>::from_fn(|_, _| rng.uniform_in(-1.0, 1.0));
    let mut linear = Vec::new();
    let mut saturated = Vec::new();
    for rho in RADII {
        linear.push((rho, profile(&with_radius(&base, rho, true)?, &tiny)?));
        saturated.push((rho, profile(&with_radius(&base, rho, false)?, &unit)?));
    }
    let path = dir.join("rnn_gradients.svg");
    let root = canvas(&path, (SIZE.0 * 2, SIZE.1))?;
    let (left, right) = root.split_horizontally(SIZE.0);
    draw(
        &left,
        "linear regime (zero bias, inputs ~1e-9)",
        &linear,
        true,
    )?;
    draw(
        &right,
        "saturating regime (PyTorch's bias, inputs ~1)",
        &saturated,
        false,
    )?;
    root.present()?;
    println!(
        "rnn_gradients.svg: ||dL/dh_1|| / ||dL/dh_30|| = {} (linear), {} (saturating) for rho = {RADII:?}",
        linear
            .iter()
            .map(|(_, p)| format!("{:.1e}", p[0]))
            .collect::<Vec<_>>()
            .join(", "),
        saturated
            .iter()
            .map(|(_, p)| format!("{:.1e}", p[0]))
            .collect::<Vec<_>>()
            .join(", "),
    );
    Ok(())
}

fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    runs: &[(f64, [f64; STEPS])],
    predicted: bool,
) -> Outcome<()>
where
    DB::ErrorType: 'static,
{
    let values = runs
        .iter()
        .flat_map(|(_, p)| p.iter().copied())
        .filter(|v| *v > 0.0);
    let (low, high) = values.fold((f64::INFINITY, 0.0_f64), |(l, h), v| (l.min(v), h.max(v)));
    let mut chart = ChartBuilder::on(area)
        .caption(format!("Rnn<2, 8, 30>: {title}"), caption())
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(1.0..STEPS as f64, (low * 0.3..high * 3.0).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("time step t")
        .y_desc("||dL/dh_t|| / ||dL/dh_30|| (log scale)")
        .label_style(label())
        .axis_desc_style(label())
        .light_line_style(WHITE.mix(0.0))
        .x_label_formatter(&super::style::tick)
        .y_label_formatter(&super::style::log_tick)
        .y_labels(30)
        .draw()?;
    for (k, (rho, norms)) in runs.iter().enumerate() {
        let color = PALETTE[k];
        chart
            .draw_series(LineSeries::new(
                norms.iter().enumerate().map(|(t, v)| (t as f64 + 1.0, *v)),
                line(color, 2),
            ))?
            .label(format!("spectral radius {rho}"))
            .legend(legend_line(line(color, 2)));
        chart.draw_series(
            norms
                .iter()
                .enumerate()
                .map(|(t, v)| Circle::new((t as f64 + 1.0, *v), 3, color.filled())),
        )?;
        if predicted {
            chart.draw_series(DashedLineSeries::new(
                (1..=STEPS).map(|t| (t as f64, rho.powi((STEPS - t) as i32))),
                6,
                4,
                line(RGBColor(128, 128, 128), 1),
            ))?;
        }
    }
    if predicted {
        chart
            .draw_series(DashedLineSeries::new(
                [(0.0, 1.0), (0.0, 1.0)],
                6,
                4,
                line(RGBColor(128, 128, 128), 1),
            ))?
            .label("rho^(30 - t), predicted")
            .legend(legend_line(line(RGBColor(128, 128, 128), 1)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font(label())
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    Ok(())
}
