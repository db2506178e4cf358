//! Reading a sheet of cells from CSV or xlsx, with the position of every cell kept so that
//! errors can name the file, sheet, row and column.

use crate::book::{Book, SheetRead};
use crate::unzip::Failed;
use crate::{ImportError, ImportFailure, Limits};

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
                    "{}（{}）",
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
        // A zip (xlsx, ods) or an OLE compound file (a legacy .xls, refused when read).
        _ => bytes.starts_with(b"PK") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]),
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

/// How many rows with content are looked at for the header: titles above it (spreadsheets
/// exported from Word often have them) are skipped, up to this many rows in all.
pub const HEADER_SCAN_ROWS: usize = 20;

/// Whether a row has a cell with more than blanks in it.
fn has_content(cells: &[String]) -> bool {
    cells.iter().any(|c| !c.trim().is_empty())
}

fn finish(
    file: &str,
    sheet: Option<String>,
    read: SheetRead,
    is_header: impl Fn(&[String]) -> bool,
    limits: &Limits,
) -> Result<Table, Failed> {
    let SheetRead { rows, total } = read;
    let mut it = rows.into_iter().enumerate();
    for (i, (row_no, cells)) in it.by_ref().take(HEADER_SCAN_ROWS) {
        let cleaned: Vec<String> = cells
            .iter()
            .map(|c| gongfu_domain::text::clean(&gongfu_domain::text::fold_width(c)))
            .collect();
        if is_header(&cleaned) {
            // Counted on every row with content below the header, kept or not.
            let found = total - i - 1;
            if found > limits.max_rows {
                let max = limits.max_rows;
                let place = match &sheet {
                    Some(s) => format!("「{file}」工作表「{s}」"),
                    None => format!("「{file}」"),
                };
                return Err(Failed::Limit(ImportError {
                    file: file.to_string(),
                    sheet,
                    row: None,
                    column: None,
                    message: format!(
                        "{place}有 {found} 行数据，超过了一次导入 {max} 行的上限，没有导入；请把它拆成几个文件（每个不超过 {max} 行数据，各自带上表头）分别导入"
                    ),
                }));
            }
            let width = cleaned.len();
            let data = it
                .map(|(_, row)| row)
                .filter(|(_, cells)| has_content(cells))
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
    }
    Err(Failed::File(ImportError {
        file: file.to_string(),
        sheet,
        row: None,
        column: None,
        message: gongfu_domain::msg!("import-no-header"),
    }))
}

/// Reads CSV. `is_header` picks the header row among the first rows (titles above it are
/// skipped, as spreadsheets exported from Word often have them). Refused beyond
/// [`limits()`](crate::limits()): more data rows than `max_rows`, a record with more fields
/// than `max_columns`.
pub fn read_csv(
    file: &str,
    bytes: &[u8],
    is_header: impl Fn(&[String]) -> bool,
) -> Result<Table, ImportError> {
    read_csv_within(file, bytes, is_header, &crate::limits()).map_err(ImportError::from)
}

pub(crate) fn read_csv_within(
    file: &str,
    bytes: &[u8],
    is_header: impl Fn(&[String]) -> bool,
    limits: &Limits,
) -> Result<Table, Failed> {
    let text = decode(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut total = 0;
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| {
            Failed::File(ImportError {
                file: file.to_string(),
                sheet: None,
                row: e.position().map(|p| p.line() as usize).or(Some(i + 1)),
                column: None,
                message: gongfu_domain::msg!("import-bad-csv", reason = e),
            })
        })?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(i + 1);
        let max = limits.max_columns;
        if rec.len() > max {
            return Err(Failed::Limit(ImportError {
                file: file.to_string(),
                sheet: None,
                row: Some(line),
                column: Some(column_letter(max)),
                message: format!(
                    "「{file}」第 {line} 行有 {} 个字段，超出了 {max} 列的上限（最后一列为 {} 列）；请删去多余的列（包括行尾多余的逗号），另存后再导入",
                    rec.len(),
                    column_letter(max.saturating_sub(1)),
                ),
            }));
        }
        let cells: Vec<String> = rec
            .iter()
            .map(|c| crate::write::unguard(c).to_string())
            .collect();
        // Rows without content are never data, and past the rows a table can use only
        // their count matters.
        if has_content(&cells) {
            total += 1;
            if rows.len() < limits.kept_rows() {
                rows.push((line, cells));
            }
        }
    }
    finish(file, None, SheetRead { rows, total }, is_header, limits)
}

pub(crate) fn cell_text(d: &calamine::Data) -> String {
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

fn no_sheets(file: &str) -> Failed {
    Failed::File(ImportError {
        file: file.into(),
        sheet: None,
        row: None,
        column: None,
        message: gongfu_domain::msg!("import-no-sheets"),
    })
}

/// Reads one sheet of an xlsx/xls/ods workbook: the one named `prefer` if present, else
/// the first. Only that sheet is read. Refused beyond [`limits()`](crate::limits()).
pub fn read_xlsx(
    file: &str,
    bytes: &[u8],
    prefer: &[&str],
    is_header: impl Fn(&[String]) -> bool,
) -> Result<Table, ImportError> {
    read_xlsx_within(file, bytes, prefer, is_header, &crate::limits()).map_err(ImportError::from)
}

pub(crate) fn read_xlsx_within(
    file: &str,
    bytes: &[u8],
    prefer: &[&str],
    is_header: impl Fn(&[String]) -> bool,
    limits: &Limits,
) -> Result<Table, Failed> {
    let mut book = Book::open(file, bytes, limits)?;
    let names = book.sheet_names();
    let pick = names
        .iter()
        .position(|name| prefer.contains(&name.as_str()))
        .unwrap_or(0);
    let Some(name) = names.into_iter().nth(pick) else {
        return Err(no_sheets(file));
    };
    let read = book.sheet(&name, limits)?;
    finish(file, Some(name), read, is_header, limits)
}

/// Reads every sheet of a workbook as (name, rows with 1-based row numbers). Only rows
/// with content are returned, each as wide as its last value. Refused beyond
/// [`limits()`](crate::limits()): a sheet with more rows with content than `max_rows`
/// data rows and [`HEADER_SCAN_ROWS`] above them, a value past `max_columns`, a zip that
/// inflates past `max_unzipped_bytes`.
pub fn read_workbook(file: &str, bytes: &[u8]) -> Result<Vec<(String, SheetRows)>, ImportError> {
    read_workbook_within(file, bytes, &crate::limits()).map_err(ImportError::from)
}

pub(crate) fn read_workbook_within(
    file: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<(String, SheetRows)>, Failed> {
    let mut book = Book::open(file, bytes, limits)?;
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let read = book.sheet(&name, limits)?;
        if read.total > limits.kept_rows() {
            let max = limits.max_rows;
            return Err(Failed::Limit(ImportError {
                file: file.to_string(),
                sheet: Some(name.clone()),
                row: None,
                column: None,
                message: format!(
                    "「{file}」工作表「{name}」有 {} 行有内容，超过了一次导入的上限（{max} 行数据，加表头及表头以上最多 {HEADER_SCAN_ROWS} 行），没有导入；请把它拆成几个文件（每个不超过 {max} 行数据，各自带上表头）分别导入",
                    read.total
                ),
            }));
        }
        out.push((name, read.rows));
    }
    Ok(out)
}

/// Reads the first sheet of a workbook, or a CSV, whose header row `is_header` accepts;
/// the error says which columns (`needs`) the file must have. Refused beyond
/// [`limits()`](crate::limits()).
pub fn read_sheet(
    file: &str,
    bytes: &[u8],
    is_header: impl Fn(&[String]) -> bool,
    needs: &str,
) -> Result<Table, ImportFailure> {
    read_sheet_within(file, bytes, is_header, needs, &crate::limits())
}

pub(crate) fn read_sheet_within(
    file: &str,
    bytes: &[u8],
    is_header: impl Fn(&[String]) -> bool,
    needs: &str,
    limits: &Limits,
) -> Result<Table, ImportFailure> {
    let t = if is_workbook(file, bytes) {
        read_xlsx_within(file, bytes, &[], is_header, limits)
    } else {
        read_csv_within(file, bytes, is_header, limits)
    };
    // The columns a file needs help one that is not the file expected, not one too large.
    t.map_err(|f| {
        ImportFailure::one(f.with_hint(Some(&gongfu_domain::msg!(
            "import-needs-columns",
            needs = needs
        ))))
    })
}

/// Reads the first sheet (xlsx) or the CSV whose header row has every `required` column;
/// the error says which columns the file needs. Refused beyond [`limits()`](crate::limits()).
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
    fn more_than_twenty_thousand_rows_are_refused_by_default() {
        let mut csv = String::from("名称,地址\n");
        for i in 0..20_001 {
            csv.push_str(&format!("点{i},路{i}号\n"));
        }
        let e = read_table("points.csv", csv.as_bytes(), &["名称"]).unwrap_err();
        let e = &e.errors[0];
        assert_eq!(e.file, "points.csv");
        assert!(
            e.message.contains("「points.csv」有 20001 行数据")
                && e.message.contains("20000 行的上限")
                && e.message.contains("拆成"),
            "{e}"
        );
        // One row fewer is imported whole.
        let cut = csv.rfind("点20000,").unwrap();
        let t = read_table("points.csv", &csv.as_bytes()[..cut], &["名称"]).unwrap();
        assert_eq!(t.rows.len(), 20_000);
    }

    #[test]
    fn a_csv_record_wider_than_the_cap_is_refused() {
        let limits = Limits {
            max_columns: 3,
            ..Limits::DEFAULT
        };
        let e = match read_csv_within(
            "wide.csv",
            "名称,地址\n甲,乙,,\n".as_bytes(),
            |_| true,
            &limits,
        ) {
            Err(Failed::Limit(e)) => e,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!((e.row, e.column.as_deref()), (Some(2), Some("D")));
        assert!(
            e.message.contains("4 个字段") && e.message.contains("3 列的上限"),
            "{e}"
        );
        assert!(read_csv_within(
            "wide.csv",
            "名称,地址\n甲,乙,\n".as_bytes(),
            |_| true,
            &limits
        )
        .is_ok());
    }

    #[test]
    fn missing_header_is_an_error() {
        let e = read_csv("a.csv", b"x,y\n1,2\n", |_| false).unwrap_err();
        assert!(e.message.contains("没有找到表头行"));
    }
}
