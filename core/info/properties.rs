//! [`Properties`]: what a layer's function is like (elementwise, odd,
//! different in training, counting tracked batches), for the tools that
//! transform networks and for the generated network's counts of tracked
//! batches.

/// What a layer's function is like, for the tools that transform networks.
///
/// Built with [`Properties::NONE`] and the `const` setters, so a layer
/// written outside this crate states what it is:
/// `Properties::NONE.elementwise().odd()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
// Independent facts, each read on its own by a different tool.
#[allow(clippy::struct_excessive_bools)]
pub struct Properties {
    /// The same scalar function on every feature, no parameters (ReLU,
    /// Tanh, ...).
    pub elementwise: bool,
    /// Commutes with a permutation of its features, once its
    /// [`Role::PerFeature`](super::Role::PerFeature) tensors are permuted along (elementwise
    /// activations, softmax, batch normalization).
    pub permutes_features: bool,
    /// Odd: negating an input feature negates the matching output, once its
    /// [`Role::PerFeature`](super::Role::PerFeature) tensors marked `negated` are negated (Tanh,
    /// Identity, batch normalization). For a layer that computes units
    /// (`Dense`, `Rnn`): negating a unit's incoming row, bias and recurrent
    /// column negates exactly that unit's output.
    pub odd: bool,
    /// Its training forward differs from its inference forward (batch
    /// normalization, dropout).
    pub train_differs: bool,
    /// Training needs a batch of at least this many samples (2 for batch
    /// normalization, whose batch variance is 0 on one sample).
    pub min_train_batch: usize,
    /// It keeps a count of the training steps that updated its buffers
    /// (PyTorch's `num_batches_tracked` of batch normalization): the
    /// network holds one count per such layer
    /// ([`Network::batches_tracked`](crate::network::Network::batches_tracked)),
    /// hands it to the layer's
    /// [`update_buffers`](crate::layer::Layer::update_buffers) and adds one
    /// after every buffer update. Dropout, which differs in training but
    /// keeps no state, does not count.
    pub counts_batches: bool,
}

impl Properties {
    /// Nothing assumed: not elementwise, not odd, the same in training and
    /// inference, any batch.
    pub const NONE: Self = Self {
        elementwise: false,
        permutes_features: false,
        odd: false,
        train_differs: false,
        min_train_batch: 1,
        counts_batches: false,
    };

    /// Elementwise (and so commuting with permutations of features).
    #[must_use]
    pub const fn elementwise(self) -> Self {
        Self {
            elementwise: true,
            permutes_features: true,
            ..self
        }
    }

    /// Commuting with permutations of features.
    #[must_use]
    pub const fn permutes_features(self) -> Self {
        Self {
            permutes_features: true,
            ..self
        }
    }

    /// Odd (see [`Properties::odd`](struct@Properties#structfield.odd)).
    #[must_use]
    pub const fn odd(self) -> Self {
        Self { odd: true, ..self }
    }

    /// Different in training, which needs a batch of at least
    /// `min_train_batch` samples.
    #[must_use]
    pub const fn train_differs(self, min_train_batch: usize) -> Self {
        Self {
            train_differs: true,
            min_train_batch,
            ..self
        }
    }

    /// Keeping a count of tracked batches (see
    /// [`Properties::counts_batches`](struct@Properties#structfield.counts_batches)).
    #[must_use]
    pub const fn counts_batches(self) -> Self {
        Self {
            counts_batches: true,
            ..self
        }
    }

    /// How many counts of tracked batches the layer keeps in its network:
    /// 1 when it counts batches, else 0. The generated network adds these
    /// up, in declaration order, for the length of its
    /// [`Network::batches_tracked`](crate::network::Network::batches_tracked).
    #[must_use]
    pub const fn batch_counters(&self) -> usize {
        if self.counts_batches { 1 } else { 0 }
    }
}
