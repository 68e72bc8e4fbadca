//! Local minima and permutation symmetry: train XOR from several seeds and
//! find which runs reached the same minimum up to a permutation of the
//! hidden units and tanh sign flips.
//!
//! Two networks: the XOR benchmark model (2-8-1) and the classic
//! 2-2-1. A small weight decay makes the minima isolated points (without it
//! BCE on separable data has no minimum: the weights grow for ever). Runs
//! are compared by their distance modulo symmetry (canonical forms, see
//! `constnet::diagnostics::symmetry`): runs far apart in parameter space
//! turn out to be the same minimum, one of `8! 2^8` equivalent copies.
//!
//! Run: `cargo run --release --example symmetry`

use constnet::diagnostics::SymmetryCount;
use constnet::diagnostics::symmetry::{
    Symmetry, distance_modulo_symmetry, equivalent_parameterizations,
    log10_equivalent_parameterizations,
};
use constnet::prelude::*;

network! {
    /// The XOR benchmark model; outputs a logit.
    pub struct Xor {
        hidden: Dense<2, 8>,
        act: Tanh,
        out: Dense<8, 1>,
    }

    /// The classic XOR network with two hidden units.
    pub struct Xor2 {
        hidden: Dense<2, 2>,
        act: Tanh,
        out: Dense<2, 1>,
    }
}

/// Runs closer than this modulo symmetry are the same minimum (parameter
/// vectors have norms around 10; distinct minima are more than 1 apart).
const SAME_MINIMUM: f64 = 0.05;
const SEEDS: u64 = 12;

/// One trained run.
struct Run<N> {
    seed: u64,
    net: N,
    loss: f64,
    accuracy: f64,
}

/// Trains `SEEDS` networks from their seeded initialization, full batch.
fn train_all<N, const P: usize>(data: &Dataset<'_, f64, 2, [f64; 1]>) -> Result<Vec<Run<N>>>
where
    N: Network<f64, 2, 1, P>,
{
    (0..SEEDS)
        .map(|seed| {
            let mut net = N::initialized(&mut Rng::seed_from(seed));
            let mut sgd = Sgd::new(SgdConfig {
                lr: 0.5,
                momentum: 0.9,
                weight_decay: 1e-3,
                ..SgdConfig::default()
            })?;
            let config = TrainConfig {
                max_epochs: 6000,
                seed,
                ..TrainConfig::default()
            };
            let report =
                Trainer::<4>::new(config)?.fit(&mut net, &BceWithLogits, &mut sgd, data, None)?;
            let accuracy = binary_accuracy(&net, data, 0.0)?;
            Ok(Run {
                seed,
                net,
                loss: report.final_loss,
                accuracy,
            })
        })
        .collect()
}

/// Groups runs whose distance modulo symmetry to a group's first run is
/// below `SAME_MINIMUM`, and prints each group.
fn report<N, const P: usize>(name: &str, runs: &[Run<N>])
where
    N: Network<f64, 2, 1, P>,
{
    let signs = Symmetry::PermutationsAndSignFlips;
    let layers = N::LAYERS;
    let perms: SymmetryCount =
        equivalent_parameterizations(layers, Symmetry::Permutations).unwrap_or_default();
    let signed: SymmetryCount = equivalent_parameterizations(layers, signs).unwrap_or_default();
    println!(
        "{name}: {P} parameters; each point has {perms} equivalent permutations, {signed} with tanh sign flips (log10 {:.2})",
        log10_equivalent_parameterizations(layers, signs)
    );
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (k, run) in runs.iter().enumerate() {
        match groups
            .iter_mut()
            .find(|g| distance_modulo_symmetry(&runs[g[0]].net, &run.net, signs) < SAME_MINIMUM)
        {
            Some(group) => group.push(k),
            None => groups.push(vec![k]),
        }
    }
    for (label, group) in groups.iter().enumerate() {
        let first = &runs[group[0]];
        let (mut within, mut raw) = (0.0_f64, 0.0_f64);
        for &k in &group[1..] {
            within = within.max(distance_modulo_symmetry(&first.net, &runs[k].net, signs));
            raw = raw.max(parameter_distance(
                first.net.parameters(),
                runs[k].net.parameters(),
            ));
        }
        let seeds: Vec<String> = group.iter().map(|&k| runs[k].seed.to_string()).collect();
        print!(
            "  minimum {}: seeds {:<12} loss {:.6}, accuracy {:>3.0}%",
            char::from(b'A' + label as u8),
            seeds.join(","),
            first.loss,
            first.accuracy * 100.0
        );
        if group.len() > 1 {
            println!(", {within:.1e} apart modulo symmetry, up to {raw:.1} apart as vectors");
        } else {
            println!();
        }
    }
}

fn parameter_distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

fn main() -> Result<()> {
    let inputs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    let targets = [[0.0], [1.0], [1.0], [0.0]];
    let data = Dataset::new(&inputs, &targets)?;
    println!(
        "XOR from {SEEDS} seeds: full-batch SGD (lr 0.5, momentum 0.9, weight decay 1e-3), 6000 epochs, BCE on logits"
    );
    report("2-8-1", &train_all::<Xor<f64>, 33>(&data)?);
    report("2-2-1", &train_all::<Xor2<f64>, 9>(&data)?);
    Ok(())
}
