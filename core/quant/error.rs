//! What can go wrong when a float network is quantized.

use core::fmt;

/// Why a quantization step refused its input. Nothing in the int8
/// inference path fails: every check happens here, at conversion.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum QuantError {
    /// The calibration data set has no samples.
    EmptyCalibration,
    /// A calibration value (an input, or an activation the float network
    /// computed from it) is NaN or infinite.
    NonFiniteCalibration {
        /// Which tensor: 0 is the network's input, `k` the output of layer `k`.
        tensor: usize,
        /// Index of the sample in the calibration set.
        sample: usize,
    },
    /// A weight or bias of the float network is NaN or infinite.
    NonFiniteParameter {
        /// Index of the layer in the declaration.
        layer: usize,
        /// Index of the value in the layer's flat parameters.
        index: usize,
    },
    /// A range given or measured is not usable (min > max, or not finite).
    InvalidRange {
        /// The lower end.
        min: f64,
        /// The upper end.
        max: f64,
    },
    /// A calibration option is outside its valid range (a percentile not
    /// in `(50, 100]`).
    InvalidOption {
        /// The option's name.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// A real multiplier (`s_in * s_w / s_out`) cannot be written as
    /// TensorFlow Lite's 32-bit fixed-point multiplier: negative, NaN,
    /// infinite, or at least `2^30`.
    Multiplier {
        /// The multiplier.
        value: f64,
    },
    /// A bias does not fit the int32 accumulator at scale `s_in * s_w[c]`
    /// (the weights of that channel are tiny next to its bias).
    BiasOverflow {
        /// Index of the layer in the declaration.
        layer: usize,
        /// The output channel.
        channel: usize,
        /// The bias divided by its scale, which must lie in the `i32` range.
        scaled: f64,
    },
    /// A slice or a layer list of the wrong length: a chain of layers that
    /// does not describe the network (its parameters, buffers or layers),
    /// or scratch slices not sized one per tensor.
    Length {
        /// What was counted.
        what: &'static str,
        /// The length required.
        expected: usize,
        /// The length given.
        found: usize,
    },
}

impl fmt::Display for QuantError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::EmptyCalibration => write!(f, "the calibration set is empty"),
            Self::NonFiniteCalibration { tensor, sample } => write!(
                f,
                "calibration sample {sample} gives a NaN or infinite value in tensor {tensor}"
            ),
            Self::NonFiniteParameter { layer, index } => {
                write!(f, "parameter {index} of layer {layer} is NaN or infinite")
            }
            Self::InvalidRange { min, max } => {
                write!(f, "[{min}, {max}] is not a finite range with min <= max")
            }
            Self::InvalidOption { name, value } => {
                write!(f, "calibration option `{name}` = {value} is out of range")
            }
            Self::Multiplier { value } => write!(
                f,
                "the real multiplier {value} has no 32-bit fixed-point form (needs 0 <= M < 2^30)"
            ),
            Self::BiasOverflow {
                layer,
                channel,
                scaled,
            } => write!(
                f,
                "the bias of channel {channel} of layer {layer} is {scaled} times its scale, outside i32"
            ),
            Self::Length {
                what,
                expected,
                found,
            } => write!(f, "{found} {what} given where {expected} are needed"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for QuantError {}
