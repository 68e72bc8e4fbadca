//! Calibration: the range of each activation tensor over a data set, and
//! the int8 quantization chosen from it.
//!
//! A [`TensorObserver`] watches one tensor (the network's input or a
//! layer's output) while the float network runs over the calibration set.
//! The first pass records the minimum and maximum; methods that need the
//! distribution ([`RangeMethod::Percentile`], [`RangeMethod::Mse`]) take a
//! second pass that fills a histogram of [`HISTOGRAM_BINS`] bins over that
//! range. Everything is fixed-size: no heap.
//!
//! - [`RangeMethod::MinMax`]: the observed `[min, max]`, what TensorFlow
//!   Lite's converter uses; on the calibration set only values within half
//!   a step of an end saturate (the zero point's rounding shifts the range).
//! - [`RangeMethod::Percentile`]: `[q(1 - p), q(p)]`, the quantiles at `p`
//!   percent (for example 99.99): rare outliers saturate, and the rest gets
//!   a finer step.
//! - [`RangeMethod::Mse`]: the range `[a min, a max]`, `a` in `[0.05, 1]`,
//!   whose int8 round trip has the least squared error over the histogram
//!   (the criterion of Banner, Nahshan and Soudry, "Post training 4-bit
//!   quantization of convolutional networks for rapid-deployment",
//!   NeurIPS 2019, searched on a grid).

use super::QuantError;
use super::params::ActivationParams;

/// Bins of the histogram of [`RangeMethod::Percentile`] and
/// [`RangeMethod::Mse`]: 2048, an eighth of an int8 step each.
pub const HISTOGRAM_BINS: usize = 2048;

/// Candidate shrink factors the MSE search tries.
const MSE_CANDIDATES: usize = 96;

/// How a tensor's range is chosen from its calibration values.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum RangeMethod {
    /// The observed minimum and maximum. Default.
    #[default]
    MinMax,
    /// The quantiles at `100 - p` and `p` percent, `p` in `(50, 100]`.
    Percentile(f64),
    /// The range (the observed one shrunk by a factor) that minimizes the
    /// squared quantization error.
    Mse,
}

impl RangeMethod {
    /// Whether the method needs the second, histogram pass.
    #[must_use]
    pub const fn needs_histogram(self) -> bool {
        !matches!(self, Self::MinMax)
    }

    /// Checks the method's option.
    ///
    /// # Errors
    ///
    /// [`QuantError::InvalidOption`] for a percentile outside `(50, 100]`.
    pub fn validate(self) -> Result<(), QuantError> {
        match self {
            Self::Percentile(p) if !(p > 50.0 && p <= 100.0) => Err(QuantError::InvalidOption {
                name: "percentile",
                value: p,
            }),
            _ => Ok(()),
        }
    }
}

/// A calibration set: the float inputs whose activations fix every
/// tensor's range, and how a range is chosen from them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Calibration<'a, const I: usize> {
    /// The samples, one float input each (at least one; typically a few
    /// hundred from the training set).
    pub samples: &'a [[f32; I]],
    /// How each tensor's range is chosen. Default: [`RangeMethod::MinMax`].
    pub method: RangeMethod,
}

impl<'a, const I: usize> Calibration<'a, I> {
    /// Calibration on `samples` by their minimum and maximum.
    #[must_use]
    pub const fn new(samples: &'a [[f32; I]]) -> Self {
        Self {
            samples,
            method: RangeMethod::MinMax,
        }
    }

    /// The same samples, ranges chosen by `method`.
    #[must_use]
    pub const fn with_method(self, method: RangeMethod) -> Self {
        Self { method, ..self }
    }
}

/// The range and distribution of one tensor over the calibration set.
#[derive(Clone, Debug)]
pub struct TensorObserver {
    /// Which tensor (for error messages): 0 the input, `k` layer `k`'s output.
    tensor: usize,
    min: f32,
    max: f32,
    count: u64,
    histogram: [u64; HISTOGRAM_BINS],
    histogram_count: u64,
}

impl TensorObserver {
    /// An observer of tensor `tensor` that has seen nothing.
    #[must_use]
    pub const fn new(tensor: usize) -> Self {
        Self {
            tensor,
            min: f32::INFINITY,
            max: f32::NEG_INFINITY,
            count: 0,
            histogram: [0; HISTOGRAM_BINS],
            histogram_count: 0,
        }
    }

    /// First pass: the values of sample `sample`.
    ///
    /// # Errors
    ///
    /// [`QuantError::NonFiniteCalibration`] for a NaN or infinite value.
    pub fn observe(&mut self, sample: usize, values: &[f32]) -> Result<(), QuantError> {
        for &v in values {
            if !v.is_finite() {
                return Err(QuantError::NonFiniteCalibration {
                    tensor: self.tensor,
                    sample,
                });
            }
            self.min = self.min.min(v);
            self.max = self.max.max(v);
        }
        self.count += values.len() as u64;
        Ok(())
    }

    /// Second pass (after the first has seen every sample): the same values
    /// again, into the histogram over the first pass's range (widened to
    /// contain 0). Values outside that range count in the end bins.
    pub fn observe_histogram(&mut self, values: &[f32]) {
        let (lo, hi) = self.histogram_range();
        let width = hi - lo;
        for &v in values {
            if !v.is_finite() || width <= 0.0 {
                continue;
            }
            let bin = ((f64::from(v) - lo) / width * HISTOGRAM_BINS as f64) as isize;
            self.histogram[bin.clamp(0, HISTOGRAM_BINS as isize - 1) as usize] += 1;
            self.histogram_count += 1;
        }
    }

    /// Values seen in the first pass.
    #[must_use]
    pub const fn count(&self) -> u64 {
        self.count
    }

    /// `[min(min, 0), max(max, 0)]` of the first pass, as `f64`.
    fn histogram_range(&self) -> (f64, f64) {
        (f64::from(self.min.min(0.0)), f64::from(self.max.max(0.0)))
    }

    /// The range `method` chooses.
    ///
    /// # Errors
    ///
    /// [`QuantError::EmptyCalibration`] when nothing was observed,
    /// [`QuantError::InvalidOption`] for a bad percentile.
    pub fn range(&self, method: RangeMethod) -> Result<(f64, f64), QuantError> {
        method.validate()?;
        if self.count == 0 {
            return Err(QuantError::EmptyCalibration);
        }
        let observed = (f64::from(self.min), f64::from(self.max));
        if self.histogram_count == 0 || observed.0 == observed.1 {
            return Ok(observed);
        }
        Ok(match method {
            RangeMethod::MinMax => observed,
            RangeMethod::Percentile(p) => {
                let lower = self.quantile(1.0 - p / 100.0, false);
                let upper = self.quantile(p / 100.0, true);
                (lower.max(observed.0), upper.min(observed.1))
            }
            RangeMethod::Mse => self.mse_range(observed),
        })
    }

    /// The quantization `method` chooses (see
    /// [`ActivationParams::from_range`] for a range of zero width).
    ///
    /// # Errors
    ///
    /// As [`TensorObserver::range`], and [`QuantError::InvalidRange`].
    pub fn params(&self, method: RangeMethod) -> Result<ActivationParams, QuantError> {
        let (min, max) = self.range(method)?;
        ActivationParams::from_range(min, max)
    }

    /// The value below which a fraction `fraction` of the histogram lies:
    /// the upper edge of the bin that reaches it (`upper`) or the lower edge
    /// of the first bin past it.
    fn quantile(&self, fraction: f64, upper: bool) -> f64 {
        let (lo, hi) = self.histogram_range();
        let bin_width = (hi - lo) / HISTOGRAM_BINS as f64;
        let target = fraction * self.histogram_count as f64;
        let mut cumulative = 0.0;
        for (bin, &n) in self.histogram.iter().enumerate() {
            cumulative += n as f64;
            if upper && cumulative >= target {
                return lo + (bin + 1) as f64 * bin_width;
            }
            if !upper && cumulative > target {
                return lo + bin as f64 * bin_width;
            }
        }
        hi
    }

    /// The shrunk range with the least squared int8 round-trip error over
    /// the histogram (bin centres stand for their values).
    fn mse_range(&self, observed: (f64, f64)) -> (f64, f64) {
        let (lo, hi) = self.histogram_range();
        let bin_width = (hi - lo) / HISTOGRAM_BINS as f64;
        let mut best = (f64::INFINITY, observed);
        for k in 0..MSE_CANDIDATES {
            let shrink = 1.0 - 0.95 * k as f64 / (MSE_CANDIDATES - 1) as f64;
            let candidate = (observed.0 * shrink, observed.1 * shrink);
            let Ok(p) = ActivationParams::from_range(candidate.0, candidate.1) else {
                continue;
            };
            let (scale, zero) = (f64::from(p.scale), f64::from(p.zero_point));
            let mut error = 0.0;
            for (bin, &n) in self.histogram.iter().enumerate() {
                if n == 0 {
                    continue;
                }
                let v = lo + (bin as f64 + 0.5) * bin_width;
                let q = (libm::round(v / scale) + zero).clamp(-128.0, 127.0);
                let d = scale * (q - zero) - v;
                error += n as f64 * d * d;
            }
            if error < best.0 {
                best = (error, candidate);
            }
        }
        best.1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(values: &[f32]) -> TensorObserver {
        let mut o = TensorObserver::new(1);
        o.observe(0, values).unwrap();
        o.observe_histogram(values);
        o
    }

    #[test]
    fn min_max_is_the_observed_range() {
        let o = observed(&[-0.5, 2.0, 1.0]);
        assert_eq!(o.range(RangeMethod::MinMax).unwrap(), (-0.5, 2.0));
        assert_eq!(o.count(), 3);
    }

    #[test]
    fn a_percentile_cuts_rare_outliers() {
        // 10,000 values uniform on [0, 1], then one outlier at 100.
        let mut values: [f32; 10_001] = core::array::from_fn(|i| i as f32 / 10_000.0);
        values[10_000] = 100.0;
        let o = observed(&values);
        let (lo, hi) = o.range(RangeMethod::Percentile(99.9)).unwrap();
        assert_eq!(lo, 0.0);
        // The 99.9% quantile is about 1: within one bin (100 / 2048).
        assert!((hi - 1.0).abs() < 100.0 / 2048.0 + 1e-9, "{hi}");
        let (_, all) = o.range(RangeMethod::Percentile(100.0)).unwrap();
        assert_eq!(all, 100.0);
    }

    #[test]
    fn mse_shrinks_a_heavy_tailed_range() {
        // 4000 values on [-1, 1] and two outliers at -10 and 10: the
        // error-optimal range is narrower than min/max and better than it.
        let values: [f32; 4002] = core::array::from_fn(|i| match i {
            4000 => -10.0,
            4001 => 10.0,
            _ => (i as f32 - 2000.0) / 2000.0,
        });
        let o = observed(&values);
        let (lo, hi) = o.range(RangeMethod::Mse).unwrap();
        assert!(hi < 10.0 && lo > -10.0, "[{lo}, {hi}]");
        let error = |p: ActivationParams| -> f64 {
            values
                .iter()
                .map(|&v| {
                    let d = f64::from(p.dequantize(p.quantize(v)) - v);
                    d * d
                })
                .sum()
        };
        let mse = error(o.params(RangeMethod::Mse).unwrap());
        let minmax = error(o.params(RangeMethod::MinMax).unwrap());
        assert!(mse < minmax, "{mse} vs {minmax}");
    }

    #[test]
    fn bad_calibration_is_refused() {
        let mut o = TensorObserver::new(2);
        assert_eq!(
            o.range(RangeMethod::MinMax),
            Err(QuantError::EmptyCalibration)
        );
        assert_eq!(
            o.observe(7, &[0.0, f32::NAN]),
            Err(QuantError::NonFiniteCalibration {
                tensor: 2,
                sample: 7
            })
        );
        assert!(o.observe(8, &[f32::NEG_INFINITY]).is_err());
        o.observe(9, &[1.0]).unwrap();
        assert!(matches!(
            o.range(RangeMethod::Percentile(40.0)),
            Err(QuantError::InvalidOption {
                name: "percentile",
                ..
            })
        ));
    }

    #[test]
    fn a_constant_tensor_quantizes_exactly() {
        let o = observed(&[0.0; 16]);
        assert_eq!(
            o.params(RangeMethod::Mse).unwrap(),
            ActivationParams::fixed(1.0, -128)
        );
        let o = observed(&[3.0; 16]);
        let p = o.params(RangeMethod::Percentile(99.0)).unwrap();
        assert!((p.dequantize(p.quantize(3.0)) - 3.0).abs() <= p.scale / 2.0);
    }
}
