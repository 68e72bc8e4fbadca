//! The blocked R-operator of every layer and the blocked Hessian product of
//! every loss equal the single-direction versions applied to each
//! direction: zero, unit and given directions, with and without an input
//! tangent, gradient rows at a stride, and partial rows (`from`).

use crate::common::{assert_all_close, random_matrix, random_vec};
use constnet::hessian::Kernel;
use constnet::layer::block::tangent;
use constnet::layer::{
    BatchNorm, BlockContext, Dense, Directions, GradRows, Identity, Layer, LeakyReLU, ReLU, Rnn,
    Sigmoid, Softmax, Tanh, TrainContext, Zeroed,
};
use constnet::prelude::*;

const COUNT: usize = 5;

/// What a block method is compared with: the single-direction methods for
/// direction `k`, materialized.
fn direction<const PARAMS: usize>(directions: &Directions<'_, f64>, k: usize) -> Vec<f64> {
    let mut scratch = vec![0.0; PARAMS];
    directions.direction(k, PARAMS, &mut scratch).to_vec()
}

/// One layer at one point: parameters, input, output, the caches before and
/// after backward, and the upstream gradient.
struct Case<
    'l,
    Ly: Layer<f64, I, O>,
    const I: usize,
    const O: usize,
    const PARAMS: usize,
    const B: usize,
> {
    layer: &'l Ly,
    params: [f64; PARAMS],
    x: SMatrix<f64, I, B>,
    y: SMatrix<f64, O, B>,
    forward_cache: Ly::Cache<B>,
    cache: Ly::Cache<B>,
    dy: SMatrix<f64, O, B>,
}

impl<'l, Ly: Layer<f64, I, O>, const I: usize, const O: usize, const PARAMS: usize, const B: usize>
    Case<'l, Ly, I, O, PARAMS, B>
{
    fn new(layer: &'l Ly, rng: &mut Rng) -> Self {
        assert_eq!(Ly::PARAMS, PARAMS);
        let params: [f64; PARAMS] = random_vec(rng, 1.0);
        let x: SMatrix<f64, I, B> = random_matrix(rng, 2.0);
        let mut y = SMatrix::<f64, O, B>::zeros();
        let mut cache = Ly::Cache::<B>::zeroed();
        layer.forward_train(
            &params,
            &[],
            &x,
            &mut y,
            &mut cache,
            &TrainContext::default(),
        );
        let forward_cache = cache.clone();
        let dy: SMatrix<f64, O, B> = random_matrix(rng, 1.0);
        let mut dx = SMatrix::<f64, I, B>::zeros();
        let mut grad = [0.0; PARAMS];
        layer.backward(&params, &x, &y, &mut cache, &dy, Some(&mut dx), &mut grad);
        Self {
            layer,
            params,
            x,
            y,
            forward_cache,
            cache,
            dy,
        }
    }

    /// The block methods: `(R{y}, R{dx}, gradient rows at `stride`)`.
    fn block(
        &self,
        directions: Directions<'_, f64>,
        rx: Option<&[f64]>,
        rdy: &[f64],
        stride: usize,
    ) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let mut scratch = [0.0; PARAMS];
        let mut context = BlockContext {
            scratch: &mut scratch,
            kernel: Kernel::Optimized,
        };
        let (l, p) = (self.layer, &self.params);
        let mut ry = vec![0.0; COUNT * O * B];
        l.r_forward_block(
            p,
            directions,
            &self.x,
            &self.y,
            &self.forward_cache,
            rx,
            &mut ry,
            &mut context,
        );
        let mut rdx = vec![0.0; COUNT * I * B];
        let mut rows = vec![f64::NAN; COUNT * stride];
        let mut grad_rows = GradRows {
            data: &mut rows,
            stride,
            from: 0,
        };
        l.r_backward_block(
            p,
            directions,
            &self.x,
            &self.y,
            &self.forward_cache,
            &self.cache,
            rx,
            &self.dy,
            rdy,
            Some(&mut rdx),
            &mut grad_rows,
            &mut context,
        );
        assert!(scratch.iter().all(|&s| s == 0.0), "scratch left zeroed");
        (ry, rdx, rows)
    }

    /// The single-direction methods along direction `v` with input
    /// tangent `rx` and upstream tangent `rdy`: `(R{y}, R{dx}, R{dparams})`.
    fn single(
        &self,
        v: &[f64],
        rx: &SMatrix<f64, I, B>,
        rdy: &SMatrix<f64, O, B>,
    ) -> (SMatrix<f64, O, B>, SMatrix<f64, I, B>, [f64; PARAMS]) {
        let (l, p) = (self.layer, &self.params);
        let mut ry = SMatrix::<f64, O, B>::zeros();
        let mut r_cache = Ly::Cache::<B>::zeroed();
        l.r_forward(
            p,
            v,
            &self.x,
            &self.y,
            &self.forward_cache,
            rx,
            &mut ry,
            &mut r_cache,
        );
        let mut rdx = SMatrix::<f64, I, B>::zeros();
        let mut r_grad = [0.0; PARAMS];
        l.r_backward(
            p,
            v,
            &self.x,
            &self.y,
            &self.cache,
            rx,
            &r_cache,
            &self.dy,
            rdy,
            Some(&mut rdx),
            &mut r_grad,
        );
        (ry, rdx, r_grad)
    }
}

fn check_layer_blocks<Ly, const I: usize, const O: usize, const PARAMS: usize, const B: usize>(
    layer: &Ly,
    seed: u64,
) where
    Ly: Layer<f64, I, O>,
{
    let mut rng = Rng::seed_from(seed);
    let case = Case::<Ly, I, O, PARAMS, B>::new(layer, &mut rng);
    let given: Vec<f64> = (0..COUNT * (PARAMS + 2))
        .map(|_| rng.uniform_in(-1.0, 1.0))
        .collect();
    let mut cases = vec![
        Directions::Zero,
        Directions::Given {
            values: &given,
            stride: PARAMS + 2,
        },
    ];
    if PARAMS >= COUNT {
        cases.push(Directions::Unit { first: 0 });
        cases.push(Directions::Unit {
            first: PARAMS - COUNT,
        });
    }
    let rx_block: Vec<f64> = (0..COUNT * I * B)
        .map(|_| rng.uniform_in(-1.0, 1.0))
        .collect();
    let rdy_block: Vec<f64> = (0..COUNT * O * B)
        .map(|_| rng.uniform_in(-1.0, 1.0))
        .collect();
    let stride = PARAMS + 3;
    for directions in cases {
        for rx in [None, Some(rx_block.as_slice())] {
            let (ry, rdx, rows) = case.block(directions, rx, &rdy_block, stride);
            for k in 0..COUNT {
                let v = direction::<PARAMS>(&directions, k);
                let rx_k = rx.map_or_else(SMatrix::zeros, |rx| tangent::<f64, I, B>(rx, k));
                let rdy_k = tangent::<f64, O, B>(&rdy_block, k);
                let (ry_k, rdx_k, r_grad) = case.single(&v, &rx_k, &rdy_k);
                let what = format!("{directions:?} rx {} direction {k}", rx.is_some());
                assert_all_close(
                    &ry[k * O * B..(k + 1) * O * B],
                    ry_k.as_slice(),
                    1e-14,
                    &what,
                );
                assert_all_close(
                    &rdx[k * I * B..(k + 1) * I * B],
                    rdx_k.as_slice(),
                    1e-14,
                    &what,
                );
                assert_all_close(
                    &rows[k * stride..k * stride + PARAMS],
                    &r_grad,
                    1e-14,
                    &what,
                );
            }
        }
    }
}

#[test]
fn every_layer_block_equals_its_directions() {
    check_layer_blocks::<_, 3, 4, 16, 2>(&Dense::<3, 4>::new(), 1);
    check_layer_blocks::<_, 7, 9, 72, 5>(&Dense::<7, 9>::new(), 2);
    check_layer_blocks::<_, 1, 1, 2, 1>(&Dense::<1, 1>::new(), 3);
    check_layer_blocks::<_, 4, 4, 0, 3>(&Tanh, 4);
    check_layer_blocks::<_, 4, 4, 0, 3>(&ReLU, 5);
    check_layer_blocks::<_, 4, 4, 0, 3>(&LeakyReLU::new(0.1), 6);
    check_layer_blocks::<_, 4, 4, 0, 3>(&Sigmoid, 7);
    check_layer_blocks::<_, 4, 4, 0, 3>(&Identity, 8);
    check_layer_blocks::<_, 5, 5, 0, 2>(&Softmax, 9);
    check_layer_blocks::<_, 4, 4, 8, 3>(&BatchNorm::<4>::new(), 10);
    check_layer_blocks::<_, 4, 3, 18, 3>(&Rnn::<2, 3, 2>::new(), 11);
}

/// Dense writes every weight row from `from / I` on and every bias from
/// `from` on, and nothing before its first row.
#[test]
fn dense_partial_rows() {
    const I: usize = 3;
    const O: usize = 4;
    const P: usize = O * I + O;
    let layer = Dense::<I, O>::new();
    let mut rng = Rng::seed_from(11);
    let params: [f64; P] = random_vec(&mut rng, 1.0);
    let x: SMatrix<f64, I, 2> = random_matrix(&mut rng, 1.0);
    let y = SMatrix::<f64, O, 2>::zeros();
    let dy: SMatrix<f64, O, 2> = random_matrix(&mut rng, 1.0);
    let rx: Vec<f64> = (0..COUNT * I * 2).map(|_| rng.uniform()).collect();
    let rdy: Vec<f64> = (0..COUNT * O * 2).map(|_| rng.uniform()).collect();
    let full = |from: usize| {
        let mut rows = vec![f64::NAN; COUNT * P];
        let mut scratch = [0.0; P];
        layer.r_backward_block(
            &params,
            Directions::Unit { first: 2 },
            &x,
            &y,
            &(),
            &(),
            Some(&rx),
            &dy,
            &rdy,
            None,
            &mut GradRows {
                data: &mut rows,
                stride: P,
                from,
            },
            &mut BlockContext {
                scratch: &mut scratch,
                kernel: Kernel::Portable,
            },
        );
        rows
    };
    let all = full(0);
    for from in [1, 4, 7, 12, 14, 16] {
        let part = full(from);
        let first_written = (from / I).min(O) * I;
        for k in 0..COUNT {
            for j in 0..P {
                let (got, want) = (part[k * P + j], all[k * P + j]);
                if j >= from {
                    assert_eq!(got, want, "from {from}, direction {k}, entry {j}");
                } else if j < first_written.min(O * I) {
                    assert!(got.is_nan(), "from {from}: entry {j} written");
                }
            }
        }
    }
}

fn check_loss_block<L: Loss<f64, O>, const O: usize, const B: usize>(
    loss: &L,
    output: &SMatrix<f64, O, B>,
    targets: &[L::Target; B],
    rng: &mut Rng,
) {
    let directions: Vec<f64> = (0..COUNT * O * B)
        .map(|_| rng.uniform_in(-1.0, 1.0))
        .collect();
    let mut products = vec![0.0; directions.len()];
    loss.hessian_product_block(output, targets, &directions, &mut products);
    for k in 0..COUNT {
        let d = tangent::<f64, O, B>(&directions, k);
        let mut p = SMatrix::<f64, O, B>::zeros();
        loss.hessian_product(output, targets, &d, &mut p);
        assert_all_close(
            &products[k * O * B..(k + 1) * O * B],
            p.as_slice(),
            1e-15,
            "loss block",
        );
    }
}

#[test]
fn every_loss_block_equals_its_directions() {
    let mut rng = Rng::seed_from(12);
    let out: SMatrix<f64, 3, 4> = random_matrix(&mut rng, 2.0);
    let regression: [[f64; 3]; 4] = core::array::from_fn(|_| random_vec(&mut rng, 1.0));
    let binary: [[f64; 3]; 4] = core::array::from_fn(|_| core::array::from_fn(|_| rng.uniform()));
    let classes: [usize; 4] = core::array::from_fn(|_| rng.below(3));
    check_loss_block(&Mse, &out, &regression, &mut rng);
    check_loss_block(&BceWithLogits, &out, &binary, &mut rng);
    let probabilities = out.map(|z| 0.05 + 0.9 * constnet::math::sigmoid(z));
    check_loss_block(&Bce, &probabilities, &binary, &mut rng);
    check_loss_block(&CrossEntropy, &out, &classes, &mut rng);
    check_loss_block(
        &CrossEntropyOneHot,
        &out,
        &regression.map(|t| t.map(f64::abs)),
        &mut rng,
    );
}
