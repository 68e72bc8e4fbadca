//! Close-match suggestions for misspelled names (kinds, argument keys):
//! the candidate a small number of edits away, when exactly one is.

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
