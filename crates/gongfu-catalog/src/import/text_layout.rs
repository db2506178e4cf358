//! The official text layout of the national standard, as a PDF's text layer gives it:
//!
//! ```text
//! 一、幼有所育
//! 1.优孕优生服务
//! (1)农村免费孕前优生健康检查
//! 服务对象：农村计划怀孕夫妇
//! 服务内容：……
//! ```
//!
//! Text layers break lines anywhere, mix full- and half-width punctuation, put spaces
//! between characters and leave page numbers in the flow. The reader folds width, joins
//! broken lines, drops page furniture, and accepts a heading only when its number follows
//! the previous one (area 二 after 一, category 5 after 4, item (3) after (2)), so a
//! numbered sentence inside a paragraph is not mistaken for a heading.

use super::{ImportError, ImportFailure, Located};
use gongfu_domain::catalog::{Area, Category, ItemColumn};
use gongfu_domain::text::{clean, fold_width};
use gongfu_domain::{ItemDraft, Taxonomy};
use std::collections::HashMap;

#[derive(Debug)]
enum Line<'a> {
    Area(u32, &'a str),
    Category(u32, &'a str),
    Item(u32, &'a str),
    Field(&'static ItemColumn, &'a str),
    Text,
}

fn classify(s: &str) -> Line<'_> {
    // (n) item heading
    if let Some(rest) = s.strip_prefix('(') {
        if let Some(close) = rest.find(')') {
            if let Ok(n) = rest[..close].trim().parse::<u32>() {
                return Line::Item(n, rest[close + 1..].trim());
            }
        }
    }
    // n. category heading
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits <= 3 {
        let rest = &s[digits..];
        if let Some(name) = rest.strip_prefix('.').or_else(|| rest.strip_prefix('、')) {
            if let Ok(n) = s[..digits].parse::<u32>() {
                return Line::Category(n, name.trim());
            }
        }
    }
    // 一、 area heading
    if let Some(idx) = s.find('、') {
        if let Some(n) = super::chinese_numeral(&s[..idx]) {
            return Line::Area(n, s[idx + '、'.len_utf8()..].trim());
        }
    }
    // 服务对象: ...
    if let Some(idx) = s.find(':') {
        if let Some(col) = ItemColumn::by_header(&s[..idx]) {
            return Line::Field(col, s[idx + 1..].trim());
        }
    }
    Line::Text
}

/// Page numbers and running heads left in a text layer: "- 3 -", "— 12 —", "第 3 页", "3".
fn is_page_furniture(s: &str) -> bool {
    let core: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if core.is_empty() {
        return true;
    }
    let stripped = core.trim_matches(|c| "-—–第页/共".contains(c));
    !stripped.is_empty()
        && stripped
            .chars()
            .all(|c| c.is_ascii_digit() || c == '/' || c == '共' || c == '页' || c == '第')
}

struct Current {
    draft: ItemDraft,
    line: usize,
    columns: HashMap<&'static str, (Option<usize>, Option<String>)>,
    field: Option<&'static str>,
}

/// Reads the text layout into a taxonomy (from its headings) and item drafts.
pub fn read(file: &str, bytes: &[u8]) -> Result<(Taxonomy, Vec<Located>), ImportFailure> {
    // A PDF's text layer saved on Chinese Windows is GBK as often as UTF-8.
    let text = gongfu_sheets::decode(bytes);
    let err = |line: usize, message: String| ImportError {
        file: file.into(),
        sheet: None,
        row: Some(line),
        column: None,
        message,
    };
    let mut errors = Vec::new();
    let mut areas: Vec<Area> = Vec::new();
    let mut cats: Vec<Category> = Vec::new();
    let mut out: Vec<Located> = Vec::new();
    let mut cur: Option<Current> = None;
    let mut last_item_no = 0;
    // What continuation text belongs to when no item is open: a heading's name.
    let mut heading_open: Option<char> = None;

    let flush = |cur: &mut Option<Current>, out: &mut Vec<Located>| {
        if let Some(c) = cur.take() {
            let mut d = c.draft;
            for key in [
                "name",
                "target_population",
                "content",
                "standard",
                "expenditure_responsibility",
                "lead_departments",
                "policy_basis",
                "process",
            ] {
                let v = clean(d.get(key));
                d.set(key, v);
            }
            out.push(Located {
                draft: d,
                row: c.line,
                columns: c.columns,
            });
        }
    };

    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let folded = fold_width(raw);
        let s = folded.trim();
        if s.is_empty() || is_page_furniture(s) {
            continue;
        }
        match classify(s) {
            Line::Area(no, name)
                if no as usize == areas.len() + 1 || (areas.is_empty() && cur.is_none()) =>
            {
                flush(&mut cur, &mut out);
                areas.push(Area {
                    no,
                    name: name.to_string(),
                });
                heading_open = Some('a');
            }
            Line::Category(no, name)
                if !areas.is_empty() && cats.last().is_none_or(|c| no == c.no + 1) =>
            {
                flush(&mut cur, &mut out);
                let area_no = areas.last().map(|a| a.no).unwrap_or(1);
                cats.push(Category {
                    no,
                    area_no,
                    name: name.to_string(),
                });
                last_item_no = 0;
                heading_open = Some('c');
            }
            Line::Item(no, name) if !cats.is_empty() && no == last_item_no + 1 => {
                flush(&mut cur, &mut out);
                last_item_no = no;
                let (area, cat) = (areas.last(), cats.last());
                let mut draft = ItemDraft {
                    area: area.map(|a| a.name.clone()).unwrap_or_default(),
                    category: cat.map(|c| c.name.clone()).unwrap_or_default(),
                    seq: no.to_string(),
                    name: name.to_string(),
                    ..Default::default()
                };
                draft.set("name", name.to_string());
                cur = Some(Current {
                    draft,
                    line: n,
                    columns: HashMap::from([("name", (Some(n), None))]),
                    field: Some("name"),
                });
                heading_open = None;
            }
            Line::Field(col, value) if cur.is_some() => {
                if let Some(c) = cur.as_mut() {
                    if let Some((Some(prev), _)) =
                        c.columns.get(col.key).filter(|_| col.key != "name")
                    {
                        errors.push(err(
                            n,
                            gongfu_domain::msg!(
                                "text-layout-field-twice",
                                field = col.header,
                                seq = c.draft.seq,
                                name = clean(&c.draft.name),
                                prev = prev
                            ),
                        ));
                    }
                    c.draft.set(col.key, value.to_string());
                    c.columns.insert(col.key, (Some(n), None));
                    c.field = Some(col.key);
                }
            }
            _ => {
                // A continuation line: joins the open field, or the heading just read.
                if let Some(c) = cur.as_mut() {
                    if let Some(f) = c.field {
                        let joined = format!("{} {}", c.draft.get(f), s);
                        c.draft.set(f, joined);
                    }
                } else {
                    match heading_open {
                        Some('a')
                            if cats.is_empty()
                                || cats.last().map(|c| c.area_no) != areas.last().map(|a| a.no) =>
                        {
                            if let Some(a) = areas.last_mut() {
                                a.name = clean(&format!("{} {}", a.name, s));
                            }
                        }
                        Some('c') => {
                            if let Some(c) = cats.last_mut() {
                                c.name = clean(&format!("{} {}", c.name, s));
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    flush(&mut cur, &mut out);
    if areas.is_empty() {
        errors.push(ImportError {
            file: file.into(),
            sheet: None,
            row: None,
            column: None,
            message: gongfu_domain::msg!("text-layout-no-area"),
        });
    } else if out.is_empty() {
        errors.push(ImportError {
            file: file.into(),
            sheet: None,
            row: None,
            column: None,
            message: gongfu_domain::msg!("text-layout-no-item"),
        });
    }
    if !errors.is_empty() {
        return Err(ImportFailure {
            file: file.into(),
            errors,
        });
    }
    for a in &mut areas {
        a.name = clean(&a.name);
    }
    for c in &mut cats {
        c.name = clean(&c.name);
    }
    let taxonomy = Taxonomy::new(areas, cats).map_err(|e| {
        ImportFailure::one(ImportError {
            file: file.into(),
            sheet: None,
            row: None,
            column: None,
            message: e.to_string(),
        })
    })?;
    // Headings may have been completed by continuation lines after items were opened.
    for l in &mut out {
        if let Some(c) = taxonomy.categories.iter().find(|c| {
            clean(&l.draft.category).starts_with(c.name.as_str())
                || c.name.starts_with(&clean(&l.draft.category))
        }) {
            l.draft.category = c.name.clone();
            l.draft.area = taxonomy
                .area(c.area_no)
                .map(|a| a.name.clone())
                .unwrap_or_default();
        }
    }
    Ok((taxonomy, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_furniture() {
        assert!(is_page_furniture("- 3 -"));
        assert!(is_page_furniture("— 12 —"));
        assert!(is_page_furniture("第 3 页"));
        assert!(is_page_furniture("17"));
        assert!(!is_page_furniture("2次"));
        assert!(!is_page_furniture("服务对象：x"));
    }

    #[test]
    fn classifies_headings() {
        assert!(matches!(
            classify("一、幼有所育"),
            Line::Area(1, "幼有所育")
        ));
        assert!(matches!(
            classify("20.优军优抚服务"),
            Line::Category(20, "优军优抚服务")
        ));
        assert!(matches!(
            classify("(3)退役军人就业创业服务"),
            Line::Item(3, "退役军人就业创业服务")
        ));
        assert!(
            matches!(classify("服务对象:退役军人"), Line::Field(c, "退役军人") if c.key == "target_population")
        );
        assert!(matches!(classify("退役军人"), Line::Text));
    }
}
