//! serde for optimizers and schedules (feature `serde`): each optimizer is
//! written with its hyper-parameters and every array of its state under
//! PyTorch's names (`momentum_buffer`, `exp_avg`, `exp_avg_sq`,
//! `max_exp_avg_sq`, `step`, `square_avg`, `grad_avg`), so a training run
//! resumes exactly. Reading checks what the constructors check (the
//! config's `validate_for`, a schedule's `new`) and that the state is
//! finite, a second moment `>= 0`: [`Error::InvalidState`](crate::error::Error)
//! otherwise, as the format's custom error. Arrays go through
//! [`crate::serialize::array`]: no allocator.

use serde::de::{Deserialize, Deserializer, Error as _};
use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::adam::Moments;
use super::schedule::{CosineAnnealingLr, ExponentialLr, LinearLr, Scheduled, Sequential, StepLr};
use super::{Adam, AdamConfig, AdamW, AdamWConfig, RmsProp, RmsPropConfig, Sgd, SgdConfig};
use crate::error::check_non_negative;
use crate::scalar::Float;
use crate::serialize::{Values, array, check_finite, check_non_negative as check_moment};

/// The saved state of [`Sgd`], as read.
#[derive(serde::Deserialize)]
#[serde(
    rename = "Sgd",
    deny_unknown_fields,
    bound = "T: Float + Deserialize<'de>"
)]
struct SgdState<T, const P: usize> {
    config: SgdConfig,
    #[serde(with = "array")]
    momentum_buffer: [T; P],
    has_buffer: bool,
}

impl<T: Float + Serialize, const P: usize> Serialize for Sgd<T, P> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("Sgd", 3)?;
        state.serialize_field("config", &self.config)?;
        state.serialize_field("momentum_buffer", &Values(&self.momentum_buffer))?;
        state.serialize_field("has_buffer", &self.has_buffer)?;
        state.end()
    }
}

impl<'de, T: Float + Deserialize<'de>, const P: usize> Deserialize<'de> for Sgd<T, P> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let state = SgdState::<T, P>::deserialize(deserializer)?;
        state.config.validate_for::<T>().map_err(D::Error::custom)?;
        check_finite("Sgd", "momentum_buffer", &state.momentum_buffer).map_err(D::Error::custom)?;
        Ok(Self {
            config: state.config,
            momentum_buffer: state.momentum_buffer,
            has_buffer: state.has_buffer,
        })
    }
}

/// The saved state of [`Adam`] or [`AdamW`] (their config `C`), as read.
#[derive(serde::Deserialize)]
#[serde(
    deny_unknown_fields,
    bound = "T: Float + Deserialize<'de>, C: Deserialize<'de>"
)]
struct MomentState<T, C, const P: usize> {
    config: C,
    #[serde(with = "array")]
    exp_avg: [T; P],
    #[serde(with = "array")]
    exp_avg_sq: [T; P],
    #[serde(with = "array")]
    max_exp_avg_sq: [T; P],
    step: u64,
}

/// Writes a config and moments as `owner`.
fn serialize_moments<S, T, C, const P: usize>(
    owner: &'static str,
    config: &C,
    moments: &Moments<T, P>,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: Serialize,
    C: Serialize,
{
    let mut state = serializer.serialize_struct(owner, 5)?;
    state.serialize_field("config", config)?;
    state.serialize_field("exp_avg", &Values(&moments.m))?;
    state.serialize_field("exp_avg_sq", &Values(&moments.v))?;
    state.serialize_field("max_exp_avg_sq", &Values(&moments.v_max))?;
    state.serialize_field("step", &moments.t)?;
    state.end()
}

impl<T: Float, C, const P: usize> MomentState<T, C, P> {
    /// The moments, checked: `exp_avg` finite, the second moments finite
    /// and `>= 0`.
    fn moments(self, owner: &'static str) -> crate::error::Result<(C, Moments<T, P>)> {
        check_finite(owner, "exp_avg", &self.exp_avg)?;
        check_moment(owner, "exp_avg_sq", &self.exp_avg_sq)?;
        check_moment(owner, "max_exp_avg_sq", &self.max_exp_avg_sq)?;
        let moments = Moments {
            m: self.exp_avg,
            v: self.exp_avg_sq,
            v_max: self.max_exp_avg_sq,
            t: self.step,
        };
        Ok((self.config, moments))
    }
}

/// `Serialize` and `Deserialize` for Adam and AdamW, which share their state.
macro_rules! moment_optimizer {
    ($optimizer:ident, $config:ident) => {
        impl<T: Float + Serialize, const P: usize> Serialize for $optimizer<T, P> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serialize_moments(
                    stringify!($optimizer),
                    &self.config,
                    &self.moments,
                    serializer,
                )
            }
        }

        impl<'de, T: Float + Deserialize<'de>, const P: usize> Deserialize<'de>
            for $optimizer<T, P>
        {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let state = MomentState::<T, $config, P>::deserialize(deserializer)?;
                let (config, moments) = state
                    .moments(stringify!($optimizer))
                    .map_err(D::Error::custom)?;
                config.validate_for::<T>().map_err(D::Error::custom)?;
                Ok(Self { config, moments })
            }
        }
    };
}

moment_optimizer!(Adam, AdamConfig);
moment_optimizer!(AdamW, AdamWConfig);

/// The saved state of [`RmsProp`], as read.
#[derive(serde::Deserialize)]
#[serde(
    rename = "RmsProp",
    deny_unknown_fields,
    bound = "T: Float + Deserialize<'de>"
)]
struct RmsPropState<T, const P: usize> {
    config: RmsPropConfig,
    #[serde(with = "array")]
    square_avg: [T; P],
    #[serde(with = "array")]
    grad_avg: [T; P],
    #[serde(with = "array")]
    momentum_buffer: [T; P],
}

impl<T: Float + Serialize, const P: usize> Serialize for RmsProp<T, P> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("RmsProp", 4)?;
        state.serialize_field("config", &self.config)?;
        state.serialize_field("square_avg", &Values(&self.square_avg))?;
        state.serialize_field("grad_avg", &Values(&self.grad_avg))?;
        state.serialize_field("momentum_buffer", &Values(&self.momentum_buffer))?;
        state.end()
    }
}

impl<'de, T: Float + Deserialize<'de>, const P: usize> Deserialize<'de> for RmsProp<T, P> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let state = RmsPropState::<T, P>::deserialize(deserializer)?;
        let checked = state
            .config
            .validate_for::<T>()
            .and_then(|()| check_moment("RmsProp", "square_avg", &state.square_avg))
            .and_then(|()| check_finite("RmsProp", "grad_avg", &state.grad_avg))
            .and_then(|()| check_finite("RmsProp", "momentum_buffer", &state.momentum_buffer));
        checked.map_err(D::Error::custom)?;
        Ok(Self {
            config: state.config,
            square_avg: state.square_avg,
            grad_avg: state.grad_avg,
            momentum_buffer: state.momentum_buffer,
        })
    }
}

/// The saved state of a [`Scheduled`] optimizer, as read.
#[derive(serde::Deserialize)]
#[serde(rename = "Scheduled", deny_unknown_fields)]
struct ScheduledState<O, S> {
    optimizer: O,
    schedule: S,
    base_lr: f64,
    epoch: usize,
}

impl<O: Serialize, S: Serialize> Serialize for Scheduled<O, S> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        let mut state = serializer.serialize_struct("Scheduled", 4)?;
        state.serialize_field("optimizer", &self.optimizer)?;
        state.serialize_field("schedule", &self.schedule)?;
        state.serialize_field("base_lr", &self.base_lr)?;
        state.serialize_field("epoch", &self.epoch)?;
        state.end()
    }
}

/// The wrapped optimizer and the schedule are checked as they are read;
/// the base rate must be finite and `>= 0`. The optimizer's current rate
/// is the one saved (the schedule's rate of the saved epoch, or what
/// `set_learning_rate` made it for the rest of that epoch).
impl<'de, O: Deserialize<'de>, S: Deserialize<'de>> Deserialize<'de> for Scheduled<O, S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let state = ScheduledState::<O, S>::deserialize(deserializer)?;
        check_non_negative("base_lr", state.base_lr).map_err(D::Error::custom)?;
        Ok(Self {
            optimizer: state.optimizer,
            schedule: state.schedule,
            base_lr: state.base_lr,
            epoch: state.epoch,
        })
    }
}

/// `Serialize` of a schedule's fields, and `Deserialize` through its
/// checked constructor.
macro_rules! schedule {
    ($schedule:ident, $state:ident { $($field:ident: $ty:ty),* }, $build:expr) => {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $state {
            $($field: $ty),*
        }

        impl Serialize for $schedule {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let fields = [$(stringify!($field)),*].len();
                let mut state = serializer.serialize_struct(stringify!($schedule), fields)?;
                $(state.serialize_field(stringify!($field), &self.$field)?;)*
                state.end()
            }
        }

        impl<'de> Deserialize<'de> for $schedule {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let $state { $($field),* } = $state::deserialize(deserializer)?;
                $build.map_err(D::Error::custom)
            }
        }
    };
}

schedule!(
    StepLr,
    StepLrState {
        step_size: usize,
        gamma: f64
    },
    StepLr::new(step_size, gamma)
);
schedule!(
    ExponentialLr,
    ExponentialLrState { gamma: f64 },
    ExponentialLr::new(gamma)
);
schedule!(
    CosineAnnealingLr,
    CosineAnnealingLrState {
        t_max: usize,
        eta_min: f64
    },
    CosineAnnealingLr::new(t_max, eta_min)
);
schedule!(
    LinearLr,
    LinearLrState {
        start_factor: f64,
        end_factor: f64,
        total_iters: usize
    },
    LinearLr::new(start_factor, end_factor, total_iters)
);

/// The saved state of a [`Sequential`] schedule, as read.
#[derive(serde::Deserialize)]
#[serde(rename = "Sequential", deny_unknown_fields)]
struct SequentialState<A, B> {
    first: A,
    second: B,
    milestone: usize,
}

impl<A: Serialize, B: Serialize> Serialize for Sequential<A, B> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("Sequential", 3)?;
        state.serialize_field("first", &self.first)?;
        state.serialize_field("second", &self.second)?;
        state.serialize_field("milestone", &self.milestone)?;
        state.end()
    }
}

/// Each part is checked as it is read; any milestone is valid.
impl<'de, A: Deserialize<'de>, B: Deserialize<'de>> Deserialize<'de> for Sequential<A, B> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let state = SequentialState::<A, B>::deserialize(deserializer)?;
        Ok(Self {
            first: state.first,
            second: state.second,
            milestone: state.milestone,
        })
    }
}
