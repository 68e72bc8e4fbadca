//! Pins the expansion of a two-layer declaration: a change to the
//! generated code shows up as a readable diff of
//! `macros/tests/snapshots/two_layers.rs`. Bless an intended change with
//! `CONSTNET_BLESS=1 cargo test -p constnet-macros`.

use std::path::PathBuf;

/// The declaration whose expansion is pinned.
const DECLARATION: &str = "
    /// Two layers.
    pub struct Pair {
        fc: Dense<2, 3>,
        act: Tanh,
    }
";

fn expand_to_source(declaration: &str) -> String {
    let input: crate::ast::Input = syn::parse_str(declaration).expect("the declaration parses");
    let mut out = proc_macro2::TokenStream::new();
    for decl in input.networks {
        let plan = crate::validate::validate(decl).unwrap_or_else(|_| panic!("it validates"));
        out.extend(crate::expand::expand(&plan));
    }
    let file: syn::File = syn::parse2(out).expect("the expansion is a Rust file");
    prettyplease::unparse(&file)
}

#[test]
fn a_two_layer_declaration_expands_as_pinned() {
    let actual = expand_to_source(DECLARATION);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/two_layers.rs");
    if std::env::var_os("CONSTNET_BLESS").is_some() {
        std::fs::write(&path, &actual).expect("the snapshot is writable");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if actual != expected {
        let first = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()));
        panic!(
            "the expansion differs from {} from line {} on:\n  now:    {:?}\n  pinned: {:?}\n\
             bless an intended change with CONSTNET_BLESS=1",
            path.display(),
            first + 1,
            actual.lines().nth(first),
            expected.lines().nth(first),
        );
    }
}
