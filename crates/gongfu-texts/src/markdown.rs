//! Markdown (CommonMark with tables) to [`Document`]: `#` is the title, `##` and below are
//! headings whose clause numbers are read off their text, paragraphs are classified like
//! any running text (list markers, cover number), lists and tables keep their structure.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::classify::{level_of, push_paragraph, split_number};
use crate::{Block, Document, TextError};

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

/// Parses Markdown. Never fails on text: every input gives a document (possibly empty).
pub fn parse_markdown(text: &str) -> Result<Document, TextError> {
    let lines = Lines::new(text);
    let mut doc = Document {
        title: String::new(),
        number: None,
        blocks: vec![],
    };
    let mut buf = String::new();
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
                    let t = std::mem::take(&mut buf).trim().to_string();
                    if md_level == 1 && doc.title.is_empty() && doc.blocks.is_empty() {
                        doc.title = t;
                    } else if !t.is_empty() {
                        let (number, title) = split_number(&t);
                        let level = match &number {
                            Some(n) => level_of(n),
                            None => md_level.saturating_sub(1).max(1),
                        };
                        doc.blocks.push(Block::Heading {
                            level,
                            number,
                            title,
                            line,
                        });
                    }
                }
            }
            Event::Start(Tag::Paragraph) => {
                if !matches!(stack.last(), Some(Open::Item { .. })) {
                    buf.clear();
                    stack.push(Open::Paragraph { line });
                } else if !buf.trim().is_empty() {
                    buf.push('\n');
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if matches!(stack.last(), Some(Open::Paragraph { .. })) {
                    if let Some(Open::Paragraph { line }) = stack.pop() {
                        let t = std::mem::take(&mut buf);
                        push_paragraph(&mut doc, &t, line, false);
                    }
                }
            }
            Event::Start(Tag::List(first)) => {
                flush_item(&mut doc, &mut stack, &mut buf);
                lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}.");
                        *n += 1;
                        m
                    }
                    _ => text[range.clone()]
                        .trim_start()
                        .chars()
                        .next()
                        .map(String::from)
                        .unwrap_or_else(|| "-".into()),
                };
                buf.clear();
                let level = u8::try_from(lists.len()).unwrap_or(u8::MAX);
                stack.push(Open::Item {
                    marker,
                    level,
                    line,
                });
            }
            Event::End(TagEnd::Item) => {
                flush_item(&mut doc, &mut stack, &mut buf);
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
                buf.clear();
                stack.push(Open::Cell);
            }
            Event::End(TagEnd::TableCell) => {
                if matches!(stack.last(), Some(Open::Cell)) {
                    stack.pop();
                }
                let cell = std::mem::take(&mut buf).trim().to_string();
                if let Some(row) = table.as_mut().and_then(|(rows, _)| rows.last_mut()) {
                    row.push(cell);
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                buf.clear();
                stack.push(Open::Code { line });
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(Open::Code { line }) = stack.pop() {
                    let t = std::mem::take(&mut buf).trim_end().to_string();
                    if !t.is_empty() {
                        doc.blocks.push(Block::Paragraph { text: t, line });
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => buf.push_str(&t),
            Event::SoftBreak => {}
            Event::HardBreak => buf.push('\n'),
            _ => {}
        }
    }
    Ok(doc)
}

/// Emits the text gathered for the innermost open list item, if any.
fn flush_item(doc: &mut Document, stack: &mut [Open], buf: &mut String) {
    if let Some(Open::Item {
        marker,
        level,
        line,
    }) = stack.last()
    {
        let t = std::mem::take(buf).trim().to_string();
        if !t.is_empty() {
            doc.blocks.push(Block::ListItem {
                marker: marker.clone(),
                level: *level,
                text: t,
                line: *line,
            });
        }
    }
}
