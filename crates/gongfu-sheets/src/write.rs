//! The look every workbook gongfu writes shares, so a clerk who opens one export knows the
//! next: a bold, shaded, centred header row, and long text wrapped at the top of its cell.

use rust_xlsxwriter::{Format, FormatAlign};

/// The header row's cells.
pub fn header() -> Format {
    Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_align(FormatAlign::Center)
}

/// Body cells of long text.
pub fn wrapped() -> Format {
    Format::new().set_text_wrap().set_align(FormatAlign::Top)
}

/// The first characters that make a spreadsheet read a cell as a formula (OWASP's list
/// for CSV injection).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as written to CSV: one a spreadsheet would run as a formula gets a leading
/// apostrophe, so `=HYPERLINK(…)` in an item's name stays text. [`unguard`] undoes it
/// when gongfu reads the file back.
pub fn guard(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_START) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A cell as read from CSV: the apostrophe [`guard`] put before a formula character goes.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

/// A CSV file as Excel on Chinese Windows opens it correctly: UTF-8 with a byte-order mark,
/// a header row, then the rows, every cell through [`guard`].
pub fn csv<'a>(
    headers: impl IntoIterator<Item = &'a str>,
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(headers.into_iter().map(|h| guard(h).into_owned()));
    for row in rows {
        let _ = w.write_record(row.iter().map(|c| guard(c).into_owned()));
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_written_as_text_and_read_back_as_they_were() {
        for cell in [
            "=HYPERLINK(\"http://x\")",
            "+1+1",
            "-5",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            let g = guard(cell);
            assert!(g.starts_with('\''), "{cell:?} -> {g:?}");
            assert_eq!(unguard(&g), cell);
        }
        for cell in ["老年人健康管理", "'quoted", "1-2", "", "a=b"] {
            assert_eq!(guard(cell), cell);
            assert_eq!(unguard(cell), cell);
        }
    }

    #[test]
    fn a_written_csv_reads_back_cell_for_cell() {
        let rows = vec![
            vec!["=cmd|' /C calc'!A0".to_string(), "-".to_string()],
            vec!["甲".to_string(), "@x".to_string()],
        ];
        let bytes = csv(["名称", "说明"], rows.clone());
        assert!(String::from_utf8_lossy(&bytes).contains("'=cmd"));
        let t = crate::read_csv("a.csv", &bytes, |h| h.iter().any(|c| c == "名称")).unwrap();
        let back: Vec<Vec<String>> = t.rows.into_iter().map(|(_, r)| r).collect();
        assert_eq!(back, rows);
    }
}
