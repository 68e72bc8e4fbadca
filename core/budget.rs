//! The RAM a network needs, known at compile time.
//!
//! [`RamBudget`] turns a network type, its scalar and a batch size into
//! byte counts usable in `const` context, so a firmware can prove at
//! `cargo build` that training fits its RAM:
//!
//! ```
//! use constnet::budget::RamBudget;
//! use constnet::prelude::*;
//!
//! network! {
//!     /// SINE: 1 -> 16 -> 16 -> 1.
//!     pub struct Sine {
//!         fc1: Dense<1, 16>,
//!         act1: ReLU,
//!         fc2: Dense<16, 16>,
//!         act2: ReLU,
//!         out: Dense<16, 1>,
//!     }
//! }
//!
//! /// SINE in f32, trained on batches of 8.
//! type Budget = RamBudget<f32, Sine, 1, 1, 321, 8>;
//! const RAM: usize = 64 * 1024; // the part's RAM, less what the rest of the firmware takes
//! const _: () = assert!(
//!     Budget::training::<Adam<f32, 321>>() <= RAM,
//!     "SINE with Adam at B = 8 does not fit in RAM"
//! );
//! assert_eq!(Budget::PARAMETERS, 321 * 4);
//! assert_eq!(Budget::GRADIENTS, 321 * 4);
//! // Adam keeps two moments per parameter.
//! assert!(Budget::optimizer::<Adam<f32, 321>>() >= 2 * 321 * 4);
//! // The cache holds the input and every layer's output of the batch.
//! assert!(Budget::CACHE >= (1 + 16 + 16 + 16 + 16 + 1) * 8 * 4);
//! ```
//!
//! [`assert_fits_ram!`](crate::assert_fits_ram) says the same in one line,
//! reading the widths and the parameter count from the network type:
//!
//! ```
//! # use constnet::prelude::*;
//! # network! { pub struct Sine { fc1: Dense<1, 16>, act1: ReLU, fc2: Dense<16, 16>, act2: ReLU, out: Dense<16, 1> } }
//! constnet::assert_fits_ram!(Sine<f32>, batch = 8, Adam, 64 * 1024);
//! constnet::assert_fits_ram!(Sine<f32>, batch = 1, inference, 2 * 1024);
//! ```
//!
//! The state is exact (`size_of` of the network, the gradient, the
//! optimizer and the training cache). The stack is an upper bound from the
//! layer widths: inference keeps every layer's input and output alive, a
//! training step also the cache, the loss gradient and every layer's input
//! gradient, each counted twice (the compiler may keep a copy of a
//! returned matrix), plus [`FRAME_ALLOWANCE`] for call frames. The firmware
//! in `tests/firmware` checks, in the emulator, that the painted-stack
//! high-water mark of every program stays within the bound and that the
//! bound is within [`LOOSENESS`] times the measurement (release profile,
//! opt-level `"s"`; at opt-level 3 less stack is used and the bound is
//! looser).

use core::marker::PhantomData;
use core::mem::size_of;

use crate::network::{LayerInfo, Network};
use crate::scalar::Float;

/// Bytes of call frames, saved registers and small locals the stack
/// bounds add to the matrices they count.
pub const FRAME_ALLOWANCE: usize = 512;

/// How loose the stack bounds may be: the firmware checks that each bound
/// is at most this many times the stack a program measured.
pub const LOOSENESS: usize = 3;

/// The RAM of network `N` (scalar `T`, `I` inputs, `O` outputs, `P`
/// parameters) at batch size `B`, in bytes; every item is a `const`.
///
/// A budget that does not fit stops the build at the assertion:
///
/// ```compile_fail
/// use constnet::budget::RamBudget;
/// use constnet::prelude::*;
///
/// network! {
///     /// DIGITS: 64 -> 32 -> 10.
///     pub struct Digits { fc1: Dense<64, 32>, act: ReLU, out: Dense<32, 10> }
/// }
///
/// // 2410 parameters, a gradient and Adam's two moments: about 40 kB before the cache.
/// const _: () = assert!(
///     RamBudget::<f32, Digits, 64, 10, 2410, 8>::training::<Adam<f32, 2410>>() <= 32 * 1024,
///     "DIGITS with Adam does not fit in 32 KiB"
/// );
/// ```
pub struct RamBudget<T, N, const I: usize, const O: usize, const P: usize, const B: usize>(
    PhantomData<(T, N)>,
);

impl<T, N, const I: usize, const O: usize, const P: usize, const B: usize>
    RamBudget<T, N, I, O, P, B>
where
    T: Float,
    N: Network<T, I, O, P>,
{
    /// The flat parameters: `P * size_of::<T>()`.
    pub const PARAMETERS: usize = P * size_of::<T>();
    /// The buffers (running statistics).
    pub const BUFFERS: usize = N::BUFFERS * size_of::<T>();
    /// The whole network value (parameters, buffers, the count of tracked
    /// batches, padding): what a copy of it in RAM takes.
    pub const NETWORK: usize = size_of::<N>();
    /// A gradient: `P * size_of::<T>()`.
    pub const GRADIENTS: usize = P * size_of::<T>();
    /// The training cache of a batch of `B`: every layer's output and cache.
    pub const CACHE: usize = size_of::<N::Cache<B>>();
    /// A batch of inputs, `I x B`.
    pub const BATCH: usize = I * B * size_of::<T>();
    /// Upper bound of the stack of `forward` on `B` samples (the input and
    /// output excluded: they are the caller's).
    pub const INFERENCE_STACK: usize =
        2 * (outputs(N::LAYERS) + inputs(N::LAYERS)) * B * size_of::<T>() + FRAME_ALLOWANCE;
    /// Upper bound of the stack of `loss_and_gradient` on `B` samples (the
    /// input, targets and gradient excluded: they are the caller's).
    pub const TRAINING_STEP_STACK: usize = Self::CACHE
        + 2 * (outputs(N::LAYERS) + inputs(N::LAYERS) + O) * B * size_of::<T>()
        + FRAME_ALLOWANCE;

    /// The state of optimizer `Opt` (`size_of`: its buffers, moments and
    /// settings), e.g. `optimizer::<Adam<f32, 321>>()`.
    #[must_use]
    pub const fn optimizer<Opt>() -> usize {
        size_of::<Opt>()
    }

    /// Everything on-device training holds at its peak: a copy of the
    /// network, a gradient, the optimizer, one input batch and the training
    /// step's stack.
    #[must_use]
    pub const fn training<Opt>() -> usize {
        Self::NETWORK
            + Self::GRADIENTS
            + Self::optimizer::<Opt>()
            + Self::BATCH
            + Self::TRAINING_STEP_STACK
    }

    /// Inference from a network in flash: one input batch, its output and
    /// the stack of `forward`.
    #[must_use]
    pub const fn inference() -> usize {
        Self::BATCH + O * B * size_of::<T>() + Self::INFERENCE_STACK
    }
}

/// The sum of the layers' output widths.
const fn outputs(layers: &[LayerInfo]) -> usize {
    let (mut total, mut k) = (0, 0);
    while k < layers.len() {
        total += layers[k].outputs;
        k += 1;
    }
    total
}

/// The sum of the layers' input widths.
const fn inputs(layers: &[LayerInfo]) -> usize {
    let (mut total, mut k) = (0, 0);
    while k < layers.len() {
        total += layers[k].inputs;
        k += 1;
    }
    total
}

/// A compile-time proof that a network fits a RAM budget: a `const`
/// assertion that fails the build, naming the network, when it does not.
///
/// - `assert_fits_ram!(Net<T>, batch = B, Opt, RAM)`: on-device training
///   with optimizer `Opt` (`Sgd`, `Adam`, `AdamW`, `RmsProp`: any
///   `Opt<T, P>`) at batch size `B` fits `RAM` bytes, i.e.
///   [`RamBudget::training::<Opt<T, P>>()`](RamBudget::training) `<= RAM`.
/// - `assert_fits_ram!(Net<T>, batch = B, inference, RAM)`: inference on
///   `B` samples from a network in flash fits, i.e.
///   [`RamBudget::inference()`](RamBudget::inference) `<= RAM`.
///
/// The input and output widths and the parameter count are read from the
/// network type (`Net::INPUT`, `Net::OUTPUT`, `Net::PARAMS`), so nothing
/// but the batch size is written twice. `Net` is a type name or path
/// declared by [`network!`](crate::network!); for other optimizer types
/// (a `Scheduled` one) write the [`RamBudget`] assertion out.
///
/// ```compile_fail
/// use constnet::prelude::*;
///
/// network! {
///     /// DIGITS: 64 -> 32 -> 10, 2410 parameters.
///     pub struct Digits { fc1: Dense<64, 32>, act: ReLU, out: Dense<32, 10> }
/// }
///
/// // Parameters, gradient and Adam's two moments: about 40 kB before the cache.
/// constnet::assert_fits_ram!(Digits<f32>, batch = 8, Adam, 32 * 1024);
/// ```
#[macro_export]
macro_rules! assert_fits_ram {
    ($($net:ident)::+ <$scalar:ty>, batch = $batch:expr, inference, $ram:expr $(,)?) => {
        const _: () = {
            type Budget = $crate::__fits_ram_budget!($($net)::+, $scalar, $batch);
            ::core::assert!(
                Budget::inference() <= $ram,
                ::core::concat!(
                    ::core::stringify!($($net)::+), " inference at batch ",
                    ::core::stringify!($batch), " does not fit in ",
                    ::core::stringify!($ram), " bytes"
                )
            );
        };
    };
    ($($net:ident)::+ <$scalar:ty>, batch = $batch:expr, $optimizer:ident, $ram:expr $(,)?) => {
        const _: () = {
            type Budget = $crate::__fits_ram_budget!($($net)::+, $scalar, $batch);
            type Optimizer = $optimizer<$scalar, { $($net)::+::<::core::primitive::f32>::PARAMS }>;
            ::core::assert!(
                Budget::training::<Optimizer>() <= $ram,
                ::core::concat!(
                    ::core::stringify!($($net)::+), " training with ",
                    ::core::stringify!($optimizer), " at batch ", ::core::stringify!($batch),
                    " does not fit in ", ::core::stringify!($ram), " bytes"
                )
            );
        };
    };
}

/// The [`RamBudget`] type of a declared network, its widths and parameter
/// count read from it (what [`assert_fits_ram!`] expands to). Not a public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __fits_ram_budget {
    ($($net:ident)::+, $scalar:ty, $batch:expr) => {
        $crate::budget::RamBudget::<
            $scalar,
            $($net)::+<$scalar>,
            { $($net)::+::<::core::primitive::f32>::INPUT },
            { $($net)::+::<::core::primitive::f32>::OUTPUT },
            { $($net)::+::<::core::primitive::f32>::PARAMS },
            { $batch },
        >
    };
}
