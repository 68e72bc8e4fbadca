//! safetensors import and export with PyTorch's names (`std`).
//!
//! A `state_dict` that PyTorch saved with `safetensors.torch.save_file` for
//! the equivalent model loads straight into a declared network, and a
//! network saves to a file that `model.load_state_dict(load_file(path))`
//! takes back. The names are PyTorch's: `<layer>.weight` and `<layer>.bias`
//! (a dense weight is `[out, in]`, as `nn.Linear` stores it, a convolution
//! weight `[out, in / groups, *kernel]`, as `nn.Conv1d` and `nn.Conv2d`
//! store it), batch norm's
//! `running_mean`, `running_var` and `num_batches_tracked` (an `I64` scalar
//! of shape `[]`, one per batch-norm layer), and `nn.RNN`'s
//! `weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0` and `bias_hh_l0`.
//!
//! | file | into `f32` | into `f64` |
//! |---|---|---|
//! | `F32` | exact | exact |
//! | `F64` | rounded to nearest | exact |
//! | `F16`, `BF16` | exact | exact |
//!
//! Export writes the network's own scalar (`F32` or `F64`).
//!
//! - **Names.** [`Names::Same`] when the PyTorch modules have the layer
//!   names; [`Names::Sequential`] for an `nn.Sequential`, which numbers
//!   its modules `0`, `1`, `2`, ... (activations count, so declare the
//!   network layer for layer like the `Sequential`); [`Names::Map`] for any
//!   other correspondence (PyTorch module path, layer name).
//! - **`nn.RNN`'s two biases.** They only ever appear summed
//!   (`W_ih x + b_ih + W_hh h + b_hh`), and constnet's `Rnn` keeps their
//!   sum `bias`: import adds `bias_ih_l0` and `bias_hh_l0` (in `f64`,
//!   rounded once); export writes `bias_ih_l0 = bias` and
//!   `bias_hh_l0 = 0`, which PyTorch loads to the same function.
//! - **Counts of tracked batches.** PyTorch keeps `num_batches_tracked`
//!   per batch-norm layer, and so does a constnet network
//!   ([`Network::batches_tracked`], one count per layer whose properties
//!   count batches, at its [`LayerInfo::counter`]): import reads each
//!   layer's own count (an `I64` scalar of shape `[]`, not negative; the
//!   counts may differ, as in a model assembled from parts trained apart)
//!   and export writes each layer's own. A file without a layer's count is
//!   refused ([`SafetensorsError::MissingTensor`]), as for any tensor.
//! - **Bad files.** Loading validates the whole file (see [`format`]) and
//!   its fit to the network, then writes the network: any problem is a
//!   [`SafetensorsError`] naming the tensor, the network is left unchanged,
//!   and no input makes it panic.
//!
//! The reader is written on `serde_json` rather than on the `safetensors`
//! crate: that crate reads the header into a hash map, so of two entries
//! with one name it silently keeps the last, and its errors for an entry
//! whose shape, dtype and offsets disagree, or whose size overflows, do not
//! name the tensor. The tests check this reader and writer against the
//! `safetensors` crate and against files made by the Python package.

mod error;
pub mod format;
mod values;

use std::borrow::ToOwned;
use std::collections::BTreeMap;
use std::string::{String, ToString};
use std::vec;
use std::vec::Vec;

pub use error::SafetensorsError;
use format::{Dtype, Entry};
use values::{finite_in, nonnegative, read_count, representable};

use crate::layer::{Domain, TensorShape};
use crate::network::{LayerInfo, Network};
use crate::rng::Rng;
use crate::scalar::Float;

/// How a file's tensor names relate to a network's layer names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Names<'a> {
    /// `<layer>.weight`: the PyTorch modules have the layers' names.
    #[default]
    Same,
    /// `nn.Sequential` numbering: the `k`-th layer of the declaration is
    /// module `k` (`0.weight`, `2.weight`, ...).
    Sequential,
    /// `(PyTorch module path, layer name)` pairs, such as
    /// `("encoder.0", "fc1")`; layers not listed keep their own names.
    Map(&'a [(&'a str, &'a str)]),
}

impl Names<'_> {
    /// The PyTorch module path of each layer, in declaration order.
    fn modules(&self, layers: &[LayerInfo]) -> Result<Vec<String>, SafetensorsError> {
        match *self {
            Self::Same => Ok(layers.iter().map(|l| l.name.to_owned()).collect()),
            Self::Sequential => Ok((0..layers.len()).map(|k| k.to_string()).collect()),
            Self::Map(pairs) => {
                let mut modules: Vec<String> = layers.iter().map(|l| l.name.to_owned()).collect();
                let mut mapped = vec![false; layers.len()];
                for &(module, layer) in pairs {
                    let Some(k) = layers.iter().position(|l| l.name == layer) else {
                        return Err(SafetensorsError::InvalidNameMap {
                            reason: std::format!("the network has no layer `{layer}`"),
                        });
                    };
                    if mapped[k] {
                        return Err(SafetensorsError::InvalidNameMap {
                            reason: std::format!("layer `{layer}` is mapped twice"),
                        });
                    }
                    mapped[k] = true;
                    module.clone_into(&mut modules[k]);
                }
                for (k, module) in modules.iter().enumerate() {
                    if modules[..k].contains(module) {
                        return Err(SafetensorsError::InvalidNameMap {
                            reason: std::format!("two layers map to module `{module}`"),
                        });
                    }
                }
                Ok(modules)
            }
        }
    }
}

/// Where a file tensor's values go in the network.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Slot {
    /// A range of the flat parameters.
    Parameters(core::ops::Range<usize>),
    /// A range of the flat buffers, and the values it may hold.
    Buffers(core::ops::Range<usize>, Domain),
    /// One of `nn.RNN`'s two biases, summed into a range of the parameters
    /// (`true` for the one export writes the sum into).
    BiasPart(core::ops::Range<usize>, bool),
    /// A `num_batches_tracked`: the index of the layer's count in
    /// [`Network::batches_tracked`].
    Count(usize),
}

/// One tensor of the file for a network: its PyTorch name and shape.
#[derive(Clone, Debug)]
struct Planned {
    name: String,
    shape: Vec<usize>,
    slot: Slot,
}

/// PyTorch's shape of a tensor: `[n]`, `[rows, cols]`, or a convolution
/// filter's `[C_out, C_in / groups, *kernel]`.
fn torch_shape(tensor: &TensorShape) -> Vec<usize> {
    let (dims, rank) = tensor.torch_shape();
    dims[..rank].to_vec()
}

/// The tensors of `layers` in PyTorch's `state_dict` order.
fn plan(layers: &[LayerInfo], names: &Names<'_>) -> Result<Vec<Planned>, SafetensorsError> {
    let modules = names.modules(layers)?;
    let mut planned = Vec::new();
    for (layer, module) in layers.iter().zip(&modules) {
        let mut offset = layer.param_offset;
        for tensor in layer.tensors {
            let range = offset..offset + tensor.len();
            offset = range.end;
            let shape = torch_shape(tensor);
            if tensor.torch_parts.is_empty() {
                planned.push(Planned {
                    name: std::format!("{module}.{}", tensor.name),
                    shape,
                    slot: Slot::Parameters(range),
                });
            } else {
                // PyTorch keeps this tensor as a sum (nn.RNN's two biases):
                // the first part carries it, the others are zero.
                for (k, part) in tensor.torch_parts.iter().enumerate() {
                    let slot = Slot::BiasPart(range.clone(), k == 0);
                    planned.push(Planned {
                        name: std::format!("{module}.{part}"),
                        shape: shape.clone(),
                        slot,
                    });
                }
            }
        }
        let mut offset = layer.buffer_offset;
        for tensor in layer.buffer_tensors {
            let range = offset..offset + tensor.len();
            offset = range.end;
            let shape = torch_shape(tensor);
            planned.push(Planned {
                name: std::format!("{module}.{}", tensor.name),
                shape,
                slot: Slot::Buffers(range, tensor.domain),
            });
        }
        if let Some(index) = layer.counter {
            planned.push(Planned {
                name: std::format!("{module}.num_batches_tracked"),
                shape: vec![],
                slot: Slot::Count(index),
            });
        }
    }
    Ok(planned)
}

/// Loads the tensors of a safetensors file (its bytes) into `net`.
///
/// # Errors
///
/// [`SafetensorsError`] for a malformed file, a missing, unexpected,
/// mis-shaped or mis-typed tensor, a negative count, or a value the
/// network cannot hold ([`SafetensorsError::InvalidValue`]: NaN, infinite,
/// beyond the range of `T`, or a negative running variance); `net` is then
/// unchanged.
pub fn load_into<T, N, const I: usize, const O: usize, const P: usize>(
    net: &mut N,
    bytes: &[u8],
    names: &Names<'_>,
) -> Result<(), SafetensorsError>
where
    T: Float,
    N: Network<T, I, O, P>,
{
    const FLOATS: &str = "F32, F64, F16 or BF16";
    let entries = format::parse(bytes)?;
    let mut by_name: BTreeMap<&str, &Entry<'_>> =
        entries.iter().map(|e| (e.name.as_str(), e)).collect();
    let mut parameters = vec![0.0_f64; P];
    let mut buffers = vec![0.0_f64; net.buffers().len()];
    let mut counts = vec![0_u64; net.batches_tracked().len()];
    for planned in plan(N::LAYERS, names)? {
        let entry = by_name.remove(planned.name.as_str()).ok_or_else(|| {
            SafetensorsError::MissingTensor {
                tensor: planned.name.clone(),
            }
        })?;
        if entry.shape.len() != planned.shape.len()
            || entry
                .shape
                .iter()
                .zip(&planned.shape)
                .any(|(&f, &n)| f != n as u64)
        {
            return Err(SafetensorsError::WrongShape {
                tensor: entry.name.clone(),
                expected: planned.shape,
                found: entry.shape.clone(),
            });
        }
        match planned.slot {
            Slot::Parameters(range) => {
                parameters[range].copy_from_slice(&representable::<T>(entry, FLOATS)?);
            }
            Slot::Buffers(range, domain) => {
                let values = representable::<T>(entry, FLOATS)?;
                if domain == Domain::NonNegative {
                    nonnegative(entry, &values)?;
                }
                buffers[range].copy_from_slice(&values);
            }
            Slot::BiasPart(range, _) => {
                for (sum, part) in parameters[range.clone()]
                    .iter_mut()
                    .zip(representable::<T>(entry, FLOATS)?)
                {
                    *sum += part;
                }
                // The parts are representable; their sum may not be.
                let summed = &parameters[range];
                if let Some(index) = summed.iter().position(|&v| !T::of_f64(v).finite()) {
                    return Err(SafetensorsError::InvalidValue {
                        tensor: entry.name.clone(),
                        index,
                        value: summed[index],
                        expected: finite_in::<T>(),
                    });
                }
            }
            Slot::Count(index) => {
                let count = read_count(entry)?;
                if let Some(slot) = counts.get_mut(index) {
                    *slot = count;
                }
            }
        }
    }
    if let Some(extra) = entries
        .iter()
        .find(|e| by_name.contains_key(e.name.as_str()))
    {
        return Err(SafetensorsError::UnexpectedTensor {
            tensor: extra.name.clone(),
        });
    }
    for (slot, value) in net.parameters_mut().iter_mut().zip(&parameters) {
        *slot = T::of_f64(*value);
    }
    for (slot, value) in net.buffers_mut().iter_mut().zip(&buffers) {
        *slot = T::of_f64(*value);
    }
    net.batches_tracked_mut().copy_from_slice(&counts);
    Ok(())
}

/// A network read from the bytes of a safetensors file.
///
/// # Errors
///
/// As [`load_into`].
pub fn load<T, N, const I: usize, const O: usize, const P: usize>(
    bytes: &[u8],
    names: &Names<'_>,
) -> Result<N, SafetensorsError>
where
    T: Float,
    N: Network<T, I, O, P>,
{
    let mut net = N::initialized(&mut Rng::seed_from(0));
    load_into(&mut net, bytes, names)?;
    Ok(net)
}

/// The bytes of a safetensors file holding `net`'s state under PyTorch's
/// names, in `state_dict` order, in the network's scalar.
///
/// # Errors
///
/// [`SafetensorsError::InvalidNameMap`] for a bad [`Names::Map`].
pub fn to_bytes<T, N, const I: usize, const O: usize, const P: usize>(
    net: &N,
    names: &Names<'_>,
) -> Result<Vec<u8>, SafetensorsError>
where
    T: Float,
    N: Network<T, I, O, P>,
{
    let dtype = if core::mem::size_of::<T>() == 4 {
        Dtype::F32
    } else {
        Dtype::F64
    };
    let encode = |values: &mut dyn Iterator<Item = T>| -> Vec<u8> {
        values
            .flat_map(|v| {
                v.to_bit_pattern()
                    .to_le_bytes()
                    .into_iter()
                    .take(core::mem::size_of::<T>())
            })
            .collect()
    };
    let tensors = plan(N::LAYERS, names)?
        .into_iter()
        .map(|planned| {
            let shape: Vec<u64> = planned.shape.iter().map(|&d| d as u64).collect();
            let (dtype, data) = match planned.slot {
                Slot::Parameters(range) | Slot::BiasPart(range, true) => {
                    (dtype, encode(&mut net.parameters()[range].iter().copied()))
                }
                Slot::BiasPart(range, false) => (dtype, encode(&mut range.map(|_| T::zero()))),
                Slot::Buffers(range, _) => {
                    (dtype, encode(&mut net.buffers()[range].iter().copied()))
                }
                Slot::Count(index) => {
                    let count = net.batches_tracked().get(index).copied().unwrap_or(0);
                    // PyTorch's count is an int64: a larger one is written as its maximum.
                    let count = i64::try_from(count).unwrap_or(i64::MAX);
                    (Dtype::I64, count.to_le_bytes().to_vec())
                }
            };
            (planned.name, dtype, shape, data)
        })
        .collect::<Vec<_>>();
    Ok(format::write(&tensors))
}

/// [`load_into`] from a file.
///
/// # Errors
///
/// [`SafetensorsError::Io`] when the file cannot be read, else as [`load_into`].
pub fn load_file<T, N, const I: usize, const O: usize, const P: usize>(
    path: impl AsRef<std::path::Path>,
    net: &mut N,
    names: &Names<'_>,
) -> Result<(), SafetensorsError>
where
    T: Float,
    N: Network<T, I, O, P>,
{
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| SafetensorsError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    load_into(net, &bytes, names)
}

/// [`to_bytes`] into a file.
///
/// # Errors
///
/// [`SafetensorsError::Io`] when the file cannot be written, else as [`to_bytes`].
pub fn save_file<T, N, const I: usize, const O: usize, const P: usize>(
    path: impl AsRef<std::path::Path>,
    net: &N,
    names: &Names<'_>,
) -> Result<(), SafetensorsError>
where
    T: Float,
    N: Network<T, I, O, P>,
{
    let path = path.as_ref();
    let bytes = to_bytes(net, names)?;
    std::fs::write(path, bytes).map_err(|e| SafetensorsError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}
