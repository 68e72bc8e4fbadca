//! How the int8 convolutions and poolings write themselves into a
//! [`TfliteGraph`]: `CONV_2D` (`DEPTHWISE_CONV_2D` when `GROUPS = C_IN`),
//! `MAX_POOL_2D` and `AVERAGE_POOL_2D`, a `Conv1d` or 1-D pooling as the
//! 2-D op on a height-1 image, and `GlobalAvgPool<C, N>` as an
//! `AVERAGE_POOL_2D` over a `1 x N` image with a `1 x N` window (rather
//! than the `MEAN` that converters emit for a global average: its int8
//! kernel requantizes the sum through a multiplier, the pooling op divides
//! once with TensorFlow Lite's rounding, which is constnet's arithmetic).

use std::string::ToString;
use std::vec::Vec;

use super::layers::{WriteTflite, weight_scale_for};
use super::spatial::{ConvOp, Spatial};
use super::{TensorId, TfliteError, TfliteGraph};
use crate::layer::conv::ConvGeometry;
use crate::layer::pool::Window;
use crate::quant::{
    ActivationParams, Int8AvgPool, Int8Conv1d, Int8Conv2d, Int8MaxPool, PoolWindow,
    QuantizedMultiplier,
};

fn conv_spatial(g: &ConvGeometry) -> Spatial {
    Spatial {
        channels: g.in_channels,
        size: (g.height, g.width),
        kernel: (g.kernel_h, g.kernel_w),
        stride: (g.stride_h, g.stride_w),
        pad: (g.pad_h, g.pad_w),
        dilation: (g.dil_h, g.dil_w),
    }
}

fn pool_spatial(w: &Window) -> Spatial {
    Spatial {
        channels: w.channels,
        size: (w.height, w.width),
        kernel: (w.kernel_h, w.kernel_w),
        stride: (w.stride_h, w.stride_w),
        pad: (w.pad_h, w.pad_w),
        dilation: (1, 1),
    }
}

/// Writes one int8 convolution: the weight scales that give back its
/// multipliers, the input as an image, the op.
#[allow(clippy::too_many_arguments)]
fn write_conv(
    graph: &mut TfliteGraph,
    name: &str,
    input: TensorId,
    geometry: &ConvGeometry,
    multipliers: impl Fn(usize) -> QuantizedMultiplier,
    weights: &[i8],
    bias: &[i32],
    (input_params, output): (ActivationParams, ActivationParams),
) -> Result<TensorId, TfliteError> {
    let mut scales = Vec::with_capacity(geometry.out_channels);
    for c in 0..geometry.out_channels {
        let scale = weight_scale_for(multipliers(c), input_params.scale, output.scale).ok_or_else(
            || TfliteError::WeightScale {
                layer: name.to_string(),
                channel: c,
            },
        )?;
        scales.push(scale);
    }
    let x = graph.nhwc(
        name,
        input,
        geometry.in_channels,
        geometry.height,
        geometry.width,
    );
    let op = ConvOp {
        spatial: conv_spatial(geometry),
        out_channels: geometry.out_channels,
        groups: geometry.groups,
        weights,
        scales: &scales,
        bias,
    };
    Ok(graph.conv(name, x, &op, output))
}

macro_rules! conv_tflite {
    ($name:ident, [$($g:ident),*]) => {
        impl<$(const $g: usize),*> WriteTflite for $name<$($g),*> {
            fn write_tflite(
                &self,
                graph: &mut TfliteGraph,
                name: &str,
                input: TensorId,
                input_params: ActivationParams,
                output: ActivationParams,
            ) -> Result<TensorId, TfliteError> {
                write_conv(
                    graph,
                    name,
                    input,
                    &Self::GEOMETRY,
                    |c| self.multiplier(c),
                    self.flat_weights(),
                    &self.bias,
                    (input_params, output),
                )
            }
        }
    };
}

conv_tflite!(
    Int8Conv1d,
    [C_IN, C_OUT, K, L, STRIDE, PADDING, DILATION, GROUPS]
);
conv_tflite!(
    Int8Conv2d,
    [C_IN, C_OUT, KH, KW, H, W, STRIDE, PADDING, DILATION, GROUPS]
);

fn write_pool(
    graph: &mut TfliteGraph,
    name: &str,
    input: TensorId,
    window: &Window,
    max: bool,
) -> Result<TensorId, TfliteError> {
    let x = graph.nhwc(name, input, window.channels, window.height, window.width);
    graph.pool(name, x, &pool_spatial(window), max)
}

impl<P: PoolWindow> WriteTflite for Int8MaxPool<P> {
    fn write_tflite(
        &self,
        graph: &mut TfliteGraph,
        name: &str,
        input: TensorId,
        _input_params: ActivationParams,
        _output: ActivationParams,
    ) -> Result<TensorId, TfliteError> {
        write_pool(graph, name, input, &P::WINDOW, true)
    }
}

impl<P: PoolWindow> WriteTflite for Int8AvgPool<P> {
    /// Padded taps come from an explicit `PAD` with the zero point, which
    /// is this layer's `input_zero_point` when it was quantized with the
    /// network (the input's quantization is the graph's).
    fn write_tflite(
        &self,
        graph: &mut TfliteGraph,
        name: &str,
        input: TensorId,
        _input_params: ActivationParams,
        _output: ActivationParams,
    ) -> Result<TensorId, TfliteError> {
        write_pool(graph, name, input, &P::WINDOW, false)
    }
}
