//! The GB/T 1.1-2020 checker: what a district's own norms get wrong most often, each as a
//! rule with an id, a severity and a message that says how to fix it.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use gongfu_domain::standard::{NumberRules, StandardNumber};
use gongfu_domain::text::fold_width;

use crate::classify::{appendix_label, is_dash, plain};
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

/// The most findings one rule reports in a document; past them, one more finding says how
/// many of that rule were left out. A document that breaks a rule hundreds of times is
/// better served by fixing the pattern and checking again than by a list of every place,
/// and without the bound each short paragraph could cost a finding of a few hundred bytes
/// per rule (100,000 paragraphs of "必须需要做" once gave 200,000 findings and 60 MB).
pub const MAX_FINDINGS_PER_RULE: usize = 200;

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
    PREFACE_MISSING = ("preface-missing", Error, "缺少前言", "前言是必备要素，位于目次之后、引言和范围之前；其第一句说明文件按GB/T 1.1—2020起草。"),
    PREFACE_SENTENCE = ("preface-sentence", Error, "前言起草依据的表述", "前言的第一句应为固定表述“本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。”（全角半角、空格和连接号的差别不计）。"),
    SCOPE_CHAPTER = ("scope-chapter", Error, "范围应为第1章", "范围是必备要素，应为文件的第1章，写明文件规定了什么、适用于什么。"),
    REFERENCES_CHAPTER = ("references-chapter", Error, "规范性引用文件应为第2章", "规范性引用文件是必备要素，应为第2章；没有引用文件时也保留该章。"),
    REFERENCES_LEAD_IN = ("references-lead-in", Error, "规范性引用文件的引导语", "规范性引用文件一章应以固定的引导语开始；没有引用文件时写“本文件没有规范性引用文件。”"),
    TERMS_CHAPTER = ("terms-chapter", Error, "术语和定义应为第3章", "术语和定义是必备要素，应为第3章；没有需要界定的术语时也保留该章。"),
    TERMS_LEAD_IN = ("terms-lead-in", Error, "术语和定义的引导语", "术语和定义一章应以固定的引导语开始：“下列术语和定义适用于本文件。”或“……界定的以及下列术语和定义适用于本文件。”；没有术语时写“本文件没有需要界定的术语和定义。”"),
    ELEMENT_ORDER = ("element-order", Error, "要素顺序", "要素的顺序为：目次、前言、引言、范围、规范性引用文件、术语和定义、其他章、附录、参考文献、索引。"),
    CLAUSE_GAP = ("clause-gap", Error, "章条编号不连续", "同一层次的章条应从1开始连续编号（5.1之后是5.2，第4章之后是第5章）。"),
    CLAUSE_LEVEL_SKIP = ("clause-level-skip", Error, "章条编号跳层", "条只能在上一层次的章条下细分，不应越级（如5之后直接出现5.1.1）。"),
    CLAUSE_LONE = ("clause-lone", Error, "只有一个下级条", "只有两个或两个以上的下级条时才细分；只有一个时应取消细分。术语条目（3.1）不在此列。"),
    CLAUSE_DEPTH = ("clause-depth", Error, "条的层次过多", "条最多细分到第五层次（如5.1.1.1.1.1）；更深的内容应合并或改用列项。"),
    CLAUSE_DUPLICATE = ("clause-duplicate", Error, "章条编号重复", "每个章条编号在文件中只能使用一次；重复的编号多由复制粘贴或合并章条时漏改造成。"),
    HANGING_PARAGRAPH = ("hanging-paragraph", Error, "悬置段", "章或条细分为下级条时，标题与第一个下级条之间不应有段、列项或表（悬置段）；第3章的引导语除外。"),
    LIST_MARKER = ("list-marker", Error, "列项符号", "列项用破折号“——”（第二层次用间隔号“·”），或用字母编号a)、b)……（第二层次用数字编号1)、2)……）；不用-、*、•、(1)、①、1.、1、、（a）等。"),
    LIST_SEQUENCE = ("list-sequence", Error, "列项编号不连续", "字母或数字编号的列项应从a)或1)开始依次编号，不跳号。"),
    TERM_WITHOUT_DEFINITION = ("term-without-definition", Error, "术语缺少定义", "每个术语条目在术语之后应给出定义；注、示例和来源不是定义。"),
    REFERENCE_NOT_CITED = ("reference-not-cited", Warning, "列出但未引用的文件", "规范性引用文件中列出的文件应在正文中被规范性引用；只作参考的文件列入参考文献。警告而非错误：引用可能在本工具读不出的图表中。"),
    REFERENCE_NOT_LISTED = ("reference-not-listed", Warning, "引用但未列出的文件", "正文中规范性引用的文件应列入第2章规范性引用文件，资料性引用的列入参考文献（注、示例和术语来源中的引用不计）。警告而非错误：编号识别可能把正文中的其他编号当作标准编号。"),
    REFERENCE_SUPERSEDED = ("reference-superseded", Warning, "引用了被代替的标准", "本区标准库记录该标准已被代替：改为引用现行版本。警告而非错误：注日期引用旧版可能是有意的。"),
    REFERENCE_REGISTRY = ("reference-registry", Warning, "与标准库登记的引用文件不一致", "标准文本第2章列出的规范性引用文件应与本区标准库（标准明细表“规范性引用文件”一列）为该标准登记的一致，版本（是否注日期、哪一年）也一致：文本多出的，补登到标准库或从文本删除；标准库多出的，核对后补入文本或从标准库删除。警告：两处都可能是错的一方。"),
    REFERENCE_WITHDRAWN = ("reference-withdrawn", Error, "引用了已废止的标准", "本区标准库记录该标准已废止，不能再作为要求的依据：删除该引用或改引现行标准。"),
    VERBAL_FORM = ("verbal-form", Warning, "要求用“应”而非“必须”", "GB/T 1.1—2020的能愿动词：要求用“应”“不应”，推荐用“宜”“不宜”，允许用“可”“不必”，能力用“能”“不能”；不用“必须”。警告：改写时要确认原意。"),
    VERBAL_NEED = ("verbal-form-need", Info, "“需要”是否表示要求", "“需要”表示要求时应改为“应”，“不需要”表示允许时改为“不必”；表示客观需要（如“根据需要”“需要时”）时可保留。"),
}

/// Folds a sentence for comparison: width, spaces, and every dash variant.
fn fold(s: &str) -> String {
    fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '—' | '–' | '‑' | '―' => '-',
            '(' => '（',
            ')' => '）',
            ',' => '，',
            ';' => '；',
            ':' => '：',
            _ => c,
        })
        .collect()
}

/// The name a finding gives the element or clause a block is in: "5.1", "前言", "附录A".
fn clause_name(number: &Option<String>, title: &str) -> String {
    match number {
        Some(n) => n.clone(),
        None => appendix_label(title).unwrap_or_else(|| plain(title)),
    }
}

/// Where the headings are, in block order: the clause in force at a block is the last one at
/// or before it. Kept per heading, not per block, and named only when a finding needs it.
fn headings(doc: &Document) -> Vec<usize> {
    doc.blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b, Block::Heading { .. }))
        .map(|(i, _)| i)
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
    /// [`headings`].
    headings: Vec<usize>,
    findings: Vec<Finding>,
    /// Per rule: findings reported, and those left out past [`MAX_FINDINGS_PER_RULE`] with
    /// where the first of them is.
    counts: BTreeMap<&'static str, (usize, usize, Option<Location>)>,
}

impl Out<'_> {
    /// The clause (number or element name) in force at block `i`.
    fn clause(&self, i: usize) -> Option<String> {
        let k = self.headings.partition_point(|&h| h <= i);
        let h = *self.headings.get(k.checked_sub(1)?)?;
        match &self.doc.blocks[h] {
            Block::Heading { number, title, .. } => Some(clause_name(number, title)),
            _ => None,
        }
    }

    /// A finding at block `index`, or at the top of the document; counted only, past
    /// [`MAX_FINDINGS_PER_RULE`].
    fn at(&mut self, rule: &'static str, index: Option<usize>, message: String) {
        let (reported, left_out, first_left_out) = self.counts.entry(rule).or_default();
        let keep = *reported < MAX_FINDINGS_PER_RULE;
        if keep {
            *reported += 1;
        } else {
            *left_out += 1;
            if first_left_out.is_some() {
                return;
            }
        }
        let (clause, line) = match index.and_then(|i| self.doc.blocks.get(i).map(|b| (i, b))) {
            Some((i, b)) => (self.clause(i), line_of(b)),
            None => (None, 1),
        };
        let location = Location { clause, line };
        if !keep {
            if let Some((_, _, first)) = self.counts.get_mut(rule) {
                *first = Some(location);
            }
            return;
        }
        self.findings.push(Finding {
            rule: rule.to_string(),
            severity: severity(rule),
            location,
            message,
        });
    }

    /// The findings, and for each rule with some left out one that says how many, at the
    /// first of them.
    fn finish(mut self) -> Vec<Finding> {
        for (rule, (_, left_out, first)) in std::mem::take(&mut self.counts) {
            let Some(location) = first else { continue };
            let title = RULES
                .iter()
                .find(|r| r.id == rule)
                .map_or(rule, |r| r.title);
            self.findings.push(Finding {
                rule: rule.to_string(),
                severity: severity(rule),
                location,
                message: format!(
                    "同类问题（{title}）已列出{MAX_FINDINGS_PER_RULE}处，从此处起另有{left_out}处未逐一列出：先按已列出各处的说明改正全文，再重新检查"
                ),
            });
        }
        let mut findings = self.findings;
        findings.sort_by_key(|f| f.location.line);
        findings
    }
}

/// A top-level element (chapter, 前言, 附录 ...) and where its heading is.
struct Chapter {
    index: usize,
    number: Option<String>,
    title: String,
}

/// The chapters of a document and the blocks each spans.
struct Outline<'a> {
    doc: &'a Document,
    chapters: Vec<Chapter>,
}

impl<'a> Outline<'a> {
    fn new(doc: &'a Document) -> Self {
        let chapters = doc
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
        Outline { doc, chapters }
    }

    fn find(&self, name: &str) -> Option<&Chapter> {
        self.chapters.iter().find(|c| c.title == name)
    }

    /// The blocks of a chapter, heading excluded.
    fn body(&self, c: &Chapter) -> Range<usize> {
        // Chapters are in block order: the next one is found by bisection, so that a text
        // of many chapters is not quadratic.
        let next = self.chapters.partition_point(|o| o.index <= c.index);
        let end = self
            .chapters
            .get(next)
            .map(|o| o.index)
            .unwrap_or(self.doc.blocks.len());
        c.index + 1..end
    }

    /// For each block: is it in one of the elements named (headings included)?
    fn mask(&self, names: &[&str]) -> Vec<bool> {
        let mut mask = vec![false; self.doc.blocks.len()];
        for c in self
            .chapters
            .iter()
            .filter(|c| names.contains(&c.title.as_str()))
        {
            for m in &mut mask[c.index..self.body(c).end] {
                *m = true;
            }
        }
        mask
    }
}

/// Checks `doc` against GB/T 1.1-2020; references are looked up in the registry through
/// `lookup`. Findings come in source order.
pub fn check(doc: &Document, rules: &NumberRules, lookup: &dyn ReferenceLookup) -> Vec<Finding> {
    let mut out = Out {
        doc,
        headings: headings(doc),
        findings: vec![],
        counts: BTreeMap::new(),
    };
    let outline = Outline::new(doc);

    // 前言 and its first sentence.
    match outline.find("前言") {
        None => out.at(
            ids::PREFACE_MISSING,
            None,
            format!("缺少前言：在范围之前加“前言”，第一句写“{PREFACE_SENTENCE}”"),
        ),
        Some(c) => {
            let ok = |f: &str| f.starts_with(&fold(PREFACE_SENTENCE));
            let message = format!("前言的第一句应为“{PREFACE_SENTENCE}”");
            lead_in(&mut out, &outline, c, ids::PREFACE_SENTENCE, &ok, message);
        }
    }
    // 范围, 规范性引用文件, 术语和定义 as chapters 1, 2, 3, with their lead-ins.
    for (name, number, rule) in [
        ("范围", "1", ids::SCOPE_CHAPTER),
        ("规范性引用文件", "2", ids::REFERENCES_CHAPTER),
        ("术语和定义", "3", ids::TERMS_CHAPTER),
    ] {
        match outline.find(name) {
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
    if let Some(c) = outline.find("规范性引用文件") {
        let ok = |f: &str| {
            f.starts_with(&fold(REFERENCES_LEAD_IN)) || f.starts_with(&fold(NO_REFERENCES))
        };
        let message = format!(
            "第2章应以引导语开始：“{REFERENCES_LEAD_IN}”，没有引用文件时写“{NO_REFERENCES}”"
        );
        lead_in(&mut out, &outline, c, ids::REFERENCES_LEAD_IN, &ok, message);
    }
    if let Some(c) = outline.find("术语和定义") {
        let ok = |f: &str| {
            f.starts_with(&fold(TERMS_LEAD_IN))
                || f.starts_with(&fold(NO_TERMS))
                || (f.contains("界定的") && f.ends_with("术语和定义适用于本文件。"))
        };
        let message = format!("第3章应以引导语开始：“{TERMS_LEAD_IN}”（或“……界定的以及下列术语和定义适用于本文件。”），没有术语时写“{NO_TERMS}”");
        lead_in(&mut out, &outline, c, ids::TERMS_LEAD_IN, &ok, message);
    }
    order(&mut out, &outline);

    // A missing or unnumbered 范围, 规范性引用文件 or 术语和定义 leaves its chapter number
    // free; that is reported once, as that element's finding, not again as a gap.
    let vacant: BTreeSet<u32> = [("范围", 1), ("规范性引用文件", 2), ("术语和定义", 3)]
        .into_iter()
        .filter(|(name, _)| outline.find(name).is_none_or(|c| c.number.is_none()))
        .map(|(_, n)| n)
        .collect();
    let terms = outline
        .find("术语和定义")
        .filter(|c| c.number.as_deref() == Some("3"));
    numbering(&mut out, &vacant, terms.is_some());
    hanging(&mut out, outline.find("术语和定义").map(|c| c.index));
    lists(&mut out);
    if let Some(c) = outline.find("术语和定义") {
        definitions(&mut out, outline.body(c));
    }
    references(&mut out, rules, lookup, &outline);
    verbal_forms(&mut out, &outline);

    out.finish()
}

/// Reports `rule` unless the element's first block is a paragraph that, folded, is `ok`: at
/// that block, or at the heading when the element has no text before its first subclause.
fn lead_in(
    out: &mut Out<'_>,
    outline: &Outline<'_>,
    c: &Chapter,
    rule: &'static str,
    ok: &dyn Fn(&str) -> bool,
    message: String,
) {
    let doc = out.doc;
    let first = outline
        .body(c)
        .next()
        .filter(|&i| !matches!(doc.blocks[i], Block::Heading { .. }));
    let good = first.is_some_and(
        |i| matches!(&doc.blocks[i], Block::Paragraph { text, .. } if ok(&fold(text))),
    );
    if !good {
        out.at(rule, Some(first.unwrap_or(c.index)), message);
    }
}

/// Element order (GB/T 1.1-2020 6.2): each element must come after those ranked before it.
fn order(out: &mut Out<'_>, outline: &Outline<'_>) {
    let rank = |c: &Chapter| -> Option<u8> {
        Some(match c.title.as_str() {
            "目次" | "目录" => 0,
            "前言" => 1,
            "引言" => 2,
            "范围" => 3,
            "规范性引用文件" => 4,
            "术语和定义" => 5,
            "参考文献" => 8,
            "索引" => 9,
            t if appendix_label(t).is_some() => 7,
            _ if c.number.is_some() => 6,
            _ => return None,
        })
    };
    let mut highest: Option<(u8, &Chapter)> = None;
    for c in &outline.chapters {
        let Some(r) = rank(c) else { continue };
        match highest {
            Some((h, prev)) if r < h => {
                let name = |c: &Chapter| clause_name(&None, &c.title);
                out.at(
                    ids::ELEMENT_ORDER,
                    Some(c.index),
                    format!(
                        "“{}”应在“{}”之前：要素的顺序为前言、引言、范围、规范性引用文件、术语和定义、其他章、附录、参考文献",
                        name(c),
                        name(prev)
                    ),
                );
            }
            _ => highest = Some((r, c)),
        }
    }
}

/// A clause number as parts; appendix letters count as one part.
fn parts(n: &str) -> Vec<&str> {
    n.split('.').collect()
}

fn numbering(out: &mut Out<'_>, vacant: &BTreeSet<u32>, terms_chapter: bool) {
    let doc = out.doc;
    let mut seen: BTreeSet<&str> = BTreeSet::new();
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
        if !seen.insert(n.as_str()) {
            out.at(
                ids::CLAUSE_DUPLICATE,
                Some(i),
                format!("编号{n}已经用过：重新编号，使每个章条编号只出现一次"),
            );
            children.entry(parent).or_insert((0, None, i)).0 += 1;
            continue;
        }
        // Chapter + five levels of 条 (5.1 ... 5.1.1.1.1.1) is as deep as GB/T 1.1 goes.
        if p.len() > 6 {
            out.at(
                ids::CLAUSE_DEPTH,
                Some(i),
                format!(
                    "{n}是第{}层次的条，超过了五个层次：合并上级条，或改用列项",
                    p.len() - 1
                ),
            );
        }
        // Appendix clauses (A.1) hang under the appendix, 引言's (0.1) under 引言: neither
        // has a numbered parent heading.
        let unnumbered_parent = p[0] == "0" || p[0].chars().all(|c| c.is_ascii_uppercase());
        if p.len() > 1
            && !unnumbered_parent
            && !seen.contains(parent.as_str())
            && skipped.insert(parent.clone())
        {
            out.at(
                ids::CLAUSE_LEVEL_SKIP,
                Some(i),
                format!(
                    "{n}之前没有{parent}：条不应越级编号，先设{parent}，或把{n}改为上一层次的编号"
                ),
            );
        }
        let last = p.last().and_then(|x| x.parse::<u32>().ok());
        let entry = children.entry(parent.clone()).or_insert((0, None, i));
        let expected = entry.1.map(|l| l.saturating_add(1)).unwrap_or(1);
        if let Some(v) = last {
            let only_vacant =
                parent.is_empty() && v > expected && (expected..v).all(|k| vacant.contains(&k));
            if v != expected && !only_vacant {
                let under = |k: u32| {
                    if parent.is_empty() {
                        k.to_string()
                    } else {
                        format!("{parent}.{k}")
                    }
                };
                let msg = match entry.1 {
                    Some(prev) => format!(
                        "{n}紧接在{}之后，编号不连续：应为{}",
                        under(prev),
                        under(expected)
                    ),
                    None => format!("{n}是该层次的第一个编号，应从{}开始", under(1)),
                };
                out.at(ids::CLAUSE_GAP, Some(i), msg);
            }
            entry.1 = Some(v);
        }
        entry.0 += 1;
        entry.2 = i;
    }
    for (parent, (count, _, i)) in children {
        // One term entry (3.1) is a term, not a lone subclause.
        let terms = terms_chapter && parent == "3";
        if count == 1 && !parent.is_empty() && !terms {
            out.at(
                ids::CLAUSE_LONE,
                Some(i),
                format!("{parent}下只有一个条：取消细分（把内容并入{parent}），或再增加一个条"),
            );
        }
    }
}

fn hanging(out: &mut Out<'_>, terms_chapter: Option<usize>) {
    let doc = out.doc;
    let mut found = vec![];
    // Each numbered heading and the next heading after it.
    for pair in out.headings.windows(2) {
        let (i, next) = (pair[0], pair[1]);
        let Block::Heading {
            number: Some(n), ..
        } = &doc.blocks[i]
        else {
            continue;
        };
        let is_child = matches!(&doc.blocks[next], Block::Heading { number: Some(m), .. }
            if m.len() > n.len() && m.starts_with(n.as_str()) && m.as_bytes()[n.len()] == b'.');
        if !is_child {
            continue;
        }
        let mut first = i + 1;
        // 3 术语和定义 opens with its lead-in (right or wrong, terms-lead-in judges its
        // words): that is not a hanging paragraph.
        if Some(i) == terms_chapter
            && first < next
            && matches!(&doc.blocks[first], Block::Paragraph { .. })
        {
            first += 1;
        }
        if first < next {
            found.push((first, n));
        }
    }
    for (k, n) in found {
        out.at(
            ids::HANGING_PARAGRAPH,
            Some(k),
            format!("{n}与其第一个下级条之间有悬置段：把这些内容编为一个条（如“{n}.1 总则”，其余条顺延），或移到下级条中"),
        );
    }
}

fn lists(out: &mut Out<'_>) {
    let doc = out.doc;
    // Expected next marker per level in the current run of list items.
    let mut expect: BTreeMap<u8, char> = BTreeMap::new();
    // Levels with an item in the current run.
    let mut open: BTreeSet<u8> = BTreeSet::new();
    for (i, b) in doc.blocks.iter().enumerate() {
        let Block::ListItem { marker, level, .. } = b else {
            expect.clear();
            open.clear();
            continue;
        };
        let m = fold_width(marker.trim());
        if m.is_empty() {
            continue;
        }
        expect.retain(|l, _| l <= level);
        open.retain(|l| l <= level);
        let nested = open.iter().any(|l| l < level);
        open.insert(*level);
        let chars: Vec<char> = m.chars().collect();
        let letter = chars.len() == 2 && chars[0].is_ascii_lowercase() && chars[1] == ')';
        let number = chars.len() >= 2
            && chars.len() <= 3
            && chars[..chars.len() - 1].iter().all(char::is_ascii_digit)
            && chars[chars.len() - 1] == ')';
        if m == "·" && !nested {
            out.at(
                ids::LIST_MARKER,
                Some(i),
                "间隔号“·”只用于第二层次的列项：第一层次用破折号“——”，或用a)、b)编号".into(),
            );
            continue;
        }
        if !(is_dash(&m) || m == "·" || letter || number) {
            out.at(
                ids::LIST_MARKER,
                Some(i),
                format!("列项符号“{}”不符合GB/T 1.1：用破折号“——”（下一层用间隔号“·”），或用a)、b)编号（下一层用1)、2)）", marker.trim()),
            );
            continue;
        }
        if !(letter || number) {
            continue;
        }
        // Sequence: a) b) c) ... and 1) 2) 3) ..., per level.
        let this = if letter {
            chars[0]
        } else {
            let n: u32 = m.trim_end_matches(')').parse().unwrap_or(0);
            char::from_digit(n.min(35), 36).unwrap_or('0')
        };
        let start = if letter { 'a' } else { '1' };
        let want = expect
            .get(level)
            .copied()
            .filter(|w| w.is_ascii_lowercase() == letter)
            .unwrap_or(start);
        if this != want {
            let shown = if letter {
                want.to_string()
            } else {
                want.to_digit(36).unwrap_or(1).to_string()
            };
            out.at(
                ids::LIST_SEQUENCE,
                Some(i),
                format!("列项编号“{}”不连续：此处应为“{shown})”", marker.trim()),
            );
        }
        let next = char::from_u32(this as u32 + 1).unwrap_or(this);
        expect.insert(*level, next);
    }
}

/// Paragraphs that are not a term's definition: a note ("注：", "注1："), an example, a
/// source.
fn informative(text: &str) -> bool {
    let t = fold_width(text.trim_start());
    let note = t
        .strip_prefix('注')
        .and_then(|r| r.chars().next())
        .is_some_and(|c| c == ':' || c == ' ' || c.is_ascii_digit());
    note || t.starts_with("示例")
        || t.starts_with("[来源")
        || t.starts_with("【来源")
        || t.starts_with("(来源")
}

/// A term entry (a clause of 术语和定义) needs a definition: a paragraph that is not a note,
/// an example or a source. A clause that groups terms (3.1 with 3.1.1 ...) is not one.
fn definitions(out: &mut Out<'_>, range: Range<usize>) {
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
        let rest = &doc.blocks[i + 1..range.end];
        let groups = rest.iter().find_map(|b| match b {
            Block::Heading { number, .. } => Some(number.as_deref().is_some_and(|m| {
                m.len() > n.len() && m.starts_with(n.as_str()) && m.as_bytes()[n.len()] == b'.'
            })),
            _ => None,
        });
        if groups == Some(true) {
            continue;
        }
        let defined = rest
            .iter()
            .take_while(|b| !matches!(b, Block::Heading { .. }))
            .any(|b| match b {
                Block::Paragraph { text, .. } | Block::ListItem { text, .. } => !informative(text),
                _ => false,
            });
        if !defined {
            out.at(
                ids::TERM_WITHOUT_DEFINITION,
                Some(i),
                format!(
                    "术语{n}“{}”没有定义：在术语之后另起一段写出定义",
                    title.trim()
                ),
            );
        }
    }
}

/// Every standard number in `text`: at each place a number can start (a capital letter,
/// half or full width, not inside a word), the domain's parser is asked for a number at
/// the start of the rest; it stops where the number ends ("GB/T 1.1的规定").
fn numbers_in(text: &str, rules: &NumberRules) -> Vec<StandardNumber> {
    let mut found = vec![];
    let mut prev: Option<char> = None;
    let mut i = 0;
    while i < text.len() {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let inside_word = prev
            .map(fold_char)
            .is_some_and(|p| p.is_ascii_alphanumeric() || p == '/' || p == '.');
        if !inside_word && fold_char(c).is_ascii_uppercase() {
            // The parser copies what it is given: a window, not the rest of a long
            // paragraph, keeps the scan linear. No standard number is 64 characters long.
            let window = text[i..]
                .char_indices()
                .nth(64)
                .map_or(&text[i..], |(end, _)| &text[i..i + end]);
            if let Ok((n, rest)) = StandardNumber::parse_prefix(window, rules) {
                let used = window.len() - rest.len();
                if used > 0 && text.is_char_boundary(i + used) {
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

/// `"[1]　GB/T 19001"` -> `"GB/T 19001"`.
fn strip_index(text: &str) -> &str {
    let t = text.trim_start();
    let Some(open) = t.chars().next().filter(|c| "[［【".contains(*c)) else {
        return t;
    };
    let rest = &t[open.len_utf8()..];
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    match rest[digits..].chars().next() {
        Some(close) if digits > 0 && "]］】".contains(close) => {
            rest[digits + close.len_utf8()..].trim_start()
        }
        _ => t,
    }
}

/// One char folded as [`fold_width`] folds it, without allocating.
fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
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
    outline: &Outline<'_>,
) {
    let doc = out.doc;
    let key = |n: &StandardNumber| n.undated().to_string();
    // An entry of a reference list starts with its number, after its index in 参考文献
    // ("[1]　GB/T 19001").
    let entries = |range: Range<usize>| -> Vec<(usize, StandardNumber)> {
        range
            .flat_map(|i| texts_of(&doc.blocks[i]).into_iter().map(move |t| (i, t)))
            .filter_map(|(i, t)| {
                let t = strip_index(t);
                StandardNumber::parse_prefix(t, rules)
                    .ok()
                    .map(|(n, _)| (i, n))
            })
            .collect()
    };
    let listed = outline
        .find("规范性引用文件")
        .map(|c| entries(outline.body(c)))
        .unwrap_or_default();
    let bibliography: BTreeSet<String> = outline
        .find("参考文献")
        .map(|c| entries(outline.body(c)))
        .unwrap_or_default()
        .iter()
        .map(|(_, n)| key(n))
        .collect();
    // Cited: numbers in the body, outside the cover, 目次, 前言, 引言, chapter 2, 参考文献 and
    // 索引. `normative`: not in a note, an example or a term's source, which are informative.
    let skip = outline.mask(&[
        "目次",
        "目录",
        "前言",
        "引言",
        "规范性引用文件",
        "参考文献",
        "索引",
    ]);
    let first_chapter = outline.chapters.first().map(|c| c.index).unwrap_or(0);
    let mut cited: Vec<(usize, StandardNumber, bool)> = vec![];
    for (i, b) in doc.blocks.iter().enumerate() {
        if i < first_chapter || skip[i] {
            continue;
        }
        for t in texts_of(b) {
            let normative = !informative(t);
            for n in numbers_in(t, rules) {
                cited.push((i, n, normative));
            }
        }
    }
    let cited_keys: BTreeSet<String> = cited.iter().map(|(_, n, _)| key(n)).collect();
    let listed_keys: BTreeSet<String> = listed.iter().map(|(_, n)| key(n)).collect();
    for (i, n) in &listed {
        if !cited_keys.contains(&key(n)) {
            out.at(
                ids::REFERENCE_NOT_CITED,
                Some(*i),
                format!(
                    "{}列在规范性引用文件中，但正文没有引用它：在正文中规范性引用（如“应符合{}的规定”），或从第2章删除、移到参考文献",
                    n.official(),
                    n.undated().official()
                ),
            );
        }
    }
    let mut reported = BTreeSet::new();
    for (i, n, normative) in &cited {
        let k = key(n);
        if !normative || listed_keys.contains(&k) || bibliography.contains(&k) {
            continue;
        }
        if reported.insert(k) {
            out.at(
                ids::REFERENCE_NOT_LISTED,
                Some(*i),
                format!(
                    "正文引用了{n}，但第2章没有列出：列入规范性引用文件（只供参考的文件列入参考文献）",
                ),
            );
        }
    }
    if let Some(recorded) = lookup.recorded_references() {
        registry_differences(out, outline, &listed, recorded);
    }
    let mut checked = BTreeSet::new();
    let all = listed
        .iter()
        .map(|(i, n)| (*i, n))
        .chain(cited.iter().map(|(i, n, _)| (*i, n)));
    for (i, n) in all {
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
                out.at(ids::REFERENCE_SUPERSEDED, Some(i), msg);
            }
            Some(RefStatus::Withdrawn) => out.at(
                ids::REFERENCE_WITHDRAWN,
                Some(i),
                format!("{n}已废止：删除该引用，或改引现行标准"),
            ),
            Some(RefStatus::InForce) | None => {}
        }
    }
}

/// The text's chapter 2 against what the registry records for this standard, edition for
/// edition: what the text lists and the registry does not, at its entry; what the registry
/// records and the text does not, at the chapter.
fn registry_differences(
    out: &mut Out<'_>,
    outline: &Outline<'_>,
    listed: &[(usize, StandardNumber)],
    recorded: &[StandardNumber],
) {
    for (i, n) in listed {
        if !recorded.contains(n) {
            out.at(
                ids::REFERENCE_REGISTRY,
                Some(*i),
                format!(
                    "文本列出了{}，但标准库没有为本标准登记这一规范性引用文件：在标准明细表的“规范性引用文件”中补登，或从文本第2章删除",
                    n.official()
                ),
            );
        }
    }
    let chapter = outline.find("规范性引用文件").map(|c| c.index);
    for n in recorded {
        if !listed.iter().any(|(_, l)| l == n) {
            out.at(
                ids::REFERENCE_REGISTRY,
                chapter,
                format!(
                    "标准库为本标准登记了规范性引用文件{}，但文本第2章没有列出：补入文本，或核对后从标准明细表中删除",
                    n.official()
                ),
            );
        }
    }
}

/// Where 需要 is not a requirement: "根据需要", "需要时", "有需要的", and the noun before
/// a punctuation mark ("满足护理需要。").
fn need_is_requirement(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let after = &text[at + "需要".len()..];
    let noun = after
        .chars()
        .next()
        .is_none_or(|c| "。，；、：！？）”,.;:!?)".contains(c));
    if noun {
        return false;
    }
    let modal_before = ["根据", "按", "视", "如", "若", "有", "所", "的", "不"]
        .iter()
        .any(|w| before.ends_with(w));
    let modal_after = after.starts_with('时') || after.starts_with('的');
    !(modal_before || modal_after)
}

fn verbal_forms(out: &mut Out<'_>, outline: &Outline<'_>) {
    let doc = out.doc;
    let first_body = outline
        .chapters
        .iter()
        .find(|c| !matches!(c.title.as_str(), "前言" | "引言" | "目次" | "目录"))
        .map(|c| c.index)
        .unwrap_or(usize::MAX);
    let skip = outline.mask(&["目次", "目录", "前言", "引言", "参考文献", "索引"]);
    for (i, b) in doc.blocks.iter().enumerate().skip(first_body) {
        if skip[i] {
            continue;
        }
        let texts = texts_of(b);
        if texts.iter().any(|t| t.contains("必须")) {
            out.at(
                ids::VERBAL_FORM,
                Some(i),
                "“必须”不是GB/T 1.1的要求用语：表示要求改用“应”，表示推荐用“宜”，表示允许用“可”"
                    .into(),
            );
        }
        let not_needed = texts.iter().any(|t| t.contains("不需要"));
        let needed = texts.iter().any(|t| {
            t.match_indices("需要")
                .any(|(at, _)| need_is_requirement(t, at))
        });
        if not_needed {
            out.at(
                ids::VERBAL_NEED,
                Some(i),
                "“不需要”表示允许不做时，改用“不必”".into(),
            );
        } else if needed {
            out.at(
                ids::VERBAL_NEED,
                Some(i),
                "“需要”如表示要求，改用“应”；如表示客观需要（如“根据需要”），可保留".into(),
            );
        }
    }
}
