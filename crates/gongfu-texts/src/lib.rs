//! Structured documents (standard texts and service guides) and the GB/T 1.1-2020 checker.
//!
//! It owns reading .docx (a zip of WordprocessingML) and Markdown into a [`Document`]: title,
//! cover number, headings with their clause numbers and levels, paragraphs, list items with
//! their markers as written, tables, each with its source line; and [`check`], which reports
//! where a document departs from GB/T 1.1-2020 (required elements and their fixed
//! sentences, order, clause numbering, hanging paragraphs, list markers, terms, normative
//! references, references the registry knows are superseded or withdrawn, 必须 for 应).
//!
//! It must never touch a database, the file system or the network (the registry is asked
//! through [`ReferenceLookup`]), and never panic on any input: its parsers are fuzzed
//! (`fuzz/`) and property-tested. A zip part that would decompress past 64 MiB is refused.

mod check;
mod classify;
mod docx;
mod markdown;

pub use check::{
    check, NO_REFERENCES, NO_TERMS, PREFACE_SENTENCE, REFERENCES_LEAD_IN, RULES, TERMS_LEAD_IN,
};
pub use docx::{parse_docx, write_docx};
pub use markdown::parse_markdown;

use std::fmt;

use gongfu_domain::standard::StandardNumber;
use serde::{Deserialize, Serialize};

/// A parsed document: its title, its number if the cover gives one, and its blocks in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The document title (the Markdown `#` heading, the docx Title paragraph).
    pub title: String,
    /// The standard number on the cover, as written.
    pub number: Option<String>,
    /// Blocks in reading order.
    pub blocks: Vec<Block>,
}

impl Document {
    /// Title and every block's text, one per line, for search.
    pub fn plain_text(&self) -> String {
        let mut out = self.title.clone();
        for b in &self.blocks {
            out.push('\n');
            match b {
                Block::Heading { number, title, .. } => {
                    if let Some(n) = number {
                        out.push_str(n);
                        out.push(' ');
                    }
                    out.push_str(title);
                }
                Block::Paragraph { text, .. } => out.push_str(text),
                Block::ListItem { marker, text, .. } => {
                    out.push_str(marker);
                    out.push_str(text);
                }
                Block::Table { rows, .. } => {
                    let lines: Vec<String> = rows.iter().map(|r| r.join(" ")).collect();
                    out.push_str(&lines.join("\n"));
                }
            }
        }
        out
    }
}

/// One block of a document. `line` is 1-based in the source (Markdown line, docx paragraph).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A chapter (level 1) or clause (level = number of parts in its number, "5.1" is 2).
    /// Unnumbered elements such as 前言, 引言, 参考文献 are level 1 without a number.
    Heading {
        /// 1 for chapters and unnumbered elements, 2 for "5.1", ...
        level: u8,
        /// "5.1", "A.1", or none.
        number: Option<String>,
        /// The heading text without its number.
        title: String,
        /// Source line.
        line: u32,
    },
    /// A paragraph.
    Paragraph {
        /// Its text.
        text: String,
        /// Source line.
        line: u32,
    },
    /// A list item with its marker as written (——, a), 1), -, *).
    ListItem {
        /// The marker as written.
        marker: String,
        /// Nesting level, 1 for top.
        level: u8,
        /// Its text.
        text: String,
        /// Source line.
        line: u32,
    },
    /// A table, row by row.
    Table {
        /// Cells as text.
        rows: Vec<Vec<String>>,
        /// Source line.
        line: u32,
    },
}

/// Source formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CommonMark.
    Markdown,
    /// Office Open XML word processing (.docx).
    Docx,
}

impl Format {
    /// A zip signature or a `.docx` name means docx; anything else is Markdown.
    pub fn detect(bytes: &[u8], name: Option<&str>) -> Format {
        if bytes.starts_with(b"PK\x03\x04")
            || name.is_some_and(|n| n.to_ascii_lowercase().ends_with(".docx"))
        {
            Format::Docx
        } else {
            Format::Markdown
        }
    }
}

/// A document that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// Not UTF-8.
    #[error("the file is not UTF-8 text (byte {offset}); save it as UTF-8 or upload the .docx")]
    NotUtf8 {
        /// First bad byte.
        offset: usize,
    },
    /// The docx cannot be read.
    #[error(
        "the .docx cannot be read: {reason}; open it in Word or WPS and save it again as .docx"
    )]
    Docx {
        /// Why.
        reason: String,
    },
}

/// Parses bytes in `format`: Markdown must be UTF-8 (a byte-order mark is skipped).
pub fn parse(bytes: &[u8], format: Format) -> Result<Document, TextError> {
    match format {
        Format::Docx => parse_docx(bytes),
        Format::Markdown => {
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            let text = std::str::from_utf8(bytes).map_err(|e| TextError::NotUtf8 {
                offset: e.valid_up_to(),
            })?;
            parse_markdown(text)
        }
    }
}

/// What the registry knows of a referenced standard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefStatus {
    /// Current.
    InForce,
    /// Replaced, by the given number if known.
    Superseded {
        /// The replacement.
        by: Option<String>,
    },
    /// Withdrawn without replacement.
    Withdrawn,
}

/// Answers whether a referenced standard is still current.
pub trait ReferenceLookup {
    /// None when the registry does not know the standard.
    fn status(&self, number: &StandardNumber) -> Option<RefStatus>;
}

/// A lookup that knows nothing (checking without a registry).
pub struct NoRegistry;

impl ReferenceLookup for NoRegistry {
    fn status(&self, _: &StandardNumber) -> Option<RefStatus> {
        None
    }
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document breaks a rule of GB/T 1.1.
    Error,
    /// Probably wrong.
    Warning,
    /// Worth a look.
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// Where a finding is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The chapter or clause number ("5.1"), or the element name (前言).
    pub clause: Option<String>,
    /// Source line.
    pub line: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.clause {
            Some(c) => write!(f, "{c}, line {}", self.line),
            None => write!(f, "line {}", self.line),
        }
    }
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id.
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// Where.
    pub location: Location,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// A rule, for documentation pages.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    /// Id.
    pub id: &'static str,
    /// Severity.
    pub severity: Severity,
    /// Short title.
    pub title: &'static str,
    /// What the rule checks and why.
    pub explanation: &'static str,
}

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
