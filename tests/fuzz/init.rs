//! Initializers (constructors, hand-written variants, filling) and the
//! run-time forms of layer settings.

use constnet::init::{FanMode, Fans, Init, Nonlinearity};
use constnet::layer::{BatchNorm, Dense, LeakyReLU, Rnn};
use constnet::rng::Rng;

use crate::harness::{Fuzz, Gen, Outcome, Verdict, any, finite, typed};

#[allow(clippy::too_many_lines, reason = "one check per entry point")]
pub fn run() {
    let mut fuzz = Fuzz::new("init");
    fuzz.check("Init::try_* and fill, f32 and f64", 1, |g| {
        let init = constructed(g);
        checked_fill(g, init)
    });
    fuzz.check("Init variants by hand: validate and fill", 1, |g| {
        let init = by_hand(g);
        checked_fill(g, init)
    });
    fuzz.check("Init::fill_weight with any shape and slice", 1, |g| {
        let init = by_hand(g);
        let mut values = vec![0.0_f32; g.below(20)];
        let (rows, cols) = (g.count(), g.count());
        let fans = Fans::new(g.count(), g.count());
        init.fill_weight(&mut values, rows, cols, fans, &mut Rng::seed_from(g.u64()));
        init.fill_bias(&mut values, fans, &mut Rng::seed_from(g.u64()));
        Ok(Verdict::Accepted)
    });
    fuzz.check("Dense/Rnn try_weight_init, try_bias_init", 1, |g| {
        let init = by_hand(g);
        let valid = init.validate().is_ok();
        let dense = Dense::<2, 3>::new().try_weight_init(init);
        let rnn = Rnn::<2, 3, 4>::new().try_bias_init(init);
        if dense.is_ok() != valid || rnn.is_ok() != valid {
            return Err(format!("{init:?}: the layer and Init::validate disagree"));
        }
        typed(&dense, any)
    });
    fuzz.check("BatchNorm::try_new", 1, |g| {
        let momentum = g.coin().then(|| g.f64());
        let eps = g.f64();
        typed(&BatchNorm::<3>::try_new(eps, momentum), |bn| {
            let narrow = bn.epsilon() as f32;
            if narrow > 0.0 && narrow.is_finite() {
                Ok(())
            } else {
                Err(format!("eps {eps} accepted but {narrow} in f32"))
            }
        })
    });
    fuzz.check("LeakyReLU::try_new", 1, |g| {
        let slope = g.f64();
        typed(&LeakyReLU::try_new(slope), |l| {
            finite(&[l.negative_slope as f32], "slope in f32")
        })
    });
    fuzz.finish();
}

fn nonlinearity(g: &mut Gen) -> Nonlinearity {
    g.pick(&[
        Nonlinearity::Linear,
        Nonlinearity::Conv,
        Nonlinearity::Sigmoid,
        Nonlinearity::Tanh,
        Nonlinearity::ReLU,
        Nonlinearity::LeakyReLU,
        Nonlinearity::Selu,
    ])
}

fn mode(g: &mut Gen) -> FanMode {
    g.pick(&[FanMode::FanIn, FanMode::FanOut])
}

/// An initializer from a `try_` constructor (or the error it gives).
fn constructed(g: &mut Gen) -> constnet::Result<Init> {
    let (a, b, c, d) = (g.f64(), g.f64(), g.f64(), g.f64());
    match g.below(10) {
        0 => Init::try_constant(a),
        1 => Init::try_uniform(a, b),
        2 => Init::try_normal(a, b),
        3 => Init::try_trunc_normal(a, b, c, d),
        4 => Init::try_xavier_uniform(a),
        5 => Init::try_xavier_normal(a),
        6 => Init::try_kaiming_uniform(a, mode(g), nonlinearity(g)),
        7 => Init::try_kaiming_normal(a, mode(g), nonlinearity(g)),
        8 => Init::try_orthogonal(a),
        _ => Init::try_sparse(a, b),
    }
}

/// Any variant, arguments unchecked.
fn by_hand(g: &mut Gen) -> Init {
    let (a, b, c, d) = (g.f64(), g.f64(), g.f64(), g.f64());
    match g.below(17) {
        0 => Init::TorchDefault,
        1 => Init::Zeros,
        2 => Init::Ones,
        3 => Init::Constant(a),
        4 => Init::Uniform { low: a, high: b },
        5 => Init::Normal { mean: a, std: b },
        6 => Init::TruncatedNormal {
            mean: a,
            std: b,
            a: c,
            b: d,
        },
        7 => Init::XavierUniform { gain: a },
        8 => Init::XavierNormal { gain: a },
        9 => Init::KaimingUniform {
            a,
            mode: mode(g),
            nonlinearity: nonlinearity(g),
        },
        10 => Init::KaimingNormal {
            a,
            mode: mode(g),
            nonlinearity: nonlinearity(g),
        },
        11 => Init::LecunUniform,
        12 => Init::LecunNormal,
        13 => Init::Orthogonal { gain: a },
        14 => Init::Eye,
        15 => Init::Sparse {
            sparsity: a,
            std: b,
        },
        _ => Init::TruncatedNormal {
            // Cutoffs far in a tail, where the sampler rejects.
            mean: 0.0,
            std: 1.0,
            a: 8.0 + 30.0 * b.abs().min(1.0),
            b: 8.0 + 30.0 * b.abs().min(1.0) + c.abs().min(5.0),
        },
    }
}

/// A valid initializer fills finite values in both scalars and keeps a
/// truncated normal inside its cutoffs; an invalid one is refused.
fn checked_fill(g: &mut Gen, init: impl Into<InitOrError>) -> Outcome {
    let init = match init.into().0 {
        Ok(init) => init,
        Err(error) => return typed::<(), _>(&Err(error), any),
    };
    let (rows, cols) = (1 + g.below(9), 1 + g.below(9));
    let fans = Fans::new(cols, rows);
    let seed = g.u64();
    let mut narrow = vec![0.0_f32; rows * cols];
    let mut wide = vec![0.0_f64; rows * cols];
    init.fill_weight(&mut narrow, rows, cols, fans, &mut Rng::seed_from(seed));
    init.fill_weight(&mut wide, rows, cols, fans, &mut Rng::seed_from(seed));
    match init.validate() {
        Ok(()) => {
            finite(&narrow, "f32 initial values")?;
            finite(&wide, "f64 initial values")?;
            if let Init::TruncatedNormal { a, b, .. } = init
                && !wide.iter().all(|v| (a..=b).contains(v))
            {
                return Err(format!("{init:?} drew outside its cutoffs: {wide:?}"));
            }
            Ok(Verdict::Accepted)
        }
        Err(error) => typed::<(), _>(&Err(error), any),
    }
}

/// An initializer or the error that refused it.
struct InitOrError(constnet::Result<Init>);

impl From<Init> for InitOrError {
    fn from(init: Init) -> Self {
        Self(Ok(init))
    }
}

impl From<constnet::Result<Init>> for InitOrError {
    fn from(result: constnet::Result<Init>) -> Self {
        Self(result)
    }
}
