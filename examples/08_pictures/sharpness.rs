//! Full-batch gradient descent on the SINE task at three learning rates,
//! with the sharpness tracked every few steps: `sharpness.svg`.

use std::path::Path;

use constnet::diagnostics::sharpness::{SharpnessConfig, SharpnessRecord, SharpnessTracker};
use constnet::prelude::*;
use plotters::prelude::*;

use super::Outcome;
use super::style::{PALETTE, SIZE, canvas, caption, label, legend_line, line};

network! {
    /// 1 -> 16 -> tanh -> 16 -> tanh -> 1: the SINE shape with tanh, whose
    /// curvature grows during training (progressive sharpening).
    pub struct Wave {
        fc1: Dense<1, 16>,
        act1: Tanh,
        fc2: Dense<16, 16>,
        act2: Tanh,
        out: Dense<16, 1>,
    }
}

/// Points of the full batch.
const POINTS: usize = 32;
const STEPS: usize = 4000;
pub const LEARNING_RATES: [f64; 3] = [0.02, 0.05, 0.1];

/// 32 points in [-pi, pi] and sin x.
fn data() -> (Vec<[f64; 1]>, Vec<[f64; 1]>) {
    let x: Vec<[f64; 1]> =
        (0..POINTS)
            .map(|i| {
                [-core::f64::consts::PI
                    + 2.0 * core::f64::consts::PI * i as f64 / (POINTS - 1) as f64]
            })
            .collect();
    let t = x.iter().map(|[x]| [2.0 * x.sin()]).collect();
    (x, t)
}

/// Trains at each learning rate and draws sharpness against `2 / lr`.
pub fn edge_of_stability(dir: &Path) -> Outcome<()> {
    let (x, t) = data();
    let data = Dataset::new(&x, &t)?;
    let bar = indicatif::ProgressBar::new((STEPS * LEARNING_RATES.len()) as u64)
        .with_message("full-batch gradient descent, sharpness every 10 steps");
    bar.set_style(super::style::progress_style());
    let mut runs = Vec::new();
    for lr in LEARNING_RATES {
        let mut net = Wave::<f64>::seeded(3);
        let mut sgd = Sgd::with_lr(lr)?;
        let mut tracker = SharpnessTracker::<f64>::new(SharpnessConfig {
            every: 10,
            ..SharpnessConfig::default()
        })?;
        let ticks = EachEpoch(|_: &EpochReport| bar.inc(1));
        let config = TrainConfig {
            max_epochs: STEPS,
            ..TrainConfig::default()
        };
        Trainer::<POINTS>::new(config)?
            .observer((ticks, &mut tracker))
            .fit(&mut net, &Mse, &mut sgd, &data, None)?;
        if let Some(error) = tracker.error() {
            return Err(error.clone().into());
        }
        let (products, seconds) = tracker.cost();
        let records = tracker.records().to_vec();
        let last = records.last().copied();
        let line = format!(
            "sharpness.svg: lr {lr}: lambda_max {:.2} -> {:.2} (2/lr = {:.0}), loss {:.2e} -> {:.2e}; {} measurements, {products} Hessian-vector products, {:.0} ms",
            records.first().map_or(f64::NAN, |r| r.sharpness),
            last.map_or(f64::NAN, |r| r.sharpness),
            2.0 / lr,
            records.first().map_or(f64::NAN, |r| r.loss),
            last.map_or(f64::NAN, |r| r.loss),
            records.len(),
            1e3 * seconds,
        );
        bar.suspend(|| println!("{line}"));
        runs.push((lr, records));
    }
    bar.finish_and_clear();
    draw(&dir.join("sharpness.svg"), &runs)
}

fn draw(path: &Path, runs: &[(f64, Vec<SharpnessRecord>)]) -> Outcome<()> {
    let root = canvas(path, (SIZE.0, SIZE.1 * 3 / 2))?;
    let (top, bottom) = root.split_vertically(SIZE.1 * 5 / 6);
    let high = runs
        .iter()
        .flat_map(|(_, r)| r.iter().map(|r| r.sharpness))
        .fold(0.0, f64::max);
    // Headroom above the highest 2 / lr line for the legend.
    let high = high.max(2.0 / LEARNING_RATES[0]) * 1.3;
    let mut chart = ChartBuilder::on(&top)
        .caption(
            "Edge of stability: sharpness during full-batch gradient descent (Cohen et al. 2021)",
            caption(),
        )
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(72)
        .build_cartesian_2d(0.0..STEPS as f64, 0.0..high)?;
    chart
        .configure_mesh()
        .x_desc("step")
        .y_desc("largest Hessian eigenvalue")
        .label_style(label())
        .axis_desc_style(label())
        .light_line_style(WHITE.mix(0.0))
        .x_label_formatter(&super::style::tick)
        .y_label_formatter(&super::style::tick)
        .y_labels(8)
        .draw()?;
    for (k, (lr, records)) in runs.iter().enumerate() {
        let color = PALETTE[k];
        chart
            .draw_series(LineSeries::new(
                records.iter().map(|r| (r.step as f64, r.sharpness)),
                line(color, 2),
            ))?
            .label(format!(
                "lr = {lr}: lambda_max; dashed: 2 / lr = {:.0}",
                2.0 / lr
            ))
            .legend(legend_line(line(color, 2)));
        chart.draw_series(DashedLineSeries::new(
            [(0.0, 2.0 / lr), (STEPS as f64, 2.0 / lr)],
            8,
            5,
            line(color, 1),
        ))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(label())
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()?;

    let losses = runs.iter().flat_map(|(_, r)| r.iter().map(|r| r.loss));
    let (low, high) = losses.fold((f64::INFINITY, 0.0_f64), |(l, h), v| (l.min(v), h.max(v)));
    let mut chart = ChartBuilder::on(&bottom)
        .caption(
            "training loss (mean squared error of the full batch, every 10th step)",
            caption(),
        )
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(0.0..STEPS as f64, (low * 0.5..high * 2.0).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("step")
        .y_desc("loss (log scale)")
        .label_style(label())
        .axis_desc_style(label())
        .light_line_style(WHITE.mix(0.0))
        .x_label_formatter(&super::style::tick)
        .y_label_formatter(&super::style::log_tick)
        .y_labels(30)
        .draw()?;
    for (k, (_, records)) in runs.iter().enumerate() {
        chart.draw_series(LineSeries::new(
            records.iter().map(|r| (r.step as f64, r.loss)),
            line(PALETTE[k], 2),
        ))?;
    }
    root.present()?;
    Ok(())
}
