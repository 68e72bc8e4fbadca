//! Where diagnostics keep what they record: a fixed-capacity ring on the
//! stack (no heap; the oldest entries are overwritten, and counted) or, with
//! `std`, a `Vec` that keeps everything.
//!
//! A monitor is generic over its store ([`Records`]), so a microcontroller
//! build keeps the last few steps in a few hundred bytes and a desktop run
//! keeps the whole history, with the same monitor code.

/// A sink for records of type `X`.
pub trait Records<X> {
    /// Stores one record.
    fn push(&mut self, record: X);
}

/// The last `N` records, oldest first, in a fixed array: pushing into a full
/// ring overwrites the oldest record.
///
/// ```
/// use constnet::diagnostics::{Records, Ring};
/// let mut ring = Ring::<u32, 3>::new();
/// for k in 0..5 {
///     ring.push(k);
/// }
/// assert_eq!(ring.iter().copied().collect::<Vec<_>>(), [2, 3, 4]);
/// assert_eq!((ring.len(), ring.overwritten(), ring.latest()), (3, 2, Some(&4)));
/// ```
#[derive(Clone, Debug)]
pub struct Ring<X, const N: usize> {
    slots: [X; N],
    /// Index of the oldest record.
    start: usize,
    len: usize,
    overwritten: usize,
}

impl<X: Copy + Default, const N: usize> Ring<X, N> {
    /// An empty ring. Refused at compile time when `N` is 0.
    #[must_use]
    pub fn new() -> Self {
        const { assert!(N > 0, "a ring needs a capacity of at least 1") };
        Self {
            slots: [X::default(); N],
            start: 0,
            len: 0,
            overwritten: 0,
        }
    }
}

impl<X: Copy + Default, const N: usize> Default for Ring<X, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<X, const N: usize> Ring<X, N> {
    /// Number of records held (at most `N`).
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// `true` before the first push.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The capacity `N`.
    #[must_use]
    pub const fn capacity(&self) -> usize {
        N
    }

    /// How many records were overwritten (pushed minus held).
    #[must_use]
    pub const fn overwritten(&self) -> usize {
        self.overwritten
    }

    /// The `k`-th record held, oldest first.
    #[must_use]
    pub fn get(&self, k: usize) -> Option<&X> {
        (k < self.len).then(|| &self.slots[(self.start + k) % N])
    }

    /// The newest record.
    #[must_use]
    pub fn latest(&self) -> Option<&X> {
        self.len.checked_sub(1).and_then(|k| self.get(k))
    }

    /// The records held, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &X> + ExactSizeIterator {
        (0..self.len).map(move |k| &self.slots[(self.start + k) % N])
    }
}

impl<X, const N: usize> Records<X> for Ring<X, N> {
    fn push(&mut self, record: X) {
        if self.len < N {
            self.slots[(self.start + self.len) % N] = record;
            self.len += 1;
        } else {
            self.slots[self.start] = record;
            self.start = (self.start + 1) % N;
            self.overwritten += 1;
        }
    }
}

#[cfg(feature = "std")]
impl<X> Records<X> for std::vec::Vec<X> {
    fn push(&mut self, record: X) {
        std::vec::Vec::push(self, record);
    }
}

/// Discards every record: for a monitor used only for its flags, summary
/// and learning-rate control.
impl<X> Records<X> for () {
    fn push(&mut self, record: X) {
        let _ = record;
    }
}
