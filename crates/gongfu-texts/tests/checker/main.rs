//! gongfu-texts, end to end: Markdown and .docx into documents, and the GB/T 1.1 checker
//! over them. The checker's contract: nothing on a clean document; on a document with
//! exactly one problem, exactly that rule, at that clause and line.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod demo;
mod docx;
mod limits;
mod markdown;
mod props;
mod rules;

use std::collections::BTreeSet;

use gongfu_domain::standard::{NumberRules, StandardNumber};
use gongfu_texts::{check, parse_markdown, Block, Document, Finding, RefStatus, ReferenceLookup};

/// A complete GB/T 1.1 text with no problem: 前言, the three required chapters (one
/// normative reference, cited in the body; two terms), body chapters with two subclauses
/// each, a —— list, an a)/b) list with a 1)/2) second level, a table, an informative
/// appendix with two clauses, and 参考文献 for the document the appendix refers to.
pub const CLEAN: &str = "# 示例服务规范

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

b)　办理：

1)　登记；

2)　核验；

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

## 附录A（资料性）　服务记录

### A.1 记录内容

服务记录宜包括受理、办理和回访的时间。

### A.2 记录保存

记录的管理可参见GB/T 19001。

## 参考文献

[1]　GB/T 19001　质量管理体系　要求
";

/// The 前言 of `CLEAN`, to move or remove.
pub const PREFACE: &str = "## 前言\n\n本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。\n\n本文件由示例区市场监督管理局提出并归口。\n\n";

/// A registry that knows one superseded and one withdrawn standard.
pub struct Registry;

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

/// The findings on Markdown `md`, with the test registry.
pub fn findings(md: &str) -> Vec<Finding> {
    findings_in(&parse_markdown(md).unwrap())
}

/// The findings on `doc`, with the test registry.
pub fn findings_in(doc: &Document) -> Vec<Finding> {
    check(doc, &NumberRules::default(), &Registry)
}

/// The rule ids among `f`.
pub fn rules_of(f: &[Finding]) -> BTreeSet<String> {
    f.iter().map(|f| f.rule.clone()).collect()
}

/// `CLEAN` with each `(from, to)` replaced once; every `from` must be there.
pub fn with(changes: &[(&str, &str)]) -> String {
    let mut s = CLEAN.to_string();
    for (from, to) in changes {
        assert!(s.contains(from), "fixture: {from}");
        s = s.replacen(from, to, 1);
    }
    s
}

/// The 1-based line of `md` that first contains `needle`.
pub fn line_with(md: &str, needle: &str) -> u32 {
    let i = md
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("fixture has no line with {needle}"));
    u32::try_from(i + 1).unwrap()
}

/// Asserts that exactly `rule` fires (once or more), its first finding at `clause` on the
/// line of `md` that contains `at` (or line 1 for a finding about the whole document), with
/// a message long enough to say how to fix it. Returns the findings.
pub fn only(rule: &str, clause: Option<&str>, at: Option<&str>, md: &str) -> Vec<Finding> {
    let f = findings(md);
    assert_eq!(
        rules_of(&f),
        BTreeSet::from([rule.to_string()]),
        "{rule}: {f:#?}"
    );
    assert_eq!(f[0].location.clause.as_deref(), clause, "{rule}: {f:#?}");
    let line = at.map_or(1, |a| line_with(md, a));
    assert_eq!(f[0].location.line, line, "{rule}: {f:#?}");
    assert!(
        f[0].message.chars().count() > 12,
        "{rule}: the message says how to fix it: {}",
        f[0].message
    );
    f
}

/// Blocks without their lines, to compare documents read from different sources.
pub fn shape(d: &Document) -> Vec<String> {
    d.blocks
        .iter()
        .map(|b| match b {
            Block::Heading {
                level,
                number,
                title,
                ..
            } => format!("h{level} {} {title}", number.as_deref().unwrap_or("-")),
            Block::Paragraph { text, .. } => format!("p {text}"),
            Block::ListItem {
                marker,
                level,
                text,
                ..
            } => format!("li{level} {marker} {text}"),
            Block::Table { rows, .. } => format!("table {rows:?}"),
        })
        .collect()
}
