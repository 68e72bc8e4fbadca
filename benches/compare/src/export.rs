//! A minimal JSON writer for `--export` (numbers, strings, arrays of
//! numbers, nested objects), and a description of the machine.

use std::fmt::Write as _;

/// A JSON object under construction.
pub struct Json {
    fields: Vec<(String, String)>,
}

impl Json {
    pub fn object() -> Self {
        Self { fields: Vec::new() }
    }

    /// A number, printed so that it reads back to the same `f64`.
    pub fn number(&mut self, key: &str, value: f64) -> &mut Self {
        self.fields.push((key.into(), number(value)));
        self
    }

    pub fn numbers(&mut self, key: &str, values: impl Iterator<Item = f64>) -> &mut Self {
        let list: Vec<String> = values.map(number).collect();
        self.fields
            .push((key.into(), format!("[{}]", list.join(", "))));
        self
    }

    pub fn text(&mut self, key: &str, value: &str) -> &mut Self {
        let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
        self.fields.push((key.into(), format!("\"{escaped}\"")));
        self
    }

    pub fn object_field(&mut self, key: &str, value: &Json) -> &mut Self {
        self.fields.push((key.into(), value.finish()));
        self
    }

    pub fn finish(&self) -> String {
        let mut out = String::from("{");
        for (i, (key, value)) in self.fields.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            let _ = write!(out, "{sep}\n\"{key}\": {value}");
        }
        out.push_str("\n}\n");
        out
    }
}

fn number(value: f64) -> String {
    if value.is_finite() {
        format!("{value:?}")
    } else {
        "null".into()
    }
}

/// CPU model, hardware threads and load average, from `/proc` where the
/// system has it.
pub fn machine_line() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let load = std::fs::read_to_string("/proc/loadavg").ok().map_or_else(
        || "unknown".into(),
        |l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    );
    format!(
        "{cpu}, {threads} hardware threads, load average {load}; {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}
