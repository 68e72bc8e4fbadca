//! The matrix kernels every layer computes with: an implementation module,
//! not public API (the one public item is [`Kernel`], re-exported by
//! [`crate::hessian`]).
//!
//! - [`fixed`]: const-size kernels for the ordinary forward and backward
//!   passes, where every size is a const generic (`mul_at_b`, the register
//!   tiled product `C = A^T B`, and `matvec_rows` for single-sample
//!   inference), written in explicit four-wide vectors (`Lanes`, which
//!   every [`Float`](crate::scalar::Float) has).
//! - [`gemm`](mod@gemm): the run-time-size product `C = A B` of the blocked
//!   R-operator (full Hessians), whose number of directions varies, with
//!   the implementation chosen by a [`Kernel`].

pub mod fixed;
pub mod gemm;

pub use fixed::{matvec_rows, mul_at_b};
pub use gemm::{MatMut, MatRef, gemm};

/// Which matrix-multiply implementation a blocked pass (a full Hessian)
/// uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Kernel {
    /// Safe portable Rust: no heap, works without `std`. Default.
    #[default]
    Portable,
    /// The fastest available: with `std`, nalgebra's `gemm` (the
    /// `matrixmultiply` crate, SIMD chosen at run time, heap-allocated
    /// packing buffers) for large enough products; otherwise the portable
    /// kernel.
    Optimized,
}
