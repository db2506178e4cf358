//! Zip archives read with the bytes they inflate to capped, whatever their headers claim.
//!
//! A 1.25 MB xlsx can inflate to 1.2 GiB, and a 1.25 MB HSDS package to 5.9 GB: deflate
//! compresses a run of zeros a thousand to one, and many entries may share one compressed
//! stream. So every entry is inflated through a reader that stops one byte past what is left
//! of [`Limits::max_unzipped_bytes`], and the count is of the bytes that came out, never of
//! the size a header declares (it may lie either way; it is only used to refuse early).

use std::io::{Cursor, Read};

use crate::limits::size_text;
use crate::{ImportError, Limits};

/// Why a read failed: the file is not what it should be (a caller may add which columns it
/// needs), or it is beyond the [`Limits`] (where no such hint helps).
#[derive(Debug)]
pub(crate) enum Failed {
    /// Unreadable or malformed.
    File(ImportError),
    /// Beyond a limit.
    Limit(ImportError),
}

impl Failed {
    /// The error, with `hint` appended to a malformed file's message.
    pub(crate) fn with_hint(self, hint: Option<&str>) -> ImportError {
        match (self, hint) {
            (Failed::File(mut e), Some(h)) => {
                e.message = format!("{}；{h}", e.message);
                e
            }
            (Failed::File(e) | Failed::Limit(e), _) => e,
        }
    }
}

impl From<Failed> for ImportError {
    fn from(f: Failed) -> Self {
        f.with_hint(None)
    }
}

/// A zip archive whose entries are read with their inflated total capped at
/// [`Limits::max_unzipped_bytes`]; the cap is shared by every entry read through one `Unzip`.
pub struct Unzip<'a> {
    file: String,
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    limit: u64,
    left: u64,
}

impl<'a> Unzip<'a> {
    /// Opens `bytes` (the file `file`, named in errors) as a zip archive.
    pub fn open(file: &str, bytes: &'a [u8], limits: &Limits) -> Result<Self, ImportError> {
        Self::open_inner(file, bytes, limits).map_err(|e| {
            error(
                file,
                format!("不是完整的 zip 压缩包，无法打开（{e}）；请确认文件完整，重新导出后再导入"),
            )
        })
    }

    /// The same, with the zip crate's error for a caller that words its own message.
    pub(crate) fn open_inner(
        file: &str,
        bytes: &'a [u8],
        limits: &Limits,
    ) -> Result<Self, zip::result::ZipError> {
        Ok(Self {
            file: file.to_string(),
            zip: zip::ZipArchive::new(Cursor::new(bytes))?,
            limit: limits.max_unzipped_bytes,
            left: limits.max_unzipped_bytes,
        })
    }

    /// Whether the archive has an entry of that name.
    pub fn contains(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// Reads one entry whole, or `None` when the archive has no such entry. Refused when the
    /// entries read so far and this one together inflate past the cap.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ImportError> {
        self.read_inner(name).map_err(ImportError::from)
    }

    fn read_inner(&mut self, name: &str) -> Result<Option<Vec<u8>>, Failed> {
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let mut out = Vec::new();
        self.inflate(index, &mut out)?;
        Ok(Some(out))
    }

    /// Inflates every entry and throws the bytes away: for a reader (calamine) that inflates
    /// the archive itself and has no cap, this proves beforehand that the whole archive stays
    /// within it. Each entry is inflated at most once here, so the work is bounded by the cap.
    pub(crate) fn check_all(&mut self) -> Result<(), Failed> {
        for index in 0..self.zip.len() {
            self.inflate(index, &mut std::io::sink())?;
        }
        Ok(())
    }

    /// A reader of one entry that stops one byte past the whole cap, for a caller that has
    /// already passed [`Unzip::check_all`] and only needs to go through the entry once more.
    pub(crate) fn stream(
        &mut self,
        name: &str,
    ) -> Option<std::io::Take<zip::read::ZipFile<'_, Cursor<&'a [u8]>>>> {
        let entry = self.zip.by_name(name).ok()?;
        Some(entry.take(self.limit + 1))
    }

    /// Inflates entry `index` into `out`, counting it against what is left of the cap.
    fn inflate(&mut self, index: usize, out: &mut impl std::io::Write) -> Result<(), Failed> {
        let file = self.file.clone();
        let limit = self.limit;
        let entry = self.zip.by_index(index).map_err(|e| {
            Failed::File(error(
                &file,
                format!("压缩包中的第 {} 个文件无法读取（{e}）；文件可能已损坏或加了密码，请重新导出后再导入", index + 1),
            ))
        })?;
        let name = entry.name().to_string();
        let too_large = || {
            Failed::Limit(error(
                &file,
                format!(
                    "「{file}」解压到其中的 {name} 时已超过 {} 的上限，没有导入；正常的表格文件解压后远小于此，请确认文件来源，或把数据拆成几个较小的文件分别导入",
                    size_text(limit)
                ),
            ))
        };
        // The declared size can only make us refuse sooner, never read more.
        if entry.size() > self.left {
            return Err(too_large());
        }
        let read = std::io::copy(&mut entry.take(self.left + 1), out).map_err(|e| {
            Failed::File(error(
                &file,
                format!("压缩包中的 {name} 无法解压（{e}）；文件可能已损坏，请重新导出后再导入"),
            ))
        })?;
        if read > self.left {
            return Err(too_large());
        }
        self.left -= read;
        Ok(())
    }
}

fn error(file: &str, message: String) -> ImportError {
    ImportError {
        file: file.to_string(),
        sheet: None,
        row: None,
        column: None,
        message,
    }
}
