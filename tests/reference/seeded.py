"""Reference values for tests/training/seeded.rs: the first values of seeded
networks, from an independent Python implementation of SplitMix64 seeding,
xoshiro256++ (Blackman and Vigna), the 53-bit uniform draw, Box-Muller and
PyTorch's trunc_normal_ formula (mpmath's erfinv).

Run: python3 tests/reference/seeded.py > tests/reference/seeded_values.rs && cargo fmt
"""
import math
import struct

import mpmath

mpmath.mp.dps = 40
MASK = (1 << 64) - 1


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Rng:
    def __init__(self, seed):
        sm = seed
        self.s = []
        for _ in range(4):
            sm = (sm + 0x9E3779B97F4A7C15) & MASK
            z = sm
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            self.s.append(z ^ (z >> 31))

    def next_u64(self):
        s = self.s
        result = (rotl((s[0] + s[3]) & MASK, 23) + s[0]) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def uniform(self):
        return (self.next_u64() >> 11) * (1.0 / (1 << 53))

    def uniform_in(self, low, high):
        return low + (high - low) * self.uniform()

    def normal(self, mean, std):
        u1 = 1.0 - self.uniform()
        u2 = self.uniform()
        z = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
        return mean + std * z


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def bits64(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def bits32(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def torch_default(rng, count, fan_in):
    bound = 1.0 / math.sqrt(fan_in)
    return [rng.uniform_in(-bound, bound) for _ in range(count)]


def xor(seed):
    """The XOR benchmark model (README, "Performance"): Dense<2, 8>, Tanh, Dense<8, 1>."""
    rng = Rng(seed)
    values = torch_default(rng, 16, 2) + torch_default(rng, 8, 2)
    values += torch_default(rng, 8, 8) + torch_default(rng, 1, 8)
    return values


def mixed(seed):
    """Dense<3, 4>(kaiming_uniform relu, Zeros), Dense<4, 2>(normal(0.5, 0.2),
    trunc_normal(0, 1, -0.5, 1.5)): 12 + 4 + 8 + 2 values."""
    rng = Rng(seed)
    bound = math.sqrt(3.0) * (math.sqrt(2.0) / math.sqrt(3.0))
    values = [rng.uniform_in(-bound, bound) for _ in range(12)] + [0.0] * 4
    values += [rng.normal(0.5, 0.2) for _ in range(8)]
    mean, std, a, b = 0.0, 1.0, -0.5, 1.5
    cdf = lambda x: (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0
    low, high = 2 * cdf((a - mean) / std) - 1, 2 * cdf((b - mean) / std) - 1
    for _ in range(2):
        p = rng.uniform_in(low, high)
        z = float(mpmath.erfinv(mpmath.mpf(p)))
        values.append(min(max(z * (std * math.sqrt(2.0)) + mean, a), b))
    return values


def hexes(values, width):
    def one(v):
        text = f"{v:0{width}x}"
        return "0x" + "_".join(text[i:i + 4] for i in range(0, width, 4))
    return ", ".join(one(v) for v in values)


def rust(x):
    """A Rust float literal with digit separators (clippy's unreadable_literal)."""
    text = repr(x)
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    if len(fraction) > 4:
        fraction = "_".join(fraction[i:i + 3] for i in range(0, len(fraction), 3))
    return f"{sign}{whole}.{fraction}"


print("//! First values of seeded generators and networks, from")
print("//! `tests/reference/seeded.py` (an independent Python implementation).")
print("//! Generated; do not edit.")
print()
rng = Rng(7)
print("/// The first outputs of `Rng::seed_from(7)`.")
print(f"pub const RNG_SEED_7: [u64; 4] = [{hexes([rng.next_u64() for _ in range(4)], 16)}];")
print()
values = xor(7)
print("/// `Xor::<f64>::seeded(7)`: all 33 parameters, as `f64` bits.")
print(f"pub const XOR_SEED_7_F64: [u64; 33] = [{hexes([bits64(v) for v in values], 16)}];")
print()
print("/// `Xor::<f32>::seeded(7)`: all 33 parameters, as `f32` bits.")
print(f"pub const XOR_SEED_7_F32: [u32; 33] = [{hexes([bits32(f32(v)) for v in values], 8)}];")
print()
values = mixed(11)
print("/// The `Mixed` network seeded with 11, in `f64` (Box-Muller and erfinv go")
print("/// through the platform's libm here, so compare within a few ulps).")
print(f"pub const MIXED_SEED_11: [f64; {len(values)}] = [{', '.join(rust(v) for v in values)}];")
