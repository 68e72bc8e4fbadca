//! Bad input to quantization: each a typed error, or a documented handling
//! whose result is checked.

use constnet::prelude::*;
use constnet::quant::{ActivationParams, QuantError, Then, quantize_into, quantize_with_tensors};

use super::networks::{sine, sine_calibration};

#[test]
fn nan_or_infinite_calibration_data_names_the_sample() {
    let mut data = sine_calibration();
    data[17] = [f32::NAN];
    assert_eq!(
        sine::MODEL.quantize(&Calibration::new(&data)).err(),
        Some(QuantError::NonFiniteCalibration {
            tensor: 0,
            sample: 17
        })
    );
    data[17] = [f32::INFINITY];
    assert_eq!(
        sine::MODEL
            .quantize(&Calibration::new(&data).with_method(RangeMethod::Mse))
            .err(),
        Some(QuantError::NonFiniteCalibration {
            tensor: 0,
            sample: 17
        })
    );
}

#[test]
fn an_activation_that_overflows_names_its_tensor() {
    // A finite input so large that the network overflows f32: fc1 scales
    // it by weights below 1 (finite), fc2's sums of 16 such terms are not.
    // Tensor 3 is fc2's output (0 the input, 1 fc1, 2 its ReLU).
    let mut data = sine_calibration();
    data[3] = [f32::MAX];
    assert_eq!(
        sine::MODEL.quantize(&Calibration::new(&data)).err(),
        Some(QuantError::NonFiniteCalibration {
            tensor: 3,
            sample: 3
        })
    );
}

#[test]
fn an_empty_calibration_set_is_refused() {
    assert_eq!(
        sine::MODEL.quantize(&Calibration::new(&[])).err(),
        Some(QuantError::EmptyCalibration)
    );
}

#[test]
fn a_bad_percentile_is_refused() {
    for p in [50.0, 101.0, f64::NAN] {
        assert!(matches!(
            sine::MODEL.quantize(
                &Calibration::new(&sine_calibration()).with_method(RangeMethod::Percentile(p))
            ),
            Err(QuantError::InvalidOption {
                name: "percentile",
                ..
            })
        ));
    }
}

#[test]
fn constant_activations_quantize_exactly() {
    // Every first-layer bias so negative that the first ReLU is dead: its
    // tensor is 0 on every sample (a zero-width range), and the network's
    // output is one constant c.
    let mut net = sine::MODEL.clone();
    net.parameters_mut()[16..32].fill(-100.0);
    let q = quantize_with_tensors(&net, &Calibration::new(&sine_calibration())).unwrap();
    // fc1's output (calibrated on the ReLU's) and the ReLU's: scale 1, zero
    // point -128, so 0 is exact and nothing divides by 0.
    assert_eq!(q.tensors[1], ActivationParams::fixed(1.0, -128));
    assert_eq!(q.tensors[2], ActivationParams::fixed(1.0, -128));
    let c = net.forward(&SMatrix::<f32, 1, 1>::new(0.0))[0];
    for x in [-3.0_f32, 0.0, 2.5] {
        assert_eq!(net.forward(&SMatrix::<f32, 1, 1>::new(x))[0], c);
        let y = q.network.forward_real(&[x])[0];
        // The output range is [min(c, 0), max(c, 0)]: c is an end, within
        // half a step.
        assert!((y - c).abs() <= q.network.output.scale / 2.0, "{y} vs {c}");
    }
}

#[test]
fn bad_weights_are_typed_errors() {
    let mut net = sine::MODEL.clone();
    net.parameters_mut()[40] = f32::NAN;
    // fc2 is layer 2; its weight 8 is the network's parameter 40.
    assert_eq!(
        net.quantize(&Calibration::new(&sine_calibration())).err(),
        Some(QuantError::NonFiniteParameter { layer: 2, index: 8 })
    );
    // Weights that do not overflow int8 (the scale is their largest
    // magnitude), but a bias that overflows the int32 accumulator at scale
    // s_in * s_w: tiny weights next to a large bias.
    let mut net = sine::MODEL.clone();
    net.parameters_mut()[..16].fill(1e-30);
    net.parameters_mut()[16] = 1.0;
    let err = net.quantize(&Calibration::new(&sine_calibration())).err();
    assert!(
        matches!(
            err,
            Some(QuantError::BiasOverflow {
                layer: 0,
                channel: 0,
                ..
            })
        ),
        "{err:?}"
    );
}

#[test]
fn a_chain_that_does_not_describe_the_parameters_is_refused() {
    // A hand-written chain of two layers for SINE's five: the widths
    // chain, the parameter counts do not.
    let short: Then<Dense<1, 16>, Dense<16, 1>, 16> = Then {
        first: Dense::new(),
        rest: Dense::new(),
    };
    let mut tensors = [ActivationParams::fixed(1.0, 0); 3];
    let err = quantize_into(
        &short,
        sine::MODEL.parameters(),
        sine::MODEL.buffers(),
        &Calibration::new(&sine_calibration()),
        &mut tensors,
    )
    .err();
    assert_eq!(
        err,
        Some(QuantError::Length {
            what: "parameters",
            expected: 16 + 16 + 16 + 1,
            found: 321
        })
    );
}
