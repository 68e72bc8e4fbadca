# Sourced by check.sh and footprint.sh: the targets, their emulated boards,
# and how to cross-build the firmware for one of them.
#
# With a rustup toolchain that has the target (`rustup target add
# thumbv7em-none-eabihf`), the build is a plain `cargo build --release
# --target ...`. Without one (an offline machine), Debian's packages give a
# second route: rustc-web/cargo-web (/usr/bin/cargo) build `core` for the
# target from rust-web-src (`-Zbuild-std`), and ld.lld-14 links.

FIRMWARE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# target  QEMU machine  QEMU CPU  short name
TARGETS=(
    "thumbv7m-none-eabi lm3s6965evb cortex-m3 M3"
    "thumbv7em-none-eabihf mps2-an386 cortex-m4 M4F"
    "thumbv6m-none-eabi microbit cortex-m0 M0"
)

# The programs, and those whose stack fits the Cortex-M0 board's 16 KiB.
PROGRAMS=(check sine_infer digits_infer sine_int8 digits_int8 sine_sgd sine_adam digits_sgd digits_adam)
PROGRAMS_16K=(sine_infer digits_infer sine_int8 digits_int8 sine_sgd sine_adam)
# The int8 programs: their ELF must link no floating-point routine.
PROGRAMS_INT8=(sine_int8 digits_int8)

# Cross-builds for target $1: every program in the release profile, or
# what the cargo arguments after it say (`--profile speed --bin sine_infer`).
build_firmware() {
    local target=$1
    shift
    local args=("$@")
    [[ ${#args[@]} -gt 0 ]] || args=(--release)
    local libdir
    libdir="$(rustc --print target-libdir --target "$target" 2>/dev/null || true)"
    if compgen -G "$libdir/libcore-*.rlib" >/dev/null; then
        (cd "$FIRMWARE_DIR" && cargo build --quiet "${args[@]}" --target "$target")
    else
        local linker_var
        linker_var="CARGO_TARGET_$(echo "$target" | tr 'a-z-' 'A-Z_')_LINKER"
        (cd "$FIRMWARE_DIR" && env PATH="/usr/bin:$PATH" RUSTC_BOOTSTRAP=1 "$linker_var=ld.lld-14" \
            cargo build --quiet "${args[@]}" --target "$target" \
            -Zbuild-std=core -Zbuild-std-features=compiler-builtins-mem)
    fi
}

# Builds the programs for the host (the reference run) with the default toolchain.
build_host() {
    (cd "$FIRMWARE_DIR" && cargo build --quiet --release --bins)
}

# Runs ELF $3 on QEMU machine $1 with CPU $2 (extra QEMU arguments after
# it); semihosting output on stdout, the emulator's exit status returned.
run_qemu() {
    local machine=$1 cpu=$2 elf=$3
    shift 3
    timeout 300 qemu-system-arm -machine "$machine" -cpu "$cpu" -nographic \
        -semihosting-config enable=on,target=native -kernel "$elf" "$@" 2>/dev/null
}
