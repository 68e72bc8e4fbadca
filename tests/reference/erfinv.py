"""Reference values for tests/training/erfinv.rs: the inverse error function at
chosen double-precision points, evaluated with mpmath at 60 significant
digits and rounded once to the nearest double.

Run: python3 tests/reference/erfinv.py > tests/reference/erfinv_values.rs && cargo fmt
"""
import struct

import mpmath

mpmath.mp.dps = 60

points = [
    5e-324, 1e-300, 1e-10, 1e-5, 0.001, 0.1, 0.25, 0.3, 0.5, 0.6, 0.7, 0.75,
    0.8, 0.9, 0.95, 0.99, 0.999, 0.999999, 1 - 1e-9, 1 - 1e-12,
    1 - 2.0 ** -40, 1 - 2.0 ** -52, 1 - 2.0 ** -53,
]
points += [k / 64 for k in range(1, 64)]
points += [-p for p in (0.1, 0.5, 0.9, 0.999999, 1 - 2.0 ** -53)]

print("//! `erfinv` at chosen points, from `tests/reference/erfinv.py` (mpmath at")
print("//! 60 digits, rounded once to the nearest double). Generated; do not edit.")
print()


def bits(v):
    text = f"{struct.unpack('<Q', struct.pack('<d', v))[0]:016x}"
    return "0x" + "_".join(text[i:i + 4] for i in range(0, 16, 4))


print("/// `(x, erfinv(x))` pairs as `f64` bit patterns (values in the comments).")
print("pub const ERFINV_BITS: &[(u64, u64)] = &[")
for x in points:
    y = float(mpmath.erfinv(mpmath.mpf(x)))
    print(f"    ({bits(x)}, {bits(y)}), // erfinv({x!r}) = {y!r}")
print("];")
