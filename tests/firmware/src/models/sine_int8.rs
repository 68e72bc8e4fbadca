/// The int8 network's type: its layers, nested `Then<first, rest, width>`.
#[allow(clippy::type_complexity)]
pub type Model = ::constnet::quant::Then<::constnet::quant::Int8Dense<1, 16>, ::constnet::quant::Then<::constnet::quant::Int8Clamp<16>, ::constnet::quant::Then<::constnet::quant::Int8Dense<16, 16>, ::constnet::quant::Then<::constnet::quant::Int8Clamp<16>, ::constnet::quant::Int8Dense<16, 1>, 16>, 16>, 16>, 16>;

/// SINE (1-16-16-1, ReLU) in int8: the firmware's f32 weights quantized per
/// output channel, activations calibrated by min/max on 201 points of [-pi, pi].
/// Written by constnet's `quant::source`; regenerate it, do not edit it.
#[rustfmt::skip]
#[allow(clippy::unreadable_literal)]
pub static MODEL: Model = ::constnet::quant::Then {
first: ::constnet::quant::Int8Dense {
    weights: [
        [127],
        [127],
        [127],
        [127],
        [-127],
        [127],
        [-127],
        [-127],
        [127],
        [-127],
        [127],
        [-127],
        [-127],
        [-127],
        [-127],
        [127],
    ],
    bias: [-7039, 3894, 5564, -8407, -6464, -1121, 10141, 4721, 12030, 35654, -8568, -5427, -6980, -8098, 3635, -6643],
    multipliers: [1410644328, 2094208819, 1610888153, 1464712980, 1449514995, 1983947340, 2063086301, 1585534336, 1281468705, 1125347280, 1850294079, 1306692811, 1289337494, 1539456259, 1265863131, 1184554012],
    shifts: [-6, -7, -6, -8, -6, -7, -7, -6, -7, -8, -8, -7, -6, -7, -6, -6],
    input_zero_point: 0,
    output_zero_point: -128,
},
rest: ::constnet::quant::Then {
first: ::constnet::quant::Int8Clamp { min: -128, max: 127 },
rest: ::constnet::quant::Then {
first: ::constnet::quant::Int8Dense {
    weights: [
        [23, 62, -98, 95, -105, 80, -127, 4, -91, -43, -17, -75, -43, 55, -87, -127],
        [-31, 10, 102, -78, 39, 15, -75, -56, 5, 110, -103, -82, 107, 101, -127, -12],
        [86, 86, 43, 127, -64, 17, 59, -29, 19, -34, 32, -18, -17, 14, -6, 29],
        [-14, -1, -14, 11, -105, -46, 35, 41, 26, 31, 27, -34, -127, -39, 13, 0],
        [36, -34, -73, 95, -82, -127, -24, -64, 94, 57, -59, -38, -73, -26, -85, 70],
        [-33, 55, 10, -51, -94, -31, 13, -54, -25, 127, -82, -69, -84, -20, 8, -70],
        [67, -65, 91, -87, -112, -98, 34, -127, 8, -19, -83, -31, -102, 34, -98, 8],
        [-103, 61, 56, -113, -16, -75, -56, 6, 71, 57, -85, -55, -66, -29, -25, -127],
        [-127, -26, -5, -104, -46, -3, 64, 33, 43, 34, -6, -30, -102, -104, -8, -106],
        [-127, -92, -33, -46, 76, 10, -66, 21, 90, -51, -51, -31, -111, 69, 23, 64],
        [-127, 60, 79, -28, -79, -48, 34, -43, -42, 36, -12, -48, -50, 23, -22, -100],
        [-69, 28, -58, 58, -51, -79, 12, -70, -123, 106, -127, -72, 112, -63, -51, -36],
        [-96, 76, 78, -91, -95, -58, -33, -26, 67, 86, 60, 59, -32, -45, -92, -127],
        [-104, -51, 2, -33, -81, -43, -10, 30, 70, 86, -9, -58, -89, -121, 24, -127],
        [2, -68, 60, 60, -38, -102, 53, -109, -127, -83, -124, -13, 57, -122, 70, 15],
        [-88, 1, 45, 8, -36, -32, -57, -111, 35, -127, -64, 83, 51, 60, 25, -67],
    ],
    bias: [-6798, 4530, -3047, 2357, 952, 2500, -7994, 3546, 3093, 934, 745, -3214, 3849, 5491, 1198, -6180],
    multipliers: [1109279896, 1260571023, 1844285061, 1824883835, 1148110537, 1374778607, 1237413126, 1092604675, 1426492204, 1173458014, 2076704022, 1102749331, 1493752268, 1488609329, 1164020282, 1239520106],
    shifts: [-7, -7, -7, -6, -7, -6, -7, -6, -6, -7, -7, -7, -7, -6, -7, -7],
    input_zero_point: -128,
    output_zero_point: -128,
},
rest: ::constnet::quant::Then {
first: ::constnet::quant::Int8Clamp { min: -128, max: 127 },
rest: ::constnet::quant::Int8Dense {
    weights: [
        [31, 22, -18, -78, -28, 127, -21, 37, -28, -32, 52, -17, 31, -39, 30, -16],
    ],
    bias: [-1613],
    multipliers: [1530200416],
    shifts: [-7],
    input_zero_point: -128,
    output_zero_point: -1,
},
},
},
},
};

/// The input's quantization: `real = scale * (q - zero_point)`.
#[rustfmt::skip]
#[allow(clippy::unreadable_literal)]
pub const INPUT: ::constnet::quant::ActivationParams = ::constnet::quant::ActivationParams::fixed(f32::from_bits(0x3cc9d9b5), 0) /* scale 0.024639944 */;

/// The output's quantization.
#[rustfmt::skip]
#[allow(clippy::unreadable_literal)]
pub const OUTPUT: ::constnet::quant::ActivationParams = ::constnet::quant::ActivationParams::fixed(f32::from_bits(0x3bffde28), -1) /* scale 0.0078084655 */;
