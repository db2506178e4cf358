//! The GB/T 1.1 checker: nothing on a clean document; on a document with exactly one
//! problem, exactly that rule, at that place. Also .docx reading and no panics.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::io::Write;

use gongfu_domain::standard::{NumberRules, StandardNumber};
use gongfu_texts::{
    check, parse, parse_docx, parse_markdown, render_text, write_docx, Block, Finding, Format,
    NoRegistry, RefStatus, ReferenceLookup, TextError, RULES,
};
use proptest::prelude::*;

const CLEAN: &str = "# 示例服务规范

DB4403/T 9999—2025

## 前言

本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。

本文件由示例区市场监督管理局提出并归口。

## 1 范围

本文件规定了示例服务的服务要求和评价。

## 2 规范性引用文件

下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。其中，注日期的引用文件，仅该日期对应的版本适用于本文件；不注日期的引用文件，其最新版本（包括所有的修改单）适用于本文件。

GB/T 1.1　标准化工作导则　第1部分：标准化文件的结构和起草规则

## 3 术语和定义

下列术语和定义适用于本文件。

### 3.1 服务对象

接受示例服务的居民。

### 3.2 服务提供机构

提供示例服务的机构。

## 4 服务要求

### 4.1 人员

服务人员应满足以下要求：

——经岗前培训；

——考核合格。

### 4.2 流程

服务流程应包括：

a)　受理；

b)　办理；

c)　回访。

### 4.3 文件

服务规范的编写应符合GB/T 1.1的规定。

## 5 评价

### 5.1 满意度

应每年开展满意度调查。

| 项目 | 频次 |
|---|---|
| 满意度调查 | 每年1次 |

### 5.2 改进

应根据评价结果改进服务。
";

/// A registry that knows one superseded and one withdrawn standard.
struct Registry;

impl ReferenceLookup for Registry {
    fn status(&self, n: &StandardNumber) -> Option<RefStatus> {
        match n.to_string().as_str() {
            "MZ/T 039-2013" => Some(RefStatus::Superseded {
                by: Some("GB/T 42195-2022".into()),
            }),
            "DB4403/T 9900-2016" => Some(RefStatus::Withdrawn),
            "GB/T 1.1" | "GB/T 1.1-2020" => Some(RefStatus::InForce),
            _ => None,
        }
    }
}

fn findings(md: &str) -> Vec<Finding> {
    let doc = parse_markdown(md).unwrap();
    check(&doc, &NumberRules::default(), &Registry)
}

fn rules_of(f: &[Finding]) -> BTreeSet<String> {
    f.iter().map(|f| f.rule.clone()).collect()
}

/// `CLEAN` with each `(from, to)` replaced; every `from` must be there.
fn with(changes: &[(&str, &str)]) -> String {
    let mut s = CLEAN.to_string();
    for (from, to) in changes {
        assert!(s.contains(from), "fixture: {from}");
        s = s.replacen(from, to, 1);
    }
    s
}

#[test]
fn a_clean_document_has_no_findings() {
    let f = findings(CLEAN);
    assert!(f.is_empty(), "{f:#?}");
    let doc = parse_markdown(CLEAN).unwrap();
    assert_eq!(doc.title, "示例服务规范");
    assert_eq!(doc.number.as_deref(), Some("DB4403/T 9999—2025"));
    assert!(render_text(&f, "clean.md").contains("no problems found"));
}

/// Asserts that exactly `rule` fires (once or more), and at `clause` first.
fn only(rule: &str, clause: Option<&str>, md: &str) -> Vec<Finding> {
    let f = findings(md);
    assert_eq!(
        rules_of(&f),
        BTreeSet::from([rule.to_string()]),
        "{rule}: {f:#?}"
    );
    if let Some(c) = clause {
        assert_eq!(f[0].location.clause.as_deref(), Some(c), "{rule}: {f:#?}");
    }
    assert!(f[0].location.line > 0);
    assert!(
        f[0].message.chars().count() > 8,
        "{rule}: the message says how to fix it"
    );
    f
}

const PREFACE: &str = "## 前言\n\n本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。\n\n本文件由示例区市场监督管理局提出并归口。\n\n";

#[test]
fn preface_missing() {
    only("preface-missing", None, &with(&[(PREFACE, "")]));
}

#[test]
fn preface_first_sentence() {
    let f = only(
        "preface-sentence",
        Some("前言"),
        &with(&[("本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。", "本文件依据有关规定起草。")]),
    );
    assert!(
        f[0].message.contains("GB/T 1.1—2020"),
        "says the sentence to write"
    );
    // A hyphen instead of the em dash, or full-width letters, is the same sentence.
    assert!(findings(&with(&[("GB/T 1.1—2020《", "GB/T 1.1-2020《")])).is_empty());
}

#[test]
fn scope_must_be_chapter_1() {
    only(
        "scope-chapter",
        None,
        &with(&[(
            "## 1 范围\n\n本文件规定了示例服务的服务要求和评价。\n\n",
            "",
        )]),
    );
}

#[test]
fn normative_references_must_be_chapter_2() {
    let md = with(&[
        ("## 2 规范性引用文件\n\n", ""),
        ("下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。其中，注日期的引用文件，仅该日期对应的版本适用于本文件；不注日期的引用文件，其最新版本（包括所有的修改单）适用于本文件。\n\nGB/T 1.1　标准化工作导则　第1部分：标准化文件的结构和起草规则\n\n", ""),
        ("服务规范的编写应符合GB/T 1.1的规定。", "服务规范的编写应规范。"),
    ]);
    only("references-chapter", None, &md);
}

#[test]
fn normative_references_lead_in() {
    only(
        "references-lead-in",
        Some("2"),
        &with(&[(
            "下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。",
            "本文件引用了下列文件。",
        )]),
    );
}

#[test]
fn terms_must_be_chapter_3() {
    let md = with(&[(
        "## 3 术语和定义\n\n下列术语和定义适用于本文件。\n\n### 3.1 服务对象\n\n接受示例服务的居民。\n\n### 3.2 服务提供机构\n\n提供示例服务的机构。\n\n",
        "",
    )]);
    only("terms-chapter", None, &md);
}

#[test]
fn terms_lead_in() {
    only(
        "terms-lead-in",
        Some("3"),
        &with(&[("下列术语和定义适用于本文件。", "本章给出有关术语。")]),
    );
}

#[test]
fn elements_out_of_order() {
    let md = with(&[
        (PREFACE, ""),
        (
            "## 2 规范性引用文件",
            &format!("{PREFACE}## 2 规范性引用文件"),
        ),
    ]);
    only("element-order", Some("前言"), &md);
}

#[test]
fn clause_numbering_gap() {
    let f = only(
        "clause-gap",
        Some("5.3"),
        &with(&[("### 5.2 改进", "### 5.3 改进")]),
    );
    assert!(f[0].message.contains("5.2"), "says the number expected");
}

#[test]
fn clause_level_skipped() {
    only(
        "clause-level-skip",
        Some("5.1.1"),
        &with(&[
            ("### 5.1 满意度", "#### 5.1.1 满意度"),
            ("### 5.2 改进", "#### 5.1.2 改进"),
        ]),
    );
}

#[test]
fn a_lone_subclause() {
    only(
        "clause-lone",
        Some("5.1"),
        &with(&[("### 5.2 改进\n\n应根据评价结果改进服务。\n", "")]),
    );
}

#[test]
fn more_than_five_levels() {
    let mut tree = String::new();
    for n in [
        "5.1",
        "5.1.1",
        "5.1.1.1",
        "5.1.1.1.1",
        "5.1.1.1.1.1",
        "5.1.1.1.1.1.1",
        "5.1.1.1.1.1.2",
        "5.1.1.1.1.2",
        "5.1.1.1.2",
        "5.1.1.2",
        "5.1.2",
        "5.2",
    ] {
        let leaf = matches!(
            n,
            "5.1.1.1.1.1.1"
                | "5.1.1.1.1.1.2"
                | "5.1.1.1.1.2"
                | "5.1.1.1.2"
                | "5.1.1.2"
                | "5.1.2"
                | "5.2"
        );
        tree.push_str(&format!("### {n} 条款\n\n"));
        if leaf {
            tree.push_str("应符合要求。\n\n");
        }
    }
    let md = with(&[(
        "### 5.1 满意度\n\n应每年开展满意度调查。\n\n| 项目 | 频次 |\n|---|---|\n| 满意度调查 | 每年1次 |\n\n### 5.2 改进\n\n应根据评价结果改进服务。\n",
        &tree,
    )]);
    let f = only("clause-depth", Some("5.1.1.1.1.1.1"), &md);
    assert_eq!(f.len(), 2);
}

#[test]
fn a_duplicate_clause_number() {
    only(
        "clause-duplicate",
        Some("5.1"),
        &with(&[("### 5.2 改进", "### 5.1 改进")]),
    );
}

#[test]
fn a_hanging_paragraph() {
    only(
        "hanging-paragraph",
        Some("4"),
        &with(&[(
            "## 4 服务要求\n\n",
            "## 4 服务要求\n\n本章规定服务要求。\n\n",
        )]),
    );
}

#[test]
fn a_list_marker_gbt_does_not_use() {
    for bad in ["•", "(1)", "①", "-"] {
        let md = with(&[("——经岗前培训；", &format!("{bad}经岗前培训；"))]);
        let f = only("list-marker", Some("4.1"), &md);
        assert!(f[0].message.contains(bad), "{bad}: {f:?}");
    }
}

#[test]
fn a_list_sequence_that_skips() {
    only(
        "list-sequence",
        Some("4.2"),
        &with(&[("c)　回访。", "d)　回访。")]),
    );
}

#[test]
fn a_term_without_definition() {
    only(
        "term-without-definition",
        Some("3.1"),
        &with(&[("接受示例服务的居民。\n\n", "")]),
    );
}

#[test]
fn a_reference_listed_but_never_cited() {
    only(
        "reference-not-cited",
        Some("2"),
        &with(&[(
            "服务规范的编写应符合GB/T 1.1的规定。",
            "服务规范的编写应规范。",
        )]),
    );
}

#[test]
fn a_reference_cited_but_not_listed() {
    let f = only(
        "reference-not-listed",
        Some("4.3"),
        &with(&[(
            "服务规范的编写应符合GB/T 1.1的规定。",
            "服务规范的编写应符合GB/T 1.1的规定，标志应符合GB/T 10001.1—2023的规定。",
        )]),
    );
    assert!(f[0].message.contains("GB/T 10001.1-2023"), "{f:?}");
}

fn citing(number: &str, listed: &str) -> String {
    with(&[
        (
            "GB/T 1.1　标准化工作导则　第1部分：标准化文件的结构和起草规则\n",
            &format!("GB/T 1.1　标准化工作导则　第1部分：标准化文件的结构和起草规则\n\n{listed}　示例标准\n"),
        ),
        ("服务规范的编写应符合GB/T 1.1的规定。", &format!("服务规范的编写应符合GB/T 1.1的规定，评估按{number}执行。")),
    ])
}

#[test]
fn a_reference_the_registry_knows_is_superseded() {
    let f = only(
        "reference-superseded",
        Some("2"),
        &citing("MZ/T 039—2013", "MZ/T 039—2013"),
    );
    assert!(
        f[0].message.contains("GB/T 42195-2022"),
        "names the replacement: {f:?}"
    );
    // Without a registry there is nothing to say.
    let doc = parse_markdown(&citing("MZ/T 039—2013", "MZ/T 039—2013")).unwrap();
    assert!(check(&doc, &NumberRules::default(), &NoRegistry).is_empty());
}

#[test]
fn a_reference_the_registry_knows_is_withdrawn() {
    only(
        "reference-withdrawn",
        Some("2"),
        &citing("DB4403/T 9900-2016", "DB4403/T 9900—2016"),
    );
}

#[test]
fn must_and_need_where_shall_is_meant() {
    only(
        "verbal-form",
        Some("5.1"),
        &with(&[("应每年开展满意度调查。", "必须每年开展满意度调查。")]),
    );
    only(
        "verbal-form-need",
        Some("5.1"),
        &with(&[("应每年开展满意度调查。", "需要每年开展满意度调查。")]),
    );
    // In the preface it is not a requirement.
    assert!(findings(&with(&[("本文件由示例区", "本文件根据需要由示例区")])).is_empty());
}

#[test]
fn every_rule_is_documented_and_tested_here() {
    let source = include_str!("checker.rs");
    for r in RULES {
        assert!(
            source.contains(&format!("\"{}\"", r.id)),
            "rule {} has a fixture",
            r.id
        );
        assert!(!r.title.is_empty() && !r.explanation.is_empty());
    }
    assert!(RULES.len() >= 20);
}

#[test]
fn findings_render_as_text_with_file_line_rule_and_clause() {
    let f = findings(&with(&[
        ("### 5.2 改进", "### 5.3 改进"),
        ("应每年开展", "必须每年开展"),
    ]));
    let text = render_text(&f, "草案.md");
    assert!(
        text.contains("草案.md:") && text.contains("error[clause-gap] 5.3:"),
        "{text}"
    );
    assert!(text.contains("warning[verbal-form] 5.1:"), "{text}");
    assert!(
        text.trim_end().ends_with("1 errors, 1 warnings, 0 infos"),
        "{text}"
    );
    let json = serde_json::to_value(&f).unwrap();
    assert_eq!(json[0]["location"]["clause"], "5.1");
    assert_eq!(json[0]["severity"], "warning");
}

// ---- .docx ----

fn docx_with(document_body: &str, styles: Option<&str>) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("[Content_Types].xml", o).unwrap();
        z.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#).unwrap();
        z.start_file("word/document.xml", o).unwrap();
        write!(
            z,
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{document_body}</w:body></w:document>"#
        )
        .unwrap();
        if let Some(s) = styles {
            z.start_file("word/styles.xml", o).unwrap();
            z.write_all(s.as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    out.into_inner()
}

fn p(style: &str, text: &str) -> String {
    let ppr = if style.is_empty() {
        String::new()
    } else {
        format!(r#"<w:pPr><w:pStyle w:val="{style}"/></w:pPr>"#)
    };
    let text = text.replace('&', "&amp;").replace('<', "&lt;");
    format!(r#"<w:p>{ppr}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

/// `CLEAN` as a .docx the way a GB/T template writes it: Title style, chapter headings by a
/// localized style id (`1` named "heading 1"), clauses numbered in plain text.
fn clean_docx() -> Vec<u8> {
    let doc = parse_markdown(CLEAN).unwrap();
    let mut body = p("Title", &doc.title) + &p("", doc.number.as_deref().unwrap());
    for b in &doc.blocks {
        body.push_str(&match b {
            Block::Heading {
                level: 1,
                number,
                title,
                ..
            } => p(
                "1",
                format!("{} {title}", number.clone().unwrap_or_default()).trim(),
            ),
            Block::Heading { number, title, .. } => p(
                "",
                &format!("{} {title}", number.clone().unwrap_or_default()),
            ),
            Block::Paragraph { text, .. } => p("", text),
            Block::ListItem { marker, text, .. } => p("", &format!("{marker}　{text}")),
            Block::Table { rows, .. } => {
                let rows: String = rows
                    .iter()
                    .map(|r| {
                        format!(
                            "<w:tr>{}</w:tr>",
                            r.iter()
                                .map(|c| format!("<w:tc>{}</w:tc>", p("", c)))
                                .collect::<String>()
                        )
                    })
                    .collect();
                format!("<w:tbl>{rows}</w:tbl>")
            }
        });
    }
    let styles = r#"<?xml version="1.0"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style></w:styles>"#;
    docx_with(&body, Some(styles))
}

#[test]
fn a_clean_docx_reads_like_its_markdown_and_has_no_findings() {
    let doc = parse_docx(&clean_docx()).unwrap();
    let md = parse_markdown(CLEAN).unwrap();
    assert_eq!(doc.title, md.title);
    assert_eq!(doc.number, md.number);
    let shape = |d: &gongfu_texts::Document| -> Vec<String> {
        d.blocks
            .iter()
            .map(|b| match b {
                Block::Heading {
                    level,
                    number,
                    title,
                    ..
                } => format!("h{level} {number:?} {title}"),
                Block::Paragraph { text, .. } => format!("p {text}"),
                Block::ListItem { marker, text, .. } => format!("li {marker} {text}"),
                Block::Table { rows, .. } => format!("table {rows:?}"),
            })
            .collect()
    };
    assert_eq!(shape(&doc), shape(&md));
    let f = check(&doc, &NumberRules::default(), &Registry);
    assert!(f.is_empty(), "{f:#?}");
    assert_eq!(Format::detect(&clean_docx(), None), Format::Docx);
    assert_eq!(Format::detect(b"# x", Some("a.md")), Format::Markdown);
}

#[test]
fn a_document_written_as_docx_reads_back_the_same() {
    let md = parse_markdown(CLEAN).unwrap();
    let back = parse_docx(&write_docx(&md).unwrap()).unwrap();
    assert_eq!(back.title, md.title);
    assert_eq!(back.number, md.number);
    let strip = |d: &gongfu_texts::Document| -> Vec<Block> {
        d.blocks
            .iter()
            .cloned()
            .map(|mut b| {
                match &mut b {
                    Block::Heading { line, .. }
                    | Block::Paragraph { line, .. }
                    | Block::ListItem { line, .. }
                    | Block::Table { line, .. } => *line = 0,
                }
                b
            })
            .collect()
    };
    assert_eq!(strip(&back), strip(&md));
}

#[test]
fn docx_lists_by_numbering_and_headings_by_english_style_names() {
    let body = p("Title", "指南")
        + &p("Heading2", "办理条件")
        + r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="3"/></w:numPr></w:pPr><w:r><w:t>身份证件</w:t></w:r></w:p>"#
        + &p("", "携带材料到窗口&amp;办理。");
    let doc = parse_docx(&docx_with(&body, None)).unwrap();
    assert_eq!(doc.title, "指南");
    assert!(
        matches!(&doc.blocks[0], Block::Heading { level: 2, number: None, title, .. } if title == "办理条件")
    );
    assert!(matches!(&doc.blocks[1], Block::ListItem { level: 2, text, .. } if text == "身份证件"));
    assert!(
        matches!(&doc.blocks[2], Block::Paragraph { text, line: 4 } if text == "携带材料到窗口&amp;办理。" || text == "携带材料到窗口&办理。")
    );
}

#[test]
fn unreadable_docx_files_are_clear_errors() {
    let not_zip = parse(b"PK\x03\x04 not really", Format::Docx).unwrap_err();
    assert!(
        matches!(not_zip, TextError::Docx { .. }) && not_zip.to_string().contains("zip"),
        "{not_zip}"
    );
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        z.start_file("readme.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b"hi").unwrap();
        z.finish().unwrap();
    }
    let no_doc = parse_docx(&out.into_inner()).unwrap_err();
    assert!(no_doc.to_string().contains("word/document.xml"), "{no_doc}");
    let broken = parse_docx(&docx_with("<w:p><w:r><w:t>unclosed</w:r>", None)).unwrap_err();
    assert!(broken.to_string().contains("XML"), "{broken}");
    let gbk = parse(&[0xB0, 0xEC, 0xCA, 0xC2], Format::Markdown).unwrap_err();
    assert!(matches!(gbk, TextError::NotUtf8 { offset: 0 }), "{gbk}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_markdown_panics_the_parser_or_the_checker(s in "(\\PC|\n|#|\\.|[0-9]| |——|a\\)|GB/T ){0,200}") {
        let doc = parse_markdown(&s).unwrap();
        let _ = check(&doc, &NumberRules::default(), &Registry);
    }

    #[test]
    fn no_bytes_panic_the_docx_reader(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut b = b"PK\x03\x04".to_vec();
        b.extend(bytes);
        let _ = parse_docx(&b);
    }

    #[test]
    fn no_document_xml_panics_the_docx_reader(body in "(<w:p>|</w:p>|<w:t>|</w:t>|<w:tbl>|</w:tbl>|<w:tc>|</w:tc>|<w:tr>|</w:tr>|\\PC|5\\.1 ){0,60}") {
        if let Ok(doc) = parse_docx(&docx_with(&body, None)) {
            let _ = check(&doc, &NumberRules::default(), &Registry);
        }
    }
}

/// The demo texts (data/demo/texts) parse, and the checker finds nothing wrong in them.
mod demo_texts {
    use gongfu_domain::standard::{InternalPattern, NumberRules};
    use gongfu_texts::{check, parse_markdown, Block, NoRegistry, Severity};

    fn rules() -> NumberRules {
        NumberRules::default().with_internal(InternalPattern::parse("SLQ/NB {seq}-{year}").unwrap())
    }

    #[test]
    fn every_demo_standard_text_parses_and_has_no_error() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/demo/texts/standards"
        );
        let mut n = 0;
        let mut warnings = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let doc = parse_markdown(&text).unwrap();
            assert!(
                doc.title.contains("示例"),
                "{}: {}",
                path.display(),
                doc.title
            );
            assert!(doc.number.is_some(), "{}: the cover number", path.display());
            assert!(doc
                .blocks
                .iter()
                .any(|b| matches!(b, Block::Heading { number: Some(n), .. } if n == "3")));
            let findings = check(&doc, &rules(), &NoRegistry);
            let errors: Vec<_> = findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
            warnings += findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .count();
            n += 1;
        }
        assert!(n >= 250, "{n} texts");
        assert_eq!(
            warnings, 0,
            "the demo texts are clean without a registry (infos aside)"
        );
    }

    #[test]
    fn every_demo_guide_parses() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo/texts/guides");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let doc = parse_markdown(&std::fs::read_to_string(&path).unwrap()).unwrap();
            assert!(doc.title.contains("办事指南"), "{}", path.display());
            assert!(
                doc.blocks
                    .iter()
                    .any(|b| matches!(b, Block::ListItem { .. })),
                "{}",
                path.display()
            );
            n += 1;
        }
        assert!(n >= 100);
    }
}
