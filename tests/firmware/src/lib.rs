//! Firmware built on constnet for Cortex-M, and the same programs on the host.
//!
//! Every program in `src/bin/` is a `#![no_std]` firmware on a bare-metal
//! ARM target (cortex-m-rt starts it, semihosting carries its output to the
//! host and ends the emulator) and an ordinary binary on the host. Both
//! print the same lines, every value as its IEEE bit pattern in hex, so
//! comparing the emulator's output with the host's checks the firmware bit
//! for bit (`run.sh`). Lines starting with `#` are facts of the device run
//! only (the painted-stack high-water mark) and are left out of the
//! comparison.
//!
//! - [`models`]: the networks, with trained weights in flash as Rust
//!   source written by `constnet::interop::rust_source` (the `firmware_weights`
//!   example writes them).
//! - [`checks`]: what the `check` program compares with the host.
//! - [`workloads`]: the footprint programs' work (inference from flash,
//!   on-device training with SGD and Adam), measured by `footprint.sh`.
//! - [`report`]: lines of hex without `core::fmt`, so a program links no
//!   formatting machinery.
#![no_std]
// The device module reads the painted stack through raw pointers; nothing
// else may use `unsafe`.
#![deny(unsafe_code)]

#[cfg(not(target_os = "none"))]
extern crate std;

pub mod checks;
#[cfg(target_os = "none")]
pub mod device;
#[cfg(not(target_os = "none"))]
pub mod host;
pub mod models;
pub mod report;
pub mod workloads;

/// Marks the start of the region whose instructions `footprint.sh` counts
/// (its address is looked up in the ELF; the emulator traces every
/// instruction between this call and [`instructions_end`]).
#[inline(never)]
pub fn instructions_start() {
    core::hint::black_box(1_u32);
}

/// Marks the end of the counted region (see [`instructions_start`]).
#[inline(never)]
pub fn instructions_end() {
    core::hint::black_box(2_u32);
}

/// Declares a program's entry point: `program!(path::to::run);` with
/// `fn run<O: report::Out>(report: &mut report::Report<O>)`. On a
/// bare-metal target the function runs from cortex-m-rt's reset handler,
/// then the program reports its peak stack and exits the emulator through
/// semihosting; on the host it prints to standard output.
#[macro_export]
macro_rules! program {
    ($run:path) => {
        #[cfg(target_os = "none")]
        #[$crate::device::entry]
        fn main() -> ! {
            $crate::device::run($run)
        }

        #[cfg(not(target_os = "none"))]
        fn main() {
            $crate::host::run($run);
        }
    };
}
