//! Dropout with the semantics of PyTorch's `nn.Dropout(p)`: inverted
//! dropout in training, the identity in inference.
//!
//! Method: N. Srivastava, G. Hinton, A. Krizhevsky, I. Sutskever and
//! R. Salakhutdinov, "Dropout: A Simple Way to Prevent Neural Networks from
//! Overfitting", JMLR 15, 2014; scaled at training time ("inverted"), as
//! PyTorch does, so inference needs no rescaling.
//!
//! | quantity | formula |
//! |---|---|
//! | mask (training) | `m = 1 / (1 - p)` with probability `1 - p`, else `0`, one draw per feature and sample |
//! | forward (training) | `y = m x` |
//! | forward (inference) | `y = x` |
//! | backward | `dx = m dy` (no parameters) |
//! | R-operator | `R{y} = m R{x}`, `R{dx} = m R{dy}` (the mask does not depend on the parameters) |
//!
//! # The mask and reproducibility
//!
//! A training forward draws the mask from its [`TrainContext`]
//! ([`TrainContext::rng`]: the step's seed and the layer's index), feature
//! by feature within a sample, sample by sample, and keeps it in the cache.
//! The same context gives the same mask bit for bit; the training loop
//! gives every step its own seed ([`TrainContext::step`]), so consecutive
//! steps see fresh masks, and two dropout layers of one network draw from
//! different streams. Backward and the R-operator read the kept mask, so
//! the gradient, a Hessian-vector product and a full Hessian at a training
//! step are derivatives of one function: the network thinned by that mask.
//! `p = 0` keeps every value (no draw): the identity in both modes.
//! PyTorch's own generator is not reproduced: the masks are constnet's, the
//! law (independent Bernoulli draws) is PyTorch's.
//!
//! # Dropout and the Hessian tools
//!
//! The second-order tools (`hessian_vector_product`, full Hessians,
//! spectra, Newton steps, the matrix-free estimators) run their passes in
//! training mode with [`TrainContext::default`], the same context for
//! every pass and every call: what they see is the Hessian of the loss of
//! one fixed thinned network, exact and symmetric, the same at every call
//! (so an iterative method such as Lanczos sees one operator). It is
//! neither the Hessian of the inference network nor the expected Hessian
//! over masks. For the Hessian of the inference function, build the same
//! network without its dropout layers (or with `p = 0`) from the same
//! parameters (`from_parameters`): dropout has none, so the flat vectors
//! agree. For a given step's mask, call `forward_train_with` with that
//! step's context and the network's `r_forward` / `r_backward`.
//!
//! Permuting the features permutes the mask's law but not a drawn mask:
//! the layer is marked as commuting with permutations and odd (it is
//! linear), which holds exactly for inference and for the distribution of
//! the training function, so the symmetry tools see through it.

use nalgebra::SMatrix;

use super::{Layer, LayerConfig, LayerShape, Properties, TensorShape, TrainContext};
use crate::error::{Result, check_param};
use crate::rng::Rng;
use crate::scalar::Float;

/// Inverted dropout with drop probability `p` (PyTorch `nn.Dropout(p)`);
/// see the [module documentation](self) for the formulas, the mask and how
/// it meets the Hessian tools.
///
/// In a declaration: `Dropout` (p = 0.5), `Dropout(p = 0.1)`, `Dropout(0.1)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dropout {
    p: f64,
}

/// `p` must be in `[0, 1)`: `p = 1` would scale the kept values by
/// `1 / 0`. NaN fails.
const fn valid_p(p: f64) -> bool {
    p >= 0.0 && p < 1.0
}

impl Dropout {
    /// PyTorch's default drop probability, 0.5.
    pub const DEFAULT_P: f64 = 0.5;

    /// Dropout with probability `p` of zeroing each value in training.
    ///
    /// # Panics
    /// When `p` is not in `[0, 1)`; in a `const` (as a declaration
    /// evaluates it) that is a compile error. At run time prefer
    /// [`Dropout::try_new`].
    #[must_use]
    pub const fn new(p: f64) -> Self {
        Self::DEFAULT.p(p)
    }

    /// The same layer with drop probability `p` (`Dropout(p = ...)`).
    /// Default: 0.5.
    ///
    /// # Panics
    /// When `p` is not in `[0, 1)`; in a `const` (as a declaration
    /// evaluates it) that is a compile error.
    #[must_use]
    pub const fn p(self, p: f64) -> Self {
        assert!(valid_p(p), "Dropout: p must be in [0, 1)");
        Self { p }
    }

    /// A layer from a `p` known only at run time. Fails with
    /// [`Error::InvalidHyperParameter`](crate::error::Error::InvalidHyperParameter)
    /// when `p` is not in `[0, 1)`.
    pub fn try_new(p: f64) -> Result<Self> {
        check_param("p", p, valid_p(p), "must be in [0, 1)")?;
        Ok(Self { p })
    }

    /// The drop probability. Default: 0.5.
    #[must_use]
    pub const fn probability(&self) -> f64 {
        self.p
    }

    /// Draws a training mask: each entry `1 / (1 - p)` with probability
    /// `1 - p`, else 0, from `context`'s generator (all ones when `p = 0`
    /// or in evaluation mode, [`TrainContext::is_evaluation`]).
    pub fn draw_mask<T: Float, const N: usize, const B: usize>(
        &self,
        context: &TrainContext,
        mask: &mut SMatrix<T, N, B>,
    ) {
        if self.p == 0.0 || context.is_evaluation() {
            mask.fill(T::one());
            return;
        }
        let kept = T::of_f64(1.0 / (1.0 - self.p));
        let mut rng = context.rng();
        for value in mask.iter_mut() {
            *value = if rng.uniform() < self.p {
                T::zero()
            } else {
                kept
            };
        }
    }
}

impl Default for Dropout {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl LayerConfig for Dropout {
    const NAME: &'static str = "Dropout";
    const DEFAULT: Self = Self { p: Self::DEFAULT_P };
    const INPUT: Option<usize> = None;
    // Linear, and exchangeable in law; different in training, any batch.
    const PROPERTIES: Properties = Properties::NONE.permutes_features().odd().train_differs(1);
}

impl<const N: usize> LayerShape<N> for Dropout {
    const OUTPUT: usize = N;
    const TENSORS: &'static [TensorShape] = &[];
}

/// `out = mask .* a`, entry by entry.
#[inline]
fn masked<T: Float, const N: usize, const B: usize>(
    mask: &SMatrix<T, N, B>,
    a: &SMatrix<T, N, B>,
    out: &mut SMatrix<T, N, B>,
) {
    for ((o, &m), &v) in out.iter_mut().zip(mask.iter()).zip(a.iter()) {
        *o = m * v;
    }
}

impl<T: Float, const N: usize> Layer<T, N, N> for Dropout {
    /// The mask of the training forward: `1 / (1 - p)` where a value is
    /// kept, 0 where it is dropped. Its tangent is zero.
    type Cache<const B: usize> = SMatrix<T, N, B>;

    fn init(&self, _params: &mut [T], _buffers: &mut [T], _rng: &mut Rng) {}

    /// Inference: the identity.
    #[inline]
    fn forward<const B: usize>(
        &self,
        _params: &[T],
        _buffers: &[T],
        x: &SMatrix<T, N, B>,
        y: &mut SMatrix<T, N, B>,
    ) {
        y.copy_from(x);
    }

    /// Training: draws the mask from `context` and keeps it in the cache
    /// (all ones, the identity, in evaluation mode).
    #[inline]
    fn forward_train<const B: usize>(
        &self,
        _params: &[T],
        _buffers: &[T],
        x: &SMatrix<T, N, B>,
        y: &mut SMatrix<T, N, B>,
        cache: &mut SMatrix<T, N, B>,
        context: &TrainContext,
    ) {
        self.draw_mask(context, cache);
        masked(cache, x, y);
    }

    #[inline]
    fn backward<const B: usize>(
        &self,
        _params: &[T],
        _x: &SMatrix<T, N, B>,
        _y: &SMatrix<T, N, B>,
        cache: &mut SMatrix<T, N, B>,
        dy: &SMatrix<T, N, B>,
        dx: Option<&mut SMatrix<T, N, B>>,
        _grad: &mut [T],
    ) {
        if let Some(dx) = dx {
            masked(cache, dy, dx);
        }
    }

    #[inline]
    fn r_forward<const B: usize>(
        &self,
        _params: &[T],
        _v: &[T],
        _x: &SMatrix<T, N, B>,
        _y: &SMatrix<T, N, B>,
        cache: &SMatrix<T, N, B>,
        rx: &SMatrix<T, N, B>,
        ry: &mut SMatrix<T, N, B>,
        r_cache: &mut SMatrix<T, N, B>,
    ) {
        masked(cache, rx, ry);
        r_cache.fill(T::zero());
    }

    #[inline]
    fn r_backward<const B: usize>(
        &self,
        _params: &[T],
        _v: &[T],
        _x: &SMatrix<T, N, B>,
        _y: &SMatrix<T, N, B>,
        cache: &SMatrix<T, N, B>,
        _rx: &SMatrix<T, N, B>,
        _r_cache: &SMatrix<T, N, B>,
        _dy: &SMatrix<T, N, B>,
        rdy: &SMatrix<T, N, B>,
        rdx: Option<&mut SMatrix<T, N, B>>,
        _r_grad: &mut [T],
    ) {
        if let Some(rdx) = rdx {
            masked(cache, rdy, rdx);
        }
    }
}
