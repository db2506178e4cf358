//! Writing the two customary tables of a standard system (GB/T 13016 practice): the
//! 标准明细表 (one row per standard, the import layout, so an export imports back as it
//! was) and the 标准体系表 (the tree with its counts and the standards under each node).

use gongfu_domain::standard::{Standard, StandardLevel, SystemTree, STANDARD_COLUMNS};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::NodeCount;

/// Writing failed (only on a bug in the writer).
#[derive(Debug, thiserror::Error)]
#[error("writing the export failed: {0}")]
pub struct ExportError(String);

fn e(err: XlsxError) -> ExportError {
    ExportError(err.to_string())
}

/// The 标准明细表 as CSV (UTF-8 with a BOM, so Excel opens it right).
pub fn standards_csv(standards: &[Standard], tree: &SystemTree) -> Vec<u8> {
    gongfu_sheets::write::csv(
        STANDARD_COLUMNS.iter().map(|c| c.header),
        standards.iter().map(|s| {
            let d = s.to_draft(tree);
            STANDARD_COLUMNS
                .iter()
                .map(|c| d.get(c.key).to_string())
                .collect()
        }),
    )
}

/// The 标准明细表 as xlsx.
pub fn standards_xlsx(standards: &[Standard], tree: &SystemTree) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    let (head, wrap) = (
        gongfu_sheets::write::header(),
        gongfu_sheets::write::wrapped(),
    );
    let ws = wb.add_worksheet().set_name("标准明细表").map_err(e)?;
    for (c, col) in STANDARD_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, col.header, &head)
            .map_err(e)?;
        let width = match col.key {
            "title" | "title_en" | "references" | "notes" => 36.0,
            "number" | "supersedes" | "superseded_by" | "issued_by" | "node" | "items" => 20.0,
            _ => 12.0,
        };
        ws.set_column_width(c as u16, width).map_err(e)?;
    }
    ws.set_freeze_panes(1, 1).map_err(e)?;
    for (r, s) in standards.iter().enumerate() {
        let d = s.to_draft(tree);
        for (c, col) in STANDARD_COLUMNS.iter().enumerate() {
            ws.write_string_with_format(r as u32 + 1, c as u16, d.get(col.key), &wrap)
                .map_err(e)?;
        }
    }
    wb.save_to_buffer().map_err(e)
}

/// The node code of standards placed in no node of the tree (see [`crate::node_counts`]).
const UNPLACED: &str = "未归入";

/// The 标准体系表: one row per node, indented by depth, with its counts (descendants
/// included), and under each node the standards placed in it, one row each (number, title,
/// level, status, cited or self-built), so the table names what the counts count.
/// Standards in no node of the tree are listed under 未归入.
pub fn tree_xlsx(counts: &[NodeCount], standards: &[Standard]) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    let head = gongfu_sheets::write::header().set_text_wrap();
    let ws = wb.add_worksheet().set_name("标准体系表").map_err(e)?;
    let mut headers = vec![
        "节点编号",
        "节点名称",
        "标准编号",
        "标准名称",
        "标准层级",
        "状态",
        "引用或自建",
        "标准总数",
        "现行有效",
        "引用标准",
        "自建标准",
    ];
    headers.extend(StandardLevel::ALL.iter().map(|l| l.label()));
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)
            .map_err(e)?;
    }
    ws.set_column_width(1, 30.0).map_err(e)?;
    ws.set_column_width(2, 20.0).map_err(e)?;
    ws.set_column_width(3, 40.0).map_err(e)?;
    ws.set_freeze_panes(1, 2).map_err(e)?;
    let placed = |code: &str| -> Vec<&Standard> {
        let known = |c: &str| counts.iter().any(|n| n.code == c && c != UNPLACED);
        standards
            .iter()
            .filter(|s| match s.node.as_deref() {
                Some(n) if known(n) => n == code,
                _ => code == UNPLACED,
            })
            .collect()
    };
    let mut r = 0u32;
    for n in counts {
        r += 1;
        let indent = Format::new().set_indent(n.depth as u8);
        ws.write_string(r, 0, &n.code).map_err(e)?;
        ws.write_string_with_format(r, 1, &n.name, &indent)
            .map_err(e)?;
        let mut values = vec![n.total, n.in_force, n.cited, n.self_built];
        values.extend(
            StandardLevel::ALL
                .iter()
                .map(|l| n.by_level.get(l.as_str()).copied().unwrap_or(0)),
        );
        for (c, v) in values.into_iter().enumerate() {
            ws.write_number(r, c as u16 + 7, v as f64).map_err(e)?;
        }
        for s in placed(&n.code) {
            r += 1;
            let cells = [
                s.number.to_string(),
                s.title.clone(),
                s.level().label().to_string(),
                s.stage.label().to_string(),
                s.origin.label().to_string(),
            ];
            for (c, v) in cells.iter().enumerate() {
                ws.write_string(r, c as u16 + 2, v).map_err(e)?;
            }
        }
    }
    wb.save_to_buffer().map_err(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongfu_domain::standard::{NumberRules, StandardDraft, SystemNode};

    #[test]
    fn the_system_table_lists_the_standards_under_each_node() {
        let node = |code: &str, name: &str, parent: Option<&str>| SystemNode {
            code: code.into(),
            name: name.into(),
            parent: parent.map(str::to_string),
            description: String::new(),
        };
        let tree = SystemTree::parse(vec![
            node("1", "通用基础标准子体系", None),
            node("1.1", "标准化导则", Some("1")),
            node("2", "服务提供标准子体系", None),
        ])
        .unwrap();
        let std = |number: &str, title: &str, node: &str| {
            let d = StandardDraft {
                number: number.into(),
                title: title.into(),
                node: node.into(),
                ..Default::default()
            };
            Standard::parse(&d, &NumberRules::default(), &tree).unwrap()
        };
        let standards = vec![
            std("GB/T 1.1-2020", "标准化工作导则", "1.1"),
            std("GB/T 13016-2018", "标准体系构建原则和要求", "1"),
            std("DB4403/T 9-2020", "社区服务规范", ""),
        ];
        let today = time::macros::date!(2026 - 11 - 24);
        let counts = crate::node_counts(&tree, &standards, today);
        let bytes = tree_xlsx(&counts, &standards).unwrap();
        let t = gongfu_sheets::read_sheet(
            "tree.xlsx",
            &bytes,
            |h| h.iter().any(|c| c == "节点编号"),
            "节点编号",
        )
        .unwrap();
        let rows: Vec<(String, String, String)> = t
            .rows
            .iter()
            .map(|(_, c)| (c[0].clone(), c[2].clone(), c[3].clone()))
            .collect();
        let row = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(
            rows,
            [
                row("1", "", ""),
                row("", "GB/T 13016-2018", "标准体系构建原则和要求"),
                row("1.1", "", ""),
                row("", "GB/T 1.1-2020", "标准化工作导则"),
                row("2", "", ""),
                row("未归入", "", ""),
                row("", "DB4403/T 9-2020", "社区服务规范"),
            ]
        );
        // The counts still count descendants.
        let total = t.headers.iter().position(|h| h == "标准总数").unwrap();
        assert_eq!(t.rows[0].1[total], "2");
    }
}
