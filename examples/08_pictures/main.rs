//! Pictures of what the optimizer sees, written as SVG files (the `plotters`
//! crate) into `docs/pictures/` (or the directory given as the argument):
//!
//! - `loss_curves.svg`: DIGITS training and held-out loss per epoch, with
//!   the epoch early stopping chose;
//! - `conditioning.svg`: `g'g` and `g'Hg` per measured step, the largest
//!   stable step `2 g'g / g'Hg` beside the learning rate, and the steps
//!   flagged ill-conditioned;
//! - `sharpness.svg`: the largest Hessian eigenvalue during full-batch
//!   gradient descent beside `2 / lr` (Cohen et al. 2021, "edge of
//!   stability");
//! - `spectrum.svg`: the Hessian spectrum at initialization and after
//!   training: every exact eigenvalue for SINE, the stochastic Lanczos
//!   density for DIGITS;
//! - `rnn_gradients.svg`: `||dL/dh_t||` against `t` in an `Rnn` whose
//!   `W_hh` has spectral radius 0.5 ... 1.5;
//! - `loss_surface.svg`: the loss on planes through a minimum and through a
//!   saddle, along the Hessian's eigenvectors and along two random
//!   filter-normalized directions (Li et al. 2018).
//!
//! Run: `cargo run --release --example pictures` (about a minute; a
//! progress bar shows the long parts).

mod conditioning;
mod contour;
mod data;
mod rnn;
mod sharpness;
mod spectrum;
mod style;
mod surface;

use std::path::{Path, PathBuf};

/// What a figure returns: errors of plotting, I/O and constnet alike.
pub type Outcome<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Outcome<()> {
    let dir: PathBuf = std::env::args_os().nth(1).map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/pictures"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&dir)?;
    let trained = conditioning::loss_and_conditioning(&dir)?;
    sharpness::edge_of_stability(&dir)?;
    spectrum::spectra(&dir, &trained)?;
    rnn::gradient_norms(&dir)?;
    surface::loss_surfaces(&dir)?;
    println!("pictures written to {}", dir.display());
    Ok(())
}
