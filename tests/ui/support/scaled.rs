//! A layer type defined outside constnet, for the UI cases: `Scaled<N>`,
//! `y_i = factor * a_i * x_i` with a learned scale per feature (the same
//! layer as in `examples/08_custom_layer.rs`).

use constnet::layer::{
    InputFrom, Layer, LayerConfig, LayerShape, Properties, Role, TensorShape, TrainContext,
};
use constnet::nalgebra::SMatrix;
use constnet::rng::Rng;
use constnet::scalar::Float;

/// `y_i = factor * a_i * x_i`: one learned scale `a` per feature
/// (initialized to 1), times a fixed `factor`.
#[derive(Clone, Copy, Debug)]
pub struct Scaled<const N: usize> {
    factor: f64,
}

impl<const N: usize> Scaled<N> {
    /// The same layer with another fixed factor (`factor = ...` in a
    /// declaration).
    ///
    /// # Panics
    /// When the factor is not finite: in a declaration, a compile error.
    #[must_use]
    pub const fn factor(mut self, factor: f64) -> Self {
        assert!(factor.is_finite(), "Scaled: factor must be finite");
        self.factor = factor;
        self
    }
}

impl<const N: usize> LayerConfig for Scaled<N> {
    const NAME: &'static str = "Scaled";
    const DEFAULT: Self = Self { factor: 1.0 };
    const INPUT: Option<usize> = Some(N);
    const INPUT_FROM: InputFrom = InputFrom::Size(0);
    // Odd, and commuting with permutations of its features when its
    // scales move along: the symmetry tools see through it.
    const PROPERTIES: Properties = Properties::NONE.permutes_features().odd();
}

impl<const N: usize> LayerShape<N> for Scaled<N> {
    const OUTPUT: usize = N;
    const TENSORS: &'static [TensorShape] =
        &[TensorShape::vector("scale", N).with_role(Role::PerFeature { negated: false })];
}

impl<T: Float, const N: usize> Layer<T, N, N> for Scaled<N> {
    type Cache<const B: usize> = ();

    fn init(&self, params: &mut [T], _buffers: &mut [T], _rng: &mut Rng) {
        params[..N].fill(T::one());
    }

    fn forward<const B: usize>(
        &self,
        params: &[T],
        _buffers: &[T],
        x: &SMatrix<T, N, B>,
        y: &mut SMatrix<T, N, B>,
    ) {
        let factor = T::of_f64(self.factor);
        *y = SMatrix::from_fn(|i, b| factor * params[i] * x[(i, b)]);
    }

    fn forward_train<const B: usize>(
        &self,
        params: &[T],
        buffers: &[T],
        x: &SMatrix<T, N, B>,
        y: &mut SMatrix<T, N, B>,
        _cache: &mut (),
        _context: &TrainContext,
    ) {
        <Self as Layer<T, N, N>>::forward(self, params, buffers, x, y);
    }

    fn backward<const B: usize>(
        &self,
        params: &[T],
        x: &SMatrix<T, N, B>,
        _y: &SMatrix<T, N, B>,
        _cache: &mut (),
        dy: &SMatrix<T, N, B>,
        dx: Option<&mut SMatrix<T, N, B>>,
        grad: &mut [T],
    ) {
        let factor = T::of_f64(self.factor);
        for (i, g) in grad[..N].iter_mut().enumerate() {
            *g = (0..B).fold(T::zero(), |s, b| s + factor * x[(i, b)] * dy[(i, b)]);
        }
        if let Some(dx) = dx {
            *dx = SMatrix::from_fn(|i, b| factor * params[i] * dy[(i, b)]);
        }
    }

    fn r_forward<const B: usize>(
        &self,
        params: &[T],
        v: &[T],
        x: &SMatrix<T, N, B>,
        _y: &SMatrix<T, N, B>,
        _cache: &(),
        rx: &SMatrix<T, N, B>,
        ry: &mut SMatrix<T, N, B>,
        _r_cache: &mut (),
    ) {
        // R{y} = factor (v x + a R{x})
        let factor = T::of_f64(self.factor);
        *ry = SMatrix::from_fn(|i, b| factor * (v[i] * x[(i, b)] + params[i] * rx[(i, b)]));
    }

    fn r_backward<const B: usize>(
        &self,
        params: &[T],
        v: &[T],
        x: &SMatrix<T, N, B>,
        _y: &SMatrix<T, N, B>,
        _cache: &(),
        rx: &SMatrix<T, N, B>,
        _r_cache: &(),
        dy: &SMatrix<T, N, B>,
        rdy: &SMatrix<T, N, B>,
        rdx: Option<&mut SMatrix<T, N, B>>,
        r_grad: &mut [T],
    ) {
        // R{da} = factor sum_b (R{x} dy + x R{dy}), R{dx} = factor (v dy + a R{dy})
        let factor = T::of_f64(self.factor);
        for (i, g) in r_grad[..N].iter_mut().enumerate() {
            *g = (0..B).fold(T::zero(), |s, b| {
                s + factor * (rx[(i, b)] * dy[(i, b)] + x[(i, b)] * rdy[(i, b)])
            });
        }
        if let Some(rdx) = rdx {
            *rdx =
                SMatrix::from_fn(|i, b| factor * (v[i] * dy[(i, b)] + params[i] * rdy[(i, b)]));
        }
    }
}
