//! The geometry of a convolution, PyTorch's `nn.Conv1d` / `nn.Conv2d`: a
//! sample is one column in PyTorch's `(C, H, W)` row-major layout (`(C, L)`
//! for the 1-D layer, read as height 1); each of the `C_out` output
//! channels belongs to one of `groups` groups and reads the `C_in / groups`
//! input channels of its group through a `kernel_h x kernel_w` filter whose
//! taps are `dilation` apart, moved by the stride over the input padded with
//! zeros. Output height
//! `H_out = floor((H + 2 pad_h - dil_h (kernel_h - 1) - 1) / stride_h) + 1`,
//! the width likewise. The weight is `[C_out, C_in / groups, kernel_h,
//! kernel_w]`, row-major, as PyTorch stores it.

// A message is built by value through `const fn`s, only at compile time
// (as in `checks.rs`), so its size does not matter.
#![allow(clippy::large_types_passed_by_value)]

use crate::checks::Message;

/// The geometry of a convolution layer; see the module documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConvGeometry {
    /// Input channels `C_in`.
    pub in_channels: usize,
    /// Output channels `C_out`.
    pub out_channels: usize,
    /// Groups: output channel `co` reads input channels
    /// `g C_in / groups .. (g + 1) C_in / groups` with
    /// `g = co / (C_out / groups)`.
    pub groups: usize,
    /// Input height `H` (1 for the 1-D layer).
    pub height: usize,
    /// Input width `W` (the length `L` for the 1-D layer).
    pub width: usize,
    /// Taps along the height (1 for the 1-D layer).
    pub kernel_h: usize,
    /// Taps along the width.
    pub kernel_w: usize,
    /// Step between windows along the height.
    pub stride_h: usize,
    /// Step between windows along the width.
    pub stride_w: usize,
    /// Zero rows added on each side.
    pub pad_h: usize,
    /// Zero columns added on each side.
    pub pad_w: usize,
    /// Distance between taps along the height.
    pub dil_h: usize,
    /// Distance between taps along the width.
    pub dil_w: usize,
    /// `true` for `Conv2d` (its messages name height and width).
    pub two_d: bool,
}

impl ConvGeometry {
    /// The geometry of `Conv1d` over `C_in` channels of length `L`.
    #[must_use]
    #[allow(clippy::too_many_arguments)]
    pub const fn one_d(
        in_channels: usize,
        out_channels: usize,
        kernel: usize,
        length: usize,
        stride: usize,
        padding: usize,
        dilation: usize,
        groups: usize,
    ) -> Self {
        Self {
            in_channels,
            out_channels,
            groups,
            height: 1,
            width: length,
            kernel_h: 1,
            kernel_w: kernel,
            stride_h: 1,
            stride_w: stride,
            pad_h: 0,
            pad_w: padding,
            dil_h: 1,
            dil_w: dilation,
            two_d: false,
        }
    }

    /// The geometry of `Conv2d` over `C_in` channels of `H x W`, with the
    /// same stride, padding and dilation along both axes.
    #[must_use]
    #[allow(clippy::too_many_arguments)]
    pub const fn two_d(
        in_channels: usize,
        out_channels: usize,
        kernel: (usize, usize),
        size: (usize, usize),
        stride: usize,
        padding: usize,
        dilation: usize,
        groups: usize,
    ) -> Self {
        Self {
            in_channels,
            out_channels,
            groups,
            height: size.0,
            width: size.1,
            kernel_h: kernel.0,
            kernel_w: kernel.1,
            stride_h: stride,
            stride_w: stride,
            pad_h: padding,
            pad_w: padding,
            dil_h: dilation,
            dil_w: dilation,
            two_d: true,
        }
    }

    /// Input channels per group, `C_in / groups` (0 when `groups` is 0).
    #[must_use]
    pub const fn group_inputs(&self) -> usize {
        match self.in_channels.checked_div(self.groups) {
            Some(per_group) => per_group,
            None => 0,
        }
    }

    /// Output channels per group, `C_out / groups` (0 when `groups` is 0).
    #[must_use]
    pub const fn group_outputs(&self) -> usize {
        match self.out_channels.checked_div(self.groups) {
            Some(per_group) => per_group,
            None => 0,
        }
    }

    /// Taps per filter and input channel, `kernel_h kernel_w`.
    #[must_use]
    pub const fn taps(&self) -> usize {
        self.kernel_h * self.kernel_w
    }

    /// Values of the weight, `C_out (C_in / groups) kernel_h kernel_w`.
    #[must_use]
    pub const fn weight_len(&self) -> usize {
        self.out_channels * self.group_inputs() * self.taps()
    }

    /// Output height (0 when the filter does not fit).
    #[must_use]
    pub const fn out_h(&self) -> usize {
        out_len(
            self.height,
            self.kernel_h,
            self.stride_h,
            self.pad_h,
            self.dil_h,
        )
    }

    /// Output width (0 when the filter does not fit).
    #[must_use]
    pub const fn out_w(&self) -> usize {
        out_len(
            self.width,
            self.kernel_w,
            self.stride_w,
            self.pad_w,
            self.dil_w,
        )
    }

    /// Input width of a sample, `C_in H W`.
    #[must_use]
    pub const fn input(&self) -> usize {
        self.in_channels * self.height * self.width
    }

    /// Output width of a sample, `C_out H_out W_out`.
    #[must_use]
    pub const fn output(&self) -> usize {
        self.out_channels * self.out_h() * self.out_w()
    }

    /// [`ConvGeometry::output`], after PyTorch's checks: channels, kernel,
    /// stride, dilation and groups of at least 1, `groups` dividing both
    /// channel counts, and an output of at least one position. In a `const`
    /// (where a declaration evaluates it) a failed check is a compile error
    /// whose message names the sizes and the output size they give; `kind`
    /// is the layer's name.
    ///
    /// # Panics
    /// When a check fails.
    #[must_use]
    pub const fn checked_output(&self, kind: &str) -> usize {
        let start = Message::new().text(kind).text(": ");
        assert!(
            self.in_channels > 0 && self.out_channels > 0,
            "{}",
            start.text("the channel counts must be at least 1").as_str()
        );
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
        assert!(
            self.dil_h > 0 && self.dil_w > 0,
            "{}",
            start.text("the dilation must be at least 1").as_str()
        );
        assert!(
            self.groups > 0,
            "{}",
            start.text("groups must be at least 1").as_str()
        );
        assert!(
            self.in_channels.is_multiple_of(self.groups),
            "{}",
            not_divided(start, self.groups, "input", self.in_channels).as_str()
        );
        assert!(
            self.out_channels.is_multiple_of(self.groups),
            "{}",
            not_divided(start, self.groups, "output", self.out_channels).as_str()
        );
        let (h_axis, w_axis) = if self.two_d {
            ("height", "width")
        } else {
            ("height", "length")
        };
        assert!(
            self.out_h() > 0,
            "{}",
            no_output(
                start,
                h_axis,
                [
                    self.height,
                    self.pad_h,
                    self.dil_h,
                    self.kernel_h,
                    self.stride_h
                ]
            )
            .as_str()
        );
        assert!(
            self.out_w() > 0,
            "{}",
            no_output(
                start,
                w_axis,
                [
                    self.width,
                    self.pad_w,
                    self.dil_w,
                    self.kernel_w,
                    self.stride_w
                ]
            )
            .as_str()
        );
        self.output()
    }

    /// Calls `tap(o, i, k)` for every product `y[o] += weight[k] x[i]` of
    /// one sample: output index `o` (row-major `(C_out, H_out, W_out)`),
    /// input index `i` (row-major `(C_in, H, W)`, padded positions skipped)
    /// and weight index `k` (row-major `[C_out, C_in / groups, kernel_h,
    /// kernel_w]`), output after output.
    #[inline]
    pub fn for_each_tap(&self, mut tap: impl FnMut(usize, usize, usize)) {
        let (oh, ow) = (self.out_h(), self.out_w());
        let (cin, cout) = (self.group_inputs(), self.group_outputs());
        let plane = self.height * self.width;
        let taps = self.taps();
        let mut o = 0;
        for co in 0..self.out_channels {
            let first_input = (co / cout) * cin;
            for oy in 0..oh {
                for ox in 0..ow {
                    for ci in 0..cin {
                        let input = (first_input + ci) * plane;
                        let filter = (co * cin + ci) * taps;
                        for ky in 0..self.kernel_h {
                            let Some(y) =
                                (oy * self.stride_h + ky * self.dil_h).checked_sub(self.pad_h)
                            else {
                                continue;
                            };
                            if y >= self.height {
                                continue;
                            }
                            let row = input + y * self.width;
                            let filter_row = filter + ky * self.kernel_w;
                            for kx in 0..self.kernel_w {
                                let Some(x) =
                                    (ox * self.stride_w + kx * self.dil_w).checked_sub(self.pad_w)
                                else {
                                    continue;
                                };
                                if x < self.width {
                                    tap(o, row + x, filter_row + kx);
                                }
                            }
                        }
                    }
                    o += 1;
                }
            }
        }
    }
}

const fn out_len(len: usize, kernel: usize, stride: usize, pad: usize, dilation: usize) -> usize {
    if stride == 0 || kernel == 0 || dilation == 0 {
        return 0;
    }
    let span = dilation * (kernel - 1) + 1;
    if len + 2 * pad < span {
        0
    } else {
        (len + 2 * pad - span) / stride + 1
    }
}

const fn not_divided(start: Message, groups: usize, which: &str, channels: usize) -> Message {
    start
        .text("groups ")
        .number(groups)
        .text(" does not divide the ")
        .text(which)
        .text(" channels ")
        .number(channels)
        .text(" (both channel counts must be multiples of groups)")
}

/// "the output length would be floor((3 + 2*0 - 2*(3 - 1) - 1) / 1) + 1 = -1",
/// with the sizes `[len, pad, dilation, kernel, stride]`.
const fn no_output(start: Message, axis: &str, sizes: [usize; 5]) -> Message {
    let [len, pad, dilation, kernel, stride] = sizes;
    let padded = len + 2 * pad;
    let span = dilation * (kernel - 1) + 1;
    let message = start
        .text("the kernel size ")
        .number(kernel)
        .text(" with dilation ")
        .number(dilation)
        .text(" spans ")
        .number(span)
        .text(" and does not fit the input ")
        .text(axis)
        .text(" ")
        .number(len)
        .text(" with padding ")
        .number(pad)
        .text(", so the output ")
        .text(axis)
        .text(" would be floor((")
        .number(len)
        .text(" + 2*")
        .number(pad)
        .text(" - ")
        .number(dilation)
        .text("*(")
        .number(kernel)
        .text(" - 1) - 1) / ")
        .number(stride)
        .text(") + 1 = ");
    // `padded < span` here: the quotient is negative, floor rounds it down.
    let deficit = span - padded;
    let below = deficit.div_ceil(stride);
    if below == 1 {
        message.text("0")
    } else {
        message.text("-").number(below - 1)
    }
}
