//! The reader's rules, each error's line and column, and its messages.

use super::*;
use std::vec;

#[test]
fn parses_records_with_header_blank_lines_and_crlf() {
    let text = "2, 1, a ,b\r\n\r\n 1.5 ,2,0\r\n-3e2,0.25,1\r\n\n";
    let table = Table::parse(text, Header::Metadata).unwrap();
    assert_eq!(table.header().unwrap(), ["2", "1", "a", "b"]);
    assert_eq!((table.len(), table.width()), (2, 3));
    assert_eq!(table.lines(), [3, 4]);
    let records: Vec<&[f64]> = table.records().collect();
    assert_eq!(
        records,
        vec![&[1.5, 2.0, 0.0][..], &[-300.0, 0.25, 1.0][..]]
    );
    let samples = table.features_and_targets::<f64, 1, 2>().unwrap();
    assert_eq!(samples.inputs, [[1.5], [-300.0]]);
    assert_eq!(samples.targets, [[2.0, 0.0], [0.25, 1.0]]);
}

#[test]
fn line_endings_byte_order_marks_and_header_widths() {
    let expected = Table::parse("x,y\n1,2\n3,4\n", Header::Present).unwrap();
    for text in [
        "x,y\r\n1,2\r\n3,4\r\n",
        "x,y\r1,2\r3,4\r",
        "x,y\r1,2\n3,4",
        "\u{feff}x,y\n1,2\n3,4\n",
    ] {
        let table = Table::parse(text, Header::Present).unwrap();
        assert_eq!(table.header(), expected.header(), "{text:?}");
        assert_eq!(table.values, expected.values, "{text:?}");
    }
    // Lone CRs count lines like newlines do.
    let err = Table::parse("1,2\r3,x\r", Header::Absent).unwrap_err();
    assert!(matches!(
        err,
        CsvError::NotANumber {
            line: 2,
            column: 2,
            ..
        }
    ));
    assert_eq!(
        Table::parse("a,b,c\n1,2\n", Header::Present).unwrap_err(),
        CsvError::HeaderWidth {
            found: 3,
            expected: 2
        }
    );
    assert!(Table::parse("a,b,c\n1,2\n", Header::Metadata).is_ok());
}

#[test]
fn control_characters_are_escaped_and_overflow_is_an_error() {
    let err = Table::parse("1,\u{1b}[2J\u{7}\n", Header::Absent).unwrap_err();
    let message = err.to_string();
    assert!(!message.chars().any(char::is_control), "{message:?}");
    assert_eq!(
        message,
        "line 1, column 2: `\\u{1b}[2J\\u{7}` is not a number"
    );
    let table = Table::parse("1,2\n3,1e300\n", Header::Absent).unwrap();
    assert_eq!(
        table.features_and_targets::<f32, 1, 1>().unwrap_err(),
        CsvError::OutOfRange {
            line: 2,
            column: 2,
            value: 1e300,
            scalar: "f32"
        }
    );
    assert!(table.features_and_targets::<f64, 1, 1>().is_ok());
    let table = Table::parse("-1e39,0\n", Header::Absent).unwrap();
    assert!(matches!(
        table.features_and_classes::<f32, 1>(2),
        Err(CsvError::OutOfRange {
            line: 1,
            column: 1,
            ..
        })
    ));
}

#[test]
fn errors_name_the_line_and_column() {
    let bad_field = Table::parse("1,2\n3,x4\n", Header::Absent).unwrap_err();
    assert_eq!(
        bad_field,
        CsvError::NotANumber {
            line: 2,
            column: 2,
            field: "x4".into()
        }
    );
    assert_eq!(
        bad_field.to_string(),
        "line 2, column 2: `x4` is not a number"
    );
    assert_eq!(
        Table::parse("h\n1,2\n\n1,2,3\n", Header::Present).unwrap_err(),
        CsvError::RaggedRecord {
            line: 4,
            found: 3,
            expected: 2
        }
    );
    assert_eq!(
        Table::parse("1,inf\n", Header::Absent).unwrap_err(),
        CsvError::NonFinite { line: 1, column: 2 }
    );
    assert_eq!(
        Table::parse("1,,2\n", Header::Absent).unwrap_err(),
        CsvError::NotANumber {
            line: 1,
            column: 2,
            field: String::new()
        }
    );
    assert_eq!(
        Table::parse("only a header\n", Header::Present).unwrap_err(),
        CsvError::NoRecords
    );
    assert_eq!(
        Table::parse("", Header::Absent).unwrap_err(),
        CsvError::NoRecords
    );
}

#[test]
fn class_labels_are_checked() {
    let table = Table::parse("0.5,0\n0.7,2\n0.1,1.5\n", Header::Absent).unwrap();
    assert_eq!(
        table.features_and_classes::<f32, 1>(3).unwrap_err(),
        CsvError::NotAClass {
            line: 3,
            value: 1.5,
            classes: 3
        }
    );
    assert_eq!(
        table.features_and_classes::<f32, 1>(2).unwrap_err(),
        CsvError::NotAClass {
            line: 2,
            value: 2.0,
            classes: 2
        }
    );
    assert_eq!(
        table.features_and_classes::<f32, 2>(3).unwrap_err(),
        CsvError::Width {
            expected: 3,
            found: 2
        }
    );
    let table = Table::parse("0.5,0\n-1,-1\n", Header::Absent).unwrap();
    assert!(matches!(
        table.features_and_classes::<f64, 1>(2),
        Err(CsvError::NotAClass { line: 2, .. })
    ));
}

#[test]
fn missing_file_is_an_io_error() {
    let err = Table::read("no/such/file.csv", Header::Absent).unwrap_err();
    assert!(
        matches!(&err, CsvError::Io { kind, .. } if *kind == std::io::ErrorKind::NotFound),
        "{err}"
    );
    assert!(err.to_string().starts_with("cannot read no/such/file.csv"));
}
