//! A layer written outside constnet, used in a declaration like a built-in
//! one: Swish, `y = x sigmoid(x)` (P. Ramachandran, B. Zoph and Q. V. Le,
//! "Searching for activation functions", 2017; PyTorch's `nn.SiLU`), and a
//! learned per-feature scale `Scaled<N>` with a `factor` argument.
//!
//! Each layer states what it is through three traits: `LayerConfig` (its
//! name, its default configuration, the input width it requires, its
//! properties), `LayerShape<I>` (its output width and its tensors with their
//! roles) and `Layer<T, I, O>` (forward, backward and the R-operator). The
//! example checks both layers' derivatives against central differences with
//! `constnet::testing::check_layer`, trains a network with them on a noisy
//! sine, and takes the exact Hessian at the end, which runs through the
//! layers' default block methods. Run with
//! `cargo run --release --example custom_layer`.

use constnet::prelude::*;
use constnet::testing::check_layer;

/// The layers, as another crate would define them.
mod my_layers {
    use constnet::layer::{
        Layer, LayerConfig, LayerShape, Properties, Role, TensorShape, TrainContext,
    };
    use constnet::math;
    use constnet::nalgebra::SMatrix;
    use constnet::rng::Rng;
    use constnet::scalar::Float;

    /// Swish, `y = x s(x)` with `s` the logistic sigmoid, elementwise:
    /// `y' = s + x s (1 - s)`, `y'' = s (1 - s) (2 + x (1 - 2 s))`.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Swish;

    impl Swish {
        fn parts<T: Float>(x: T) -> (T, T, T) {
            let s = math::sigmoid(x);
            let ds = s * (T::one() - s);
            let two = T::one() + T::one();
            (x * s, s + x * ds, ds * (two + x * (T::one() - two * s)))
        }
    }

    impl LayerConfig for Swish {
        const NAME: &'static str = "Swish";
        const DEFAULT: Self = Self;
        // No input width of its own: it keeps the width it is given.
        const INPUT: Option<usize> = None;
        const PROPERTIES: Properties = Properties::NONE.elementwise();
    }

    impl<const N: usize> LayerShape<N> for Swish {
        const OUTPUT: usize = N;
        const TENSORS: &'static [TensorShape] = &[];
    }

    impl<T: Float, const N: usize> Layer<T, N, N> for Swish {
        type Cache<const B: usize> = ();

        fn init(&self, _params: &mut [T], _buffers: &mut [T], _rng: &mut Rng) {}

        fn forward<const B: usize>(
            &self,
            _params: &[T],
            _buffers: &[T],
            x: &SMatrix<T, N, B>,
            y: &mut SMatrix<T, N, B>,
        ) {
            *y = x.map(|x| Self::parts(x).0);
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
            _params: &[T],
            x: &SMatrix<T, N, B>,
            _y: &SMatrix<T, N, B>,
            _cache: &mut (),
            dy: &SMatrix<T, N, B>,
            dx: Option<&mut SMatrix<T, N, B>>,
            _grad: &mut [T],
        ) {
            if let Some(dx) = dx {
                *dx = x.zip_map(dy, |x, dy| Self::parts(x).1 * dy);
            }
        }

        fn r_forward<const B: usize>(
            &self,
            _params: &[T],
            _v: &[T],
            x: &SMatrix<T, N, B>,
            _y: &SMatrix<T, N, B>,
            _cache: &(),
            rx: &SMatrix<T, N, B>,
            ry: &mut SMatrix<T, N, B>,
            _r_cache: &mut (),
        ) {
            *ry = x.zip_map(rx, |x, rx| Self::parts(x).1 * rx);
        }

        fn r_backward<const B: usize>(
            &self,
            _params: &[T],
            _v: &[T],
            x: &SMatrix<T, N, B>,
            _y: &SMatrix<T, N, B>,
            _cache: &(),
            rx: &SMatrix<T, N, B>,
            _r_cache: &(),
            dy: &SMatrix<T, N, B>,
            rdy: &SMatrix<T, N, B>,
            rdx: Option<&mut SMatrix<T, N, B>>,
            _r_grad: &mut [T],
        ) {
            if let Some(rdx) = rdx {
                // R{dx} = y'' R{x} dy + y' R{dy}
                for k in 0..N * B {
                    let (_, first, second) = Self::parts(x[k]);
                    rdx[k] = second * rx[k] * dy[k] + first * rdy[k];
                }
            }
        }
    }

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
}

network! {
    /// 1 -> 16 -> Swish -> scaled -> 1: a sine regressor with the two layers
    /// defined above.
    pub struct SwishSine {
        hidden: Dense<1, 16>,
        gate: my_layers::Swish,
        mix: my_layers::Scaled<16>(factor = 0.5),
        out: Dense<16, 1>,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. The derivatives of each layer, against central differences.
    let swish = check_layer::<_, 5, 5, 3>(&my_layers::Swish, 1)?;
    let scaled_layer = <my_layers::Scaled<5> as constnet::layer::LayerConfig>::DEFAULT.factor(0.5);
    let scaled = check_layer::<_, 5, 5, 3>(&scaled_layer, 2)?;
    println!(
        "derivative checks: Swish {} values (worst relative error {:.1e}), Scaled {} values ({:.1e})",
        swish.compared, swish.worst_relative_error, scaled.compared, scaled.worst_relative_error
    );

    // 2. Train on y = sin(x) + noise, x in [-pi, pi].
    let mut rng = Rng::seed_from(3);
    let xs: Vec<[f64; 1]> = (0..256)
        .map(|_| [rng.uniform_in(-std::f64::consts::PI, std::f64::consts::PI)])
        .collect();
    let ys: Vec<[f64; 1]> = xs
        .iter()
        .map(|x| [x[0].sin() + 0.01 * rng.standard_normal()])
        .collect();
    let data = Dataset::new(&xs, &ys)?;
    let mut net = SwishSine::<f64>::seeded(4);
    let all: [usize; 256] = core::array::from_fn(|k| k);
    let (x_all, t_all) = data.gather(&all);
    let before = net.evaluate(&Mse, &x_all, &t_all)?;
    let mut adam = Adam::with_lr(1e-2)?;
    let config = TrainConfig {
        max_epochs: 300,
        ..TrainConfig::default()
    };
    let report = Trainer::<32>::new(config)?.fit(&mut net, &Mse, &mut adam, &data, None)?;
    let after = report.final_loss;
    println!(
        "training: mean squared error {before:.4} -> {after:.5} in {} epochs",
        report.epochs
    );

    // 3. The exact Hessian at the end, through the layers' default block
    //    methods, and its curvature.
    let first: [usize; 32] = core::array::from_fn(|k| k);
    let (x, targets) = data.gather(&first);
    let hessian = net.hessian(&Mse, &x, &targets)?;
    let curvature = Spectrum::of(hessian.matrix)?.curvature();
    println!(
        "Hessian {}x{}: largest eigenvalue {:.3}, {:?}",
        SwishSine::<f64>::PARAMS,
        SwishSine::<f64>::PARAMS,
        curvature.lambda_max,
        curvature.kind
    );
    if after >= 0.02 {
        return Err(
            format!("the network did not learn the sine: mean squared error {after}").into(),
        );
    }
    Ok(())
}
