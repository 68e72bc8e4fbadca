//! The gated recurrent unit layer, unrolled over a fixed number of steps,
//! with backpropagation through time and its R-operator side by side.
//!
//! One sample is a sequence of `S` vectors of width `I`, flattened
//! time-major into one column of width `I * S`. With `h_0 = 0`, the
//! affine maps `a_t = W_ih x_t + b_ih` and `u_t = W_hh h_{t-1} + b_hh` cut
//! into three `H`-blocks in PyTorch's order `(r, z, n)`:
//!
//! | quantity | formula (t = 1..S) |
//! |---|---|
//! | gates | `r_t = sigmoid(a_r + u_r)`, `z_t = sigmoid(a_z + u_z)`, `n_t = tanh(a_n + r_t u_n)` (PyTorch applies `r_t` to `W_hn h_{t-1} + b_hn`) |
//! | state | `h_t = (1 - z_t) n_t + z_t h_{t-1}` |
//! | output | `h_S`, or `[h_1; ...; h_S]` with `sequence = true` |
//! | backward | `dh_t = dy_t + z_{t+1} dh_{t+1} + W_hh^T du_{t+1}`; `dn = dh_t (1 - z_t)`, `d(a_n) = dn (1 - n_t^2)` |
//! | | `d(a_r) = d(a_n) u_n r_t (1 - r_t)`, `d(a_z) = dh_t (h_{t-1} - n_t) z_t (1 - z_t)`, `du_n = d(a_n) r_t` |
//! | | `dW_ih = sum_t da_t x_t^T`, `dW_hh = sum_t du_t h_{t-1}^T` (`du_r = da_r`, `du_z = da_z`), `db_ih = sum_t da_t`, `db_hh = sum_t du_t`, `dx_t = W_ih^T da_t` |
//! | R-forward | `R{a_t} = V_ih x_t + W_ih R{x_t} + v_ih`, `R{u_t} = V_hh h_{t-1} + W_hh R{h_{t-1}} + v_hh`, each gate `R{g} = g' R{pre-activation}` |
//! | | `R{h_t} = (1 - z_t) R{n_t} - R{z_t} n_t + R{z_t} h_{t-1} + z_t R{h_{t-1}}` |
//! | R-backward | the backward lines differentiated along the same direction (product rule on every factor) |
//!
//! The cell is K. Cho et al.'s ("Learning phrase representations using
//! RNN encoder-decoder for statistical machine translation", EMNLP 2014)
//! in PyTorch's `nn.GRU` form. Backward records `dL/dh_t` in the cache
//! ([`GruCache::hidden_grad`]) for the gradient-flow tools
//! ([`crate::diagnostics::gradient_flow`]).

mod cache;
mod steps;

pub use cache::GruCache;

use super::gated::gated_layer;

gated_layer! {
    /// A gated recurrent unit layer (PyTorch's `nn.GRU`, one layer,
    /// `batch_first = False` steps flattened time-major), unrolled over `S`
    /// steps of `I` features into `H` hidden units; see the [module
    /// documentation](self) for the formulas.
    ///
    /// Input width `I * S`. Output width `H` (the last hidden state, the
    /// default) or `H * S` (every hidden state, time-major; declared as
    /// `Gru<I, H, S>(sequence = true)`). Any other width is a compile error.
    ///
    /// Parameters, in PyTorch order and names: `weight_ih_l0` (`3H x I`),
    /// `weight_hh_l0` (`3H x H`), `bias_ih_l0` (`3H`), `bias_hh_l0` (`3H`), each
    /// gate-blocked `(r, z, n)`: `3H (I + H + 2)` values.
    ///
    /// Default initialization: PyTorch's: every tensor uniform in
    /// `[-1/sqrt(H), 1/sqrt(H)]` (the fields below).
    ///
    /// ```compile_fail
    /// use constnet::prelude::*;
    /// network! {
    ///     /// `sequence = true` outputs 4 * 5 values, not 4.
    ///     struct Wrong { gru: Gru<2, 4, 5>(sequence = true), out: Dense<4, 1> }
    /// }
    /// ```
    pub struct Gru;
    name: "Gru",
    article: "A GRU layer",
    gates: 3,
    cache: GruCache,
    steps: steps,
}
