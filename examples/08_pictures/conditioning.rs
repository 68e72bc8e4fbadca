//! DIGITS trained with plain SGD and early stopping while a conditioning
//! monitor takes an exact Hessian-vector product every few steps:
//! `loss_curves.svg` and `conditioning.svg`.

use std::path::Path;

use constnet::diagnostics::{ConditioningMonitor, MonitorConfig, Ring, StepRecord};
use constnet::prelude::*;
use plotters::prelude::*;

use super::Outcome;
use super::data::{Split, digits};
use super::style::{PALETTE, SIZE, canvas, caption, label, legend_line, line};

network! {
    /// The DIGITS benchmark model: 64 -> 32 -> ReLU -> 10 logits.
    pub struct Digits {
        hidden: Dense<64, 32>,
        act: ReLU,
        out: Dense<32, 10>,
    }
}

const BATCH: usize = 32;
const LEARNING_RATE: f64 = 0.5;
const MAX_EPOCHS: usize = 300;
const PATIENCE: usize = 15;
/// Measure every this many steps.
const EVERY: usize = 3;

type Monitor = ConditioningMonitor<Ring<StepRecord, 4096>>;

/// The network at initialization and as training returned it, with the data.
pub struct DigitsRun {
    pub initial: Digits<f32>,
    pub trained: Digits<f32>,
    pub train: Split,
}

/// Trains DIGITS, draws the loss curves and the monitor's measurements.
pub fn loss_and_conditioning(dir: &Path) -> Outcome<DigitsRun> {
    let ((train_x, train_y), (test_x, test_y)) = digits()?;
    let train = Dataset::new(&train_x, &train_y)?;
    let test = Dataset::new(&test_x, &test_y)?;
    let initial = Digits::<f32>::seeded(7);
    let mut net = initial.clone();
    let mut sgd = Sgd::with_lr(LEARNING_RATE)?;
    let mut monitor = Box::new(Monitor::new(
        MonitorConfig {
            every: EVERY,
            step_model: false,
            ..MonitorConfig::default()
        },
        Ring::new(),
    )?);
    let mut epochs: Vec<EpochReport> = Vec::new();
    let bar = indicatif::ProgressBar::new(MAX_EPOCHS as u64).with_message("training DIGITS");
    bar.set_style(super::style::progress_style());
    let recorder = EachEpoch(|r: &EpochReport| {
        epochs.push(*r);
        bar.inc(1);
    });
    let config = TrainConfig {
        max_epochs: MAX_EPOCHS,
        patience: Some(PATIENCE),
        seed: 3,
        ..TrainConfig::default()
    };
    let report = Trainer::<BATCH>::new(config)?
        .observer((recorder, &mut *monitor))
        .fit(&mut net, &CrossEntropy, &mut sgd, &train, Some(&test))?;
    bar.finish_and_clear();
    let best = report
        .best_validation
        .map_or(report.epochs, |(epoch, _)| epoch);
    println!(
        "loss_curves.svg: DIGITS, SGD lr {LEARNING_RATE}, {} epochs, stopped ({:?}) {PATIENCE} epochs after the best held-out loss {:.4} at epoch {best}; restored",
        report.epochs,
        report.stop,
        report.best_validation.map_or(f64::NAN, |(_, l)| l)
    );
    draw_loss_curves(&dir.join("loss_curves.svg"), &epochs, best)?;
    draw_conditioning(&dir.join("conditioning.svg"), &monitor)?;
    Ok(DigitsRun {
        initial,
        trained: net,
        train: (train_x, train_y),
    })
}

fn draw_loss_curves(path: &Path, epochs: &[EpochReport], best: usize) -> Outcome<()> {
    let root = canvas(path, SIZE)?;
    let train: Vec<(f64, f64)> = epochs
        .iter()
        .map(|r| (r.epoch as f64 + 1.0, r.train_loss))
        .collect();
    let held_out: Vec<(f64, f64)> = epochs
        .iter()
        .filter_map(|r| r.validation_loss.map(|v| (r.epoch as f64 + 1.0, v)))
        .collect();
    let last = epochs.len() as f64;
    let low = train
        .iter()
        .chain(&held_out)
        .map(|p| p.1)
        .fold(f64::INFINITY, f64::min);
    let high = train
        .iter()
        .chain(&held_out)
        .map(|p| p.1)
        .fold(0.0, f64::max);
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "DIGITS: empirical risk and held-out loss (plain SGD, lr 0.5, B = 32)",
            caption(),
        )
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(1.0..last + 1.0, (low * 0.7..high * 1.3).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc("mean cross-entropy (log scale)")
        .label_style(label())
        .axis_desc_style(label())
        .light_line_style(WHITE.mix(0.0))
        .x_label_formatter(&super::style::tick)
        .y_label_formatter(&super::style::log_tick)
        .y_labels(30)
        .draw()?;
    chart
        .draw_series(LineSeries::new(train, line(PALETTE[0], 2)))?
        .label("training loss (empirical risk, exact over the 1437 images)")
        .legend(legend_line(line(PALETTE[0], 2)));
    chart
        .draw_series(LineSeries::new(held_out.clone(), line(PALETTE[1], 2)))?
        .label("held-out loss (360 images: estimate of the expected risk)")
        .legend(legend_line(line(PALETTE[1], 2)));
    let best_x = best as f64 + 1.0;
    let best_loss = held_out
        .iter()
        .find(|p| p.0 == best_x)
        .map_or(high, |p| p.1);
    chart
        .draw_series(DashedLineSeries::new(
            [(best_x, low * 0.7), (best_x, high * 1.3)],
            6,
            4,
            line(BLACK, 1),
        ))?
        .label(format!(
            "best held-out epoch {} (restored); training stops {PATIENCE} epochs later",
            best + 1
        ))
        .legend(legend_line(line(BLACK, 1)));
    chart.draw_series([Circle::new((best_x, best_loss), 5, PALETTE[1].filled())])?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(label())
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    root.present()?;
    Ok(())
}

fn draw_conditioning(path: &Path, monitor: &Monitor) -> Outcome<()> {
    let records: Vec<&StepRecord> = monitor.records().iter().collect();
    let root = canvas(path, (SIZE.0, SIZE.1 * 3 / 2))?;
    let (top, bottom) = root.split_vertically(SIZE.1 * 3 / 4);
    let steps = records.last().map_or(1.0, |r| r.step as f64 + 1.0);
    draw_curvatures(&top, &records, steps)?;
    draw_stable_steps(&bottom, &records, steps)?;
    root.present()?;
    Ok(())
}

/// `g'g` and `g'Hg` against the step.
fn draw_curvatures<DB: DrawingBackend>(
    top: &DrawingArea<DB, plotters::coord::Shift>,
    records: &[&StepRecord],
    steps: f64,
) -> Outcome<()>
where
    DB::ErrorType: 'static,
{
    let gg: Vec<(f64, f64)> = records
        .iter()
        .map(|r| (r.step as f64, r.curvature.gradient_sq))
        .collect();
    let ghg: Vec<(f64, f64)> = records
        .iter()
        .filter(|r| r.curvature.curvature > 0.0)
        .map(|r| (r.step as f64, r.curvature.curvature))
        .collect();
    let values = gg.iter().chain(&ghg).map(|p| p.1).filter(|v| *v > 0.0);
    let (low, high) = values.fold((f64::INFINITY, 0.0_f64), |(l, h), v| (l.min(v), h.max(v)));
    let mut chart = ChartBuilder::on(top)
        .caption(
            format!(
                "Ill-conditioning while training DIGITS: exact g'g and g'Hg every {EVERY} steps"
            ),
            caption(),
        )
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(72)
        .build_cartesian_2d(0.0..steps, (low * 0.5..high * 2.0).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("step")
        .y_desc("log scale")
        .label_style(label())
        .axis_desc_style(label())
        .light_line_style(WHITE.mix(0.0))
        .x_label_formatter(&super::style::tick)
        .y_label_formatter(&super::style::log_tick)
        .y_labels(30)
        .draw()?;
    chart
        .draw_series(LineSeries::new(gg, line(PALETTE[0], 1)))?
        .label("g'g (squared gradient norm of the step's batch)")
        .legend(legend_line(line(PALETTE[0], 2)));
    chart
        .draw_series(LineSeries::new(ghg, line(PALETTE[1], 1)))?
        .label("g'Hg (curvature along the gradient)")
        .legend(legend_line(line(PALETTE[1], 2)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font(label())
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    Ok(())
}

/// The largest stable step against the learning rate, flagged steps marked.
fn draw_stable_steps<DB: DrawingBackend>(
    bottom: &DrawingArea<DB, plotters::coord::Shift>,
    records: &[&StepRecord],
    steps: f64,
) -> Outcome<()>
where
    DB::ErrorType: 'static,
{
    let stable: Vec<(f64, f64)> = records
        .iter()
        .filter_map(|r| r.max_stable_step().map(|s| (r.step as f64, s)))
        .collect();
    let flagged: Vec<(f64, f64)> = records
        .iter()
        .filter(|r| r.flagged)
        .filter_map(|r| r.max_stable_step().map(|s| (r.step as f64, s)))
        .collect();
    let (low, high) = stable
        .iter()
        .map(|p| p.1)
        .fold((LEARNING_RATE, LEARNING_RATE), |(l, h), v| {
            (l.min(v), h.max(v))
        });
    let mut chart = ChartBuilder::on(bottom)
        .caption(
            format!(
                "Largest stable step 2 g'g / g'Hg against the learning rate: {} of {} measured steps flagged",
                flagged.len(),
                records.len()
            ),
            caption(),
        )
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(0.0..steps, (low * 0.5..high * 2.0).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("step")
        .y_desc("step size (log scale)")
        .label_style(label())
        .axis_desc_style(label())
        .light_line_style(WHITE.mix(0.0))
        .x_label_formatter(&super::style::tick)
        .y_label_formatter(&super::style::log_tick)
        .y_labels(30)
        .draw()?;
    chart
        .draw_series(LineSeries::new(stable, line(PALETTE[2], 1)))?
        .label("largest stable step 2 g'g / g'Hg")
        .legend(legend_line(line(PALETTE[2], 2)));
    chart
        .draw_series(LineSeries::new(
            [(0.0, LEARNING_RATE), (steps, LEARNING_RATE)],
            line(BLACK, 2),
        ))?
        .label("learning rate")
        .legend(legend_line(line(BLACK, 2)));
    chart
        .draw_series(
            flagged
                .iter()
                .map(|&p| Cross::new(p, 4, line(PALETTE[3], 2))),
        )?
        .label("flagged: 1/2 lr g'Hg > g'g, the step is predicted to raise the loss")
        .legend(|(x, y)| Cross::new((x + 12, y), 4, line(PALETTE[3], 2)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(label())
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    Ok(())
}
