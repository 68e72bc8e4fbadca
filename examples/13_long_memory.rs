//! Memory over many steps: `Rnn`, `Lstm` and `Gru` on the same task, from
//! the same seed, with `||dL/dh_t||` measured against `t`.
//!
//! Task: a sequence of `T` steps of two features, a value uniform in
//! `[-1, 1]` and a marker. The marker is 1 at step 1 only; every later
//! step carries fresh noise in the value channel. The class is the sign of
//! the marked value, read from the last hidden state by a `Dense<16, 2>`
//! (cross-entropy; chance is 50%). Remembering it means carrying one
//! number through `T - 1` steps of distractors, and learning to do so
//! needs the gradient of the loss at step `T` to reach `h_1`.
//!
//! The argument (Bengio, Simard and Frasconi, "Learning long-term
//! dependencies with gradient descent is difficult", IEEE Trans. Neural
//! Networks 5(2), 1994; Goodfellow, Bengio and Courville, *Deep Learning*,
//! 2016, sections 8.2.5 and 10.7): in an Elman network `dL/dh_t` is
//! `dL/dh_T` multiplied by `T - t` Jacobians `W_hh^T diag(1 - h^2)`, which
//! shrink it geometrically, so the signal from step 1 vanishes as `T`
//! grows. The LSTM's cell (Hochreiter and Schmidhuber, 1997) carries the
//! gradient through `c_t = f_t c_{t-1} + ...`, multiplied only by the
//! forget gate; the GRU's state through `h_t = z_t h_{t-1} + ...`, by its
//! update gate. Those paths are open when the gates are near 1.
//!
//! Each kind is trained with 16 hidden units for 1000 steps of Adam (lr
//! 5e-3) on fresh batches of 32, the gradient clipped to norm 1 by the
//! loop below (constnet has no clipping built in; without it the LSTM did
//! not learn T = 50 here), and tested on 256 held-out sequences. Stated
//! plainly, the gated kinds are given one change from PyTorch's
//! initialization through the public parameter API: the bias of the LSTM's
//! forget gate and of the GRU's update gate is 3 (`bias_ih_l0` block, with
//! the `bias_hh_l0` block 0), so each gate starts at `sigmoid(3) = 0.95`
//! (the LSTM forget-gate bias of Jozefowicz, Zaremba and Sutskever, ICML
//! 2015, is 1; with 1, or with PyTorch's default, neither gated kind
//! learned T = 50 in this budget, and the last rows show the default). The
//! `Rnn` has no gate to set.
//!
//! The run fails (non-zero exit) when the qualitative result does not
//! hold: every kind above 90% at T = 10, the LSTM and GRU above 90% at
//! T = 50, the `Rnn` below 70% there.
//!
//! Run: `cargo run --release --example long_memory`

use std::error::Error as StdError;
use std::fmt::Write as _;
use std::time::Instant;

use constnet::diagnostics::gradient_flow::{HiddenGradientProfile, record_gradients};
use constnet::prelude::*;

/// Hidden units of every recurrent layer.
const HIDDEN: usize = 16;
/// Sequences per training step.
const BATCH: usize = 32;
/// Held-out sequences (accuracy and the gradient profiles).
const TEST: usize = 256;
/// Adam steps per kind and length.
const TRAIN_STEPS: usize = 1000;
/// Adam's learning rate.
const LR: f64 = 5e-3;
/// The largest Euclidean norm of a gradient the loop applies.
const CLIP: f64 = 1.0;
/// The forget-gate (LSTM) and update-gate (GRU) bias.
const GATE_BIAS: f32 = 3.0;
/// The steps at which `||dL/dh_t||` is printed (those up to `T`).
const SHOWN: [usize; 4] = [1, 10, 25, 50];

type Outcome<T> = Result<T, Box<dyn StdError>>;

/// A declared network of one recurrent kind over `T` steps, with access to
/// the `dL/dh_t` its backward pass recorded.
trait Memory<const IN: usize, const P: usize, const T: usize>: Network<f32, IN, 2, P> {
    /// `||dL/dh_t||` for `t = 1..=T` from a training cache.
    fn profile<const B: usize>(cache: &Self::Cache<B>) -> HiddenGradientProfile<T>;
}

/// Declares `$name { rec: $kind<2, 16, $steps>, out: Dense<16, 2> }` and
/// its [`Memory`].
macro_rules! memory_net {
    ($name:ident, $cache:ident, $kind:ident, $steps:literal) => {
        network! {
            /// A recurrent layer over the sequence, a classifier on its last state.
            pub struct $name {
                rec: $kind<2, 16, $steps>,
                out: Dense<16, 2>,
            }
        }

        impl Memory<{ 2 * $steps }, { <$name>::PARAMS }, $steps> for $name<f32> {
            fn profile<const B: usize>(cache: &$cache<f32, B>) -> HiddenGradientProfile<$steps> {
                HiddenGradientProfile::of(&cache.rec_cache)
            }
        }
    };
}

memory_net!(Rnn10, Rnn10Cache, Rnn, 10);
memory_net!(Lstm10, Lstm10Cache, Lstm, 10);
memory_net!(Gru10, Gru10Cache, Gru, 10);
memory_net!(Rnn25, Rnn25Cache, Rnn, 25);
memory_net!(Lstm25, Lstm25Cache, Lstm, 25);
memory_net!(Gru25, Gru25Cache, Gru, 25);
memory_net!(Rnn50, Rnn50Cache, Rnn, 50);
memory_net!(Lstm50, Lstm50Cache, Lstm, 50);
memory_net!(Gru50, Gru50Cache, Gru, 50);

/// A batch of `B` sequences of `T` steps (time-major: value, marker) and
/// their classes (1 when the marked value is positive).
fn sequences<const IN: usize, const T: usize, const B: usize>(
    rng: &mut Rng,
) -> (SMatrix<f32, IN, B>, [usize; B]) {
    let mut x = SMatrix::<f32, IN, B>::zeros();
    let mut classes = [0; B];
    for b in 0..B {
        for t in 0..T {
            x[(2 * t, b)] = rng.uniform_in(-1.0, 1.0) as f32;
        }
        x[(1, b)] = 1.0;
        classes[b] = usize::from(x[(0, b)] > 0.0);
    }
    (x, classes)
}

/// Sets the second gate block of both biases of the recurrent layer (the
/// LSTM's forget gate `f` in `(i, f, g, o)`, the GRU's update gate `z` in
/// `(r, z, n)`): `bias_ih_l0` to `GATE_BIAS`, `bias_hh_l0` to 0.
fn open_gate<N: Network<f32, IN, 2, P>, const IN: usize, const P: usize>(net: &mut N) {
    for tensor in N::parameter_tensors().filter(|t| t.layer == "rec") {
        let block = tensor.offset + HIDDEN..tensor.offset + 2 * HIDDEN;
        match tensor.shape.name {
            "bias_ih_l0" => net.parameters_mut()[block].fill(GATE_BIAS),
            "bias_hh_l0" => net.parameters_mut()[block].fill(0.0),
            _ => {}
        }
    }
}

/// What one training run measured.
struct Run<const T: usize> {
    /// Held-out accuracy after training.
    accuracy: f64,
    /// `||dL/dh_t||` on the held-out batch at initialization.
    before: HiddenGradientProfile<T>,
    /// The same after training.
    after: HiddenGradientProfile<T>,
    /// Seconds the training took.
    seconds: f64,
}

/// The profile of `dL/dh_t` on the held-out batch.
fn profile<N: Memory<IN, P, T>, const IN: usize, const P: usize, const T: usize>(
    net: &N,
    (x, classes): &(SMatrix<f32, IN, TEST>, [usize; TEST]),
) -> Outcome<HiddenGradientProfile<T>> {
    let mut cache = N::Cache::<TEST>::zeroed();
    let mut gradient = [0.0; P];
    record_gradients(net, &CrossEntropy, x, classes, &mut cache, &mut gradient)?;
    Ok(N::profile(&cache))
}

/// Trains a freshly initialized network (seed 1) on sequences from seed 3,
/// the gate bias set first when `gate`.
fn train<N: Memory<IN, P, T>, const IN: usize, const P: usize, const T: usize>(
    gate: bool,
) -> Outcome<Run<T>> {
    let held_out = sequences::<IN, T, TEST>(&mut Rng::seed_from(99));
    let mut net = N::initialized(&mut Rng::seed_from(1));
    if gate {
        open_gate(&mut net);
    }
    let before = profile(&net, &held_out)?;
    let mut adam = Adam::new(AdamConfig {
        lr: LR,
        ..AdamConfig::default()
    })?;
    let mut rng = Rng::seed_from(3);
    let mut gradient = [0.0; P];
    let started = Instant::now();
    for _ in 0..TRAIN_STEPS {
        let (x, classes) = sequences::<IN, T, BATCH>(&mut rng);
        net.loss_and_gradient(&CrossEntropy, &x, &classes, &mut gradient)?;
        let norm = gradient
            .iter()
            .map(|g| f64::from(*g).powi(2))
            .sum::<f64>()
            .sqrt();
        if norm > CLIP {
            let factor = (CLIP / norm) as f32;
            for g in &mut gradient {
                *g *= factor;
            }
        }
        adam.step(net.parameters_mut(), &gradient);
    }
    let seconds = started.elapsed().as_secs_f64();
    let logits = net.forward(&held_out.0);
    let correct = (0..TEST)
        .filter(|&b| usize::from(logits[(1, b)] > logits[(0, b)]) == held_out.1[b])
        .count();
    Ok(Run {
        accuracy: correct as f64 / TEST as f64,
        before,
        after: profile(&net, &held_out)?,
        seconds,
    })
}

/// One profile as `t=1 1.2e-3  t=10 ...  1/T ratio`.
fn line<const T: usize>(profile: &HiddenGradientProfile<T>) -> String {
    let mut text = String::new();
    for t in SHOWN.into_iter().filter(|&t| t <= T) {
        // Writing into a String cannot fail.
        let _ = write!(text, "  t={t:<2} {:8.2e}", profile.norms[t - 1]);
    }
    let ratio = profile.end_to_end().unwrap_or(f64::NAN);
    format!("{text:<56}  ratio {ratio:8.2e}")
}

/// Prints a run and returns its accuracy.
fn report<const T: usize>(kind: &str, run: &Run<T>) -> f64 {
    println!(
        "  {kind:<13} accuracy {:5.1}%   ({:.1} s)",
        100.0 * run.accuracy,
        run.seconds
    );
    println!("    initialized {}", line(&run.before));
    println!("    trained     {}", line(&run.after));
    run.accuracy
}

/// Trains the three kinds at `T` steps and returns their accuracies.
fn lengths<
    R,
    L,
    G,
    const IN: usize,
    const PR: usize,
    const PL: usize,
    const PG: usize,
    const T: usize,
>() -> Outcome<[f64; 3]>
where
    R: Memory<IN, PR, T>,
    L: Memory<IN, PL, T>,
    G: Memory<IN, PG, T>,
{
    println!();
    println!("T = {T}: ||dL/dh_t|| on the held-out batch; ratio = ||dL/dh_1|| / ||dL/dh_{T}||");
    Ok([
        report("Rnn", &train::<R, IN, PR, T>(false)?),
        report("Lstm (f 3)", &train::<L, IN, PL, T>(true)?),
        report("Gru (z 3)", &train::<G, IN, PG, T>(true)?),
    ])
}

fn main() -> Outcome<()> {
    println!(
        "Remember the sign of the value marked at step 1 through T - 1 steps of noise; \
         {HIDDEN} hidden units, {TRAIN_STEPS} Adam steps, batches of {BATCH}, \
         {TEST} held-out sequences (chance 50%)"
    );
    let started = Instant::now();
    let short = lengths::<
        Rnn10,
        Lstm10,
        Gru10,
        20,
        { <Rnn10>::PARAMS },
        { <Lstm10>::PARAMS },
        { <Gru10>::PARAMS },
        10,
    >()?;
    lengths::<
        Rnn25,
        Lstm25,
        Gru25,
        50,
        { <Rnn25>::PARAMS },
        { <Lstm25>::PARAMS },
        { <Gru25>::PARAMS },
        25,
    >()?;
    let long = lengths::<
        Rnn50,
        Lstm50,
        Gru50,
        100,
        { <Rnn50>::PARAMS },
        { <Lstm50>::PARAMS },
        { <Gru50>::PARAMS },
        50,
    >()?;
    println!();
    println!("T = 50 with PyTorch's initialization for the gated kinds too (no gate bias)");
    report(
        "Lstm",
        &train::<Lstm50, 100, { <Lstm50>::PARAMS }, 50>(false)?,
    );
    report("Gru", &train::<Gru50, 100, { <Gru50>::PARAMS }, 50>(false)?);
    println!();
    println!("total {:.1} s", started.elapsed().as_secs_f64());

    let mut failures = Vec::new();
    if short.iter().any(|&a| a < 0.9) {
        failures.push(format!("a kind is below 90% at T = 10: {short:?}"));
    }
    if long[1] < 0.9 || long[2] < 0.9 {
        failures.push(format!("Lstm or Gru is below 90% at T = 50: {long:?}"));
    }
    if long[0] >= 0.7 {
        failures.push(format!("the Rnn reached {:.1}% at T = 50", 100.0 * long[0]));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; ").into())
    }
}
