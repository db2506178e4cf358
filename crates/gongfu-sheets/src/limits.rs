//! How much one import may hold, set once by the application and read by every reader.
//!
//! The limits live in process-wide atomics rather than in every reader's arguments so that
//! the capabilities that read through this crate (service list, registry, service points,
//! eligibility, affordability) need not carry them: the application calls [`set_limits`]
//! once at startup from its settings, and a reader that has no other word uses [`limits`].
//! Tests inside this crate pass their own [`Limits`] to the internal readers instead, since
//! tests run in parallel in one process and must not change what the others see.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// The bounds every import is read within. A file beyond one of them is refused with an
/// [`ImportError`](crate::ImportError) naming the file, the sheet and the limit, before the
/// work it would cause is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Data rows (below the header; empty rows not counted) one imported table may have.
    /// Editors once uploaded 200,000 service points at once: one import is meant to be
    /// checked by a person, and a larger file is split.
    pub max_rows: usize,
    /// Columns a sheet may use, counted from A to the last cell that holds a value (or, in
    /// CSV, the fields of a record). Every kept row is as wide as its last value, so this
    /// bounds the memory a row can cost whatever its cells say.
    pub max_columns: usize,
    /// Bytes a zip-based file (xlsx, xlsm, ods, an HSDS package) may inflate to, all its
    /// entries together, counted on the bytes actually inflated (a zip's headers can lie).
    /// Also the most text the cells of one sheet may expand to (shared strings repeated).
    pub max_unzipped_bytes: u64,
}

impl Limits {
    /// The defaults: 20,000 data rows, 256 columns (A to IV, the old .xls width), 256 MiB
    /// inflated. The largest real list and point files are a tenth of these.
    pub const DEFAULT: Limits = Limits {
        max_rows: 20_000,
        max_columns: 256,
        max_unzipped_bytes: 256 * 1024 * 1024,
    };

    /// Rows with content a sheet may have before its header is known: the data rows plus
    /// the rows a header may be preceded by ([`HEADER_SCAN_ROWS`](crate::read::HEADER_SCAN_ROWS)).
    pub(crate) fn kept_rows(&self) -> usize {
        self.max_rows.saturating_add(crate::read::HEADER_SCAN_ROWS)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

static MAX_ROWS: AtomicUsize = AtomicUsize::new(Limits::DEFAULT.max_rows);
static MAX_COLUMNS: AtomicUsize = AtomicUsize::new(Limits::DEFAULT.max_columns);
static MAX_UNZIPPED_BYTES: AtomicU64 = AtomicU64::new(Limits::DEFAULT.max_unzipped_bytes);

/// Sets the limits every reader of this crate applies from now on. Meant to be called once,
/// at startup, from the application's settings; a later call replaces the limits for the
/// reads that start after it.
pub fn set_limits(limits: Limits) {
    // Relaxed: each bound stands alone, and a read racing a change may see either value.
    MAX_ROWS.store(limits.max_rows, Ordering::Relaxed);
    MAX_COLUMNS.store(limits.max_columns, Ordering::Relaxed);
    MAX_UNZIPPED_BYTES.store(limits.max_unzipped_bytes, Ordering::Relaxed);
}

/// The limits in force: [`Limits::DEFAULT`] until [`set_limits`] is called.
pub fn limits() -> Limits {
    Limits {
        max_rows: MAX_ROWS.load(Ordering::Relaxed),
        max_columns: MAX_COLUMNS.load(Ordering::Relaxed),
        max_unzipped_bytes: MAX_UNZIPPED_BYTES.load(Ordering::Relaxed),
    }
}

/// A byte count as a person reads it: "256 MiB", else "1500 字节".
pub(crate) fn size_text(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes % MIB == 0 {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} 字节")
    }
}
