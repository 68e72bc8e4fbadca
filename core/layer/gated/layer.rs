//! The declaration both gated recurrent layers make, written once: the
//! layer struct (its initializers), its constructors and compile-time width
//! checks, `LayerConfig`, `LayerShape`, and the `Layer` implementation,
//! which cuts the parameters into the four gated tensors and hands each
//! pass to the kind's own per-sample recursions (its `steps` module).

/// Declares a gated recurrent layer `$ty<I, H, S, SEQUENCE = false>`:
/// `S` steps of `I` features, time-major, into `H` hidden units, with
/// `$gates` gate blocks in PyTorch's layout ([`tensors`](super::tensors)).
///
/// `$steps` is the module of the kind's recursions, each on the parameters
/// cut by [`split`](super::split):
/// `forward::<T, I, H, S, SEQUENCE, IN, OUT, B>(w, x, y)` (inference),
/// `forward_train::<T, I, H, S, IN, B>(w, x, cache)`,
/// `backward::<T, I, H, S, SEQUENCE, IN, OUT, B>(w, x, cache, dy, dx, grad)`,
/// `r_forward::<T, I, H, S, IN, B>(w, dir, x, cache, rx, r_cache)` (which
/// also zeroes the gradients the tangent cache would record) and
/// `r_backward::<T, I, H, S, SEQUENCE, IN, OUT, B>(w, dir, (x, rx),
/// (cache, r_cache), (dy, rdy), rdx, r_grad)`; `$cache<T, H, S, B>` has
/// the hidden states as `hidden`.
macro_rules! gated_layer {
    (
        $(#[$attr:meta])*
        pub struct $ty:ident;
        name: $name:literal,
        article: $article:literal,
        gates: $gates:literal,
        cache: $cache:ident,
        steps: $steps:ident $(,)?
    ) => {
        $(#[$attr])*
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $ty<const I: usize, const H: usize, const S: usize, const SEQUENCE: bool = false> {
            /// How `weight_ih_l0` and `weight_hh_l0` are initialized. Default:
            /// [`Init::TorchDefault`](crate::init::Init::TorchDefault), uniform
            /// in `[-1/sqrt(H), 1/sqrt(H)]`.
            pub weight_init: $crate::init::Init,
            /// How both biases are initialized. Default:
            /// [`Init::TorchDefault`](crate::init::Init::TorchDefault), uniform
            /// in `[-1/sqrt(H), 1/sqrt(H)]`.
            pub bias_init: $crate::init::Init,
        }

        impl<const I: usize, const H: usize, const S: usize, const SEQUENCE: bool>
            $ty<I, H, S, SEQUENCE>
        {
            /// Input width: `I * S`.
            pub const INPUT: usize = I * S;
            /// Output width: `H * S` with `SEQUENCE`, else `H`.
            pub const OUTPUT: usize = if SEQUENCE { H * S } else { H };

            #[doc = concat!($article, " with PyTorch's default initialization.")]
            #[must_use]
            pub const fn new() -> Self {
                Self {
                    weight_init: $crate::init::Init::TorchDefault,
                    bias_init: $crate::init::Init::TorchDefault,
                }
            }

            /// The same layer with another initializer for both weight matrices
            #[doc = concat!("(`", $name, "<I, H, S>(weight_init = ...)`).")]
            ///
            /// # Panics
            /// When `init` is invalid
            /// ([`Init::validate`](crate::init::Init::validate)); in a `const`
            /// (as a declaration evaluates it) that is a compile error.
            #[must_use]
            pub const fn weight_init(self, init: $crate::init::Init) -> Self {
                Self {
                    weight_init: init.checked(),
                    ..self
                }
            }

            /// The same layer with another initializer for both biases
            #[doc = concat!("(`", $name, "<I, H, S>(bias_init = ...)`).")]
            ///
            /// # Panics
            /// When `init` is invalid
            /// ([`Init::validate`](crate::init::Init::validate)); in a `const`
            /// that is a compile error.
            #[must_use]
            pub const fn bias_init(self, init: $crate::init::Init) -> Self {
                Self {
                    bias_init: init.checked(),
                    ..self
                }
            }

            /// Refuses, at compile time, an input width other than `I * S`, and
            /// empty sizes.
            const fn check_input<const IN: usize>() {
                assert!(
                    I > 0 && H > 0 && S > 0,
                    concat!($name, "<I, H, S>: every size must be at least 1")
                );
                assert!(
                    IN == I * S,
                    concat!(
                        $name,
                        "<I, H, S>: the input width must be I * S (S steps of I features, time-major)"
                    )
                );
            }

            /// [`Self::check_input`], and an output width other than `OUTPUT`.
            const fn check_widths<const IN: usize, const OUT: usize>() {
                Self::check_input::<IN>();
                assert!(
                    OUT == Self::OUTPUT,
                    concat!(
                        $name,
                        "<I, H, S>: the output width must be H (last state) or, with sequence = true, H * S"
                    )
                );
            }

            fn split<T>(params: &[T]) -> $crate::layer::gated::Weights<'_, T> {
                $crate::layer::gated::split::<T, $gates, I, H>(params)
            }
        }

        impl<const I: usize, const H: usize, const S: usize, const SEQUENCE: bool> Default
            for $ty<I, H, S, SEQUENCE>
        {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<const I: usize, const H: usize, const S: usize, const SEQUENCE: bool>
            $crate::layer::LayerConfig for $ty<I, H, S, SEQUENCE>
        {
            const NAME: &'static str = $name;
            const DEFAULT: Self = Self::new();
            const INPUT: Option<usize> = Some(I * S);
            const INPUT_FROM: $crate::layer::InputFrom = $crate::layer::InputFrom::Product(0, 2);
        }

        impl<const I: usize, const H: usize, const S: usize, const SEQUENCE: bool, const IN: usize>
            $crate::layer::LayerShape<IN> for $ty<I, H, S, SEQUENCE>
        {
            const OUTPUT: usize = {
                Self::check_input::<IN>();
                Self::OUTPUT
            };
            const TENSORS: &'static [$crate::layer::TensorShape] =
                &$crate::layer::gated::tensors($gates, I, H);
        }

        impl<
            T: $crate::scalar::Float,
            const I: usize,
            const H: usize,
            const S: usize,
            const SEQUENCE: bool,
            const IN: usize,
            const OUT: usize,
        > $crate::layer::Layer<T, IN, OUT> for $ty<I, H, S, SEQUENCE>
        {
            type Cache<const B: usize> = $cache<T, H, S, B>;

            fn init(&self, params: &mut [T], _buffers: &mut [T], rng: &mut $crate::rng::Rng) {
                const { Self::check_widths::<IN, OUT>() };
                $crate::layer::gated::fill::<T, $gates, I, H>(
                    self.weight_init,
                    self.bias_init,
                    params,
                    rng,
                );
            }

            fn forward<const B: usize>(
                &self,
                params: &[T],
                _buffers: &[T],
                x: &nalgebra::SMatrix<T, IN, B>,
                y: &mut nalgebra::SMatrix<T, OUT, B>,
            ) {
                const { Self::check_widths::<IN, OUT>() };
                $steps::forward::<T, I, H, S, SEQUENCE, IN, OUT, B>(&Self::split(params), x, y);
            }

            fn forward_train<const B: usize>(
                &self,
                params: &[T],
                _buffers: &[T],
                x: &nalgebra::SMatrix<T, IN, B>,
                y: &mut nalgebra::SMatrix<T, OUT, B>,
                cache: &mut $cache<T, H, S, B>,
                _context: &$crate::layer::TrainContext,
            ) {
                const { Self::check_widths::<IN, OUT>() };
                $steps::forward_train::<T, I, H, S, IN, B>(&Self::split(params), x, cache);
                $crate::layer::rnn::kernels::emit::<T, H, S, SEQUENCE, OUT, B>(&cache.hidden, y);
            }

            fn backward<const B: usize>(
                &self,
                params: &[T],
                x: &nalgebra::SMatrix<T, IN, B>,
                _y: &nalgebra::SMatrix<T, OUT, B>,
                cache: &mut $cache<T, H, S, B>,
                dy: &nalgebra::SMatrix<T, OUT, B>,
                dx: Option<&mut nalgebra::SMatrix<T, IN, B>>,
                grad: &mut [T],
            ) {
                const { Self::check_widths::<IN, OUT>() };
                let w = Self::split(params);
                $steps::backward::<T, I, H, S, SEQUENCE, IN, OUT, B>(&w, x, cache, dy, dx, grad);
            }

            fn r_forward<const B: usize>(
                &self,
                params: &[T],
                v: &[T],
                x: &nalgebra::SMatrix<T, IN, B>,
                _y: &nalgebra::SMatrix<T, OUT, B>,
                cache: &$cache<T, H, S, B>,
                rx: &nalgebra::SMatrix<T, IN, B>,
                ry: &mut nalgebra::SMatrix<T, OUT, B>,
                r_cache: &mut $cache<T, H, S, B>,
            ) {
                const { Self::check_widths::<IN, OUT>() };
                let (w, dir) = (Self::split(params), Self::split(v));
                $steps::r_forward::<T, I, H, S, IN, B>(&w, &dir, x, cache, rx, r_cache);
                $crate::layer::rnn::kernels::emit::<T, H, S, SEQUENCE, OUT, B>(&r_cache.hidden, ry);
            }

            fn r_backward<const B: usize>(
                &self,
                params: &[T],
                v: &[T],
                x: &nalgebra::SMatrix<T, IN, B>,
                _y: &nalgebra::SMatrix<T, OUT, B>,
                cache: &$cache<T, H, S, B>,
                rx: &nalgebra::SMatrix<T, IN, B>,
                r_cache: &$cache<T, H, S, B>,
                dy: &nalgebra::SMatrix<T, OUT, B>,
                rdy: &nalgebra::SMatrix<T, OUT, B>,
                rdx: Option<&mut nalgebra::SMatrix<T, IN, B>>,
                r_grad: &mut [T],
            ) {
                const { Self::check_widths::<IN, OUT>() };
                let (w, dir) = (Self::split(params), Self::split(v));
                $steps::r_backward::<T, I, H, S, SEQUENCE, IN, OUT, B>(
                    &w,
                    &dir,
                    (x, rx),
                    (cache, r_cache),
                    (dy, rdy),
                    rdx,
                    r_grad,
                );
            }
        }
    };
}

pub(crate) use gated_layer;
