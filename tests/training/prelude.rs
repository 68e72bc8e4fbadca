//! Every trait a user implements, implemented with nothing but the
//! prelude in scope: an observer (`StepView`, `Control`, `EpochReport`), a
//! record store for the monitor (`Records`), a loss, an optimizer, a
//! schedule and a linear operator, each used.

use constnet::prelude::*;

network! {
    /// `y = w x + b`.
    struct Line { fc: Dense<1, 1> }
}

/// Counts steps and epochs.
#[derive(Default)]
struct Counter {
    steps: usize,
    epochs: usize,
}

impl<T: Float> Observer<T> for Counter {
    fn after_step<N, L, const I: usize, const O: usize, const P: usize, const B: usize>(
        &mut self,
        step: &StepView<'_, T, N, L, I, O, P, B>,
    ) -> Control
    where
        N: Network<T, I, O, P>,
        L: Loss<T, O>,
    {
        self.steps = step.step + 1;
        Control::Continue
    }

    fn after_epoch(&mut self, report: &EpochReport) -> Control {
        self.epochs = report.epoch + 1;
        Control::Continue
    }
}

/// Keeps the number of records only.
#[derive(Default)]
struct Tally(usize);

impl<X> Records<X> for Tally {
    fn push(&mut self, _: X) {
        self.0 += 1;
    }
}

/// Half the squared error, through `Mse` (which is the mean of squares).
struct HalfSquares;

impl<T: Float, const O: usize> Loss<T, O> for HalfSquares {
    type Target = [T; O];

    fn check_target(&self, target: &[T; O]) -> Result<()> {
        <Mse as Loss<T, O>>::check_target(&Mse, target)
    }

    fn loss<const B: usize>(&self, output: &SMatrix<T, O, B>, targets: &[[T; O]; B]) -> T {
        Mse.loss(output, targets) * T::of_f64(0.5)
    }

    fn loss_and_gradient<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        targets: &[[T; O]; B],
        gradient: &mut SMatrix<T, O, B>,
    ) -> T {
        let value = Mse.loss_and_gradient(output, targets, gradient);
        *gradient *= T::of_f64(0.5);
        value * T::of_f64(0.5)
    }

    fn hessian_product<const B: usize>(
        &self,
        output: &SMatrix<T, O, B>,
        targets: &[[T; O]; B],
        direction: &SMatrix<T, O, B>,
        product: &mut SMatrix<T, O, B>,
    ) {
        Mse.hessian_product(output, targets, direction, product);
        *product *= T::of_f64(0.5);
    }
}

/// Plain gradient descent.
struct Descent(f64);

impl<T: Float, const P: usize> Optimizer<T, P> for Descent {
    fn step(&mut self, params: &mut [T; P], grad: &[T; P]) {
        for (p, g) in params.iter_mut().zip(grad) {
            *p -= T::of_f64(self.0) * *g;
        }
    }
    fn learning_rate(&self) -> f64 {
        self.0
    }
    fn set_learning_rate(&mut self, lr: f64) -> Result<()> {
        self.0 = lr;
        Ok(())
    }
    fn reset(&mut self) {}
}

/// Halves the rate every epoch.
struct Halving;

impl Schedule for Halving {
    fn learning_rate(&self, base_lr: f64, epoch: usize) -> f64 {
        base_lr * 0.5_f64.powi(epoch as i32)
    }
}

/// `v -> 2 v`.
struct Double;

impl LinearOperator<f64> for Double {
    fn dim(&self) -> usize {
        3
    }
    fn matvec(&mut self, v: &[f64], out: &mut [f64]) -> Result<()> {
        if v.len() != 3 || out.len() != 3 {
            return Err(Error::BufferLength {
                what: "vector",
                given: v.len(),
                required: 3,
            });
        }
        for (o, x) in out.iter_mut().zip(v) {
            *o = 2.0 * x;
        }
        Ok(())
    }
}

#[test]
fn every_user_implemented_trait_works_from_the_prelude() {
    let xs: Vec<[f64; 1]> = (0..8).map(|i| [f64::from(i) / 8.0]).collect();
    let ys: Vec<[f64; 1]> = xs.iter().map(|x| [2.0 * x[0] - 1.0]).collect();
    let data = Dataset::new(&xs, &ys).unwrap();
    let mut net = Line::<f64>::from_parameters([0.0, 0.0]);
    let mut counter = Counter::default();
    let mut optimizer = Scheduled::new::<f64, 2>(Descent(0.5), Halving).unwrap();
    let mut monitor = ConditioningMonitor::new(MonitorConfig::default(), Tally(0)).unwrap();
    let config = TrainConfig {
        max_epochs: 3,
        ..TrainConfig::default()
    };
    let report = Trainer::<4>::new(config)
        .unwrap()
        .observer((&mut counter, &mut monitor))
        .fit(&mut net, &HalfSquares, &mut optimizer, &data, None)
        .unwrap();
    assert_eq!((counter.steps, counter.epochs), (6, 3));
    assert_eq!(monitor.records().0, 6);
    assert_eq!(Optimizer::<f64, 2>::learning_rate(&optimizer), 0.5 * 0.125);
    assert!(report.final_loss < 0.5 * Mse.loss(&SMatrix::<f64, 1, 1>::zeros(), &[[-1.0]]));
    let mut out = [0.0; 3];
    Double.matvec(&[1.0, 2.0, 3.0], &mut out).unwrap();
    assert_eq!(out, [2.0, 4.0, 6.0]);
    assert!(Double.matvec(&[1.0], &mut out).is_err());
}
