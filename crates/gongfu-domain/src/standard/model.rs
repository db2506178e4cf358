//! A standard in the registry, the system tree it sits in, and the raw form both arrive in.
//!
//! A registry row arrives as strings ([`StandardDraft`]: a spreadsheet row, a JSON body, a
//! form) and becomes a [`Standard`] once, through [`Standard::parse`], which needs the
//! installation's [`NumberRules`] and the [`SystemTree`] (a standard must sit in a node that
//! exists).

use std::collections::{BTreeMap, BTreeSet};

use time::Date;

use super::number::{NumberRules, StandardLevel, StandardNumber};
use crate::catalog::{labelled_enum, ItemCode};
use crate::text::{clean, split_list};

labelled_enum! {
    /// Where a standard is in its life (标准生命周期).
    Stage {
        /// 立项: approved for drafting.
        Proposed = ("proposed", "立项"),
        /// 起草: being drafted.
        Drafting = ("drafting", "起草", "编制"),
        /// 征求意见: draft out for comments.
        Consultation = ("consultation", "征求意见", "征求意见稿"),
        /// 审查: technical review before publication.
        Review = ("review", "审查", "送审", "送审稿"),
        /// 发布: published, not yet in effect.
        Published = ("published", "发布", "已发布"),
        /// 实施: in effect.
        Effective = ("effective", "实施", "现行", "现行有效", "有效", "在用"),
        /// 复审: in effect, under periodic review.
        Reviewing = ("reviewing", "复审", "复审中"),
        /// 修订: in effect, a revision under way.
        Revising = ("revising", "修订", "修订中"),
        /// 废止: withdrawn without replacement.
        Withdrawn = ("withdrawn", "废止", "已废止", "作废"),
        /// 被代替: replaced by a newer standard.
        Superseded = ("superseded", "被代替", "已被代替", "代替"),
    }
}

impl Stage {
    /// Whether a standard at this stage is in force (on `today`, given its implementation
    /// date): a standard under review or revision stays in force until replaced.
    pub fn in_force(self, effective_on: Option<Date>, today: Date) -> bool {
        match self {
            Stage::Effective | Stage::Reviewing | Stage::Revising => true,
            Stage::Published => effective_on.is_some_and(|d| d <= today),
            _ => false,
        }
    }

    /// Whether the standard is gone: withdrawn or superseded.
    pub fn is_gone(self) -> bool {
        matches!(self, Stage::Withdrawn | Stage::Superseded)
    }
}

labelled_enum! {
    /// Whether the district adopted a standard made elsewhere or made it itself
    /// (Chengdu: 178 cited + 101 self-built of 279).
    Origin {
        /// 引用: adopted as published.
        Cited = ("cited", "引用", "引用标准", "采用"),
        /// 自建: drafted by the district or with its lead.
        SelfBuilt = ("self_built", "自建", "自建标准", "自主制定", "主导制定", "牵头制定"),
    }
}

/// The default review cycle: the Standardization Law has standards reviewed at least every
/// five years.
pub const DEFAULT_REVIEW_YEARS: u8 = 5;

/// A standard in the registry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Standard {
    /// The number (the registry's key).
    pub number: StandardNumber,
    /// 标准名称.
    pub title: String,
    /// English title, if any.
    pub title_en: String,
    /// 发布机构.
    pub issued_by: String,
    /// Where it is in its life.
    pub stage: Stage,
    /// Cited or self-built.
    pub origin: Origin,
    /// The code of the system-tree node it sits in.
    pub node: Option<String>,
    /// 发布日期.
    pub published_on: Option<Date>,
    /// 实施日期.
    pub effective_on: Option<Date>,
    /// 上次复审日期: when it was last reviewed.
    pub reviewed_on: Option<Date>,
    /// 下次复审日期: when the next review is due, as the office scheduled it; wins over
    /// the computed date until a review on or after it is recorded.
    pub next_review_on: Option<Date>,
    /// 废止日期.
    pub withdrawn_on: Option<Date>,
    /// 复审周期 in years, when not the default five.
    pub review_cycle_years: Option<u8>,
    /// Standards this one replaces (代替).
    pub supersedes: Vec<StandardNumber>,
    /// The standard that replaced this one (被代替为).
    pub superseded_by: Option<StandardNumber>,
    /// Its normative references (规范性引用文件), dated or undated.
    pub references: Vec<StandardNumber>,
    /// The list items it serves.
    pub items: Vec<ItemCode>,
    /// 备注.
    pub notes: String,
    /// 数据来源: where the row comes from; 示例 for illustrative rows.
    pub source: String,
}

impl Standard {
    /// The level, read off the number.
    pub fn level(&self) -> StandardLevel {
        self.number.level()
    }

    /// Whether it is in force on `today`.
    pub fn in_force(&self, today: Date) -> bool {
        self.stage.in_force(self.effective_on, today)
    }

    /// When the next periodic review is due: the scheduled 下次复审日期 when the registry
    /// has one and no review has been recorded since; else the later of implementation and
    /// the last review, plus the cycle. None when the standard is not in force or has no
    /// dates.
    pub fn review_due(&self, today: Date) -> Option<Date> {
        if !self.in_force(today) {
            return None;
        }
        if let Some(next) = self.next_review_on {
            if self.reviewed_on.is_none_or(|last| last < next) {
                return Some(next);
            }
        }
        let from = self
            .reviewed_on
            .max(self.effective_on)
            .or(self.published_on)?;
        let years = self.review_cycle_years.unwrap_or(DEFAULT_REVIEW_YEARS) as i32;
        let year = from.year() + years;
        // 29 February plus five years is 28 February.
        Date::from_calendar_date(year, from.month(), from.day())
            .or_else(|_| Date::from_calendar_date(year, from.month(), from.day() - 1))
            .ok()
    }

    /// Whether the row is illustrative (示例).
    pub fn is_demo(&self) -> bool {
        self.source.contains("示例")
    }
}

/// One node of the standard system tree (标准体系), e.g. 3.2 学有所教.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SystemNode {
    /// Its code, unique in the tree: `1`, `3.2`, `A1`.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The parent's code; None for a sub-system at the top.
    pub parent: Option<String>,
    /// What belongs here.
    pub description: String,
}

/// The standard system tree: sub-systems as data (Futian's 9+1, Chengdu's three).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SystemTree {
    /// Nodes, parents before children, in the order of the file.
    pub nodes: Vec<SystemNode>,
}

/// Why a tree is not a tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", crate::msg!("node-error", index = index, code = code, message = message))]
pub struct TreeError {
    /// 1-based position of the node in the input.
    pub index: usize,
    /// The node's code.
    pub code: String,
    /// The field at fault: `code`, `name` or `parent`.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

impl SystemTree {
    /// Builds a tree from nodes in any order: codes unique and non-empty, names non-empty,
    /// every parent present, no cycles. The result lists parents before children, keeping
    /// the input order among siblings.
    pub fn parse(nodes: Vec<SystemNode>) -> Result<Self, Vec<TreeError>> {
        let mut errors = vec![];
        let mut seen = BTreeMap::new();
        for (i, n) in nodes.iter().enumerate() {
            let e = |field: &'static str, m: String| TreeError {
                index: i + 1,
                code: n.code.clone(),
                field,
                message: m,
            };
            if n.code.is_empty() {
                errors.push(e("code", crate::msg!("node-no-code")));
            } else if let Some(first) = seen.insert(n.code.clone(), i + 1) {
                errors.push(e("code", crate::msg!("node-code-twice", first = first)));
            }
            if n.name.is_empty() {
                errors.push(e("name", crate::msg!("node-no-name")));
            }
        }
        for (i, n) in nodes.iter().enumerate() {
            if let Some(p) = &n.parent {
                if !seen.contains_key(p) {
                    errors.push(TreeError {
                        index: i + 1,
                        code: n.code.clone(),
                        field: "parent",
                        message: crate::msg!("node-parent-unknown", parent = p),
                    });
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // Order parents first; a node never placed is on a cycle.
        let mut placed: BTreeSet<String> = BTreeSet::new();
        let mut ordered = vec![];
        fn place(
            code: &str,
            nodes: &[SystemNode],
            placed: &mut BTreeSet<String>,
            ordered: &mut Vec<SystemNode>,
        ) {
            for n in nodes.iter().filter(|n| n.parent.as_deref() == Some(code)) {
                if placed.insert(n.code.clone()) {
                    ordered.push(n.clone());
                    place(&n.code, nodes, placed, ordered);
                }
            }
        }
        for n in nodes.iter().filter(|n| n.parent.is_none()) {
            placed.insert(n.code.clone());
            ordered.push(n.clone());
            place(&n.code, &nodes, &mut placed, &mut ordered);
        }
        let cyclic: Vec<TreeError> = nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| !placed.contains(&n.code))
            .map(|(i, n)| TreeError {
                index: i + 1,
                code: n.code.clone(),
                field: "parent",
                message: crate::msg!("node-cycle"),
            })
            .collect();
        if !cyclic.is_empty() {
            return Err(cyclic);
        }
        Ok(Self { nodes: ordered })
    }

    /// A node by code, by "code name", or by name when the name is unique.
    pub fn find(&self, key: &str) -> Option<&SystemNode> {
        let key = clean(key);
        if let Some(n) = self.nodes.iter().find(|n| n.code == key) {
            return Some(n);
        }
        // "3.2 学有所教", as exports write it.
        // (Cleaning has already dropped the space before the Chinese name.)
        let bare: String = key.chars().filter(|c| *c != ' ').collect();
        let joined = |n: &SystemNode| format!("{}{}", n.code, n.name).replace(' ', "");
        if let Some(n) = self.nodes.iter().find(|n| joined(n) == bare) {
            return Some(n);
        }
        let mut by_name = self.nodes.iter().filter(|n| n.name == key);
        match (by_name.next(), by_name.next()) {
            (Some(n), None) => Some(n),
            _ => None,
        }
    }

    /// The node and its ancestors' codes, nearest first.
    pub fn ancestry(&self, code: &str) -> Vec<&str> {
        let mut out = vec![];
        let mut cur = self.nodes.iter().find(|n| n.code == code);
        while let Some(n) = cur {
            if out.contains(&n.code.as_str()) {
                break;
            }
            out.push(n.code.as_str());
            cur = n
                .parent
                .as_deref()
                .and_then(|p| self.nodes.iter().find(|m| m.code == p));
        }
        out
    }

    /// Whether the standard sits in node `code` or below it.
    pub fn places(&self, s: &Standard, code: &str) -> bool {
        s.node
            .as_deref()
            .is_some_and(|c| self.ancestry(c).contains(&code))
    }

    /// Depth of a node: 0 for a top-level sub-system.
    pub fn depth(&self, code: &str) -> usize {
        self.ancestry(code).len().saturating_sub(1)
    }
}

/// A registry row as strings, before parsing: a spreadsheet row, a JSON body or a form.
#[allow(missing_docs)]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct StandardDraft {
    pub number: String,
    pub title: String,
    pub title_en: String,
    pub level: String,
    pub issued_by: String,
    pub stage: String,
    pub origin: String,
    pub node: String,
    pub published_on: String,
    pub effective_on: String,
    pub reviewed_on: String,
    pub next_review_on: String,
    pub withdrawn_on: String,
    pub review_cycle_years: String,
    pub supersedes: String,
    pub superseded_by: String,
    pub references: String,
    pub items: String,
    pub notes: String,
    pub source: String,
}

/// A column of the registry: JSON key, Chinese header, other accepted headers.
#[derive(Debug, Clone, Copy)]
pub struct StandardColumn {
    /// English key, the JSON field name.
    pub key: &'static str,
    /// Chinese header (标准明细表).
    pub header: &'static str,
    /// Other headers accepted on import.
    pub aliases: &'static [&'static str],
}

/// Every registry column, in export order (the 标准明细表).
pub const STANDARD_COLUMNS: &[StandardColumn] = &[
    StandardColumn {
        key: "number",
        header: "标准编号",
        aliases: &["标准号", "编号"],
    },
    StandardColumn {
        key: "title",
        header: "标准名称",
        aliases: &["名称", "中文名称"],
    },
    StandardColumn {
        key: "title_en",
        header: "英文名称",
        aliases: &[],
    },
    StandardColumn {
        key: "level",
        header: "标准层级",
        aliases: &["层级", "标准级别", "级别"],
    },
    StandardColumn {
        key: "issued_by",
        header: "发布机构",
        aliases: &["发布单位", "归口单位"],
    },
    StandardColumn {
        key: "stage",
        header: "状态",
        aliases: &["标准状态", "生命周期"],
    },
    StandardColumn {
        key: "origin",
        header: "引用或自建",
        aliases: &["来源类型", "引用/自建"],
    },
    StandardColumn {
        key: "node",
        header: "体系节点",
        aliases: &["体系位置", "所属子体系", "节点"],
    },
    StandardColumn {
        key: "published_on",
        header: "发布日期",
        aliases: &[],
    },
    StandardColumn {
        key: "effective_on",
        header: "实施日期",
        aliases: &[],
    },
    StandardColumn {
        key: "reviewed_on",
        header: "上次复审日期",
        aliases: &["最近复审日期", "最近一次复审日期"],
    },
    StandardColumn {
        key: "next_review_on",
        header: "下次复审日期",
        aliases: &["应复审日期", "复审到期日期"],
    },
    StandardColumn {
        key: "withdrawn_on",
        header: "废止日期",
        aliases: &[],
    },
    StandardColumn {
        key: "review_cycle_years",
        header: "复审周期(年)",
        aliases: &["复审周期", "复审周期（年）"],
    },
    StandardColumn {
        key: "supersedes",
        header: "代替标准",
        aliases: &["代替"],
    },
    StandardColumn {
        key: "superseded_by",
        header: "被代替标准",
        aliases: &["被代替为", "被代替"],
    },
    StandardColumn {
        key: "references",
        header: "规范性引用文件",
        aliases: &["引用标准"],
    },
    StandardColumn {
        key: "items",
        header: "服务事项",
        aliases: &["服务项目编码", "关联事项"],
    },
    StandardColumn {
        key: "notes",
        header: "备注",
        aliases: &[],
    },
    StandardColumn {
        key: "source",
        header: "数据来源",
        aliases: &[],
    },
];

/// Names every field of [`StandardDraft`] once, for reading and writing by column key.
macro_rules! draft_fields {
    ($($f:ident),+ $(,)?) => {
        impl StandardDraft {
            /// A field by its column key ("" for an unknown key).
            pub fn get(&self, key: &str) -> &str {
                match key { $(stringify!($f) => &self.$f,)+ _ => "" }
            }

            /// Sets a field by its column key; unknown keys are ignored.
            pub fn set(&mut self, key: &str, value: String) {
                match key { $(stringify!($f) => self.$f = value,)+ _ => {} }
            }
        }
    };
}

draft_fields!(
    number,
    title,
    title_en,
    level,
    issued_by,
    stage,
    origin,
    node,
    published_on,
    effective_on,
    reviewed_on,
    next_review_on,
    withdrawn_on,
    review_cycle_years,
    supersedes,
    superseded_by,
    references,
    items,
    notes,
    source,
);

/// One thing wrong with one field of a registry row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{header} ({field}): {message}")]
pub struct FieldError {
    /// Column key.
    pub field: &'static str,
    /// Column header in Chinese.
    pub header: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl FieldError {
    /// An error on the column with JSON key `key` (its Chinese header is looked up).
    pub fn new(key: &'static str, message: impl Into<String>) -> Self {
        field_error(key, message)
    }
}

fn field_error(key: &'static str, message: impl Into<String>) -> FieldError {
    let header = STANDARD_COLUMNS
        .iter()
        .find(|c| c.key == key)
        .map(|c| c.header)
        .unwrap_or(key);
    FieldError {
        field: key,
        header,
        message: message.into(),
    }
}

/// Parses a date as offices write it: 2020-01-01, 2020/1/1, 2020.1.1, 2020年1月1日.
pub fn parse_date(raw: &str) -> Result<Option<Date>, String> {
    let s = clean(&crate::text::fold_width(raw));
    if s.is_empty() {
        return Ok(None);
    }
    // A date cell read from a workbook arrives as Excel's serial day number.
    if let Ok(serial) = s.parse::<u32>() {
        if (18264..=73051).contains(&serial) {
            let epoch = time::macros::date!(1899 - 12 - 30);
            return Ok(Some(epoch + time::Duration::days(serial.into())));
        }
    }
    let parts: Vec<&str> = s
        .trim_end_matches('日')
        .split(['-', '/', '.', '年', '月'])
        .collect();
    let bad = || crate::msg!("date-bad", value = s);
    if parts.len() != 3 {
        return Err(bad());
    }
    let y: i32 = parts[0].trim().parse().map_err(|_| bad())?;
    let m: u8 = parts[1].trim().parse().map_err(|_| bad())?;
    let d: u8 = parts[2].trim().parse().map_err(|_| bad())?;
    if !(1949..=2100).contains(&y) {
        return Err(crate::msg!("date-year-range", value = s));
    }
    let month = time::Month::try_from(m).map_err(|_| bad())?;
    Date::from_calendar_date(y, month, d)
        .map(Some)
        .map_err(|_| crate::msg!("date-no-such-day", value = s))
}

impl Standard {
    /// Parses a registry row. Every field is checked and every problem reported, so one
    /// pass over a file finds them all.
    pub fn parse(
        d: &StandardDraft,
        rules: &NumberRules,
        tree: &SystemTree,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = vec![];
        let number = StandardNumber::parse(&d.number, rules)
            .map_err(|e| errors.push(field_error("number", e.to_string())))
            .ok();
        if let Some(n) = &number {
            if n.year().is_none() {
                errors.push(field_error(
                    "number",
                    crate::msg!("standard-no-year", number = n),
                ));
            }
            let level = clean(&d.level);
            if !level.is_empty() {
                match StandardLevel::parse(&level) {
                    Some(l) if l == n.level() => {}
                    Some(l) => errors.push(field_error(
                        "level",
                        crate::msg!(
                            "standard-level-contradicts",
                            level = l.label(),
                            number = n,
                            actual = n.level().label()
                        ),
                    )),
                    None => errors.push(field_error(
                        "level",
                        crate::msg!(
                            "standard-level-unknown",
                            value = level,
                            expected = StandardLevel::labels()
                        ),
                    )),
                }
            }
        }
        let title = clean(&d.title);
        if title.is_empty() {
            errors.push(field_error("title", crate::msg!("standard-title-empty")));
        }
        let stage_raw = clean(&d.stage);
        let stage = if stage_raw.is_empty() {
            Some(Stage::Effective)
        } else {
            Stage::parse(&stage_raw).or_else(|| {
                errors.push(field_error(
                    "stage",
                    crate::msg!(
                        "value-unknown",
                        value = stage_raw,
                        expected = Stage::labels()
                    ),
                ));
                None
            })
        };
        let origin_raw = clean(&d.origin);
        let origin = if origin_raw.is_empty() {
            // A district's internal norm is its own; everything else is cited unless the
            // row says the district made it.
            Some(match number.as_ref().map(StandardNumber::level) {
                Some(StandardLevel::Internal) => Origin::SelfBuilt,
                _ => Origin::Cited,
            })
        } else {
            Origin::parse(&origin_raw).or_else(|| {
                errors.push(field_error(
                    "origin",
                    crate::msg!(
                        "value-unknown",
                        value = origin_raw,
                        expected = Origin::labels()
                    ),
                ));
                None
            })
        };
        let node_raw = clean(&d.node);
        let node = if node_raw.is_empty() {
            None
        } else {
            match tree.find(&node_raw) {
                Some(n) => Some(n.code.clone()),
                None => {
                    let hint = if tree.nodes.is_empty() {
                        crate::msg!("standard-no-tree")
                    } else {
                        let top: Vec<String> = tree
                            .nodes
                            .iter()
                            .take(12)
                            .map(|n| format!("{} {}", n.code, n.name))
                            .collect();
                        crate::msg!("standard-nodes-include", nodes = top.join("、"))
                    };
                    errors.push(field_error(
                        "node",
                        crate::msg!("standard-node-unknown", node = node_raw, hint = hint),
                    ));
                    None
                }
            }
        };
        let mut date = |key: &'static str, raw: &str| match parse_date(raw) {
            Ok(d) => d,
            Err(m) => {
                errors.push(field_error(key, m));
                None
            }
        };
        let published_on = date("published_on", &d.published_on);
        let effective_on = date("effective_on", &d.effective_on);
        let reviewed_on = date("reviewed_on", &d.reviewed_on);
        let next_review_on = date("next_review_on", &d.next_review_on);
        let withdrawn_on = date("withdrawn_on", &d.withdrawn_on);
        if let (Some(p), Some(e)) = (published_on, effective_on) {
            if e < p {
                errors.push(field_error(
                    "effective_on",
                    crate::msg!(
                        "standard-effective-before-published",
                        effective = e,
                        published = p
                    ),
                ));
            }
        }
        let cycle_raw = clean(&d.review_cycle_years);
        let review_cycle_years = if cycle_raw.is_empty() {
            None
        } else {
            match cycle_raw.trim_end_matches('年').parse::<u8>() {
                Ok(y) if (1..=10).contains(&y) => Some(y),
                _ => {
                    errors.push(field_error(
                        "review_cycle_years",
                        crate::msg!("standard-cycle-bad", value = cycle_raw),
                    ));
                    None
                }
            }
        };
        let mut numbers = |key: &'static str, raw: &str, dated: bool| -> Vec<StandardNumber> {
            let mut out = vec![];
            for piece in split_numbers(raw) {
                match StandardNumber::parse(&piece, rules) {
                    Ok(n) if dated && n.year().is_none() => errors.push(field_error(
                        key,
                        crate::msg!("standard-ref-no-year", number = n),
                    )),
                    Ok(n) => {
                        if !out.contains(&n) {
                            out.push(n)
                        }
                    }
                    Err(e) => errors.push(field_error(key, e.to_string())),
                }
            }
            out
        };
        let supersedes = numbers("supersedes", &d.supersedes, true);
        let mut superseded_by = numbers("superseded_by", &d.superseded_by, true);
        let references = numbers("references", &d.references, false);
        if superseded_by.len() > 1 {
            errors.push(field_error(
                "superseded_by",
                crate::msg!("standard-one-successor"),
            ));
        }
        let mut items = vec![];
        for piece in split_list(&d.items) {
            match ItemCode::parse(&piece) {
                Ok(c) => {
                    if !items.contains(&c) {
                        items.push(c)
                    }
                }
                Err(m) => errors.push(field_error("items", m)),
            }
        }
        if let Some(n) = &number {
            if supersedes.iter().any(|s| s == n)
                || superseded_by.first() == Some(n)
                || references.iter().any(|r| r == n)
            {
                errors.push(field_error(
                    "supersedes",
                    crate::msg!("standard-names-itself", number = n),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        match (number, stage, origin) {
            (Some(number), Some(stage), Some(origin)) => Ok(Standard {
                number,
                title,
                title_en: clean(&d.title_en),
                issued_by: clean(&d.issued_by),
                stage,
                origin,
                node,
                published_on,
                effective_on,
                reviewed_on,
                next_review_on,
                withdrawn_on,
                review_cycle_years,
                supersedes,
                superseded_by: superseded_by.pop(),
                references,
                items,
                notes: clean(&d.notes),
                source: clean(&d.source),
            }),
            _ => Err(vec![field_error(
                "number",
                crate::msg!("standard-row-unreadable"),
            )]),
        }
    }

    /// The row as strings again, for exports: parsing it gives back this standard.
    pub fn to_draft(&self, tree: &SystemTree) -> StandardDraft {
        let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        let list = |v: &[StandardNumber]| {
            v.iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join("；")
        };
        StandardDraft {
            number: self.number.to_string(),
            title: self.title.clone(),
            title_en: self.title_en.clone(),
            level: self.level().label().to_string(),
            issued_by: self.issued_by.clone(),
            stage: self.stage.label().to_string(),
            origin: self.origin.label().to_string(),
            node: self
                .node
                .as_deref()
                .and_then(|c| tree.nodes.iter().find(|n| n.code == c))
                .map(|n| format!("{} {}", n.code, n.name))
                .unwrap_or_default(),
            published_on: date(self.published_on),
            effective_on: date(self.effective_on),
            reviewed_on: date(self.reviewed_on),
            next_review_on: date(self.next_review_on),
            withdrawn_on: date(self.withdrawn_on),
            review_cycle_years: self
                .review_cycle_years
                .map(|y| y.to_string())
                .unwrap_or_default(),
            supersedes: list(&self.supersedes),
            superseded_by: self
                .superseded_by
                .as_ref()
                .map(|n| n.to_string())
                .unwrap_or_default(),
            references: list(&self.references),
            items: self
                .items
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            notes: self.notes.clone(),
            source: self.source.clone(),
        }
    }
}

/// Splits a cell listing standard numbers. Numbers contain `/` and `.`, so only 、，,；;
/// and line breaks separate them.
pub fn split_numbers(s: &str) -> Vec<String> {
    s.split(['、', '，', ',', '；', ';', '\n', '\r'])
        .map(clean)
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests;
