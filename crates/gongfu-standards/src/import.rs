//! Reading the registry (标准明细表) and the system tree from CSV or xlsx. Same rules as the
//! list import: every error names file, sheet, row and column; one bad row stores nothing;
//! an unknown column is an error, never silently dropped.

use std::collections::{BTreeMap, BTreeSet};

use gongfu_domain::standard::{
    NumberRules, Standard, StandardDraft, SystemNode, SystemTree, STANDARD_COLUMNS,
};
use gongfu_domain::text::clean;
use gongfu_domain::ItemCode;
use gongfu_sheets::{read_sheet, ImportFailure, Table, MAX_ERRORS};

fn read(
    file: &str,
    bytes: &[u8],
    is_header: impl Fn(&[String]) -> bool,
    needs: &str,
) -> Result<Table, ImportFailure> {
    read_sheet(file, bytes, is_header, needs)
}

/// The tree's columns.
pub const TREE_COLUMNS: [&str; 4] = ["节点编号", "节点名称", "上级节点", "说明"];

/// Reads a system tree: 节点编号, 节点名称, 上级节点 (empty for a top-level sub-system),
/// 说明 (optional).
pub fn read_tree(file: &str, bytes: &[u8]) -> Result<SystemTree, ImportFailure> {
    let t = read(
        file,
        bytes,
        |h| h.iter().any(|c| c == "节点编号") && h.iter().any(|c| c == "节点名称"),
        "节点编号, 节点名称, 上级节点, 说明",
    )?;
    let mut errors = vec![];
    let mut cols = [None; 4];
    for (i, h) in t.headers.iter().enumerate() {
        match TREE_COLUMNS.iter().position(|c| c == h) {
            Some(k) => cols[k] = Some(i),
            None if h.is_empty() => {}
            None => errors.push(t.error_at(
                Some(t.header_row),
                Some(i),
                gongfu_domain::msg!(
                    "import-column-unknown",
                    header = h,
                    known = TREE_COLUMNS.join("、")
                ),
            )),
        }
    }
    let cell = |cells: &[String], k: usize| cols[k].map(|i| clean(&cells[i])).unwrap_or_default();
    let mut nodes = vec![];
    let mut rows = vec![];
    for (row, cells) in &t.rows {
        let parent = cell(cells, 2);
        nodes.push(SystemNode {
            code: cell(cells, 0),
            name: cell(cells, 1),
            parent: (!parent.is_empty()).then_some(parent),
            description: cell(cells, 3),
        });
        rows.push(*row);
    }
    if nodes.is_empty() {
        errors.push(t.error_at(None, None, gongfu_domain::msg!("tree-file-empty")));
    }
    if !errors.is_empty() {
        return Err(ImportFailure::new(file, errors));
    }
    SystemTree::parse(nodes).map_err(|es| {
        let errors = es
            .into_iter()
            .map(|e| {
                let row = rows.get(e.index - 1).copied();
                let col = match e.field {
                    "parent" => cols[2],
                    "name" => cols[1],
                    _ => cols[0],
                };
                t.error_at(row, col, e.message)
            })
            .collect();
        ImportFailure::new(file, errors)
    })
}

/// What must hold of the file's rows beyond each row on its own.
pub struct RegistryContext<'a> {
    /// How numbers are read.
    pub rules: &'a NumberRules,
    /// The tree standards are placed in.
    pub tree: &'a SystemTree,
    /// Item codes a standard may serve (the newest list version's), with the version number
    /// for messages; None when no version is published (links are then refused).
    pub items: Option<(i64, &'a BTreeSet<ItemCode>)>,
}

/// Headers that could mean the last review or the next one. gongfu used to read 复审日期
/// as the last review and add the cycle, so a due date a clerk wrote there never showed as
/// overdue; such a column is refused with the two headers that say which.
const AMBIGUOUS_REVIEW: [&str; 2] = ["复审日期", "复审时间"];

/// Reads registry rows (the 标准明细表 layout, [`STANDARD_COLUMNS`]): parsed standards in
/// file order, or every problem found.
pub fn read_standards(
    file: &str,
    bytes: &[u8],
    cx: &RegistryContext<'_>,
) -> Result<Vec<Standard>, ImportFailure> {
    let key_of = |h: &str| {
        STANDARD_COLUMNS
            .iter()
            .find(|c| c.header == h || c.aliases.contains(&h) || c.key == h)
            .map(|c| c.key)
    };
    let t = read(
        file,
        bytes,
        |h| {
            h.iter().any(|c| key_of(c) == Some("number"))
                && h.iter().any(|c| key_of(c) == Some("title"))
        },
        "标准编号, 标准名称 and any of the 标准明细表's other columns",
    )?;
    let mut errors = vec![];
    let mut cols: Vec<(usize, &'static str)> = vec![];
    for (i, h) in t.headers.iter().enumerate() {
        match key_of(h) {
            Some(k) if cols.iter().any(|(_, c)| *c == k) => errors.push(t.error_at(
                Some(t.header_row),
                Some(i),
                gongfu_domain::msg!("standards-column-repeated", header = h),
            )),
            Some(k) => cols.push((i, k)),
            None if h.is_empty() => {}
            None if AMBIGUOUS_REVIEW.contains(&h.as_str()) => errors.push(t.error_at(
                Some(t.header_row),
                Some(i),
                gongfu_domain::msg!("standards-review-ambiguous", header = h),
            )),
            None => errors.push(t.error_at(
                Some(t.header_row),
                Some(i),
                gongfu_domain::msg!(
                    "import-column-unknown",
                    header = h,
                    known = STANDARD_COLUMNS.iter().map(|c| c.header).collect::<Vec<_>>().join("、")
                ),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(ImportFailure::new(file, errors));
    }
    let col_of = |key: &str| cols.iter().find(|(_, k)| *k == key).map(|(i, _)| *i);
    let mut out: Vec<Standard> = vec![];
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (row, cells) in &t.rows {
        if errors.len() >= MAX_ERRORS {
            break;
        }
        let mut d = StandardDraft::default();
        for (i, k) in &cols {
            d.set(k, cells[*i].clone());
        }
        match Standard::parse(&d, cx.rules, cx.tree) {
            Ok(s) => {
                if let Some(first) = seen.insert(s.number.to_string(), *row) {
                    errors.push(t.error_at(
                        Some(*row),
                        col_of("number"),
                        gongfu_domain::msg!(
                            "standards-number-twice",
                            number = s.number,
                            first = first
                        ),
                    ));
                }
                for code in &s.items {
                    let known = match cx.items {
                        Some((_, set)) => set.contains(code),
                        None => false,
                    };
                    if !known {
                        let why = match cx.items {
                            Some((v, _)) => gongfu_domain::msg!(
                                "standard-item-not-in-version",
                                code = code,
                                version = v
                            ),
                            None => gongfu_domain::msg!("standard-item-no-version", code = code),
                        };
                        errors.push(t.error_at(Some(*row), col_of("items"), why));
                    }
                }
                out.push(s);
            }
            Err(es) => {
                for e in es {
                    errors.push(t.error_at(Some(*row), col_of(e.field), e.message));
                }
            }
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors.push(t.error_at(None, None, gongfu_domain::msg!("standards-file-empty")));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        errors.truncate(MAX_ERRORS);
        Err(ImportFailure::new(file, errors))
    }
}
