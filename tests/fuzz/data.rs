//! Data sets, minibatches, standardization and the CSV reader.

use constnet::data::csv::{Header, Table};
use constnet::data::{Dataset, LastBatch, Standardizer, shuffle_together, shuffled_order};
use constnet::rng::Rng;
use constnet::scalar::Float;

use crate::harness::{Fuzz, Gen, Outcome, Verdict, any, finite, typed};

#[allow(clippy::too_many_lines, reason = "one check per entry point")]
pub fn run() {
    let mut fuzz = Fuzz::new("data");
    fuzz.check(
        "Dataset::new, split_at, gather, minibatches f32",
        1,
        dataset::<f32>,
    );
    fuzz.check(
        "Dataset::new, split_at, gather, minibatches f64",
        1,
        dataset::<f64>,
    );
    fuzz.check("Dataset::new with zero-width samples", 4, |g| {
        let n = g.below(5);
        let inputs = vec![[0.0_f32; 0]; n];
        let targets = vec![0_usize; n];
        match Dataset::new(&inputs, &targets) {
            Ok(_) => Err("a zero-width sample was accepted".into()),
            Err(_) => Ok(Verdict::Refused),
        }
    });
    fuzz.check("shuffle_together, shuffled_order", 1, |g| {
        let mut inputs = vec![[1.0_f64; 2]; g.below(6)];
        let mut targets = vec![0_usize; g.below(6)];
        let mut order = vec![0; g.below(8)];
        shuffled_order(&mut order, &mut Rng::seed_from(g.u64()));
        typed(
            &shuffle_together(&mut inputs, &mut targets, &mut Rng::seed_from(g.u64())),
            any,
        )
    });
    fuzz.check(
        "Standardizer fit, transform, apply f32",
        1,
        standardizer::<f32>,
    );
    fuzz.check(
        "Standardizer fit, transform, apply f64",
        1,
        standardizer::<f64>,
    );
    fuzz.check("Table::parse, features_and_*", 1, csv);
    fuzz.check("Table::read of missing and odd paths", 8, |g| {
        let path = g.pick(&["", "/", "no/such/file.csv", "\u{0}", "data"]);
        typed(&Table::read(path, Header::Absent), any)
    });
    fuzz.finish();
}

fn dataset<T: Float>(g: &mut Gen) -> Outcome {
    let n = g.below(9);
    let wild = g.below(4) == 0;
    let inputs: Vec<[T; 2]> = (0..n)
        .map(|_| {
            let v = g.values::<T>(2, wild);
            [v[0], v[1]]
        })
        .collect();
    let targets: Vec<usize> = (0..if g.below(5) == 0 { g.below(9) } else { n })
        .map(|_| g.count())
        .collect();
    let data = match Dataset::new(&inputs, &targets) {
        Ok(data) => data,
        Err(e) => return typed::<(), _>(&Err(e), any),
    };
    let _ = data.split_at(g.count());
    let indices: [usize; 3] = [g.count(), g.count(), g.count()];
    let (x, _) = data.gather(&indices);
    finite(x.as_slice(), "gathered batch")?;
    let order: Vec<usize> = (0..g.below(9)).map(|_| g.count()).collect();
    let last = g.pick(&[LastBatch::Fill, LastBatch::Drop]);
    let batches = data.minibatches::<3>(&order, last);
    let expected = last.batches(order.len(), 3);
    if batches.len() != expected {
        return Err(format!("{} batches, {expected} expected", batches.len()));
    }
    for (x, _) in batches {
        finite(x.as_slice(), "minibatch")?;
    }
    Ok(Verdict::Accepted)
}

fn standardizer<T: Float>(g: &mut Gen) -> Outcome {
    let wild = g.coin();
    let rows: Vec<[T; 3]> = (0..g.below(6))
        .map(|_| {
            let v = g.values::<T>(3, wild);
            [v[0], v[1], v[2]]
        })
        .collect();
    let scaler = match Standardizer::fit(&rows) {
        Ok(scaler) => scaler,
        Err(e) => return typed::<(), _>(&Err(e), any),
    };
    finite(scaler.mean(), "mean")?;
    finite(scaler.std(), "std")?;
    let row: [T; 3] = g.wild_array();
    typed(&scaler.transform(&row), |z| finite(z, "standardized row"))?;
    let mut held_out = rows.clone();
    held_out.push(g.wild_array());
    typed(&scaler.apply(&mut held_out), any)
}

/// Pieces CSV text is mutated with: separators, line ends, a byte order
/// mark, control characters, quotes, numbers at the edges of `f32`/`f64`.
const PIECES: [&str; 24] = [
    ",",
    "\n",
    "\r\n",
    "\r",
    "\u{feff}",
    "\u{1b}[2J",
    "\u{7}",
    "\u{0}",
    "\"",
    " ",
    "\t",
    "1e300",
    "1e400",
    "-1e39",
    "nan",
    "inf",
    "-0",
    "0x10",
    "1_000",
    "3.5",
    "7",
    "é",
    "1e-320",
    "\u{202e}",
];

fn csv(g: &mut Gen) -> Outcome {
    let mut text = String::new();
    let rows = g.below(5);
    let width = 1 + g.below(4);
    for _ in 0..rows {
        for k in 0..width {
            if k > 0 {
                text.push(',');
            }
            text += &g.mostly_moderate().to_string();
        }
        text.push('\n');
    }
    for _ in 0..g.below(4) {
        let at = g.below(text.len() + 1);
        if text.is_char_boundary(at) {
            text.insert_str(at, g.pick(&PIECES));
        }
    }
    let header = g.pick(&[Header::Absent, Header::Present, Header::Metadata]);
    let table = match Table::parse(&text, header) {
        Ok(table) => table,
        Err(error) => return no_control_characters(&error.to_string()),
    };
    for record in table.records() {
        if record.len() != table.width() || !record.iter().all(|v| v.is_finite()) {
            return Err(format!(
                "record {record:?} of a table of width {}",
                table.width()
            ));
        }
    }
    let classes = g.count();
    match table.features_and_classes::<f32, 2>(classes) {
        Ok(samples) => {
            finite(&samples.inputs.concat(), "CSV features")?;
            typed(&samples.dataset(), any)?;
        }
        Err(error) => no_control_characters(&error.to_string()).map(|_| ())?,
    }
    match table.features_and_targets::<f64, 1, 2>() {
        Ok(samples) => {
            finite(&samples.targets.concat(), "CSV targets")?;
            Ok(Verdict::Accepted)
        }
        Err(error) => no_control_characters(&error.to_string()),
    }
}

fn no_control_characters(message: &str) -> Outcome {
    if message.is_empty() || message.chars().any(char::is_control) {
        Err(format!(
            "message {message:?} is empty or has control characters"
        ))
    } else {
        Ok(Verdict::Refused)
    }
}
