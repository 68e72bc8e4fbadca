//! Permutation symmetry of declared networks: permuting (and, through odd
//! activations, negating) hidden units keeps the function, maps the
//! gradient to `S g` and the Hessian to `S H S^T` (checked with
//! Hessian-vector products, `H'(S v) = S (H v)`); layers that cannot be
//! permuted are refused with a typed error; counts of equivalent
//! parameterizations are exact (against values computed independently);
//! a randomly permuted and flipped copy has the same canonical form and
//! distance 0.

use crate::common::models::{Mixed, Xor};
use crate::common::{assert_all_close, random_matrix, random_vec};
use constnet::diagnostics::symmetry::{
    HiddenLayer, Symmetry, SymmetryError, canonicalize, distance_modulo_symmetry,
    equivalent_parameterizations, flip_units, log10_equivalent_parameterizations, permute_units,
};
use constnet::diagnostics::{BigNat, SymmetryCount};
use constnet::prelude::*;

network! {
    /// Three hidden tanh layers of 8 units: (8!)^3 permutations.
    struct Deep {
        fc1: Dense<2, 8>,
        t1: Tanh,
        fc2: Dense<8, 8>,
        t2: Tanh,
        fc3: Dense<8, 8>,
        t3: Tanh,
        out: Dense<8, 1>,
    }

    /// One hidden ReLU layer of 20 units: 20! permutations.
    struct Wide {
        fc: Dense<1, 20>,
        act: ReLU,
        out: Dense<20, 1>,
    }

    /// Two hidden ReLU layers of 100 units: (100!)^2.
    struct Hundred {
        fc1: Dense<1, 100>,
        r1: ReLU,
        fc2: Dense<100, 100>,
        r2: ReLU,
        out: Dense<100, 1>,
    }
}

/// Tolerance for quantities that differ only by the order of a sum.
pub(super) const ROUNDING: f64 = 1e-12;

pub(super) fn random_permutation(rng: &mut Rng, n: usize) -> Vec<usize> {
    let mut perm: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut perm);
    perm
}

pub(super) fn random_flips(rng: &mut Rng, n: usize) -> Vec<bool> {
    (0..n).map(|_| rng.sign() < 0.0).collect()
}

/// Checks that `moved` is `net` under the signed permutation `map` (applied
/// to parameter-space vectors): same outputs, gradient `S g`, and
/// `H'(S v) = S (H v)`.
pub(super) fn assert_symmetric<N, const I: usize, const O: usize, const P: usize>(
    net: &N,
    moved: &N,
    map: impl Fn(&mut [f64; P]),
    seed: u64,
) where
    N: Network<f64, I, O, P>,
{
    let mut rng = Rng::seed_from(seed);
    let x: SMatrix<f64, I, 6> = random_matrix(&mut rng, 2.0);
    let (y, y_moved) = (net.forward(&x), moved.forward(&x));
    assert_all_close(y_moved.as_slice(), y.as_slice(), ROUNDING, "outputs");
    assert_ne!(
        net.parameters(),
        moved.parameters(),
        "the map moved something"
    );

    let targets: [[f64; O]; 6] = core::array::from_fn(|_| random_vec(&mut rng, 1.0));
    let v: [f64; P] = random_vec(&mut rng, 1.0);
    let (mut g, mut hv) = ([0.0; P], [0.0; P]);
    let loss = net
        .hessian_vector_product(&Mse, &x, &targets, &v, &mut g, &mut hv)
        .unwrap();
    let mut sv = v;
    map(&mut sv);
    let (mut g_moved, mut hv_moved) = ([0.0; P], [0.0; P]);
    let loss_moved = moved
        .hessian_vector_product(&Mse, &x, &targets, &sv, &mut g_moved, &mut hv_moved)
        .unwrap();
    assert!((loss - loss_moved).abs() <= ROUNDING * loss.abs().max(1.0));
    map(&mut g);
    map(&mut hv);
    assert_all_close(&g_moved, &g, ROUNDING, "gradient S g");
    assert_all_close(&hv_moved, &hv, ROUNDING, "Hessian S H S^T (S v)");
}

#[test]
fn permuting_any_hidden_layer_keeps_the_function_and_maps_the_derivatives() {
    let layers = <Mixed as Network<f32, 3, 3, 98>>::LAYERS;
    for seed in 0..3 {
        let net = Mixed::<f64>::seeded(seed);
        let mut rng = Rng::seed_from(100 + seed);
        for name in ["fc1", "fc2", "fc3"] {
            let hidden = HiddenLayer::named(layers, name).unwrap();
            let perm = random_permutation(&mut rng, hidden.units());
            let mut moved = net.clone();
            permute_units(&mut moved, name, &perm).unwrap();
            let map = |v: &mut [f64; 98]| hidden.permute_parameters(v, &perm).unwrap();
            assert_symmetric(&net, &moved, map, seed);
        }
    }
}

#[test]
fn negating_units_through_odd_layers_keeps_the_function_and_maps_the_derivatives() {
    let layers = <Mixed as Network<f32, 3, 3, 98>>::LAYERS;
    let hidden = HiddenLayer::named(layers, "fc3").unwrap();
    assert!(hidden.is_odd());
    for seed in 0..3 {
        let net = Mixed::<f64>::seeded(seed);
        let mut rng = Rng::seed_from(200 + seed);
        let mut flips = random_flips(&mut rng, 4);
        flips[0] = true;
        let perm = random_permutation(&mut rng, 4);
        let mut moved = net.clone();
        permute_units(&mut moved, "fc3", &perm).unwrap();
        flip_units(&mut moved, "fc3", &flips).unwrap();
        let map = |v: &mut [f64; 98]| {
            hidden.permute_parameters(v, &perm).unwrap();
            hidden.flip_parameters(v, &flips).unwrap();
        };
        assert_symmetric(&net, &moved, map, seed);
    }
}

#[test]
fn permuting_moves_exactly_the_units_rows_bias_and_columns() {
    // XOR: hidden.weight [8, 2] at 0, hidden.bias [8] at 16, out.weight [1, 8] at 24.
    let mut net = Xor::<f64>::from_parameters(core::array::from_fn(|k| k as f64));
    let perm = [1, 0, 2, 3, 4, 5, 7, 6];
    permute_units(&mut net, "hidden", &perm).unwrap();
    let p = net.parameters();
    assert_eq!(&p[0..6], &[2.0, 3.0, 0.0, 1.0, 4.0, 5.0]);
    assert_eq!(&p[12..16], &[14.0, 15.0, 12.0, 13.0]);
    assert_eq!(&p[16..18], &[17.0, 16.0]);
    assert_eq!(&p[22..24], &[23.0, 22.0]);
    assert_eq!(
        &p[24..33],
        &[25.0, 24.0, 26.0, 27.0, 28.0, 29.0, 31.0, 30.0, 32.0]
    );
    flip_units(
        &mut net,
        "hidden",
        &[true, false, false, false, false, false, false, false],
    )
    .unwrap();
    let p = net.parameters();
    assert_eq!(
        (p[0], p[1], p[16], p[24], p[25], p[32]),
        (-2.0, -3.0, -17.0, -25.0, 24.0, 32.0)
    );
}

#[test]
fn layers_that_cannot_be_permuted_are_refused_with_a_reason() {
    let xor = <Xor as Network<f32, 2, 1, 33>>::LAYERS;
    let mixed = <Mixed as Network<f32, 3, 3, 98>>::LAYERS;
    let err = |r: constnet::Result<HiddenLayer>| match r {
        Err(Error::Symmetry(e)) => e,
        other => panic!("expected a symmetry error, got {other:?}"),
    };
    assert_eq!(
        err(HiddenLayer::named(xor, "out")),
        SymmetryError::OutputLayer { layer: "out" }
    );
    // Softmax after the last Dense layer does not make it hidden.
    assert_eq!(
        err(HiddenLayer::named(mixed, "fc4")),
        SymmetryError::OutputLayer { layer: "fc4" }
    );
    assert_eq!(
        err(HiddenLayer::named(xor, "act")),
        SymmetryError::NotComputing {
            layer: "act",
            kind: "Tanh"
        }
    );
    assert_eq!(
        err(HiddenLayer::named(xor, "nope")),
        SymmetryError::UnknownName { layers: xor }
    );
    assert_eq!(
        err(HiddenLayer::named(xor, "nope")).to_string(),
        "no layer has the name given; the layers are: `hidden`, `act`, `out`"
    );
    assert_eq!(
        err(HiddenLayer::at(xor, 3)),
        SymmetryError::NoSuchLayer {
            index: 3,
            layers: 3
        }
    );

    let mut net = Mixed::<f64>::seeded(1);
    let before = *net.parameters();
    assert_eq!(
        flip_units(&mut net, "fc1", &[true; 6]),
        Err(Error::Symmetry(SymmetryError::NotOdd {
            layer: "fc1",
            by: "a1",
            kind: "LeakyReLU"
        }))
    );
    let bad = SymmetryError::BadPermutation {
        layer: "fc2",
        units: 5,
        given: 5,
    };
    assert_eq!(
        permute_units(&mut net, "fc2", &[0, 1, 2, 3, 3]),
        Err(Error::Symmetry(bad))
    );
    assert!(permute_units(&mut net, "fc2", &[0, 1, 2, 3]).is_err());
    assert!(flip_units(&mut net, "fc3", &[true; 3]).is_err());
    assert_eq!(
        *net.parameters(),
        before,
        "refused operations change nothing"
    );
    let hidden = HiddenLayer::named(mixed, "fc2").unwrap();
    assert!(matches!(
        hidden.permute_parameters(&mut [0.0_f64; 97], &[0, 1, 2, 3, 4]),
        Err(Error::BufferLength {
            given: 97,
            required: 98,
            ..
        })
    ));
    let all: Vec<&str> = HiddenLayer::all(mixed).map(|h| h.name()).collect();
    assert_eq!(all, ["fc1", "fc2", "fc3"]);
}

#[test]
fn counts_are_exact_big_numbers() {
    let count = |layers, symmetry| -> SymmetryCount {
        equivalent_parameterizations(layers, symmetry).unwrap()
    };
    let (plain, signed) = (Symmetry::Permutations, Symmetry::PermutationsAndSignFlips);
    let wide = <Wide as Network<f32, 1, 1, 61>>::LAYERS;
    assert_eq!(count(wide, plain).to_string(), "2432902008176640000"); // 20!
    // ReLU is not odd: sign flips add nothing.
    assert_eq!(count(wide, signed).to_string(), "2432902008176640000");
    let deep = <Deep as Network<f32, 2, 1, 177>>::LAYERS;
    assert_eq!(count(deep, plain).to_string(), "65548320768000"); // (8!)^3
    assert_eq!(count(deep, signed).to_string(), "1099718335962021888000"); // (8! 2^8)^3
    let hundred = <Hundred as Network<f32, 1, 1, 10401>>::LAYERS;
    let big = count(hundred, plain);
    let expected = "8709782489089480079416590161944485865569720643940840134215932536243379996346583325877967096332754920644690380762219607476364289411435920190573960677507881394607489905331729758013432992987184764607375889434313483382966801515156280854162691766195737493173453603519594496000000000000000000000000000000000000000000000000";
    assert_eq!(big.to_string(), expected); // (100!)^2
    assert_eq!(big.decimal_digits(), 316);
    assert!((big.log10() - 315.940_007_309_431_56).abs() < 1e-12);
    let log10 = log10_equivalent_parameterizations(hundred, plain);
    assert!((log10 - 315.940_007_309_431_56).abs() < 1e-9);
    let mixed = <Mixed as Network<f32, 3, 3, 98>>::LAYERS;
    // 6! 5! 4!, and 2^4 for the odd fc3.
    assert_eq!(count(mixed, plain).to_u128(), Some(720 * 120 * 24));
    assert_eq!(count(mixed, signed).to_u128(), Some(720 * 120 * 24 * 16));
    assert!(
        (log10_equivalent_parameterizations(mixed, signed)
            - (720.0_f64 * 120.0 * 24.0 * 16.0).log10())
        .abs()
            < 1e-12
    );
    // Too small a capacity is an error, not a wrong number.
    assert!(matches!(
        equivalent_parameterizations::<1>(wide, plain),
        Err(Error::CapacityExceeded { capacity: 1, .. })
    ));
    assert!(equivalent_parameterizations::<2>(wide, plain).is_ok());
    assert_eq!(
        BigNat::<2>::factorial(20).unwrap().to_u128(),
        Some(2_432_902_008_176_640_000)
    );
}

/// A copy of `net` with every hidden layer randomly permuted and, where
/// allowed, randomly negated.
fn scrambled(net: &Mixed<f64>, rng: &mut Rng) -> Mixed<f64> {
    let mut moved = net.clone();
    for hidden in HiddenLayer::all(<Mixed as Network<f32, 3, 3, 98>>::LAYERS) {
        let perm = random_permutation(rng, hidden.units());
        permute_units(&mut moved, hidden.name(), &perm).unwrap();
        if hidden.is_odd() {
            flip_units(
                &mut moved,
                hidden.name(),
                &random_flips(rng, hidden.units()),
            )
            .unwrap();
        }
    }
    moved
}

#[test]
fn a_scrambled_copy_has_the_same_canonical_form_and_distance_zero() {
    let signs = Symmetry::PermutationsAndSignFlips;
    for seed in 0..4 {
        let net = Mixed::<f64>::seeded(seed);
        let mut rng = Rng::seed_from(300 + seed);
        let copy = scrambled(&net, &mut rng);
        assert_ne!(copy.parameters(), net.parameters());
        assert_eq!(distance_modulo_symmetry(&net, &copy, signs), 0.0);
        let (mut a, mut b) = (net.clone(), copy);
        canonicalize(&mut a, signs);
        canonicalize(&mut b, signs);
        assert_eq!(a.parameters(), b.parameters());
        // Canonical is idempotent and keeps the function.
        let mut again = a.clone();
        canonicalize(&mut again, signs);
        assert_eq!(again.parameters(), a.parameters());
        let x: SMatrix<f64, 3, 5> = random_matrix(&mut rng, 2.0);
        assert_all_close(
            a.forward(&x).as_slice(),
            net.forward(&x).as_slice(),
            ROUNDING,
            "f",
        );

        // Without sign flips, a negated copy is a different point.
        let mut negated = net.clone();
        flip_units(&mut negated, "fc3", &[true, false, false, false]).unwrap();
        assert_eq!(distance_modulo_symmetry(&net, &negated, signs), 0.0);
        assert!(distance_modulo_symmetry(&net, &negated, Symmetry::Permutations) > 0.1);
        // A network from another seed is far away.
        let other = Mixed::<f64>::seeded(seed + 10);
        assert!(distance_modulo_symmetry(&net, &other, signs) > 0.1);
    }
}

#[test]
fn the_canonical_form_follows_the_documented_key() {
    let mut net = Xor::<f64>::seeded(5);
    canonicalize(&mut net, Symmetry::PermutationsAndSignFlips);
    let p = net.parameters();
    let unit = |i: usize| [p[2 * i], p[2 * i + 1], p[16 + i]];
    for i in 0..8 {
        let [w0, w1, b] = unit(i);
        // The incoming entry of largest magnitude is positive.
        let largest = [w0, w1, b]
            .into_iter()
            .fold(0.0_f64, |m, v| if v.abs() > m.abs() { v } else { m });
        assert!(largest > 0.0, "unit {i}: {:?}", unit(i));
        // Sorted by incoming weights, then bias.
        if i > 0 {
            assert!(unit(i - 1) <= unit(i), "units {} and {i}", i - 1);
        }
    }
}
