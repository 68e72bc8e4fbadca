//! Symmetry tools, gradient flow, conditioning, Newton steps, metrics,
//! big numbers, record rings and interop.

use constnet::diagnostics::gradient_flow::{
    Verdict as Growth, layer_gradient_norms, matrix_power, orbit_norms, singular_values,
    weight_spectrum,
};
use constnet::diagnostics::symmetry::{
    HiddenLayer, Symmetry, canonicalize, distance_modulo_symmetry, equivalent_parameterizations,
    flip_units, log10_equivalent_parameterizations, permute_units,
};
use constnet::diagnostics::{
    BigNat, CurvatureGrowth, GradientCurvature as StepCurvature, Records, Ring,
};
use constnet::interop::rust_source::{RustSource, rust_source};
use constnet::interop::safetensors::{Names, load, to_bytes};
use constnet::metrics::{accuracy, argmax, binary_accuracy};
use constnet::nalgebra::{SMatrix, SVector};
use constnet::newton::{Method, step};
use constnet::prelude::*;

use crate::harness::{Fuzz, Verdict, any, finite, typed};
use crate::models::{Mlp, Normed, Recurrent};

const NAMES: [&str; 9] = ["fc", "act", "out", "bn", "rnn", "", "fc ", "\u{0}", "FC"];

#[allow(clippy::too_many_lines, reason = "one check per entry point")]
pub fn run() {
    let mut fuzz = Fuzz::new("tools");
    fuzz.check("permute_units keeps the function", 1, |g| {
        let mut net = Mlp::<f64>::seeded(g.u64());
        let x = SMatrix::<f64, 2, 3>::from_fn(|_, _| g.moderate());
        let before = net.forward(&x);
        let perm: Vec<usize> = if g.coin() {
            let mut p = vec![0, 1, 2];
            constnet::rng::Rng::seed_from(g.u64()).shuffle(&mut p);
            p
        } else {
            (0..g.below(5)).map(|_| g.count()).collect()
        };
        let result = permute_units(&mut net, g.pick(&NAMES), &perm);
        let after = net.forward(&x);
        typed(&result, |()| same(&before, &after))?;
        if result.is_err() && before != after {
            return Err("a refused permutation changed the network".into());
        }
        Ok(Verdict::Accepted)
    });
    fuzz.check("flip_units keeps the function", 1, |g| {
        let mut net = Recurrent::<f64>::seeded(g.u64());
        let x = SMatrix::<f64, 2, 2>::from_fn(|_, _| g.moderate());
        let before = net.forward(&x);
        let flips: Vec<bool> = (0..g.pick(&[3, 0, 2, 4])).map(|_| g.coin()).collect();
        let result = flip_units(&mut net, g.pick(&NAMES), &flips);
        typed(&result, |()| same(&before, &net.forward(&x)))
    });
    fuzz.check("HiddenLayer at, named, permute/flip slices", 1, |g| {
        let layers = <Normed as Network<f32, 2, 2, { Normed::<f32>::PARAMS }>>::LAYERS;
        let hidden = if g.coin() {
            HiddenLayer::at(layers, g.count())
        } else {
            HiddenLayer::named(layers, g.pick(&NAMES))
        };
        let hidden = match hidden {
            Ok(h) => h,
            Err(e) => return typed::<(), _>(&Err(e), any),
        };
        let mut params = vec![
            0.0_f32;
            if g.coin() {
                Normed::<f32>::PARAMS
            } else {
                g.below(40)
            }
        ];
        let perm: Vec<usize> = (0..g.below(5)).map(|_| g.below(4)).collect();
        let _ = hidden.permute_parameters(&mut params, &perm);
        let _ = hidden.permute_buffers(&mut params, &perm);
        let flips: Vec<bool> = (0..g.below(5)).map(|_| g.coin()).collect();
        let _ = hidden.flip_parameters(&mut params, &flips);
        typed(&hidden.flip_buffers(&mut params, &flips), any)
    });
    fuzz.check("canonicalize, distance, counts", 1, |g| {
        let mut a = Normed::<f64>::seeded(g.u64());
        let b = Normed::<f64>::seeded(g.u64());
        let symmetry = g.pick(&[Symmetry::Permutations, Symmetry::PermutationsAndSignFlips]);
        canonicalize(&mut a, symmetry);
        finite(a.parameters(), "canonical parameters")?;
        finite(&[distance_modulo_symmetry(&a, &b, symmetry)], "distance")?;
        let layers = <Normed<f64> as Network<f64, 2, 2, { Normed::<f64>::PARAMS }>>::LAYERS;
        finite(
            &[log10_equivalent_parameterizations(layers, symmetry)],
            "log10 count",
        )?;
        typed(&equivalent_parameterizations::<1>(layers, symmetry), any)
    });
    fuzz.check("gradient flow: spectra, growth, norms", 1, |g| {
        let w = SMatrix::<f64, 3, 3>::from_fn(|_, _| g.mostly_moderate());
        let _ = singular_values(&w);
        let _ = matrix_power(&w, g.count());
        let x = SVector::<f64, 3>::from_fn(|_, _| g.moderate());
        let _: Vec<f64> = orbit_norms(&w, &x).take(g.below(8)).collect();
        let _ = Growth::of_growth(g.f64(), g.f64());
        let net = Mlp::<f64>::seeded(g.u64());
        let gradient: [f64; Mlp::<f64>::PARAMS] = g.wild_array();
        let _: Vec<_> = layer_gradient_norms(&net, &gradient).collect();
        match weight_spectrum(&w) {
            Ok(s) => typed(&s.growth(g.count(), g.f64()), any),
            Err(e) => typed::<(), _>(&Err(e), any),
        }
    });
    fuzz.check("conditioning numbers and growth rule", 1, |g| {
        let c = StepCurvature::new(g.f64(), g.f64());
        let _ = (c.predicted_change(g.f64()), c.raises_loss(g.f64()));
        let _ = (c.optimal_step(), c.max_stable_step(), c.rayleigh_quotient());
        let mut growth = match CurvatureGrowth::new(g.count(), g.f64()) {
            Ok(growth) => growth,
            Err(e) => return typed::<(), _>(&Err(e), any),
        };
        for _ in 0..g.below(8) {
            let _ = growth.push(StepCurvature::new(g.f64(), g.f64()));
        }
        let mut ring = Ring::<u8, 3>::new();
        for k in 0..g.below(9) {
            ring.push(k as u8);
        }
        let _ = (ring.get(g.count()), ring.latest(), ring.iter().count());
        Ok(Verdict::Accepted)
    });
    fuzz.check("Newton and saddle-free Newton steps", 1, |g| {
        let m = constnet::nalgebra::DMatrix::from_fn(3, 3, |_, _| g.mostly_moderate());
        let spectrum = match Spectrum::of((&m + m.transpose()) * 0.5) {
            Ok(s) => s,
            Err(e) => return typed::<(), _>(&Err(e), any),
        };
        let len = g.usually(3, 6);
        let gradient = g.values_of::<f64>(len);
        let method = g.pick(&[Method::Newton, Method::SaddleFree]);
        typed(&step(method, &spectrum, &gradient, g.f64()), any)
    });
    fuzz.check("metrics on any data", 1, |g| {
        let _ = argmax(&g.some_values::<f32>(5));
        let net = Mlp::<f32>::seeded(g.u64());
        let xs: Vec<[f32; 2]> = (0..=g.below(5)).map(|_| g.array()).collect();
        let classes: Vec<usize> = xs.iter().map(|_| g.count()).collect();
        let targets: Vec<[f32; 2]> = xs.iter().map(|_| g.wild_array()).collect();
        let threshold = g.f64();
        let a = accuracy(
            &net,
            &Dataset::new(&xs, &classes).map_err(|e| e.to_string())?,
        );
        let b = binary_accuracy(
            &net,
            &Dataset::new(&xs, &targets).map_err(|e| e.to_string())?,
            threshold,
        );
        // What each must refuse, found here without the library's checks:
        // the first class past the 2 outputs, the first target element
        // outside [0, 1] (NaN included).
        let bad_class = classes.iter().position(|&c| c >= 2);
        let bad_target = targets
            .iter()
            .position(|t| t.iter().any(|&v| !(0.0..=1.0).contains(&v)));
        let fraction = |v: &f64| (0.0..=1.0).contains(v);
        let a_ok = match (&a, bad_class) {
            (Ok(v), None) => fraction(v),
            (Err(Error::ClassOutOfRange { sample, .. }), Some(s)) => *sample == s,
            _ => false,
        };
        let b_ok = match (&b, bad_target) {
            _ if !threshold.is_finite() => {
                matches!(b, Err(Error::InvalidHyperParameter { name: "threshold", .. }))
            }
            (Ok(v), None) => fraction(v),
            (Err(Error::InvalidTarget { sample, .. }), Some(s)) => *sample == s,
            _ => false,
        };
        if !(a_ok && b_ok) {
            return Err(format!(
                "accuracies {a:?} (bad class at {bad_class:?}), {b:?} (bad target at {bad_target:?}, threshold {threshold})"
            ));
        }
        Ok(if a.is_ok() && b.is_ok() {
            Verdict::Accepted
        } else {
            Verdict::Refused
        })
    });
    fuzz.check("BigNat arithmetic", 1, |g| {
        let value = if g.coin() {
            u128::from(g.u64() % 1000)
        } else {
            u128::from(g.u64()) * u128::from(g.u64())
        };
        let mut n = match BigNat::<2>::from_u128(value) {
            Ok(n) => n,
            Err(e) => return typed::<(), _>(&Err(e), any),
        };
        let _ = n.mul_small(g.u64());
        let _ = n.mul_pow2(g.u64() % 300);
        let _ = n.mul_factorial(g.pick(&[0, 5, 30, u64::MAX]));
        let _ = BigNat::<2>::zero().mul_factorial(u64::MAX);
        let _ = n.pow(g.below(100) as u32);
        let _ = (n.decimal_digits(), n.log10(), n.to_u128());
        typed(
            &BigNat::<3>::factorial(g.pick(&[0, 1, 20, 40, u64::MAX])),
            any,
        )
    });
    fuzz.check("rust_source with any names", 1, |g| {
        let net = Mlp::<f32>::seeded(g.u64());
        let pieces = [
            "Mlp",
            "crate::models::Mlp",
            "",
            "1bad",
            "a b",
            "r#type",
            "::x",
            "a::",
            "pub",
            "pub(crate)",
            "pub(in x)",
            "MODEL",
            "é",
            "\u{0}",
        ];
        let naming = RustSource {
            type_path: g.pick(&pieces),
            item_name: g.pick(&pieces),
            visibility: g.pick(&pieces),
        };
        typed(&rust_source(&net, &naming), any)
    });
    fuzz.check("safetensors: mutated files", 1, |g| {
        let net = Normed::<f32>::seeded(g.u64());
        let Ok(mut bytes) = to_bytes(&net, &Names::Same) else {
            return Err("to_bytes refused the default names".into());
        };
        for _ in 0..g.below(6) {
            if bytes.is_empty() {
                break;
            }
            let at = g.below(bytes.len());
            match g.below(3) {
                0 => bytes[at] = g.u64() as u8,
                1 => bytes.truncate(at),
                _ => bytes.insert(at, g.u64() as u8),
            }
        }
        let names = g.pick(&[Names::Same, Names::Sequential]);
        typed(
            &load::<f32, Normed<f32>, 2, 2, { Normed::<f32>::PARAMS }>(&bytes, &names),
            |n| finite(n.parameters(), "loaded parameters"),
        )
    });
    fuzz.check("try_from_parts, set_buffers, cast: any state", 1, |g| {
        use crate::models::Normed;
        const NP: usize = Normed::<f64>::PARAMS;
        let buffers: [f64; 6] = if g.coin() { g.wild_array() } else { g.array() };
        let params: [f64; NP] = if g.coin() { g.wild_array() } else { g.array() };
        let built = Normed::<f64>::try_from_parts(params, buffers, [g.u64()]);
        typed(&built, |net| {
            // Accepted buffers: finite, variances >= 0.
            finite(net.buffers(), "buffers")?;
            if net.buffers()[3..].iter().any(|&v| v < 0.0) {
                return Err(format!("negative running variance accepted: {buffers:?}"));
            }
            Ok(())
        })?;
        let mut net = Normed::<f64>::seeded(g.u64());
        let before = net.clone();
        let len = g.usually(6, 9);
        let values = g.values_of::<f64>(len);
        if net.set_buffers(&values).is_err() && net != before {
            return Err("a refused set_buffers changed the network".into());
        }
        let wide = Normed::<f64>::from_parameters(params);
        typed(&wide.cast::<f32>(), |narrow| {
            finite(narrow.parameters(), "cast parameters")
        })
    });
    fuzz.finish();
}

/// The same outputs up to rounding.
fn same<const R: usize, const C: usize>(
    a: &SMatrix<f64, R, C>,
    b: &SMatrix<f64, R, C>,
) -> Result<(), String> {
    let close = a
        .iter()
        .zip(b.iter())
        .all(|(x, y)| (x - y).abs() <= 1e-12 * x.abs().max(1.0));
    if close {
        Ok(())
    } else {
        Err(format!("the function changed: {a} vs {b}"))
    }
}
