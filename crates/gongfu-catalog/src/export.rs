//! Export: a version out as CSV, xlsx or JSON. Every format carries every field in its
//! canonical spelling, so importing an export reproduces the version exactly.

use crate::view::ItemView;
use crate::Snapshot;
use gongfu_domain::catalog::ITEM_COLUMNS;

/// Formats a list can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// CSV with a UTF-8 BOM, so Excel on Chinese Windows opens it right.
    Csv,
    /// Excel workbook: sheet 服务清单, plus 领域大类 with the taxonomy.
    Xlsx,
    /// gongfu's JSON list: version, taxonomy and items as the API writes them.
    Json,
    /// Open Referral HSDS 3.0 JSON with the gongfu profile.
    Hsds,
    /// Open Referral HSDS 3.0 CSV files and datapackage.json, zipped.
    HsdsCsv,
}

impl ExportFormat {
    /// Parses a format name.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "xlsx" | "excel" => Some(Self::Xlsx),
            "json" => Some(Self::Json),
            "hsds" | "hsds-json" => Some(Self::Hsds),
            "hsds-csv" => Some(Self::HsdsCsv),
            _ => None,
        }
    }

    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
            Self::Json => "json",
            Self::Hsds => "hsds.json",
            Self::HsdsCsv => "hsds.zip",
        }
    }

    /// MIME type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Json | Self::Hsds => "application/json",
            Self::HsdsCsv => "application/zip",
        }
    }
}

/// Why an export failed (only the xlsx writer can).
#[derive(Debug, thiserror::Error)]
#[error("writing the export failed: {0}")]
pub struct ExportError(String);

/// Writes the snapshot in the format.
pub fn export(s: &Snapshot, format: ExportFormat) -> Result<Vec<u8>, ExportError> {
    match format {
        ExportFormat::Csv => Ok(to_csv(s)),
        ExportFormat::Xlsx => to_xlsx(s),
        ExportFormat::Json => Ok(to_json(s)),
        ExportFormat::Hsds => Ok(crate::hsds::to_json(s)),
        ExportFormat::HsdsCsv => crate::hsds::to_csv_zip(s).map_err(ExportError),
    }
}

fn to_csv(s: &Snapshot) -> Vec<u8> {
    gongfu_sheets::write::csv(
        ITEM_COLUMNS.iter().map(|c| c.header),
        s.items.iter().map(|it| {
            let d = it.to_draft(&s.taxonomy);
            ITEM_COLUMNS
                .iter()
                .map(|c| d.get(c.key).to_string())
                .collect()
        }),
    )
}

fn to_json(s: &Snapshot) -> Vec<u8> {
    let v = serde_json::json!({
        "format": "gongfu.service-list",
        "format_version": 1,
        "version": s.version,
        "taxonomy": s.taxonomy,
        "items": s.items.iter().map(|i| ItemView::new(i, &s.taxonomy)).collect::<Vec<_>>(),
    });
    serde_json::to_vec_pretty(&v).unwrap_or_default()
}

fn to_xlsx(s: &Snapshot) -> Result<Vec<u8>, ExportError> {
    use rust_xlsxwriter::Workbook;
    let e = |e: rust_xlsxwriter::XlsxError| ExportError(e.to_string());
    let mut wb = Workbook::new();
    let (head, wrap) = (
        gongfu_sheets::write::header(),
        gongfu_sheets::write::wrapped(),
    );
    let ws = wb.add_worksheet().set_name("服务清单").map_err(e)?;
    for (c, col) in ITEM_COLUMNS.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, col.header, &head)
            .map_err(e)?;
        let width = match col.key {
            "target_population" | "content" | "standard" | "policy_basis" | "process" => 40.0,
            "name" | "lead_departments" | "expenditure_responsibility" | "provenance" => 22.0,
            _ => 10.0,
        };
        ws.set_column_width(c, width).map_err(e)?;
    }
    ws.set_freeze_panes(1, 0).map_err(e)?;
    for (r, it) in s.items.iter().enumerate() {
        let d = it.to_draft(&s.taxonomy);
        for (c, col) in ITEM_COLUMNS.iter().enumerate() {
            ws.write_string_with_format(r as u32 + 1, c as u16, d.get(col.key), &wrap)
                .map_err(e)?;
        }
    }
    let ws = wb
        .add_worksheet()
        .set_name(crate::import::TAXONOMY_SHEET)
        .map_err(e)?;
    for (c, h) in ["领域编号", "领域", "大类编号", "大类"].iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)
            .map_err(e)?;
    }
    ws.set_column_width(1, 16.0).map_err(e)?;
    ws.set_column_width(3, 24.0).map_err(e)?;
    for (r, cat) in s.taxonomy.categories.iter().enumerate() {
        let r = r as u32 + 1;
        let area = s
            .taxonomy
            .area(cat.area_no)
            .map(|a| a.name.as_str())
            .unwrap_or("");
        ws.write_number(r, 0, f64::from(cat.area_no)).map_err(e)?;
        ws.write_string(r, 1, area).map_err(e)?;
        ws.write_number(r, 2, f64::from(cat.no)).map_err(e)?;
        ws.write_string(r, 3, &cat.name).map_err(e)?;
    }
    wb.save_to_buffer().map_err(e)
}
