//! Writing the two customary tables of a standard system (GB/T 13016 practice): the
//! 标准明细表 (one row per standard, the import layout, so an export imports back as it
//! was) and the 标准体系表 (the tree with its counts).

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

/// The 标准体系表: one row per node, indented by depth, with its counts (descendants
/// included).
pub fn tree_xlsx(counts: &[NodeCount]) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    let head = gongfu_sheets::write::header().set_text_wrap();
    let ws = wb.add_worksheet().set_name("标准体系表").map_err(e)?;
    let mut headers = vec![
        "节点编号",
        "节点名称",
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
    ws.set_freeze_panes(1, 2).map_err(e)?;
    for (r, n) in counts.iter().enumerate() {
        let r = r as u32 + 1;
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
            ws.write_number(r, c as u16 + 2, v as f64).map_err(e)?;
        }
    }
    wb.save_to_buffer().map_err(e)
}
