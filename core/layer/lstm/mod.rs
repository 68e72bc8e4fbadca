//! The long short-term memory layer, unrolled over a fixed number of steps,
//! with backpropagation through time and its R-operator side by side.
//!
//! One sample is a sequence of `S` vectors of width `I`, flattened
//! time-major into one column of width `I * S`. With `h_0 = c_0 = 0` and
//! `z_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh` cut into four `H`-blocks
//! in PyTorch's order `(i, f, g, o)`:
//!
//! | quantity | formula (t = 1..S) |
//! |---|---|
//! | gates | `i_t = sigmoid(z_i)`, `f_t = sigmoid(z_f)`, `g_t = tanh(z_g)`, `o_t = sigmoid(z_o)` |
//! | state | `c_t = f_t c_{t-1} + i_t g_t`, `h_t = o_t tanh(c_t)` |
//! | output | `h_S`, or `[h_1; ...; h_S]` with `sequence = true` |
//! | backward | `dh_t = dy_t + W_hh^T dz_{t+1}`, `dc_t = f_{t+1} dc_{t+1} + dh_t o_t (1 - tanh^2 c_t)` |
//! | | `dz_i = dc_t g_t i_t (1 - i_t)`, `dz_f = dc_t c_{t-1} f_t (1 - f_t)`, `dz_g = dc_t i_t (1 - g_t^2)`, `dz_o = dh_t tanh(c_t) o_t (1 - o_t)` |
//! | | `dW_ih = sum_t dz_t x_t^T`, `dW_hh = sum_t dz_t h_{t-1}^T`, `db_ih = db_hh = sum_t dz_t`, `dx_t = W_ih^T dz_t` |
//! | R-forward | `R{z_t} = V_ih x_t + W_ih R{x_t} + v_ih + V_hh h_{t-1} + W_hh R{h_{t-1}} + v_hh`, each gate `R{a} = a' R{z_a}` |
//! | | `R{c_t} = R{f_t} c_{t-1} + f_t R{c_{t-1}} + R{i_t} g_t + i_t R{g_t}`, `R{h_t} = R{o_t} tanh c_t + o_t (1 - tanh^2 c_t) R{c_t}` |
//! | R-backward | the backward lines differentiated along the same direction (product rule on every factor) |
//!
//! The cell is S. Hochreiter and J. Schmidhuber's ("Long short-term
//! memory", Neural Computation 9(8), 1997) with the forget gate of F. A.
//! Gers, J. Schmidhuber and F. Cummins ("Learning to forget", Neural
//! Computation 12(10), 2000), exactly as PyTorch's `nn.LSTM` computes it.
//! Backward records `dL/dh_t` and `dL/dc_t` in the cache
//! ([`LstmCache::hidden_grad`], [`LstmCache::cell_grad`]) for the
//! gradient-flow tools ([`crate::diagnostics::gradient_flow`]).

mod cache;
mod steps;

pub use cache::LstmCache;

use super::gated::gated_layer;

gated_layer! {
    /// A long short-term memory layer (PyTorch's `nn.LSTM`, one layer,
    /// `batch_first = False` steps flattened time-major), unrolled over `S`
    /// steps of `I` features into `H` hidden units; see the [module
    /// documentation](self) for the formulas.
    ///
    /// Input width `I * S`. Output width `H` (the last hidden state, the
    /// default) or `H * S` (every hidden state, time-major; declared as
    /// `Lstm<I, H, S>(sequence = true)`). Any other width is a compile error.
    ///
    /// Parameters, in PyTorch order and names: `weight_ih_l0` (`4H x I`),
    /// `weight_hh_l0` (`4H x H`), `bias_ih_l0` (`4H`), `bias_hh_l0` (`4H`), each
    /// gate-blocked `(i, f, g, o)`: `4H (I + H + 2)` values.
    ///
    /// Default initialization: PyTorch's: every tensor uniform in
    /// `[-1/sqrt(H), 1/sqrt(H)]` (the fields below).
    ///
    /// ```compile_fail
    /// use constnet::prelude::*;
    /// network! {
    ///     /// `sequence = true` outputs 4 * 5 values, not 4.
    ///     struct Wrong { lstm: Lstm<2, 4, 5>(sequence = true), out: Dense<4, 1> }
    /// }
    /// ```
    pub struct Lstm;
    name: "Lstm",
    article: "An LSTM layer",
    gates: 4,
    cache: LstmCache,
    steps: steps,
}
