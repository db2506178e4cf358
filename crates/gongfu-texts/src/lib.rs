//! Structured documents (standard texts and service guides) and the GB/T 1.1-2020 checker.
//!
//! What it owns:
//! - reading Markdown ([`parse_markdown`]) and .docx ([`parse_docx`], a zip of
//!   WordprocessingML: styles, numbering definitions, tables) into one [`Document`]: the
//!   title, the cover number, and blocks in reading order (headings with their clause
//!   numbers and levels, paragraphs, list items with their markers as written, tables), each
//!   with its source line; and writing a document back as .docx ([`write_docx`]);
//! - [`check`], the GB/T 1.1-2020 structure checker: required elements and their fixed
//!   sentences, element order, clause numbering, hanging paragraphs, list markers, terms,
//!   normative references (listed against cited), references the registry knows are
//!   superseded or withdrawn, and 必须/需要 where 应 is meant. Every rule is listed with its
//!   id, severity and explanation in [`RULES`]; [`render_text`] prints findings for a
//!   terminal.
//!
//! What it must never do:
//! - touch a database, the file system, the network or the clock: it reads only the bytes it
//!   is given, and asks the registry about references through [`ReferenceLookup`];
//! - panic, on any input: its parsers and the checker are fuzzed (`fuzz/`) and
//!   property-tested; unreadable input is a [`TextError`] that says what failed and what to
//!   do. A zip part that would decompress past [`MAX_PART_BYTES`] is refused, so a zip bomb
//!   costs nothing;
//! - take more than linear time in its input: texts are uploaded by anyone who may check a
//!   draft, so a hostile one must not stall the server (`benches/check.rs` times two);
//! - cost memory in proportion to what a file can make it build: a .docx is a zip, and
//!   210 KB of tiny paragraphs once cost 220 MB. Parts are streamed, never held whole, and
//!   every structure a few bytes can multiply (paragraphs, table cells, characters, styles,
//!   numbering definitions, nesting, files in the archive, Markdown marks) is counted as it
//!   is read against a limit ([`Limit`], one constant each such as [`MAX_PARAGRAPHS`]); the
//!   first one over is [`TextError::OverLimit`], and reading stops there.
//!
//! [`parse`] and [`check`] are plain synchronous CPU work on the bytes given: no I/O, no
//! locks, no `async`. A server runs them where blocking is allowed (a blocking thread), and
//! may refuse a Markdown body longer than [`MAX_MARKDOWN_BYTES`] before reading it.

mod check;
mod classify;
mod docx;
mod limits;
mod markdown;
mod numbering;
mod render;
mod xml;

pub use check::{
    check, MAX_FINDINGS_PER_RULE, NO_REFERENCES, NO_TERMS, PREFACE_SENTENCE, REFERENCES_LEAD_IN,
    RULES, TERMS_LEAD_IN,
};
pub use docx::{parse_docx, write_docx, MAX_PART_BYTES};
pub use limits::{
    Limit, MAX_CHARACTERS, MAX_DEPTH, MAX_MARKDOWN_BYTES, MAX_MARKDOWN_MARKS, MAX_NODE_BYTES,
    MAX_NUMBERINGS, MAX_PARAGRAPHS, MAX_STYLES, MAX_TABLE_CELLS, MAX_ZIP_ENTRIES,
};
pub use markdown::parse_markdown;
pub use render::render_text;

use std::fmt;

use gongfu_domain::standard::StandardNumber;
use serde::{Deserialize, Serialize};

/// A parsed document: its title, its number if the cover gives one, and its blocks in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
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

/// The signature of an OLE compound file: an old Word .doc, or a .docx that Word encrypted
/// with a password (it wraps the zip in one).
pub(crate) const OLE_SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

impl Format {
    /// A zip signature, an OLE compound file (an old .doc or an encrypted .docx: reading it
    /// as .docx gives the error that says so) or a `.docx`/`.doc` name means docx; anything
    /// else is Markdown.
    pub fn detect(bytes: &[u8], name: Option<&str>) -> Format {
        let name = name.map(str::to_ascii_lowercase);
        if bytes.starts_with(b"PK\x03\x04")
            || bytes.starts_with(OLE_SIGNATURE)
            || name
                .as_deref()
                .is_some_and(|n| n.ends_with(".docx") || n.ends_with(".doc"))
        {
            Format::Docx
        } else {
            Format::Markdown
        }
    }
}

/// A document that cannot be read. Each message says what failed, in which part of the
/// file, and what the user can do; the caller adds the file name.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// Markdown that is not UTF-8.
    #[error("{}", gongfu_domain::msg!("text-not-utf8", offset = offset))]
    NotUtf8 {
        /// First bad byte.
        offset: usize,
    },
    /// Not a zip archive, so not a .docx.
    #[error("{}", gongfu_domain::msg!("docx-not-zip", reason = reason))]
    NotZip {
        /// What the zip reader said.
        reason: String,
    },
    /// An OLE compound file: an old .doc, or a .docx encrypted with a password.
    #[error("{}", gongfu_domain::msg!("docx-legacy"))]
    LegacyOrEncrypted,
    /// A part of the archive is encrypted.
    #[error("{}", gongfu_domain::msg!("docx-encrypted", part = part))]
    Encrypted {
        /// The part.
        part: String,
    },
    /// The zip holds no main document part.
    #[error("{}", gongfu_domain::msg!("docx-no-document"))]
    NoDocument,
    /// A part that decompresses past [`MAX_PART_BYTES`].
    #[error("{}", gongfu_domain::msg!("docx-too-large", part = part, limit = limit))]
    TooLarge {
        /// The part.
        part: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// A part that is not well-formed XML.
    #[error("{}", gongfu_domain::msg!("docx-bad-xml", part = part, position = position, reason = reason))]
    Xml {
        /// The part.
        part: String,
        /// Byte offset in the decompressed part.
        position: u64,
        /// What the XML reader said.
        reason: String,
    },
    /// Any other fault in a .docx (a damaged entry, a text encoding that is not Unicode).
    #[error("{}", gongfu_domain::msg!("docx-unreadable", reason = reason))]
    Docx {
        /// Why.
        reason: String,
    },
    /// A document over one of the limits ([`Limit`]): reading stopped at the first one too
    /// many. The message is Chinese, for the person who uploaded it.
    #[error("{}", limit.message(*found))]
    OverLimit {
        /// Which limit.
        limit: Limit,
        /// How many the document has at least: where reading stopped, or the count when it
        /// is taken before reading (Markdown's characters and marks, the files in an archive).
        found: usize,
    },
    /// Writing a .docx failed (it is built in memory, so this is a bug).
    #[error("cannot write the .docx: {reason}; this is a bug in gongfu, please report it with the document")]
    Write {
        /// Why.
        reason: String,
    },
}

/// Parses bytes in `format`: Markdown must be UTF-8 (a byte-order mark is skipped). This is
/// the entry point a server calls: synchronous, no I/O, bounded by the limits ([`Limit`]).
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

    /// The normative references the registry records for the standard whose text is being
    /// checked (its 规范性引用文件 column); None when the text is not a registered
    /// standard's, and the comparison is skipped.
    fn recorded_references(&self) -> Option<&[StandardNumber]> {
        None
    }
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
        let line = gongfu_domain::msg!("text-at-line", line = self.line);
        match &self.clause {
            // A number is a chapter (5) or a clause (5.1) of GB/T 1.1; anything else names
            // an element (前言, 附录A).
            Some(c) if c.starts_with(|ch: char| ch.is_ascii_digit()) && !c.contains('.') => {
                write!(
                    f,
                    "{}，{line}",
                    gongfu_domain::msg!("text-at-chapter", no = c)
                )
            }
            Some(c) if c.starts_with(|ch: char| ch.is_ascii_digit()) => {
                write!(
                    f,
                    "{}，{line}",
                    gongfu_domain::msg!("text-at-clause", no = c)
                )
            }
            Some(c) => write!(f, "{c}，{line}"),
            None => f.write_str(&line),
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
