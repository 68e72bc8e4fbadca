//! What the backward passes of [`LayerNorm`](super::LayerNorm) and
//! [`BatchNorm`](super::BatchNorm) share: both normalize a group of values
//! (a sample's features, or a feature's samples in the batch) as
//! `xhat_i = (x_i - mean) s` with `s = 1 / sqrt(var + eps)`, so with `g_i =
//! dL/dxhat_i` both send back `dx_i = s h_i`,
//!
//! `h_i = g_i - mean(g) - xhat_i mean(g xhat)`
//!
//! (the projection of `g` off the constants and off `xhat`, which the
//! normalization cannot change), and along an R-operator direction
//! `R{h_i} = R{g_i} - mean(R{g}) - R{xhat_i} mean(g xhat) - xhat_i
//! mean(R{g} xhat + g R{xhat})`. The layers sum over their own axis; this
//! is the formula they apply to each element.

use crate::scalar::Float;

/// The two means of a group that the normalization's backward subtracts.
#[derive(Clone, Copy, Debug)]
pub struct Centered<T> {
    /// `mean(g)` over the group.
    mean: T,
    /// `mean(g xhat)` over the group.
    along_xhat: T,
}

impl<T: Float> Centered<T> {
    /// From `mean(g)` and `mean(g xhat)` over the group (or, for
    /// [`Centered::tangent`], the same means of the tangents).
    #[inline]
    pub fn new(mean: T, along_xhat: T) -> Self {
        Self { mean, along_xhat }
    }

    /// `h_i = g_i - mean(g) - xhat_i mean(g xhat)`.
    #[inline]
    pub fn at(&self, g: T, xhat: T) -> T {
        g - self.mean - xhat * self.along_xhat
    }

    /// `R{h_i} = R{g_i} - mean(R{g}) - R{xhat_i} mean(g xhat) - xhat_i
    /// R{mean(g xhat)}`, with `tangent` holding `mean(R{g})` and
    /// `R{mean(g xhat)}` and `(r_g, r_xhat)` being `(R{g_i}, R{xhat_i})`.
    #[inline]
    pub fn tangent(&self, tangent: &Self, (r_g, r_xhat): (T, T), xhat: T) -> T {
        r_g - tangent.mean - r_xhat * self.along_xhat - xhat * tangent.along_xhat
    }
}
