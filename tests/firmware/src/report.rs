//! Lines of text a program reports, written without `core::fmt` so a
//! firmware links no formatting machinery: every float as its IEEE bit
//! pattern in hex (exact, comparable as text), counts in decimal, long
//! vectors as their length and FNV-1a digest.

/// Where a report's bytes go: standard output on the host, semihosting on
/// the device.
pub trait Out {
    /// Writes the bytes, in order.
    fn write(&mut self, bytes: &[u8]);
}

/// A value reported by its bit pattern.
pub trait Bits: Copy {
    /// Hex digits of the pattern (8 for `f32`, 16 for `f64`).
    const DIGITS: usize;
    /// The bit pattern, zero-extended.
    fn bits(self) -> u64;
}

impl Bits for f32 {
    const DIGITS: usize = 8;
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
}

impl Bits for i8 {
    const DIGITS: usize = 2;
    fn bits(self) -> u64 {
        u64::from(self as u8)
    }
}

impl Bits for f64 {
    const DIGITS: usize = 16;
    fn bits(self) -> u64 {
        self.to_bits()
    }
}

/// The 64-bit FNV-1a hash of the little-endian bit patterns of `values`
/// (Fowler, Noll and Vo), a digest for vectors too long to print.
#[must_use]
pub fn fnv1a<T: Bits>(values: &[T]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for value in values {
        for byte in &value.bits().to_le_bytes()[..T::DIGITS / 2] {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// A program's report: labelled lines.
pub struct Report<O> {
    out: O,
}

impl<O: Out> Report<O> {
    /// A report writing to `out`.
    pub fn new(out: O) -> Self {
        Self { out }
    }

    /// `label v0 v1 ...`: every value's bit pattern.
    pub fn values<T: Bits>(&mut self, label: &str, values: &[T]) {
        self.out.write(label.as_bytes());
        for value in values {
            self.out.write(b" ");
            self.hex(value.bits(), T::DIGITS);
        }
        self.out.write(b"\n");
    }

    /// `label n=N fnv=H`: the length and digest of a vector.
    pub fn digest<T: Bits>(&mut self, label: &str, values: &[T]) {
        self.out.write(label.as_bytes());
        self.out.write(b" n=");
        self.decimal(values.len() as u64);
        self.out.write(b" fnv=");
        self.hex(fnv1a(values), 16);
        self.out.write(b"\n");
    }

    /// `label N`.
    pub fn number(&mut self, label: &str, value: u64) {
        self.out.write(label.as_bytes());
        self.out.write(b" ");
        self.decimal(value);
        self.out.write(b"\n");
    }

    /// `# label N`: a fact of this run only, left out of the comparison.
    pub fn comment_number(&mut self, label: &str, value: u64) {
        self.out.write(b"# ");
        self.number(label, value);
    }

    fn hex(&mut self, value: u64, digits: usize) {
        let mut text = [0_u8; 16];
        for (i, slot) in text[..digits].iter_mut().enumerate() {
            let nibble = (value >> (4 * (digits - 1 - i))) & 0xf;
            *slot = b"0123456789abcdef"[nibble as usize];
        }
        self.out.write(&text[..digits]);
    }

    fn decimal(&mut self, mut value: u64) {
        let mut text = [0_u8; 20];
        let mut start = text.len();
        loop {
            start -= 1;
            text[start] = b'0' + (value % 10) as u8;
            value /= 10;
            if value == 0 {
                break;
            }
        }
        self.out.write(&text[start..]);
    }
}
