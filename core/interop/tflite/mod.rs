//! An int8 network as a `.tflite` file (`std`, feature `tflite`), for the
//! LiteRT interpreter, TensorFlow Lite Micro or any runtime that reads
//! TensorFlow Lite's flatbuffer format.
//!
//! A [`TfliteGraph`] collects tensors, constant buffers and operators; each
//! int8 layer adds its own operator ([`WriteTflite`]): `FULLY_CONNECTED`,
//! `CONV_2D` and `DEPTHWISE_CONV_2D` with per-channel int8 weights and
//! int32 biases, `MAX_POOL_2D`, `AVERAGE_POOL_2D`, `LOGISTIC`, `TANH`,
//! `SOFTMAX`, and ReLU/ReLU6 clamps, fused into the preceding fully
//! connected or convolution op as TensorFlow Lite's converter fuses them.
//! Images are `[1, H, W, C]` in the file and `(C, H, W)` in constnet: the
//! graph converts with `RESHAPE` and `TRANSPOSE` at the borders
//! (`spatial.rs`), so every flat tensor keeps the float network's order.
//! [`TfliteGraph::finish`] serializes the model with the `flatbuffers`
//! crate's builder (file identifier `TFL3`, schema version 3).
//!
//! The file stores the scales, not the integer multipliers: a runtime
//! derives `M_c = s_in * s_w[c] / s_out` itself. The writer stores, per
//! channel, the `f32` weight scale from which that derivation gives back
//! exactly the layer's multiplier (it is the scale the conversion used), so
//! the runtime computes the same integers as constnet.

mod conv;
mod layers;
mod schema;
mod spatial;
mod write;

use std::string::String;
use std::vec::Vec;

pub use layers::{WriteTflite, weight_scale_for};
pub use spatial::{ConvOp, Spatial};

use crate::quant::ActivationParams;
use schema::{activation, tensor_type};

/// A tensor of a [`TfliteGraph`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TensorId(usize);

/// Why a network cannot be written as a `.tflite` file.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum TfliteError {
    /// A clamp that is neither ReLU nor ReLU6 in its quantization (a
    /// `.tflite` file has no general clamp operator).
    UnsupportedClamp {
        /// The layer's name.
        layer: String,
        /// Its bounds.
        min: i8,
        /// Its upper bound.
        max: i8,
    },
    /// A padded max pooling whose windows TensorFlow Lite's `SAME` padding
    /// does not give (an explicit `PAD` would put the zero point among the
    /// values).
    Padding {
        /// The layer's name.
        layer: String,
    },
    /// No `f32` weight scale reproduces a channel's multiplier (the int8
    /// layer was not made from `f32` scales by constnet's conversion).
    WeightScale {
        /// The layer's name.
        layer: String,
        /// The output channel.
        channel: usize,
    },
}

impl core::fmt::Display for TfliteError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::UnsupportedClamp { layer, min, max } => write!(
                f,
                "layer `{layer}` clamps to [{min}, {max}], which is neither ReLU nor ReLU6"
            ),
            Self::Padding { layer } => write!(
                f,
                "layer `{layer}` is a padded max pooling that TensorFlow Lite's SAME padding does not express"
            ),
            Self::WeightScale { layer, channel } => write!(
                f,
                "no f32 weight scale reproduces the multiplier of channel {channel} of layer `{layer}`"
            ),
        }
    }
}

impl std::error::Error for TfliteError {}

/// Quantization of a tensor as the file stores it.
#[derive(Clone, Debug, PartialEq)]
struct Quantization {
    scales: Vec<f32>,
    zero_points: Vec<i64>,
    dimension: i32,
}

#[derive(Clone, Debug, PartialEq)]
struct Tensor {
    name: String,
    shape: Vec<i32>,
    element: i8,
    buffer: u32,
    quantization: Quantization,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Options {
    None,
    FullyConnected {
        activation: i8,
    },
    Softmax {
        beta: f32,
    },
    /// `CONV_2D`, or with a depth multiplier `DEPTHWISE_CONV_2D`; strides
    /// and dilations `(h, w)`.
    Conv {
        depthwise: Option<i32>,
        padding: i8,
        stride: (i32, i32),
        dilation: (i32, i32),
        activation: i8,
    },
    /// `MAX_POOL_2D` / `AVERAGE_POOL_2D`; strides and filter `(h, w)`.
    Pool {
        padding: i8,
        stride: (i32, i32),
        filter: (i32, i32),
    },
}

impl Options {
    /// The fused activation of an op that has one and none yet.
    fn unfused_activation(&mut self) -> Option<&mut i8> {
        match self {
            Self::FullyConnected { activation } | Self::Conv { activation, .. }
                if *activation == activation::NONE =>
            {
                Some(activation)
            }
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Operator {
    code: i32,
    version: i32,
    inputs: Vec<i32>,
    outputs: Vec<i32>,
    options: Options,
}

/// TensorFlow Lite builtin operator codes (`BuiltinOperator`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `LOGISTIC` (14).
    Logistic,
    /// `TANH` (28).
    Tanh,
}

impl Builtin {
    const fn code(self) -> i32 {
        match self {
            Self::Logistic => 14,
            Self::Tanh => 28,
        }
    }
}

const FULLY_CONNECTED: i32 = 9;
const RELU: i32 = 19;
const RELU6: i32 = 21;
const SOFTMAX: i32 = 25;

/// A TensorFlow Lite model under construction: one subgraph, batch size 1.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TfliteGraph {
    tensors: Vec<Tensor>,
    buffers: Vec<Vec<u8>>,
    operators: Vec<Operator>,
}

impl TfliteGraph {
    /// An empty model (buffer 0 is the empty buffer, by convention).
    #[must_use]
    pub fn new() -> Self {
        Self {
            tensors: Vec::new(),
            buffers: std::vec![Vec::new()],
            operators: Vec::new(),
        }
    }

    /// A new int8 tensor of `input`'s shape quantized as `params`.
    fn activation_like(
        &mut self,
        name: &str,
        input: TensorId,
        params: ActivationParams,
    ) -> TensorId {
        let shape: Vec<usize> = self.tensors[input.0]
            .shape
            .iter()
            .map(|&d| d as usize)
            .collect();
        self.activation_shaped(name, &shape, params)
    }

    fn add_tensor(
        &mut self,
        name: &str,
        shape: &[usize],
        element: i8,
        data: Option<Vec<u8>>,
        quantization: Quantization,
    ) -> TensorId {
        let buffer = match data {
            Some(bytes) => {
                self.buffers.push(bytes);
                (self.buffers.len() - 1) as u32
            }
            None => 0,
        };
        self.tensors.push(Tensor {
            name: name.into(),
            shape: shape.iter().map(|&d| d as i32).collect(),
            element,
            buffer,
            quantization,
        });
        TensorId(self.tensors.len() - 1)
    }

    /// An int8 activation tensor `[1, width]`.
    pub fn activation(&mut self, name: &str, width: usize, params: ActivationParams) -> TensorId {
        self.activation_shaped(name, &[1, width], params)
    }

    /// An int8 activation tensor of `shape`.
    pub fn activation_shaped(
        &mut self,
        name: &str,
        shape: &[usize],
        params: ActivationParams,
    ) -> TensorId {
        self.add_tensor(
            name,
            shape,
            tensor_type::INT8,
            None,
            Quantization {
                scales: std::vec![params.scale],
                zero_points: std::vec![i64::from(params.zero_point)],
                dimension: 0,
            },
        )
    }

    /// A `FULLY_CONNECTED` op: weights `[rows, cols]` int8 at `weight_scales`
    /// (per row), bias `[rows]` int32 at `input_scale * weight_scales`, and a
    /// new output tensor `[1, rows]`.
    #[allow(clippy::too_many_arguments)]
    pub fn fully_connected(
        &mut self,
        name: &str,
        input: TensorId,
        weights: &[i8],
        weight_scales: &[f32],
        bias: &[i32],
        output: ActivationParams,
    ) -> TensorId {
        let input = self.flat(name, input);
        let rows = bias.len();
        let cols = weights.len() / rows.max(1);
        let input_scale = self.tensors[input.0].quantization.scales[0];
        let per_channel = |scales: Vec<f32>| Quantization {
            zero_points: std::vec![0; scales.len()],
            scales,
            dimension: 0,
        };
        let w = self.add_tensor(
            &std::format!("{name}.weight"),
            &[rows, cols],
            tensor_type::INT8,
            Some(weights.iter().map(|&q| q as u8).collect()),
            per_channel(weight_scales.to_vec()),
        );
        let b = self.add_tensor(
            &std::format!("{name}.bias"),
            &[rows],
            tensor_type::INT32,
            Some(bias.iter().flat_map(|v| v.to_le_bytes()).collect()),
            per_channel(weight_scales.iter().map(|&s| input_scale * s).collect()),
        );
        let y = self.activation(name, rows, output);
        self.operators.push(Operator {
            code: FULLY_CONNECTED,
            version: 4,
            inputs: std::vec![input.0 as i32, w.0 as i32, b.0 as i32],
            outputs: std::vec![y.0 as i32],
            options: Options::FullyConnected {
                activation: activation::NONE,
            },
        });
        y
    }

    /// A clamp to `[min, max]` in `params` (the input's quantization): fused
    /// into the fully connected or convolution op that wrote `input` when
    /// there is one,
    /// else a `RELU` or `RELU6` op. Returns the clamped tensor.
    ///
    /// # Errors
    ///
    /// [`TfliteError::UnsupportedClamp`] when the bounds are neither ReLU's
    /// `[z, 127]` nor ReLU6's `[z, z + round(6 / s)]`.
    pub fn clamp(
        &mut self,
        name: &str,
        input: TensorId,
        min: i8,
        max: i8,
    ) -> Result<TensorId, TfliteError> {
        let q = &self.tensors[input.0].quantization;
        let params = ActivationParams::fixed(q.scales[0], q.zero_points[0] as i8);
        let zero = params.zero_point;
        let six = params.activation_bound(6.0).clamp(-128, 127) as i8;
        let (fused, code) = if min == zero && max == 127 {
            (activation::RELU, RELU)
        } else if min == zero && max == six {
            (activation::RELU6, RELU6)
        } else if min == -128 && max == 127 {
            return Ok(input);
        } else {
            return Err(TfliteError::UnsupportedClamp {
                layer: name.into(),
                min,
                max,
            });
        };
        if let Some(last) = self.operators.last_mut()
            && last.outputs == [input.0 as i32]
            && let Some(activation) = last.options.unfused_activation()
        {
            *activation = fused;
            return Ok(input);
        }
        let y = self.activation_like(name, input, params);
        self.operators.push(Operator {
            code,
            version: 2,
            inputs: std::vec![input.0 as i32],
            outputs: std::vec![y.0 as i32],
            options: Options::None,
        });
        Ok(y)
    }

    /// An elementwise builtin (`LOGISTIC`, `TANH`) into a new tensor.
    pub fn elementwise(
        &mut self,
        name: &str,
        op: Builtin,
        input: TensorId,
        output: ActivationParams,
    ) -> TensorId {
        let y = self.activation_like(name, input, output);
        self.operators.push(Operator {
            code: op.code(),
            version: 2,
            inputs: std::vec![input.0 as i32],
            outputs: std::vec![y.0 as i32],
            options: Options::None,
        });
        y
    }

    /// A `SOFTMAX` op with `beta = 1`.
    pub fn softmax(&mut self, name: &str, input: TensorId, output: ActivationParams) -> TensorId {
        let input = self.flat(name, input);
        let width = self.tensors[input.0].shape[1] as usize;
        let y = self.activation(name, width, output);
        self.operators.push(Operator {
            code: SOFTMAX,
            version: 2,
            inputs: std::vec![input.0 as i32],
            outputs: std::vec![y.0 as i32],
            options: Options::Softmax { beta: 1.0 },
        });
        y
    }
}
