//! BatchNorm folded into the preceding Dense, and the per-tensor
//! diagnostics.

use constnet::prelude::*;
use constnet::quant::{FloatChain, Folded, LayerChain, QuantError, Then, quantize_with_tensors};

use super::networks::{digits, digits_split};

network! {
    /// A batch-normalized network: 3 -> Dense 6 -> BN -> ReLU -> Dense 2.
    pub struct Normed {
        fc: Dense<3, 6>,
        bn: BatchNorm<6>,
        act: ReLU,
        out: Dense<6, 2>,
    }
}

/// The chain the declaration generated: the batch norm folded into the
/// dense layer before it, one stage.
type NormedChain = Then<Folded<Dense<3, 6>, BatchNorm<6>>, Then<ReLU, Dense<6, 2>, 6>, 6>;

#[test]
fn the_generated_chain_folds_the_batch_norm() {
    let chain: NormedChain = <Normed as LayerChain>::chain();
    assert_eq!(chain.first.norm.epsilon(), 1e-5);
    assert_eq!(<NormedChain as FloatChain<3, 2>>::STAGES, 3);
    assert_eq!(<NormedChain as FloatChain<3, 2>>::LAYERS, 4);
}

/// A seeded network whose running statistics are far from (0, 1).
fn normed() -> Normed<f32> {
    let mut net = Normed::<f32>::seeded(3);
    let mut rng = Rng::seed_from(4);
    let gamma_beta: Vec<f32> = (0..12).map(|_| rng.normal(0.5, 1.0) as f32).collect();
    net.parameters_mut()[24..36].copy_from_slice(&gamma_beta);
    for c in 0..6 {
        net.buffers_mut()[c] = rng.normal(0.0, 2.0) as f32;
        net.buffers_mut()[6 + c] = rng.uniform_in(0.05, 4.0) as f32;
    }
    net
}

fn samples(n: usize) -> Vec<[f32; 3]> {
    let mut rng = Rng::seed_from(5);
    (0..n)
        .map(|_| core::array::from_fn(|_| rng.normal(0.0, 1.5) as f32))
        .collect()
}

#[test]
fn the_folded_dense_layer_computes_dense_then_batch_norm() {
    let net = normed();
    let (p, buffers) = (net.parameters(), net.buffers());
    let mut weights = [[0.0_f32; 3]; 6];
    let mut bias = [0.0_f32; 6];
    <Normed as LayerChain>::chain()
        .first
        .fold(0, &p[..36], buffers, &mut weights, &mut bias)
        .unwrap();
    for x in samples(50) {
        // The float network's own dense and batch norm, as forward_visit
        // runs them (tensor 1 is the batch norm's output).
        let mut pair = [0.0_f32; 6];
        <Normed as LayerChain>::chain()
            .first
            .forward_visit(&p[..36], buffers, &x, 0, &mut |k, v| {
                assert_eq!(k, 1);
                pair.copy_from_slice(v);
                Ok(())
            })
            .unwrap();
        // Independently: y = gamma (W x + b - mean) / sqrt(var + eps) + beta in f64.
        for c in 0..6 {
            let dense: f64 = f64::from(p[18 + c])
                + (0..3)
                    .map(|i| f64::from(p[c * 3 + i]) * f64::from(x[i]))
                    .sum::<f64>();
            let expected = f64::from(p[24 + c]) * (dense - f64::from(buffers[c]))
                / (f64::from(buffers[6 + c]) + 1e-5).sqrt()
                + f64::from(p[30 + c]);
            let folded: f64 = f64::from(bias[c])
                + (0..3)
                    .map(|i| f64::from(weights[c][i]) * f64::from(x[i]))
                    .sum::<f64>();
            let scale = 1.0 + expected.abs();
            assert!(
                (folded - expected).abs() < 1e-5 * scale,
                "{folded} vs {expected}"
            );
            assert!((f64::from(pair[c]) - expected).abs() < 1e-5 * scale);
        }
    }
}

#[test]
fn a_batch_normalized_network_quantizes_with_the_fold() {
    let net = normed();
    let calibration = samples(400);
    let q = quantize_with_tensors(&net, &Calibration::new(&calibration)).unwrap();
    // One tensor per stage: input, the folded pair (named after the batch
    // norm), the ReLU, the output.
    assert_eq!(q.layers, ["bn", "act", "out"]);
    assert_eq!(q.tensors.len(), 4);
    let report = q.report(&net, &samples(200)).unwrap();
    let out = report.last().unwrap();
    assert_eq!(out.layer, "out");
    // The output within a few steps of the float network's.
    assert!(
        out.errors.max_abs_error < 4.0 * f64::from(q.network.output.scale),
        "{out:?}"
    );
}

#[test]
fn diagnostics_name_each_layer_and_measure_what_they_claim() {
    let (train, _, test, _) = digits_split();
    let q = quantize_with_tensors(&digits::MODEL, &Calibration::new(&train)).unwrap();
    let report = q.report(&digits::MODEL, &train).unwrap();
    let names: Vec<_> = report.iter().map(|r| r.layer).collect();
    // fc1 and its ReLU are one int8 op: one row, the ReLU's.
    assert_eq!(names, ["input", "act", "out"]);
    // Min/max ranges: on the calibration set itself only values within the
    // zero point's rounding of an end saturate (the nudge moves the range
    // by at most half a step).
    for row in &report {
        assert!(row.errors.saturated_fraction() < 1e-3, "{row:?}");
    }
    let counts: Vec<_> = report.iter().map(|r| r.errors.count).collect();
    let n = train.len() as u64;
    assert_eq!(counts, [64 * n, 32 * n, 10 * n]);
    // The output's largest error, measured here directly, is the report's.
    let out = &report[2];
    let mut worst = 0.0_f64;
    for x in &train {
        let float = digits::MODEL.forward(&SMatrix::<f32, 64, 1>::from_column_slice(x));
        let int8: [f32; 10] = q.network.forward_real(x);
        for c in 0..10 {
            worst = worst.max((f64::from(int8[c]) - f64::from(float[c])).abs());
        }
    }
    assert!(
        (out.errors.max_abs_error - worst).abs() < 1e-6,
        "{} vs {worst}",
        out.errors.max_abs_error
    );
    // A 99% percentile range clips the tails: values saturate.
    let clipped = quantize_with_tensors(
        &digits::MODEL,
        &Calibration::new(&train).with_method(RangeMethod::Percentile(99.0)),
    )
    .unwrap();
    let clipped_report = clipped.report(&digits::MODEL, &test).unwrap();
    assert!(clipped_report[1].errors.saturated_fraction() > 0.0);
    assert!(clipped_report[1].errors.saturated_fraction() < 0.05);
    for row in &report {
        println!(
            "{:6} scale {:.5} zero {:4} saturated {:.4} rms {:.5} max {:.5}",
            row.layer,
            row.params.scale,
            row.params.zero_point,
            row.errors.saturated_fraction(),
            row.errors.rms_error(),
            row.errors.max_abs_error
        );
    }
}

#[test]
fn a_negative_running_variance_is_a_typed_error() {
    // var + eps < 0: the float network's batch norm gives NaN on channel 2,
    // which calibration reports (tensor 1, the batch norm's output), and the
    // fold alone refuses it naming the batch norm (layer 1) and the channel.
    let mut net = normed();
    net.buffers_mut()[6 + 2] = -1.0;
    assert_eq!(
        net.quantize(&Calibration::new(&samples(10))).err(),
        Some(QuantError::NonFiniteCalibration {
            tensor: 1,
            sample: 0
        })
    );
    let (mut weights, mut bias) = ([[0.0_f32; 3]; 6], [0.0_f32; 6]);
    assert_eq!(
        <Normed as LayerChain>::chain().first.fold(
            0,
            &net.parameters()[..36],
            net.buffers(),
            &mut weights,
            &mut bias
        ),
        Err(QuantError::NonFiniteParameter { layer: 1, index: 2 })
    );
}
