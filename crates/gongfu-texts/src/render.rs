//! Findings as text for a terminal or a CI log, the way ripgrep and compilers print: one line
//! per finding that editors can jump to, then a summary.

use crate::{Finding, Severity};

/// Findings as text, ripgrep style: `file:line: severity[rule] clause: message`.
/// Ends with a summary line.
pub fn render_text(findings: &[Finding], source: &str) -> String {
    let mut out = String::new();
    for f in findings {
        let clause = f
            .location
            .clause
            .as_deref()
            .map(|c| format!("{c}: "))
            .unwrap_or_default();
        out.push_str(&format!(
            "{source}:{}: {}[{}] {clause}{}\n",
            f.location.line, f.severity, f.rule, f.message
        ));
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    if findings.is_empty() {
        out.push_str(&format!("{source}: no problems found\n"));
    } else {
        out.push_str(&format!(
            "{source}: {} errors, {} warnings, {} infos\n",
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info)
        ));
    }
    out
}
