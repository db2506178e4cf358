//! Errors that name where in a file something is wrong: file, sheet, row, column.

use std::fmt;

/// How many errors one import reports before it stops listing.
pub const MAX_ERRORS: usize = 200;

/// One problem in an import file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportError {
    /// File name.
    pub file: String,
    /// Sheet (xlsx).
    pub sheet: Option<String>,
    /// 1-based row (CSV/xlsx) or line (text) number.
    pub row: Option<usize>,
    /// Column, e.g. "E（服务对象）".
    pub column: Option<String>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl ImportError {
    /// Where, as a clerk finds it in the file: 「items.csv」工作表「清单」第 3 行，列 E（服务对象）.
    pub fn place(&self) -> String {
        let mut s = gongfu_domain::msg!("import-at-file", file = self.file);
        if let Some(sheet) = &self.sheet {
            s.push_str(&gongfu_domain::msg!("import-at-sheet", sheet = sheet));
        }
        if let Some(r) = self.row {
            s.push_str(&gongfu_domain::msg!("import-at-row", row = r));
        }
        if let Some(c) = &self.column {
            s.push_str(&gongfu_domain::msg!("import-at-column", column = c));
        }
        s
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}：{}", self.place(), self.message)
    }
}

/// A failed import: nothing was changed.
#[derive(Debug, Clone, thiserror::Error, serde::Serialize)]
#[error("{}\n{}", gongfu_domain::msg!("import-failed", file = file, count = errors.len()), errors.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
pub struct ImportFailure {
    /// The file.
    pub file: String,
    /// Every error found, up to [`MAX_ERRORS`].
    pub errors: Vec<ImportError>,
}

impl ImportFailure {
    /// A failure of `file` with every error found.
    pub fn new(file: &str, errors: Vec<ImportError>) -> Self {
        Self {
            file: file.into(),
            errors,
        }
    }

    /// A failure of one error.
    pub fn one(e: ImportError) -> Self {
        Self {
            file: e.file.clone(),
            errors: vec![e],
        }
    }
}
