#!/usr/bin/env bash
# Cross-builds the firmware for Cortex-M3, M4F and M0, runs it in QEMU with
# semihosting, and checks every report line against the same program run
# on the host, bit for bit. The M0 board (16 KiB RAM) runs the programs
# whose stack fits it. Also checks that no program links an allocator, and
# that each footprint program's painted-stack high-water mark stays within
# the compile-time bound it reports (constnet::budget::RamBudget), which may
# be at most `looseness` times the measurement.
set -euo pipefail
source "$(dirname "$0")/targets.sh"

build_host
reports="$FIRMWARE_DIR/target/reports"
mkdir -p "$reports"
for program in "${PROGRAMS[@]}"; do
    "$FIRMWARE_DIR/target/release/$program" | grep -v '^#' >"$reports/host-$program.txt"
done

failures=0
for entry in "${TARGETS[@]}"; do
    read -r target machine cpu name <<<"$entry"
    echo "-- $name ($target on QEMU $machine)"
    build_firmware "$target"
    programs=("${PROGRAMS[@]}")
    [[ $name == M0 ]] && programs=("${PROGRAMS_16K[@]}")
    for program in "${programs[@]}"; do
        elf="$FIRMWARE_DIR/target/$target/release/$program"
        # No allocator: the ELF has no allocation entry points at all.
        if arm-none-eabi-nm "$elf" | grep -E '__rust_(alloc|dealloc|realloc|alloc_zeroed)|__rg_alloc|__rust_alloc_error_handler' >/dev/null; then
            echo "FAIL $name $program links an allocator"
            failures=$((failures + 1))
        fi
        # Integer-only inference: no soft-float routine (`__aeabi_f*`,
        # `__aeabi_d*`, `__addsf3`-style names) and nothing of libm in the ELF.
        if [[ " ${PROGRAMS_INT8[*]} " == *" $program "* ]] &&
            arm-none-eabi-nm -C "$elf" | grep -E '__aeabi_[fd]|__[a-z]+[sd]f[23]$|libm::'; then
            echo "FAIL $name $program links floating-point routines (above)"
            failures=$((failures + 1))
        fi
        device="$reports/$name-$program.txt"
        status=0
        run_qemu "$machine" "$cpu" "$elf" >"$device" || status=$?
        stack=$(sed -n 's/^# stack_bytes //p' "$device")
        bound=$(sed -n 's/^# stack_bound //p' "$device")
        looseness=$(sed -n 's/^# looseness //p' "$device")
        if [[ $status -ne 0 ]]; then
            echo "FAIL $name $program: the emulator exited with $status"; cat "$device"
            failures=$((failures + 1))
        elif ! diff <(grep -v '^#' "$device") "$reports/host-$program.txt" >/dev/null; then
            echo "FAIL $name $program: the device's report differs from the host's"
            diff <(grep -v '^#' "$device") "$reports/host-$program.txt" || true
            failures=$((failures + 1))
        elif [[ -n $bound ]] && ((stack > bound || bound > looseness * stack)); then
            echo "FAIL $name $program: stack $stack bytes against the compile-time bound $bound (allowed: stack <= bound <= $looseness x stack)"
            failures=$((failures + 1))
        else
            echo "ok   $name $program: $(grep -vc '^#' "$device") lines identical to the host's, stack ${stack} bytes${bound:+ (RamBudget bound $bound)}"
        fi
    done
done
if [[ $failures -ne 0 ]]; then
    echo "$failures firmware checks failed"
    exit 1
fi
echo "every firmware report equals the host's bit for bit"
