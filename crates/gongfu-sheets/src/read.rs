//! Reading a sheet of cells from CSV or xlsx, with the position of every cell kept so that
//! errors can name the file, sheet, row and column.

use crate::{ImportError, ImportFailure};

/// A sheet: its header and its data rows, each with its 1-based row number in the file.
#[derive(Debug, Clone)]
pub struct Table {
    /// File name, for messages.
    pub file: String,
    /// Sheet name (xlsx only).
    pub sheet: Option<String>,
    /// Header cells, cleaned.
    pub headers: Vec<String>,
    /// Row number of the header.
    pub header_row: usize,
    /// Data rows: (row number, cells). Entirely empty rows are skipped.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// The rows of one sheet, each with its 1-based row number.
pub type SheetRows = Vec<(usize, Vec<String>)>;

/// Spreadsheet column letters for a 0-based index: 0 -> A, 25 -> Z, 26 -> AA.
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

impl Table {
    /// An error at a row and column of this table.
    pub fn error_at(
        &self,
        row: Option<usize>,
        col: Option<usize>,
        message: impl Into<String>,
    ) -> ImportError {
        ImportError {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row,
            column: col.map(|c| {
                format!(
                    "{} ({})",
                    column_letter(c),
                    self.headers.get(c).map(String::as_str).unwrap_or("")
                )
            }),
            message: message.into(),
        }
    }

    /// Index of the first header accepted by `pred`.
    pub fn find(&self, pred: impl Fn(&str) -> bool) -> Option<usize> {
        self.headers.iter().position(|h| pred(h))
    }
}

/// Whether a file is a workbook (xlsx, xlsm, xls, ods): by the extension of its name, else,
/// for a name that says nothing, by the zip signature its first bytes carry.
pub fn is_workbook(file: &str, bytes: &[u8]) -> bool {
    let lower = file.to_ascii_lowercase();
    match lower.rsplit_once('.').map_or("", |(_, ext)| ext) {
        "xlsx" | "xlsm" | "xls" | "ods" => true,
        "csv" | "json" | "geojson" | "txt" | "text" | "md" | "zip" => false,
        _ => bytes.starts_with(b"PK"),
    }
}

/// Decodes CSV bytes: UTF-8 (with or without BOM), else GB18030 (a superset of the GBK
/// that Excel writes on Chinese Windows).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn finish(
    file: &str,
    sheet: Option<String>,
    rows: Vec<(usize, Vec<String>)>,
    is_header: impl Fn(&[String]) -> bool,
) -> Result<Table, ImportError> {
    let mut it = rows.into_iter();
    let mut scanned = 0;
    for (row_no, cells) in it.by_ref() {
        scanned += 1;
        let cleaned: Vec<String> = cells
            .iter()
            .map(|c| gongfu_domain::text::clean(&gongfu_domain::text::fold_width(c)))
            .collect();
        if is_header(&cleaned) {
            let width = cleaned.len();
            let data = it
                .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
                .map(|(n, mut cells)| {
                    cells.resize(width.max(cells.len()), String::new());
                    (n, cells)
                })
                .collect();
            return Ok(Table {
                file: file.to_string(),
                sheet,
                headers: cleaned,
                header_row: row_no,
                rows: data,
            });
        }
        if scanned >= 20 {
            break;
        }
    }
    Err(ImportError {
        file: file.to_string(),
        sheet,
        row: None,
        column: None,
        message: "no header row found in the first 20 rows; the file needs a row of column names such as 领域, 大类, 服务项目, 服务对象".into(),
    })
}

/// Reads CSV. `is_header` picks the header row among the first rows (titles above it are
/// skipped, as spreadsheets exported from Word often have them).
pub fn read_csv(
    file: &str,
    bytes: &[u8],
    is_header: impl Fn(&[String]) -> bool,
) -> Result<Table, ImportError> {
    let text = decode(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| ImportError {
            file: file.to_string(),
            sheet: None,
            row: e.position().map(|p| p.line() as usize).or(Some(i + 1)),
            column: None,
            message: format!("not valid CSV: {e}; check the quoting of this row"),
        })?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(i + 1);
        let cells = rec.iter().map(|c| crate::write::unguard(c).to_string());
        rows.push((line, cells.collect()));
    }
    finish(file, None, rows, is_header)
}

fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) => dt.to_string(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Reads one sheet of an xlsx/xls/ods workbook: the one named `prefer` if present, else
/// the first.
pub fn read_xlsx(
    file: &str,
    bytes: &[u8],
    prefer: &[&str],
    is_header: impl Fn(&[String]) -> bool,
) -> Result<Table, ImportError> {
    let sheets = read_workbook(file, bytes)?;
    let pick = sheets
        .iter()
        .position(|(name, _)| prefer.contains(&name.as_str()))
        .unwrap_or(0);
    let Some((name, rows)) = sheets.into_iter().nth(pick) else {
        return Err(ImportError {
            file: file.into(),
            sheet: None,
            row: None,
            column: None,
            message: "the workbook has no sheets".into(),
        });
    };
    finish(file, Some(name), rows, is_header)
}

/// Reads every sheet of a workbook as (name, rows with 1-based row numbers).
pub fn read_workbook(file: &str, bytes: &[u8]) -> Result<Vec<(String, SheetRows)>, ImportError> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec()))
        .map_err(|e| ImportError {
            file: file.to_string(),
            sheet: None,
            row: None,
            column: None,
            message: format!(
                "cannot read the workbook: {e}; save it as .xlsx from Excel or WPS and try again"
            ),
        })?;
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).map_err(|e| ImportError {
            file: file.to_string(),
            sheet: Some(name.clone()),
            row: None,
            column: None,
            message: format!("cannot read the sheet: {e}"),
        })?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let rows = range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let mut v: Vec<String> = vec![String::new(); c0 as usize];
                v.extend(cells.iter().map(cell_text));
                (r0 as usize + i + 1, v)
            })
            .collect();
        out.push((name, rows));
    }
    Ok(out)
}

/// Reads the first sheet of a workbook, or a CSV, whose header row `is_header` accepts;
/// the error says which columns (`needs`) the file must have.
pub fn read_sheet(
    file: &str,
    bytes: &[u8],
    is_header: impl Fn(&[String]) -> bool,
    needs: &str,
) -> Result<Table, ImportFailure> {
    let t = if is_workbook(file, bytes) {
        read_xlsx(file, bytes, &[], is_header)
    } else {
        read_csv(file, bytes, is_header)
    };
    t.map_err(|mut e| {
        e.message = format!("{}; this file needs the columns {needs}", e.message);
        ImportFailure::one(e)
    })
}

/// Reads the first sheet (xlsx) or the CSV whose header row has every `required` column;
/// the error says which columns the file needs.
pub fn read_table(
    file: &str,
    bytes: &[u8],
    required: &'static [&'static str],
) -> Result<Table, ImportFailure> {
    let is_header = |h: &[String]| required.iter().all(|r| h.iter().any(|c| c == r));
    read_sheet(file, bytes, is_header, &required.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn csv_skips_titles_and_decodes_gbk() {
        let (gbk, _, _) = encoding_rs::GBK.encode("标题\n领域,大类\n幼有所育,优孕优生服务\n,\n");
        let t = read_csv("a.csv", &gbk, |h| h.contains(&"领域".to_string())).unwrap();
        assert_eq!(t.header_row, 2);
        assert_eq!(
            t.rows,
            vec![(3, vec!["幼有所育".to_string(), "优孕优生服务".to_string()])]
        );
    }

    #[test]
    fn missing_header_is_an_error() {
        let e = read_csv("a.csv", b"x,y\n1,2\n", |_| false).unwrap_err();
        assert!(e.message.contains("no header row"));
    }
}
