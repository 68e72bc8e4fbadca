//! The three models in dfdx 0.13 (its `Cpu` device, f32), loaded with
//! constnet's parameters: dfdx's `Linear` stores `weight` as `out x in` and
//! then `bias`, PyTorch's order, so the flat vector maps one to one.

use dfdx::losses::{
    binary_cross_entropy_with_logits_loss, cross_entropy_with_logits_loss, mse_loss,
};
use dfdx::nn::builders::{Linear, ReLU, Tanh};
use dfdx::nn::{BuildOnDevice, DeviceBuildExt, Module, ModuleMut, ZeroGrads};
use dfdx::optim::{Optimizer, Sgd, SgdConfig};
use dfdx::prelude::{AsArray, Const, Cpu, Gradients, Tensor, Trace};
use dfdx::tensor::TensorFromVec;
use dfdx::tensor_ops::Backward;

type XorArch = (Linear<2, 8>, Tanh, Linear<8, 1>);
type SineArch = (Linear<1, 16>, ReLU, Linear<16, 16>, ReLU, Linear<16, 1>);
type DigitsArch = (Linear<64, 32>, ReLU, Linear<32, 10>);

macro_rules! dfdx_model {
    ($name:ident, $arch:ty, $inputs:literal, $outputs:literal, $batch:literal, $loss:ident,
     load: |$m:ident, $p:ident| $load:block) => {
        /// The model, its gradients, SGD and one fixed batch (`B x I`, targets `B x O`).
        pub struct $name {
            model: <$arch as BuildOnDevice<Cpu, f32>>::Built,
            grads: Option<Gradients<f32, Cpu>>,
            sgd: Sgd<<$arch as BuildOnDevice<Cpu, f32>>::Built, f32, Cpu>,
            x: Tensor<(Const<$batch>, Const<$inputs>), f32, Cpu>,
            targets: Tensor<(Const<$batch>, Const<$outputs>), f32, Cpu>,
            sample: Tensor<(Const<$inputs>,), f32, Cpu>,
        }

        impl $name {
            /// `params` in PyTorch order; `x` one sample after another;
            /// `targets` `B x O` (one-hot for cross-entropy).
            pub fn new(params: &[f32], x: &[f32], targets: &[f32], lr: f64) -> Self {
                let dev = Cpu::default();
                let mut $m = dev.build_module::<$arch, f32>();
                let $p = params;
                $load
                let grads = Some($m.alloc_grads());
                let sgd = Sgd::new(&$m, SgdConfig { lr, momentum: None, weight_decay: None });
                Self {
                    x: dev.tensor_from_vec(x.to_vec(), (Const, Const)),
                    targets: dev.tensor_from_vec(targets.to_vec(), (Const, Const)),
                    sample: dev.tensor_from_vec(x[..$inputs].to_vec(), (Const,)),
                    model: $m,
                    grads,
                    sgd,
                }
            }

            /// Forward, loss, backward and one SGD update; returns the loss.
            pub fn train_step(&mut self) -> f32 {
                let grads = self.grads.take().expect("gradients are put back after each step");
                let y = self.model.forward_mut(self.x.trace(grads));
                let loss = $loss(y, self.targets.clone());
                let value = loss.array();
                let mut grads = loss.backward();
                self.sgd.update(&mut self.model, &grads).expect("every parameter has a gradient");
                self.model.zero_grads(&mut grads);
                self.grads = Some(grads);
                value
            }

            /// Inference on the batch's first sample.
            pub fn infer(&self) -> [f32; $outputs] {
                self.model.forward(self.sample.clone()).array()
            }
        }

        impl crate::Contender for $name {
            fn train_step(&mut self) -> f32 {
                $name::train_step(self)
            }
            fn infer(&self) -> f32 {
                $name::infer(self)[0]
            }
        }
    };
}

dfdx_model!(DfdxXor, XorArch, 2, 1, 4, binary_cross_entropy_with_logits_loss, load: |m, p| {
    m.0.weight.copy_from(&p[0..16]);
    m.0.bias.copy_from(&p[16..24]);
    m.2.weight.copy_from(&p[24..32]);
    m.2.bias.copy_from(&p[32..33]);
});

dfdx_model!(DfdxSine, SineArch, 1, 1, 32, mse_loss, load: |m, p| {
    m.0.weight.copy_from(&p[0..16]);
    m.0.bias.copy_from(&p[16..32]);
    m.2.weight.copy_from(&p[32..288]);
    m.2.bias.copy_from(&p[288..304]);
    m.4.weight.copy_from(&p[304..320]);
    m.4.bias.copy_from(&p[320..321]);
});

dfdx_model!(DfdxDigits, DigitsArch, 64, 10, 32, cross_entropy_with_logits_loss, load: |m, p| {
    m.0.weight.copy_from(&p[0..2048]);
    m.0.bias.copy_from(&p[2048..2080]);
    m.2.weight.copy_from(&p[2080..2400]);
    m.2.bias.copy_from(&p[2400..2410]);
});
