//! Generated code names everything by absolute path: a declaration still
//! compiles when the user's scope shadows prelude types, primitive types,
//! the traits the macro derives, and the library's own names.
#![deny(warnings)]
#![allow(non_camel_case_types, dead_code)]

// The prelude's and the library's names, shadowed. Only what the test needs
// is imported explicitly, under other names.
use constnet::network::Network as NetworkTrait;
use constnet::nalgebra::SMatrix as Batch;

struct Option;
struct Some;
struct None;
struct Result;
struct Ok;
struct Err;
struct Vec;
struct Box;
struct String;
struct Clone;
struct Copy;
struct Debug;
struct Default;
struct PartialEq;
struct Sized;
struct Send;
struct Sync;
struct From;
struct Into;
struct Iterator;
struct Fn;
type f32 = u8;
type f64 = u8;
type usize = u8;
type u64 = u8;
type bool = u8;
struct SMatrix;
struct Float;
struct Layer;
struct LayerShape;
struct Zeroed;
struct Rng;
struct Dense;
struct Tanh;
struct Init;
struct Net;
struct T;
struct B;
struct K;
mod core {}
mod std {}
mod nalgebra {}
#[allow(unused_macros)]
macro_rules! assert {
    ($($t:tt)*) => {
        compile_error!("the user's `assert!` was called")
    };
}

constnet::network! {
    /// A network declared among shadowed names.
    pub struct Shadowed {
        hidden: Dense<2, 4>(weight_init = ::constnet::init::Init::Zeros),
        act: Tanh,
        out: Dense<4, 1>,
    }
}

fn main() {
    let network = Shadowed::<::core::primitive::f64>::seeded(3);
    let batch = Batch::<::core::primitive::f64, 2, 1>::new(0.5, -0.5);
    let output = network.forward(&batch);
    // Zero hidden weights: the hidden layer outputs tanh(bias), whatever the input.
    let weights = network.parameters();
    let mut expected = weights[16];
    for k in 0..4 {
        expected += weights[12 + k] * constnet::math::tanh(weights[8 + k]);
    }
    ::core::assert!((output[0] - expected).abs() < 1e-12);
}
