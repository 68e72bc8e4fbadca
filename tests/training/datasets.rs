//! The data sets shipped in `data/` read through the CSV reader: sizes,
//! class balance and value ranges as `data/README.md` describes them.

use constnet::data::csv::{Header, Samples, Table};

fn path(file: &str) -> String {
    format!("{}/data/{file}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn iris_has_150_samples_of_4_features_in_3_balanced_classes() {
    let table = Table::read(path("iris.csv"), Header::Metadata).unwrap();
    assert_eq!(
        table.header().unwrap(),
        ["150", "4", "setosa", "versicolor", "virginica"]
    );
    let Samples {
        inputs,
        targets: classes,
    } = table.features_and_classes::<f64, 4>(3).unwrap();
    assert_eq!(inputs.len(), 150);
    for class in 0..3 {
        assert_eq!(classes.iter().filter(|&&c| c == class).count(), 50);
    }
    // Measurements in centimetres; the first flower is 5.1, 3.5, 1.4, 0.2.
    assert_eq!(inputs[0], [5.1, 3.5, 1.4, 0.2]);
    assert!(inputs.iter().flatten().all(|&v| (0.1..=7.9).contains(&v)));
}

#[test]
fn digits_has_1797_samples_of_64_pixels_in_10_classes() {
    let table = Table::read(path("digits.csv"), Header::Absent).unwrap();
    let Samples {
        inputs,
        targets: classes,
    } = table.features_and_classes::<f32, 64>(10).unwrap();
    assert_eq!(inputs.len(), 1797);
    for class in 0..10 {
        let count = classes.iter().filter(|&&c| c == class).count();
        assert!(
            (174..=183).contains(&count),
            "digit {class}: {count} samples"
        );
    }
    assert!(
        inputs
            .iter()
            .flatten()
            .all(|&v| (0.0..=16.0).contains(&v) && v.fract() == 0.0)
    );
}
