//! One fixture per rule: `CLEAN` with exactly one problem, and exactly that rule at exactly
//! that place; and the variants GB/T 1.1 accepts, which must stay silent.

use std::collections::BTreeSet;

use gongfu_domain::standard::NumberRules;
use gongfu_texts::{
    check, parse_markdown, render_text, NoRegistry, ReferenceLookup, Severity, RULES,
};

use crate::{findings, line_with, only, rules_of, with, CLEAN, PREFACE};

const SENTENCE: &str =
    "本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。";
const REFS_LEAD_IN: &str = "下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。其中，注日期的引用文件，仅该日期对应的版本适用于本文件；不注日期的引用文件，其最新版本（包括所有的修改单）适用于本文件。";
const REF_ENTRY: &str = "GB/T 1.1　标准化工作导则　第1部分：标准化文件的结构和起草规则";
const CITATION: &str = "服务规范的编写应符合GB/T 1.1的规定。";

#[test]
fn a_clean_document_has_no_findings() {
    let f = findings(CLEAN);
    assert!(f.is_empty(), "{f:#?}");
    let doc = parse_markdown(CLEAN).unwrap();
    assert_eq!(doc.title, "示例服务规范");
    assert_eq!(doc.number.as_deref(), Some("DB4403/T 9999—2025"));
    assert!(check(&doc, &NumberRules::default(), &NoRegistry).is_empty());
    assert_eq!(render_text(&f, "clean.md"), "clean.md: no problems found\n");
}

#[test]
fn preface_missing() {
    let f = only("preface-missing", None, None, &with(&[(PREFACE, "")]));
    assert!(
        f[0].message.contains(SENTENCE),
        "gives the sentence to write"
    );
}

#[test]
fn preface_first_sentence() {
    let md = with(&[(SENTENCE, "本文件依据有关规定起草。")]);
    let f = only(
        "preface-sentence",
        Some("前言"),
        Some("本文件依据有关规定起草"),
        &md,
    );
    assert!(f[0].message.contains(SENTENCE), "gives the sentence: {f:?}");
    // A hyphen for the dash, full-width letters, other spaces: the same sentence.
    for same in [
        "本文件按照GB/T 1.1-2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。",
        "本文件按照ＧＢ／Ｔ　１．１—２０２０《标准化工作导则 第1部分:标准化文件的结构和起草规则》的规定起草。",
        "本文件按照GB/T1.1—2020《标准化工作导则第1部分：标准化文件的结构和起草规则》的规定起草。",
    ] {
        let f = findings(&with(&[(SENTENCE, same)]));
        assert!(f.is_empty(), "{same}: {f:#?}");
    }
    // The sentence must come first, not second.
    let md = with(&[(
        SENTENCE,
        &format!("本文件代替DB4403/T 9999—2020。\n\n{SENTENCE}"),
    )]);
    only("preface-sentence", Some("前言"), Some("本文件代替"), &md);
}

#[test]
fn scope_missing_or_not_chapter_1() {
    let md = with(&[(
        "## 1 范围\n\n本文件规定了示例服务的服务要求和评价。\n\n",
        "",
    )]);
    let f = only("scope-chapter", None, None, &md);
    assert!(f[0].message.contains("第1章"), "{f:?}");
    // Unnumbered: reported once, at its heading, not again as a gap before chapter 2.
    let md = with(&[("## 1 范围", "## 范围")]);
    only("scope-chapter", Some("范围"), Some("## 范围"), &md);
}

#[test]
fn normative_references_missing() {
    let md = with(&[
        ("## 2 规范性引用文件\n\n", ""),
        (&format!("{REFS_LEAD_IN}\n\n{REF_ENTRY}\n\n"), ""),
        (CITATION, "服务规范的编写应规范。"),
    ]);
    only("references-chapter", None, None, &md);
}

#[test]
fn normative_references_lead_in() {
    let md = with(&[(
        "下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。",
        "本文件引用了下列文件。",
    )]);
    let f = only(
        "references-lead-in",
        Some("2"),
        Some("本文件引用了下列文件"),
        &md,
    );
    assert!(f[0].message.contains(REFS_LEAD_IN), "gives the sentence");
    // No lead-in at all: the first entry is not a lead-in.
    let md = with(&[(&format!("{REFS_LEAD_IN}\n\n"), "")]);
    only("references-lead-in", Some("2"), Some(REF_ENTRY), &md);
    // With no references, the other fixed sentence.
    let md = with(&[
        (
            &format!("{REFS_LEAD_IN}\n\n{REF_ENTRY}"),
            "本文件没有规范性引用文件。",
        ),
        (CITATION, "服务规范的编写应规范。"),
    ]);
    assert!(findings(&md).is_empty(), "{:#?}", findings(&md));
}

#[test]
fn terms_missing() {
    let md = with(&[(
        "## 3 术语和定义\n\n下列术语和定义适用于本文件。\n\n### 3.1 服务对象\n\n接受示例服务的居民。\n\n### 3.2 服务提供机构\n\n提供示例服务的机构。\n\n",
        "",
    )]);
    only("terms-chapter", None, None, &md);
}

#[test]
fn terms_lead_in() {
    let md = with(&[("下列术语和定义适用于本文件。", "本章给出有关术语。")]);
    let f = only("terms-lead-in", Some("3"), Some("本章给出有关术语"), &md);
    assert!(f[0].message.contains("下列术语和定义适用于本文件。"));
    // Missing: reported at the heading, and 3.1's definition is not taken for it.
    let md = with(&[("下列术语和定义适用于本文件。\n\n", "")]);
    only("terms-lead-in", Some("3"), Some("## 3 术语和定义"), &md);
    // Accepted variants.
    let defined_elsewhere = with(&[(
        "下列术语和定义适用于本文件。",
        "GB/T 1.1界定的以及下列术语和定义适用于本文件。",
    )]);
    assert!(
        findings(&defined_elsewhere).is_empty(),
        "{:#?}",
        findings(&defined_elsewhere)
    );
    let none = with(&[(
        "下列术语和定义适用于本文件。\n\n### 3.1 服务对象\n\n接受示例服务的居民。\n\n### 3.2 服务提供机构\n\n提供示例服务的机构。",
        "本文件没有需要界定的术语和定义。",
    )]);
    assert!(findings(&none).is_empty(), "{:#?}", findings(&none));
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
    let f = only("element-order", Some("前言"), Some("## 前言"), &md);
    assert!(
        f[0].message.contains("前言") && f[0].message.contains("范围"),
        "{f:?}"
    );
    // 参考文献 before an appendix.
    let md = with(&[
        ("## 参考文献\n\n[1]　GB/T 19001　质量管理体系　要求\n", ""),
        (
            "## 附录A（资料性）",
            "## 参考文献\n\n[1]　GB/T 19001　质量管理体系　要求\n\n## 附录A（资料性）",
        ),
    ]);
    only("element-order", Some("附录A"), Some("## 附录A"), &md);
}

#[test]
fn clause_numbering_gap() {
    let md = with(&[("### 5.2 改进", "### 5.3 改进")]);
    let f = only("clause-gap", Some("5.3"), Some("### 5.3 改进"), &md);
    assert!(
        f[0].message.contains("5.2"),
        "says the number expected: {f:?}"
    );
    // Chapter 4 then 6.
    let md = with(&[
        ("## 5 评价", "## 6 评价"),
        ("### 5.1 满意度", "### 6.1 满意度"),
        ("### 5.2 改进", "### 6.2 改进"),
    ]);
    let f = only("clause-gap", Some("6"), Some("## 6 评价"), &md);
    assert!(f[0].message.contains("应为5"), "{f:?}");
    // An appendix's clauses count from A.1 too.
    let md = with(&[("### A.2 记录保存", "### A.3 记录保存")]);
    only("clause-gap", Some("A.3"), Some("### A.3"), &md);
}

#[test]
fn clause_level_skipped() {
    let md = with(&[
        ("### 5.1 满意度", "#### 5.1.1 满意度"),
        ("### 5.2 改进", "#### 5.1.2 改进"),
    ]);
    let f = only("clause-level-skip", Some("5.1.1"), Some("#### 5.1.1"), &md);
    assert_eq!(f.len(), 1, "reported once for the missing 5.1: {f:#?}");
}

#[test]
fn a_lone_subclause() {
    let md = with(&[("### 5.2 改进\n\n应根据评价结果改进服务。\n", "")]);
    only("clause-lone", Some("5.1"), Some("### 5.1 满意度"), &md);
    // One term is a term entry, not a lone subclause.
    let one_term = with(&[("### 3.2 服务提供机构\n\n提供示例服务的机构。\n\n", "")]);
    assert!(findings(&one_term).is_empty(), "{:#?}", findings(&one_term));
}

fn tree(numbers: &[&str]) -> String {
    let mut md = String::new();
    for (k, n) in numbers.iter().enumerate() {
        md.push_str(&format!("### {n} 条款\n\n"));
        let leaf = numbers
            .get(k + 1)
            .is_none_or(|next| !next.starts_with(&format!("{n}.")));
        if leaf {
            md.push_str("应符合要求。\n\n");
        }
    }
    md
}

const CHAPTER_5_CLAUSES: &str = "### 5.1 满意度\n\n应每年开展满意度调查。\n\n| 项目 | 频次 |\n|---|---|\n| 满意度调查 | 每年1次 |\n\n### 5.2 改进\n\n应根据评价结果改进服务。\n";

#[test]
fn more_than_five_levels() {
    // Five levels of 条 below the chapter (5.1.1.1.1.1) are allowed.
    let five = [
        "5.1",
        "5.1.1",
        "5.1.1.1",
        "5.1.1.1.1",
        "5.1.1.1.1.1",
        "5.1.1.1.1.2",
        "5.1.1.1.2",
        "5.1.1.2",
        "5.1.2",
        "5.2",
    ];
    let md = with(&[(CHAPTER_5_CLAUSES, &tree(&five))]);
    assert!(findings(&md).is_empty(), "{:#?}", findings(&md));
    // A sixth is not.
    let six = [
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
    ];
    let md = with(&[(CHAPTER_5_CLAUSES, &tree(&six))]);
    let f = only(
        "clause-depth",
        Some("5.1.1.1.1.1.1"),
        Some("5.1.1.1.1.1.1 "),
        &md,
    );
    assert_eq!(f.len(), 2, "{f:#?}");
}

#[test]
fn a_duplicate_clause_number() {
    let md = with(&[("### 5.2 改进", "### 5.1 改进")]);
    only("clause-duplicate", Some("5.1"), Some("### 5.1 改进"), &md);
}

#[test]
fn a_hanging_paragraph() {
    let md = with(&[(
        "## 4 服务要求\n\n",
        "## 4 服务要求\n\n本章规定服务要求。\n\n",
    )]);
    let f = only(
        "hanging-paragraph",
        Some("4"),
        Some("本章规定服务要求"),
        &md,
    );
    assert!(f[0].message.contains("4.1"), "{f:?}");
    // A table is hanging too.
    let md = with(&[(
        "### 4.1 人员",
        "| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n### 4.1 人员",
    )]);
    only("hanging-paragraph", Some("4"), Some("| 甲 |"), &md);
}

#[test]
fn list_markers_gbt_does_not_use() {
    for bad in [
        "- ", "* ", "•", "(1)", "（1）", "①", "1. ", "（a）", "1、", "·", "—",
    ] {
        let md = with(&[("——经岗前培训；", &format!("{bad}经岗前培训；"))]);
        let f = only("list-marker", Some("4.1"), Some("经岗前培训"), &md);
        assert!(f[0].message.contains(bad.trim()), "{bad}: {f:?}");
    }
    // GB/T's own: —— typed as U+2015 twice, and · under a —— item.
    let md = with(&[("——经岗前培训；", "――经岗前培训；")]);
    assert!(findings(&md).is_empty(), "{:#?}", findings(&md));
    let md = with(&[("——考核合格。", "——考核合格：\n\n·理论考核；\n\n·实操考核。")]);
    assert!(findings(&md).is_empty(), "{:#?}", findings(&md));
}

#[test]
fn a_list_sequence_that_skips() {
    let md = with(&[("c)　回访。", "d)　回访。")]);
    let f = only("list-sequence", Some("4.2"), Some("d)　回访"), &md);
    assert!(f[0].message.contains("c)"), "{f:?}");
    let md = with(&[("2)　核验；", "3)　核验；")]);
    let f = only("list-sequence", Some("4.2"), Some("3)　核验"), &md);
    assert!(f[0].message.contains("2)"), "{f:?}");
}

#[test]
fn a_term_without_definition() {
    let md = with(&[("接受示例服务的居民。\n\n", "")]);
    let f = only("term-without-definition", Some("3.1"), Some("### 3.1"), &md);
    assert!(f[0].message.contains("服务对象"), "{f:?}");
    // A note is not a definition.
    let md = with(&[("接受示例服务的居民。", "注：包括户籍和常住居民。")]);
    only("term-without-definition", Some("3.1"), Some("### 3.1"), &md);
}

#[test]
fn a_reference_listed_but_never_cited() {
    let md = with(&[(CITATION, "服务规范的编写应规范。")]);
    let f = only("reference-not-cited", Some("2"), Some(REF_ENTRY), &md);
    assert!(f[0].message.contains("GB/T 1.1"), "{f:?}");
    // Cited with its date while listed undated (and the other way round): cited.
    let md = with(&[(CITATION, "服务规范的编写应符合GB/T 1.1—2020的规定。")]);
    assert!(findings(&md).is_empty(), "{:#?}", findings(&md));
    let md = with(&[(REF_ENTRY, "GB/T 1.1—2020　标准化工作导则")]);
    assert!(findings(&md).is_empty(), "{:#?}", findings(&md));
    // Cited only in the preface: not cited.
    let md = with(&[
        (CITATION, "服务规范的编写应规范。"),
        ("本文件由示例区", "本文件参照GB/T 1.1编写。本文件由示例区"),
    ]);
    only("reference-not-cited", Some("2"), Some(REF_ENTRY), &md);
}

#[test]
fn a_reference_cited_but_not_listed() {
    let md = with(&[(
        CITATION,
        "服务规范的编写应符合GB/T 1.1的规定，标志应符合ＧＢ／Ｔ 10001.1—2023的规定。",
    )]);
    let f = only("reference-not-listed", Some("4.3"), Some("10001.1"), &md);
    assert!(f[0].message.contains("GB/T 10001.1-2023"), "{f:?}");
    // Informative places do not need chapter 2: a note, 参考文献.
    let md = with(&[(
        "应每年开展满意度调查。",
        "应每年开展满意度调查。\n\n注：调查方法见GB/T 10001.1。",
    )]);
    assert!(findings(&md).is_empty(), "{:#?}", findings(&md));
    let md = with(&[(
        "记录的管理可参见GB/T 19001。",
        "记录的管理应符合GB/T 19004的规定。",
    )]);
    only("reference-not-listed", Some("A.2"), Some("GB/T 19004"), &md);
}

/// The test registry, recording `recorded` as the checked standard's references.
struct Recorded(Vec<gongfu_domain::standard::StandardNumber>);

impl ReferenceLookup for Recorded {
    fn status(
        &self,
        n: &gongfu_domain::standard::StandardNumber,
    ) -> Option<gongfu_texts::RefStatus> {
        crate::Registry.status(n)
    }

    fn recorded_references(&self) -> Option<&[gongfu_domain::standard::StandardNumber]> {
        Some(&self.0)
    }
}

#[test]
fn references_that_differ_from_the_registrys_record() {
    let rules = NumberRules::default();
    let number = |n: &str| gongfu_domain::standard::StandardNumber::parse(n, &rules).unwrap();
    let run = |md: &str, recorded: &[&str]| {
        let doc = parse_markdown(md).unwrap();
        check(
            &doc,
            &rules,
            &Recorded(recorded.iter().map(|n| number(n)).collect()),
        )
    };
    // CLEAN lists GB/T 1.1 (undated): the same record is silent, another edition is not.
    assert!(run(CLEAN, &["GB/T 1.1"]).is_empty());
    let f = run(CLEAN, &["GB/T 1.1-2020"]);
    assert_eq!(
        rules_of(&f),
        BTreeSet::from(["reference-registry".to_string()]),
        "{f:#?}"
    );
    assert_eq!(
        f.len(),
        2,
        "listed but not recorded, recorded but not listed: {f:#?}"
    );
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(
        f.iter().any(|f| f.message.contains("文本列出了GB/T 1.1，")),
        "{f:#?}"
    );
    assert!(
        f.iter()
            .any(|f| f.message.contains("登记了规范性引用文件GB/T 1.1—2020")),
        "{f:#?}"
    );
    // Recorded but missing from the text: at chapter 2.
    let f = run(CLEAN, &["GB/T 1.1", "GB/T 10001.1-2023"]);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].location.clause.as_deref(), Some("2"), "{f:#?}");
    // A text that is no registered standard's is not compared.
    assert!(findings(CLEAN).is_empty());
}

fn citing(number: &str, listed: &str) -> String {
    with(&[
        (REF_ENTRY, &format!("{REF_ENTRY}\n\n{listed}　示例标准")),
        (
            CITATION,
            &format!("服务规范的编写应符合GB/T 1.1的规定，评估按{number}执行。"),
        ),
    ])
}

#[test]
fn a_reference_the_registry_knows_is_superseded() {
    let md = citing("MZ/T 039—2013", "MZ/T 039—2013");
    let f = only(
        "reference-superseded",
        Some("2"),
        Some("MZ/T 039—2013　示例标准"),
        &md,
    );
    assert!(
        f[0].message.contains("GB/T 42195-2022"),
        "names the replacement: {f:?}"
    );
    assert_eq!(f[0].severity, Severity::Warning);
    // Without a registry there is nothing to say.
    let doc = parse_markdown(&md).unwrap();
    assert!(check(&doc, &NumberRules::default(), &NoRegistry).is_empty());
}

#[test]
fn a_reference_the_registry_knows_is_withdrawn() {
    let md = citing("DB4403/T 9900-2016", "DB4403/T 9900—2016");
    let f = only(
        "reference-withdrawn",
        Some("2"),
        Some("DB4403/T 9900—2016　示例标准"),
        &md,
    );
    assert_eq!(f[0].severity, Severity::Error);
}

#[test]
fn must_where_shall_is_meant() {
    let md = with(&[("应每年开展满意度调查。", "必须每年开展满意度调查。")]);
    let f = only("verbal-form", Some("5.1"), Some("必须每年"), &md);
    assert!(f[0].message.contains("应"), "{f:?}");
    // In the preface it is not a requirement.
    assert!(findings(&with(&[("本文件由示例区", "本文件必须由示例区")])).is_empty());
}

#[test]
fn need_where_shall_may_be_meant() {
    let md = with(&[("应每年开展满意度调查。", "需要每年开展满意度调查。")]);
    let f = only("verbal-form-need", Some("5.1"), Some("需要每年"), &md);
    assert_eq!(f[0].severity, Severity::Info);
    let md = with(&[("应每年开展满意度调查。", "不需要每年开展满意度调查。")]);
    let f = only("verbal-form-need", Some("5.1"), Some("不需要每年"), &md);
    assert!(f[0].message.contains("不必"), "{f:?}");
    for fine in [
        "应根据需要开展满意度调查。",
        "需要时应开展满意度调查。",
        "应为有需要的居民开展调查。",
        "应满足居民基本生活和护理需要。",
    ] {
        let md = with(&[("应每年开展满意度调查。", fine)]);
        assert!(findings(&md).is_empty(), "{fine}: {:#?}", findings(&md));
    }
    // Both words in one paragraph: both reported.
    let md = with(&[("应每年开展满意度调查。", "必须每年开展调查，需要记录结果。")]);
    assert_eq!(
        rules_of(&findings(&md)),
        BTreeSet::from(["verbal-form".to_string(), "verbal-form-need".to_string()])
    );
}

#[test]
fn every_rule_has_a_fixture_here_and_an_explanation() {
    let source = include_str!("rules.rs");
    let mut ids = BTreeSet::new();
    for r in RULES {
        assert!(
            source.contains(&format!("\"{}\"", r.id)),
            "rule {} has a fixture",
            r.id
        );
        assert!(ids.insert(r.id), "rule ids are unique: {}", r.id);
        assert!(r.title.chars().count() >= 3 && r.explanation.chars().count() >= 20);
    }
    assert_eq!(RULES.len(), 24);
}

#[test]
fn findings_come_in_line_order_and_render_like_ripgrep() {
    let md = with(&[
        ("应每年开展", "必须每年开展"),
        ("### 5.2 改进", "### 5.3 改进"),
    ]);
    let f = findings(&md);
    let lines: Vec<u32> = f.iter().map(|f| f.location.line).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
    let text = render_text(&f, "草案.md");
    let first = format!(
        "草案.md:{}: warning[verbal-form] 5.1: ",
        line_with(&md, "必须每年")
    );
    let second = format!(
        "草案.md:{}: error[clause-gap] 5.3: ",
        line_with(&md, "### 5.3")
    );
    let out: Vec<&str> = text.lines().collect();
    assert!(out[0].starts_with(&first), "{text}");
    assert!(out[1].starts_with(&second), "{text}");
    assert_eq!(out[2], "草案.md: 1 errors, 1 warnings, 0 infos", "{text}");
    let json = serde_json::to_value(&f).unwrap();
    assert_eq!(json[0]["location"]["clause"], "5.1");
    assert_eq!(json[0]["severity"], "warning");
    assert_eq!(json[0]["rule"], "verbal-form");
}
