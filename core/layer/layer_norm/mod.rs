//! Layer normalization over the features of each sample, with the exact
//! semantics of PyTorch's `nn.LayerNorm(N)` on `(batch, N)` input.
//!
//! Method: J. L. Ba, J. R. Kiros and G. E. Hinton, "Layer Normalization",
//! arXiv:1607.06450, 2016. For each sample (one column `x`, features
//! `x_n`, `n = 1..N`), with `mean` over the `N` features:
//!
//! | quantity | formula |
//! |---|---|
//! | statistics | `mu = mean_n x_n`, `var = mean_n (x_n - mu)^2` (biased), `s = 1 / sqrt(var + eps)` |
//! | forward (training and inference alike) | `xhat_n = (x_n - mu) s`, `y_n = gamma_n xhat_n + beta_n` |
//! | backward | with `g = gamma dy` and the projection `P(u) = u - mean(u) - xhat mean(xhat u)`: `dx = s P(g)`; `dgamma = sum_b dy xhat`, `dbeta = sum_b dy` |
//! | R-forward | `R{s} = -s^2 mean(xhat R{x})`, `R{xhat} = s P(R{x})`, `R{y} = v_gamma xhat + gamma R{xhat} + v_beta` |
//! | R-backward | `R{g} = v_gamma dy + gamma R{dy}`, `q = mean(g xhat)`, `R{q} = mean(R{g} xhat + g R{xhat})`, `h = g - mean(g) - xhat q`: |
//! | | `R{h} = R{g} - mean(R{g}) - R{xhat} q - xhat R{q}`, `R{dx} = R{s} h + s R{h}` |
//! | | `R{dgamma} = sum_b (R{dy} xhat + dy R{xhat})`, `R{dbeta} = sum_b R{dy}` |
//!
//! where `(v_gamma, v_beta)` is the direction's share of the parameters
//! and sums over `b` run over the samples of the batch. Without the affine
//! part (`elementwise_affine = false`) `gamma = 1`, `beta = 0` and there
//! are no parameters. Every output of a sample depends on all its features
//! through `mu` and `var`; backward and the R-operator differentiate
//! through both statistics, so gradients, Hessian-vector products and full
//! Hessians are those of the function PyTorch's autograd sees.
//!
//! Unlike batch normalization, the statistics are the sample's own: the
//! layer has no buffers, the same function in training and inference, and
//! any batch size (one sample included) trains. Permuting the features
//! together with `weight` and `bias` permutes the outputs, so the units of
//! a `Dense` layer before it stay interchangeable (the symmetry tools
//! carry `weight` and `bias` along). Negating one feature is not a
//! symmetry (it moves `mu` and `var` of all), so the layer is not odd.

use nalgebra::{SMatrix, SVector};

mod config;

pub use config::LayerNorm;

use super::normalize::Centered;
use super::{
    InputFrom, Layer, LayerConfig, LayerShape, Properties, TensorShape, TrainContext, Zeroed,
};
use crate::math;
use crate::rng::Rng;
use crate::scalar::Float;

impl<const N: usize, const AFFINE: bool> LayerConfig for LayerNorm<N, AFFINE> {
    const NAME: &'static str = "LayerNorm";
    const DEFAULT: Self = Self::new();
    const INPUT: Option<usize> = Some(N);
    const INPUT_FROM: InputFrom = InputFrom::Size(0);
    // Permuting the features with weight and bias permutes the outputs; a
    // sign flip of one feature moves every feature's statistics: not odd.
    const PROPERTIES: Properties = Properties::NONE.permutes_features();
}

impl<const N: usize, const AFFINE: bool> LayerShape<N> for LayerNorm<N, AFFINE> {
    const OUTPUT: usize = {
        assert!(N > 0, "LayerNorm<N>: N must be at least 1");
        N
    };
    const TENSORS: &'static [TensorShape] = if AFFINE {
        &[
            TensorShape::per_feature("weight", N, false),
            TensorShape::per_feature("bias", N, true),
        ]
    } else {
        &[]
    };
}

/// What a training forward of [`LayerNorm`] keeps: the normalized batch and
/// each sample's `1 / sqrt(var + eps)`. Its R-operator tangent has the same
/// type and holds the directional derivative of each field.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerNormCache<T: Float, const N: usize, const B: usize> {
    /// `xhat = (x - mean) inv_std`, one column per sample.
    pub normalized: SMatrix<T, N, B>,
    /// `1 / sqrt(var + eps)` of each sample.
    pub inv_std: SVector<T, B>,
}

impl<T: Float, const N: usize, const B: usize> Zeroed for LayerNormCache<T, N, B> {
    #[inline]
    fn zeroed() -> Self {
        Self {
            normalized: SMatrix::zeros(),
            inv_std: SVector::zeros(),
        }
    }
}

/// `mean_n f(n)` over the `N` features of one sample.
#[inline]
fn feature_mean<T: Float, const N: usize>(f: impl Fn(usize) -> T) -> T {
    let mut sum = T::zero();
    for n in 0..N {
        sum += f(n);
    }
    sum / T::of_usize(N)
}

impl<const N: usize, const AFFINE: bool> LayerNorm<N, AFFINE> {
    /// `(gamma_n, beta_n)`: the parameters, or `(1, 0)` without them.
    #[inline]
    fn affine<T: Float>(params: &[T], n: usize) -> (T, T) {
        if AFFINE {
            (params[n], params[N + n])
        } else {
            (T::one(), T::zero())
        }
    }

    /// Normalizes sample `b` of `x` into `xhat`; returns `1 / sqrt(var + eps)`.
    /// Two passes (mean, then squared deviations), as PyTorch computes them.
    #[inline]
    fn normalize<T: Float, const B: usize>(
        eps: T,
        x: &SMatrix<T, N, B>,
        b: usize,
        xhat: &mut SMatrix<T, N, B>,
    ) -> T {
        let mean = feature_mean::<T, N>(|n| x[(n, b)]);
        let variance = feature_mean::<T, N>(|n| {
            let d = x[(n, b)] - mean;
            d * d
        });
        let inv_std = T::one() / math::sqrt(variance + eps);
        for n in 0..N {
            xhat[(n, b)] = (x[(n, b)] - mean) * inv_std;
        }
        inv_std
    }
}

impl<T: Float, const N: usize, const AFFINE: bool> Layer<T, N, N> for LayerNorm<N, AFFINE> {
    type Cache<const B: usize> = LayerNormCache<T, N, B>;

    /// PyTorch's `reset_parameters`: weight 1, bias 0.
    fn init(&self, params: &mut [T], _buffers: &mut [T], _rng: &mut Rng) {
        if AFFINE {
            params[..N].fill(T::one());
            params[N..2 * N].fill(T::zero());
        }
    }

    #[inline]
    fn forward<const B: usize>(
        &self,
        params: &[T],
        _buffers: &[T],
        x: &SMatrix<T, N, B>,
        y: &mut SMatrix<T, N, B>,
    ) {
        let eps = T::of_f64(self.epsilon());
        for b in 0..B {
            Self::normalize(eps, x, b, y);
            for n in 0..N {
                let (gamma, beta) = Self::affine(params, n);
                y[(n, b)] = gamma * y[(n, b)] + beta;
            }
        }
    }

    #[inline]
    fn forward_train<const B: usize>(
        &self,
        params: &[T],
        _buffers: &[T],
        x: &SMatrix<T, N, B>,
        y: &mut SMatrix<T, N, B>,
        cache: &mut LayerNormCache<T, N, B>,
        _context: &TrainContext,
    ) {
        let eps = T::of_f64(self.epsilon());
        for b in 0..B {
            cache.inv_std[b] = Self::normalize(eps, x, b, &mut cache.normalized);
            for n in 0..N {
                let (gamma, beta) = Self::affine(params, n);
                y[(n, b)] = gamma * cache.normalized[(n, b)] + beta;
            }
        }
    }

    #[inline]
    fn backward<const B: usize>(
        &self,
        params: &[T],
        _x: &SMatrix<T, N, B>,
        _y: &SMatrix<T, N, B>,
        cache: &mut LayerNormCache<T, N, B>,
        dy: &SMatrix<T, N, B>,
        dx: Option<&mut SMatrix<T, N, B>>,
        grad: &mut [T],
    ) {
        let xhat = &cache.normalized;
        if AFFINE {
            let (dgamma, dbeta) = grad[..2 * N].split_at_mut(N);
            dgamma.fill(T::zero());
            dbeta.fill(T::zero());
            for b in 0..B {
                for n in 0..N {
                    dgamma[n] += dy[(n, b)] * xhat[(n, b)];
                    dbeta[n] += dy[(n, b)];
                }
            }
        }
        let Some(dx) = dx else { return };
        for b in 0..B {
            let g = |n: usize| Self::affine(params, n).0 * dy[(n, b)];
            let centered = Centered::new(
                feature_mean::<T, N>(g),
                feature_mean::<T, N>(|n| g(n) * xhat[(n, b)]),
            );
            let s = cache.inv_std[b];
            for n in 0..N {
                dx[(n, b)] = s * centered.at(g(n), xhat[(n, b)]);
            }
        }
    }

    #[inline]
    fn r_forward<const B: usize>(
        &self,
        params: &[T],
        v: &[T],
        _x: &SMatrix<T, N, B>,
        _y: &SMatrix<T, N, B>,
        cache: &LayerNormCache<T, N, B>,
        rx: &SMatrix<T, N, B>,
        ry: &mut SMatrix<T, N, B>,
        r_cache: &mut LayerNormCache<T, N, B>,
    ) {
        let xhat = &cache.normalized;
        for b in 0..B {
            let s = cache.inv_std[b];
            let mean_rx = feature_mean::<T, N>(|n| rx[(n, b)]);
            let q = feature_mean::<T, N>(|n| xhat[(n, b)] * rx[(n, b)]);
            r_cache.inv_std[b] = -(s * s * q);
            for n in 0..N {
                let r_xhat = s * (rx[(n, b)] - mean_rx - xhat[(n, b)] * q);
                r_cache.normalized[(n, b)] = r_xhat;
                let (gamma, _) = Self::affine(params, n);
                let (v_gamma, v_beta) = Self::affine_tangent(v, n);
                ry[(n, b)] = v_gamma * xhat[(n, b)] + gamma * r_xhat + v_beta;
            }
        }
    }

    #[inline]
    fn r_backward<const B: usize>(
        &self,
        params: &[T],
        v: &[T],
        _x: &SMatrix<T, N, B>,
        _y: &SMatrix<T, N, B>,
        cache: &LayerNormCache<T, N, B>,
        _rx: &SMatrix<T, N, B>,
        r_cache: &LayerNormCache<T, N, B>,
        dy: &SMatrix<T, N, B>,
        rdy: &SMatrix<T, N, B>,
        rdx: Option<&mut SMatrix<T, N, B>>,
        r_grad: &mut [T],
    ) {
        let (xhat, r_xhat) = (&cache.normalized, &r_cache.normalized);
        if AFFINE {
            let (r_dgamma, r_dbeta) = r_grad[..2 * N].split_at_mut(N);
            r_dgamma.fill(T::zero());
            r_dbeta.fill(T::zero());
            for b in 0..B {
                for n in 0..N {
                    r_dgamma[n] += rdy[(n, b)] * xhat[(n, b)] + dy[(n, b)] * r_xhat[(n, b)];
                    r_dbeta[n] += rdy[(n, b)];
                }
            }
        }
        let Some(rdx) = rdx else { return };
        for b in 0..B {
            let g = |n: usize| Self::affine(params, n).0 * dy[(n, b)];
            let r_g = |n: usize| {
                Self::affine_tangent(v, n).0 * dy[(n, b)] + Self::affine(params, n).0 * rdy[(n, b)]
            };
            let centered = Centered::new(
                feature_mean::<T, N>(g),
                feature_mean::<T, N>(|n| g(n) * xhat[(n, b)]),
            );
            let r_centered = Centered::new(
                feature_mean::<T, N>(r_g),
                feature_mean::<T, N>(|n| r_g(n) * xhat[(n, b)] + g(n) * r_xhat[(n, b)]),
            );
            let (s, r_s) = (cache.inv_std[b], r_cache.inv_std[b]);
            for n in 0..N {
                let h = centered.at(g(n), xhat[(n, b)]);
                let r_h = centered.tangent(&r_centered, (r_g(n), r_xhat[(n, b)]), xhat[(n, b)]);
                rdx[(n, b)] = r_s * h + s * r_h;
            }
        }
    }
}

impl<const N: usize, const AFFINE: bool> LayerNorm<N, AFFINE> {
    /// `(v_gamma_n, v_beta_n)`: the direction's share, or `(0, 0)` without
    /// parameters.
    #[inline]
    fn affine_tangent<T: Float>(v: &[T], n: usize) -> (T, T) {
        if AFFINE {
            (v[n], v[N + n])
        } else {
            (T::zero(), T::zero())
        }
    }
}
