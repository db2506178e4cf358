//! What a paragraph of running text is, whatever the source format: a cover number, a
//! heading written as plain text ("5.1 人员", "附录A"), a list item by its marker, or a
//! paragraph. Markdown uses it for paragraphs (its headings are marked up); .docx for every
//! paragraph without a heading style, since GB/T templates often number clauses in the text.

use std::sync::OnceLock;

use gongfu_domain::standard::{NumberRules, StandardNumber};
use gongfu_domain::text::fold_width;

use crate::{Block, Document};

/// Splits a clause number off a heading: `"5.1 人员"` -> `(Some("5.1"), "人员")`,
/// `"1范围"` -> `(Some("1"), "范围")`, `"A.2 表格"` -> `(Some("A.2"), "表格")`,
/// `"3.1 0-3岁婴幼儿"` -> `(Some("3.1"), "0-3岁婴幼儿")`. Text that only starts with a
/// number (`"2020年计划"`, `"1) 受理"`, `"3.5mm"`) keeps it.
pub(crate) fn split_number(raw: &str) -> (Option<String>, String) {
    split(raw, false)
}

/// [`split_number`] for a paragraph that is not marked up as a heading, where a number
/// followed by a space may still be a quantity ("2 000 人", "3 名"): the title must then
/// start with neither a digit nor a unit.
pub(crate) fn split_clause(raw: &str) -> (Option<String>, String) {
    split(raw, true)
}

fn split(raw: &str, strict: bool) -> (Option<String>, String) {
    let original = raw.trim();
    // Most paragraphs start with a Chinese character: nothing to split.
    let starts = |c: char| {
        c.is_ascii_digit()
            || c.is_ascii_uppercase()
            || ('０'..='９').contains(&c)
            || ('Ａ'..='Ｚ').contains(&c)
    };
    if !original.chars().next().is_some_and(starts) {
        return (None, original.to_string());
    }
    // Detection on the folded text; the title comes from the text as written (fold maps
    // one char to one char, so positions agree).
    let s = fold_width(original);
    let unnumbered = || (None, original.to_string());
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
        return unnumbered();
    }
    while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
        i += 1;
    }
    let number: String = chars[..i]
        .iter()
        .collect::<String>()
        .trim_end_matches('.')
        .to_string();
    // What follows a clause number is a space or the title itself, which starts with a
    // Chinese character; never a digit, a bracket, a unit or a letter ("3.5mm").
    let next = chars.get(i).copied();
    let first_of_title = chars[i..].iter().find(|c| !c.is_whitespace()).copied();
    let separated = match next {
        None => true,
        Some(c) if c.is_whitespace() => !first_of_title
            .is_some_and(|f| ")）、,，.:：;；%".contains(f) || (strict && f.is_ascii_digit())),
        // Glued to a measure word, it is a quantity: "5个工作日", "2020年", "15分钟".
        Some(c) => {
            let two: String = chars[i..].iter().take(2).collect();
            let units = [
                "分钟", "小时", "人次", "周岁", "公里", "公斤", "平方", "立方", "以上", "以下",
                "以内", "万元",
            ];
            is_ideograph(c)
                && !"年月日个次岁元倍万千百亿".contains(c)
                && !units.contains(&two.as_str())
        }
    };
    let rest: String = original
        .chars()
        .skip(i)
        .collect::<String>()
        .trim()
        .to_string();
    let plausible = separated
        && !number.is_empty()
        && number
            .split('.')
            .all(|p| !p.is_empty() && (p.len() <= 3 || p.chars().all(|c| c.is_ascii_uppercase())));
    if plausible {
        (Some(number), rest)
    } else {
        unnumbered()
    }
}

fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// The level of a numbered heading: how many parts its number has.
pub(crate) fn level_of(number: &str) -> u8 {
    number.split('.').count().min(u8::MAX as usize) as u8
}

/// A title without its whitespace (GB/T prints "前　　言" with spaces).
pub(crate) fn plain(title: &str) -> String {
    title.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Unnumbered elements that are chapters in their own right.
pub(crate) fn is_element_title(t: &str) -> bool {
    // The longest element name, with GB/T's spaces, is short: a paragraph is not one.
    if t.len() > 64 {
        return appendix_label(t).is_some();
    }
    let t = plain(t);
    matches!(
        t.as_str(),
        "前言" | "引言" | "参考文献" | "索引" | "目次" | "目录"
    ) || appendix_label(&t).is_some()
}

/// A heading's title as the document should keep it: a fixed element's name without the
/// spaces GB/T prints in it ("前　　言" -> "前言"); any other title as written.
pub(crate) fn heading_title(t: &str) -> String {
    let p = plain(t);
    if matches!(
        p.as_str(),
        "前言" | "引言" | "参考文献" | "索引" | "目次" | "目录"
    ) {
        p
    } else {
        t.trim().to_string()
    }
}

/// `"附录A（规范性）服务评价"` -> `"附录A"`: the label that names an appendix in findings.
pub(crate) fn appendix_label(title: &str) -> Option<String> {
    if !title.trim_start().starts_with('附') {
        return None;
    }
    let head: String = title.chars().take(16).collect();
    let t = fold_width(&plain(&head));
    let rest = t.strip_prefix("附录")?;
    let letter = rest.chars().next().filter(char::is_ascii_uppercase)?;
    // "附录AB..." is a word, not an appendix letter.
    if rest[1..]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return None;
    }
    Some(format!("附录{letter}"))
}

/// True for an appendix heading that has only its label and perhaps its nature
/// ("附录A", "附录A（规范性）"): its title is on the next lines of a .docx.
fn is_bare_appendix(title: &str) -> bool {
    let t = fold_width(&plain(title));
    let Some(label) = appendix_label(&t) else {
        return false;
    };
    let rest = &t[label.len()..];
    rest.is_empty() || is_nature(rest)
}

fn is_nature(t: &str) -> bool {
    matches!(
        fold_width(&plain(t)).as_str(),
        "(规范性)" | "(资料性)" | "(规范性附录)" | "(资料性附录)"
    )
}

/// A line of a table of contents: text, a tab or a leader, a page number
/// ("5.1 人员\t3", "前言……………Ⅰ"). Never a heading.
pub(crate) fn is_toc_line(text: &str) -> bool {
    let t = text.trim_end();
    let page = |c: char| c.is_ascii_digit() || "ivxIVXⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ".contains(c);
    let body = t.trim_end_matches(page);
    if body.len() == t.len() || body.trim().is_empty() {
        return false;
    }
    let leader = |c: char| c == '\t' || "….·．⋯_".contains(c);
    let before = body.trim_end_matches(|c: char| c == ' ' || c == '\u{3000}' || leader(c));
    body[before.len()..].chars().any(leader)
}

/// The markers GB/T 1.1 uses for list items: 破折号 (as a Chinese input method types it,
/// U+2014 or U+2015 twice), and 间隔号 on the second level.
pub(crate) fn is_dash(m: &str) -> bool {
    m.chars().count() == 2 && m.chars().all(|c| c == '—' || c == '―')
}

/// A list marker at the start of `text`, as written, with the text after it: GB/T 1.1's
/// `——`, `a)`, `1)`, `·`, and the markers it does not use (`(1)`, `①`, `•`, `-`, `*`, `1.`,
/// `1、`, `（a）`), so the checker can point at them.
pub(crate) fn list_marker(text: &str) -> Option<(String, String)> {
    let original = text.trim_start();
    // A marker is a few characters long: only the start of the text is folded.
    let head: String = original.chars().take(8).collect();
    let chars: Vec<char> = fold_width(&head).chars().collect();
    // Fold maps one char to one char, so a marker's length in `chars` is its length in
    // `original`.
    let take = |n: usize| -> Option<(String, String)> {
        let marker: String = original.chars().take(n).collect();
        let rest: String = original.chars().skip(n).collect();
        let rest = rest.trim_start().to_string();
        (!rest.is_empty()).then_some((marker, rest))
    };
    let first = *chars.first()?;
    // Dashes: "——", "—", "--".
    let dashes = chars
        .iter()
        .take_while(|c| matches!(c, '—' | '―' | '–' | '─'))
        .count();
    if dashes > 0 {
        return take(dashes);
    }
    let spaced = chars.get(1).is_some_and(|c| c.is_whitespace());
    if first == '-' && chars.get(1) == Some(&'-') {
        let n = chars.iter().take_while(|c| **c == '-').count();
        return take(n);
    }
    // "- x", "-经培训" (a hyphen for a dash); not "-5℃".
    let ideograph_next = chars.get(1).copied().is_some_and(is_ideograph);
    if matches!(first, '-' | '*' | '+') && (spaced || ideograph_next) {
        return take(1);
    }
    if "•·●○■□◆◇▪▫►▶※√✓・".contains(first) {
        return take(1);
    }
    if ('①'..='⑳').contains(&first) || ('⑴'..='⒇').contains(&first) {
        return take(1);
    }
    // a) 1) (1) (a) 1. a. 1、
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
    let after_space = chars.get(end + 1).is_some_and(|c| c.is_whitespace());
    let ok = close == ')'
        || (!open && close == '.' && after_space)
        || (!open && close == '、' && chars[start].is_ascii_digit());
    if !ok {
        return None;
    }
    take(end + 1)
}

/// The nesting level GB/T 1.1 gives a marker: `1)` and `·` are the second level.
pub(crate) fn marker_level(marker: &str) -> u8 {
    let m = fold_width(marker);
    let digit_paren =
        m.len() > 1 && m.ends_with(')') && m[..m.len() - 1].chars().all(|c| c.is_ascii_digit());
    if digit_paren || m == "·" {
        2
    } else {
        1
    }
}

/// A heading's title: short, not a sentence.
fn is_title_like(title: &str) -> bool {
    title.chars().count() <= 30 && !title.contains(['。', '；', '，', ';', '：'])
}

/// Adds a clause whose number was split off a paragraph: a titled clause ("5.1 人员") is a
/// heading; an untitled one ("5.1.2　服务人员应……", GB/T's 无标题条) a heading without a
/// title and its text as a paragraph. An untitled clause must fit the numbering before it
/// (its parent is the last numbered heading or one of that heading's ancestors), so that a
/// paragraph opening with a quantity ("1.5 小时内……") stays a paragraph; `known` skips that
/// test for a number Word's numbering printed. Returns false when it added nothing.
pub(crate) fn push_clause(
    doc: &mut Document,
    number: String,
    title: &str,
    line: u32,
    known: bool,
) -> bool {
    if title.is_empty() {
        return false;
    }
    if is_title_like(title) {
        doc.blocks.push(Block::Heading {
            level: level_of(&number),
            number: Some(number),
            title: title.to_string(),
            line,
        });
        return true;
    }
    let starts_with_text = title.chars().next().is_some_and(is_ideograph);
    if !starts_with_text || !(known || fits_numbering(doc, &number)) {
        return false;
    }
    doc.blocks.push(Block::Heading {
        level: level_of(&number),
        number: Some(number),
        title: String::new(),
        line,
    });
    doc.blocks.push(Block::Paragraph {
        text: title.to_string(),
        line,
    });
    true
}

/// True when `number` has a parent, and that parent is the last numbered heading (within
/// the last 200 blocks) or one of its ancestors: 5.1.2 after 5.1 or after 5.1.1.
fn fits_numbering(doc: &Document, number: &str) -> bool {
    let Some((parent, _)) = number.rsplit_once('.') else {
        return false;
    };
    let last = doc.blocks.iter().rev().take(200).find_map(|b| match b {
        Block::Heading {
            number: Some(n), ..
        } => Some(n.as_str()),
        _ => None,
    });
    last.is_some_and(|l| {
        l == parent || (l.starts_with(parent) && l.as_bytes().get(parent.len()) == Some(&b'.'))
    })
}

fn default_rules() -> &'static NumberRules {
    static RULES: OnceLock<NumberRules> = OnceLock::new();
    RULES.get_or_init(NumberRules::default)
}

/// A paragraph that is a whole standard number: national, sector, local, group and
/// enterprise numbers by the domain's parser; a district's internal norm (whose pattern
/// the parser is not given here) by its shape, code then number then year.
pub(crate) fn looks_like_number(text: &str) -> bool {
    let t = fold_width(text.trim());
    if t.is_empty() || t.chars().count() > 40 {
        return false;
    }
    if StandardNumber::parse(&t, default_rules()).is_ok() {
        return true;
    }
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.replace(['—', '–', '―'], "-");
    let Some((head, year)) = t.rsplit_once('-') else {
        return false;
    };
    let year_ok = year.len() == 4 && year.chars().all(|c| c.is_ascii_digit());
    let code_end = head
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(head.len());
    let (code, seq) = head.split_at(code_end);
    year_ok
        && code.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == '/' || c.is_ascii_digit())
        && !seq.is_empty()
        && seq.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// Adds a paragraph of running text to `doc`, deciding what it is. `text_headings`: a short
/// paragraph that starts with a clause number is a heading (a .docx without heading styles).
pub(crate) fn push_paragraph(doc: &mut Document, raw: &str, line: u32, text_headings: bool) {
    let text = raw.trim();
    if text.is_empty() {
        return;
    }
    // The cover number: a whole standard number on the cover, before the first heading.
    if doc.number.is_none()
        && doc.blocks.len() < 64
        && !doc
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Heading { .. }))
        && looks_like_number(text)
    {
        doc.number = Some(text.to_string());
        return;
    }
    if text_headings && !is_toc_line(text) {
        // An appendix's nature and title, each on a line of its own after "附录A".
        if let Some(Block::Heading {
            number: None,
            title,
            ..
        }) = doc.blocks.last_mut()
        {
            let short = text.chars().count() <= 40 && !text.contains(['。', '；', '：']);
            if is_bare_appendix(title) && short && !is_element_title(text) {
                if !title.is_empty() {
                    title.push(if is_nature(text) { ' ' } else { '\u{3000}' });
                }
                title.push_str(text);
                return;
            }
        }
        let appendix = appendix_label(text).is_some()
            && text.chars().count() <= 40
            && !text.contains(['。', '；']);
        if (is_element_title(text) && text.chars().count() <= 12) || appendix {
            doc.blocks.push(Block::Heading {
                level: 1,
                number: None,
                title: heading_title(text),
                line,
            });
            return;
        }
        let (number, title) = split_clause(text);
        if let Some(n) = number {
            if push_clause(doc, n, &title, line, false) {
                return;
            }
        }
    } else if let (Some(n), title) = split_clause(text) {
        // Markdown marks its titled clauses up; a paragraph can still be an untitled one.
        if !is_title_like(&title) && push_clause(doc, n, &title, line, false) {
            return;
        }
    }
    if let Some((marker, rest)) = list_marker(text) {
        doc.blocks.push(Block::ListItem {
            level: marker_level(&marker),
            marker,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_numbers_split_off_titles_but_not_off_quantities() {
        assert_eq!(
            split_number("5.1 人员"),
            (Some("5.1".into()), "人员".into())
        );
        assert_eq!(split_number("1范围"), (Some("1".into()), "范围".into()));
        assert_eq!(
            split_number("A.2　表格"),
            (Some("A.2".into()), "表格".into())
        );
        for not in [
            "2020年工作计划",
            "1) 受理",
            "3.5mm",
            "5个工作日",
            "2 000 人",
            "1、受理",
            "15分钟健身圈",
        ] {
            assert_eq!(split_clause(not).0, None, "{not}");
        }
        assert_eq!(
            split_number("3.1 0-3岁婴幼儿"),
            (Some("3.1".into()), "0-3岁婴幼儿".into())
        );
        assert_eq!(split_clause("3.1 0-3岁婴幼儿").0, None);
    }

    #[test]
    fn markers_are_kept_as_written() {
        let m = |t: &str| list_marker(t).map(|(m, r)| format!("{m}|{r}"));
        assert_eq!(m("——经培训；").as_deref(), Some("——|经培训；"));
        assert_eq!(m("a)　受理").as_deref(), Some("a)|受理"));
        assert_eq!(m("（a）受理").as_deref(), Some("（a）|受理"));
        assert_eq!(m("１）受理").as_deref(), Some("１）|受理"));
        assert_eq!(m("1. 受理").as_deref(), Some("1.|受理"));
        assert_eq!(m("1、受理").as_deref(), Some("1、|受理"));
        assert_eq!(m("·受理").as_deref(), Some("·|受理"));
        assert_eq!(m("-5℃以下"), None);
        assert_eq!(m("-经培训").as_deref(), Some("-|经培训"));
        assert_eq!(m("1.5倍"), None);
        assert_eq!(m("——"), None);
        assert_eq!(marker_level("1)"), 2);
        assert_eq!(marker_level("·"), 2);
        assert_eq!(marker_level("a)"), 1);
    }

    #[test]
    fn cover_numbers_and_toc_lines() {
        assert!(looks_like_number("DB4403/T 9002—2016"));
        assert!(looks_like_number("SLQ/NB 12—2024"));
        assert!(!looks_like_number("ICS 03.080"));
        assert!(!looks_like_number("本文件规定了GB/T 1.1"));
        assert!(is_toc_line("5.1 人员\t3"));
        assert!(is_toc_line("前言……………Ⅰ"));
        assert!(!is_toc_line("5.1 人员 3"));
        assert!(!is_toc_line("每年1次"));
        assert_eq!(
            appendix_label("附 录 A（规范性）评价").as_deref(),
            Some("附录A")
        );
        assert_eq!(appendix_label("附录ABC"), None);
    }
}
