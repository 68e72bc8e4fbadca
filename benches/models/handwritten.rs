//! The same three models written by hand with explicit loops over nalgebra
//! static storage (weights column-major `O x I`, the layout a hand-writer
//! picks): the "hand-written nalgebra, loops" baseline,
//! measured in the same run as the generated code.

use constnet::math;
use constnet::nalgebra::{SMatrix, SVector};

/// A dense layer with natural nalgebra layout.
#[derive(Clone)]
pub struct HandDense<const I: usize, const O: usize> {
    pub w: SMatrix<f32, O, I>,
    pub b: SVector<f32, O>,
    pub dw: SMatrix<f32, O, I>,
    pub db: SVector<f32, O>,
}

impl<const I: usize, const O: usize> HandDense<I, O> {
    pub fn new(seed: u64) -> Self {
        let mut rng = constnet::rng::Rng::seed_from(seed);
        let bound = 1.0 / (I as f64).sqrt();
        Self {
            w: SMatrix::from_fn(|_, _| rng.uniform_in(-bound, bound) as f32),
            b: SVector::from_fn(|_, _| rng.uniform_in(-bound, bound) as f32),
            dw: SMatrix::zeros(),
            db: SVector::zeros(),
        }
    }

    /// A layer holding PyTorch-ordered values: `weight` `O x I` row-major, then `bias`.
    pub fn from_pytorch(weight: &[f32], bias: &[f32]) -> Self {
        Self {
            w: SMatrix::from_fn(|o, i| weight[o * I + i]),
            b: SVector::from_column_slice(bias),
            dw: SMatrix::zeros(),
            db: SVector::zeros(),
        }
    }

    /// Its values in PyTorch order (weight row-major, bias) appended to `out`.
    pub fn push_pytorch(&self, out: &mut Vec<f32>) {
        for o in 0..O {
            out.extend((0..I).map(|i| self.w[(o, i)]));
        }
        out.extend(self.b.iter());
    }

    #[inline]
    pub fn forward<const B: usize>(&self, x: &SMatrix<f32, I, B>, y: &mut SMatrix<f32, O, B>) {
        for b in 0..B {
            let mut acc = self.b;
            for i in 0..I {
                let xi = x[(i, b)];
                for o in 0..O {
                    acc[o] += self.w[(o, i)] * xi;
                }
            }
            y.set_column(b, &acc);
        }
    }

    #[inline]
    pub fn backward<const B: usize>(
        &mut self,
        x: &SMatrix<f32, I, B>,
        dy: &SMatrix<f32, O, B>,
        dx: Option<&mut SMatrix<f32, I, B>>,
    ) {
        self.dw.fill(0.0);
        self.db.fill(0.0);
        for b in 0..B {
            for i in 0..I {
                let xi = x[(i, b)];
                for o in 0..O {
                    self.dw[(o, i)] += dy[(o, b)] * xi;
                }
            }
            for o in 0..O {
                self.db[o] += dy[(o, b)];
            }
        }
        if let Some(dx) = dx {
            for b in 0..B {
                for i in 0..I {
                    let mut s = 0.0;
                    for o in 0..O {
                        s += self.w[(o, i)] * dy[(o, b)];
                    }
                    dx[(i, b)] = s;
                }
            }
        }
    }

    #[inline]
    pub fn sgd(&mut self, lr: f32) {
        for (w, g) in self.w.iter_mut().zip(self.dw.iter()) {
            *w -= lr * g;
        }
        for (b, g) in self.b.iter_mut().zip(self.db.iter()) {
            *b -= lr * g;
        }
    }
}

/// XOR by hand: Dense 2->8, tanh, Dense 8->1, BCE with logits.
#[derive(Clone)]
pub struct HandXor {
    pub l1: HandDense<2, 8>,
    pub l2: HandDense<8, 1>,
}

impl HandXor {
    /// The model with constnet's flat PyTorch-ordered parameters (33 values).
    pub fn from_parameters(p: &[f32]) -> Self {
        Self {
            l1: HandDense::from_pytorch(&p[0..16], &p[16..24]),
            l2: HandDense::from_pytorch(&p[24..32], &p[32..33]),
        }
    }

    /// Its parameters in PyTorch order.
    pub fn parameters(&self) -> Vec<f32> {
        let mut out = Vec::new();
        self.l1.push_pytorch(&mut out);
        self.l2.push_pytorch(&mut out);
        out
    }

    pub fn new() -> Self {
        Self {
            l1: HandDense::new(1),
            l2: HandDense::new(2),
        }
    }

    #[inline]
    pub fn infer(&self, x: SMatrix<f32, 2, 1>) -> f32 {
        let mut z = SMatrix::<f32, 8, 1>::zeros();
        self.l1.forward(&x, &mut z);
        let h = z.map(libm::tanhf);
        let mut y = SMatrix::<f32, 1, 1>::zeros();
        self.l2.forward(&h, &mut y);
        y[0]
    }

    #[inline]
    pub fn train_step(&mut self, x: &SMatrix<f32, 2, 4>, t: &[f32; 4], lr: f32) -> f32 {
        let mut z = SMatrix::<f32, 8, 4>::zeros();
        self.l1.forward(x, &mut z);
        let h = z.map(libm::tanhf);
        let mut y = SMatrix::<f32, 1, 4>::zeros();
        self.l2.forward(&h, &mut y);
        let mut loss = 0.0;
        let mut dy = SMatrix::<f32, 1, 4>::zeros();
        for b in 0..4 {
            let zb = y[b];
            loss += math::softplus(zb) - zb * t[b];
            dy[b] = (math::sigmoid(zb) - t[b]) / 4.0;
        }
        let mut dh = SMatrix::<f32, 8, 4>::zeros();
        self.l2.backward(&h, &dy, Some(&mut dh));
        let dz = dh.zip_map(&h, |d, h| d * (1.0 - h * h));
        self.l1.backward(x, &dz, None);
        self.l1.sgd(lr);
        self.l2.sgd(lr);
        loss / 4.0
    }
}

/// SINE by hand: Dense 1->16, ReLU, Dense 16->16, ReLU, Dense 16->1, MSE.
#[derive(Clone)]
pub struct HandSine {
    pub l1: HandDense<1, 16>,
    pub l2: HandDense<16, 16>,
    pub l3: HandDense<16, 1>,
}

impl HandSine {
    /// The model with constnet's flat PyTorch-ordered parameters (321 values).
    pub fn from_parameters(p: &[f32]) -> Self {
        Self {
            l1: HandDense::from_pytorch(&p[0..16], &p[16..32]),
            l2: HandDense::from_pytorch(&p[32..288], &p[288..304]),
            l3: HandDense::from_pytorch(&p[304..320], &p[320..321]),
        }
    }

    /// Its parameters in PyTorch order.
    pub fn parameters(&self) -> Vec<f32> {
        let mut out = Vec::new();
        self.l1.push_pytorch(&mut out);
        self.l2.push_pytorch(&mut out);
        self.l3.push_pytorch(&mut out);
        out
    }

    pub fn new() -> Self {
        Self {
            l1: HandDense::new(1),
            l2: HandDense::new(2),
            l3: HandDense::new(3),
        }
    }

    #[inline]
    pub fn infer(&self, x: SMatrix<f32, 1, 1>) -> f32 {
        let mut z1 = SMatrix::<f32, 16, 1>::zeros();
        self.l1.forward(&x, &mut z1);
        let h1 = z1.map(|v| v.max(0.0));
        let mut z2 = SMatrix::<f32, 16, 1>::zeros();
        self.l2.forward(&h1, &mut z2);
        let h2 = z2.map(|v| v.max(0.0));
        let mut y = SMatrix::<f32, 1, 1>::zeros();
        self.l3.forward(&h2, &mut y);
        y[0]
    }

    #[inline]
    pub fn train_step(&mut self, x: &SMatrix<f32, 1, 32>, t: &[f32; 32], lr: f32) -> f32 {
        let mut z1 = SMatrix::<f32, 16, 32>::zeros();
        self.l1.forward(x, &mut z1);
        let h1 = z1.map(|v| v.max(0.0));
        let mut z2 = SMatrix::<f32, 16, 32>::zeros();
        self.l2.forward(&h1, &mut z2);
        let h2 = z2.map(|v| v.max(0.0));
        let mut y = SMatrix::<f32, 1, 32>::zeros();
        self.l3.forward(&h2, &mut y);
        let mut loss = 0.0;
        let mut dy = SMatrix::<f32, 1, 32>::zeros();
        for b in 0..32 {
            let r = y[b] - t[b];
            loss += r * r;
            dy[b] = 2.0 * r / 32.0;
        }
        let mut dh2 = SMatrix::<f32, 16, 32>::zeros();
        self.l3.backward(&h2, &dy, Some(&mut dh2));
        let dz2 = dh2.zip_map(&z2, |d, z| if z > 0.0 { d } else { 0.0 });
        let mut dh1 = SMatrix::<f32, 16, 32>::zeros();
        self.l2.backward(&h1, &dz2, Some(&mut dh1));
        let dz1 = dh1.zip_map(&z1, |d, z| if z > 0.0 { d } else { 0.0 });
        self.l1.backward(x, &dz1, None);
        self.l1.sgd(lr);
        self.l2.sgd(lr);
        self.l3.sgd(lr);
        loss / 32.0
    }
}

/// DIGITS by hand: Dense 64->32, ReLU, Dense 32->10, softmax cross-entropy.
#[derive(Clone)]
pub struct HandDigits {
    pub l1: HandDense<64, 32>,
    pub l2: HandDense<32, 10>,
}

impl HandDigits {
    /// The model with constnet's flat PyTorch-ordered parameters (2410 values).
    pub fn from_parameters(p: &[f32]) -> Self {
        Self {
            l1: HandDense::from_pytorch(&p[0..2048], &p[2048..2080]),
            l2: HandDense::from_pytorch(&p[2080..2400], &p[2400..2410]),
        }
    }

    /// Its parameters in PyTorch order.
    pub fn parameters(&self) -> Vec<f32> {
        let mut out = Vec::new();
        self.l1.push_pytorch(&mut out);
        self.l2.push_pytorch(&mut out);
        out
    }

    pub fn new() -> Self {
        Self {
            l1: HandDense::new(1),
            l2: HandDense::new(2),
        }
    }

    #[inline]
    pub fn infer(&self, x: &SMatrix<f32, 64, 1>) -> SMatrix<f32, 10, 1> {
        let mut z = SMatrix::<f32, 32, 1>::zeros();
        self.l1.forward(x, &mut z);
        let h = z.map(|v| v.max(0.0));
        let mut y = SMatrix::<f32, 10, 1>::zeros();
        self.l2.forward(&h, &mut y);
        y
    }

    #[inline]
    pub fn train_step(&mut self, x: &SMatrix<f32, 64, 32>, labels: &[usize; 32], lr: f32) -> f32 {
        let mut z = SMatrix::<f32, 32, 32>::zeros();
        self.l1.forward(x, &mut z);
        let h = z.map(|v| v.max(0.0));
        let mut y = SMatrix::<f32, 10, 32>::zeros();
        self.l2.forward(&h, &mut y);
        let mut loss = 0.0;
        let mut dy = SMatrix::<f32, 10, 32>::zeros();
        for b in 0..32 {
            let column = y.column(b);
            let max = column.max();
            let mut sum = 0.0;
            for o in 0..10 {
                let e = math::exp(column[o] - max);
                dy[(o, b)] = e;
                sum += e;
            }
            loss += max + math::ln(sum) - column[labels[b]];
            for o in 0..10 {
                dy[(o, b)] /= sum * 32.0;
            }
            dy[(labels[b], b)] -= 1.0 / 32.0;
        }
        let mut dh = SMatrix::<f32, 32, 32>::zeros();
        self.l2.backward(&h, &dy, Some(&mut dh));
        let dz = dh.zip_map(&z, |d, z| if z > 0.0 { d } else { 0.0 });
        self.l1.backward(x, &dz, None);
        self.l1.sgd(lr);
        self.l2.sgd(lr);
        loss / 32.0
    }
}
