/// Two layers.
///
///# Layers
///
///| layer | kind | description |
///|---|---|---|
///| `fc` | `Dense<2, 3>` |  |
///| `act` | `Tanh` |  |
///
///Declared with `constnet::network!`: parameters are one flat array in PyTorch order (`PARAMS` values; `Network::LAYERS` gives each layer's widths and tensors); `Network::batches_tracked` holds one count of tracked batches per batch-norm layer (`TRACKED` counts, in declaration order); the scalar `T` is `f32` unless given (`Net<f64>`).
#[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
pub struct Pair<T = ::core::primitive::f32> {
    parameters: [T; Pair::<::core::primitive::f32>::PARAMS],
    buffers: [T; Pair::<::core::primitive::f32>::BUFFERS],
    batches_tracked: [::core::primitive::u64; Pair::<::core::primitive::f32>::TRACKED],
}
::constnet::__serde_impls! {
    Pair
}
#[doc(hidden)]
#[automatically_derived]
#[allow(non_upper_case_globals)]
impl Pair<::core::primitive::f32> {
    const fc: ::constnet::layer::Dense<2, 3> = {
        <::constnet::layer::Dense<2, 3> as ::constnet::__private::LayerConfig>::DEFAULT
    };
    const fc__width_in: ::constnet::__private::usize = match <::constnet::layer::Dense<
        2,
        3,
    > as ::constnet::__private::LayerConfig>::INPUT {
        ::constnet::__private::Some(__cn_width) => __cn_width,
        ::constnet::__private::None => 1,
    };
    const fc__width_out: ::constnet::__private::usize = <::constnet::layer::Dense<
        2,
        3,
    > as ::constnet::__private::LayerShape<
        { Pair::<::core::primitive::f32>::fc__width_in },
    >>::OUTPUT;
    const fc__params_at: ::constnet::__private::usize = 0;
    const fc__params_end: ::constnet::__private::usize = Pair::<
        ::core::primitive::f32,
    >::fc__params_at
        + <::constnet::layer::Dense<
            2,
            3,
        > as ::constnet::__private::LayerShape<
            { Pair::<::core::primitive::f32>::fc__width_in },
        >>::PARAMS;
    const fc__buffers_at: ::constnet::__private::usize = 0;
    const fc__buffers_end: ::constnet::__private::usize = Pair::<
        ::core::primitive::f32,
    >::fc__buffers_at
        + <::constnet::layer::Dense<
            2,
            3,
        > as ::constnet::__private::LayerShape<
            { Pair::<::core::primitive::f32>::fc__width_in },
        >>::BUFFERS;
    const fc__tracked_at: ::constnet::__private::usize = 0;
    const fc__tracked_end: ::constnet::__private::usize = Pair::<
        ::core::primitive::f32,
    >::fc__tracked_at
        + <::constnet::layer::Dense<
            2,
            3,
        > as ::constnet::__private::LayerConfig>::PROPERTIES
            .batch_counters();
    const act: ::constnet::layer::Tanh = {
        <::constnet::layer::Tanh as ::constnet::__private::LayerConfig>::DEFAULT
    };
    const act__width_in: ::constnet::__private::usize = match <::constnet::layer::Tanh as ::constnet::__private::LayerConfig>::INPUT {
        ::constnet::__private::Some(__cn_width) => __cn_width,
        ::constnet::__private::None => Pair::<::core::primitive::f32>::fc__width_out,
    };
    const act__width_out: ::constnet::__private::usize = <::constnet::layer::Tanh as ::constnet::__private::LayerShape<
        { Pair::<::core::primitive::f32>::act__width_in },
    >>::OUTPUT;
    const act__params_at: ::constnet::__private::usize = Pair::<
        ::core::primitive::f32,
    >::fc__params_end;
    const act__params_end: ::constnet::__private::usize = Pair::<
        ::core::primitive::f32,
    >::act__params_at
        + <::constnet::layer::Tanh as ::constnet::__private::LayerShape<
            { Pair::<::core::primitive::f32>::act__width_in },
        >>::PARAMS;
    const act__buffers_at: ::constnet::__private::usize = Pair::<
        ::core::primitive::f32,
    >::fc__buffers_end;
    const act__buffers_end: ::constnet::__private::usize = Pair::<
        ::core::primitive::f32,
    >::act__buffers_at
        + <::constnet::layer::Tanh as ::constnet::__private::LayerShape<
            { Pair::<::core::primitive::f32>::act__width_in },
        >>::BUFFERS;
    const act__tracked_at: ::constnet::__private::usize = Pair::<
        ::core::primitive::f32,
    >::fc__tracked_end;
    const act__tracked_end: ::constnet::__private::usize = Pair::<
        ::core::primitive::f32,
    >::act__tracked_at
        + <::constnet::layer::Tanh as ::constnet::__private::LayerConfig>::PROPERTIES
            .batch_counters();
}
const _: () = if let ::constnet::__private::Some(__cn_message) = ::constnet::__private::input_mismatch(
    0usize,
    &[],
    &::constnet::__private::Described {
        name: "fc",
        shown: "Dense<2, 3>",
        passes: <::constnet::layer::Dense<
            2,
            3,
        > as ::constnet::__private::LayerConfig>::INPUT
            .is_none()
            && { Pair::<::core::primitive::f32>::fc__width_in }
                == { Pair::<::core::primitive::f32>::fc__width_out },
    },
    &::constnet::__private::Written {
        kind: "Dense",
        sizes: &["2", "3"],
        names: &["IN", "OUT"],
        values: &[2, 3],
        args: "",
    },
    <::constnet::layer::Dense<2, 3> as ::constnet::__private::LayerConfig>::INPUT,
    <::constnet::layer::Dense<2, 3> as ::constnet::__private::LayerConfig>::INPUT_FROM,
    0,
    <::constnet::layer::Dense<2, 3> as ::constnet::__private::LayerConfig>::INPUT
        .is_some(),
) {
    ::core::panic!("{}", __cn_message.as_str())
};
const _: () = {
    let _ = &Pair::<::core::primitive::f32>::fc;
};
const _: () = if let ::constnet::__private::Some(__cn_message) = ::constnet::__private::input_mismatch(
    1usize,
    &[
        ::constnet::__private::Described {
            name: "fc",
            shown: "Dense<2, 3>",
            passes: <::constnet::layer::Dense<
                2,
                3,
            > as ::constnet::__private::LayerConfig>::INPUT
                .is_none()
                && { Pair::<::core::primitive::f32>::fc__width_in }
                    == { Pair::<::core::primitive::f32>::fc__width_out },
        },
    ],
    &::constnet::__private::Described {
        name: "act",
        shown: "Tanh",
        passes: <::constnet::layer::Tanh as ::constnet::__private::LayerConfig>::INPUT
            .is_none()
            && { Pair::<::core::primitive::f32>::act__width_in }
                == { Pair::<::core::primitive::f32>::act__width_out },
    },
    &::constnet::__private::Written {
        kind: "Tanh",
        sizes: &[],
        names: &[],
        values: &[],
        args: "",
    },
    <::constnet::layer::Tanh as ::constnet::__private::LayerConfig>::INPUT,
    <::constnet::layer::Tanh as ::constnet::__private::LayerConfig>::INPUT_FROM,
    { Pair::<::core::primitive::f32>::fc__width_out },
    <::constnet::layer::Dense<2, 3> as ::constnet::__private::LayerConfig>::INPUT
        .is_some(),
) {
    ::core::panic!("{}", __cn_message.as_str())
};
const _: () = {
    let _ = &Pair::<::core::primitive::f32>::act;
};
#[automatically_derived]
impl<T: ::constnet::__private::Float> Pair<T> {
    /// Input width: features per sample.
    pub const INPUT: ::constnet::__private::usize = {
        Pair::<::core::primitive::f32>::fc__width_in
    };
    /// Output width.
    pub const OUTPUT: ::constnet::__private::usize = {
        Pair::<::core::primitive::f32>::act__width_out
    };
    /// Number of trainable parameters (length of the flat vector).
    pub const PARAMS: ::constnet::__private::usize = Pair::<
        ::core::primitive::f32,
    >::act__params_end;
    /// Number of buffer values (running statistics).
    pub const BUFFERS: ::constnet::__private::usize = Pair::<
        ::core::primitive::f32,
    >::act__buffers_end;
    /// Number of counts of tracked batches (PyTorch's
    /// `num_batches_tracked`): one per layer that counts batches
    /// (each `BatchNorm`), in declaration order.
    pub const TRACKED: ::constnet::__private::usize = Pair::<
        ::core::primitive::f32,
    >::act__tracked_end;
    /// A network initialized by each layer's declared initializer,
    /// drawing from the given generator in declaration order.
    #[must_use]
    pub fn new(__cn_rng: &mut ::constnet::__private::Rng) -> Self {
        <Self as ::constnet::__private::Network<
            T,
            { Pair::<::core::primitive::f32>::INPUT },
            { Pair::<::core::primitive::f32>::OUTPUT },
            { Pair::<::core::primitive::f32>::PARAMS },
        >>::initialized(__cn_rng)
    }
    /// A network initialized from a seeded generator: the same seed
    /// gives the same parameters on every platform.
    #[must_use]
    pub fn seeded(__cn_seed: ::constnet::__private::u64) -> Self {
        Self::new(&mut ::constnet::__private::Rng::seed_from(__cn_seed))
    }
    /// A network with the given flat parameters (PyTorch order),
    /// each layer's initial buffers (batch normalization:
    /// running mean 0, running variance 1) and no tracked
    /// batches. `const`, so weights
    /// can live in flash: `static NET: Net = Net::from_parameters([...]);`
    #[must_use]
    pub const fn from_parameters(
        __cn_parameters: [T; Pair::<::core::primitive::f32>::PARAMS],
    ) -> Self {
        let mut __cn_buffers = [<T as ::constnet::__private::Float>::ZERO; Pair::<
            ::core::primitive::f32,
        >::BUFFERS];
        ::constnet::__private::fill_buffers(
            &mut __cn_buffers,
            Pair::<::core::primitive::f32>::fc__buffers_at,
            <::constnet::layer::Dense<
                2,
                3,
            > as ::constnet::__private::LayerShape<
                { Pair::<::core::primitive::f32>::fc__width_in },
            >>::BUFFER_TENSORS,
        );
        ::constnet::__private::fill_buffers(
            &mut __cn_buffers,
            Pair::<::core::primitive::f32>::act__buffers_at,
            <::constnet::layer::Tanh as ::constnet::__private::LayerShape<
                { Pair::<::core::primitive::f32>::act__width_in },
            >>::BUFFER_TENSORS,
        );
        Self {
            parameters: __cn_parameters,
            buffers: __cn_buffers,
            batches_tracked: [0; Pair::<::core::primitive::f32>::TRACKED],
        }
    }
    /// A network from its flat parameters, buffers and counts of
    /// tracked batches (one per layer that counts batches, each
    /// `BatchNorm`, in declaration order), its buffers checked against
    /// their domains (a running variance finite and `>= 0`): the
    /// run-time form of `from_parts`.
    ///
    /// # Errors
    /// `Error::InvalidBuffer` naming the layer, tensor, index and value.
    pub fn try_from_parts(
        __cn_parameters: [T; Pair::<::core::primitive::f32>::PARAMS],
        __cn_buffers: [T; Pair::<::core::primitive::f32>::BUFFERS],
        __cn_batches_tracked: [::constnet::__private::u64; Pair::<
            ::core::primitive::f32,
        >::TRACKED],
    ) -> ::core::result::Result<Self, ::constnet::__private::Error> {
        ::constnet::__private::check_buffers(
            <Self as ::constnet::__private::Network<
                T,
                { Pair::<::core::primitive::f32>::INPUT },
                { Pair::<::core::primitive::f32>::OUTPUT },
                { Pair::<::core::primitive::f32>::PARAMS },
            >>::LAYERS,
            &__cn_buffers,
        )?;
        ::core::result::Result::Ok(Self {
            parameters: __cn_parameters,
            buffers: __cn_buffers,
            batches_tracked: __cn_batches_tracked,
        })
    }
    /// The same network in the scalar `U` (`f32` to `f64` and back):
    /// parameters, buffers and the counts of tracked batches, each
    /// value converted through `f64` (exact from `f32` to `f64`, rounded
    /// to nearest the other way).
    ///
    /// # Errors
    /// `Error::NotRepresentable` for a value `U` cannot hold (`1e39` in
    /// `f32`), naming it.
    pub fn cast<U: ::constnet::__private::Float>(
        &self,
    ) -> ::core::result::Result<Pair<U>, ::constnet::__private::Error> {
        ::core::result::Result::Ok(Pair {
            parameters: ::constnet::__private::cast_values(
                &self.parameters,
                "parameter",
            )?,
            buffers: ::constnet::__private::cast_values(&self.buffers, "buffer")?,
            batches_tracked: self.batches_tracked,
        })
    }
}
#[automatically_derived]
impl Pair<::core::primitive::f32> {
    /// A network from its flat parameters, buffers and counts
    /// of tracked batches (one per layer that counts batches,
    /// each `BatchNorm`, in declaration order): all state, as
    /// saved. `const`, so a trained network can live in flash.
    ///
    /// # Panics
    /// When a buffer value is outside its domain (NaN,
    /// infinite, a negative running variance): in a `const` or
    /// `static` that is a compile error. At run time use
    /// `try_from_parts`, which returns the error instead.
    #[must_use]
    pub const fn from_parts(
        __cn_parameters: [::core::primitive::f32; Pair::<
            ::core::primitive::f32,
        >::PARAMS],
        __cn_buffers: [::core::primitive::f32; Pair::<::core::primitive::f32>::BUFFERS],
        __cn_batches_tracked: [::constnet::__private::u64; Pair::<
            ::core::primitive::f32,
        >::TRACKED],
    ) -> Self {
        if let ::constnet::__private::Some(__cn_problem) = ::constnet::__private::buffer_problem_f32(
            <Self as ::constnet::__private::Network<
                ::core::primitive::f32,
                { Pair::<::core::primitive::f32>::INPUT },
                { Pair::<::core::primitive::f32>::OUTPUT },
                { Pair::<::core::primitive::f32>::PARAMS },
            >>::LAYERS,
            &__cn_buffers,
        ) {
            ::core::panic!("{}", __cn_problem);
        }
        Self {
            parameters: __cn_parameters,
            buffers: __cn_buffers,
            batches_tracked: __cn_batches_tracked,
        }
    }
}
#[automatically_derived]
impl Pair<::core::primitive::f64> {
    /// A network from its flat parameters, buffers and counts
    /// of tracked batches (one per layer that counts batches,
    /// each `BatchNorm`, in declaration order): all state, as
    /// saved. `const`, so a trained network can live in flash.
    ///
    /// # Panics
    /// When a buffer value is outside its domain (NaN,
    /// infinite, a negative running variance): in a `const` or
    /// `static` that is a compile error. At run time use
    /// `try_from_parts`, which returns the error instead.
    #[must_use]
    pub const fn from_parts(
        __cn_parameters: [::core::primitive::f64; Pair::<
            ::core::primitive::f32,
        >::PARAMS],
        __cn_buffers: [::core::primitive::f64; Pair::<::core::primitive::f32>::BUFFERS],
        __cn_batches_tracked: [::constnet::__private::u64; Pair::<
            ::core::primitive::f32,
        >::TRACKED],
    ) -> Self {
        if let ::constnet::__private::Some(__cn_problem) = ::constnet::__private::buffer_problem_f64(
            <Self as ::constnet::__private::Network<
                ::core::primitive::f64,
                { Pair::<::core::primitive::f32>::INPUT },
                { Pair::<::core::primitive::f32>::OUTPUT },
                { Pair::<::core::primitive::f32>::PARAMS },
            >>::LAYERS,
            &__cn_buffers,
        ) {
            ::core::panic!("{}", __cn_problem);
        }
        Self {
            parameters: __cn_parameters,
            buffers: __cn_buffers,
            batches_tracked: __cn_batches_tracked,
        }
    }
}
///The training cache of [`Pair`] for a batch of `B` samples: every layer's output and what its backward pass needs. Create it with `Zeroed::zeroed()`; it lives on the stack.
#[derive(::core::clone::Clone, ::core::fmt::Debug)]
pub struct PairCache<
    T: ::constnet::__private::Float,
    const B: ::constnet::__private::usize,
> {
    /// The batch's input.
    pub input: ::constnet::__private::SMatrix<
        T,
        { Pair::<::core::primitive::f32>::INPUT },
        { B },
    >,
    ///Output of layer `fc`.
    pub fc: ::constnet::__private::SMatrix<
        T,
        { Pair::<::core::primitive::f32>::fc__width_out },
        { B },
    >,
    ///What layer `fc` keeps for its backward pass.
    pub fc_cache: <::constnet::layer::Dense<
        2,
        3,
    > as ::constnet::__private::Layer<
        T,
        { Pair::<::core::primitive::f32>::fc__width_in },
        { Pair::<::core::primitive::f32>::fc__width_out },
    >>::Cache<{ B }>,
    ///Output of layer `act`.
    pub act: ::constnet::__private::SMatrix<
        T,
        { Pair::<::core::primitive::f32>::act__width_out },
        { B },
    >,
    ///What layer `act` keeps for its backward pass.
    pub act_cache: <::constnet::layer::Tanh as ::constnet::__private::Layer<
        T,
        { Pair::<::core::primitive::f32>::act__width_in },
        { Pair::<::core::primitive::f32>::act__width_out },
    >>::Cache<{ B }>,
}
#[automatically_derived]
impl<
    T: ::constnet::__private::Float,
    const B: ::constnet::__private::usize,
> ::constnet::__private::Zeroed for PairCache<T, { B }> {
    #[inline]
    fn zeroed() -> Self {
        Self {
            input: ::constnet::__private::Zeroed::zeroed(),
            fc: ::constnet::__private::Zeroed::zeroed(),
            fc_cache: ::constnet::__private::Zeroed::zeroed(),
            act: ::constnet::__private::Zeroed::zeroed(),
            act_cache: ::constnet::__private::Zeroed::zeroed(),
        }
    }
}
#[doc(hidden)]
#[automatically_derived]
#[allow(non_upper_case_globals)]
impl<
    T: ::constnet::__private::Float,
    const B: ::constnet::__private::usize,
> PairCache<T, { B }> {
    const fc: () = if let ::constnet::__private::Some(__cn_message) = ::constnet::__private::batch_too_small(
        "Pair",
        &::constnet::__private::Described {
            name: "fc",
            shown: "Dense<2, 3>",
            passes: <::constnet::layer::Dense<
                2,
                3,
            > as ::constnet::__private::LayerConfig>::INPUT
                .is_none()
                && { Pair::<::core::primitive::f32>::fc__width_in }
                    == { Pair::<::core::primitive::f32>::fc__width_out },
        },
        <::constnet::layer::Dense<
            2,
            3,
        > as ::constnet::__private::LayerConfig>::PROPERTIES
            .min_train_batch,
        B,
    ) {
        ::core::panic!("{}", __cn_message.as_str())
    };
    const act: () = if let ::constnet::__private::Some(__cn_message) = ::constnet::__private::batch_too_small(
        "Pair",
        &::constnet::__private::Described {
            name: "act",
            shown: "Tanh",
            passes: <::constnet::layer::Tanh as ::constnet::__private::LayerConfig>::INPUT
                .is_none()
                && { Pair::<::core::primitive::f32>::act__width_in }
                    == { Pair::<::core::primitive::f32>::act__width_out },
        },
        <::constnet::layer::Tanh as ::constnet::__private::LayerConfig>::PROPERTIES
            .min_train_batch,
        B,
    ) {
        ::core::panic!("{}", __cn_message.as_str())
    };
    /// Refuses, at compile time, a training step of `B` samples
    /// that a layer cannot train on.
    #[inline(always)]
    fn assert_batch_size() {
        let () = Self::fc;
        let () = Self::act;
    }
}
#[automatically_derived]
impl<
    T: ::constnet::__private::Float,
> ::constnet::__private::Network<
    T,
    { Pair::<::core::primitive::f32>::INPUT },
    { Pair::<::core::primitive::f32>::OUTPUT },
    { Pair::<::core::primitive::f32>::PARAMS },
> for Pair<T> {
    const BUFFERS: ::constnet::__private::usize = Pair::<
        ::core::primitive::f32,
    >::BUFFERS;
    const LAYERS: &'static [::constnet::__private::LayerInfo] = &[
        ::constnet::__private::LayerInfo {
            name: "fc",
            kind: <::constnet::layer::Dense<
                2,
                3,
            > as ::constnet::__private::LayerConfig>::NAME,
            properties: <::constnet::layer::Dense<
                2,
                3,
            > as ::constnet::__private::LayerConfig>::PROPERTIES,
            inputs: { Pair::<::core::primitive::f32>::fc__width_in },
            outputs: { Pair::<::core::primitive::f32>::fc__width_out },
            param_offset: Pair::<::core::primitive::f32>::fc__params_at,
            params: <::constnet::layer::Dense<
                2,
                3,
            > as ::constnet::__private::LayerShape<
                { Pair::<::core::primitive::f32>::fc__width_in },
            >>::PARAMS,
            buffer_offset: Pair::<::core::primitive::f32>::fc__buffers_at,
            buffers: <::constnet::layer::Dense<
                2,
                3,
            > as ::constnet::__private::LayerShape<
                { Pair::<::core::primitive::f32>::fc__width_in },
            >>::BUFFERS,
            tensors: <::constnet::layer::Dense<
                2,
                3,
            > as ::constnet::__private::LayerShape<
                { Pair::<::core::primitive::f32>::fc__width_in },
            >>::TENSORS,
            buffer_tensors: <::constnet::layer::Dense<
                2,
                3,
            > as ::constnet::__private::LayerShape<
                { Pair::<::core::primitive::f32>::fc__width_in },
            >>::BUFFER_TENSORS,
            counter: if <::constnet::layer::Dense<
                2,
                3,
            > as ::constnet::__private::LayerConfig>::PROPERTIES
                .counts_batches
            {
                ::constnet::__private::Some(
                    Pair::<::core::primitive::f32>::fc__tracked_at,
                )
            } else {
                ::constnet::__private::None
            },
        },
        ::constnet::__private::LayerInfo {
            name: "act",
            kind: <::constnet::layer::Tanh as ::constnet::__private::LayerConfig>::NAME,
            properties: <::constnet::layer::Tanh as ::constnet::__private::LayerConfig>::PROPERTIES,
            inputs: { Pair::<::core::primitive::f32>::act__width_in },
            outputs: { Pair::<::core::primitive::f32>::act__width_out },
            param_offset: Pair::<::core::primitive::f32>::act__params_at,
            params: <::constnet::layer::Tanh as ::constnet::__private::LayerShape<
                { Pair::<::core::primitive::f32>::act__width_in },
            >>::PARAMS,
            buffer_offset: Pair::<::core::primitive::f32>::act__buffers_at,
            buffers: <::constnet::layer::Tanh as ::constnet::__private::LayerShape<
                { Pair::<::core::primitive::f32>::act__width_in },
            >>::BUFFERS,
            tensors: <::constnet::layer::Tanh as ::constnet::__private::LayerShape<
                { Pair::<::core::primitive::f32>::act__width_in },
            >>::TENSORS,
            buffer_tensors: <::constnet::layer::Tanh as ::constnet::__private::LayerShape<
                { Pair::<::core::primitive::f32>::act__width_in },
            >>::BUFFER_TENSORS,
            counter: if <::constnet::layer::Tanh as ::constnet::__private::LayerConfig>::PROPERTIES
                .counts_batches
            {
                ::constnet::__private::Some(
                    Pair::<::core::primitive::f32>::act__tracked_at,
                )
            } else {
                ::constnet::__private::None
            },
        },
    ];
    type Cache<const B: ::constnet::__private::usize> = PairCache<T, { B }>;
    fn initialized(__cn_rng: &mut ::constnet::__private::Rng) -> Self {
        let mut __cn_net = Self {
            parameters: [T::zero(); Pair::<::core::primitive::f32>::PARAMS],
            buffers: [T::zero(); Pair::<::core::primitive::f32>::BUFFERS],
            batches_tracked: [0; Pair::<::core::primitive::f32>::TRACKED],
        };
        <::constnet::layer::Dense<
            2,
            3,
        > as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::fc__width_in },
            { Pair::<::core::primitive::f32>::fc__width_out },
        >>::init(
            &Pair::<::core::primitive::f32>::fc,
            &mut __cn_net
                .parameters[Pair::<
                ::core::primitive::f32,
            >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
            &mut __cn_net
                .buffers[Pair::<
                ::core::primitive::f32,
            >::fc__buffers_at..Pair::<::core::primitive::f32>::fc__buffers_end],
            __cn_rng,
        );
        <::constnet::layer::Tanh as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::act__width_in },
            { Pair::<::core::primitive::f32>::act__width_out },
        >>::init(
            &Pair::<::core::primitive::f32>::act,
            &mut __cn_net
                .parameters[Pair::<
                ::core::primitive::f32,
            >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
            &mut __cn_net
                .buffers[Pair::<
                ::core::primitive::f32,
            >::act__buffers_at..Pair::<::core::primitive::f32>::act__buffers_end],
            __cn_rng,
        );
        __cn_net
    }
    #[inline]
    fn parameters(&self) -> &[T; { Pair::<::core::primitive::f32>::PARAMS }] {
        &self.parameters
    }
    #[inline]
    fn parameters_mut(
        &mut self,
    ) -> &mut [T; { Pair::<::core::primitive::f32>::PARAMS }] {
        &mut self.parameters
    }
    #[inline]
    fn buffers(&self) -> &[T] {
        &self.buffers
    }
    #[inline]
    fn buffers_mut(&mut self) -> &mut [T] {
        &mut self.buffers
    }
    #[inline]
    fn batches_tracked(&self) -> &[::constnet::__private::u64] {
        &self.batches_tracked
    }
    #[inline]
    fn batches_tracked_mut(&mut self) -> &mut [::constnet::__private::u64] {
        &mut self.batches_tracked
    }
    #[inline]
    fn forward<const B: ::constnet::__private::usize>(
        &self,
        __cn_x: &::constnet::__private::SMatrix<
            T,
            { Pair::<::core::primitive::f32>::INPUT },
            { B },
        >,
    ) -> ::constnet::__private::SMatrix<
        T,
        { Pair::<::core::primitive::f32>::OUTPUT },
        { B },
    > {
        let __cn_p = &self.parameters;
        let __cn_s = &self.buffers;
        let mut __cn_a0 = <::constnet::__private::SMatrix<
            T,
            { Pair::<::core::primitive::f32>::fc__width_out },
            { B },
        > as ::constnet::__private::Zeroed>::zeroed();
        <::constnet::layer::Dense<
            2,
            3,
        > as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::fc__width_in },
            { Pair::<::core::primitive::f32>::fc__width_out },
        >>::forward::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::fc,
            &__cn_p[Pair::<
                ::core::primitive::f32,
            >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
            &__cn_s[Pair::<
                ::core::primitive::f32,
            >::fc__buffers_at..Pair::<::core::primitive::f32>::fc__buffers_end],
            ::constnet::__private::wire(__cn_x),
            &mut __cn_a0,
        );
        let mut __cn_a1 = <::constnet::__private::SMatrix<
            T,
            { Pair::<::core::primitive::f32>::act__width_out },
            { B },
        > as ::constnet::__private::Zeroed>::zeroed();
        <::constnet::layer::Tanh as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::act__width_in },
            { Pair::<::core::primitive::f32>::act__width_out },
        >>::forward::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::act,
            &__cn_p[Pair::<
                ::core::primitive::f32,
            >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
            &__cn_s[Pair::<
                ::core::primitive::f32,
            >::act__buffers_at..Pair::<::core::primitive::f32>::act__buffers_end],
            ::constnet::__private::wire(&__cn_a0),
            &mut __cn_a1,
        );
        __cn_a1
    }
    #[inline]
    fn forward_train_with<const B: ::constnet::__private::usize>(
        &self,
        __cn_x: &::constnet::__private::SMatrix<
            T,
            { Pair::<::core::primitive::f32>::INPUT },
            { B },
        >,
        __cn_cache: &mut PairCache<T, { B }>,
        __cn_context: &::constnet::__private::TrainContext,
    ) -> ::constnet::__private::SMatrix<
        T,
        { Pair::<::core::primitive::f32>::OUTPUT },
        { B },
    > {
        PairCache::<T, { B }>::assert_batch_size();
        let __cn_p = &self.parameters;
        let __cn_s = &self.buffers;
        __cn_cache.input = *__cn_x;
        <::constnet::layer::Dense<
            2,
            3,
        > as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::fc__width_in },
            { Pair::<::core::primitive::f32>::fc__width_out },
        >>::forward_train::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::fc,
            &__cn_p[Pair::<
                ::core::primitive::f32,
            >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
            &__cn_s[Pair::<
                ::core::primitive::f32,
            >::fc__buffers_at..Pair::<::core::primitive::f32>::fc__buffers_end],
            ::constnet::__private::wire(&__cn_cache.input),
            &mut __cn_cache.fc,
            &mut __cn_cache.fc_cache,
            &__cn_context.for_layer(0usize),
        );
        <::constnet::layer::Tanh as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::act__width_in },
            { Pair::<::core::primitive::f32>::act__width_out },
        >>::forward_train::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::act,
            &__cn_p[Pair::<
                ::core::primitive::f32,
            >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
            &__cn_s[Pair::<
                ::core::primitive::f32,
            >::act__buffers_at..Pair::<::core::primitive::f32>::act__buffers_end],
            ::constnet::__private::wire(&__cn_cache.fc),
            &mut __cn_cache.act,
            &mut __cn_cache.act_cache,
            &__cn_context.for_layer(1usize),
        );
        __cn_cache.act
    }
    #[inline(always)]
    fn cached_input<const B: ::constnet::__private::usize>(
        __cn_cache: &PairCache<T, { B }>,
    ) -> ::core::option::Option<
        &::constnet::__private::SMatrix<
            T,
            { Pair::<::core::primitive::f32>::INPUT },
            { B },
        >,
    > {
        ::core::option::Option::Some(&__cn_cache.input)
    }
    #[inline]
    fn update_buffers<const B: ::constnet::__private::usize>(
        &mut self,
        __cn_cache: &PairCache<T, { B }>,
    ) {
        PairCache::<T, { B }>::assert_batch_size();
        <::constnet::layer::Dense<
            2,
            3,
        > as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::fc__width_in },
            { Pair::<::core::primitive::f32>::fc__width_out },
        >>::update_buffers::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::fc,
            &mut self
                .buffers[Pair::<
                ::core::primitive::f32,
            >::fc__buffers_at..Pair::<::core::primitive::f32>::fc__buffers_end],
            &__cn_cache.fc_cache,
            ::constnet::__private::own_count(
                &self
                    .batches_tracked[Pair::<
                    ::core::primitive::f32,
                >::fc__tracked_at..Pair::<::core::primitive::f32>::fc__tracked_end],
            ),
        );
        <::constnet::layer::Tanh as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::act__width_in },
            { Pair::<::core::primitive::f32>::act__width_out },
        >>::update_buffers::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::act,
            &mut self
                .buffers[Pair::<
                ::core::primitive::f32,
            >::act__buffers_at..Pair::<::core::primitive::f32>::act__buffers_end],
            &__cn_cache.act_cache,
            ::constnet::__private::own_count(
                &self
                    .batches_tracked[Pair::<
                    ::core::primitive::f32,
                >::act__tracked_at..Pair::<::core::primitive::f32>::act__tracked_end],
            ),
        );
        ::constnet::__private::count_batch(&mut self.batches_tracked);
    }
    #[inline]
    fn backward<const B: ::constnet::__private::usize>(
        &self,
        __cn_cache: &mut PairCache<T, { B }>,
        __cn_d_output: &::constnet::__private::SMatrix<
            T,
            { Pair::<::core::primitive::f32>::OUTPUT },
            { B },
        >,
        __cn_grad: &mut [T; { Pair::<::core::primitive::f32>::PARAMS }],
    ) {
        let __cn_p = &self.parameters;
        let mut __cn_d0 = <::constnet::__private::SMatrix<
            T,
            { Pair::<::core::primitive::f32>::fc__width_out },
            { B },
        > as ::constnet::__private::Zeroed>::zeroed();
        <::constnet::layer::Tanh as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::act__width_in },
            { Pair::<::core::primitive::f32>::act__width_out },
        >>::backward::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::act,
            &__cn_p[Pair::<
                ::core::primitive::f32,
            >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
            ::constnet::__private::wire(&__cn_cache.fc),
            &__cn_cache.act,
            &mut __cn_cache.act_cache,
            __cn_d_output,
            ::constnet::__private::Some(::constnet::__private::wire_mut(&mut __cn_d0)),
            &mut __cn_grad[Pair::<
                ::core::primitive::f32,
            >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
        );
        <::constnet::layer::Dense<
            2,
            3,
        > as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::fc__width_in },
            { Pair::<::core::primitive::f32>::fc__width_out },
        >>::backward::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::fc,
            &__cn_p[Pair::<
                ::core::primitive::f32,
            >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
            ::constnet::__private::wire(&__cn_cache.input),
            &__cn_cache.fc,
            &mut __cn_cache.fc_cache,
            &__cn_d0,
            ::constnet::__private::None::<
                &mut ::constnet::__private::SMatrix<
                    T,
                    { Pair::<::core::primitive::f32>::fc__width_in },
                    { B },
                >,
            >,
            &mut __cn_grad[Pair::<
                ::core::primitive::f32,
            >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
        );
    }
    #[inline]
    fn backward_with_input<const B: ::constnet::__private::usize>(
        &self,
        __cn_cache: &mut PairCache<T, { B }>,
        __cn_d_output: &::constnet::__private::SMatrix<
            T,
            { Pair::<::core::primitive::f32>::OUTPUT },
            { B },
        >,
        __cn_grad: &mut [T; { Pair::<::core::primitive::f32>::PARAMS }],
        __cn_d_input: &mut ::constnet::__private::SMatrix<
            T,
            { Pair::<::core::primitive::f32>::INPUT },
            { B },
        >,
    ) {
        let __cn_p = &self.parameters;
        *__cn_d_input = <::constnet::__private::SMatrix<
            T,
            { Pair::<::core::primitive::f32>::INPUT },
            { B },
        > as ::constnet::__private::Zeroed>::zeroed();
        let mut __cn_d0 = <::constnet::__private::SMatrix<
            T,
            { Pair::<::core::primitive::f32>::fc__width_out },
            { B },
        > as ::constnet::__private::Zeroed>::zeroed();
        <::constnet::layer::Tanh as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::act__width_in },
            { Pair::<::core::primitive::f32>::act__width_out },
        >>::backward::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::act,
            &__cn_p[Pair::<
                ::core::primitive::f32,
            >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
            ::constnet::__private::wire(&__cn_cache.fc),
            &__cn_cache.act,
            &mut __cn_cache.act_cache,
            __cn_d_output,
            ::constnet::__private::Some(::constnet::__private::wire_mut(&mut __cn_d0)),
            &mut __cn_grad[Pair::<
                ::core::primitive::f32,
            >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
        );
        <::constnet::layer::Dense<
            2,
            3,
        > as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::fc__width_in },
            { Pair::<::core::primitive::f32>::fc__width_out },
        >>::backward::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::fc,
            &__cn_p[Pair::<
                ::core::primitive::f32,
            >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
            ::constnet::__private::wire(&__cn_cache.input),
            &__cn_cache.fc,
            &mut __cn_cache.fc_cache,
            &__cn_d0,
            ::constnet::__private::Some(::constnet::__private::wire_mut(__cn_d_input)),
            &mut __cn_grad[Pair::<
                ::core::primitive::f32,
            >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
        );
    }
    #[inline]
    fn r_forward<const B: ::constnet::__private::usize>(
        &self,
        __cn_v: &[T; { Pair::<::core::primitive::f32>::PARAMS }],
        __cn_cache: &PairCache<T, { B }>,
        __cn_r_cache: &mut PairCache<T, { B }>,
    ) -> ::constnet::__private::SMatrix<
        T,
        { Pair::<::core::primitive::f32>::OUTPUT },
        { B },
    > {
        let __cn_p = &self.parameters;
        __cn_r_cache.input = ::constnet::__private::Zeroed::zeroed();
        <::constnet::layer::Dense<
            2,
            3,
        > as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::fc__width_in },
            { Pair::<::core::primitive::f32>::fc__width_out },
        >>::r_forward::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::fc,
            &__cn_p[Pair::<
                ::core::primitive::f32,
            >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
            &__cn_v[Pair::<
                ::core::primitive::f32,
            >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
            ::constnet::__private::wire(&__cn_cache.input),
            &__cn_cache.fc,
            &__cn_cache.fc_cache,
            ::constnet::__private::wire(&__cn_r_cache.input),
            &mut __cn_r_cache.fc,
            &mut __cn_r_cache.fc_cache,
        );
        <::constnet::layer::Tanh as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::act__width_in },
            { Pair::<::core::primitive::f32>::act__width_out },
        >>::r_forward::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::act,
            &__cn_p[Pair::<
                ::core::primitive::f32,
            >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
            &__cn_v[Pair::<
                ::core::primitive::f32,
            >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
            ::constnet::__private::wire(&__cn_cache.fc),
            &__cn_cache.act,
            &__cn_cache.act_cache,
            ::constnet::__private::wire(&__cn_r_cache.fc),
            &mut __cn_r_cache.act,
            &mut __cn_r_cache.act_cache,
        );
        __cn_r_cache.act
    }
    #[inline]
    fn r_backward<const B: ::constnet::__private::usize>(
        &self,
        __cn_v: &[T; { Pair::<::core::primitive::f32>::PARAMS }],
        __cn_cache: &mut PairCache<T, { B }>,
        __cn_r_cache: &PairCache<T, { B }>,
        __cn_d_output: &::constnet::__private::SMatrix<
            T,
            { Pair::<::core::primitive::f32>::OUTPUT },
            { B },
        >,
        __cn_r_d_output: &::constnet::__private::SMatrix<
            T,
            { Pair::<::core::primitive::f32>::OUTPUT },
            { B },
        >,
        __cn_grad: &mut [T; { Pair::<::core::primitive::f32>::PARAMS }],
        __cn_r_grad: &mut [T; { Pair::<::core::primitive::f32>::PARAMS }],
    ) {
        let __cn_p = &self.parameters;
        let mut __cn_d0 = <::constnet::__private::SMatrix<
            T,
            { Pair::<::core::primitive::f32>::fc__width_out },
            { B },
        > as ::constnet::__private::Zeroed>::zeroed();
        <::constnet::layer::Tanh as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::act__width_in },
            { Pair::<::core::primitive::f32>::act__width_out },
        >>::backward::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::act,
            &__cn_p[Pair::<
                ::core::primitive::f32,
            >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
            ::constnet::__private::wire(&__cn_cache.fc),
            &__cn_cache.act,
            &mut __cn_cache.act_cache,
            __cn_d_output,
            ::constnet::__private::Some(::constnet::__private::wire_mut(&mut __cn_d0)),
            &mut __cn_grad[Pair::<
                ::core::primitive::f32,
            >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
        );
        let mut __cn_rd0 = <::constnet::__private::SMatrix<
            T,
            { Pair::<::core::primitive::f32>::fc__width_out },
            { B },
        > as ::constnet::__private::Zeroed>::zeroed();
        <::constnet::layer::Tanh as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::act__width_in },
            { Pair::<::core::primitive::f32>::act__width_out },
        >>::r_backward::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::act,
            &__cn_p[Pair::<
                ::core::primitive::f32,
            >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
            &__cn_v[Pair::<
                ::core::primitive::f32,
            >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
            ::constnet::__private::wire(&__cn_cache.fc),
            &__cn_cache.act,
            &__cn_cache.act_cache,
            ::constnet::__private::wire(&__cn_r_cache.fc),
            &__cn_r_cache.act_cache,
            __cn_d_output,
            __cn_r_d_output,
            ::constnet::__private::Some(::constnet::__private::wire_mut(&mut __cn_rd0)),
            &mut __cn_r_grad[Pair::<
                ::core::primitive::f32,
            >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
        );
        <::constnet::layer::Dense<
            2,
            3,
        > as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::fc__width_in },
            { Pair::<::core::primitive::f32>::fc__width_out },
        >>::backward::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::fc,
            &__cn_p[Pair::<
                ::core::primitive::f32,
            >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
            ::constnet::__private::wire(&__cn_cache.input),
            &__cn_cache.fc,
            &mut __cn_cache.fc_cache,
            &__cn_d0,
            ::constnet::__private::None::<
                &mut ::constnet::__private::SMatrix<
                    T,
                    { Pair::<::core::primitive::f32>::fc__width_in },
                    { B },
                >,
            >,
            &mut __cn_grad[Pair::<
                ::core::primitive::f32,
            >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
        );
        <::constnet::layer::Dense<
            2,
            3,
        > as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::fc__width_in },
            { Pair::<::core::primitive::f32>::fc__width_out },
        >>::r_backward::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::fc,
            &__cn_p[Pair::<
                ::core::primitive::f32,
            >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
            &__cn_v[Pair::<
                ::core::primitive::f32,
            >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
            ::constnet::__private::wire(&__cn_cache.input),
            &__cn_cache.fc,
            &__cn_cache.fc_cache,
            ::constnet::__private::wire(&__cn_r_cache.input),
            &__cn_r_cache.fc_cache,
            &__cn_d0,
            &__cn_rd0,
            ::constnet::__private::None::<
                &mut ::constnet::__private::SMatrix<
                    T,
                    { Pair::<::core::primitive::f32>::fc__width_in },
                    { B },
                >,
            >,
            &mut __cn_r_grad[Pair::<
                ::core::primitive::f32,
            >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
        );
    }
}
#[automatically_derived]
impl<
    T: ::constnet::__private::Float,
> ::constnet::__private::NetworkBlocks<
    T,
    { Pair::<::core::primitive::f32>::INPUT },
    { Pair::<::core::primitive::f32>::OUTPUT },
    { Pair::<::core::primitive::f32>::PARAMS },
> for Pair<T> {
    type BlockStorage<
        const B: ::constnet::__private::usize,
        const K: ::constnet::__private::usize,
    > = [[[T; ::constnet::__private::block_width(
        &[
            { Pair::<::core::primitive::f32>::fc__width_out },
            { Pair::<::core::primitive::f32>::act__width_out },
        ],
    )]; B]; K];
    #[inline]
    fn backward_keep<const B: ::constnet::__private::usize>(
        &self,
        __cn_cache: &mut PairCache<T, { B }>,
        __cn_d_output: &::constnet::__private::SMatrix<
            T,
            { Pair::<::core::primitive::f32>::OUTPUT },
            { B },
        >,
        __cn_output_grads: &mut PairCache<T, { B }>,
        __cn_grad: &mut [T; { Pair::<::core::primitive::f32>::PARAMS }],
    ) {
        let __cn_p = &self.parameters;
        __cn_output_grads.act = *__cn_d_output;
        <::constnet::layer::Tanh as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::act__width_in },
            { Pair::<::core::primitive::f32>::act__width_out },
        >>::backward::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::act,
            &__cn_p[Pair::<
                ::core::primitive::f32,
            >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
            ::constnet::__private::wire(&__cn_cache.fc),
            &__cn_cache.act,
            &mut __cn_cache.act_cache,
            &__cn_output_grads.act,
            ::constnet::__private::Some(
                ::constnet::__private::wire_mut(&mut __cn_output_grads.fc),
            ),
            &mut __cn_grad[Pair::<
                ::core::primitive::f32,
            >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
        );
        <::constnet::layer::Dense<
            2,
            3,
        > as ::constnet::__private::Layer<
            T,
            { Pair::<::core::primitive::f32>::fc__width_in },
            { Pair::<::core::primitive::f32>::fc__width_out },
        >>::backward::<
            { B },
        >(
            &Pair::<::core::primitive::f32>::fc,
            &__cn_p[Pair::<
                ::core::primitive::f32,
            >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
            ::constnet::__private::wire(&__cn_cache.input),
            &__cn_cache.fc,
            &mut __cn_cache.fc_cache,
            &__cn_output_grads.fc,
            ::constnet::__private::None::<
                &mut ::constnet::__private::SMatrix<
                    T,
                    { Pair::<::core::primitive::f32>::fc__width_in },
                    { B },
                >,
            >,
            &mut __cn_grad[Pair::<
                ::core::primitive::f32,
            >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
        );
    }
    #[inline]
    fn r_forward_block<const B: ::constnet::__private::usize>(
        &self,
        __cn_cache: &PairCache<T, { B }>,
        __cn_pass: &mut ::constnet::__private::BlockPass<'_, T>,
    ) {
        let __cn_p = &self.parameters;
        __cn_pass
            .forward::<
                ::constnet::layer::Dense<2, 3>,
                { Pair::<::core::primitive::f32>::fc__width_in },
                { Pair::<::core::primitive::f32>::fc__width_out },
                { B },
            >(
                &Pair::<::core::primitive::f32>::fc,
                &__cn_p[Pair::<
                    ::core::primitive::f32,
                >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
                Pair::<::core::primitive::f32>::fc__params_at,
                ::constnet::__private::wire(&__cn_cache.input),
                &__cn_cache.fc,
                &__cn_cache.fc_cache,
            );
        __cn_pass
            .forward::<
                ::constnet::layer::Tanh,
                { Pair::<::core::primitive::f32>::act__width_in },
                { Pair::<::core::primitive::f32>::act__width_out },
                { B },
            >(
                &Pair::<::core::primitive::f32>::act,
                &__cn_p[Pair::<
                    ::core::primitive::f32,
                >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
                Pair::<::core::primitive::f32>::act__params_at,
                ::constnet::__private::wire(&__cn_cache.fc),
                &__cn_cache.act,
                &__cn_cache.act_cache,
            );
    }
    #[inline]
    fn r_backward_block<const B: ::constnet::__private::usize>(
        &self,
        __cn_forward_cache: &PairCache<T, { B }>,
        __cn_cache: &PairCache<T, { B }>,
        __cn_output_grads: &PairCache<T, { B }>,
        __cn_pass: &mut ::constnet::__private::BlockPass<'_, T>,
    ) {
        let __cn_p = &self.parameters;
        __cn_pass
            .backward::<
                ::constnet::layer::Tanh,
                { Pair::<::core::primitive::f32>::act__width_in },
                { Pair::<::core::primitive::f32>::act__width_out },
                { B },
            >(
                &Pair::<::core::primitive::f32>::act,
                &__cn_p[Pair::<
                    ::core::primitive::f32,
                >::act__params_at..Pair::<::core::primitive::f32>::act__params_end],
                Pair::<::core::primitive::f32>::act__params_at,
                ::constnet::__private::wire(&__cn_cache.fc),
                &__cn_cache.act,
                &__cn_forward_cache.act_cache,
                &__cn_cache.act_cache,
                &__cn_output_grads.act,
            );
        __cn_pass
            .backward::<
                ::constnet::layer::Dense<2, 3>,
                { Pair::<::core::primitive::f32>::fc__width_in },
                { Pair::<::core::primitive::f32>::fc__width_out },
                { B },
            >(
                &Pair::<::core::primitive::f32>::fc,
                &__cn_p[Pair::<
                    ::core::primitive::f32,
                >::fc__params_at..Pair::<::core::primitive::f32>::fc__params_end],
                Pair::<::core::primitive::f32>::fc__params_at,
                ::constnet::__private::wire(&__cn_cache.input),
                &__cn_cache.fc,
                &__cn_forward_cache.fc_cache,
                &__cn_cache.fc_cache,
                &__cn_output_grads.fc,
            );
    }
}
#[automatically_derived]
impl<T: ::constnet::__private::Float> ::constnet::__private::LayerChain for Pair<T> {
    type Chain = ::constnet::__private::Then<
        ::constnet::layer::Dense<2, 3>,
        ::constnet::layer::Tanh,
        { Pair::<::core::primitive::f32>::fc__width_out },
    >;
    #[inline]
    fn chain() -> Self::Chain {
        ::constnet::__private::Then {
            first: Pair::<::core::primitive::f32>::fc,
            rest: Pair::<::core::primitive::f32>::act,
        }
    }
}
///`Pair` in int8: the network `Pair::quantize` returns, integer layers and the quantization of the input and output. `const`-constructible (`static MODEL: PairQ8 = PairQ8::from_parts(...)`, as `constnet::quant::source::int8_rust_source` writes it), so the weights stay in flash.
pub type PairQ8 = ::constnet::__private::Int8Network<
    <<Pair<
        ::core::primitive::f32,
    > as ::constnet::__private::LayerChain>::Chain as ::constnet::__private::FloatChain<
        { Pair::<::core::primitive::f32>::INPUT },
        { Pair::<::core::primitive::f32>::OUTPUT },
    >>::Int8,
    { Pair::<::core::primitive::f32>::INPUT },
    { Pair::<::core::primitive::f32>::OUTPUT },
>;
#[automatically_derived]
impl Pair<::core::primitive::f32> {
    /**Post-training int8 quantization (TensorFlow Lite's scheme) of the network, calibrated on `calibration`: weights int8 per output channel, activations int8 per tensor, biases int32 at `s_in * s_w[c]`, a `BatchNorm` folded into the layer before it. No heap. A compile error when a layer has no int8 form.

# Errors
`QuantError` for an empty or non-finite calibration set, a non-finite parameter, or a value that does not fit its integer type.*/
    pub fn quantize<__CnChain>(
        &self,
        __cn_calibration: &::constnet::__private::Calibration<
            '_,
            { Pair::<::core::primitive::f32>::INPUT },
        >,
    ) -> ::core::result::Result<
        ::constnet::__private::Int8Network<
            <__CnChain as ::constnet::__private::FloatChain<
                { Pair::<::core::primitive::f32>::INPUT },
                { Pair::<::core::primitive::f32>::OUTPUT },
            >>::Int8,
            { Pair::<::core::primitive::f32>::INPUT },
            { Pair::<::core::primitive::f32>::OUTPUT },
        >,
        ::constnet::__private::QuantError,
    >
    where
        Self: ::constnet::__private::LayerChain<Chain = __CnChain>,
        __CnChain: ::constnet::__private::FloatChain<
            { Pair::<::core::primitive::f32>::INPUT },
            { Pair::<::core::primitive::f32>::OUTPUT },
        >,
    {
        ::constnet::__private::quantize_network(self, __cn_calibration)
    }
}
