//! NaN is never hidden: a NaN parameter in front of a ReLU reaches the loss,
//! and training stops with an error naming the step instead of going on.

use constnet::prelude::*;

network! {
    /// A ReLU network whose first layer gets a NaN weight.
    struct Net {
        fc: Dense<2, 4>,
        act: ReLU,
        out: Dense<4, 1>,
    }
}

#[test]
fn a_nan_weight_before_a_relu_makes_the_loss_nan() {
    let mut net = Net::<f64>::seeded(1);
    net.parameters_mut()[0] = f64::NAN;
    let x = SMatrix::<f64, 2, 2>::from_column_slice(&[1.0, 2.0, -1.0, 0.5]);
    assert!(
        net.forward(&x).iter().all(|y| y.is_nan()),
        "inference shows the NaN"
    );
    let mut grad = [0.0; 17];
    let loss = net.loss_and_gradient(&Mse, &x, &[[0.0], [1.0]], &mut grad);
    assert!(loss.is_nan());
}

#[test]
fn training_from_a_nan_weight_stops_at_the_first_step() {
    let mut net = Net::<f64>::seeded(1);
    net.parameters_mut()[0] = f64::NAN;
    let inputs = [[1.0, 2.0], [-1.0, 0.5], [0.3, 0.3], [2.0, -1.0]];
    let targets = [[0.0], [1.0], [1.0], [0.0]];
    let data = Dataset::new(&inputs, &targets).unwrap();
    let mut sgd = Sgd::with_lr(0.1).unwrap();
    let err = Trainer::<2>::new(TrainConfig::default())
        .unwrap()
        .fit(&mut net, &Mse, &mut sgd, &data, None)
        .unwrap_err();
    match err {
        Error::NonFinite {
            what,
            epoch,
            step,
            loss,
        } => {
            assert_eq!((what, epoch, step), ("loss", 0, 0));
            assert!(loss.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}
