//! The few numbers of TensorFlow Lite's flatbuffer schema (`schema.fbs`)
//! the writer uses: field slots of the tables, and enum values.

/// The byte offset of field `index` in a table's vtable.
pub const fn slot(index: u16) -> u16 {
    4 + 2 * index
}

/// `Model` fields.
pub mod model {
    pub const VERSION: u16 = super::slot(0);
    pub const OPERATOR_CODES: u16 = super::slot(1);
    pub const SUBGRAPHS: u16 = super::slot(2);
    pub const DESCRIPTION: u16 = super::slot(3);
    pub const BUFFERS: u16 = super::slot(4);
}

/// `OperatorCode` fields.
pub mod operator_code {
    pub const DEPRECATED_BUILTIN_CODE: u16 = super::slot(0);
    pub const VERSION: u16 = super::slot(2);
    pub const BUILTIN_CODE: u16 = super::slot(3);
}

/// `SubGraph` fields.
pub mod subgraph {
    pub const TENSORS: u16 = super::slot(0);
    pub const INPUTS: u16 = super::slot(1);
    pub const OUTPUTS: u16 = super::slot(2);
    pub const OPERATORS: u16 = super::slot(3);
    pub const NAME: u16 = super::slot(4);
}

/// `Buffer` fields.
pub mod buffer {
    pub const DATA: u16 = super::slot(0);
}

/// `Tensor` fields.
pub mod tensor {
    pub const SHAPE: u16 = super::slot(0);
    pub const TYPE: u16 = super::slot(1);
    pub const BUFFER: u16 = super::slot(2);
    pub const NAME: u16 = super::slot(3);
    pub const QUANTIZATION: u16 = super::slot(4);
}

/// `QuantizationParameters` fields.
pub mod quantization {
    pub const SCALE: u16 = super::slot(2);
    pub const ZERO_POINT: u16 = super::slot(3);
    pub const QUANTIZED_DIMENSION: u16 = super::slot(6);
}

/// `Operator` fields.
pub mod operator {
    pub const OPCODE_INDEX: u16 = super::slot(0);
    pub const INPUTS: u16 = super::slot(1);
    pub const OUTPUTS: u16 = super::slot(2);
    pub const BUILTIN_OPTIONS_TYPE: u16 = super::slot(3);
    pub const BUILTIN_OPTIONS: u16 = super::slot(4);
}

/// `FullyConnectedOptions` fields.
pub mod fully_connected_options {
    pub const FUSED_ACTIVATION_FUNCTION: u16 = super::slot(0);
}

/// `Conv2DOptions` fields.
pub mod conv_options {
    pub const PADDING: u16 = super::slot(0);
    pub const STRIDE_W: u16 = super::slot(1);
    pub const STRIDE_H: u16 = super::slot(2);
    pub const FUSED_ACTIVATION_FUNCTION: u16 = super::slot(3);
    pub const DILATION_W: u16 = super::slot(4);
    pub const DILATION_H: u16 = super::slot(5);
}

/// `DepthwiseConv2DOptions` fields.
pub mod depthwise_options {
    pub const PADDING: u16 = super::slot(0);
    pub const STRIDE_W: u16 = super::slot(1);
    pub const STRIDE_H: u16 = super::slot(2);
    pub const DEPTH_MULTIPLIER: u16 = super::slot(3);
    pub const FUSED_ACTIVATION_FUNCTION: u16 = super::slot(4);
    pub const DILATION_W: u16 = super::slot(5);
    pub const DILATION_H: u16 = super::slot(6);
}

/// `Pool2DOptions` fields.
pub mod pool_options {
    pub const PADDING: u16 = super::slot(0);
    pub const STRIDE_W: u16 = super::slot(1);
    pub const STRIDE_H: u16 = super::slot(2);
    pub const FILTER_WIDTH: u16 = super::slot(3);
    pub const FILTER_HEIGHT: u16 = super::slot(4);
}

/// `Padding` values.
pub mod padding {
    pub const SAME: i8 = 0;
    pub const VALID: i8 = 1;
}

/// `SoftmaxOptions` fields.
pub mod softmax_options {
    pub const BETA: u16 = super::slot(0);
}

/// `TensorType` values.
pub mod tensor_type {
    pub const INT32: i8 = 2;
    pub const INT8: i8 = 9;
}

/// `BuiltinOptions` union tags.
pub mod builtin_options {
    pub const CONV_2D: u8 = 1;
    pub const DEPTHWISE_CONV_2D: u8 = 2;
    pub const POOL_2D: u8 = 5;
    pub const FULLY_CONNECTED: u8 = 8;
    pub const SOFTMAX: u8 = 9;
}

/// `ActivationFunctionType` values.
pub mod activation {
    pub const NONE: i8 = 0;
    pub const RELU: i8 = 1;
    pub const RELU6: i8 = 3;
}
