//! Batch normalization's running statistics and settings: the updates
//! with a momentum, with the cumulative average and at momentum 0 and 1,
//! the declaration's settings reaching the layer, typed errors for bad
//! settings at run time, PyTorch's names and order in the metadata, and one
//! update per training step.

use super::batch_norm::{Cumulative, DenseBnRelu, EXACT, TwoNorms};
use crate::common::{assert_all_close, random_matrix};
use constnet::layer::{BatchNorm, Layer, RunningAverage, TrainContext, Zeroed};
use constnet::prelude::*;

#[test]
fn running_statistics_follow_the_momentum() {
    let mut rng = Rng::seed_from(700);
    let mut net = DenseBnRelu::<f64>::seeded(1);
    let mut mean = [0.0; 6];
    let mut var = [1.0; 6];
    for step in 0..4 {
        let x: SMatrix<f64, 4, 5> = random_matrix(&mut rng, 2.0);
        let mut cache = Zeroed::zeroed();
        net.forward_train(&x, &mut cache);
        // The batch statistics of the dense layer's output, computed here.
        let h = &cache.fc1;
        for n in 0..6 {
            let m = h.row(n).sum() / 5.0;
            let unbiased = h.row(n).map(|v| (v - m) * (v - m)).sum() / 4.0;
            mean[n] = 0.95 * mean[n] + 0.05 * m;
            var[n] = 0.95 * var[n] + 0.05 * unbiased;
        }
        net.update_buffers(&cache);
        assert_eq!(net.batches_tracked(), [step + 1]);
        assert_all_close(&net.buffers()[..6], &mean, EXACT, "running_mean");
        assert_all_close(&net.buffers()[6..], &var, EXACT, "running_var");
    }
}

#[test]
fn cumulative_average_is_the_mean_of_the_batch_statistics() {
    let mut rng = Rng::seed_from(800);
    let mut net = Cumulative::<f64>::seeded(0);
    let (mut mean_sum, mut var_sum) = ([0.0; 3], [0.0; 3]);
    for step in 1_u32..=7 {
        let x: SMatrix<f64, 3, 4> =
            SMatrix::from_fn(|n, _| n as f64 + rng.normal(0.0, 1.0 + n as f64));
        for n in 0..3 {
            let m = x.row(n).sum() / 4.0;
            mean_sum[n] += m;
            var_sum[n] += x.row(n).map(|v| (v - m) * (v - m)).sum() / 3.0;
        }
        let mut cache = Zeroed::zeroed();
        net.forward_train(&x, &mut cache);
        net.update_buffers(&cache);
        let k = f64::from(step);
        assert_all_close(
            &net.buffers()[..3],
            &mean_sum.map(|s| s / k),
            EXACT,
            "running_mean",
        );
        assert_all_close(
            &net.buffers()[3..],
            &var_sum.map(|s| s / k),
            EXACT,
            "running_var",
        );
        assert_eq!(net.batches_tracked(), [u64::from(step)]);
    }
    // The counter decides the factor: restarting it restarts the average.
    net.set_batches_tracked(&[0]).unwrap();
    let x = SMatrix::<f64, 3, 2>::new(1.0, 3.0, 0.0, 2.0, -1.0, 1.0);
    let mut cache = Zeroed::zeroed();
    net.forward_train(&x, &mut cache);
    net.update_buffers(&cache);
    assert_all_close(
        net.buffers(),
        &[2.0, 1.0, 0.0, 2.0, 2.0, 2.0],
        EXACT,
        "after reset",
    );
}

#[test]
fn each_batch_norm_layer_keeps_its_own_count() {
    // bn0 (cumulative average) and bn1 (momentum 0.1): indices 0 and 1 in
    // declaration order; the other layers keep none.
    let counters: Vec<_> = TwoNorms::<f64>::LAYERS.iter().map(|l| l.counter).collect();
    assert_eq!(counters, [Some(0), None, None, Some(1), None]);
    assert_eq!(TwoNorms::<f64>::TRACKED, 2);
    let mut net = TwoNorms::<f64>::seeded(4);
    assert_eq!(net.batches_tracked(), [0, 0]);
    // Counts that differ, as after loading a model assembled from parts.
    net.set_batches_tracked(&[4, 9]).unwrap();
    let error = net.set_batches_tracked(&[1, 2, 3]).unwrap_err();
    assert!(
        matches!(
            error,
            Error::BufferLength {
                what: "batches_tracked",
                given: 3,
                required: 2
            }
        ),
        "{error:?}"
    );
    assert_eq!(net.batches_tracked(), [4, 9]);
    net.set_buffers(&[0.5, -0.5, 2.0, 0.7, 0.1, 0.2, 0.3, 0.4, 1.5, 1.2, 0.9, 2.5])
        .unwrap();
    let before = net.buffers().to_vec();
    let x = SMatrix::<f64, 2, 3>::new(1.0, 2.0, 4.0, 0.5, -1.0, 3.0);
    let mut cache = Zeroed::zeroed();
    net.forward_train(&x, &mut cache);
    net.update_buffers(&cache);
    assert_eq!(net.batches_tracked(), [5, 10]);
    // bn0 reads its own count, 4: the new batch weighs 1 / 5.
    let stats = |h: &[f64]| {
        let m = h.iter().sum::<f64>() / h.len() as f64;
        let unbiased = h.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (h.len() - 1) as f64;
        (m, unbiased)
    };
    for n in 0..2 {
        let (m, v) = stats(&x.row(n).iter().copied().collect::<Vec<_>>());
        let expected = [0.8 * before[n] + 0.2 * m, 0.8 * before[2 + n] + 0.2 * v];
        assert_all_close(
            &[net.buffers()[n], net.buffers()[2 + n]],
            &expected,
            EXACT,
            "bn0 after its fifth batch",
        );
    }
    // bn1 has a momentum: its count does not enter the update.
    for n in 0..4 {
        let row: Vec<f64> = cache.act.row(n).iter().copied().collect();
        let (m, v) = stats(&row);
        let expected = [0.9 * before[4 + n] + 0.1 * m, 0.9 * before[8 + n] + 0.1 * v];
        assert_all_close(
            &[net.buffers()[4 + n], net.buffers()[8 + n]],
            &expected,
            EXACT,
            "bn1",
        );
    }
    // A count that is not bn0's would weigh the batch otherwise: with bn1's
    // count, 9, the factor would be 1 / 10.
    let mut other = TwoNorms::<f64>::seeded(4);
    other.set_buffers(&before).unwrap();
    other.set_batches_tracked(&[9, 4]).unwrap();
    other.update_buffers(&cache);
    assert!((other.buffers()[0] - net.buffers()[0]).abs() > 1e-3);
}

#[test]
fn momentum_zero_and_one_keep_or_replace_the_running_statistics() {
    let x = SMatrix::<f64, 2, 3>::new(1.0, 2.0, 3.0, 0.0, 0.0, 6.0);
    let buffers_after = |layer: BatchNorm<2>| {
        let (mut y, mut cache) = (SMatrix::<f64, 2, 3>::zeros(), Zeroed::zeroed());
        layer.forward_train(
            &[1.0, 1.0, 0.0, 0.0],
            &[],
            &x,
            &mut y,
            &mut cache,
            &TrainContext::default(),
        );
        let mut buffers = [0.5, -0.5, 2.0, 3.0];
        layer.update_buffers(&mut buffers, &cache, 10);
        buffers
    };
    assert_eq!(
        buffers_after(BatchNorm::new().momentum(0.0)),
        [0.5, -0.5, 2.0, 3.0]
    );
    // Row means 2 and 2; unbiased variances 1 and 12.
    assert_all_close(
        &buffers_after(BatchNorm::new().momentum(1.0)),
        &[2.0, 2.0, 1.0, 12.0],
        EXACT,
        "momentum 1",
    );
    // Cumulative after 10 tracked batches: factor 1/11.
    let cumulative = buffers_after(BatchNorm::new().cumulative_average());
    let expected = [
        (10.0 * 0.5 + 2.0) / 11.0,
        (10.0 * -0.5 + 2.0) / 11.0,
        (10.0 * 2.0 + 1.0) / 11.0,
        (10.0 * 3.0 + 12.0) / 11.0,
    ];
    assert_all_close(&cumulative, &expected, EXACT, "cumulative");
}

#[test]
fn declaration_settings_reach_the_layer() {
    // eps = 1e-3 changes the training output of a unit-variance feature.
    let net = DenseBnRelu::<f64>::from_parameters(core::array::from_fn(|k| {
        if k < 24 {
            // fc1 weight: row o is e_(o mod 4) scaled; fc1 bias 0.
            let (o, i) = (k / 4, k % 4);
            if o % 4 == i { 1.0 } else { 0.0 }
        } else if k < 30 {
            0.0
        } else if k < 36 {
            1.0
        } else {
            0.0
        }
    }));
    assert_eq!(
        net.buffers()[..6],
        [0.0; 6],
        "from_parameters: running mean 0"
    );
    assert_eq!(
        net.buffers()[6..],
        [1.0; 6],
        "from_parameters: running var 1"
    );
    // Feature values -1, 1 (biased variance 1) in every row.
    let x =
        SMatrix::<f64, 4, 2>::from_columns(&[SVector::from([-1.0; 4]), SVector::from([1.0; 4])]);
    let mut cache = Zeroed::zeroed();
    net.forward_train(&x, &mut cache);
    let expected = 1.0 / (1.0_f64 + 1e-3).sqrt();
    assert!(
        (cache.bn[(0, 1)] - expected).abs() < EXACT,
        "eps = 1e-3 is used"
    );

    assert_eq!(
        BatchNorm::<6>::new().eps(1e-3).momentum(0.05),
        BatchNorm::<6>::try_new(1e-3, Some(0.05)).unwrap()
    );
    assert_eq!(
        BatchNorm::<2>::new().cumulative_average().running_average(),
        RunningAverage::Cumulative
    );
    assert_eq!(BatchNorm::<2>::new().epsilon(), 1e-5);
    assert_eq!(
        BatchNorm::<2>::new().running_average(),
        RunningAverage::Exponential { momentum: 0.1 }
    );
}

#[test]
fn invalid_settings_are_typed_errors_at_run_time() {
    for eps in [0.0, -1e-5, f64::NAN, f64::INFINITY] {
        let err = BatchNorm::<2>::try_new(eps, Some(0.1)).unwrap_err();
        assert!(
            matches!(err, Error::InvalidHyperParameter { name: "eps", .. }),
            "{err}"
        );
    }
    for momentum in [-0.1, 1.5, f64::NAN] {
        let err = BatchNorm::<2>::try_new(1e-5, Some(momentum)).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidHyperParameter {
                    name: "momentum",
                    ..
                }
            ),
            "{err}"
        );
    }
    assert_eq!(
        BatchNorm::<2>::try_new(1e-5, None)
            .unwrap()
            .running_average(),
        RunningAverage::Cumulative
    );
}

#[test]
fn metadata_uses_pytorch_names_and_order() {
    let names: Vec<String> = TwoNorms::<f64>::parameter_tensors()
        .map(|t| t.to_string())
        .collect();
    assert_eq!(
        names,
        [
            "bn0.weight",
            "bn0.bias",
            "fc1.weight",
            "fc1.bias",
            "bn1.weight",
            "bn1.bias",
            "out.weight",
            "out.bias"
        ]
    );
    let buffers: Vec<(String, usize)> = TwoNorms::<f64>::buffer_tensors()
        .map(|t| (t.to_string(), t.offset))
        .collect();
    assert_eq!(
        buffers,
        [
            ("bn0.running_mean".to_owned(), 0),
            ("bn0.running_var".to_owned(), 2),
            ("bn1.running_mean".to_owned(), 4),
            ("bn1.running_var".to_owned(), 8),
        ]
    );
    assert_eq!(<TwoNorms>::PARAMS, 4 + 12 + 8 + 5);
    assert_eq!(<TwoNorms>::BUFFERS, 12);
    let info = &<TwoNorms as Network<f32, 2, 1, 29>>::LAYERS[3];
    assert_eq!(
        (info.kind, info.param_offset, info.buffer_offset),
        ("BatchNorm", 16, 4)
    );
    // Initialization: gamma 1, beta 0, running mean 0, running variance 1.
    let net = TwoNorms::<f64>::seeded(5);
    assert_eq!(net.parameters()[..4], [1.0, 1.0, 0.0, 0.0]);
    assert_eq!(
        net.parameters()[16..24],
        [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    );
    assert_eq!(
        net.buffers(),
        &[0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]
    );
}

#[test]
fn training_loop_updates_the_running_statistics_once_per_step() {
    let inputs: Vec<[f64; 4]> = (0..12_u8)
        .map(|i| [f64::from(i), f64::from(i % 3), 1.0, -f64::from(i)])
        .collect();
    let classes: Vec<usize> = (0..12).map(|i| i % 3).collect();
    let data = Dataset::new(&inputs, &classes).unwrap();
    let mut net = DenseBnRelu::<f64>::seeded(2);
    let mut sgd = Sgd::new(SgdConfig {
        lr: 0.05,
        ..SgdConfig::default()
    })
    .unwrap();
    let config = TrainConfig {
        max_epochs: 3,
        ..TrainConfig::default()
    };
    let report = Trainer::<4>::new(config)
        .unwrap()
        .fit(&mut net, &CrossEntropy, &mut sgd, &data, None)
        .unwrap();
    assert_eq!(report.steps, 9);
    assert_eq!(net.batches_tracked(), [9]);
    assert!(
        net.buffers()[..6].iter().any(|&m| m != 0.0),
        "running mean moved"
    );
}
