//! A seeded, portable pseudo-random number generator.
//!
//! Initializers, shuffling and stochastic estimators (Hutchinson, Lanczos)
//! draw from [`Rng`]: xoshiro256++ (Blackman and Vigna, "Scrambled linear
//! pseudorandom number generators", 2021) seeded through SplitMix64. It is
//! pure integer arithmetic, so the same seed yields bit-identical streams on
//! every platform, in `std` and `no_std`. Floating-point draws are built from
//! the integer stream in `f64` and rounded once to the network's scalar, so
//! an `f32` and an `f64` network built from the same seed agree to `f32`
//! rounding.

use crate::math;

/// xoshiro256++ seeded by SplitMix64. Not cryptographic.
///
/// ```
/// use constnet::rng::Rng;
/// let mut a = Rng::seed_from(7);
/// let mut b = Rng::seed_from(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// let u = a.uniform();
/// assert!((0.0..1.0).contains(&u));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    state: [u64; 4],
}

impl Rng {
    /// A generator whose whole stream is determined by `seed`.
    #[must_use]
    pub const fn seed_from(seed: u64) -> Self {
        let mut sm = seed;
        let mut state = [0u64; 4];
        let mut i = 0;
        while i < 4 {
            let (next, value) = splitmix64(sm);
            sm = next;
            state[i] = value;
            i += 1;
        }
        Self { state }
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform draw from [0, 1) with 53 random bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform draw from [low, high).
    #[inline]
    pub fn uniform_in(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.uniform()
    }

    /// A standard normal draw (mean 0, standard deviation 1) by the
    /// Box-Muller transform; one uniform pair per draw, no cached second value,
    /// so the stream position depends only on the number of draws.
    #[inline]
    pub fn standard_normal(&mut self) -> f64 {
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        math::sqrt(-2.0 * math::ln(u1)) * math::cos(core::f64::consts::TAU * u2)
    }

    /// A normal draw with the given mean and standard deviation.
    #[inline]
    pub fn normal(&mut self, mean: f64, std: f64) -> f64 {
        mean + std * self.standard_normal()
    }

    /// A uniform integer in `0..n` without modulo bias (Lemire's method).
    /// Returns 0 when `n` is 0.
    #[inline]
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let n = n as u64;
        loop {
            let product = u128::from(self.next_u64()) * u128::from(n);
            let low = product as u64;
            // Reject the few values that would make some results more likely.
            if low >= n.wrapping_neg() % n {
                return (product >> 64) as usize;
            }
        }
    }

    /// A random sign, +1 or -1 with equal probability (a Rademacher draw).
    #[inline]
    pub fn sign(&mut self) -> f64 {
        if self.next_u64() >> 63 == 0 {
            1.0
        } else {
            -1.0
        }
    }

    /// Shuffles `items` in place by the Fisher-Yates algorithm: every
    /// permutation is equally likely.
    pub fn shuffle<X>(&mut self, items: &mut [X]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// An independent generator for a sub-task, derived from this one's
    /// stream, so adding draws in one sub-task does not shift another's.
    #[must_use]
    pub fn fork(&mut self) -> Self {
        Self::seed_from(self.next_u64())
    }
}

const fn splitmix64(state: u64) -> (u64, u64) {
    let next = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = next;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (next, z ^ (z >> 31))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_the_reference_vector() {
        // Reference: splitmix64.c by Vigna, seed 1234567.
        let mut s = 1_234_567u64;
        let expected = [
            6_457_827_717_110_365_317u64,
            3_203_168_211_198_807_973,
            9_817_491_932_198_370_423,
        ];
        for e in expected {
            let (next, v) = splitmix64(s);
            s = next;
            assert_eq!(v, e);
        }
    }

    #[test]
    fn same_seed_same_stream_and_different_seeds_differ() {
        let mut a = Rng::seed_from(42);
        let mut b = Rng::seed_from(42);
        let mut c = Rng::seed_from(43);
        let xs: [u64; 8] = core::array::from_fn(|_| a.next_u64());
        let ys: [u64; 8] = core::array::from_fn(|_| b.next_u64());
        let zs: [u64; 8] = core::array::from_fn(|_| c.next_u64());
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn uniform_moments_match_the_distribution() {
        let mut rng = Rng::seed_from(1);
        let n = 200_000;
        let (mut sum, mut sq) = (0.0, 0.0);
        for _ in 0..n {
            let u = rng.uniform();
            assert!((0.0..1.0).contains(&u));
            sum += u;
            sq += u * u;
        }
        let mean = sum / f64::from(n);
        let var = sq / f64::from(n) - mean * mean;
        // Standard error of the mean is sqrt(1/12 / n) = 6.5e-4; allow 5 of them.
        assert!((mean - 0.5).abs() < 3.3e-3, "mean {mean}");
        assert!((var - 1.0 / 12.0).abs() < 2e-3, "var {var}");
    }

    #[test]
    fn normal_moments_match_the_distribution() {
        let mut rng = Rng::seed_from(2);
        let n = 200_000;
        let (mut sum, mut sq, mut fourth) = (0.0, 0.0, 0.0);
        for _ in 0..n {
            let z = rng.standard_normal();
            sum += z;
            sq += z * z;
            fourth += z * z * z * z;
        }
        let n = f64::from(n);
        assert!((sum / n).abs() < 0.012);
        assert!((sq / n - 1.0).abs() < 0.02);
        assert!((fourth / n - 3.0).abs() < 0.1, "kurtosis of a normal is 3");
    }

    #[test]
    fn below_is_in_range_and_roughly_uniform() {
        let mut rng = Rng::seed_from(3);
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            counts[rng.below(7)] += 1;
        }
        for c in counts {
            assert!((9_400..10_600).contains(&c), "{counts:?}");
        }
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.below(1), 0);
    }

    #[test]
    fn shuffle_is_a_permutation_and_moves_items() {
        let mut rng = Rng::seed_from(4);
        let mut items: [usize; 50] = core::array::from_fn(|i| i);
        rng.shuffle(&mut items);
        let mut sorted = items;
        sorted.sort_unstable();
        assert_eq!(sorted, core::array::from_fn::<usize, 50, _>(|i| i));
        assert_ne!(
            items, sorted,
            "a 50-item shuffle is the identity with probability 1/50!"
        );
    }
}
