//! The generator of random, extreme and mutated inputs, and the harness
//! that runs every case under `catch_unwind` and counts what happened.

use std::panic::{AssertUnwindSafe, catch_unwind};

use constnet::rng::Rng;
use constnet::scalar::Float;

/// Cases per entry point: 200 by default (the whole suite takes about a
/// second), `CONSTNET_FUZZ_CASES` for a longer run.
fn cases() -> usize {
    std::env::var("CONSTNET_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

/// The seed of the whole run: `CONSTNET_FUZZ_SEED`, default 1.
fn seed() -> u64 {
    std::env::var("CONSTNET_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

/// Values at the edges of `f64` and `f32`, and of every range a
/// hyper-parameter is checked against.
const SPECIAL: [f64; 32] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    2.0,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::MAX,
    -f64::MAX,
    f64::MIN_POSITIVE,
    5e-324,
    -5e-324,
    f64::EPSILON,
    1.0 - f64::EPSILON,
    1.0 + f64::EPSILON,
    0.999_999_99,
    f32::MAX as f64,
    -(f32::MAX as f64),
    1e39,
    -1e39,
    1e-39,
    1e-46,
    1e-50,
    1e300,
    -1e300,
    1e-300,
    1.5,
    -0.5,
    100.0,
    0.1,
];

/// Counts that are edges: empty, one, the batch sizes used, powers of two
/// past memory, the top of `usize`.
const SPECIAL_COUNTS: [usize; 14] = [
    0,
    1,
    2,
    3,
    4,
    7,
    8,
    64,
    1 << 20,
    1 << 32,
    1 << 40,
    usize::MAX / 2,
    usize::MAX - 1,
    usize::MAX,
];

/// A seeded source of inputs.
pub struct Gen {
    rng: Rng,
}

impl Gen {
    /// Any `f64`: an edge value, a magnitude anywhere from `1e-320` to
    /// `1e308` with either sign, or a moderate value.
    pub fn f64(&mut self) -> f64 {
        match self.rng.below(10) {
            0..=3 => SPECIAL[self.rng.below(SPECIAL.len())],
            4..=6 => {
                let exponent = self.rng.uniform_in(-320.0, 308.0);
                self.rng.sign() * 10f64.powf(exponent)
            }
            _ => self.moderate(),
        }
    }

    /// A value in `[-3, 3)`.
    pub fn moderate(&mut self) -> f64 {
        self.rng.uniform_in(-3.0, 3.0)
    }

    /// Mostly moderate, sometimes anything.
    pub fn mostly_moderate(&mut self) -> f64 {
        if self.rng.below(5) == 0 {
            self.f64()
        } else {
            self.moderate()
        }
    }

    /// A count: an edge or a small number.
    pub fn count(&mut self) -> usize {
        if self.rng.below(3) == 0 {
            SPECIAL_COUNTS[self.rng.below(SPECIAL_COUNTS.len())]
        } else {
            self.rng.below(12)
        }
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.rng.below(n)
    }

    /// A coin flip.
    pub fn coin(&mut self) -> bool {
        self.rng.below(2) == 0
    }

    /// A seed.
    pub fn u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// One of `items`.
    pub fn pick<X: Copy>(&mut self, items: &[X]) -> X {
        items[self.rng.below(items.len())]
    }

    /// `len` values of `T`, mostly moderate; with `wild`, any.
    pub fn values<T: Float>(&mut self, len: usize, wild: bool) -> Vec<T> {
        (0..len)
            .map(|_| {
                let v = if wild {
                    self.f64()
                } else {
                    self.mostly_moderate()
                };
                T::of_f64(v)
            })
            .collect()
    }

    /// `usual` half of the time, else a number in `0..max` (a length that
    /// is right or wrong).
    pub fn usually(&mut self, usual: usize, max: usize) -> usize {
        if self.coin() { usual } else { self.below(max) }
    }

    /// Up to `max - 1` values, moderate or any.
    pub fn some_values<T: Float>(&mut self, max: usize) -> Vec<T> {
        let (len, wild) = (self.below(max), self.coin());
        self.values(len, wild)
    }

    /// Exactly `len` values, moderate or any.
    pub fn values_of<T: Float>(&mut self, len: usize) -> Vec<T> {
        let wild = self.coin();
        self.values(len, wild)
    }

    /// An array of moderate values of `T` (finite).
    pub fn array<T: Float, const N: usize>(&mut self) -> [T; N] {
        core::array::from_fn(|_| T::of_f64(self.moderate()))
    }

    /// An array of any values of `T`.
    pub fn wild_array<T: Float, const N: usize>(&mut self) -> [T; N] {
        core::array::from_fn(|_| T::of_f64(self.f64()))
    }
}

/// What a case found: the call accepted its input (and the result was
/// checked) or refused it with a typed error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    Refused,
}

/// `Err` describes a broken promise (an accepted call whose result is not
/// finite or not as documented).
pub type Outcome = Result<Verdict, String>;

/// `Accepted` after `valid` approves the value, `Refused` for an error.
pub fn typed<X, E: core::fmt::Display + core::fmt::Debug>(
    result: &Result<X, E>,
    valid: impl FnOnce(&X) -> Result<(), String>,
) -> Outcome {
    match result {
        Ok(value) => valid(value).map(|()| Verdict::Accepted),
        Err(error) => {
            // Every error renders a message (Display must not panic).
            let message = error.to_string();
            if message.is_empty() {
                Err(format!("{error:?} has an empty message"))
            } else {
                Ok(Verdict::Refused)
            }
        }
    }
}

/// Approves anything.
#[allow(clippy::unnecessary_wraps, reason = "the shape `typed` takes")]
pub fn any<X>(_: &X) -> Result<(), String> {
    Ok(())
}

/// `Ok` when every value is finite.
pub fn finite<T: Float>(values: &[T], what: &str) -> Result<(), String> {
    if values.iter().all(|v| v.finite()) {
        Ok(())
    } else {
        Err(format!("{what}: accepted, but not finite: {values:?}"))
    }
}

/// One entry point's counts.
struct Tally {
    name: &'static str,
    accepted: usize,
    refused: usize,
}

/// Runs cases and collects what went wrong.
pub struct Fuzz {
    group: &'static str,
    source: Gen,
    cases: usize,
    tallies: Vec<Tally>,
    failures: Vec<String>,
}

impl Fuzz {
    /// A run of the group `group`, seeded from the run's seed and the
    /// group's name so groups do not share inputs.
    pub fn new(group: &'static str) -> Self {
        let salt = group
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        Self {
            group,
            source: Gen {
                rng: Rng::seed_from(seed() ^ salt),
            },
            cases: cases(),
            tallies: Vec::new(),
            failures: Vec::new(),
        }
    }

    /// Runs `case` on fresh inputs, `cases()` times (or `scale` times
    /// fewer for an expensive entry point).
    pub fn check(
        &mut self,
        name: &'static str,
        scale: usize,
        mut case: impl FnMut(&mut Gen) -> Outcome,
    ) {
        let mut tally = Tally {
            name,
            accepted: 0,
            refused: 0,
        };
        for index in 0..(self.cases / scale.max(1)).max(1) {
            let source = &mut self.source;
            match catch_unwind(AssertUnwindSafe(|| case(source))) {
                Ok(Ok(Verdict::Accepted)) => tally.accepted += 1,
                Ok(Ok(Verdict::Refused)) => tally.refused += 1,
                Ok(Err(broken)) => self
                    .failures
                    .push(format!("{name}, case {index}: {broken}")),
                Err(payload) => {
                    let message = payload
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
                        .unwrap_or_default();
                    self.failures
                        .push(format!("{name}, case {index}: panicked: {message}"));
                }
            }
        }
        self.tallies.push(tally);
    }

    /// Prints the counts (to stderr, shown with `--nocapture`, and to
    /// `fuzz-counts-<group>.txt` in Cargo's test scratch directory,
    /// `target/tmp`, rewritten by every run) and fails on any panic or
    /// broken promise.
    pub fn finish(self) {
        use std::fmt::Write as _;
        let (mut accepted, mut refused) = (0, 0);
        let mut report = String::new();
        for tally in &self.tallies {
            accepted += tally.accepted;
            refused += tally.refused;
            let _ = writeln!(
                report,
                "fuzz {}: {:<44} {:>6} accepted {:>6} refused",
                self.group, tally.name, tally.accepted, tally.refused
            );
        }
        let _ = writeln!(
            report,
            "fuzz {}: {} entry points, {} cases: {accepted} accepted, {refused} refused, {} failures",
            self.group,
            self.tallies.len(),
            accepted + refused + self.failures.len(),
            self.failures.len()
        );
        eprint!("{report}");
        let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("fuzz-counts-{}.txt", self.group.replace(' ', "-")));
        // The report is a convenience; a read-only target must not fail the suite.
        let _ = std::fs::write(file, &report);
        assert!(
            self.failures.is_empty(),
            "{} failures in {}:\n{}",
            self.failures.len(),
            self.group,
            self.failures.join("\n")
        );
    }
}
