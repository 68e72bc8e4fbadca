//! Batch normalization over features, with the exact semantics of PyTorch's
//! `nn.BatchNorm1d` on `(batch, features)` input.
//!
//! Method: S. Ioffe and C. Szegedy, "Batch Normalization: Accelerating Deep
//! Network Training by Reducing Internal Covariate Shift", ICML 2015. For
//! each feature, over the `B` samples of a batch (`x_b`, `b = 1..B`):
//!
//! | quantity | formula |
//! |---|---|
//! | batch statistics | `mu = mean_b x_b`, `var = mean_b (x_b - mu)^2` (biased), `s = 1 / sqrt(var + eps)` |
//! | forward (training) | `xhat_b = (x_b - mu) s`, `y_b = gamma xhat_b + beta` |
//! | forward (inference) | `y = gamma (x - running_mean) / sqrt(running_var + eps) + beta` |
//! | buffer update | `running = (1 - m) running + m stat`, with the *unbiased* variance `var B / (B - 1)` |
//! | backward | `dx_b = gamma s (dy_b - mean(dy) - xhat_b mean(dy xhat))`, `dgamma = sum dy xhat`, `dbeta = sum dy` |
//! | R-forward | `R{mu} = mean R{x}`, `R{var} = 2 mean((x - mu) R{x})`, `R{s} = -s^3 R{var} / 2` |
//! | | `R{xhat_b} = s (R{x_b} - R{mu}) + (x_b - mu) R{s}`, `R{y_b} = v_gamma xhat_b + gamma R{xhat_b} + v_beta` |
//! | R-backward | with `h_b = dy_b - mean(dy) - xhat_b q`, `q = mean(dy xhat)`: |
//! | | `R{q} = mean(R{dy} xhat + dy R{xhat})`, `R{h_b} = R{dy_b} - mean(R{dy}) - R{xhat_b} q - xhat_b R{q}` |
//! | | `R{dx_b} = (v_gamma s + gamma R{s}) h_b + gamma s R{h_b}`, `R{dgamma} = B R{q}`, `R{dbeta} = sum R{dy}` |
//!
//! | evaluation mode | `mu`, `var` the running statistics, constants: `dx_b = gamma s dy_b`, `R{mu} = R{var} = R{s} = 0`, `R{dx_b} = v_gamma s dy_b + gamma s R{dy_b}` |
//!
//! where `(v_gamma, v_beta)` is the direction's share of the parameters and
//! `m` the momentum (or `1 / (t + 1)` for the cumulative average after `t`
//! tracked batches). Every sample's output depends on the whole batch
//! through `mu` and `var`, and backward and the R-operator differentiate
//! through both, so gradients and Hessian-vector products of a network in
//! training mode are those of the function PyTorch's autograd sees.
//!
//! The mode is chosen by the method called, never by a flag: `forward`
//! (inference) reads the running statistics, `forward_train` computes the
//! batch statistics and leaves the buffers alone, and `update_buffers` (the
//! training loop calls it after each step) moves the running statistics.
//! A caching forward in [`ForwardMode::Evaluation`](super::ForwardMode)
//! (`forward_train` with an evaluation context) computes the inference
//! function and marks its cache [`BatchNormCache::running`]: backward and
//! the R-operator then treat the statistics as constants, which gives the
//! gradients and Hessians of the evaluation-mode loss.
//! Training on a batch of one sample (whose variance is 0, so every output
//! would be `beta`) is refused at compile time: the layer's
//! [`Properties`] ask for a batch of at least 2, which a declared network
//! checks in every training entry point, naming the network and the layer.
//! Called directly on one sample, `forward_train` gives `beta` and
//! `update_buffers` leaves the running statistics alone (the unbiased
//! variance of one sample is undefined).

use nalgebra::{SMatrix, SVector};

mod config;

pub(crate) use config::valid_eps;
pub use config::{BatchNorm, RunningAverage};

use super::normalize::Centered;
use super::{
    Domain, Fill, InputFrom, Layer, LayerConfig, LayerShape, Properties, TensorShape, TrainContext,
    Zeroed,
};
use crate::math;
use crate::rng::Rng;
use crate::scalar::Float;

impl<const N: usize> LayerConfig for BatchNorm<N> {
    const NAME: &'static str = "BatchNorm";
    const DEFAULT: Self = Self::new();
    const INPUT: Option<usize> = Some(N);
    const INPUT_FROM: InputFrom = InputFrom::Size(0);
    // Odd once beta and the running mean are negated; training on one
    // sample is refused (its batch variance is 0: every output would be beta);
    // it keeps its own `num_batches_tracked`, as PyTorch does.
    const PROPERTIES: Properties = Properties::NONE
        .permutes_features()
        .odd()
        .train_differs(2)
        .counts_batches();
}

impl<const N: usize> LayerShape<N> for BatchNorm<N> {
    const OUTPUT: usize = N;
    const TENSORS: &'static [TensorShape] = &[
        TensorShape::per_feature("weight", N, false),
        TensorShape::per_feature("bias", N, true),
    ];
    const BUFFER_TENSORS: &'static [TensorShape] = &[
        TensorShape::per_feature("running_mean", N, true),
        TensorShape::per_feature("running_var", N, false)
            .starting_at(Fill::Ones)
            .within(Domain::NonNegative),
    ];
}

/// What a training forward of [`BatchNorm`] keeps: the normalized batch and
/// the batch statistics. Its R-operator tangent has the same type and holds
/// the directional derivative of each field.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchNormCache<T: Float, const N: usize, const B: usize> {
    /// `xhat = (x - mean) inv_std`, one column per sample.
    pub normalized: SMatrix<T, N, B>,
    /// Batch mean of each feature.
    pub mean: SVector<T, N>,
    /// Biased batch variance of each feature (sum of squares divided by `B`).
    pub variance: SVector<T, N>,
    /// `1 / sqrt(variance + eps)`.
    pub inv_std: SVector<T, N>,
    /// `true` when `mean` and `variance` are the running statistics of an
    /// evaluation-mode forward (constants for the derivatives), `false`
    /// (the zeroed value) for the batch statistics of training mode.
    pub running: bool,
}

impl<T: Float, const N: usize, const B: usize> Zeroed for BatchNormCache<T, N, B> {
    #[inline]
    fn zeroed() -> Self {
        Self {
            normalized: SMatrix::zeros(),
            mean: SVector::zeros(),
            variance: SVector::zeros(),
            inv_std: SVector::zeros(),
            running: false,
        }
    }
}

/// Per-feature sums over the batch of `f(b, n)`: one pass over the columns,
/// the inner loop over features (contiguous in memory).
#[inline]
fn feature_sums<T: Float, const N: usize, const B: usize>(
    mut f: impl FnMut(usize, usize) -> T,
) -> SVector<T, N> {
    let mut sums = SVector::<T, N>::zeros();
    for b in 0..B {
        for n in 0..N {
            sums[n] += f(b, n);
        }
    }
    sums
}

/// The two `N`-long halves of a layer's slice: (gamma, beta) of the
/// parameters, (running mean, running variance) of the buffers.
#[inline]
fn halves<T, const N: usize>(slice: &[T]) -> (&[T], &[T]) {
    (&slice[..N], &slice[N..2 * N])
}

impl<T: Float, const N: usize> Layer<T, N, N> for BatchNorm<N> {
    type Cache<const B: usize> = BatchNormCache<T, N, B>;

    fn init(&self, params: &mut [T], buffers: &mut [T], _rng: &mut Rng) {
        params[..N].fill(T::one());
        params[N..2 * N].fill(T::zero());
        <Self as Layer<T, N, N>>::init_buffers(self, buffers);
    }

    /// Inference: normalizes with the running statistics (any `B`, including 1).
    #[inline]
    fn forward<const B: usize>(
        &self,
        params: &[T],
        buffers: &[T],
        x: &SMatrix<T, N, B>,
        y: &mut SMatrix<T, N, B>,
    ) {
        let (gamma, beta) = halves::<T, N>(params);
        let (running_mean, running_var) = halves::<T, N>(buffers);
        let eps = T::of_f64(self.epsilon());
        let inv_std: [T; N] = core::array::from_fn(|n| T::one() / math::sqrt(running_var[n] + eps));
        for b in 0..B {
            for n in 0..N {
                y[(n, b)] = (x[(n, b)] - running_mean[n]) * inv_std[n] * gamma[n] + beta[n];
            }
        }
    }

    /// Training: normalizes with the batch mean and biased batch variance,
    /// kept in the cache; the buffers are not read. In evaluation mode:
    /// normalizes with the running statistics, as [`Layer::forward`] does
    /// (bit for bit), and marks the cache [`BatchNormCache::running`].
    #[inline]
    fn forward_train<const B: usize>(
        &self,
        params: &[T],
        buffers: &[T],
        x: &SMatrix<T, N, B>,
        y: &mut SMatrix<T, N, B>,
        cache: &mut BatchNormCache<T, N, B>,
        context: &TrainContext,
    ) {
        let (gamma, beta) = halves::<T, N>(params);
        let running = context.is_evaluation();
        let (mean, variance) = if running {
            let (running_mean, running_var) = halves::<T, N>(buffers);
            (
                SVector::<T, N>::from_column_slice(running_mean),
                SVector::<T, N>::from_column_slice(running_var),
            )
        } else {
            let inv_b = T::one() / T::of_usize(B);
            // Two passes (mean, then squared deviations), as PyTorch computes them.
            let mean = feature_sums::<T, N, B>(|b, n| x[(n, b)]) * inv_b;
            let variance = feature_sums::<T, N, B>(|b, n| {
                let d = x[(n, b)] - mean[n];
                d * d
            }) * inv_b;
            (mean, variance)
        };
        let eps = T::of_f64(self.epsilon());
        let inv_std = variance.map(|v| T::one() / math::sqrt(v + eps));
        for b in 0..B {
            for n in 0..N {
                let xhat = (x[(n, b)] - mean[n]) * inv_std[n];
                cache.normalized[(n, b)] = xhat;
                y[(n, b)] = gamma[n] * xhat + beta[n];
            }
        }
        cache.mean = mean;
        cache.variance = variance;
        cache.inv_std = inv_std;
        cache.running = running;
    }

    /// Moves the running statistics toward the batch's: the mean, and the
    /// unbiased variance `variance B / (B - 1)`. A batch of one sample has no
    /// unbiased variance: it leaves them alone, as does an evaluation-mode
    /// cache (whose statistics are the running ones).
    #[inline]
    fn update_buffers<const B: usize>(
        &self,
        buffers: &mut [T],
        cache: &BatchNormCache<T, N, B>,
        batches_tracked: u64,
    ) {
        if B < 2 || cache.running {
            return;
        }
        let factor = T::of_f64(self.update_factor(batches_tracked));
        let keep = T::one() - factor;
        let bessel = T::of_usize(B) / T::of_usize(B - 1);
        let (running_mean, running_var) = buffers[..2 * N].split_at_mut(N);
        for n in 0..N {
            running_mean[n] = keep * running_mean[n] + factor * cache.mean[n];
            running_var[n] = keep * running_var[n] + factor * (cache.variance[n] * bessel);
        }
    }

    #[inline]
    fn backward<const B: usize>(
        &self,
        params: &[T],
        _x: &SMatrix<T, N, B>,
        _y: &SMatrix<T, N, B>,
        cache: &mut BatchNormCache<T, N, B>,
        dy: &SMatrix<T, N, B>,
        dx: Option<&mut SMatrix<T, N, B>>,
        grad: &mut [T],
    ) {
        let xhat = &cache.normalized;
        let sum_dy = feature_sums::<T, N, B>(|b, n| dy[(n, b)]);
        let sum_dy_xhat = feature_sums::<T, N, B>(|b, n| dy[(n, b)] * xhat[(n, b)]);
        let (dgamma, dbeta) = grad[..2 * N].split_at_mut(N);
        dgamma.copy_from_slice(sum_dy_xhat.as_slice());
        dbeta.copy_from_slice(sum_dy.as_slice());
        let Some(dx) = dx else { return };
        // Constant (running) statistics: no coupling through the batch.
        let inv_b = if cache.running {
            T::zero()
        } else {
            T::one() / T::of_usize(B)
        };
        let gamma = &params[..N];
        for b in 0..B {
            for n in 0..N {
                let centered = Centered::new(sum_dy[n] * inv_b, sum_dy_xhat[n] * inv_b);
                dx[(n, b)] = gamma[n] * cache.inv_std[n] * centered.at(dy[(n, b)], xhat[(n, b)]);
            }
        }
    }

    #[inline]
    fn r_forward<const B: usize>(
        &self,
        params: &[T],
        v: &[T],
        x: &SMatrix<T, N, B>,
        _y: &SMatrix<T, N, B>,
        cache: &BatchNormCache<T, N, B>,
        rx: &SMatrix<T, N, B>,
        ry: &mut SMatrix<T, N, B>,
        r_cache: &mut BatchNormCache<T, N, B>,
    ) {
        let gamma = &params[..N];
        let (v_gamma, v_beta) = halves::<T, N>(v);
        let inv_b = T::one() / T::of_usize(B);
        let two = T::one() + T::one();
        let half = T::one() / two;
        let (r_mean, r_variance, r_inv_std) = if cache.running {
            // Running statistics are constants.
            (SVector::zeros(), SVector::zeros(), SVector::zeros())
        } else {
            let r_mean = feature_sums::<T, N, B>(|b, n| rx[(n, b)]) * inv_b;
            // Sum over b of (x_b - mu) is 0, so R{mu} drops out of R{var}.
            let r_variance =
                feature_sums::<T, N, B>(|b, n| (x[(n, b)] - cache.mean[n]) * rx[(n, b)])
                    * (two * inv_b);
            let r_inv_std = cache
                .inv_std
                .zip_map(&r_variance, |s, rv| -(half * s * s * s * rv));
            (r_mean, r_variance, r_inv_std)
        };
        for b in 0..B {
            for n in 0..N {
                let r_xhat = cache.inv_std[n] * (rx[(n, b)] - r_mean[n])
                    + (x[(n, b)] - cache.mean[n]) * r_inv_std[n];
                r_cache.normalized[(n, b)] = r_xhat;
                ry[(n, b)] = v_gamma[n] * cache.normalized[(n, b)] + gamma[n] * r_xhat + v_beta[n];
            }
        }
        r_cache.mean = r_mean;
        r_cache.variance = r_variance;
        r_cache.inv_std = r_inv_std;
        r_cache.running = cache.running;
    }

    #[inline]
    fn r_backward<const B: usize>(
        &self,
        params: &[T],
        v: &[T],
        _x: &SMatrix<T, N, B>,
        _y: &SMatrix<T, N, B>,
        cache: &BatchNormCache<T, N, B>,
        _rx: &SMatrix<T, N, B>,
        r_cache: &BatchNormCache<T, N, B>,
        dy: &SMatrix<T, N, B>,
        rdy: &SMatrix<T, N, B>,
        rdx: Option<&mut SMatrix<T, N, B>>,
        r_grad: &mut [T],
    ) {
        let (xhat, r_xhat) = (&cache.normalized, &r_cache.normalized);
        let r_sum_dy = feature_sums::<T, N, B>(|b, n| rdy[(n, b)]);
        // R{sum dy xhat} = sum (R{dy} xhat + dy R{xhat}) = B R{q}.
        let r_sum_dy_xhat = feature_sums::<T, N, B>(|b, n| {
            rdy[(n, b)] * xhat[(n, b)] + dy[(n, b)] * r_xhat[(n, b)]
        });
        let (r_dgamma, r_dbeta) = r_grad[..2 * N].split_at_mut(N);
        r_dgamma.copy_from_slice(r_sum_dy_xhat.as_slice());
        r_dbeta.copy_from_slice(r_sum_dy.as_slice());
        let Some(rdx) = rdx else { return };
        // Constant (running) statistics: h = dy, R{h} = R{dy}, R{s} = 0.
        let inv_b = if cache.running {
            T::zero()
        } else {
            T::one() / T::of_usize(B)
        };
        let gamma = &params[..N];
        let v_gamma = &v[..N];
        let mean_dy = feature_sums::<T, N, B>(|b, n| dy[(n, b)]) * inv_b;
        let q = feature_sums::<T, N, B>(|b, n| dy[(n, b)] * xhat[(n, b)]) * inv_b;
        let (r_mean_dy, r_q) = (r_sum_dy * inv_b, r_sum_dy_xhat * inv_b);
        for n in 0..N {
            // dx = k h with k = gamma s, so R{dx} = R{k} h + k R{h}.
            let k = gamma[n] * cache.inv_std[n];
            let r_k = v_gamma[n] * cache.inv_std[n] + gamma[n] * r_cache.inv_std[n];
            let centered = Centered::new(mean_dy[n], q[n]);
            let r_centered = Centered::new(r_mean_dy[n], r_q[n]);
            for b in 0..B {
                let h = centered.at(dy[(n, b)], xhat[(n, b)]);
                let r_h =
                    centered.tangent(&r_centered, (rdy[(n, b)], r_xhat[(n, b)]), xhat[(n, b)]);
                rdx[(n, b)] = r_k * h + k * r_h;
            }
        }
    }
}
