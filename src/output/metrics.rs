//! OpenMetrics text for Prometheus (node_exporter's textfile collector): gauges only (the
//! `info` type makes that collector skip the file), exact decimal values as Azure sent
//! them, no timestamps, label values escaped, `# EOF` last. Written by hand: the
//! prometheus-client crate turns every value into an f64.

use std::fmt::Write;

/// Samples grouped by metric family, families in the order they were first used.
#[derive(Default)]
pub struct Metrics {
    families: Vec<Family>,
}

struct Family {
    name: &'static str,
    help: &'static str,
    samples: String,
}

impl Metrics {
    /// One gauge sample. `value` is a number as text (`2927.77`, `1`, `1767225600`).
    pub(crate) fn gauge(
        &mut self,
        name: &'static str,
        help: &'static str,
        labels: &[(&str, &str)],
        value: &str,
    ) {
        let index = match self.families.iter().position(|f| f.name == name) {
            Some(index) => index,
            None => {
                self.families.push(Family {
                    name,
                    help,
                    samples: String::new(),
                });
                self.families.len() - 1
            }
        };
        let samples = &mut self.families[index].samples;
        samples.push_str(name);
        if !labels.is_empty() {
            samples.push('{');
            for (i, (label, text)) in labels.iter().enumerate() {
                if i > 0 {
                    samples.push(',');
                }
                samples.push_str(label);
                samples.push_str("=\"");
                escape_label_value(samples, text);
                samples.push('"');
            }
            samples.push('}');
        }
        samples.push(' ');
        samples.push_str(value);
        samples.push('\n');
    }

    /// A gauge of 1 or 0.
    pub(crate) fn flag(
        &mut self,
        name: &'static str,
        help: &'static str,
        labels: &[(&str, &str)],
        on: bool,
    ) {
        self.gauge(name, help, labels, if on { "1" } else { "0" });
    }

    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        for family in &self.families {
            let _ = writeln!(out, "# HELP {} {}", family.name, family.help);
            let _ = writeln!(out, "# TYPE {} gauge", family.name);
            out.push_str(&family.samples);
        }
        out.push_str("# EOF\n");
        out
    }
}

/// OpenMetrics label values escape `\`, `"` and line feeds; everything else is UTF-8 as is.
fn escape_label_value(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_grouped_typed_and_end_with_eof() {
        let mut metrics = Metrics::default();
        metrics.gauge("credits_a", "A.", &[("p", "x\"y\\z\nw")], "1.50");
        metrics.flag("credits_b", "B.", &[], true);
        metrics.gauge("credits_a", "A.", &[("p", "q")], "-2");
        assert_eq!(
            metrics.render(),
            "# HELP credits_a A.\n# TYPE credits_a gauge\n\
             credits_a{p=\"x\\\"y\\\\z\\nw\"} 1.50\ncredits_a{p=\"q\"} -2\n\
             # HELP credits_b B.\n# TYPE credits_b gauge\ncredits_b 1\n# EOF\n"
        );
        assert_eq!(Metrics::default().render(), "# EOF\n");
    }
}
