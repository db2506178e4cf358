//! What a paragraph of running text is, whatever the source format: a cover number, a
//! heading written as plain text ("5.1 人员"), a list item by its marker, or a paragraph.

use crate::{Block, Document};
use gongfu_domain::text::fold_width;

/// Splits a clause number off a heading: `"5.1 人员"` -> `(Some("5.1"), "人员")`,
/// `"1范围"` -> `(Some("1"), "范围")`, `"A.2 表格"` -> `(Some("A.2"), "表格")`.
pub(crate) fn split_number(raw: &str) -> (Option<String>, String) {
    let s = fold_width(raw.trim());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    // An appendix clause starts with one capital letter and a dot (A.1).
    if chars.len() > 2
        && chars[0].is_ascii_uppercase()
        && chars[1] == '.'
        && chars[2].is_ascii_digit()
    {
        i = 1;
    } else if !chars.first().is_some_and(|c| c.is_ascii_digit()) {
        return (None, s.trim().to_string());
    }
    while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
        i += 1;
    }
    let number: String = chars[..i]
        .iter()
        .collect::<String>()
        .trim_end_matches('.')
        .to_string();
    let rest: String = chars[i..].iter().collect::<String>().trim().to_string();
    // "2020年工作计划" is a title, not chapter 2020; a clause number is short and its parts
    // are small.
    let plausible = !number.is_empty()
        && number
            .split('.')
            .all(|p| !p.is_empty() && (p.len() <= 3 || p.chars().all(|c| c.is_ascii_uppercase())))
        && !rest.starts_with(['年', '月', '日', '%', '-']);
    if plausible {
        (Some(number), rest)
    } else {
        (None, s.trim().to_string())
    }
}

/// The level of a numbered heading: how many parts its number has.
pub(crate) fn level_of(number: &str) -> u8 {
    number.split('.').count().min(u8::MAX as usize) as u8
}

/// Unnumbered elements that are chapters in their own right.
pub(crate) fn is_element_title(t: &str) -> bool {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(t.as_str(), "前言" | "引言" | "参考文献" | "索引" | "目次") || t.starts_with("附录")
}

/// A list marker at the start of `text`, with the text after it: GB/T 1.1's `——`, `a)`,
/// `1)`, and the markers it does not use (`(1)`, `①`, `•`, `·`, `-`, `*`, `1.`, `（a）`), so
/// the checker can point at them.
pub(crate) fn list_marker(text: &str) -> Option<(String, String)> {
    let t = fold_width(text);
    let t = t.trim_start();
    let take = |marker: &str, rest: &str| Some((marker.to_string(), rest.trim_start().to_string()));
    for dash in ["——", "—", "－－"] {
        if let Some(rest) = t.strip_prefix(dash) {
            if !rest.trim().is_empty() {
                return take(dash, rest);
            }
        }
    }
    for bullet in ['•', '·', '●', '○', '■', '◆', '▪', '-', '*', '+'] {
        if let Some(rest) = t.strip_prefix(bullet) {
            return take(&bullet.to_string(), rest);
        }
    }
    let chars: Vec<char> = t.chars().collect();
    let first = *chars.first()?;
    if ('①'..='⑳').contains(&first) {
        return take(&first.to_string(), &t[first.len_utf8()..]);
    }
    // a) 1) (1) (a) 1.
    let open = first == '(';
    let start = usize::from(open);
    let mut end = start;
    if chars.get(start).is_some_and(|c| c.is_ascii_lowercase()) {
        end = start + 1;
    } else {
        while end < chars.len() && end < start + 2 && chars[end].is_ascii_digit() {
            end += 1;
        }
    }
    if end == start {
        return None;
    }
    let close = *chars.get(end)?;
    let digit = chars[start].is_ascii_digit();
    let ok = close == ')'
        || (!open
            && digit
            && close == '.'
            && chars.get(end + 1).is_some_and(|c| c.is_whitespace()));
    if !ok {
        return None;
    }
    let marker: String = chars[..=end].iter().collect();
    let rest: String = chars[end + 1..].iter().collect();
    if rest.trim().is_empty() {
        return None;
    }
    take(&marker, &rest)
}

/// Adds a paragraph of running text to `doc`, deciding what it is.
pub(crate) fn push_paragraph(doc: &mut Document, raw: &str, line: u32, allow_text_headings: bool) {
    let text = raw.trim();
    if text.is_empty() {
        return;
    }
    // The cover number: right after the title, before anything else.
    if doc.blocks.is_empty()
        && doc.number.is_none()
        && !doc.title.is_empty()
        && looks_like_number(text)
    {
        doc.number = Some(text.to_string());
        return;
    }
    if allow_text_headings {
        if is_element_title(text) && text.chars().count() <= 12 {
            doc.blocks.push(Block::Heading {
                level: 1,
                number: None,
                title: text.split_whitespace().collect::<Vec<_>>().join(" "),
                line,
            });
            return;
        }
        let (number, title) = split_number(text);
        if let Some(n) = number {
            let short = title.chars().count() <= 30;
            let sentence = title.contains('。') || title.contains('；') || title.contains('，');
            if short && !sentence && !title.is_empty() {
                doc.blocks.push(Block::Heading {
                    level: level_of(&n),
                    number: Some(n),
                    title,
                    line,
                });
                return;
            }
        }
    }
    if let Some((marker, rest)) = list_marker(text) {
        let level =
            if marker.chars().next().is_some_and(|c| c.is_ascii_digit()) && marker.ends_with(')') {
                2
            } else {
                1
            };
        doc.blocks.push(Block::ListItem {
            marker,
            level,
            text: rest,
            line,
        });
        return;
    }
    doc.blocks.push(Block::Paragraph {
        text: text.to_string(),
        line,
    });
}

fn looks_like_number(text: &str) -> bool {
    let t = fold_width(text);
    t.chars().count() <= 40
        && t.chars().any(|c| c.is_ascii_uppercase())
        && t.chars().any(|c| c.is_ascii_digit())
        && !t.contains('。')
        && t.chars().all(|c| c.is_ascii() || "—–－　".contains(c))
}
