//! Paired timing: every contender of a metric is timed in turn within each
//! round (the order rotated from round to round), so a change of machine
//! load hits all of them alike; figures are medians over rounds, and a ratio
//! is the median of the per-round ratios.

use std::time::{Duration, Instant};

/// Nanoseconds per call of each contender, one value per round.
pub struct Timings {
    /// `per_round[c][r]`: contender `c` in round `r`.
    pub per_round: Vec<Vec<f64>>,
}

/// Times every closure in `contenders` for `rounds` rounds of about `budget`
/// each (calls per round calibrated once per contender).
pub fn paired(contenders: &mut [&mut dyn FnMut()], rounds: usize, budget: Duration) -> Timings {
    let calls: Vec<u64> = contenders
        .iter_mut()
        .map(|run| calibrate(&mut **run, budget))
        .collect();
    let mut per_round = vec![Vec::with_capacity(rounds); contenders.len()];
    for round in 0..rounds {
        for turn in 0..contenders.len() {
            let c = (turn + round) % contenders.len();
            let start = Instant::now();
            for _ in 0..calls[c] {
                (contenders[c])();
            }
            per_round[c].push(start.elapsed().as_nanos() as f64 / calls[c] as f64);
        }
    }
    Timings { per_round }
}

fn calibrate(run: &mut dyn FnMut(), budget: Duration) -> u64 {
    run(); // warm up caches and lazily built state
    let mut calls = 1_u64;
    loop {
        let start = Instant::now();
        for _ in 0..calls {
            run();
        }
        let elapsed = start.elapsed();
        if elapsed >= budget / 4 || calls >= 1 << 30 {
            let per_call = elapsed.as_secs_f64() / calls as f64;
            return ((budget.as_secs_f64() / per_call) as u64).max(1);
        }
        calls *= 4;
    }
}

/// The median of `values`.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
    }
}

impl Timings {
    /// Median nanoseconds per call of contender `c`.
    pub fn median_ns(&self, c: usize) -> f64 {
        median(&self.per_round[c])
    }

    /// Median over rounds of `time(other) / time(reference)`: how many
    /// times faster `reference` is.
    pub fn speedup(&self, reference: usize, other: usize) -> f64 {
        let ratios: Vec<f64> = self.per_round[other]
            .iter()
            .zip(&self.per_round[reference])
            .map(|(o, r)| o / r)
            .collect();
        median(&ratios)
    }
}
