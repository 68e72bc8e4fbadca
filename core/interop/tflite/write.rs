//! Serializing a [`TfliteGraph`]: the operator codes, tensors, buffers and
//! the one subgraph, written with the `flatbuffers` builder (file
//! identifier `TFL3`, schema version 3).

use std::vec::Vec;

use flatbuffers::{FlatBufferBuilder, WIPOffset};

use super::schema::{self, builtin_options};
use super::{Operator, Options, Tensor, TensorId, TfliteGraph};

impl TfliteGraph {
    /// The model's bytes, with `input` and `output` as the subgraph's input
    /// and output and `description` in the model's description field.
    #[must_use]
    pub fn finish(&self, input: TensorId, output: TensorId, description: &str) -> Vec<u8> {
        let mut fbb = FlatBufferBuilder::new();
        // Operator codes: one per distinct (code, version), in first use order.
        let mut codes: Vec<(i32, i32)> = Vec::new();
        for op in &self.operators {
            if !codes.contains(&(op.code, op.version)) {
                codes.push((op.code, op.version));
            }
        }
        let code_offsets: Vec<_> = codes
            .iter()
            .map(|&(code, version)| {
                let t = fbb.start_table();
                // The deprecated int8 code holds builtin codes below 127.
                fbb.push_slot::<i8>(
                    schema::operator_code::DEPRECATED_BUILTIN_CODE,
                    code as i8,
                    0,
                );
                fbb.push_slot::<i32>(schema::operator_code::VERSION, version, 1);
                fbb.push_slot::<i32>(schema::operator_code::BUILTIN_CODE, code, 0);
                fbb.end_table(t)
            })
            .collect();
        let tensors: Vec<_> = self
            .tensors
            .iter()
            .map(|t| write_tensor(&mut fbb, t))
            .collect();
        let operators: Vec<_> = self
            .operators
            .iter()
            .map(|op| {
                let index = codes
                    .iter()
                    .position(|&c| c == (op.code, op.version))
                    .unwrap_or(0);
                write_operator(&mut fbb, op, index as u32)
            })
            .collect();
        let tensors = fbb.create_vector(&tensors);
        let inputs = fbb.create_vector(&[input.0 as i32]);
        let outputs = fbb.create_vector(&[output.0 as i32]);
        let operators = fbb.create_vector(&operators);
        let name = fbb.create_string("main");
        let t = fbb.start_table();
        fbb.push_slot_always(schema::subgraph::TENSORS, tensors);
        fbb.push_slot_always(schema::subgraph::INPUTS, inputs);
        fbb.push_slot_always(schema::subgraph::OUTPUTS, outputs);
        fbb.push_slot_always(schema::subgraph::OPERATORS, operators);
        fbb.push_slot_always(schema::subgraph::NAME, name);
        let subgraph = fbb.end_table(t);
        let buffers: Vec<_> = self
            .buffers
            .iter()
            .map(|bytes| {
                let data = (!bytes.is_empty()).then(|| fbb.create_vector(bytes));
                let t = fbb.start_table();
                if let Some(data) = data {
                    fbb.push_slot_always(schema::buffer::DATA, data);
                }
                fbb.end_table(t)
            })
            .collect();
        let codes = fbb.create_vector(&code_offsets);
        let subgraphs = fbb.create_vector(&[subgraph]);
        let buffers = fbb.create_vector(&buffers);
        let description = fbb.create_string(description);
        let t = fbb.start_table();
        fbb.push_slot::<u32>(schema::model::VERSION, 3, 0);
        fbb.push_slot_always(schema::model::OPERATOR_CODES, codes);
        fbb.push_slot_always(schema::model::SUBGRAPHS, subgraphs);
        fbb.push_slot_always(schema::model::DESCRIPTION, description);
        fbb.push_slot_always(schema::model::BUFFERS, buffers);
        let model = fbb.end_table(t);
        fbb.finish(model, Some("TFL3"));
        fbb.finished_data().to_vec()
    }
}

fn write_tensor(
    fbb: &mut FlatBufferBuilder<'_>,
    t: &Tensor,
) -> WIPOffset<flatbuffers::TableFinishedWIPOffset> {
    let scales = fbb.create_vector(&t.quantization.scales);
    let zero_points = fbb.create_vector(&t.quantization.zero_points);
    let q = fbb.start_table();
    fbb.push_slot_always(schema::quantization::SCALE, scales);
    fbb.push_slot_always(schema::quantization::ZERO_POINT, zero_points);
    fbb.push_slot::<i32>(
        schema::quantization::QUANTIZED_DIMENSION,
        t.quantization.dimension,
        0,
    );
    let quantization = fbb.end_table(q);
    let shape = fbb.create_vector(&t.shape);
    let name = fbb.create_string(&t.name);
    let table = fbb.start_table();
    fbb.push_slot_always(schema::tensor::SHAPE, shape);
    fbb.push_slot::<i8>(schema::tensor::TYPE, t.element, 0);
    fbb.push_slot::<u32>(schema::tensor::BUFFER, t.buffer, 0);
    fbb.push_slot_always(schema::tensor::NAME, name);
    fbb.push_slot_always(schema::tensor::QUANTIZATION, quantization);
    fbb.end_table(table)
}

fn write_operator(
    fbb: &mut FlatBufferBuilder<'_>,
    op: &Operator,
    opcode: u32,
) -> WIPOffset<flatbuffers::TableFinishedWIPOffset> {
    let options = match op.options {
        Options::None => None,
        Options::FullyConnected { activation } => {
            let t = fbb.start_table();
            fbb.push_slot::<i8>(
                schema::fully_connected_options::FUSED_ACTIVATION_FUNCTION,
                activation,
                0,
            );
            Some((builtin_options::FULLY_CONNECTED, fbb.end_table(t)))
        }
        Options::Softmax { beta } => {
            let t = fbb.start_table();
            fbb.push_slot::<f32>(schema::softmax_options::BETA, beta, 0.0);
            Some((builtin_options::SOFTMAX, fbb.end_table(t)))
        }
        Options::Conv {
            depthwise: None,
            padding,
            stride,
            dilation,
            activation,
        } => {
            use schema::conv_options as o;
            let t = fbb.start_table();
            fbb.push_slot_always::<i8>(o::PADDING, padding);
            fbb.push_slot_always::<i32>(o::STRIDE_W, stride.1);
            fbb.push_slot_always::<i32>(o::STRIDE_H, stride.0);
            fbb.push_slot::<i8>(o::FUSED_ACTIVATION_FUNCTION, activation, 0);
            fbb.push_slot::<i32>(o::DILATION_W, dilation.1, 1);
            fbb.push_slot::<i32>(o::DILATION_H, dilation.0, 1);
            Some((builtin_options::CONV_2D, fbb.end_table(t)))
        }
        Options::Conv {
            depthwise: Some(multiplier),
            padding,
            stride,
            dilation,
            activation,
        } => {
            use schema::depthwise_options as o;
            let t = fbb.start_table();
            fbb.push_slot_always::<i8>(o::PADDING, padding);
            fbb.push_slot_always::<i32>(o::STRIDE_W, stride.1);
            fbb.push_slot_always::<i32>(o::STRIDE_H, stride.0);
            fbb.push_slot_always::<i32>(o::DEPTH_MULTIPLIER, multiplier);
            fbb.push_slot::<i8>(o::FUSED_ACTIVATION_FUNCTION, activation, 0);
            fbb.push_slot::<i32>(o::DILATION_W, dilation.1, 1);
            fbb.push_slot::<i32>(o::DILATION_H, dilation.0, 1);
            Some((builtin_options::DEPTHWISE_CONV_2D, fbb.end_table(t)))
        }
        Options::Pool {
            padding,
            stride,
            filter,
        } => {
            use schema::pool_options as o;
            let t = fbb.start_table();
            fbb.push_slot_always::<i8>(o::PADDING, padding);
            fbb.push_slot_always::<i32>(o::STRIDE_W, stride.1);
            fbb.push_slot_always::<i32>(o::STRIDE_H, stride.0);
            fbb.push_slot_always::<i32>(o::FILTER_WIDTH, filter.1);
            fbb.push_slot_always::<i32>(o::FILTER_HEIGHT, filter.0);
            Some((builtin_options::POOL_2D, fbb.end_table(t)))
        }
    };
    let inputs = fbb.create_vector(&op.inputs);
    let outputs = fbb.create_vector(&op.outputs);
    let t = fbb.start_table();
    fbb.push_slot::<u32>(schema::operator::OPCODE_INDEX, opcode, 0);
    fbb.push_slot_always(schema::operator::INPUTS, inputs);
    fbb.push_slot_always(schema::operator::OUTPUTS, outputs);
    if let Some((kind, table)) = options {
        fbb.push_slot::<u8>(schema::operator::BUILTIN_OPTIONS_TYPE, kind, 0);
        fbb.push_slot_always(schema::operator::BUILTIN_OPTIONS, table);
    }
    fbb.end_table(t)
}
