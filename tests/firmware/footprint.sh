#!/usr/bin/env bash
# Measures the footprint of the firmware programs on the Cortex-M3
# (LM3S6965) and Cortex-M4F (MPS2-AN386), and of f32 and int8 inference on
# the Cortex-M0 (nRF51) and M3; fails if the f32 or the int8 SINE
# inference firmware on the M3 grows past its budget.
#
# - flash: text + data of the linked ELF (arm-none-eabi-size): the vector
#   table, cortex-m-rt's reset code, the program, constnet's code, the
#   weights, and the semihosting report; everything the device stores.
# - RAM: static data (data + bss) plus the stack the run really used:
#   cortex-m-rt paints the stack at reset, the program reports the lowest
#   word it overwrote (its high-water mark).
# - instructions: guest instructions QEMU executed (one per translation
#   block with -singlestep, traced with -d exec) between entering
#   `instructions_start` and entering `instructions_end` around one
#   inference, minus the same count for an empty region (the markers' own
#   instructions). A count, not a time: QEMU is not cycle-accurate.
#
# The release profile (opt-level "s") is measured for every program; the
# inference programs also in the `speed` profile (opt-level 3).
# Writes the tables to target/footprint.md and prints them.
set -euo pipefail
source "$(dirname "$0")/targets.sh"

FLASH_BUDGET=8192 # bytes: SINE inference firmware on the M3, runtime included
RAM_BUDGET=1024   # bytes: static data + peak stack
INT8_FLASH_BUDGET=4096 # bytes: SINE int8 inference firmware on the M3
INT8_RAM_BUDGET=512

# Inference in f32 and in int8 on the cores without an FPU (release profile).
INT8_PROGRAMS=(sine_infer sine_int8 digits_infer digits_int8)

# "program|model|what" rows of the table.
ROWS=(
    "sine_infer|SINE 1-16-16-1|inference from flash"
    "sine_sgd|SINE 1-16-16-1|training, SGD, B = 8"
    "sine_adam|SINE 1-16-16-1|training, Adam, B = 8"
    "digits_infer|DIGITS 64-32-10|inference from flash"
    "digits_sgd|DIGITS 64-32-10|training, SGD, B = 8"
    "digits_adam|DIGITS 64-32-10|training, Adam, B = 8"
)

declare -A flash ram instructions
work="$FIRMWARE_DIR/target/footprint"
mkdir -p "$work"

# Instructions between the markers of ELF $3 on machine $1, CPU $2.
count_instructions() {
    local machine=$1 cpu=$2 elf=$3
    local start end
    start=$(arm-none-eabi-nm "$elf" | awk '/instructions_start$/ { print $1 }')
    end=$(arm-none-eabi-nm "$elf" | awk '/instructions_end$/ { print $1 }')
    run_qemu "$machine" "$cpu" "$elf" -singlestep -d nochain,exec -D "$work/trace.log" >/dev/null
    # A trace line reads `Trace 0: 0x... [flags/PC/...] symbol`, the PC in
    # eight hex digits as nm prints addresses.
    awk -v start="$start" -v end="$end" '
        /^Trace/ {
            split($4, f, "/"); pc = f[2]
            if (pc == start) { inside = 1; n = 0; next }
            if (inside && pc == end) { counts[++regions] = n; inside = 0; next }
            if (inside) n++
        }
        END { if (regions != 2) exit 1; print counts[2] - counts[1] }' "$work/trace.log"
}

for entry in "${TARGETS[@]}"; do
    read -r target machine cpu name <<<"$entry"
    [[ $name == M0 ]] && continue
    build_firmware "$target"
    for row in "${ROWS[@]}"; do
        program=${row%%|*}
        elf="$FIRMWARE_DIR/target/$target/release/$program"
        read -r text data bss _ < <(arm-none-eabi-size "$elf" | tail -1)
        stack=$(run_qemu "$machine" "$cpu" "$elf" | sed -n 's/^# stack_bytes //p')
        [[ -n $stack ]] || { echo "$name $program reported no stack high-water mark"; exit 1; }
        flash[$name.$program]=$((text + data))
        ram[$name.$program]=$((data + bss + stack))
    done
    build_firmware "$target" --profile speed --bin sine_infer --bin digits_infer
    for profile in release speed; do
        for program in sine_infer digits_infer; do
            elf="$FIRMWARE_DIR/target/$target/$profile/$program"
            read -r text data _ < <(arm-none-eabi-size "$elf" | tail -1)
            flash[$name.$profile.$program]=$((text + data))
            instructions[$name.$profile.$program]=$(count_instructions "$machine" "$cpu" "$elf")
        done
    done
    rm -f "$work/trace.log"
done

# The int8 table: the M0 and the M3 (no FPU), f32 and int8 side by side.
for entry in "${TARGETS[@]}"; do
    read -r target machine cpu name <<<"$entry"
    [[ $name == M4F ]] && continue
    build_firmware "$target"
    for program in "${INT8_PROGRAMS[@]}"; do
        elf="$FIRMWARE_DIR/target/$target/release/$program"
        read -r text data bss _ < <(arm-none-eabi-size "$elf" | tail -1)
        stack=$(run_qemu "$machine" "$cpu" "$elf" | sed -n 's/^# stack_bytes //p')
        [[ -n $stack ]] || { echo "$name $program reported no stack high-water mark"; exit 1; }
        flash[$name.$program]=$((text + data))
        ram[$name.$program]=$((data + bss + stack))
        instructions[$name.release.$program]=$(count_instructions "$machine" "$cpu" "$elf")
    done
    rm -f "$work/trace.log"
done

kib() { awk -v b="$1" 'BEGIN { printf "%.1f kB", b / 1000 }'; }
{
    echo "| model | firmware | M3 flash | M3 RAM | M4F flash | M4F RAM |"
    echo "|---|---|---|---|---|---|"
    for row in "${ROWS[@]}"; do
        IFS='|' read -r program model what <<<"$row"
        echo "| $model | $what | $(kib "${flash[M3.$program]}") | $(kib "${ram[M3.$program]}") | $(kib "${flash[M4F.$program]}") | $(kib "${ram[M4F.$program]}") |"
    done
    echo
    echo "| one inference (B = 1, f32) | opt-level | M3 instructions | M3 flash | M4F instructions | M4F flash |"
    echo "|---|---|---|---|---|---|"
    for program in sine_infer digits_infer; do
        model=SINE
        [[ $program == digits_infer ]] && model=DIGITS
        for profile in release speed; do
            level='"s"'
            [[ $profile == speed ]] && level=3
            echo "| $model | $level | ${instructions[M3.$profile.$program]} | $(kib "${flash[M3.$profile.$program]}") | ${instructions[M4F.$profile.$program]} | $(kib "${flash[M4F.$profile.$program]}") |"
        done
    done
    echo
    echo "| one inference (B = 1), opt-level \"s\" | arithmetic | M0 flash | M0 RAM | M0 instructions | M3 flash | M3 RAM | M3 instructions |"
    echo "|---|---|---|---|---|---|---|---|"
    for program in "${INT8_PROGRAMS[@]}"; do
        model=SINE
        [[ $program == digits_* ]] && model=DIGITS
        kind=f32
        [[ $program == *_int8 ]] && kind=int8
        row="| $model | $kind"
        for core in M0 M3; do
            row="$row | $(kib "${flash[$core.$program]}") | ${ram[$core.$program]} B | ${instructions[$core.release.$program]}"
        done
        echo "$row |"
    done
} | tee "$FIRMWARE_DIR/target/footprint.md"

echo
for row in "${ROWS[@]}"; do
    program=${row%%|*}
    echo "exact bytes: $program M3 flash ${flash[M3.$program]} RAM ${ram[M3.$program]}, M4F flash ${flash[M4F.$program]} RAM ${ram[M4F.$program]}"
done
if ((flash[M3.sine_infer] > FLASH_BUDGET || ram[M3.sine_infer] > RAM_BUDGET)); then
    echo "FAIL: the SINE inference firmware on the M3 takes ${flash[M3.sine_infer]} bytes of flash and ${ram[M3.sine_infer]} of RAM; the budget is $FLASH_BUDGET and $RAM_BUDGET"
    exit 1
fi
for program in "${INT8_PROGRAMS[@]}"; do
    echo "exact bytes: $program M0 flash ${flash[M0.$program]} RAM ${ram[M0.$program]}, M3 flash ${flash[M3.$program]} RAM ${ram[M3.$program]}"
done
if ((flash[M3.sine_int8] > INT8_FLASH_BUDGET || ram[M3.sine_int8] > INT8_RAM_BUDGET)); then
    echo "FAIL: the SINE int8 inference firmware on the M3 takes ${flash[M3.sine_int8]} bytes of flash and ${ram[M3.sine_int8]} of RAM; the budget is $INT8_FLASH_BUDGET and $INT8_RAM_BUDGET"
    exit 1
fi
echo "SINE int8 inference on the M3 within budget: ${flash[M3.sine_int8]} <= $INT8_FLASH_BUDGET bytes of flash, ${ram[M3.sine_int8]} <= $INT8_RAM_BUDGET of RAM"
echo "SINE inference on the M3 within budget: ${flash[M3.sine_infer]} <= $FLASH_BUDGET bytes of flash, ${ram[M3.sine_infer]} <= $RAM_BUDGET of RAM"
