//! What a layer is, as the tools that transform or inspect a network see it:
//! its tensors ([`TensorShape`]: PyTorch's name, shape and [`Role`]), its
//! [`Properties`] (elementwise, odd, different in training, counting
//! tracked batches), and the
//! [`LayerInfo`] a declared network lists for each of its layers.
//!
//! Tools read roles and properties, never kind names or tensor-name
//! prefixes: permutation symmetry finds the units a layer computes from its
//! [`Role::Incoming`] rows, the gradient-flow tools find a recurrent matrix
//! by [`Role::Recurrent`]. A layer a tool does not understand (a tensor of
//! [`Role::Other`]) is skipped with a reason, never guessed at.
//!
//! This file depends on nothing else in the crate but the scalar trait, so
//! the error type can name layers without a circle of imports.

mod properties;

pub use properties::Properties;

/// What the entries of a tensor belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// The weights from the layer's input to the units it computes: one row
    /// per unit, one column per feature of one step of its input (`Dense`'s
    /// `weight`, `Rnn`'s `weight_ih_l0`). A layer with such a tensor computes
    /// units; a later layer whose `Incoming` columns are those units reads
    /// them.
    Incoming,
    /// The weights from the units to themselves at the next step: one row and
    /// one column per unit (`Rnn`'s `weight_hh_l0`).
    Recurrent,
    /// One entry per unit the layer computes (a bias).
    UnitBias,
    /// One entry per feature of a layer that keeps its width (batch
    /// normalization's weight, bias and running statistics). `negated` tells
    /// what a sign flip of the feature does to the entry: negates it (the
    /// batch-norm bias and running mean) or keeps it (weight and running
    /// variance).
    PerFeature {
        /// `true` when a sign flip of the feature negates the entry.
        negated: bool,
    },
    /// A convolution filter (`Conv1d`, `Conv2d`): one row per output
    /// channel, one column per (input channel of its group, kernel tap)
    /// pair, row-major: PyTorch's `[C_out, C_in / groups, *kernel]` read as
    /// `C_out x (C_in / groups * taps)`.
    Filter {
        /// The kernel size along each spatial axis, PyTorch's order: `[K]`
        /// for a 1-D filter, `[KH, KW]` for a 2-D one; their product is the
        /// taps per input channel.
        kernel: &'static [usize],
    },
    /// The input weights of a gated recurrent layer (`Lstm`, `Gru`):
    /// `gates` blocks of one row per unit stacked (PyTorch's `weight_ih_l0`),
    /// row `k * units + i` belonging to unit `i` in gate `k`; one column per
    /// feature of one step of its input, like [`Role::Incoming`].
    GatedIncoming {
        /// Number of gate blocks (LSTM: 4, GRU: 3).
        gates: usize,
    },
    /// The recurrent weights of a gated recurrent layer: `gates` blocks of
    /// one row per unit, one column per unit (`weight_hh_l0`).
    GatedRecurrent {
        /// Number of gate blocks.
        gates: usize,
    },
    /// A bias of a gated recurrent layer: `gates` blocks of one entry per
    /// unit (`bias_ih_l0`, `bias_hh_l0`).
    GatedBias {
        /// Number of gate blocks.
        gates: usize,
    },
    /// No role the tools know: a tool that needs roles skips the layer.
    Other,
}

/// The name, PyTorch shape and role of one parameter or buffer tensor of a
/// layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TensorShape {
    /// PyTorch's attribute name: `weight`, `bias`, `running_mean`, ...
    pub name: &'static str,
    /// Rows (the first PyTorch dimension).
    pub rows: usize,
    /// Columns; 1 for a vector. Stored row-major, as PyTorch stores it.
    pub cols: usize,
    /// `true` when PyTorch's tensor is one-dimensional (`[rows]`).
    pub is_vector: bool,
    /// What its entries belong to.
    pub role: Role,
    /// When PyTorch keeps this tensor as the sum of several (an `nn.RNN`'s
    /// one bias is `bias_ih_l0 + bias_hh_l0`), their names; empty otherwise.
    pub torch_parts: &'static [&'static str],
    /// For a buffer, the value it starts at (a running variance: 1).
    /// Parameters are set by their initializers instead.
    pub fill: Fill,
    /// For a buffer, the values it may hold; a network refuses others
    /// wherever its state is set from outside (`from_parts`,
    /// [`Network::set_buffers`](crate::network::Network::set_buffers), a
    /// safetensors file).
    pub domain: Domain,
}

/// The values a buffer tensor may hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Domain {
    /// Any finite value (a running mean). Default.
    #[default]
    Finite,
    /// A finite value `>= 0` (a running variance, whose square root
    /// inference takes).
    NonNegative,
}

impl Domain {
    /// What the domain's values are, for a message.
    #[must_use]
    pub const fn describe(self) -> &'static str {
        match self {
            Self::Finite => "finite",
            Self::NonNegative => "finite and >= 0",
        }
    }
}

/// The value a buffer tensor starts at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Fill {
    /// Every entry 0 (a running mean). Default.
    #[default]
    Zeros,
    /// Every entry 1 (a running variance).
    Ones,
}

impl TensorShape {
    /// A row-major `rows x cols` matrix of role [`Role::Other`].
    #[must_use]
    pub const fn matrix(name: &'static str, rows: usize, cols: usize) -> Self {
        Self {
            name,
            rows,
            cols,
            is_vector: false,
            role: Role::Other,
            torch_parts: &[],
            fill: Fill::Zeros,
            domain: Domain::Finite,
        }
    }

    /// A vector of `len` elements of role [`Role::Other`].
    #[must_use]
    pub const fn vector(name: &'static str, len: usize) -> Self {
        Self {
            name,
            rows: len,
            cols: 1,
            is_vector: true,
            role: Role::Other,
            torch_parts: &[],
            fill: Fill::Zeros,
            domain: Domain::Finite,
        }
    }

    /// The incoming weights of `units` units from `inputs` input features
    /// ([`Role::Incoming`]): `units x inputs`.
    #[must_use]
    pub const fn incoming(name: &'static str, units: usize, inputs: usize) -> Self {
        Self::matrix(name, units, inputs).with_role(Role::Incoming)
    }

    /// The recurrent weights of `units` units ([`Role::Recurrent`]):
    /// `units x units`.
    #[must_use]
    pub const fn recurrent(name: &'static str, units: usize) -> Self {
        Self::matrix(name, units, units).with_role(Role::Recurrent)
    }

    /// A convolution filter of `out_channels` rows, each over
    /// `group_inputs` input channels of `kernel` taps ([`Role::Filter`]):
    /// PyTorch's `[out_channels, group_inputs, *kernel]`, with `kernel`
    /// `[K]` or `[KH, KW]` (another length gives an empty tensor).
    #[must_use]
    pub const fn filter(
        name: &'static str,
        out_channels: usize,
        group_inputs: usize,
        kernel: &'static [usize],
    ) -> Self {
        let taps = match kernel {
            [k] => *k,
            [h, w] => *h * *w,
            _ => 0,
        };
        Self::matrix(name, out_channels, group_inputs * taps).with_role(Role::Filter { kernel })
    }

    /// The shape of the tensor as PyTorch has it, up to four dimensions
    /// (the rest of the array is 0): `[rows]` for a vector, `[rows, cols]`
    /// for a matrix, `[rows, cols / taps, *kernel]` for a [`Role::Filter`].
    #[must_use]
    pub const fn torch_shape(&self) -> ([usize; 4], usize) {
        match (self.is_vector, self.role) {
            (true, _) => ([self.rows, 0, 0, 0], 1),
            (false, Role::Filter { kernel: &[k] }) if k > 0 => {
                ([self.rows, self.cols / k, k, 0], 3)
            }
            (false, Role::Filter { kernel: &[h, w] }) if h * w > 0 => {
                ([self.rows, self.cols / (h * w), h, w], 4)
            }
            _ => ([self.rows, self.cols, 0, 0], 2),
        }
    }

    /// One bias per unit ([`Role::UnitBias`]).
    #[must_use]
    pub const fn unit_bias(name: &'static str, units: usize) -> Self {
        Self::vector(name, units).with_role(Role::UnitBias)
    }

    /// One entry per feature ([`Role::PerFeature`]).
    #[must_use]
    pub const fn per_feature(name: &'static str, features: usize, negated: bool) -> Self {
        Self::vector(name, features).with_role(Role::PerFeature { negated })
    }

    /// The same tensor with another role.
    #[must_use]
    pub const fn with_role(self, role: Role) -> Self {
        Self { role, ..self }
    }

    /// The same buffer tensor, starting at `fill`.
    #[must_use]
    pub const fn starting_at(self, fill: Fill) -> Self {
        Self { fill, ..self }
    }

    /// The same buffer tensor, holding only values of `domain`.
    #[must_use]
    pub const fn within(self, domain: Domain) -> Self {
        Self { domain, ..self }
    }

    /// The same tensor, kept by PyTorch as the sum of the named tensors.
    #[must_use]
    pub const fn sum_of(self, torch_parts: &'static [&'static str]) -> Self {
        Self {
            torch_parts,
            ..self
        }
    }

    /// Number of elements.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.rows * self.cols
    }

    /// `true` for a tensor with no elements.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The number of values of a list of tensors: a layer's parameter (or
/// buffer) count.
#[must_use]
pub const fn total_len(tensors: &[TensorShape]) -> usize {
    let mut total = 0;
    let mut i = 0;
    while i < tensors.len() {
        total += tensors[i].len();
        i += 1;
    }
    total
}

/// Writes the starting values of a layer's buffer tensors (their
/// [`Fill`]s) into `buffers` from index `start` on; `const`, so a network
/// without trained state can be built in a `static`.
pub const fn fill_buffers<T: crate::scalar::Float>(
    buffers: &mut [T],
    start: usize,
    tensors: &[TensorShape],
) {
    let mut at = start;
    let mut t = 0;
    while t < tensors.len() {
        let value = match tensors[t].fill {
            Fill::Zeros => T::ZERO,
            Fill::Ones => T::ONE,
        };
        let mut k = 0;
        while k < tensors[t].len() && at < buffers.len() {
            buffers[at] = value;
            at += 1;
            k += 1;
        }
        t += 1;
    }
}

/// Which of a kind's generic arguments make its input width, so a
/// width-mismatch message can say what to write instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InputFrom {
    /// Not expressible from the sizes (or not stated).
    Unknown,
    /// Generic argument `k` is the input width (`Dense<IN, OUT>`: 0).
    Size(usize),
    /// The product of generic arguments `a` and `b` (`Rnn<IN, HIDDEN,
    /// STEPS>`: `IN x STEPS`, 0 and 2).
    Product(usize, usize),
}

/// One layer of a declared network, as seen from outside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerInfo {
    /// The layer's name in the declaration (`hidden`).
    pub name: &'static str,
    /// Its kind's name (`Dense`, or a path for a layer defined outside
    /// constnet), for messages.
    pub kind: &'static str,
    /// What its function is like.
    pub properties: Properties,
    /// Input width.
    pub inputs: usize,
    /// Output width.
    pub outputs: usize,
    /// Offset of its parameters in the flat parameter vector.
    pub param_offset: usize,
    /// Number of its parameters.
    pub params: usize,
    /// Offset of its buffers in the flat buffer vector.
    pub buffer_offset: usize,
    /// Number of its buffer values.
    pub buffers: usize,
    /// Its parameter tensors in order.
    pub tensors: &'static [TensorShape],
    /// Its buffer tensors in order.
    pub buffer_tensors: &'static [TensorShape],
    /// For a layer whose [`Properties::counts_batches`](struct@Properties#structfield.counts_batches),
    /// the index of its count of tracked batches (PyTorch's
    /// `<layer>.num_batches_tracked`) in the network's
    /// [`Network::batches_tracked`](crate::network::Network::batches_tracked);
    /// `None` for every other layer.
    pub counter: Option<usize>,
}

impl LayerInfo {
    /// The range of this layer's parameters in the flat vector.
    #[must_use]
    pub const fn param_range(&self) -> core::ops::Range<usize> {
        self.param_offset..self.param_offset + self.params
    }

    /// The range of this layer's buffers in the flat buffer vector.
    #[must_use]
    pub const fn buffer_range(&self) -> core::ops::Range<usize> {
        self.buffer_offset..self.buffer_offset + self.buffers
    }

    /// Its first parameter tensor of `role`, with its offset in the flat
    /// parameter vector.
    #[must_use]
    pub fn tensor_with(&self, role: Role) -> Option<(usize, &'static TensorShape)> {
        let mut offset = self.param_offset;
        for tensor in self.tensors {
            if tensor.role == role {
                return Some((offset, tensor));
            }
            offset += tensor.len();
        }
        None
    }
}
