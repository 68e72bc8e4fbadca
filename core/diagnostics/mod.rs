//! Diagnosing optimization: tools that measure, on a real network, the
//! difficulties of training deep models that the literature describes
//! (I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press
//! 2016, chapter 8, "Optimization for training deep models").

pub mod gradient_flow;
