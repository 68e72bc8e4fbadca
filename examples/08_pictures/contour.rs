//! Contour lines of a function sampled on a grid, by marching squares,
//! joined into polylines (so a picture holds a few paths, not thousands of
//! segments).

use std::collections::HashMap;

/// A point where a contour crosses a grid edge: the edge's lower-left
/// corner and whether it runs along x (`true`) or y.
type EdgeKey = (usize, usize, bool);

/// `values[i + n * j]` at `(xs[i], ys[j])`; the polylines where the
/// function equals `level`.
pub fn lines(values: &[f64], xs: &[f64], ys: &[f64], level: f64) -> Vec<Vec<(f64, f64)>> {
    let n = xs.len();
    let at = |i: usize, j: usize| values[i + n * j];
    let point = |key: EdgeKey| -> (f64, f64) {
        let (i, j, along_x) = key;
        let (a, b) = if along_x {
            (at(i, j), at(i + 1, j))
        } else {
            (at(i, j), at(i, j + 1))
        };
        let s = if a == b {
            0.5
        } else {
            ((level - a) / (b - a)).clamp(0.0, 1.0)
        };
        if along_x {
            (xs[i] + s * (xs[i + 1] - xs[i]), ys[j])
        } else {
            (xs[i], ys[j] + s * (ys[j + 1] - ys[j]))
        }
    };
    let mut segments: Vec<(EdgeKey, EdgeKey)> = Vec::new();
    for j in 0..ys.len() - 1 {
        for i in 0..n - 1 {
            let corners = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)];
            let case = corners
                .iter()
                .enumerate()
                .fold(0, |c, (k, v)| c | (usize::from(*v > level) << k));
            let (bottom, right, top, left) = (
                (i, j, true),
                (i + 1, j, false),
                (i, j + 1, true),
                (i, j, false),
            );
            let center_above = corners.iter().sum::<f64>() / 4.0 > level;
            let pairs: &[(EdgeKey, EdgeKey)] = match case {
                0 | 15 => &[],
                1 | 14 => &[(left, bottom)],
                2 | 13 => &[(bottom, right)],
                3 | 12 => &[(left, right)],
                4 | 11 => &[(right, top)],
                6 | 9 => &[(bottom, top)],
                7 | 8 => &[(left, top)],
                5 if center_above => &[(left, top), (bottom, right)],
                5 => &[(left, bottom), (right, top)],
                10 if center_above => &[(left, bottom), (right, top)],
                _ => &[(left, top), (bottom, right)],
            };
            segments.extend_from_slice(pairs);
        }
    }
    join(&segments)
        .into_iter()
        .map(|chain| chain.into_iter().map(point).collect())
        .collect()
}

/// Chains segments that share an endpoint into polylines.
fn join(segments: &[(EdgeKey, EdgeKey)]) -> Vec<Vec<EdgeKey>> {
    let mut ends: HashMap<EdgeKey, Vec<usize>> = HashMap::new();
    for (k, (a, b)) in segments.iter().enumerate() {
        ends.entry(*a).or_default().push(k);
        ends.entry(*b).or_default().push(k);
    }
    let mut used = vec![false; segments.len()];
    let mut chains = Vec::new();
    for start in 0..segments.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let mut chain = vec![segments[start].0, segments[start].1];
        // Grow at the tail, then at the head.
        for _ in 0..2 {
            loop {
                let tail = *chain.last().unwrap_or(&segments[start].1);
                let next = ends
                    .get(&tail)
                    .and_then(|ks| ks.iter().copied().find(|&k| !used[k]));
                let Some(k) = next else { break };
                used[k] = true;
                let (a, b) = segments[k];
                chain.push(if a == tail { b } else { a });
            }
            chain.reverse();
        }
        chains.push(chain);
    }
    chains
}
