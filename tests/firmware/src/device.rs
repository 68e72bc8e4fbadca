//! The bare-metal side of a program: output and exit through semihosting,
//! faults and panics end the emulator with a failure status, and the peak
//! stack is read from the paint cortex-m-rt leaves at reset.

// Reading the stack region below the stack pointer takes raw pointers.
#![allow(unsafe_code)]

use cortex_m_rt::{ExceptionFrame, exception};
use cortex_m_semihosting::debug::{self, EXIT_FAILURE, EXIT_SUCCESS};
use cortex_m_semihosting::hio::{self, HostStream};

pub use cortex_m_rt::entry;

use crate::report::{Out, Report};

/// The host's standard output through semihosting (nothing when the host
/// refuses to open it).
pub struct Semihosting(Option<HostStream>);

impl Out for Semihosting {
    fn write(&mut self, bytes: &[u8]) {
        if let Some(stream) = &mut self.0 {
            let _ = stream.write_all(bytes);
        }
    }
}

/// Runs a program, reports `# stack_bytes N` (the painted-stack high-water
/// mark: bytes between the top of RAM and the lowest word the program
/// overwrote) and ends the emulator with success.
pub fn run(program: fn(&mut Report<Semihosting>)) -> ! {
    let mut report = Report::new(Semihosting(hio::hstdout().ok()));
    program(&mut report);
    let (used, overflowed) = stack_used();
    report.comment_number("stack_bytes", used as u64);
    if overflowed {
        report.comment_number("stack_overflowed_into_static_data", 1);
        exit(false);
    }
    exit(true)
}

/// Ends the emulator: `true` for success.
fn exit(success: bool) -> ! {
    debug::exit(if success { EXIT_SUCCESS } else { EXIT_FAILURE });
    loop {
        cortex_m::asm::wfi();
    }
}

unsafe extern "C" {
    /// The lowest address of the stack region (end of static data), from
    /// cortex-m-rt's linker script.
    static _stack_end: u32;
    /// The highest address of the stack region (top of RAM).
    static _stack_start: u32;
}

/// The painted-stack high-water mark in bytes, and whether the stack reached
/// the end of static data (every word overwritten, so the true peak is
/// unknown and the stack may have overwritten statics).
fn stack_used() -> (usize, bool) {
    let end = (&raw const _stack_end) as usize;
    let start = (&raw const _stack_start) as usize;
    let mut address = end;
    while address < start {
        // SAFETY: every word in [_stack_end, _stack_start) is RAM reserved
        // for the stack (cortex-m-rt's linker script places nothing there;
        // there is no heap), aligned to 4 bytes, and painted at reset.
        let word = unsafe { core::ptr::read_volatile(address as *const u32) };
        if word != cortex_m_rt::STACK_PAINT_VALUE {
            break;
        }
        address += 4;
    }
    (start - address, address == end)
}

#[exception]
unsafe fn HardFault(_frame: &ExceptionFrame) -> ! {
    let mut out = Semihosting(hio::hstdout().ok());
    out.write(b"# hard fault\n");
    exit(false)
}

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    let mut out = Semihosting(hio::hstdout().ok());
    out.write(b"# panic\n");
    exit(false)
}
