//! Image tensors in a [`TfliteGraph`]: TensorFlow Lite's convolutions and
//! pooling read `[1, H, W, C]` (NHWC), constnet's samples are `(C, H, W)`
//! row-major (NCHW), flat. The graph keeps a tensor in the layout its
//! writer made and converts at the two borders, so the float network's
//! order of features holds everywhere a flat layer reads them:
//!
//! - into an image op ([`TfliteGraph::nhwc`]): `RESHAPE` to `[1, C, H, W]`
//!   and `TRANSPOSE` with `perm = [0, 2, 3, 1]`;
//! - out of one ([`TfliteGraph::flat`], before `FULLY_CONNECTED`, `SOFTMAX`
//!   and the model's output): `TRANSPOSE` with `perm = [0, 3, 1, 2]` and
//!   `RESHAPE` to `[1, C H W]`;
//!
//! each `TRANSPOSE` left out when `C = 1` or `H W = 1` (the two orders are
//! then the same). `TRANSPOSE` and `RESHAPE` move int8 values, so both are
//! exact; the next dense layer's weights stay as declared (rather than
//! reordered for an NHWC flatten, as converters of NHWC frameworks do).
//!
//! Padding: `VALID` when the layer has none, `SAME` when TensorFlow Lite's
//! `SAME` gives the layer's windows (the same output size, and
//! `floor(total / 2)` equal to the padding), else an explicit `PAD` (int8
//! padded with the zero point: a real 0) before a `VALID` op.

use std::format;
use std::vec::Vec;

use super::schema::{padding, tensor_type};
use super::{Operator, Options, Quantization, TensorId, TfliteError, TfliteGraph};

const AVERAGE_POOL_2D: i32 = 1;
const CONV_2D: i32 = 3;
const DEPTHWISE_CONV_2D: i32 = 4;
const MAX_POOL_2D: i32 = 17;
const RESHAPE: i32 = 22;
const PAD: i32 = 34;
const TRANSPOSE: i32 = 39;

/// The spatial arithmetic of a convolution or pooling op, per axis
/// `(height, width)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spatial {
    /// Channels in.
    pub channels: usize,
    /// Input height and width.
    pub size: (usize, usize),
    /// Kernel height and width.
    pub kernel: (usize, usize),
    /// Strides.
    pub stride: (usize, usize),
    /// Padding on each side (PyTorch's).
    pub pad: (usize, usize),
    /// Dilations (1 for pooling).
    pub dilation: (usize, usize),
}

/// The padding of a `.tflite` op that gives PyTorch's windows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Valid,
    Same,
    /// An explicit `PAD` first, then `VALID`.
    Explicit,
}

impl Spatial {
    fn axis_same(len: usize, kernel: usize, stride: usize, pad: usize, dilation: usize) -> bool {
        let span = dilation * (kernel - 1) + 1;
        let torch = (len + 2 * pad - span) / stride + 1;
        let same = len.div_ceil(stride);
        let total = ((same - 1) * stride + span).saturating_sub(len);
        torch == same && total / 2 == pad
    }

    fn mode(&self) -> Mode {
        if self.pad == (0, 0) {
            Mode::Valid
        } else if Self::axis_same(
            self.size.0,
            self.kernel.0,
            self.stride.0,
            self.pad.0,
            self.dilation.0,
        ) && Self::axis_same(
            self.size.1,
            self.kernel.1,
            self.stride.1,
            self.pad.1,
            self.dilation.1,
        ) {
            Mode::Same
        } else {
            Mode::Explicit
        }
    }

    /// The output height and width (PyTorch's formula).
    #[must_use]
    pub fn out(&self) -> (usize, usize) {
        let axis = |len: usize, k: usize, s: usize, p: usize, d: usize| {
            (len + 2 * p - d * (k - 1) - 1) / s + 1
        };
        (
            axis(
                self.size.0,
                self.kernel.0,
                self.stride.0,
                self.pad.0,
                self.dilation.0,
            ),
            axis(
                self.size.1,
                self.kernel.1,
                self.stride.1,
                self.pad.1,
                self.dilation.1,
            ),
        )
    }
}

/// What a convolution op reads besides its input.
#[derive(Clone, Debug, PartialEq)]
pub struct ConvOp<'a> {
    /// The spatial arithmetic.
    pub spatial: Spatial,
    /// Output channels.
    pub out_channels: usize,
    /// Groups (`channels` for a depthwise op).
    pub groups: usize,
    /// `w[co][ci][ky][kx]` at `((co C_in + ci) KH + ky) KW + kx` (rows
    /// `ci >= C_in / groups` unused), as the int8 layers hold them.
    pub weights: &'a [i8],
    /// Per output channel weight scales.
    pub scales: &'a [f32],
    /// Per output channel int32 biases.
    pub bias: &'a [i32],
}

fn dims(shape: &[usize]) -> Vec<i32> {
    shape.iter().map(|&d| d as i32).collect()
}

impl TfliteGraph {
    /// The shape of a tensor.
    #[must_use]
    pub fn shape(&self, tensor: TensorId) -> &[i32] {
        &self.tensors[tensor.0].shape
    }

    /// A new int8 tensor of `shape` with `like`'s quantization.
    fn image_like(&mut self, name: &str, shape: &[usize], like: TensorId) -> TensorId {
        let quantization = self.tensors[like.0].quantization.clone();
        self.add_tensor(name, shape, tensor_type::INT8, None, quantization)
    }

    /// A constant int32 tensor (shapes, permutations, paddings).
    fn int32_constant(&mut self, name: &str, shape: &[usize], values: &[i32]) -> TensorId {
        let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.add_tensor(
            name,
            shape,
            tensor_type::INT32,
            Some(bytes),
            Quantization {
                scales: Vec::new(),
                zero_points: Vec::new(),
                dimension: 0,
            },
        )
    }

    fn push(
        &mut self,
        code: i32,
        version: i32,
        inputs: &[TensorId],
        output: TensorId,
        options: Options,
    ) {
        self.operators.push(Operator {
            code,
            version,
            inputs: inputs.iter().map(|t| t.0 as i32).collect(),
            outputs: std::vec![output.0 as i32],
            options,
        });
    }

    /// `RESHAPE` of `input` to `shape`.
    fn reshape(&mut self, name: &str, input: TensorId, shape: &[usize]) -> TensorId {
        let new_shape = self.int32_constant(&format!("{name}.shape"), &[shape.len()], &dims(shape));
        let y = self.image_like(name, shape, input);
        self.push(RESHAPE, 1, &[input, new_shape], y, Options::None);
        y
    }

    /// `TRANSPOSE` of a 4-D `input` by `perm`.
    fn transpose(&mut self, name: &str, input: TensorId, perm: [usize; 4]) -> TensorId {
        let shape: Vec<usize> = self.tensors[input.0]
            .shape
            .iter()
            .map(|&d| d as usize)
            .collect();
        let out: Vec<usize> = perm.iter().map(|&p| shape[p]).collect();
        let perm_tensor = self.int32_constant(&format!("{name}.perm"), &[4], &dims(&perm));
        let y = self.image_like(name, &out, input);
        self.push(TRANSPOSE, 2, &[input, perm_tensor], y, Options::None);
        y
    }

    /// `input` as `[1, h, w, c]` (see the module documentation): itself when
    /// it is one, a `RESHAPE` of an image with `c` channels and `h w`
    /// positions, else (a flat tensor in constnet's order) `RESHAPE` and
    /// `TRANSPOSE`.
    pub fn nhwc(&mut self, name: &str, input: TensorId, c: usize, h: usize, w: usize) -> TensorId {
        let shape = self.shape(input).to_vec();
        let want = [1, h as i32, w as i32, c as i32];
        if shape == want {
            return input;
        }
        if shape.len() == 4 && shape[3] == c as i32 && shape[1] * shape[2] == (h * w) as i32 {
            return self.reshape(&format!("{name}.nhwc"), input, &[1, h, w, c]);
        }
        let flat = self.flat(name, input);
        if c == 1 || h * w == 1 {
            return self.reshape(&format!("{name}.nhwc"), flat, &[1, h, w, c]);
        }
        let nchw = self.reshape(&format!("{name}.nchw"), flat, &[1, c, h, w]);
        self.transpose(&format!("{name}.nhwc"), nchw, [0, 2, 3, 1])
    }

    /// `input` as `[1, n]` in constnet's `(C, H, W)` order: itself when it is
    /// flat, else `TRANSPOSE` (unless `C = 1` or `H W = 1`) and `RESHAPE`.
    pub fn flat(&mut self, name: &str, input: TensorId) -> TensorId {
        let shape = self.shape(input).to_vec();
        if shape.len() == 2 {
            return input;
        }
        let n = shape.iter().product::<i32>() as usize;
        let ordered = if shape.len() == 4 && shape[3] != 1 && shape[1] * shape[2] != 1 {
            self.transpose(&format!("{name}.nchw"), input, [0, 3, 1, 2])
        } else {
            input
        };
        self.reshape(&format!("{name}.flat"), ordered, &[1, n])
    }

    /// `input` (an image, `[1, H, W, C]`) padded explicitly when `spatial`
    /// needs it (or, without `same`, whenever it is padded), with the
    /// padding mode the op then takes.
    fn padded(
        &mut self,
        name: &str,
        input: TensorId,
        spatial: &Spatial,
        same: bool,
    ) -> (TensorId, i8) {
        let mode = match spatial.mode() {
            Mode::Same if !same => Mode::Explicit,
            mode => mode,
        };
        match mode {
            Mode::Valid => (input, padding::VALID),
            Mode::Same => (input, padding::SAME),
            Mode::Explicit => {
                let (ph, pw) = spatial.pad;
                let pads = [0, 0, ph, ph, pw, pw, 0, 0].map(|p| p as i32);
                let paddings = self.int32_constant(&format!("{name}.paddings"), &[4, 2], &pads);
                let (h, w) = spatial.size;
                let shape = [1, h + 2 * ph, w + 2 * pw, spatial.channels];
                let y = self.image_like(&format!("{name}.padded"), &shape, input);
                self.push(PAD, 2, &[input, paddings], y, Options::None);
                (y, padding::VALID)
            }
        }
    }

    /// A `CONV_2D` (or, with one group per input channel, a
    /// `DEPTHWISE_CONV_2D`) reading the image `input`, per-channel int8
    /// weights and int32 biases at `s_in * s_w[c]`, into a new image tensor
    /// quantized as `output`.
    pub fn conv(
        &mut self,
        name: &str,
        input: TensorId,
        op: &ConvOp<'_>,
        output: crate::quant::ActivationParams,
    ) -> TensorId {
        let s = op.spatial;
        let (kh, kw) = s.kernel;
        let (cin, cout) = (s.channels, op.out_channels);
        let per_group = cin / op.groups.max(1);
        let at = |co: usize, ci: usize, ky: usize, kx: usize| {
            op.weights[((co * cin + ci) * kh + ky) * kw + kx]
        };
        let depthwise = op.groups == cin && cin > 1;
        let (filter, shape, dimension): (Vec<u8>, Vec<usize>, i32) = if depthwise {
            // [1, KH, KW, C_out]
            let mut f = Vec::with_capacity(kh * kw * cout);
            for ky in 0..kh {
                for kx in 0..kw {
                    for co in 0..cout {
                        f.push(at(co, 0, ky, kx) as u8);
                    }
                }
            }
            (f, std::vec![1, kh, kw, cout], 3)
        } else {
            // [C_out, KH, KW, C_in / groups]
            let mut f = Vec::with_capacity(cout * kh * kw * per_group);
            for co in 0..cout {
                for ky in 0..kh {
                    for kx in 0..kw {
                        for ci in 0..per_group {
                            f.push(at(co, ci, ky, kx) as u8);
                        }
                    }
                }
            }
            (f, std::vec![cout, kh, kw, per_group], 0)
        };
        let input_scale = self.tensors[input.0].quantization.scales[0];
        let w = self.add_tensor(
            &format!("{name}.weight"),
            &shape,
            tensor_type::INT8,
            Some(filter),
            Quantization {
                scales: op.scales.to_vec(),
                zero_points: std::vec![0; cout],
                dimension,
            },
        );
        let b = self.add_tensor(
            &format!("{name}.bias"),
            &[cout],
            tensor_type::INT32,
            Some(op.bias.iter().flat_map(|v| v.to_le_bytes()).collect()),
            Quantization {
                scales: op.scales.iter().map(|&sw| input_scale * sw).collect(),
                zero_points: std::vec![0; cout],
                dimension: 0,
            },
        );
        let (x, mode) = self.padded(name, input, &s, true);
        let (oh, ow) = s.out();
        let y = self.activation_shaped(name, &[1, oh, ow, cout], output);
        let options = Options::Conv {
            depthwise: depthwise.then_some((cout / cin.max(1)) as i32),
            padding: mode,
            stride: (s.stride.0 as i32, s.stride.1 as i32),
            dilation: (s.dilation.0 as i32, s.dilation.1 as i32),
            activation: super::schema::activation::NONE,
        };
        let code = if depthwise {
            DEPTHWISE_CONV_2D
        } else {
            CONV_2D
        };
        self.push(code, 3, &[x, w, b], y, options);
        y
    }

    /// A `MAX_POOL_2D` (`max`) or `AVERAGE_POOL_2D` reading the image
    /// `input`, into a new image tensor in the input's quantization.
    ///
    /// # Errors
    ///
    /// [`TfliteError::Padding`] for a padded max pooling whose windows
    /// TensorFlow Lite's `SAME` does not give (an explicit `PAD` would
    /// count the zero point as a value).
    pub fn pool(
        &mut self,
        name: &str,
        input: TensorId,
        spatial: &Spatial,
        max: bool,
    ) -> Result<TensorId, TfliteError> {
        if max && spatial.mode() == Mode::Explicit {
            return Err(TfliteError::Padding { layer: name.into() });
        }
        // An average divides by the whole window, padded taps included (the
        // float layers' rule), which `SAME` would not: pad explicitly.
        let (x, mode) = self.padded(name, input, spatial, max);
        let (oh, ow) = spatial.out();
        let y = self.image_like(name, &[1, oh, ow, spatial.channels], input);
        let options = Options::Pool {
            padding: mode,
            stride: (spatial.stride.0 as i32, spatial.stride.1 as i32),
            filter: (spatial.kernel.0 as i32, spatial.kernel.1 as i32),
        };
        let code = if max { MAX_POOL_2D } else { AVERAGE_POOL_2D };
        self.push(code, 2, &[x], y, options);
        Ok(y)
    }
}
