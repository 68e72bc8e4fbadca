//! The baseline of the build-time measurement: a binary that links
//! constnet and declares nothing, so its release build is the cost of the
//! dependencies being there (loading, linking) and nothing else.

use constnet as _;

fn main() {}
