//! The built-in digits, split as the main demo splits them.

use constnet::data::csv::{Header, Table};
use constnet::prelude::*;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/digits.csv");

/// Pixel rows (scaled to [0, 1]) and labels.
pub type Split = (Vec<[f32; 64]>, Vec<usize>);

/// The 1797 digits shuffled with a seed and split 1437 / 360.
pub fn digits() -> super::Outcome<(Split, Split)> {
    let table = Table::read(DATA, Header::Absent)?;
    let mut samples = table.features_and_classes::<f32, 64>(10)?;
    for row in &mut samples.inputs {
        for pixel in row.iter_mut() {
            *pixel /= 16.0;
        }
    }
    shuffle_together(
        &mut samples.inputs,
        &mut samples.targets,
        &mut Rng::seed_from(1),
    )?;
    let test_inputs = samples.inputs.split_off(1437);
    let test_labels = samples.targets.split_off(1437);
    Ok((
        (samples.inputs, samples.targets),
        (test_inputs, test_labels),
    ))
}
