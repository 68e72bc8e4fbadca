//! Selects the `memory.x` of the emulated board for the target being built
//! (cortex-m-rt's `link.x` includes it); a host build needs none.

use std::env;
use std::fs;
use std::path::PathBuf;

/// Flash and RAM of the board each target runs on: the boards QEMU emulates.
/// The Cortex-M4F's board (MPS2-AN386) has 4 MiB of each; a realistic part
/// budget (512 KiB flash, 128 KiB RAM) is used instead.
fn memory_for(target: &str) -> Option<(&'static str, &'static str, &'static str)> {
    match target {
        // TI Stellaris LM3S6965 (QEMU `lm3s6965evb`).
        "thumbv7m-none-eabi" => Some(("LM3S6965 (Cortex-M3)", "256K", "64K")),
        // Arm MPS2 FPGA image AN386 (QEMU `mps2-an386`).
        "thumbv7em-none-eabihf" => Some(("MPS2-AN386 (Cortex-M4F)", "512K", "128K")),
        // Nordic nRF51822 (QEMU `microbit`).
        "thumbv6m-none-eabi" => Some(("nRF51822 (Cortex-M0)", "256K", "16K")),
        _ => None,
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target = env::var("TARGET").unwrap_or_default();
    let Some((board, flash, ram)) = memory_for(&target) else {
        return;
    };
    let memory = format!(
        "/* {board}: written by build.rs for {target}. */\n\
         MEMORY\n{{\n  FLASH : ORIGIN = 0x00000000, LENGTH = {flash}\n  \
         RAM : ORIGIN = 0x20000000, LENGTH = {ram}\n}}\n"
    );
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("memory.x"), memory).expect("OUT_DIR is writable");
    println!("cargo:rustc-link-search={}", out.display());
}
