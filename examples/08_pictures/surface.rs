//! The loss on planes through a minimum and through a saddle of a small
//! 1-2-1 tanh network, as contour plots: `loss_surface.svg`. Each plane is spanned by
//! two Hessian eigenvectors (at the minimum the two largest, at the saddle
//! the largest and the most negative) or by two random Gaussian directions
//! normalized filter by filter (Li, Xu, Taylor, Studer and Goldstein 2018,
//! "Visualizing the loss landscape of neural nets": each row of a weight
//! matrix, one unit's incoming weights, scaled to the norm of the same row
//! of the parameters; the bias directions are zero, their `biasbn` option).

use std::path::Path;

use constnet::newton::{self, Method};
use constnet::prelude::*;
use plotters::prelude::*;

use super::Outcome;
use super::contour;
use super::style::{SIZE, canvas, caption, label, line};

network! {
    /// 1 -> Dense 2 -> tanh -> Dense 1 (7 parameters).
    pub struct Tiny {
        hidden: Dense<1, 2>,
        act: Tanh,
        out: Dense<2, 1>,
    }
}

/// Grid points per axis.
const GRID: usize = 61;

/// Twelve points in [-1.5, 1.5] of a sum of two steps, one broad and one
/// sharp: one hidden unit fits the broad one (a finite minimum), two fit both.
fn data() -> (SMatrix<f64, 1, 12>, [[f64; 1]; 12]) {
    let x = SMatrix::<f64, 1, 12>::from_fn(|_, b| -1.5 + 3.0 * b as f64 / 11.0);
    (x, core::array::from_fn(|b| [target(x[b])]))
}

fn target(x: f64) -> f64 {
    0.8 * (2.0 * x).tanh() + 0.4 * (6.0 * (x - 0.4)).tanh()
}

/// A minimum: Adam from a seeded start, then undamped Newton steps.
fn minimum() -> Outcome<Tiny<f64>> {
    let (x, t) = data();
    let mut net = Tiny::<f64>::seeded(3);
    let mut adam = Adam::new(AdamConfig {
        lr: 0.02,
        ..AdamConfig::default()
    })?;
    let mut grad = [0.0; 7];
    for _ in 0..20000 {
        net.loss_and_gradient(&Mse, &x, &t, &mut grad)?;
        adam.step(net.parameters_mut(), &grad);
    }
    for _ in 0..20 {
        newton::update(&mut net, &Mse, &x, &t, Method::Newton, 1e-6)?;
    }
    Ok(net)
}

network! {
    /// 1 -> Dense 1 -> tanh -> Dense 1: one hidden unit.
    pub struct Single {
        hidden: Dense<1, 1>,
        act: Tanh,
        out: Dense<1, 1>,
    }
}

/// A saddle of the symmetry kind (Fukumizu and Amari 2000, "Local minima
/// and plateaus in hierarchical structures of multilayer perceptrons"):
/// the minimum `(w, b, v, c)` of the one-unit network, duplicated into two
/// identical hidden units whose output weights `lambda v` and
/// `(1 - lambda) v` add up to `v`, is a critical point of the two-unit
/// loss for every `lambda`; for some `lambda` it is a saddle. Returns the
/// first with negative curvature.
fn saddle() -> Outcome<(Tiny<f64>, f64)> {
    let (x, t) = data();
    let mut single = Single::<f64>::seeded(3);
    let mut adam = Adam::new(AdamConfig {
        lr: 0.02,
        ..AdamConfig::default()
    })?;
    let mut grad = [0.0; 4];
    for _ in 0..20000 {
        single.loss_and_gradient(&Mse, &x, &t, &mut grad)?;
        adam.step(single.parameters_mut(), &grad);
    }
    for _ in 0..20 {
        newton::update(&mut single, &Mse, &x, &t, Method::Newton, 1e-6)?;
    }
    let gradient = single.hessian(&Mse, &x, &t)?.gradient;
    println!(
        "loss_surface.svg: one-unit network: parameters {:?}, |g| {:.1e}",
        single.parameters(),
        constnet::scalar::norm(&gradient)
    );
    let [w, b, v, c] = *single.parameters();
    for lambda in [0.5, 1.5, -0.5, 2.0] {
        let net = Tiny::<f64>::from_parameters([w, w, b, b, lambda * v, (1.0 - lambda) * v, c]);
        let lowest = Spectrum::of(net.hessian(&Mse, &x, &t)?.matrix)?.lambda_min();
        if lowest < -1e-6 {
            return Ok((net, lambda));
        }
    }
    Err("no split of the one-unit minimum gave negative curvature".into())
}

/// A random direction normalized filter by filter (see the module docs).
fn filter_normalized(net: &Tiny<f64>, seed: u64) -> [f64; 7] {
    let mut rng = Rng::seed_from(seed);
    let mut d = [0.0; 7];
    for tensor in Tiny::<f64>::parameter_tensors() {
        let range = tensor.range();
        if tensor.shape.name != "weight" {
            continue;
        }
        let columns = tensor.shape.cols;
        for row in range.clone().step_by(columns) {
            let theta = &net.parameters()[row..row + columns];
            let r: Vec<f64> = (0..columns).map(|_| rng.normal(0.0, 1.0)).collect();
            let (tn, rn) = (constnet::scalar::norm(theta), constnet::scalar::norm(&r));
            for (k, v) in r.iter().enumerate() {
                d[row + k] = if rn > 0.0 { v * tn / rn } else { 0.0 };
            }
        }
    }
    d
}

/// A plane through `net`: the loss at `theta + a u + b v` on the grid.
struct Plane {
    title: String,
    x_desc: String,
    y_desc: String,
    xs: Vec<f64>,
    ys: Vec<f64>,
    values: Vec<f64>,
}

fn plane(
    net: &Tiny<f64>,
    u: &[f64; 7],
    v: &[f64; 7],
    radius: (f64, f64),
    title: String,
    axes: (String, String),
) -> Outcome<Plane> {
    let (x, t) = data();
    let axis = |r: f64| -> Vec<f64> {
        (0..GRID)
            .map(|i| -r + 2.0 * r * i as f64 / (GRID - 1) as f64)
            .collect()
    };
    let (xs, ys) = (axis(radius.0), axis(radius.1));
    let mut values = Vec::with_capacity(GRID * GRID);
    for &b in &ys {
        for &a in &xs {
            let mut moved = net.clone();
            for ((p, du), dv) in moved.parameters_mut().iter_mut().zip(u).zip(v) {
                *p += a * du + b * dv;
            }
            values.push(moved.evaluate(&Mse, &x, &t)?);
        }
    }
    Ok(Plane {
        title,
        x_desc: axes.0,
        y_desc: axes.1,
        xs,
        ys,
        values,
    })
}

fn eigenvector(spectrum: &Spectrum<f64>, i: usize) -> [f64; 7] {
    let v = spectrum
        .eigenvector(i)
        .map_or_else(|| vec![0.0; 7], |v| v.iter().copied().collect::<Vec<_>>());
    core::array::from_fn(|k| v[k])
}

/// Draws the four planes.
pub fn loss_surfaces(dir: &Path) -> Outcome<()> {
    let (x, t) = data();
    let mut planes = Vec::new();
    let (saddle, lambda) = saddle()?;
    println!("loss_surface.svg: the saddle is the one-unit minimum split with lambda = {lambda}");
    for (name, net) in [("minimum", minimum()?), ("saddle", saddle)] {
        let hessian = net.hessian(&Mse, &x, &t)?;
        let gradient = constnet::scalar::norm(&hessian.gradient);
        let spectrum = Spectrum::of(hessian.matrix)?;
        let values = spectrum.eigenvalues().to_vec();
        let (lowest, highest) = (values[0], values[values.len() - 1]);
        println!(
            "loss_surface.svg: {name}: loss {:.3e}, |g| {gradient:.1e}, eigenvalues {values:.3?}",
            hessian.loss
        );
        let top = eigenvector(&spectrum, values.len() - 1);
        let (second, second_value, second_name) = if name == "minimum" {
            (
                eigenvector(&spectrum, values.len() - 2),
                values[values.len() - 2],
                "second largest",
            )
        } else {
            (eigenvector(&spectrum, 0), lowest, "most negative")
        };
        // Each axis spans where the quadratic model changes the loss by
        // `change`: equal curvature on the picture, so a saddle's flat
        // negative direction is not lost beside a steep positive one.
        let change = if name == "minimum" {
            0.3
        } else {
            2.0 * hessian.loss
        };
        let reach = |lambda: f64| (2.0 * change / lambda.abs()).sqrt().min(3.0);
        let radius = (reach(highest), reach(second_value));
        planes.push(plane(
            &net,
            &top,
            &second,
            radius,
            format!("{name} (loss {:.2e}), Hessian eigenvectors", hessian.loss),
            (
                format!("largest eigenvector (lambda = {highest:.3})"),
                format!("{second_name} eigenvector (lambda = {second_value:.3})"),
            ),
        )?);
        planes.push(plane(
            &net,
            &filter_normalized(&net, 10),
            &filter_normalized(&net, 11),
            (1.0, 1.0),
            format!("{name}, random filter-normalized directions"),
            (
                "filter-normalized direction 1".into(),
                "filter-normalized direction 2".into(),
            ),
        )?);
    }
    let path = dir.join("loss_surface.svg");
    let root = canvas(&path, (SIZE.0 * 2, SIZE.1 * 2 + 100))?;
    let (header, body) = root.split_vertically(60);
    header.draw(&Text::new(
        "Loss of a 1-2-1 tanh network (12 points of two steps) on planes through a minimum (top) and a saddle (bottom); contours from dark (low) to yellow (high), red x: the point",
        (20, 18),
        caption(),
    ))?;
    for (area, plane) in body.split_evenly((2, 2)).iter().zip(&planes) {
        draw(area, plane)?;
    }
    root.present()?;
    Ok(())
}

fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    plane: &Plane,
) -> Outcome<()>
where
    DB::ErrorType: 'static,
{
    let (x_low, x_high) = (plane.xs[0], plane.xs[plane.xs.len() - 1]);
    let (y_low, y_high) = (plane.ys[0], plane.ys[plane.ys.len() - 1]);
    let mut chart = ChartBuilder::on(area)
        .caption(&plane.title, (super::style::FONT, 19))
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x_low..x_high, y_low..y_high)?;
    chart
        .configure_mesh()
        .x_desc(&plane.x_desc)
        .y_desc(&plane.y_desc)
        .label_style(label())
        .axis_desc_style(label())
        .light_line_style(WHITE.mix(0.0))
        .x_label_formatter(&super::style::tick)
        .y_label_formatter(&super::style::tick)
        .y_labels(8)
        .draw()?;
    // Levels at quantiles of the sampled losses, so both flat and steep
    // regions get lines.
    let mut sorted = plane.values.clone();
    sorted.sort_by(f64::total_cmp);
    let levels = 14_u32;
    for k in 0..levels {
        let q = (f64::from(k) + 0.5) / f64::from(levels);
        let level = sorted[((sorted.len() - 1) as f64 * q * q) as usize];
        let color = ViridisRGB::get_color(f64::from(k) / f64::from(levels - 1));
        for polyline in contour::lines(&plane.values, &plane.xs, &plane.ys, level) {
            chart.draw_series(LineSeries::new(polyline, line(color, 2)))?;
        }
    }
    chart.draw_series([Cross::new((0.0, 0.0), 7, line(RGBColor(214, 39, 40), 3))])?;
    Ok(())
}
