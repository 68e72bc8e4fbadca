//! The layer kinds the DSL knows ([`SPECS`]: sizes and argument keys of
//! each), and the "did you mean" hints for names that are close to one of
//! them or that other frameworks use.

use syn::{Error, Ident};

/// The layer kinds the DSL knows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dense,
    BatchNorm,
    Rnn,
    ReLU,
    LeakyReLU,
    Tanh,
    Sigmoid,
    Identity,
    Softmax,
}

/// How a kind's input width follows from its sizes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum InputWidth {
    /// The first size is the input width (`Dense<IN, OUT>`, `BatchNorm<N>`).
    FirstSize,
    /// The first size times the last (`Rnn<IN, HIDDEN, STEPS>` reads
    /// `IN x STEPS` features).
    FirstTimesLast,
    /// No sizes: the width of the previous layer passes through.
    Previous,
}

/// What the DSL accepts for one kind.
pub struct Spec {
    pub kind: Kind,
    pub name: &'static str,
    /// Names of the sizes, for messages; empty for width-preserving layers.
    pub sizes: &'static [&'static str],
    /// Accepted argument keys; the first is also the positional one.
    pub keys: &'static [&'static str],
    pub input: InputWidth,
}

pub const SPECS: &[Spec] = &[
    Spec {
        kind: Kind::Dense,
        name: "Dense",
        sizes: &["IN", "OUT"],
        keys: &["weight_init", "bias_init"],
        input: InputWidth::FirstSize,
    },
    Spec {
        kind: Kind::BatchNorm,
        name: "BatchNorm",
        sizes: &["N"],
        keys: &["eps", "momentum"],
        input: InputWidth::FirstSize,
    },
    Spec {
        kind: Kind::Rnn,
        name: "Rnn",
        sizes: &["IN", "HIDDEN", "STEPS"],
        keys: &["sequence", "weight_init", "bias_init"],
        input: InputWidth::FirstTimesLast,
    },
    Spec {
        kind: Kind::ReLU,
        name: "ReLU",
        sizes: &[],
        keys: &[],
        input: InputWidth::Previous,
    },
    Spec {
        kind: Kind::LeakyReLU,
        name: "LeakyReLU",
        sizes: &[],
        keys: &["negative_slope"],
        input: InputWidth::Previous,
    },
    Spec {
        kind: Kind::Tanh,
        name: "Tanh",
        sizes: &[],
        keys: &[],
        input: InputWidth::Previous,
    },
    Spec {
        kind: Kind::Sigmoid,
        name: "Sigmoid",
        sizes: &[],
        keys: &[],
        input: InputWidth::Previous,
    },
    Spec {
        kind: Kind::Identity,
        name: "Identity",
        sizes: &[],
        keys: &[],
        input: InputWidth::Previous,
    },
    Spec {
        kind: Kind::Softmax,
        name: "Softmax",
        sizes: &[],
        keys: &[],
        input: InputWidth::Previous,
    },
];

/// Names users bring from other frameworks, with what to write instead.
const ALIASES: &[(&str, &str)] = &[
    ("Linear", "Dense"),
    ("Relu", "ReLU"),
    ("LeakyRelu", "LeakyReLU"),
    ("BatchNorm1d", "BatchNorm"),
    ("RNN", "Rnn"),
    ("TanH", "Tanh"),
    ("SoftMax", "Softmax"),
    ("Logistic", "Sigmoid"),
];

pub fn kind_name(kind: Kind) -> &'static str {
    SPECS
        .iter()
        .find(|s| s.kind == kind)
        .map_or("?", |s| s.name)
}

/// The kinds that fix the width of their input, for messages.
pub fn width_fixing_kinds() -> String {
    let names: Vec<String> = SPECS
        .iter()
        .filter(|s| s.input != InputWidth::Previous)
        .map(|s| format!("`{}<{}>`", s.name, s.sizes.join(", ")))
        .collect();
    names.join(", ")
}

/// The error for a kind the DSL does not know, with a hint when the name is
/// another framework's, differs in case, or is a small typo away.
pub fn unknown_kind(kind: &Ident) -> Error {
    let name = kind.to_string();
    let known: Vec<&str> = SPECS.iter().map(|s| s.name).collect();
    let hint = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map(|(_, ours)| *ours)
        .or_else(|| closest(&name, &known));
    let message = match hint {
        Some(ours) => format!("unknown layer kind `{name}`; did you mean `{ours}`?"),
        None => format!(
            "unknown layer kind `{name}`; the known kinds are {}",
            known.join(", ")
        ),
    };
    Error::new(kind.span(), message)
}

/// The candidate closest to `name`: equal ignoring case, or at most two
/// edits away (and fewer edits than half the name), if exactly one is.
pub fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if let Some(same) = candidates.iter().find(|c| c.eq_ignore_ascii_case(name)) {
        return Some(same);
    }
    let lower = name.to_ascii_lowercase();
    let limit = 2.min(name.len() / 2);
    let mut best: Option<(usize, &str)> = None;
    let mut tied = false;
    for candidate in candidates {
        let distance = edit_distance(&lower, &candidate.to_ascii_lowercase());
        if distance > limit {
            continue;
        }
        match best {
            Some((d, _)) if d < distance => {}
            Some((d, _)) if d == distance => tied = true,
            _ => {
                best = Some((distance, candidate));
                tied = false;
            }
        }
    }
    best.filter(|_| !tied).map(|(_, candidate)| candidate)
}

/// Levenshtein distance (insertions, deletions, substitutions) over bytes.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::{closest, edit_distance};

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("dense", "dense"), 0);
        assert_eq!(edit_distance("dnse", "dense"), 1);
        assert_eq!(edit_distance("sigmod", "sigmoid"), 1);
        assert_eq!(edit_distance("tanh", "than"), 2);
        assert_eq!(edit_distance("", "relu"), 4);
    }

    #[test]
    fn closest_suggests_only_clear_matches() {
        let known = ["Dense", "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "Softmax"];
        assert_eq!(closest("relu", &known), Some("ReLU"));
        assert_eq!(closest("Dnse", &known), Some("Dense"));
        assert_eq!(closest("Sigmod", &known), Some("Sigmoid"));
        assert_eq!(closest("Conv2d", &known), None);
        // Too short to guess from.
        assert_eq!(closest("Tn", &known), None);
    }
}
