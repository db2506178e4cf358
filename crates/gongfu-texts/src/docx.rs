//! .docx (Office Open XML) to [`Document`], and back.
//!
//! Reading: the zip is opened (an old .doc or a password-protected file is an OLE compound
//! file and is named as such), `word/document.xml` is read as XML; paragraph styles (from
//! `word/styles.xml`, following `basedOn`) tell the title, headings and table-of-contents
//! lines; numbering definitions (`word/numbering.xml`) give the labels Word prints before a
//! paragraph ("5.1", "a)", "——"), which templates use for clause numbers and list markers
//! alike; tables keep their rows. GB/T templates also often number clauses in the text itself
//! ("5.1 人员") without a heading style: such short numbered paragraphs are headings too, and
//! "5.1.2　服务人员应……" is an untitled clause. Tracked-change history (`w:pPrChange`,
//! `w:moveFrom`) and the fallback copy of drawings (`mc:Fallback`) are skipped, so nothing is
//! read twice. `line` is the paragraph's 1-based position in the body, table cells included.
//!
//! Every part is streamed from the archive, never held whole ([`crate::xml`]), and what a
//! document may make the reader build is counted as it is read (paragraphs, table cells,
//! characters, styles, numbering definitions, files in the archive: [`crate::limits`]), so
//! that a small file cannot cost much memory however it is made.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};

use crate::classify::{
    heading_title, is_element_title, is_toc_line, level_of, list_marker, plain, push_clause,
    push_paragraph, split_number,
};
use crate::limits::{within, Limit, Tally};
use crate::numbering::Numbering;
use crate::xml::{attr, XmlPart};
use crate::{Block, Document, TextError, OLE_SIGNATURE};

/// The most one part of a .docx may decompress to: a 200-page standard's document.xml is a
/// few MiB; a zip bomb is refused before it is inflated past this.
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

const DOCUMENT: &str = "word/document.xml";

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// A part being read from the archive.
type Part<'z, 'a> = XmlPart<zip::read::ZipFile<'z, Cursor<&'a [u8]>>>;

fn other(reason: impl Into<String>) -> TextError {
    TextError::Docx {
        reason: reason.into(),
    }
}

/// Opens one part to read as XML, or None when the archive has no such part.
fn open<'z, 'a>(zip: &'z mut Archive<'a>, name: &str) -> Result<Option<Part<'z, 'a>>, TextError> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(
            zip::result::ZipError::UnsupportedArchive(zip::result::ZipError::PASSWORD_REQUIRED)
            | zip::result::ZipError::InvalidPassword,
        ) => {
            return Err(TextError::Encrypted {
                part: name.to_string(),
            })
        }
        Err(e) => {
            return Err(other(format!(
                "{name} cannot be opened in the archive ({e})"
            )))
        }
    };
    // A header that admits to more is refused at once; one that lies is caught while the
    // part is inflated.
    if file.size() > MAX_PART_BYTES {
        return Err(TextError::TooLarge {
            part: name.to_string(),
            limit: MAX_PART_BYTES,
        });
    }
    Ok(Some(XmlPart::new(name, file)))
}

/// The files an archive holds, at most: every entry of a zip's central directory starts
/// with this signature, and the zip reader reads one entry for each, so counting them
/// bounds what opening the archive costs before it is opened. A chance occurrence in
/// compressed data only counts one more.
fn zip_entries(bytes: &[u8]) -> usize {
    bytes.windows(4).filter(|w| *w == b"PK\x01\x02").count()
}

/// Where the main document part is: `word/document.xml`, or wherever `_rels/.rels` points
/// (a few converters name it otherwise).
fn main_part(zip: &mut Archive<'_>) -> Result<String, TextError> {
    if zip.index_for_name(DOCUMENT).is_some() {
        return Ok(DOCUMENT.to_string());
    }
    let mut targets = vec![];
    if let Some(mut rels) = open(zip, "_rels/.rels")? {
        loop {
            match rels.next() {
                Ok(Event::Start(e) | Event::Empty(e))
                    if e.local_name().as_ref() == b"Relationship" =>
                {
                    let main = attr(&e, b"Type").is_some_and(|t| t.ends_with("/officeDocument"));
                    // One is what a package has; a few keep a package that lists one more
                    // than it holds readable, and no more are kept.
                    if let Some(target) = attr(&e, b"Target").filter(|_| main && targets.len() < 8)
                    {
                        targets.push(target.trim_start_matches('/').to_string());
                    }
                }
                Ok(Event::Eof) | Err(TextError::Xml { .. }) => break,
                Err(e) => return Err(e),
                Ok(_) => {}
            }
        }
    }
    targets
        .into_iter()
        .find(|t| zip.index_for_name(t).is_some())
        .ok_or(TextError::NoDocument)
}

/// What a style means for structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Title,
    Heading(u8),
    /// A table-of-contents line: never a heading, whatever its text.
    Toc,
}

/// A style name's role: the built-in names in English and Chinese Word and WPS, and the
/// names of the GB/T drafting templates (章标题, 一级条标题 ...).
fn role_of(name: &str) -> Option<Role> {
    let n: String = name
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if n == "title" || n == "标题" || n.contains("标准名称") {
        return Some(Role::Title);
    }
    for prefix in ["heading", "标题"] {
        if let Some(l) = n.strip_prefix(prefix).and_then(|r| r.parse::<u8>().ok()) {
            return (1..=9).contains(&l).then_some(Role::Heading(l));
        }
    }
    if n.starts_with("toc") || n.starts_with("目录") {
        return Some(Role::Toc);
    }
    for (i, level) in [
        "一级条标题",
        "二级条标题",
        "三级条标题",
        "四级条标题",
        "五级条标题",
    ]
    .iter()
    .enumerate()
    {
        if n.contains(level) {
            return Some(Role::Heading(i as u8 + 2));
        }
    }
    let element = [
        "章标题",
        "前言、引言标题",
        "前言标题",
        "引言标题",
        "附录标识",
    ];
    if element.iter().any(|e| n.contains(e)) || n.contains("参考文献、索引标题") {
        return Some(Role::Heading(1));
    }
    None
}

/// A paragraph style as `styles.xml` defines it.
#[derive(Debug, Default, Clone)]
struct Style {
    name: Option<String>,
    based_on: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u8>,
    outline: Option<u8>,
}

/// What a paragraph style gives its paragraphs, with what it inherits through `basedOn`.
#[derive(Debug, Default)]
struct Resolved {
    role: Option<Role>,
    num_id: Option<String>,
    ilvl: Option<u8>,
}

/// Paragraph styles by id, resolved once when read: a paragraph only looks its style up.
#[derive(Default)]
struct Styles(HashMap<String, Resolved>);

impl Styles {
    /// Reads `styles.xml`. Malformed XML ends the reading quietly: styles only tell what a
    /// paragraph is, and the document itself is still worth reading.
    fn read(part: &mut XmlPart<impl Read>) -> Result<Self, TextError> {
        let mut defined = HashMap::new();
        let mut count = Tally::new(Limit::Styles);
        let mut current: Option<(String, Style)> = None;
        loop {
            let event = match part.next() {
                Ok(Event::Eof) | Err(TextError::Xml { .. }) => break,
                Err(e) => return Err(e),
                Ok(e) => e,
            };
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    let local = e.local_name();
                    if local.as_ref() == b"style" {
                        count.add(1)?;
                        let paragraph = attr(&e, b"type").is_none_or(|t| t == "paragraph");
                        current = attr(&e, b"styleId")
                            .filter(|_| paragraph)
                            .map(|id| (id, Style::default()));
                        continue;
                    }
                    let Some((_, s)) = current.as_mut() else {
                        continue;
                    };
                    let val = || attr(&e, b"val");
                    match local.as_ref() {
                        b"name" => s.name = val(),
                        b"basedOn" => s.based_on = val(),
                        b"numId" => s.num_id = val(),
                        b"ilvl" => s.ilvl = val().and_then(|v| v.parse().ok()),
                        b"outlineLvl" => s.outline = val().and_then(|v| v.parse().ok()),
                        _ => {}
                    }
                }
                Event::End(e) if e.local_name().as_ref() == b"style" => {
                    if let Some((id, s)) = current.take() {
                        defined.insert(id, s);
                    }
                }
                _ => {}
            }
        }
        let resolved = defined
            .keys()
            .map(|id| (id.clone(), resolve(&defined, id)))
            .collect();
        Ok(Styles(resolved))
    }

    /// The role of style `id`; an id that is not defined is read as a name ("Heading1",
    /// "Title").
    fn role(&self, id: &str) -> Option<Role> {
        match self.0.get(id) {
            Some(r) => r.role,
            None => role_of(id),
        }
    }

    /// The numbering a style gives its paragraphs: (numId, ilvl).
    fn numbering(&self, id: &str) -> (Option<&str>, Option<u8>) {
        self.0
            .get(id)
            .map(|r| (r.num_id.as_deref(), r.ilvl))
            .unwrap_or_default()
    }
}

/// What style `id` gives its paragraphs, following `basedOn` at most 16 deep (a cycle ends
/// it): the role from the first style in the chain whose name or outline level tells one,
/// the numbering from the first that has it.
fn resolve(defined: &HashMap<String, Style>, id: &str) -> Resolved {
    let mut chain = vec![];
    let mut next = Some(id);
    while let Some(i) = next {
        let Some(s) = defined.get(i).filter(|_| chain.len() < 16) else {
            break;
        };
        chain.push(s);
        next = s.based_on.as_deref();
    }
    Resolved {
        role: chain.iter().find_map(|s| {
            s.name.as_deref().and_then(role_of).or_else(|| {
                s.outline
                    .filter(|l| *l < 9)
                    .map(|l| Role::Heading(l.saturating_add(1)))
            })
        }),
        num_id: chain.iter().find_map(|s| s.num_id.clone()),
        ilvl: chain.iter().find_map(|s| s.ilvl),
    }
}

/// A paragraph being read.
#[derive(Default)]
struct Para {
    style: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u8>,
    outline: Option<u8>,
    text: String,
    line: u32,
}

/// A table being read.
struct Table {
    rows: Vec<Vec<String>>,
    line: u32,
    cell: Option<String>,
    /// A `<w:tr>` has opened and its first cell has not closed: a row is only kept once it
    /// has a cell, so that empty rows cost nothing.
    row_open: bool,
}

/// Elements whose content is not part of the document as it reads now.
fn skipped(local: &[u8]) -> bool {
    matches!(
        local,
        b"pPrChange"
            | b"rPrChange"
            | b"sectPrChange"
            | b"tblPrChange"
            | b"moveFrom"
            | b"del"
            | b"Fallback"
            | b"instrText"
    )
}

/// Parses a .docx file. Plain synchronous work on the bytes given (no I/O, no locks): a
/// server runs it where blocking is allowed. What it may cost is bounded by the limits in
/// [`crate::limits`] and [`MAX_PART_BYTES`], whatever the file.
pub fn parse_docx(bytes: &[u8]) -> Result<Document, TextError> {
    if bytes.starts_with(OLE_SIGNATURE) {
        return Err(TextError::LegacyOrEncrypted);
    }
    within(Limit::ZipEntries, zip_entries(bytes))?;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| TextError::NotZip {
        reason: e.to_string(),
    })?;
    let part = main_part(&mut zip)?;
    let dir = part.rsplit_once('/').map(|(d, _)| d).unwrap_or("word");
    // Styles and numbering first: the body is read in one pass, and needs both.
    let styles = match open(&mut zip, &format!("{dir}/styles.xml"))? {
        Some(mut p) => Styles::read(&mut p)?,
        None => Styles::default(),
    };
    let numbering = match open(&mut zip, &format!("{dir}/numbering.xml"))? {
        Some(mut p) => Numbering::read(&mut p)?,
        None => Numbering::default(),
    };
    let document = open(&mut zip, &part)?.ok_or(TextError::NoDocument)?;
    Body::new(styles, numbering).read(document)
}

struct Body {
    styles: Styles,
    numbering: Numbering,
    doc: Document,
    /// Open paragraphs, innermost last (a text box puts a paragraph inside a paragraph).
    paras: Vec<Para>,
    tables: Vec<Table>,
    /// Paragraphs opened so far; the last one's number is its line.
    paragraphs: Tally,
    cells: Tally,
    characters: Tally,
}

impl Body {
    fn new(styles: Styles, numbering: Numbering) -> Self {
        Body {
            styles,
            numbering,
            doc: Document {
                title: String::new(),
                number: None,
                blocks: vec![],
            },
            paras: vec![],
            tables: vec![],
            paragraphs: Tally::new(Limit::Paragraphs),
            cells: Tally::new(Limit::TableCells),
            characters: Tally::new(Limit::Characters),
        }
    }

    /// The line of the next paragraph: paragraphs are at most [`crate::MAX_PARAGRAPHS`].
    fn next_line(&self) -> u32 {
        u32::try_from(self.paragraphs.count().saturating_add(1)).unwrap_or(u32::MAX)
    }

    fn read(mut self, mut part: XmlPart<impl Read>) -> Result<Document, TextError> {
        let mut in_text = false;
        let mut depth: usize = 0;
        let mut skip_at: Option<usize> = None;
        let name = part.name().to_string();
        loop {
            let position = part.position();
            match part.next()? {
                Event::Start(e) => {
                    depth += 1;
                    if skip_at.is_some() {
                        continue;
                    }
                    if skipped(e.local_name().as_ref()) {
                        skip_at = Some(depth);
                        continue;
                    }
                    if e.local_name().as_ref() == b"t" {
                        in_text = true;
                    }
                    self.open(&e)?;
                }
                // `<w:p/>`, `<w:tc/>`: opened and closed at once.
                Event::Empty(e) if skip_at.is_none() => {
                    self.open(&e)?;
                    self.close(e.local_name().as_ref());
                }
                Event::Text(t) if in_text && skip_at.is_none() => {
                    let s = t.decode().map_err(|e| TextError::Xml {
                        part: name.clone(),
                        position,
                        reason: e.to_string(),
                    })?;
                    self.push_text(&s)?;
                }
                Event::GeneralRef(r) if in_text && skip_at.is_none() => {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => match r.decode().unwrap_or_default().as_ref() {
                            "amp" => Some('&'),
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        },
                    };
                    if let Some(c) = c {
                        self.push_text(c.encode_utf8(&mut [0; 4]))?;
                    }
                }
                Event::End(e) => {
                    let at = depth;
                    depth = depth.saturating_sub(1);
                    if let Some(s) = skip_at {
                        if s == at {
                            skip_at = None;
                        }
                        continue;
                    }
                    self.close(e.local_name().as_ref());
                    if e.local_name().as_ref() == b"t" {
                        in_text = false;
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        // A document cut off inside a paragraph or a table still gives what it has.
        while !self.paras.is_empty() {
            self.close(b"p");
        }
        while !self.tables.is_empty() {
            self.close(b"tbl");
        }
        Ok(self.doc)
    }

    /// Adds text to the open paragraph; text outside one is not kept, so not counted.
    fn push_text(&mut self, s: &str) -> Result<(), TextError> {
        if let Some(p) = self.paras.last_mut() {
            self.characters.add(s.chars().count())?;
            p.text.push_str(s);
        }
        Ok(())
    }

    fn open(&mut self, e: &BytesStart<'_>) -> Result<(), TextError> {
        let val = || attr(e, b"val");
        match e.local_name().as_ref() {
            b"p" => {
                let line = self.next_line();
                self.paragraphs.add(1)?;
                self.paras.push(Para {
                    line,
                    ..Para::default()
                });
            }
            b"pStyle" => {
                if let Some(p) = self.paras.last_mut() {
                    p.style = val();
                }
            }
            b"numId" => {
                if let Some(p) = self.paras.last_mut() {
                    p.num_id = val();
                }
            }
            b"ilvl" => {
                if let Some(p) = self.paras.last_mut() {
                    p.ilvl = val().and_then(|v| v.parse().ok());
                }
            }
            b"outlineLvl" => {
                if let Some(p) = self.paras.last_mut() {
                    p.outline = val().and_then(|v| v.parse().ok());
                }
            }
            b"tab" if !self.paras.is_empty() => self.push_text("\t")?,
            b"br" | b"cr" => self.push_text("\n")?,
            b"noBreakHyphen" => self.push_text("-")?,
            b"tbl" => {
                let line = self.next_line();
                self.tables.push(Table {
                    rows: vec![],
                    line,
                    cell: None,
                    row_open: false,
                });
            }
            b"tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.row_open = true;
                }
            }
            b"tc" => {
                if let Some(t) = self.tables.last_mut() {
                    self.cells.add(1)?;
                    t.cell = Some(String::new());
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, local: &[u8]) {
        match local {
            b"p" => {
                if let Some(p) = self.paras.pop() {
                    self.paragraph(p);
                }
            }
            b"tc" => {
                if let Some(t) = self.tables.last_mut() {
                    if let Some(c) = t.cell.take() {
                        match t.rows.last_mut() {
                            Some(row) if !t.row_open => row.push(c),
                            _ => t.rows.push(vec![c]),
                        }
                        t.row_open = false;
                    }
                }
            }
            b"tbl" => {
                let Some(t) = self.tables.pop() else { return };
                if t.rows.is_empty() {
                    return;
                }
                // A table in a table cell is text of that cell.
                if let Some(cell) = self.tables.last_mut().and_then(|o| o.cell.as_mut()) {
                    for (i, row) in t.rows.iter().enumerate() {
                        if !cell.is_empty() || i > 0 {
                            cell.push('\n');
                        }
                        for (j, c) in row.iter().enumerate() {
                            if j > 0 {
                                cell.push(' ');
                            }
                            cell.push_str(c);
                        }
                    }
                } else {
                    self.doc.blocks.push(Block::Table {
                        rows: t.rows,
                        line: t.line,
                    });
                }
            }
            _ => {}
        }
    }

    /// A finished paragraph: counted by its numbering, then added to a table cell or to the
    /// document as what it is.
    fn paragraph(&mut self, p: Para) {
        let style = p.style.as_deref();
        let role = style
            .and_then(|s| self.styles.role(s))
            .or_else(|| p.outline.filter(|l| *l < 9).map(|l| Role::Heading(l + 1)));
        let (style_num, style_ilvl) = style.map(|s| self.styles.numbering(s)).unwrap_or_default();
        let num_id = p.num_id.as_deref().or(style_num).filter(|n| *n != "0");
        let ilvl = p.ilvl.or(style_ilvl).unwrap_or(0);
        let label = num_id.and_then(|n| self.numbering.next_label(n, usize::from(ilvl)));
        let text = p.text.trim();
        // In a table cell: the cell's text, with the label Word prints.
        if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            if !text.is_empty() {
                if !cell.is_empty() {
                    cell.push('\n');
                }
                if let Some(l) = &label {
                    cell.push_str(l);
                    cell.push('\u{3000}');
                }
                cell.push_str(text);
            }
            return;
        }
        if text.is_empty() {
            return;
        }
        let doc = &mut self.doc;
        let line = p.line;
        let labelled = || match &label {
            Some(l) => format!("{l} {text}"),
            None => text.to_string(),
        };
        match role {
            Some(Role::Title) if doc.title.is_empty() => doc.title = labelled(),
            Some(Role::Toc) => {
                let t = plain(text);
                if t == "目次" || t == "目录" {
                    doc.blocks.push(Block::Heading {
                        level: 1,
                        number: None,
                        title: t,
                        line,
                    });
                } else {
                    doc.blocks.push(Block::Paragraph {
                        text: text.to_string(),
                        line,
                    });
                }
            }
            Some(Role::Heading(l)) if !is_toc_line(text) => {
                let full = labelled();
                let (number, title) = split_number(&full);
                let level = match &number {
                    Some(n) => level_of(n),
                    None if is_element_title(&full) => 1,
                    None => l,
                };
                doc.blocks.push(Block::Heading {
                    level,
                    number,
                    title: heading_title(&title),
                    line,
                });
            }
            _ => match (num_id, label) {
                // A clause numbered by a list ("5.1" before "人员"), as templates do.
                (Some(_), Some(l)) if is_clause_number(&l) => {
                    if !push_clause(doc, l.clone(), text, line, true) {
                        push_paragraph(doc, &format!("{l} {text}"), line, true);
                    }
                }
                (Some(_), Some(l)) => doc.blocks.push(Block::ListItem {
                    level: ilvl.saturating_add(1),
                    marker: l,
                    text: text.to_string(),
                    line,
                }),
                // A list without numbering definitions: the marker, if any, is in the text.
                (Some(_), None) => {
                    let (marker, rest) = list_marker(text).unwrap_or_default();
                    let body = if marker.is_empty() {
                        text.to_string()
                    } else {
                        rest
                    };
                    doc.blocks.push(Block::ListItem {
                        marker,
                        level: ilvl.saturating_add(1),
                        text: body,
                        line,
                    });
                }
                (None, _) => push_paragraph(doc, text, line, true),
            },
        }
    }
}

/// "5", "5.1", "A.1": a label that numbers a clause, not a list item ("a)", "1.", "——").
fn is_clause_number(label: &str) -> bool {
    let mut parts = label.split('.');
    let first = parts.next().unwrap_or("");
    let first_ok =
        (!first.is_empty() && first.len() <= 3 && first.bytes().all(|b| b.is_ascii_digit()))
            || (first.len() == 1 && first.bytes().all(|b| b.is_ascii_uppercase()));
    let rest: Vec<&str> = parts.collect();
    first_ok
        && rest
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
        && (first.bytes().all(|b| b.is_ascii_digit()) || !rest.is_empty())
}

fn xml_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn paragraph(style: Option<&str>, text: &str) -> String {
    let ppr = style
        .map(|s| format!(r#"<w:pPr><w:pStyle w:val="{s}"/></w:pPr>"#))
        .unwrap_or_default();
    format!(
        r#"<w:p>{ppr}<w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        xml_text(text)
    )
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
const DOC_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// Writes `doc` as a .docx that Word and WPS open: the title in the Title style, headings in
/// Heading 1-6 with their clause numbers, list items with their markers as text (as GB/T 1.1
/// prints them), tables as tables. Reading it back with [`parse_docx`] gives `doc` again.
pub fn write_docx(doc: &Document) -> Result<Vec<u8>, TextError> {
    let mut body = String::new();
    if !doc.title.is_empty() {
        body.push_str(&paragraph(Some("Title"), &doc.title));
    }
    if let Some(n) = &doc.number {
        body.push_str(&paragraph(None, n));
    }
    for b in &doc.blocks {
        body.push_str(&match b {
            Block::Heading {
                level,
                number,
                title,
                ..
            } => {
                let text = match number {
                    Some(n) => format!("{n} {title}"),
                    None => title.clone(),
                };
                paragraph(Some(&format!("Heading{}", (*level).clamp(1, 6))), &text)
            }
            Block::Paragraph { text, .. } => paragraph(None, text),
            Block::ListItem { marker, text, .. } => {
                paragraph(None, &format!("{marker}\u{3000}{text}"))
            }
            Block::Table { rows, .. } => {
                let rows: String = rows
                    .iter()
                    .map(|r| {
                        let cells: String = r
                            .iter()
                            .map(|c| format!("<w:tc>{}</w:tc>", paragraph(None, c)))
                            .collect();
                        format!("<w:tr>{cells}</w:tr>")
                    })
                    .collect();
                format!("<w:tbl>{rows}</w:tbl>")
            }
        });
    }
    let mut styles = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>"#,
    );
    for l in 1..=6 {
        styles.push_str(&format!(r#"<w:style w:type="paragraph" w:styleId="Heading{l}"><w:name w:val="heading {l}"/></w:style>"#));
    }
    styles.push_str("</w:styles>");
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let write = |e: std::io::Error| TextError::Write {
        reason: e.to_string(),
    };
    let zip_err = |e: zip::result::ZipError| TextError::Write {
        reason: e.to_string(),
    };
    let mut out = Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", RELS),
            ("word/_rels/document.xml.rels", DOC_RELS),
            ("word/styles.xml", styles.as_str()),
            ("word/document.xml", document.as_str()),
        ] {
            z.start_file(name, o).map_err(zip_err)?;
            std::io::Write::write_all(&mut z, content.as_bytes()).map_err(write)?;
        }
        z.finish().map_err(zip_err)?;
    }
    Ok(out.into_inner())
}
