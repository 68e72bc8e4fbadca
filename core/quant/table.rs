//! The tables of the int8 logistic and tanh, filled at conversion exactly
//! as the LiteRT interpreter fills them when it prepares a `LOGISTIC` or
//! `TANH` op (`PopulateLookupTable`): for every int8 input `q`, in `f32`,
//!
//! ```text
//! x = s_in * (q - z_in)
//! table[q] = clamp(round(f(x) * (1 / s_out)) + z_out, -128, 127)
//! ```
//!
//! with `f(x) = 1 / (1 + e^-x)` (`s_out = 1/256`, `z_out = -128`) or `tanh
//! x` (`s_out = 1/128`, `z_out = 0`), `round` half away from zero. `e^-x`
//! and `tanh x` are taken in `f64` and rounded to `f32` (the correctly
//! rounded `f32` value in all but rare cases), the other operations in
//! `f32` as the interpreter performs them. An entry can differ from the
//! interpreter's only when its platform's `expf` or `tanhf` is off by an
//! ulp right at a rounding tie of the output; the tests compare every
//! entry with the interpreter's on the scales they use.

use super::layers::TableFunction;
use super::params::ActivationParams;

impl TableFunction {
    /// The fixed output quantization of the function.
    #[must_use]
    pub const fn output_params(self) -> ActivationParams {
        match self {
            Self::Logistic => ActivationParams::fixed(1.0 / 256.0, -128),
            Self::Tanh => ActivationParams::fixed(1.0 / 128.0, 0),
        }
    }

    /// `f(x)` in `f32` as the interpreter's table computes it.
    #[must_use]
    pub fn evaluate(self, x: f32) -> f32 {
        match self {
            Self::Logistic => {
                let e = crate::math::exp(-f64::from(x)) as f32;
                1.0 / (1.0 + e)
            }
            Self::Tanh => crate::math::tanh(f64::from(x)) as f32,
        }
    }

    /// The table for an input quantized with `input`: `table[q + 128]`.
    #[must_use]
    pub fn table(self, input: ActivationParams) -> [i8; 256] {
        let output = self.output_params();
        let inverse_scale = 1.0 / output.scale;
        core::array::from_fn(|i| {
            let q = i as i32 - 128;
            let x = input.scale * (q - i32::from(input.zero_point)) as f32;
            let rescaled = libm::roundf(self.evaluate(x) * inverse_scale);
            // C++'s float-to-int conversion truncates; `rescaled` is whole.
            let quantized = (rescaled + f32::from(output.zero_point)) as i32;
            quantized.clamp(-128, 127) as i8
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_follow_the_functions() {
        let input = ActivationParams::fixed(0.05, 3);
        for function in [TableFunction::Logistic, TableFunction::Tanh] {
            let table = function.table(input);
            let output = function.output_params();
            for (i, &y) in table.iter().enumerate() {
                let x = input.dequantize((i as i32 - 128) as i8);
                let exact = match function {
                    TableFunction::Logistic => 1.0 / (1.0 + libm::exp(-f64::from(x))),
                    TableFunction::Tanh => libm::tanh(f64::from(x)),
                };
                let got = f64::from(output.dequantize(y));
                // Within half an output step, except where int8 saturates
                // (logistic 1.0 and tanh 1.0 are one step past 127).
                let tolerance = f64::from(output.scale) * 0.5 + 1e-6;
                assert!(
                    (got - exact).abs() <= tolerance || (y == 127 && exact > got),
                    "{function:?} x {x}: {got} vs {exact}"
                );
            }
            assert!(table.windows(2).all(|w| w[0] <= w[1]));
        }
    }
}
