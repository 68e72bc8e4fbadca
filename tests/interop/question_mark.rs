//! `?` from every error type of the crate into `constnet::Error`, so one
//! `fn main() -> constnet::Result<()>` reads CSV, writes Rust source and
//! loads safetensors; the converted error keeps its value and its source.

use std::error::Error as _;

use constnet::data::csv::{CsvError, Header, Table};
use constnet::interop::rust_source::{RustSource, rust_source};
use constnet::prelude::*;

network! {
    /// One dense layer.
    struct Tiny { fc: Dense<1, 1> }
}

fn read(text: &str) -> constnet::Result<usize> {
    let table = Table::parse(text, Header::Absent)?;
    let samples = table.features_and_targets::<f32, 1, 1>()?;
    let data = samples.dataset()?;
    Ok(data.len())
}

fn source(type_path: &str) -> constnet::Result<String> {
    Ok(rust_source(
        &Tiny::<f32>::seeded(1),
        &RustSource::new(type_path),
    )?)
}

#[test]
fn csv_rust_source_and_safetensors_errors_convert_with_question_mark() {
    assert_eq!(read("1,2\n3,4\n").unwrap(), 2);
    let err = read("1,x\n").unwrap_err();
    let expected = CsvError::NotANumber {
        line: 1,
        column: 2,
        field: "x".into(),
    };
    assert_eq!(err, Error::Csv(expected.clone()));
    assert_eq!(err.to_string(), expected.to_string());
    assert_eq!(err.source().unwrap().to_string(), expected.to_string());
    assert!(matches!(
        read("1,1e300\n"),
        Err(Error::Csv(CsvError::OutOfRange { .. }))
    ));

    assert!(source("Tiny").unwrap().contains("Tiny"));
    assert!(matches!(source("1 bad"), Err(Error::RustSource(_))));

    #[cfg(feature = "safetensors")]
    {
        use constnet::interop::safetensors::{Names, load};
        fn loaded(bytes: &[u8]) -> constnet::Result<Tiny<f32>> {
            Ok(load::<f32, Tiny<f32>, 1, 1, 2>(bytes, &Names::Same)?)
        }
        assert!(matches!(loaded(&[1, 2, 3]), Err(Error::Safetensors(_))));
    }
}
