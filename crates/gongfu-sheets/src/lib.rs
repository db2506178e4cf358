//! The spreadsheet kernel: what every capability reads its imports and writes its exports
//! through. CSV (UTF-8, or the GBK/GB18030 that Excel writes on Chinese Windows) and
//! workbooks (xlsx, xls, ods) become a [`Table`] whose every cell keeps its row and
//! column; problems become [`ImportError`]s that name file, sheet, row and column, and an
//! import that fails is one [`ImportFailure`] listing them all. [`write`] holds the
//! formats every workbook shares.
//!
//! It must never know a capability's columns (the service list's, the registry's, the
//! service points') nor store anything: bytes in, cells and positioned errors out.

mod error;
pub mod read;
pub mod write;

pub use error::{ImportError, ImportFailure, MAX_ERRORS};
pub use read::{
    column_letter, decode, is_workbook, read_csv, read_sheet, read_table, read_workbook, read_xlsx,
    SheetRows, Table,
};
