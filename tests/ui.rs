//! The `network!` macro's compile-time errors, checked with trybuild against
//! the `.stderr` snapshots beside each case in `tests/ui/`.
//!
//! Every `tests/ui/*.rs` file is one case named after what it shows. A file
//! named `pass-*.rs` must compile without warnings and run; every other file
//! must fail to compile with exactly the messages of its `.stderr` snapshot.
//! Because pass cases are present, trybuild runs `cargo build`, not only
//! `cargo check`, so errors raised while evaluating constants are caught too.
//!
//! Bless changed snapshots with `TRYBUILD=overwrite cargo test --test ui`
//! and review every diff as a user would read the message.

use std::path::PathBuf;

/// `tests/ui/*.rs`, sorted, relative to the package root.
fn cases() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/ui exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| PathBuf::from("tests/ui").join(path.file_name().expect("a file has a name")))
        .collect();
    cases.sort();
    cases
}

fn is_pass(path: &std::path::Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with("pass-"))
}

/// Every compile-fail case has its snapshot and every snapshot its case:
/// a snapshot left behind by a removed case would hide nothing, and a case
/// without one would be blessed unseen.
#[test]
fn every_case_has_its_snapshot_and_every_snapshot_its_case() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for case in cases().iter().filter(|path| !is_pass(path)) {
        let snapshot = dir.join(case.with_extension("stderr"));
        assert!(
            snapshot.exists(),
            "{} has no .stderr snapshot",
            case.display()
        );
    }
    for entry in std::fs::read_dir(dir.join("tests/ui")).expect("tests/ui exists") {
        let path = entry.expect("readable directory entry").path();
        if path.extension().is_some_and(|ext| ext == "stderr") {
            assert!(
                path.with_extension("rs").exists(),
                "{} has no case",
                path.display()
            );
        }
    }
}

#[test]
fn ui() {
    let cases = cases();
    let (pass, fail): (Vec<_>, Vec<_>) = cases.iter().partition(|path| is_pass(path));
    // Pass cases make trybuild build (not only check), so errors raised
    // while evaluating constants are caught.
    assert!(
        !pass.is_empty(),
        "no pass case: const-evaluation errors would go unchecked"
    );
    let t = trybuild::TestCases::new();
    for path in fail {
        t.compile_fail(path);
    }
    for path in pass {
        t.pass(path);
    }
}

// The lint-clean pass case, compiled here as well so that the workspace's
// `cargo clippy --all-targets` lints the code the macro generates in it
// (trybuild only runs rustc, for which clippy's lints are inert).
#[path = "ui/pass-lint-clean.rs"]
mod lint_clean;

#[test]
fn lint_clean_case_runs() {
    lint_clean::main();
}

/// The README's example error is the real output of
/// `tests/ui/mismatched-dims.rs`, declaration and message.
#[test]
fn readme_shows_the_real_message() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let read = |path: &str| std::fs::read_to_string(root.join(path)).expect("readable file");
    let readme = read("README.md");
    let snapshot = read("tests/ui/mismatched-dims.stderr");
    let message = format!("```text\n{}\n```", snapshot.trim_end());
    assert!(
        readme.contains(&message),
        "README.md must show the output of tests/ui/mismatched-dims.rs:\n{message}"
    );
    let case = read("tests/ui/mismatched-dims.rs");
    let start = case
        .find("network! {")
        .expect("the case declares a network");
    let end = start + case[start..].find("\n}\n").expect("the declaration ends") + 2;
    let declaration = &case[start..end];
    assert!(
        readme.contains(declaration),
        "README.md must show the declaration of tests/ui/mismatched-dims.rs:\n{declaration}"
    );
}
