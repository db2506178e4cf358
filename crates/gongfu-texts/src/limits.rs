//! How much one document may hold, so that what a request costs is bounded by these numbers
//! and not by the upload.
//!
//! Texts are uploaded by anyone who may check a draft. A .docx is a zip, and a tiny part of
//! XML repeated compresses about a thousandfold: 210 KB of `<w:p>` with one character each
//! is 1.7 million paragraphs. Before these limits each one cost a block, its text and a
//! share of the whole decompressed part held in memory: about 220 MB per request, and
//! thirty-two at once took 4.7 GB. Each limit counts one structure that a few bytes of input
//! can make the parsers build, and is checked as the structure is read, so that reading
//! stops at the first one too many.
//!
//! Each limit is ten times or more what a long real standard needs: the 200-page standard of
//! `benches/check.rs` has 9,812 blocks, 305,568 characters and 468 table cells, and its
//! Markdown 31,740 lines and ASCII punctuation marks. At the limits, parse and check
//! together peak at a few tens of MB (`examples/hostile.rs`; BENCHMARKS.md has the numbers).

use crate::TextError;

/// The most paragraphs a document may have. In a .docx every `<w:p>` counts, empty ones and
/// those in table cells included (a paragraph costs its work whether it has text or not); in
/// Markdown every block. A 200-page standard has about 10,000.
pub const MAX_PARAGRAPHS: usize = 100_000;

/// The most table cells a document may have. Every real cell holds a paragraph, so no real
/// document reaches this before [`MAX_PARAGRAPHS`]; an empty `<w:tc/>` is seven bytes.
pub const MAX_TABLE_CELLS: usize = 100_000;

/// The most characters of text a document may have: about 2,100 pages at the 1,500
/// characters of a GB/T page, some 10 MB of Chinese. Markdown counts every character of the
/// file.
pub const MAX_CHARACTERS: usize = 3_200_000;

/// The most paragraph styles `styles.xml` may define. Word defines a few hundred.
pub const MAX_STYLES: usize = 10_000;

/// The most numbering definitions (`abstractNum` and `num`) `numbering.xml` may hold. A
/// document assembled by copy and paste gathers hundreds.
pub const MAX_NUMBERINGS: usize = 10_000;

/// The deepest XML elements may nest in a .docx part. Word's deepest structures (a text box
/// in a table in a table) are a few dozen levels; each level is a few bytes of input and a
/// frame the XML reader keeps.
pub const MAX_DEPTH: usize = 256;

/// The longest one XML node (a run of text, a tag, a comment) may be, in bytes. The reader
/// holds a node whole while it reads it, and would otherwise hold a whole part (64 MiB) of
/// one comment; Word starts a new run far sooner than 2.8 million Chinese characters.
pub const MAX_NODE_BYTES: usize = 8 << 20;

/// The most files a .docx archive may hold. Opening an archive costs about 500 bytes per
/// file, so a 17 MB upload of empty files cost 130 MB before this limit; a real .docx holds
/// a few dozen, and one with many pictures a few hundred.
pub const MAX_ZIP_ENTRIES: usize = 10_000;

/// The most lines and ASCII punctuation marks (`#`, `|`, `*`, `-`, `[` ...) a Markdown file
/// may have. The Markdown parser builds its whole syntax tree before the first block is
/// read, about two nodes of 48 bytes for each line and mark, so this is counted before it
/// runs. Chinese text has few such marks: the 200-page standard has 31,740.
pub const MAX_MARKDOWN_MARKS: usize = 320_000;

/// The longest Markdown file that can be within [`MAX_CHARACTERS`] (a character is at most
/// four bytes): a longer one is always over it, so a caller may refuse it by its length
/// before reading the body.
pub const MAX_MARKDOWN_BYTES: usize = 4 * MAX_CHARACTERS;

/// One of the limits on a document, for [`TextError::OverLimit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`MAX_PARAGRAPHS`].
    Paragraphs,
    /// [`MAX_TABLE_CELLS`].
    TableCells,
    /// [`MAX_CHARACTERS`].
    Characters,
    /// [`MAX_STYLES`].
    Styles,
    /// [`MAX_NUMBERINGS`].
    Numberings,
    /// [`MAX_DEPTH`].
    Depth,
    /// [`MAX_NODE_BYTES`].
    NodeBytes,
    /// [`MAX_ZIP_ENTRIES`].
    ZipEntries,
    /// [`MAX_MARKDOWN_MARKS`].
    MarkdownMarks,
}

impl Limit {
    /// Every limit.
    pub const ALL: [Limit; 9] = [
        Limit::Paragraphs,
        Limit::TableCells,
        Limit::Characters,
        Limit::Styles,
        Limit::Numberings,
        Limit::Depth,
        Limit::NodeBytes,
        Limit::ZipEntries,
        Limit::MarkdownMarks,
    ];

    /// The most a document may have.
    pub const fn max(self) -> usize {
        match self {
            Limit::Paragraphs => MAX_PARAGRAPHS,
            Limit::TableCells => MAX_TABLE_CELLS,
            Limit::Characters => MAX_CHARACTERS,
            Limit::Styles => MAX_STYLES,
            Limit::Numberings => MAX_NUMBERINGS,
            Limit::Depth => MAX_DEPTH,
            Limit::NodeBytes => MAX_NODE_BYTES,
            Limit::ZipEntries => MAX_ZIP_ENTRIES,
            Limit::MarkdownMarks => MAX_MARKDOWN_MARKS,
        }
    }

    /// What is counted, and its unit, in the words of the message.
    fn what(self) -> (&'static str, &'static str) {
        match self {
            Limit::Paragraphs => ("段落（含空段落和表格中的段落）", "段"),
            Limit::TableCells => ("表格单元格", "个"),
            Limit::Characters => ("文字", "个字符"),
            Limit::Styles => ("样式定义", "个"),
            Limit::Numberings => ("自动编号定义", "个"),
            Limit::Depth => ("XML元素的嵌套", "层"),
            Limit::NodeBytes => ("单个XML节点（一段连续文字、一个标记或一条注释）", "字节"),
            Limit::ZipEntries => ("压缩包（.docx）内的文件", "个"),
            Limit::MarkdownMarks => ("Markdown的行数与ASCII标点符号（#、|、*、-、[等）", "个"),
        }
    }

    /// What the user can do.
    fn advice(self) -> &'static str {
        match self {
            Limit::Paragraphs => "请删除多余的空段落，或把文件拆分成几个较小的文件分别检查",
            Limit::TableCells => "请删除空的单元格，或把大表格移到单独的文件中分别检查",
            Limit::Characters | Limit::MarkdownMarks => {
                "请把文件拆分成几个较小的文件分别检查"
            }
            Limit::Styles | Limit::Numberings => {
                "请把正文复制到新建的文档（或标准编写模板）中另存为.docx，或把文件拆分成几个较小的文件分别检查"
            }
            Limit::Depth | Limit::NodeBytes => {
                "这不是Word或WPS正常保存的文件：请在Word或WPS中打开并另存为.docx"
            }
            Limit::ZipEntries => "请删除多余的图片和嵌入对象，或在Word或WPS中另存为.docx",
        }
    }

    /// The message of [`TextError::OverLimit`]: what is limited, to how many, how many the
    /// document has (at least: reading stops at the first one too many), what to do.
    pub(crate) fn message(self, found: usize) -> String {
        let (what, unit) = self.what();
        format!(
            "文件超出了检查的上限：{what}最多{}{unit}，本文件至少有{found}{unit}；{}",
            self.max(),
            self.advice()
        )
    }
}

/// Counts one structure as it is read, and refuses the first one too many.
#[derive(Debug)]
pub(crate) struct Tally {
    limit: Limit,
    count: usize,
}

impl Tally {
    pub(crate) fn new(limit: Limit) -> Self {
        Tally { limit, count: 0 }
    }

    /// Counts `n` more.
    pub(crate) fn add(&mut self, n: usize) -> Result<(), TextError> {
        self.count = self.count.saturating_add(n);
        if self.count > self.limit.max() {
            return Err(TextError::OverLimit {
                limit: self.limit,
                found: self.count,
            });
        }
        Ok(())
    }

    /// How many so far.
    pub(crate) fn count(&self) -> usize {
        self.count
    }
}

/// Refuses `found` of `limit` when it is over.
pub(crate) fn within(limit: Limit, found: usize) -> Result<(), TextError> {
    let mut t = Tally::new(limit);
    t.add(found)
}
