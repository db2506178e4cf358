//! The GB/T 1.1-2020 checker: what a district's own norms get wrong most often, each as a
//! rule with an id, a severity and a message that says how to fix it.

use std::collections::{BTreeMap, BTreeSet};

use gongfu_domain::standard::{NumberRules, StandardNumber};
use gongfu_domain::text::fold_width;

use crate::{Block, Document, Finding, Location, RefStatus, ReferenceLookup, RuleInfo, Severity};

/// The fixed first sentence of the preface (GB/T 1.1-2020, 8.2).
pub const PREFACE_SENTENCE: &str =
    "本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。";
/// The lead-in of 规范性引用文件 when there are references (8.6).
pub const REFERENCES_LEAD_IN: &str = "下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。其中，注日期的引用文件，仅该日期对应的版本适用于本文件；不注日期的引用文件，其最新版本（包括所有的修改单）适用于本文件。";
/// The sentence when there are none.
pub const NO_REFERENCES: &str = "本文件没有规范性引用文件。";
/// The lead-in of 术语和定义 (8.7).
pub const TERMS_LEAD_IN: &str = "下列术语和定义适用于本文件。";
/// The sentence when there are no terms.
pub const NO_TERMS: &str = "本文件没有需要界定的术语和定义。";

macro_rules! rules {
    ($($id:ident = ($name:literal, $sev:ident, $title:literal, $why:literal)),+ $(,)?) => {
        /// Every rule, in the order of GB/T 1.1's chapters.
        pub const RULES: &[RuleInfo] = &[$(RuleInfo { id: $name, severity: Severity::$sev, title: $title, explanation: $why }),+];
        mod ids { $(pub const $id: &str = $name;)+ }
        fn severity(rule: &str) -> Severity {
            match rule { $($name => Severity::$sev,)+ _ => Severity::Info }
        }
    };
}

rules! {
    PREFACE_MISSING = ("preface-missing", Error, "缺少前言", "前言是必备要素，位于范围之前（GB/T 1.1—2020 8.2）。"),
    PREFACE_SENTENCE = ("preface-sentence", Error, "前言起草依据的表述", "前言的第一句应为固定表述“本文件按照GB/T 1.1—2020……的规定起草。”"),
    SCOPE_CHAPTER = ("scope-chapter", Error, "范围应为第1章", "范围是必备要素，应为文件的第1章（8.5）。"),
    REFERENCES_CHAPTER = ("references-chapter", Error, "规范性引用文件应为第2章", "规范性引用文件是必备要素，应为第2章（8.6）。"),
    REFERENCES_LEAD_IN = ("references-lead-in", Error, "规范性引用文件的引导语", "规范性引用文件一章应以固定的引导语开始；没有引用文件时写“本文件没有规范性引用文件。”"),
    TERMS_CHAPTER = ("terms-chapter", Error, "术语和定义应为第3章", "术语和定义是必备要素，应为第3章（8.7）。"),
    TERMS_LEAD_IN = ("terms-lead-in", Error, "术语和定义的引导语", "术语和定义一章应以固定的引导语开始；没有术语时写“本文件没有需要界定的术语和定义。”"),
    ELEMENT_ORDER = ("element-order", Error, "要素顺序", "要素的顺序为：前言、引言、范围、规范性引用文件、术语和定义、其他技术要素、附录、参考文献（6.2）。"),
    CLAUSE_GAP = ("clause-gap", Error, "章条编号不连续", "同一层次的章条应从1开始连续编号（7.3、7.4）。"),
    CLAUSE_LEVEL_SKIP = ("clause-level-skip", Error, "章条编号跳层", "条只能在上一层次的章条下细分，不应越级（如5之后直接出现5.1.1）。"),
    CLAUSE_LONE = ("clause-lone", Error, "只有一个下级条", "只有两个或两个以上的下级条时才细分；只有一个时应取消细分（7.4）。"),
    CLAUSE_DEPTH = ("clause-depth", Error, "条的层次过多", "条的细分不宜超过五个层次（7.4）。"),
    CLAUSE_DUPLICATE = ("clause-duplicate", Error, "章条编号重复", "每个章条编号只能使用一次。"),
    HANGING_PARAGRAPH = ("hanging-paragraph", Error, "悬置段", "章或条在细分为下级条时，标题与第一个下级条之间不应有段（悬置段，7.5）。"),
    LIST_MARKER = ("list-marker", Error, "列项符号", "列项应使用破折号“——”或字母编号a)、b)……，再下一层用数字编号1)、2)……（7.6）。"),
    LIST_SEQUENCE = ("list-sequence", Error, "列项编号不连续", "字母或数字编号的列项应从a)或1)开始依次编号。"),
    TERM_WITHOUT_DEFINITION = ("term-without-definition", Error, "术语缺少定义", "术语条目在术语之后应给出定义（8.7）。"),
    REFERENCE_NOT_CITED = ("reference-not-cited", Warning, "列出但未引用的文件", "规范性引用文件中列出的文件应在正文中被规范性引用；只作参考的文件列入参考文献。"),
    REFERENCE_NOT_LISTED = ("reference-not-listed", Warning, "引用但未列出的文件", "正文中规范性引用的文件应列入第2章规范性引用文件（参考的文件列入参考文献）。"),
    REFERENCE_SUPERSEDED = ("reference-superseded", Warning, "引用了被代替的标准", "本区标准库记录该标准已被代替：改为引用现行版本，或确认注日期引用旧版的理由。"),
    REFERENCE_WITHDRAWN = ("reference-withdrawn", Error, "引用了已废止的标准", "本区标准库记录该标准已废止：删除该引用或改引现行标准。"),
    VERBAL_FORM = ("verbal-form", Warning, "要求用“应”而非“必须”", "表示要求用“应”“不应”，表示推荐用“宜”，表示允许用“可”；不用“必须”（GB/T 1.1—2020 附录C）。"),
    VERBAL_NEED = ("verbal-form-need", Info, "“需要”是否表示要求", "“需要”表示要求时应改为“应”；表示客观需要（如“根据需要”）时可保留。"),
}

/// Folds a sentence for comparison: width, spaces, and every dash variant.
fn fold(s: &str) -> String {
    fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .map(|c| match c {
            '—' | '–' | '－' | '‑' => '-',
            '(' => '（',
            ')' => '）',
            ',' => '，',
            ';' => '；',
            ':' => '：',
            _ => c,
        })
        .collect()
}

fn plain(title: &str) -> String {
    title.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The clause (number or element name) in force at each block.
fn clauses(doc: &Document) -> Vec<Option<String>> {
    let mut current: Option<String> = None;
    doc.blocks
        .iter()
        .map(|b| {
            if let Block::Heading { number, title, .. } = b {
                current = Some(number.clone().unwrap_or_else(|| plain(title)));
            }
            current.clone()
        })
        .collect()
}

fn line_of(b: &Block) -> u32 {
    match b {
        Block::Heading { line, .. }
        | Block::Paragraph { line, .. }
        | Block::ListItem { line, .. }
        | Block::Table { line, .. } => *line,
    }
}

struct Out<'a> {
    doc: &'a Document,
    clauses: Vec<Option<String>>,
    findings: Vec<Finding>,
}

impl Out<'_> {
    fn at(&mut self, rule: &'static str, index: Option<usize>, message: String) {
        let (clause, line) = match index.and_then(|i| self.doc.blocks.get(i).map(|b| (i, b))) {
            Some((i, b)) => (self.clauses[i].clone(), line_of(b)),
            None => (None, 1),
        };
        self.findings.push(Finding {
            rule: rule.to_string(),
            severity: severity(rule),
            location: Location { clause, line },
            message,
        });
    }
}

/// A top-level element and where its heading is.
struct Chapter {
    index: usize,
    number: Option<String>,
    title: String,
}

/// Checks `doc` against GB/T 1.1-2020; references are looked up in the registry through
/// `lookup`. Findings come in source order.
pub fn check(doc: &Document, rules: &NumberRules, lookup: &dyn ReferenceLookup) -> Vec<Finding> {
    let mut out = Out {
        doc,
        clauses: clauses(doc),
        findings: vec![],
    };
    let chapters: Vec<Chapter> = doc
        .blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Heading {
                level: 1,
                number,
                title,
                ..
            } => Some(Chapter {
                index: i,
                number: number.clone(),
                title: plain(title),
            }),
            _ => None,
        })
        .collect();
    let find = |name: &str| chapters.iter().find(|c| c.title == name);
    // The blocks of a chapter, heading excluded.
    let body_of = |c: &Chapter| -> std::ops::Range<usize> {
        let end = chapters
            .iter()
            .find(|o| o.index > c.index)
            .map(|o| o.index)
            .unwrap_or(doc.blocks.len());
        c.index + 1..end
    };
    let first_paragraph = |c: &Chapter| -> Option<(usize, String)> {
        body_of(c).find_map(|i| match &doc.blocks[i] {
            Block::Paragraph { text, .. } => Some((i, text.clone())),
            _ => None,
        })
    };

    // 前言 and its first sentence.
    match find("前言") {
        None => out.at(
            ids::PREFACE_MISSING,
            None,
            "缺少前言：在范围之前加“前言”，第一句写“".to_string() + PREFACE_SENTENCE + "”",
        ),
        Some(c) => {
            let ok = |f: &str| f.starts_with(&fold(PREFACE_SENTENCE));
            let message = format!("前言的第一句应为“{PREFACE_SENTENCE}”");
            lead_in(
                &mut out,
                c.index,
                first_paragraph(c),
                ids::PREFACE_SENTENCE,
                &ok,
                message,
            );
        }
    }
    // 范围, 规范性引用文件, 术语和定义 as chapters 1, 2, 3, with their lead-ins.
    for (name, number, rule) in [
        ("范围", "1", ids::SCOPE_CHAPTER),
        ("规范性引用文件", "2", ids::REFERENCES_CHAPTER),
        ("术语和定义", "3", ids::TERMS_CHAPTER),
    ] {
        match find(name) {
            None => out.at(
                rule,
                None,
                format!("缺少“{number} {name}”：{name}是必备要素，应为第{number}章"),
            ),
            Some(c) if c.number.as_deref() != Some(number) => out.at(
                rule,
                Some(c.index),
                format!(
                    "“{name}”应编为第{number}章，现为“{}”",
                    c.number.clone().unwrap_or_else(|| "无编号".into())
                ),
            ),
            Some(_) => {}
        }
    }
    if let Some(c) = find("规范性引用文件") {
        let ok = |f: &str| {
            f.starts_with(&fold(REFERENCES_LEAD_IN)) || f.starts_with(&fold(NO_REFERENCES))
        };
        let message = format!(
            "第2章应以引导语开始：“{REFERENCES_LEAD_IN}”，没有引用文件时写“{NO_REFERENCES}”"
        );
        lead_in(
            &mut out,
            c.index,
            first_paragraph(c),
            ids::REFERENCES_LEAD_IN,
            &ok,
            message,
        );
    }
    if let Some(c) = find("术语和定义") {
        let ok = |f: &str| {
            f.starts_with(&fold(TERMS_LEAD_IN))
                || f.starts_with(&fold(NO_TERMS))
                || (f.contains("界定的") && f.ends_with("术语和定义适用于本文件。"))
        };
        let message = format!("第3章应以引导语开始：“{TERMS_LEAD_IN}”，没有术语时写“{NO_TERMS}”");
        lead_in(
            &mut out,
            c.index,
            first_paragraph(c),
            ids::TERMS_LEAD_IN,
            &ok,
            message,
        );
    }
    // Element order.
    let rank = |c: &Chapter| -> Option<u8> {
        Some(match c.title.as_str() {
            "前言" => 0,
            "引言" => 1,
            "范围" => 2,
            "规范性引用文件" => 3,
            "术语和定义" => 4,
            "参考文献" => 7,
            t if t.starts_with("附录") => 6,
            _ if c.number.is_some() => 5,
            _ => return None,
        })
    };
    let mut highest: Option<(u8, &Chapter)> = None;
    for c in &chapters {
        let Some(r) = rank(c) else { continue };
        match highest {
            Some((h, prev)) if r < h => {
                out.at(
                    ids::ELEMENT_ORDER,
                    Some(c.index),
                    format!("“{}”应在“{}”之前", c.title, prev.title),
                );
            }
            _ => highest = Some((r, c)),
        }
    }

    // A missing 范围, 规范性引用文件 or 术语和定义 leaves its chapter number free; that is
    // reported once, as the missing element, not again as a gap in the numbering.
    let vacant: BTreeSet<u32> = [("范围", 1), ("规范性引用文件", 2), ("术语和定义", 3)]
        .into_iter()
        .filter(|(name, _)| find(name).is_none())
        .map(|(_, n)| n)
        .collect();
    numbering(&mut out, &vacant);
    hanging(&mut out, find("术语和定义").map(|c| c.index));
    lists(&mut out);
    if let Some(c) = find("术语和定义") {
        terms(&mut out, body_of(c));
    }
    references(
        &mut out,
        rules,
        lookup,
        &chapters,
        find("规范性引用文件").map(body_of),
    );
    verbal_forms(&mut out, &chapters);

    let mut findings = out.findings;
    findings.sort_by_key(|f| f.location.line);
    findings
}

/// Reports `rule` unless the element's first paragraph, folded, is `ok`; at that paragraph,
/// or at the heading when the element has none.
fn lead_in(
    out: &mut Out<'_>,
    heading: usize,
    first: Option<(usize, String)>,
    rule: &'static str,
    ok: &dyn Fn(&str) -> bool,
    message: String,
) {
    if !first.as_ref().is_some_and(|(_, t)| ok(&fold(t))) {
        out.at(
            rule,
            Some(first.map(|(i, _)| i).unwrap_or(heading)),
            message,
        );
    }
}

/// A clause number as parts; appendix letters count as one part.
fn parts(n: &str) -> Vec<String> {
    n.split('.').map(str::to_string).collect()
}

fn numbering(out: &mut Out<'_>, vacant: &BTreeSet<u32>) {
    let doc = out.doc;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut skipped: BTreeSet<String> = BTreeSet::new();
    // Parent ("" for chapters) -> (children count, last child number, index of last child).
    let mut children: BTreeMap<String, (usize, Option<u32>, usize)> = BTreeMap::new();
    for (i, b) in doc.blocks.iter().enumerate() {
        let Block::Heading {
            number: Some(n), ..
        } = b
        else {
            continue;
        };
        let p = parts(n);
        let parent = p[..p.len() - 1].join(".");
        if !seen.insert(n.clone()) {
            out.at(
                ids::CLAUSE_DUPLICATE,
                Some(i),
                format!("编号{n}已经用过，请重新编号"),
            );
            children.entry(parent).or_insert((0, None, i)).0 += 1;
            continue;
        }
        if p.len() > 6 {
            out.at(
                ids::CLAUSE_DEPTH,
                Some(i),
                format!(
                    "{n}是第{}层次的条，超过了五个层次：合并或改用列项",
                    p.len() - 1
                ),
            );
        }
        if p.len() > 1
            && !parent.chars().all(|c| c.is_ascii_uppercase())
            && !seen.contains(&parent)
            && skipped.insert(parent.clone())
        {
            out.at(
                ids::CLAUSE_LEVEL_SKIP,
                Some(i),
                format!("{n}之前没有{parent}：条不应越级编号"),
            );
        }
        let last = p.last().and_then(|x| x.parse::<u32>().ok());
        let entry = children.entry(parent.clone()).or_insert((0, None, i));
        let expected = entry.1.map(|l| l + 1).unwrap_or(1);
        if let Some(v) = last {
            let only_vacant =
                parent.is_empty() && v > expected && (expected..v).all(|k| vacant.contains(&k));
            if v != expected && !only_vacant {
                let prev = entry.1.map(|l| {
                    if parent.is_empty() {
                        l.to_string()
                    } else {
                        format!("{parent}.{l}")
                    }
                });
                let msg = match prev {
                    Some(pv) => format!(
                        "{n}紧接在{pv}之后，编号不连续：应为{}",
                        if parent.is_empty() {
                            expected.to_string()
                        } else {
                            format!("{parent}.{expected}")
                        }
                    ),
                    None => format!(
                        "{n}是该层次的第一个编号，应从{}开始",
                        if parent.is_empty() {
                            "1".to_string()
                        } else {
                            format!("{parent}.1")
                        }
                    ),
                };
                out.at(ids::CLAUSE_GAP, Some(i), msg);
            }
            entry.1 = Some(v);
        }
        entry.0 += 1;
        entry.2 = i;
    }
    for (parent, (count, _, i)) in children {
        if count == 1 && !parent.is_empty() {
            out.at(
                ids::CLAUSE_LONE,
                Some(i),
                format!("{parent}下只有一个条：取消细分，或再增加一个条"),
            );
        }
    }
}

fn hanging(out: &mut Out<'_>, terms_chapter: Option<usize>) {
    let doc = out.doc;
    for (i, b) in doc.blocks.iter().enumerate() {
        let Block::Heading {
            number: Some(n), ..
        } = b
        else {
            continue;
        };
        let prefix = format!("{n}.");
        // The first heading after this one: is it a subclause of it?
        let next = doc.blocks[i + 1..]
            .iter()
            .position(|b| matches!(b, Block::Heading { .. }))
            .map(|k| i + 1 + k);
        let Some(next) = next else { continue };
        let is_child = matches!(&doc.blocks[next], Block::Heading { number: Some(m), .. } if m.starts_with(&prefix));
        if !is_child {
            continue;
        }
        let mut between: Vec<usize> = (i + 1..next).collect();
        // 3 术语和定义 opens with its lead-in (right or wrong, terms-lead-in judges its
        // words): that is not a hanging paragraph.
        if Some(i) == terms_chapter {
            if let Some(k) = between
                .iter()
                .position(|&k| matches!(&doc.blocks[k], Block::Paragraph { .. }))
            {
                between.remove(k);
            }
        }
        if let Some(&k) = between.first() {
            out.at(ids::HANGING_PARAGRAPH, Some(k), format!("{n}与{n}.1之间有悬置段：把这些内容编为一个条（如“{n}.1 总则”），或移到下级条中"));
        }
    }
}

fn lists(out: &mut Out<'_>) {
    let doc = out.doc;
    // Expected next marker per level in the current run of list items.
    let mut expect: BTreeMap<u8, char> = BTreeMap::new();
    for (i, b) in doc.blocks.iter().enumerate() {
        let Block::ListItem { marker, level, .. } = b else {
            expect.clear();
            continue;
        };
        let m = marker.trim();
        if m.is_empty() {
            continue;
        }
        expect.retain(|l, _| l <= level);
        let chars: Vec<char> = m.chars().collect();
        let gbt = m == "——"
            || (chars.len() == 2 && chars[0].is_ascii_lowercase() && chars[1] == ')')
            || (chars.len() >= 2
                && chars[..chars.len() - 1].iter().all(char::is_ascii_digit)
                && chars[chars.len() - 1] == ')');
        if !gbt {
            out.at(
                ids::LIST_MARKER,
                Some(i),
                format!("列项符号“{m}”不符合GB/T 1.1：用“——”，或用a)、b)编号，下一层用1)、2)"),
            );
            continue;
        }
        if m == "——" {
            continue;
        }
        let first = chars[0];
        let (start, this) = if first.is_ascii_lowercase() {
            ('a', first)
        } else {
            let n: u32 = m.trim_end_matches(')').parse().unwrap_or(0);
            ('1', char::from_digit(n.min(35), 36).unwrap_or('0'))
        };
        let want = *expect.get(level).unwrap_or(&start);
        let want = if first.is_ascii_lowercase() == want.is_ascii_lowercase() {
            want
        } else {
            start
        };
        if this != want {
            out.at(
                ids::LIST_SEQUENCE,
                Some(i),
                format!("列项编号“{m}”不连续：此处应为“{want})”"),
            );
        }
        let next = char::from_u32(this as u32 + 1).unwrap_or(this);
        expect.insert(*level, next);
    }
}

fn terms(out: &mut Out<'_>, range: std::ops::Range<usize>) {
    let doc = out.doc;
    for i in range.clone() {
        let Block::Heading {
            number: Some(n),
            title,
            ..
        } = &doc.blocks[i]
        else {
            continue;
        };
        let defined = doc.blocks[i + 1..range.end]
            .iter()
            .take_while(|b| !matches!(b, Block::Heading { .. }))
            .any(|b| matches!(b, Block::Paragraph { .. } | Block::ListItem { .. }));
        if !defined {
            out.at(
                ids::TERM_WITHOUT_DEFINITION,
                Some(i),
                format!("术语{n}“{}”没有定义：在术语下写出定义", title.trim()),
            );
        }
    }
}

/// Every standard number in `text`.
fn numbers_in(text: &str, rules: &NumberRules) -> Vec<StandardNumber> {
    let mut found = vec![];
    let mut prev: Option<char> = None;
    let mut i = 0;
    while i < text.len() {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let boundary = !prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == '/');
        if boundary && c.is_ascii_uppercase() {
            if let Ok((n, rest)) = StandardNumber::parse_prefix(&text[i..], rules) {
                let used = text.len() - i - rest.len();
                if used > 0 {
                    found.push(n);
                    prev = text[..i + used].chars().next_back();
                    i += used;
                    continue;
                }
            }
        }
        prev = Some(c);
        i += c.len_utf8();
    }
    found
}

fn texts_of(b: &Block) -> Vec<&str> {
    match b {
        Block::Paragraph { text, .. } | Block::ListItem { text, .. } => vec![text.as_str()],
        Block::Table { rows, .. } => rows.iter().flatten().map(String::as_str).collect(),
        Block::Heading { .. } => vec![],
    }
}

fn references(
    out: &mut Out<'_>,
    rules: &NumberRules,
    lookup: &dyn ReferenceLookup,
    chapters: &[Chapter],
    listed_range: Option<std::ops::Range<usize>>,
) {
    let doc = out.doc;
    // Listed: each entry of chapter 2 that starts with a number.
    let mut listed: Vec<(usize, StandardNumber)> = vec![];
    if let Some(r) = listed_range.clone() {
        for i in r {
            for t in texts_of(&doc.blocks[i]) {
                if let Ok((n, _)) = StandardNumber::parse_prefix(t, rules) {
                    listed.push((i, n));
                }
            }
        }
    }
    // Cited: numbers in the body, outside 前言, 引言, chapter 2 and 参考文献.
    let skip: Vec<std::ops::Range<usize>> = chapters
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            matches!(
                c.title.as_str(),
                "前言" | "引言" | "规范性引用文件" | "参考文献"
            )
        })
        .map(|(k, c)| {
            c.index
                ..chapters
                    .get(k + 1)
                    .map(|n| n.index)
                    .unwrap_or(doc.blocks.len())
        })
        .collect();
    let first_chapter = chapters.first().map(|c| c.index).unwrap_or(0);
    let mut cited: Vec<(usize, StandardNumber)> = vec![];
    for (i, b) in doc.blocks.iter().enumerate() {
        if i < first_chapter || skip.iter().any(|r| r.contains(&i)) {
            continue;
        }
        for t in texts_of(b) {
            for n in numbers_in(t, rules) {
                cited.push((i, n));
            }
        }
    }
    let key = |n: &StandardNumber| n.undated().to_string();
    let cited_keys: BTreeSet<String> = cited.iter().map(|(_, n)| key(n)).collect();
    let listed_keys: BTreeSet<String> = listed.iter().map(|(_, n)| key(n)).collect();
    for (i, n) in &listed {
        if !cited_keys.contains(&key(n)) {
            out.at(
                ids::REFERENCE_NOT_CITED,
                Some(*i),
                format!(
                    "{n}列在规范性引用文件中，但正文没有引用它：在正文中规范性引用，或移到参考文献"
                ),
            );
        }
    }
    let mut reported = BTreeSet::new();
    for (i, n) in &cited {
        if !listed_keys.contains(&key(n)) && reported.insert(key(n)) {
            out.at(
                ids::REFERENCE_NOT_LISTED,
                Some(*i),
                format!(
                    "正文引用了{n}，但第2章没有列出：列入规范性引用文件（资料性引用列入参考文献）"
                ),
            );
        }
    }
    let mut checked = BTreeSet::new();
    for (i, n) in listed.iter().chain(cited.iter()) {
        if !checked.insert(n.to_string()) {
            continue;
        }
        match lookup.status(n) {
            Some(RefStatus::Superseded { by }) => {
                let msg = match by {
                    Some(b) => {
                        format!("{n}已被{b}代替：改为引用{b}（或不注日期引用），除非有意引用旧版")
                    }
                    None => format!("{n}已被代替：改为引用现行版本"),
                };
                out.at(ids::REFERENCE_SUPERSEDED, Some(*i), msg);
            }
            Some(RefStatus::Withdrawn) => out.at(
                ids::REFERENCE_WITHDRAWN,
                Some(*i),
                format!("{n}已废止：删除该引用，或改引现行标准"),
            ),
            _ => {}
        }
    }
}

fn verbal_forms(out: &mut Out<'_>, chapters: &[Chapter]) {
    let doc = out.doc;
    let first_body = chapters
        .iter()
        .find(|c| !matches!(c.title.as_str(), "前言" | "引言"))
        .map(|c| c.index)
        .unwrap_or(usize::MAX);
    for (i, b) in doc.blocks.iter().enumerate().skip(first_body) {
        for t in texts_of(b) {
            if t.contains("必须") {
                out.at(
                    ids::VERBAL_FORM,
                    Some(i),
                    "“必须”不是GB/T 1.1的要求用语：表示要求改用“应”，表示推荐用“宜”".into(),
                );
            } else if t.contains("需要") {
                out.at(
                    ids::VERBAL_NEED,
                    Some(i),
                    "“需要”如表示要求，改用“应”；如表示客观需要（如“根据需要”），可保留".into(),
                );
            }
        }
    }
}
