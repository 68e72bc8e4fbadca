//! The window geometry the pooling layers share: a sample is one column in
//! PyTorch's `(C, H, W)` row-major layout (`(C, L)` for the 1-D layers,
//! read as height 1), a window of `kernel_h x kernel_w` taps moves by the
//! stride, and the padding adds `pad_h` rows and `pad_w` columns of virtual
//! entries on each side. With `ceil_mode = false` (PyTorch's default) the
//! output height is `floor((H + 2 pad_h - kernel_h) / stride_h) + 1`, and
//! the width likewise.

// A message is built by value through `const fn`s, only at compile time
// (as in `checks.rs`), so its size does not matter.
#![allow(clippy::large_types_passed_by_value)]

use crate::checks::Message;

/// The geometry of a pooling layer; see the module documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Window {
    /// Channels `C`.
    pub channels: usize,
    /// Input height `H` (1 for the 1-D layers).
    pub height: usize,
    /// Input width `W` (the length `L` for the 1-D layers).
    pub width: usize,
    /// Taps along the height.
    pub kernel_h: usize,
    /// Taps along the width.
    pub kernel_w: usize,
    /// Step between windows along the height.
    pub stride_h: usize,
    /// Step between windows along the width.
    pub stride_w: usize,
    /// Virtual rows added on each side.
    pub pad_h: usize,
    /// Virtual columns added on each side.
    pub pad_w: usize,
}

impl Window {
    /// The geometry of a 1-D layer over `C` channels of length `L`.
    #[must_use]
    pub const fn one_d(c: usize, l: usize, kernel: usize, stride: usize, pad: usize) -> Self {
        Self {
            channels: c,
            height: 1,
            width: l,
            kernel_h: 1,
            kernel_w: kernel,
            stride_h: 1,
            stride_w: stride,
            pad_h: 0,
            pad_w: pad,
        }
    }

    /// The geometry of a 2-D layer with a square `kernel x kernel` window
    /// and the same stride and padding along both axes.
    #[must_use]
    pub const fn two_d(
        c: usize,
        h: usize,
        w: usize,
        kernel: usize,
        stride: usize,
        pad: usize,
    ) -> Self {
        Self {
            channels: c,
            height: h,
            width: w,
            kernel_h: kernel,
            kernel_w: kernel,
            stride_h: stride,
            stride_w: stride,
            pad_h: pad,
            pad_w: pad,
        }
    }

    /// Output height (0 when the window does not fit).
    #[must_use]
    pub const fn out_h(&self) -> usize {
        out_len(self.height, self.kernel_h, self.stride_h, self.pad_h)
    }

    /// Output width (0 when the window does not fit).
    #[must_use]
    pub const fn out_w(&self) -> usize {
        out_len(self.width, self.kernel_w, self.stride_w, self.pad_w)
    }

    /// Input width of a sample, `C H W`.
    #[must_use]
    pub const fn input(&self) -> usize {
        self.channels * self.height * self.width
    }

    /// Output width of a sample, `C H_out W_out`.
    #[must_use]
    pub const fn output(&self) -> usize {
        self.channels * self.out_h() * self.out_w()
    }

    /// Taps per window, `kernel_h kernel_w` (the divisor of `AvgPool1d` and `AvgPool2d`).
    #[must_use]
    pub const fn taps(&self) -> usize {
        self.kernel_h * self.kernel_w
    }

    /// [`Window::output`], after PyTorch's checks: a kernel and stride of at
    /// least 1, a padding of at most half the kernel, and a window that fits
    /// the padded input. In a `const` (where a declaration evaluates it) a
    /// failed check is a compile error whose message names the sizes;
    /// `kind` is the layer's name.
    ///
    /// # Panics
    /// When a check fails.
    #[must_use]
    pub const fn checked_output(&self, kind: &str) -> usize {
        let start = Message::new().text(kind).text(": ");
        assert!(
            self.kernel_h > 0 && self.kernel_w > 0,
            "{}",
            start.text("the kernel size must be at least 1").as_str()
        );
        assert!(
            self.stride_h > 0 && self.stride_w > 0,
            "{}",
            start.text("the stride must be at least 1").as_str()
        );
        let (kernel, pad) = if 2 * self.pad_w > self.kernel_w {
            (self.kernel_w, self.pad_w)
        } else {
            (self.kernel_h, self.pad_h)
        };
        assert!(
            2 * pad <= kernel,
            "{}",
            start
                .text("padding ")
                .number(pad)
                .text(" is more than half the kernel size ")
                .number(kernel)
                .text(" (PyTorch's limit); use a padding of at most ")
                .number(kernel / 2)
                .as_str()
        );
        assert!(
            self.height + 2 * self.pad_h >= self.kernel_h,
            "{}",
            too_small(start, "height", self.height, self.pad_h, self.kernel_h).as_str()
        );
        let axis = if self.height == 1 && self.kernel_h == 1 {
            "length"
        } else {
            "width"
        };
        assert!(
            self.width + 2 * self.pad_w >= self.kernel_w,
            "{}",
            too_small(start, axis, self.width, self.pad_w, self.kernel_w).as_str()
        );
        self.output()
    }

    /// Calls `tap(input_index)` for every real (not padded) entry of the
    /// window of output `(channel, oy, ox)`, in row-major order.
    #[inline]
    pub fn for_each_tap(&self, channel: usize, oy: usize, ox: usize, mut tap: impl FnMut(usize)) {
        let plane = channel * self.height * self.width;
        for ky in 0..self.kernel_h {
            let Some(y) = (oy * self.stride_h + ky).checked_sub(self.pad_h) else {
                continue;
            };
            if y >= self.height {
                continue;
            }
            for kx in 0..self.kernel_w {
                let Some(x) = (ox * self.stride_w + kx).checked_sub(self.pad_w) else {
                    continue;
                };
                if x < self.width {
                    tap(plane + y * self.width + x);
                }
            }
        }
    }

    /// Calls `window(output_index, channel, oy, ox)` for every output in
    /// row-major `(C, H_out, W_out)` order.
    #[inline]
    pub fn for_each_output(&self, mut window: impl FnMut(usize, usize, usize, usize)) {
        let (oh, ow) = (self.out_h(), self.out_w());
        let mut o = 0;
        for c in 0..self.channels {
            for oy in 0..oh {
                for ox in 0..ow {
                    window(o, c, oy, ox);
                    o += 1;
                }
            }
        }
    }
}

const fn out_len(len: usize, kernel: usize, stride: usize, pad: usize) -> usize {
    if stride == 0 || len + 2 * pad < kernel {
        0
    } else {
        (len + 2 * pad - kernel) / stride + 1
    }
}

const fn too_small(start: Message, axis: &str, len: usize, pad: usize, kernel: usize) -> Message {
    start
        .text("the kernel size ")
        .number(kernel)
        .text(" does not fit the input ")
        .text(axis)
        .text(" ")
        .number(len)
        .text(" with padding ")
        .number(pad)
        .text(" (padded ")
        .text(axis)
        .text(" ")
        .number(len + 2 * pad)
        .text(", so the output ")
        .text(axis)
        .text(" would be 0)")
}
