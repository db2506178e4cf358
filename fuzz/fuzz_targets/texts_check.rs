//! Any document into the checker, built straight from the bytes rather than through a
//! parser, so the checker meets shapes no parser produces: levels that disagree with
//! numbers, numbers like "1..2" or "A.", markers of any text, lines in any order. Each line
//! is a block; its first byte picks the kind and the level, the rest is its text (a
//! heading's number is the text up to the first space). No panic, findings in line order.
#![no_main]

use gongfu_domain::standard::NumberRules;
use gongfu_domain::standard::StandardNumber;
use gongfu_texts::{check, render_text, Block, Document, RefStatus, ReferenceLookup};
use libfuzzer_sys::fuzz_target;

/// Says every GB standard is superseded and every DB one withdrawn, so those paths run.
struct Registry;

impl ReferenceLookup for Registry {
    fn status(&self, n: &StandardNumber) -> Option<RefStatus> {
        let s = n.to_string();
        if s.starts_with("GB") {
            Some(RefStatus::Superseded {
                by: Some("GB/T 1-2020".into()),
            })
        } else if s.starts_with("DB") {
            Some(RefStatus::Withdrawn)
        } else {
            None
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.lines();
    let title = lines.next().unwrap_or("").to_string();
    let mut blocks = vec![];
    for (k, line) in lines.enumerate() {
        let mut chars = line.chars();
        let Some(kind) = chars.next() else { continue };
        let rest: String = chars.collect();
        let n = u32::try_from(k).unwrap_or(u32::MAX);
        // Lines out of order now and then.
        let line_no = if kind as u32 % 7 == 0 { n / 2 } else { n + 1 };
        let level = (kind as u32 % 9) as u8;
        blocks.push(match kind as u32 % 4 {
            0 => {
                let (number, title) = match rest.split_once(' ') {
                    Some((num, t)) => (Some(num.to_string()), t.to_string()),
                    None => (None, rest),
                };
                Block::Heading {
                    level,
                    number,
                    title,
                    line: line_no,
                }
            }
            1 => Block::Paragraph {
                text: rest,
                line: line_no,
            },
            2 => {
                let (marker, text) = rest.split_once(' ').unwrap_or(("", &rest));
                Block::ListItem {
                    marker: marker.to_string(),
                    level,
                    text: text.to_string(),
                    line: line_no,
                }
            }
            _ => Block::Table {
                rows: rest
                    .split('|')
                    .map(|r| r.split(',').map(str::to_string).collect())
                    .collect(),
                line: line_no,
            },
        });
    }
    let doc = Document {
        title,
        number: None,
        blocks,
    };
    let findings = check(&doc, &NumberRules::default(), &Registry);
    assert!(findings
        .windows(2)
        .all(|w| w[0].location.line <= w[1].location.line));
    let _ = render_text(&findings, "fuzz.md");
});
