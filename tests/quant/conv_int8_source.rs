/// Small2d in int8.
/// Written by constnet's `quant::source`; regenerate it, do not edit it.
#[rustfmt::skip]
#[allow(clippy::unreadable_literal)]
pub static SMALL2D: Small2dQ8 = Small2dQ8::from_parts(
::constnet::quant::Then {
first: ::constnet::quant::Int8Conv2d {
    weights: [[[[81, 64, -104], [64, -82, 24], [127, 6, -105]], [[-95, 110, -41], [-112, -27, -107], [-90, 15, -7]]], [[[121, 37, -62], [77, -90, -23], [-69, 27, -83]], [[127, 29, 61], [25, 39, 2], [32, 120, -47]]], [[[-113, 67, 116], [55, -9, 0], [-32, 89, 20]], [[27, 36, -87], [-120, -127, 71], [20, -54, -99]]], [[[-20, -3, -85], [-73, -32, -127], [-99, -12, 105]], [[-42, 67, 113], [114, 53, -102], [15, -83, -25]]]],
    bias: [1569, -1463, -958, 491],
    multipliers: [1122717446, 1111636396, 2033499196, 1925096464],
    shifts: [-6, -6, -7, -7],
    input_zero_point: -10,
    output_zero_point: -128,
},
rest: ::constnet::quant::Then {
first: ::constnet::quant::Int8Clamp { min: -128, max: 127 },
rest: ::constnet::quant::Then {
first: ::constnet::quant::Int8MaxPool { pool: ::constnet::layer::MaxPool2d },
rest: ::constnet::quant::Then {
first: ::constnet::quant::Int8Identity,
rest: ::constnet::quant::Int8Dense {
    weights: [
        [-78, -103, 127, -97, -53, 21, -103, -68, 106, 10, 21, -64, -24, -83, 113, -39],
        [22, 32, 96, 101, -56, -83, 122, -127, -3, 85, -24, 69, -43, 126, -53, -48],
        [-127, 4, -35, -4, -6, -49, -21, 95, 125, -85, 60, 35, -5, -63, 59, 23],
    ],
    bias: [-5315, 13405, 13001],
    multipliers: [1097851229, 1965379124, 2132111218],
    shifts: [-8, -9, -9],
    input_zero_point: -128,
    output_zero_point: -5,
},
},
},
},
},
// The input's quantization: `real = scale * (q - zero_point)`.
::constnet::quant::ActivationParams::fixed(f32::from_bits(0x3d353718), -10) /* scale 0.044241995 */,
// The output's.
::constnet::quant::ActivationParams::fixed(f32::from_bits(0x3c159b78), -5) /* scale 0.009131305 */,
);

/// Depthwise in int8.
/// Written by constnet's `quant::source`; regenerate it, do not edit it.
#[rustfmt::skip]
#[allow(clippy::unreadable_literal)]
pub static DEPTHWISE: DepthwiseQ8 = DepthwiseQ8::from_parts(
::constnet::quant::Then {
first: ::constnet::quant::Int8Conv2d {
    weights: [[[[50, 29, -69], [62, -95, 73], [39, 127, -22]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]]], [[[-92, -86, 70], [32, 51, -127], [97, -118, 115]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]]], [[[23, 31, -7], [-11, -30, 8], [127, -52, 102]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]]], [[[127, 19, 100], [79, 109, 0], [-106, 47, -55]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]]], [[[123, -84, -83], [11, 56, -127], [121, -107, 31]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]]], [[[98, -96, -38], [-117, -60, 0], [-35, 65, 127]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]]]],
    bias: [2176, -2960, 2127, 2218, 1868, -2942],
    multipliers: [2044912785, 1966577825, 1076200180, 1905715067, 1608312916, 1881434791],
    shifts: [-5, -5, -4, -5, -5, -5],
    input_zero_point: -1,
    output_zero_point: -128,
},
rest: ::constnet::quant::Then {
first: ::constnet::quant::Int8Clamp { min: -128, max: 127 },
rest: ::constnet::quant::Then {
first: ::constnet::quant::Int8AvgPool { pool: ::constnet::layer::AvgPool2d, input_zero_point: -128 },
rest: ::constnet::quant::Then {
first: ::constnet::quant::Int8Identity,
rest: ::constnet::quant::Int8Dense {
    weights: [
        [97, -127, -65, -98, -99, 37, -105, -70, 10, 15, 14, 16, -107, -25, 116, 10, -62, 25, 55, -18, 39, -57, -89, 35, -30, -35, -17, 85, 34, -17, 112, 124, 13, 45, 52, 33, -31, -20, -119, 24, -61, -81, -82, 25, 97, 14, 83, -97, 55, -2, -108, -113, -84, -119],
        [-96, 110, 1, 39, -99, 64, 35, -61, -47, -14, 30, 38, 17, 124, 50, 95, 89, 82, -102, 62, -116, -116, -28, -32, 48, -41, -51, 71, -95, 79, -17, 88, -36, 58, -86, -111, -32, -92, -59, 56, -17, -37, 31, -17, -94, 116, -119, 117, -127, -70, 53, 64, -4, 91],
    ],
    bias: [8424, -30614],
    multipliers: [2118332812, 2116190401],
    shifts: [-9, -9],
    input_zero_point: -128,
    output_zero_point: 102,
},
},
},
},
},
// The input's quantization: `real = scale * (q - zero_point)`.
::constnet::quant::ActivationParams::fixed(f32::from_bits(0x3d2eac26), -1) /* scale 0.042644642 */,
// The output's.
::constnet::quant::ActivationParams::fixed(f32::from_bits(0x3afaa2b0), 102) /* scale 0.0019121971 */,
);

/// Signal1d in int8.
/// Written by constnet's `quant::source`; regenerate it, do not edit it.
#[rustfmt::skip]
#[allow(clippy::unreadable_literal)]
pub static SIGNAL1D: Signal1dQ8 = Signal1dQ8::from_parts(
::constnet::quant::Then {
first: ::constnet::quant::Int8Conv1d {
    weights: [[[-127, -94, 62], [0, 0, 0]], [[-20, 127, -9], [0, 0, 0]], [[59, -45, 127], [0, 0, 0]], [[-127, -115, -98], [0, 0, 0]]],
    bias: [0, 0, 0, 0],
    multipliers: [1363494864, 1421819812, 1479050719, 1308532527],
    shifts: [-4, -4, -4, -4],
    input_zero_point: -1,
    output_zero_point: -128,
},
rest: ::constnet::quant::Then {
first: ::constnet::quant::Int8Clamp { min: -128, max: 127 },
rest: ::constnet::quant::Then {
first: ::constnet::quant::Int8AvgPool { pool: ::constnet::layer::GlobalAvgPool, input_zero_point: -128 },
rest: ::constnet::quant::Int8Dense {
    weights: [
        [74, -122, -2, -127],
        [-110, -103, -127, 94],
    ],
    bias: [12611, -6179],
    multipliers: [1154979043, 1118660929],
    shifts: [-7, -7],
    input_zero_point: -128,
    output_zero_point: 49,
},
},
},
},
// The input's quantization: `real = scale * (q - zero_point)`.
::constnet::quant::ActivationParams::fixed(f32::from_bits(0x3d309221), -1) /* scale 0.04310811 */,
// The output's.
::constnet::quant::ActivationParams::fixed(f32::from_bits(0x3b593590), 49) /* scale 0.0033143498 */,
);
