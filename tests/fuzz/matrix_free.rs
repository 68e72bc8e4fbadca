//! Matrix-free methods, dense spectra and curvature summaries.

use constnet::matrix_free::tridiagonal::{Vectors, symmetric_tridiagonal_eigen};
use constnet::matrix_free::{
    LanczosOptions, LanczosRun, LinearOperator, PowerEstimate, PowerOptions, SlqOptions,
    hutchinson_trace, hutchinson_trace_in, operator, power_iteration, power_iteration_in,
    smallest_eigenvalue, spectral_density, spectral_density_in, top_eigenpairs_power,
    top_eigenvalues,
};
use constnet::nalgebra::DMatrix;
use constnet::prelude::*;

use crate::harness::{Fuzz, Gen, any, finite, typed};

#[allow(clippy::too_many_lines, reason = "one check per entry point")]
pub fn run() {
    let mut fuzz = Fuzz::new("matrix-free");
    fuzz.check("Lanczos top and smallest on any matrix", 1, |g| {
        let mut m = matrix(g);
        let options = LanczosOptions {
            steps: g.count(),
            seed: g.u64(),
        };
        typed(&smallest_eigenvalue(&mut m, options), |v| {
            finite(&[*v], "eigenvalue")
        })?;
        typed(&top_eigenvalues(&mut m, g.count(), options), |v| {
            finite(v, "eigenvalues")
        })
    });
    fuzz.check("power iteration, any deflation and options", 1, |g| {
        let mut m = matrix(g);
        let n = m.nrows();
        let deflate: Vec<Vec<f64>> = (0..g.below(3))
            .map(|_| {
                let len = g.usually(n, 5);
                g.values_of::<f64>(len)
            })
            .collect();
        let options = power_options(g);
        typed(&power_iteration(&mut m, &deflate, options), |e| {
            finite(&[e.value, e.residual], "estimate")?;
            finite(&e.vector, "eigenvector")
        })?;
        typed(&top_eigenpairs_power(&mut m, g.count(), options), |pairs| {
            finite(
                &pairs.iter().map(|p| p.value).collect::<Vec<_>>(),
                "eigenvalues",
            )
        })
    });
    fuzz.check("Hutchinson and SLQ on any matrix", 1, |g| {
        let mut m = matrix(g);
        typed(&hutchinson_trace(&mut m, g.below(40), g.u64()), |t| {
            finite(&[t.trace], "trace")
        })?;
        let options = SlqOptions {
            runs: if g.coin() {
                g.below(6)
            } else {
                g.pick(&[0, usize::MAX, 1 << 62])
            },
            steps: g.count(),
            seed: g.u64(),
        };
        let density = match spectral_density(&mut m, options) {
            Ok(d) => d,
            Err(e) => return typed::<(), _>(&Err(e), any),
        };
        finite(&density.nodes, "nodes")?;
        let (t, variance, padding) = (g.f64(), g.f64(), g.f64());
        typed(&density.density(t, variance), |d| finite(&[*d], "density"))?;
        let bins = if g.coin() { g.below(50) } else { g.count() };
        typed(&density.grid(bins, variance, padding), |grid| {
            finite(
                &grid.iter().flat_map(|&(t, d)| [t, d]).collect::<Vec<_>>(),
                "grid",
            )
        })?;
        typed(&density.moment(g.below(5) as i32), any)
    });
    fuzz.check("closure operators of any dimension", 1, |g| {
        // Dimensions whose vectors fit in memory, or whose storage overflows
        // `usize` or exceeds any address space (a dimension of 2^31 would
        // really be allocated, and the closure would fill it).
        let dim = g.pick(&[
            0,
            1,
            2,
            3,
            7,
            64,
            1 << 12,
            1 << 60,
            usize::MAX / 4,
            usize::MAX,
        ]);
        let value = g.f64();
        let mut op = operator(dim, move |_: &[f32], out: &mut [f32]| {
            out.fill(value as f32);
        });
        let options = LanczosOptions {
            steps: g.count(),
            seed: 0,
        };
        typed(&hutchinson_trace(&mut op, 1 + g.below(3), 0), any)?;
        typed(&top_eigenvalues(&mut op, 1, options), any)?;
        typed(&power_iteration(&mut op, &[], power_options(g)), any)?;
        let slq = SlqOptions {
            runs: 1 + g.below(2),
            steps: g.count(),
            seed: 0,
        };
        typed(&spectral_density(&mut op, slq), any)
    });
    fuzz.check("caller-storage forms, any buffer lengths", 1, |g| {
        let mut m = matrix(g);
        let mut storage = vec![0.0; g.below(64)];
        let mut other = vec![0.0; g.below(16)];
        let mut third = vec![0.0; g.below(16)];
        typed(
            &hutchinson_trace_in(&mut m, 1 + g.below(4), 0, &mut storage),
            any,
        )?;
        let options = LanczosOptions {
            steps: g.count(),
            seed: 0,
        };
        if let Ok(run) = LanczosRun::random_in(&mut m, options, &mut storage) {
            typed(&run.ritz_values_into(&mut other, &mut third), |()| {
                finite(&other, "Ritz values")
            })?;
        }
        let mut storage = vec![0.0; g.below(64)];
        let blank = PowerEstimate {
            value: 0.0,
            residual: 0.0,
            iterations: 0,
            converged: false,
        };
        let mut vector = vec![0.0; g.below(6)];
        typed(
            &power_iteration_in(&mut m, &[], power_options(g), &mut vector, &mut other),
            any,
        )?;
        let mut estimates = vec![blank; g.below(3)];
        let _ = (&mut estimates, &mut storage);
        let slq = SlqOptions {
            runs: 1 + g.below(3),
            steps: g.count(),
            seed: 0,
        };
        typed(
            &spectral_density_in(&mut m, slq, &mut other, &mut third, &mut storage),
            any,
        )
    });
    fuzz.check("Spectrum::of, of_slice, Curvature", 1, |g| {
        let m = matrix(g);
        typed(&Spectrum::of(m.clone()), |s| {
            finite(s.eigenvalues(), "eigenvalues")
        })?;
        let values = g.some_values::<f64>(20);
        let n = g.count();
        typed(&Spectrum::of_slice(&values, n), |s| {
            finite(s.eigenvalues(), "eigenvalues")
        })?;
        let eigenvalues = g.some_values::<f32>(6);
        typed(&Curvature::of(&eigenvalues), |c| {
            finite(&[c.lambda_max, c.lambda_min], "extremes")
        })?;
        let tolerance = g.f64();
        typed(&Curvature::with_tolerance(&eigenvalues, tolerance), any)
    });
    fuzz.check("symmetric_eigen_in, any matrix and buffers", 1, |g| {
        let m = matrix(g);
        let n = if g.coin() { m.nrows() } else { g.count() };
        let mut values = m.as_slice().to_vec();
        let mut eigenvalues = vec![0.0; g.usually(m.nrows(), 6)];
        let mut work = vec![0.0; g.usually(m.nrows(), 6)];
        let result =
            constnet::spectrum::symmetric_eigen_in(&mut values, n, &mut eigenvalues, &mut work);
        typed(&result, |()| {
            finite(&eigenvalues, "eigenvalues")?;
            finite(&values, "eigenvectors")
        })
    });
    fuzz.check("symmetric tridiagonal eigenvalues", 1, |g| {
        let m = g.below(6);
        let mut diagonal = g.values_of::<f64>(m);
        let off_len = g.usually(m.saturating_sub(1), 6);
        let mut off = g.values_of::<f64>(off_len);
        let mut z = vec![0.0; g.usually(m, 40)];
        let vectors = if g.coin() {
            Vectors::FirstRow(&mut z)
        } else {
            Vectors::All(&mut z)
        };
        let result = symmetric_tridiagonal_eigen(&mut diagonal, &mut off, vectors);
        typed(&result, |()| {
            finite(&diagonal, "eigenvalues")?;
            if diagonal.windows(2).all(|w| w[0] <= w[1]) {
                Ok(())
            } else {
                Err(format!("not ascending: {diagonal:?}"))
            }
        })
    });
    fuzz.check("DMatrix operator of any shape", 1, |g| {
        let mut m = matrix(g);
        let len = g.below(6);
        let v = g.values::<f64>(len, false);
        let mut out = vec![0.0; g.below(6)];
        typed(&m.matvec(&v, &mut out), any)
    });
    fuzz.finish();
}

/// A matrix of up to 5 x 5, square and symmetric most of the time, with
/// moderate or any entries.
fn matrix(g: &mut Gen) -> DMatrix<f64> {
    let rows = g.below(6);
    let cols = if g.below(4) == 0 { g.below(6) } else { rows };
    let wild = g.below(4) == 0;
    let mut m = DMatrix::from_fn(rows, cols, |_, _| if wild { g.f64() } else { g.moderate() });
    if rows == cols {
        m = (&m + m.transpose()) * 0.5;
    }
    m
}

fn power_options(g: &mut Gen) -> PowerOptions {
    PowerOptions {
        max_iterations: if g.coin() {
            g.below(200)
        } else {
            g.pick(&[0, 1, 2])
        },
        tolerance: g.f64(),
        seed: g.u64(),
    }
}
