//! The spreadsheet kernel: what every capability reads its imports and writes its exports
//! through. CSV (UTF-8, or the GBK/GB18030 that Excel writes on Chinese Windows) and
//! workbooks (xlsx, xlsm, xlsb, ods) become a [`Table`] whose every cell keeps its row and
//! column; problems become [`ImportError`]s that name file, sheet, row and column, and an
//! import that fails is one [`ImportFailure`] listing them all. [`write`] holds the
//! formats every workbook shares.
//!
//! It also owns the bounds every import is read within, so that no upload can make the
//! process do more than they allow, whichever capability it is for. [`Limits`] holds them:
//!
//! - `max_rows` (default 20,000): data rows one table may have; more is refused, naming
//!   the file, the sheet, the count found and the limit, and asking for the file to be split.
//! - `max_columns` (default 256, A to IV): the last column a value may stand in (for CSV,
//!   the fields of a record). calamine builds a sheet as one dense grid from its first to
//!   its last cell, so a 1.7 KB xlsx with values at A1 and XFD1048576 once asked for
//!   512 GiB and aborted the process: xlsx sheets are therefore read cell by cell and kept
//!   sparse, and a value past the limit is refused where it stands; an ods file's repeated
//!   rows and columns are measured before calamine expands them. A legacy .xls cannot be
//!   bounded that way (calamine builds its sheets whole as the file opens), so it is refused
//!   with the way to convert it (see `book.rs`).
//! - `max_unzipped_bytes` (default 256 MiB): what a zip-based file (xlsx, ods, an HSDS
//!   package through [`Unzip`]) may inflate to, counted on the bytes actually inflated,
//!   entry by entry and in total, before calamine sees the archive; also the most text the
//!   cells of one sheet may expand to.
//!
//! The application sets them once at startup with [`set_limits`]; until then, and for every
//! reader that is given none, [`limits`] is [`Limits::DEFAULT`]. The readers' signatures
//! do not carry them, so the capabilities need not know they exist.
//!
//! It must never know a capability's columns (the service list's, the registry's, the
//! service points') nor store anything: bytes in, cells and positioned errors out.

mod book;
mod error;
mod limits;
pub mod read;
mod unzip;
pub mod write;

pub use error::{ImportError, ImportFailure, MAX_ERRORS};
pub use limits::{limits, set_limits, Limits};
pub use read::{
    column_letter, decode, is_workbook, read_csv, read_sheet, read_table, read_workbook, read_xlsx,
    SheetRows, Table, HEADER_SCAN_ROWS,
};
pub use unzip::Unzip;
