//! The host side of a program: its report goes to standard output.

use std::io::Write;

use crate::report::{Out, Report};

/// Standard output, as a report sink.
pub struct Stdout(std::io::StdoutLock<'static>);

impl Out for Stdout {
    fn write(&mut self, bytes: &[u8]) {
        // A closed pipe ends the comparison anyway; nothing to recover.
        let _ = self.0.write_all(bytes);
    }
}

/// Runs a program with its report on standard output.
pub fn run(program: fn(&mut Report<Stdout>)) {
    let mut report = Report::new(Stdout(std::io::stdout().lock()));
    program(&mut report);
}
