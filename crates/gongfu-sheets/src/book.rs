//! Opening a workbook and reading its sheets within [`Limits`].
//!
//! calamine builds a sheet as one dense grid spanning its first and last cell, sized before
//! a single value is read: a 1.7 KB xlsx with values at A1 and XFD1048576 asked for 17
//! billion cells (512 GiB) and aborted the process. So xlsx and xlsb sheets are read here as
//! a stream of cells (calamine's cell readers), and kept sparse: a value beyond the last
//! allowed column is refused where it stands, rows past what the row limit can use are
//! counted, not kept, and the `<dimension>` a sheet declares is never trusted. An ods
//! workbook is expanded whole by calamine when it is opened (repeated rows and columns
//! included), so its `content.xml` is measured first ([`check_ods`]). Every zip-based
//! workbook is inflated once through [`Unzip`] before calamine sees it, so calamine never
//! inflates more than the cap either.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader};
use quick_xml::events::{BytesStart, Event};

use crate::limits::size_text;
use crate::read::{cell_text, column_letter, SheetRows, HEADER_SCAN_ROWS};
use crate::unzip::{Failed, Unzip};
use crate::{ImportError, Limits};

type Bytes<'a> = Cursor<&'a [u8]>;

enum Kind<'a> {
    Xlsx(calamine::Xlsx<Bytes<'a>>),
    Xlsb(calamine::Xlsb<Bytes<'a>>),
    Ods(calamine::Ods<Bytes<'a>>),
}

/// An open workbook.
pub(crate) struct Book<'a> {
    file: String,
    kind: Kind<'a>,
}

/// The rows with content of one sheet, as far as the limits keep them.
pub(crate) struct SheetRead {
    /// Rows with at least one non-blank cell, in order, at most [`Limits::kept_rows`].
    pub rows: SheetRows,
    /// How many rows with content the sheet has, kept or not.
    pub total: usize,
}

fn unreadable(file: &str, e: impl std::fmt::Display) -> Failed {
    Failed::File(ImportError {
        file: file.to_string(),
        sheet: None,
        row: None,
        column: None,
        message: gongfu_domain::msg!("import-bad-workbook", reason = e),
    })
}

impl<'a> Book<'a> {
    /// Opens an xlsx, xlsm, xlsb or ods workbook, by its content; refuses .xls.
    pub(crate) fn open(file: &str, bytes: &'a [u8], limits: &Limits) -> Result<Self, Failed> {
        let kind = if bytes.starts_with(b"PK") {
            let mut zip =
                Unzip::open_inner(file, bytes, limits).map_err(|e| unreadable(file, e))?;
            zip.check_all()?;
            if zip.contains("mimetype") && zip.contains("content.xml") {
                if let Some(content) = zip.stream("content.xml") {
                    check_ods(file, std::io::BufReader::new(content), limits)?;
                }
                Kind::Ods(calamine::Ods::new(Cursor::new(bytes)).map_err(|e| unreadable(file, e))?)
            } else {
                match calamine::Xlsx::new(Cursor::new(bytes)) {
                    Ok(wb) => Kind::Xlsx(wb),
                    Err(e) => match calamine::Xlsb::new(Cursor::new(bytes)) {
                        Ok(wb) => Kind::Xlsb(wb),
                        Err(_) => return Err(unreadable(file, e)),
                    },
                }
            }
        } else {
            // Not a zip: an xlsx that Excel encrypted with a password (an OLE file, which
            // only the xlsx reader names as such), or a legacy .xls. The .xls reader builds
            // every sheet whole as the file opens, sized by the cells' positions, before
            // anything here could bound it (up to 65,536 × 256 cells, half a gigabyte, from a
            // file of a few kilobytes), so .xls is refused with the way to convert it.
            if let Err(calamine::XlsxError::Password) = calamine::Xlsx::new(Cursor::new(bytes)) {
                return Err(unreadable(file, calamine::XlsxError::Password));
            }
            return Err(Failed::File(ImportError {
                file: file.to_string(),
                sheet: None,
                row: None,
                column: None,
                message: if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
                    "这是旧版 Excel 97-2003 工作簿（.xls），不能直接导入；请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后再导入".into()
                } else {
                    "不是可读取的工作簿（.xlsx、.xlsm、.xlsb 或 .ods），也不是 CSV 文本；请检查文件，或在 Excel 或 WPS 中另存为 .xlsx 后再导入".into()
                },
            }));
        };
        Ok(Self {
            file: file.to_string(),
            kind,
        })
    }

    /// The sheet names, in workbook order.
    pub(crate) fn sheet_names(&self) -> Vec<String> {
        match &self.kind {
            Kind::Xlsx(wb) => wb.sheet_names(),
            Kind::Xlsb(wb) => wb.sheet_names(),
            Kind::Ods(wb) => wb.sheet_names(),
        }
    }

    /// Reads the rows with content of sheet `name`.
    pub(crate) fn sheet(&mut self, name: &str, limits: &Limits) -> Result<SheetRead, Failed> {
        let mut grid = Grid::new(&self.file, name, limits);
        let file = self.file.clone();
        let bad = |e: &dyn std::fmt::Display| {
            Failed::File(ImportError {
                file: file.clone(),
                sheet: Some(name.to_string()),
                row: None,
                column: None,
                message: gongfu_domain::msg!("import-bad-sheet", reason = e),
            })
        };
        match &mut self.kind {
            Kind::Xlsx(wb) => {
                let mut cells = match wb.worksheet_cells_reader(name) {
                    Ok(cells) => cells,
                    // A chart sheet: no cells, as calamine's own range reader has it.
                    Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(grid.done()),
                    Err(e) => return Err(bad(&e)),
                };
                while let Some(cell) = cells.next_cell().map_err(|e| bad(&e))? {
                    grid.put(cell.get_position(), &Data::from(cell.get_value().clone()))?;
                }
            }
            Kind::Xlsb(wb) => {
                let mut cells = wb.worksheet_cells_reader(name).map_err(|e| bad(&e))?;
                while let Some(cell) = cells.next_cell().map_err(|e| bad(&e))? {
                    grid.put(cell.get_position(), &Data::from(cell.get_value().clone()))?;
                }
            }
            // Built whole by calamine when the workbook is opened, after check_ods has
            // bounded it.
            Kind::Ods(wb) => {
                let range = wb.worksheet_range(name).map_err(|e| bad(&e))?;
                grid.put_range(&range)?;
            }
        }
        Ok(grid.done())
    }
}

/// The cells of one sheet, kept sparse: a row is as wide as its last value.
struct Grid<'l> {
    file: String,
    sheet: String,
    limits: &'l Limits,
    rows: BTreeMap<u32, Vec<String>>,
    /// Rows with content beyond those kept, counted as they go by.
    uncounted_row: Option<u32>,
    dropped: usize,
    text_bytes: u64,
}

impl<'l> Grid<'l> {
    fn new(file: &str, sheet: &str, limits: &'l Limits) -> Self {
        Self {
            file: file.to_string(),
            sheet: sheet.to_string(),
            limits,
            rows: BTreeMap::new(),
            uncounted_row: None,
            dropped: 0,
            text_bytes: 0,
        }
    }

    fn refuse(&self, row: Option<usize>, column: Option<String>, message: String) -> Failed {
        Failed::Limit(ImportError {
            file: self.file.clone(),
            sheet: Some(self.sheet.clone()),
            row,
            column,
            message,
        })
    }

    /// Puts the value at 0-based (row, column).
    fn put(&mut self, (row, col): (u32, u32), value: &Data) -> Result<(), Failed> {
        let text = cell_text(value);
        if text.trim().is_empty() {
            return Ok(());
        }
        let max = self.limits.max_columns;
        if col as usize >= max {
            return Err(self.refuse(
                Some(row as usize + 1),
                Some(column_letter(col as usize)),
                format!(
                    "「{}」工作表「{}」的 {}{} 单元格有内容，超出了 {max} 列的上限（最后一列为 {} 列）；请删去 {} 列以后的内容（包括看不见的空格和公式），另存后再导入",
                    self.file,
                    self.sheet,
                    column_letter(col as usize),
                    row as u64 + 1,
                    column_letter(max.saturating_sub(1)),
                    column_letter(max.saturating_sub(1)),
                ),
            ));
        }
        if !self.rows.contains_key(&row) && self.rows.len() >= self.limits.kept_rows() {
            // Past what any table can use: enough to count the rows and refuse the sheet.
            // Rows come in order in every real workbook; one out of order is counted again,
            // which only makes an already refused count larger.
            if self.uncounted_row != Some(row) {
                self.uncounted_row = Some(row);
                self.dropped += 1;
            }
            return Ok(());
        }
        // Shared strings let a small file repeat one long text in every cell.
        self.text_bytes += text.len() as u64;
        if self.text_bytes > self.limits.max_unzipped_bytes {
            return Err(self.refuse(
                None,
                None,
                format!(
                    "「{}」工作表「{}」的单元格文字合计超过 {} 的上限，没有导入；请删去不需要的内容，或把数据拆成几个较小的文件分别导入",
                    self.file,
                    self.sheet,
                    size_text(self.limits.max_unzipped_bytes)
                ),
            ));
        }
        let cells = self.rows.entry(row).or_default();
        let col = col as usize;
        if cells.len() <= col {
            cells.resize(col + 1, String::new());
        }
        cells[col] = text;
        Ok(())
    }

    /// Puts every cell of a range calamine built.
    fn put_range(&mut self, range: &calamine::Range<Data>) -> Result<(), Failed> {
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, value) in range.used_cells() {
            self.put((r0 + r as u32, c0 + c as u32), value)?;
        }
        Ok(())
    }

    fn done(self) -> SheetRead {
        let total = self.rows.len() + self.dropped;
        let rows = self
            .rows
            .into_iter()
            .map(|(r, cells)| (r as usize + 1, cells))
            .collect();
        SheetRead { rows, total }
    }
}

/// Refuses an ods workbook whose `content.xml` describes sheets calamine would expand past
/// the limits. calamine copies a cell with a value `table:number-columns-repeated` times and
/// a row with content `table:number-rows-repeated` times (the empty rows above it too), so
/// one short element can stand for billions of cells. The count here follows calamine's walk
/// (what is inside a cell is skipped, as calamine skips it) and over-counts where unsure: a
/// cell with any child counts as a value, an empty row counts toward the rows below it, and
/// every sheet is taken as wide as its widest row, so what passes is within the bound.
fn check_ods(file: &str, content: impl std::io::BufRead, limits: &Limits) -> Result<(), Failed> {
    let refuse = |sheet: &str, row: Option<u64>, message: String| {
        Failed::Limit(ImportError {
            file: file.to_string(),
            sheet: Some(sheet.to_string()).filter(|s| !s.is_empty()),
            row: row.map(|r| usize::try_from(r).unwrap_or(usize::MAX)),
            column: None,
            message,
        })
    };
    let is_cell = |name: &[u8]| matches!(name, b"table-cell" | b"covered-table-cell");
    let max_columns = limits.max_columns as u64;
    // Every sheet together: calamine builds all their grids when the workbook is opened.
    let budget = (limits.kept_rows() as u64).saturating_mul(max_columns);
    let mut spent: u64 = 0;

    let mut reader = quick_xml::Reader::from_reader(content);
    let mut buf = Vec::new();
    let mut sheet = String::new();
    // Depth inside a cell's content, which calamine reads past as a whole.
    let mut in_cell = 0usize;
    // Per sheet: rows so far, the end of the last row with content, the widest such row.
    let (mut row_pos, mut content_end, mut width) = (0u64, 0u64, 0u64);
    // Per row: its repeat, columns so far, the end of its last cell with a value.
    let (mut row_repeat, mut col_pos, mut row_end) = (1u64, 0u64, 0u64);
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            Failed::File(ImportError {
                file: file.to_string(),
                sheet: None,
                row: None,
                column: None,
                message: gongfu_domain::msg!("import-bad-ods", reason = e),
            })
        })?;
        match &event {
            Event::Start(e) if in_cell > 0 => {
                in_cell += usize::from(is_cell(e.local_name().as_ref()))
            }
            Event::End(e) if in_cell > 0 => {
                in_cell -= usize::from(is_cell(e.local_name().as_ref()))
            }
            Event::Start(e) | Event::Empty(e) => {
                let has_children = matches!(event, Event::Start(_));
                match e.local_name().as_ref() {
                    b"table" => {
                        sheet = attr(e, b"name").unwrap_or_default();
                        (row_pos, content_end, width) = (0, 0, 0);
                    }
                    b"table-row" => {
                        row_repeat = attr(e, b"number-rows-repeated")
                            .and_then(|n| n.parse().ok())
                            .unwrap_or(1);
                        (col_pos, row_end) = (0, 0);
                        if !has_children {
                            row_pos = row_pos.saturating_add(row_repeat);
                        }
                    }
                    name if is_cell(name) => {
                        let repeat: u64 = attr(e, b"number-columns-repeated")
                            .and_then(|n| n.parse().ok())
                            .unwrap_or(1);
                        let valued = has_children
                            || attr(e, b"value-type").is_some()
                            || attr(e, b"formula").is_some();
                        col_pos = col_pos.saturating_add(repeat);
                        if valued && col_pos > max_columns {
                            return Err(refuse(&sheet, Some(row_pos + 1), format!(
                                "「{file}」工作表「{sheet}」第 {} 行有内容的单元格（连同重复的列）延伸到第 {col_pos} 列，超出了 {max_columns} 列的上限；请删去 {} 列以后的内容，另存后再导入",
                                row_pos + 1,
                                column_letter(limits.max_columns.saturating_sub(1)),
                            )));
                        }
                        if valued {
                            row_end = col_pos;
                        }
                        if has_children {
                            in_cell = 1;
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"table-row" => {
                row_pos = row_pos.saturating_add(row_repeat);
                if row_end > 0 {
                    content_end = row_pos;
                    width = width.max(row_end);
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"table" => {
                spent = spent.saturating_add(content_end.saturating_mul(width));
                if spent > budget {
                    return Err(refuse(&sheet, None, format!(
                        "「{file}」工作表「{sheet}」展开重复的行和列后有 {content_end} 行 × {width} 列，连同前面的工作表超过了 {budget} 个单元格的上限（{} 行数据加表头及以上 {HEADER_SCAN_ROWS} 行，乘 {max_columns} 列）；请删去表格末尾多余的行和列，或把数据拆成几个较小的文件分别导入",
                        limits.max_rows,
                    )));
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// An attribute's value by local name.
fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use super::*;
    use crate::read::{read_table, read_workbook, read_workbook_within, read_xlsx_within};

    /// A zip of the given entries, deflated, written by hand so that the tests need no
    /// spreadsheet writer and can say exactly what each file holds.
    pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            w.start_file(*name, opts).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_legacy_xls_is_refused_with_the_way_to_convert_it() {
        // An OLE compound file header, as every .xls starts with.
        let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        bytes.resize(4096, 0);
        for name in ["old.xls", "old.bin"] {
            let e = read_table(name, &bytes, &["名称"]).unwrap_err();
            let m = e.to_string();
            assert!(
                m.contains("另存为") && m.contains(".xlsx") && m.contains(name),
                "{m}"
            );
        }
    }

    /// A one-sheet xlsx named "数据" whose worksheet part is `sheet_xml`.
    pub(crate) fn xlsx(sheet_xml: &str) -> Vec<u8> {
        xlsx_with(sheet_xml, &[])
    }

    /// The same, with more parts (a shared string table).
    fn xlsx_with(sheet_xml: &str, more: &[(&str, &[u8])]) -> Vec<u8> {
        let parts: [(&str, &[u8]); 5] = [
            ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#),
            ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>"#.as_bytes()),
            ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
            ("xl/worksheets/sheet1.xml", sheet_xml.as_bytes()),
        ];
        zip_of(&[&parts[..], more].concat())
    }

    /// A worksheet part with these (reference, text) cells, one `<row>` per cell.
    pub(crate) fn sheet_xml(dimension: &str, cells: &[(&str, &str)]) -> String {
        let mut rows = String::new();
        for (at, text) in cells {
            let row: String = at.chars().filter(char::is_ascii_digit).collect();
            rows.push_str(&format!(
                r#"<row r="{row}"><c r="{at}" t="inlineStr"><is><t>{text}</t></is></c></row>"#
            ));
        }
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
        )
    }

    fn small(max_rows: usize, max_columns: usize, max_unzipped_bytes: u64) -> Limits {
        Limits {
            max_rows,
            max_columns,
            max_unzipped_bytes,
        }
    }

    fn limit_error<T: std::fmt::Debug>(r: Result<T, Failed>) -> ImportError {
        match r {
            Err(Failed::Limit(e)) => e,
            other => panic!("expected a refusal for a limit, got {other:?}"),
        }
    }

    #[test]
    fn cells_at_a1_and_xfd1048576_are_refused_not_allocated() {
        // 512 GiB as one calamine range: before this was read cell by cell, the process
        // aborted here.
        let bytes = xlsx(&sheet_xml(
            "A1:XFD1048576",
            &[("A1", "名称"), ("XFD1048576", "x")],
        ));
        assert!(
            bytes.len() < 4096,
            "the hostile file is small: {}",
            bytes.len()
        );
        let e = read_table("big.xlsx", &bytes, &["名称"]).unwrap_err();
        let e = &e.errors[0];
        assert_eq!(e.sheet.as_deref(), Some("数据"));
        assert_eq!(e.row, Some(1_048_576));
        assert_eq!(e.column.as_deref(), Some("XFD"));
        assert!(
            e.message.contains("big.xlsx") && e.message.contains("256 列"),
            "{e}"
        );
        assert!(!e.message.contains("需要以下列"), "{e}");
    }

    #[test]
    fn far_apart_rows_keep_their_row_numbers() {
        // Read sparse, a value a million rows down costs one row, and keeps its number.
        let bytes = xlsx(&sheet_xml("A1", &[("A1", "名称"), ("A1048576", "末行")]));
        let sheets = read_workbook("far.xlsx", &bytes).unwrap();
        assert_eq!(
            sheets[0].1,
            vec![
                (1, vec!["名称".to_string()]),
                (1_048_576, vec!["末行".to_string()])
            ]
        );
    }

    #[test]
    fn a_workbook_that_inflates_past_the_cap_is_refused() {
        // 4 MiB of blanks in the sheet itself deflate to a few KiB.
        let padding = " ".repeat(4 * 1024 * 1024);
        let xml = sheet_xml("A1", &[("A1", "名称")])
            .replace("<sheetData>", &format!("<sheetData>{padding}"));
        let bytes = xlsx(&xml);
        assert!(bytes.len() < 64 * 1024, "{}", bytes.len());
        let e = limit_error(read_workbook_within(
            "bomb.xlsx",
            &bytes,
            &small(10, 10, 1024 * 1024),
        ));
        assert!(
            e.message.contains("1 MiB") && e.message.contains("xl/worksheets/sheet1.xml"),
            "{e}"
        );
        // Within the cap, the same file reads.
        assert!(read_workbook_within("bomb.xlsx", &bytes, &small(10, 10, 8 * 1024 * 1024)).is_ok());
    }

    /// Rewrites the uncompressed size an entry declares (local header and central
    /// directory) to `size`.
    fn understate(bytes: &mut [u8], name: &str, size: u32) {
        let patch = |bytes: &mut [u8], signature: &[u8; 4], name_at: usize, size_at: usize| {
            let mut found = false;
            for i in 0..bytes.len().saturating_sub(name_at + name.len()) {
                if &bytes[i..i + 4] == signature
                    && &bytes[i + name_at..i + name_at + name.len()] == name.as_bytes()
                {
                    bytes[i + size_at..i + size_at + 4].copy_from_slice(&size.to_le_bytes());
                    found = true;
                }
            }
            assert!(found, "no {name} header");
        };
        patch(bytes, b"PK\x03\x04", 30, 22);
        patch(bytes, b"PK\x01\x02", 46, 24);
    }

    #[test]
    fn a_zip_whose_headers_understate_what_it_inflates_to_is_still_refused() {
        let padding = " ".repeat(4 * 1024 * 1024);
        let xml = sheet_xml("A1", &[("A1", "名称")])
            .replace("<sheetData>", &format!("<sheetData>{padding}"));
        let mut bytes = xlsx(&xml);
        understate(&mut bytes, "xl/worksheets/sheet1.xml", 1000);
        let e = limit_error(read_workbook_within(
            "liar.xlsx",
            &bytes,
            &small(10, 10, 1024 * 1024),
        ));
        assert!(e.message.contains("1 MiB"), "{e}");
    }

    #[test]
    fn shared_text_repeated_in_every_cell_is_capped() {
        // One 100 KiB shared string in 40 cells: 4 MiB of cell text from a 1 MiB-capped
        // file that inflates to little more than the one string.
        let long = "长".repeat(100 * 1024 / 3);
        let shared = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="40" uniqueCount="1"><si><t>{long}</t></si></sst>"#
        );
        let rows: String = (1..=40)
            .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#))
            .collect();
        let xml = sheet_xml("A1:A40", &[]).replace("<sheetData>", &format!("<sheetData>{rows}"));
        let bytes = xlsx_with(&xml, &[("xl/sharedStrings.xml", shared.as_bytes())]);
        let limits = small(100, 10, 1024 * 1024);
        let e = limit_error(read_workbook_within("text.xlsx", &bytes, &limits));
        assert!(e.message.contains("文字合计超过 1 MiB"), "{e}");
        // Five cells of it read.
        let rows: String = (1..=5)
            .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#))
            .collect();
        let xml = sheet_xml("A1:A5", &[]).replace("<sheetData>", &format!("<sheetData>{rows}"));
        let bytes = xlsx_with(&xml, &[("xl/sharedStrings.xml", shared.as_bytes())]);
        assert_eq!(
            read_workbook_within("text.xlsx", &bytes, &limits).unwrap()[0]
                .1
                .len(),
            5
        );
    }

    #[test]
    fn rows_past_the_cap_are_counted_and_refused() {
        let cells: Vec<(String, String)> = std::iter::once(("A1".to_string(), "名称".to_string()))
            .chain((2..=31).map(|r| (format!("A{r}"), format!("点{r}"))))
            .collect();
        let cells: Vec<(&str, &str)> = cells
            .iter()
            .map(|(a, t)| (a.as_str(), t.as_str()))
            .collect();
        let bytes = xlsx(&sheet_xml("A1:A31", &cells));
        let limits = small(5, 10, 1024 * 1024);
        let e = limit_error(read_xlsx_within(
            "points.xlsx",
            &bytes,
            &[],
            |h| h.contains(&"名称".to_string()),
            &limits,
        ));
        assert_eq!(e.sheet.as_deref(), Some("数据"));
        assert!(
            e.message
                .contains("「points.xlsx」工作表「数据」有 30 行数据")
                && e.message.contains("5 行的上限")
                && e.message.contains("拆成"),
            "{e}"
        );
        let e = limit_error(read_workbook_within("points.xlsx", &bytes, &limits));
        assert!(e.message.contains("31 行有内容"), "{e}");
        // At the limit, it reads.
        let limits = small(30, 10, 1024 * 1024);
        let t = read_xlsx_within(
            "points.xlsx",
            &bytes,
            &[],
            |h| h.contains(&"名称".to_string()),
            &limits,
        )
        .unwrap();
        assert_eq!(t.rows.len(), 30);
    }

    /// An ods workbook whose content.xml holds `rows` (table:table-row elements) in one
    /// sheet named "表".
    fn ods(rows: &str) -> Vec<u8> {
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="表">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        zip_of(&[
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            ("META-INF/manifest.xml", br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#),
            ("content.xml", content.as_bytes()),
        ])
    }

    const ODS_HEADER: &str = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>名称</text:p></table:table-cell></table:table-row>"#;
    const ODS_ROW: &str = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>点</text:p></table:table-cell></table:table-row>"#;

    #[test]
    fn ods_repeats_are_measured_before_calamine_expands_them() {
        let limits = small(2, 4, 1024 * 1024);
        // A plain sheet reads.
        let bytes = ods(&format!("{ODS_HEADER}{ODS_ROW}"));
        let sheets = read_workbook_within("a.ods", &bytes, &limits).unwrap();
        assert_eq!(sheets[0].1.len(), 2, "{sheets:?}");
        // 1,000 empty rows repeated above one row of content: calamine builds every one
        // of them, though no cell is read from them.
        let bytes = ods(&format!(
            r#"{ODS_HEADER}<table:table-row table:number-rows-repeated="1000"><table:table-cell/></table:table-row>{ODS_ROW}"#
        ));
        let e = limit_error(read_workbook_within("rows.ods", &bytes, &limits));
        assert_eq!(e.sheet.as_deref(), Some("表"));
        assert!(e.message.contains("1002 行 × 1 列"), "{e}");
        // One cell with a value repeated across 2 billion columns.
        let bytes = ods(
            r#"<table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="2000000000"/></table:table-row>"#,
        );
        let e = limit_error(read_workbook_within("cols.ods", &bytes, &limits));
        assert!(e.message.contains("4 列的上限"), "{e}");
    }
}
