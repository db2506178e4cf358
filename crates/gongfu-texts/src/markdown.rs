//! Markdown (CommonMark with tables) to [`Document`]: the first `#` heading is the title,
//! `##` and below are headings whose clause numbers are read off their text, paragraphs are
//! classified like any running text (list markers such as `——` and `a)`, the cover number),
//! CommonMark lists and tables keep their structure. Lines are 1-based source lines, from
//! pulldown-cmark's byte offsets.
//!
//! GB/T lists are written as paragraphs, and converted documents often put their items on
//! consecutive lines with no blank line between, which CommonMark reads as one paragraph;
//! each line that starts with a list marker is therefore a block of its own.
//!
//! pulldown-cmark builds the syntax tree of the whole text before it gives the first event,
//! about two 48-byte nodes per line or punctuation mark: 60 MiB of one-character paragraphs
//! cost 2.5 GB. Characters and marks are therefore counted first, without allocating
//! ([`precheck`]); blocks and table cells are counted as they are read.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::classify::{
    heading_title, is_element_title, level_of, list_marker, marker_level, push_paragraph,
    split_number,
};
use crate::limits::{within, Limit, Tally};
use crate::{Block, Document, TextError};

/// Which bytes are marks: a line feed, and ASCII punctuation.
const MARK: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b == b'\n' as usize || (b as u8).is_ascii_punctuation();
        b += 1;
    }
    table
};

/// Refuses a text whose characters or marks (lines and ASCII punctuation, where the
/// parser's nodes start) are over their limits, before the parser builds anything.
fn precheck(text: &str) -> Result<(), TextError> {
    within(Limit::Characters, text.chars().count())?;
    let marks = text.bytes().filter(|b| MARK[usize::from(*b)]).count();
    within(Limit::MarkdownMarks, marks)
}

/// Byte offset to 1-based line.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(starts)
    }
    fn line(&self, offset: usize) -> u32 {
        let i = self.0.partition_point(|&s| s <= offset);
        u32::try_from(i.max(1)).unwrap_or(u32::MAX)
    }
}

/// Text gathered for the open block, line by line (a soft break starts a new line).
#[derive(Default)]
struct Buf {
    lines: Vec<(u32, String)>,
    /// The next text starts a new line.
    broken: bool,
}

impl Buf {
    fn push(&mut self, line: u32, s: &str) {
        match self.lines.last_mut() {
            Some((_, t)) if !self.broken => t.push_str(s),
            _ => self.lines.push((line, s.to_string())),
        }
        self.broken = false;
    }
    fn soft_break(&mut self) {
        self.broken = true;
    }
    /// The whole text, lines joined as CommonMark renders Chinese: without a space.
    fn joined(&mut self, sep: &str) -> String {
        let t = self
            .lines
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(sep);
        self.clear();
        t
    }
    fn first_line(&self) -> Option<u32> {
        self.lines.first().map(|(l, _)| *l)
    }
    fn clear(&mut self) {
        self.lines.clear();
        self.broken = false;
    }
    fn is_blank(&self) -> bool {
        self.lines.iter().all(|(_, t)| t.trim().is_empty())
    }
}

enum Open {
    Heading {
        md_level: u8,
        line: u32,
    },
    Paragraph {
        line: u32,
    },
    Item {
        marker: String,
        level: u8,
        line: u32,
    },
    Cell,
    Code {
        line: u32,
    },
}

/// Parses Markdown. Every text within the limits ([`Limit`]) gives a document (possibly
/// empty); one over a limit is [`TextError::OverLimit`].
pub fn parse_markdown(text: &str) -> Result<Document, TextError> {
    precheck(text)?;
    let mut cells = Tally::new(Limit::TableCells);
    let lines = Lines::new(text);
    let mut doc = Document {
        title: String::new(),
        number: None,
        blocks: vec![],
    };
    let mut buf = Buf::default();
    let mut stack: Vec<Open> = vec![];
    // Per open list: the next ordinal, or None for a bullet list.
    let mut lists: Vec<Option<u64>> = vec![];
    let mut table: Option<(Vec<Vec<String>>, u32)> = None;
    for (event, range) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        let line = lines.line(range.start);
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                buf.clear();
                stack.push(Open::Heading {
                    md_level: level as u8,
                    line,
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(Open::Heading { md_level, line }) = stack.pop() {
                    let t = buf.joined(" ").trim().to_string();
                    let (number, title) = split_number(&t);
                    // The first `#` is the title, unless it is plainly the first chapter
                    // ("# 前言", "# 1 范围") of a text that uses `#` for chapters.
                    let is_title = md_level == 1
                        && doc.title.is_empty()
                        && doc.blocks.is_empty()
                        && number.as_deref() != Some("1")
                        && !is_element_title(&t);
                    if is_title {
                        doc.title = t;
                    } else if !t.is_empty() {
                        let level = match &number {
                            Some(n) => level_of(n),
                            None => md_level.saturating_sub(1).max(1),
                        };
                        doc.blocks.push(Block::Heading {
                            level,
                            number,
                            title: heading_title(&title),
                            line,
                        });
                    }
                }
            }
            Event::Start(Tag::Paragraph) => {
                if !matches!(stack.last(), Some(Open::Item { .. })) {
                    buf.clear();
                    stack.push(Open::Paragraph { line });
                } else if !buf.is_blank() {
                    buf.soft_break();
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(Open::Paragraph { line }) = stack.last() {
                    let line = *line;
                    stack.pop();
                    paragraph_lines(&mut doc, &mut buf, line);
                }
            }
            Event::Start(Tag::List(first)) => {
                flush_item(&mut doc, &stack, &mut buf);
                lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                let written = text.get(range.clone()).unwrap_or("").trim_start();
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        // "1." or "1)": the delimiter as written.
                        let delim = written
                            .chars()
                            .find(|c| !c.is_ascii_digit())
                            .filter(|c| *c == ')')
                            .unwrap_or('.');
                        let m = format!("{n}{delim}");
                        *n = n.saturating_add(1);
                        m
                    }
                    _ => written
                        .chars()
                        .next()
                        .map(String::from)
                        .unwrap_or_else(|| "-".into()),
                };
                buf.clear();
                // "1)" is GB/T's second level even when CommonMark reads it as a list.
                let level = u8::try_from(lists.len())
                    .unwrap_or(u8::MAX)
                    .max(marker_level(&marker));
                stack.push(Open::Item {
                    marker,
                    level,
                    line,
                });
            }
            Event::End(TagEnd::Item) => {
                flush_item(&mut doc, &stack, &mut buf);
                if matches!(stack.last(), Some(Open::Item { .. })) {
                    stack.pop();
                }
            }
            Event::Start(Tag::Table(_)) => table = Some((vec![], line)),
            Event::End(TagEnd::Table) => {
                if let Some((rows, line)) = table.take() {
                    doc.blocks.push(Block::Table { rows, line });
                }
            }
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                if let Some((rows, _)) = table.as_mut() {
                    rows.push(vec![]);
                }
            }
            Event::Start(Tag::TableCell) => {
                cells.add(1)?;
                buf.clear();
                stack.push(Open::Cell);
            }
            Event::End(TagEnd::TableCell) => {
                if matches!(stack.last(), Some(Open::Cell)) {
                    stack.pop();
                }
                let cell = buf.joined("").trim().to_string();
                if let Some(row) = table.as_mut().and_then(|(rows, _)| rows.last_mut()) {
                    row.push(cell);
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                buf.clear();
                stack.push(Open::Code { line });
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(Open::Code { line }) = stack.last() {
                    let line = *line;
                    stack.pop();
                    let t = buf.joined("").trim_end().to_string();
                    if !t.is_empty() {
                        doc.blocks.push(Block::Paragraph { text: t, line });
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => buf.push(line, &t),
            Event::SoftBreak => buf.soft_break(),
            Event::HardBreak => buf.soft_break(),
            _ => {}
        }
        within(Limit::Paragraphs, doc.blocks.len())?;
    }
    Ok(doc)
}

/// Emits a paragraph: each of its lines that starts with a list marker begins a block of
/// its own; other lines continue the block before them.
fn paragraph_lines(doc: &mut Document, buf: &mut Buf, start: u32) {
    let mut current: Option<(u32, String)> = None;
    for (line, t) in std::mem::take(&mut buf.lines) {
        let starts_item = list_marker(&t).is_some();
        match current.as_mut() {
            Some((_, acc)) if !starts_item => acc.push_str(&t),
            _ => {
                if let Some((l, acc)) = current.take() {
                    push_paragraph(doc, &acc, l, false);
                }
                current = Some((line, t));
            }
        }
    }
    if let Some((l, acc)) = current {
        push_paragraph(doc, &acc, l.max(start), false);
    }
    buf.clear();
}

/// Emits the text gathered for the innermost open list item, if any.
fn flush_item(doc: &mut Document, stack: &[Open], buf: &mut Buf) {
    if let Some(Open::Item {
        marker,
        level,
        line,
    }) = stack.last()
    {
        let line = buf.first_line().map_or(*line, |l| l.max(*line));
        let t = buf.joined("").trim().to_string();
        if !t.is_empty() {
            doc.blocks.push(Block::ListItem {
                marker: marker.clone(),
                level: *level,
                text: t,
                line,
            });
        }
    }
}
