//! `ConvGeometry::for_each_tap`, which every convolution kernel runs over,
//! against a brute-force enumeration of a convolution's products: every
//! output position, input channel of its group and kernel tap, the padded
//! ones dropped by testing each tap in signed arithmetic.

use constnet::layer::conv::ConvGeometry;

/// Every product `(o, i, k)` of one sample, found the slow way.
fn brute_force(g: &ConvGeometry) -> Vec<(usize, usize, usize)> {
    let signed = |v: usize| isize::try_from(v).unwrap();
    let (cin, cout) = (g.group_inputs(), g.group_outputs());
    let mut taps = Vec::new();
    let mut o = 0;
    for co in 0..g.out_channels {
        for oy in 0..g.out_h() {
            for ox in 0..g.out_w() {
                for ci in 0..cin {
                    let channel = (co / cout) * cin + ci;
                    for ky in 0..g.kernel_h {
                        for kx in 0..g.kernel_w {
                            let y = signed(oy * g.stride_h + ky * g.dil_h) - signed(g.pad_h);
                            let x = signed(ox * g.stride_w + kx * g.dil_w) - signed(g.pad_w);
                            if (0..signed(g.height)).contains(&y)
                                && (0..signed(g.width)).contains(&x)
                            {
                                let (y, x) = (y.unsigned_abs(), x.unsigned_abs());
                                taps.push((
                                    o,
                                    (channel * g.height + y) * g.width + x,
                                    ((co * cin + ci) * g.kernel_h + ky) * g.kernel_w + kx,
                                ));
                            }
                        }
                    }
                }
                o += 1;
            }
        }
    }
    taps
}

#[test]
fn taps_are_the_products_in_order() {
    let mut checked = 0;
    for (kernel, size) in [
        ((3, 3), (5, 6)),
        ((2, 4), (4, 7)),
        ((1, 1), (3, 3)),
        ((5, 3), (4, 4)),
    ] {
        for stride in 1..=3 {
            for padding in 0..=3 {
                for dilation in 1..=3 {
                    for (channels, groups) in [((2, 4), 1), ((2, 4), 2), ((3, 3), 3)] {
                        let two = ConvGeometry::two_d(
                            channels.0, channels.1, kernel, size, stride, padding, dilation, groups,
                        );
                        let one = ConvGeometry::one_d(
                            channels.0, channels.1, kernel.0, size.1, stride, padding, dilation,
                            groups,
                        );
                        for g in [two, one] {
                            if g.out_h() == 0 || g.out_w() == 0 {
                                continue;
                            }
                            let mut taps = Vec::new();
                            g.for_each_tap(|o, i, k| taps.push((o, i, k)));
                            assert_eq!(taps, brute_force(&g), "{g:?}");
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} geometries had an output");
}
