//! .docx (Office Open XML) to [`Document`]: the zip is opened, `word/document.xml` read as
//! XML; paragraph styles (from `word/styles.xml`) tell the title and headings, numbering
//! properties tell list items, tables keep their rows. GB/T templates often number clauses
//! in the text itself ("5.1 人员") without a heading style: such short numbered paragraphs
//! are headings too. `line` is the paragraph's 1-based position in the body.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::classify::{level_of, push_paragraph, split_number};
use crate::{Block, Document, TextError};

/// The most a part may decompress to: a real standard's document.xml is a few MiB; a zip
/// bomb is not read.
const MAX_PART: u64 = 64 * 1024 * 1024;

fn err(reason: impl Into<String>) -> TextError {
    TextError::Docx {
        reason: reason.into(),
    }
}

fn read_part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, TextError> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(err(format!("cannot open {name} in the archive ({e})"))),
    };
    if file.size() > MAX_PART {
        return Err(err(format!(
            "{name} would decompress to {} bytes, more than the {MAX_PART} allowed",
            file.size()
        )));
    }
    let mut bytes = Vec::new();
    file.take(MAX_PART + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| err(format!("cannot decompress {name} ({e})")))?;
    if bytes.len() as u64 > MAX_PART {
        return Err(err(format!(
            "{name} decompresses to more than {MAX_PART} bytes"
        )));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| err(format!("{name} is not UTF-8 XML")))
}

fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            // Attribute values here are style ids and numbers: plain ASCII in practice, so
            // a lossy decode is exact; unescape_value is not available with every feature
            // set of quick-xml in the workspace.
            let raw = String::from_utf8_lossy(&a.value).into_owned();
            quick_xml::escape::unescape(&raw)
                .map(|v| v.into_owned())
                .ok()
        })
}

/// What a style means for structure.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StyleRole {
    Title,
    Heading(u8),
}

fn role_of(name: &str) -> Option<StyleRole> {
    let n = name.trim().to_ascii_lowercase().replace(' ', "");
    if n == "title" || n == "标题" {
        return Some(StyleRole::Title);
    }
    for prefix in ["heading", "标题"] {
        if let Some(rest) = n.strip_prefix(prefix) {
            if let Ok(l) = rest.parse::<u8>() {
                if (1..=9).contains(&l) {
                    return Some(StyleRole::Heading(l));
                }
            }
        }
    }
    None
}

fn styles(xml: &str) -> HashMap<String, StyleRole> {
    let mut out = HashMap::new();
    let mut reader = Reader::from_str(xml);
    let mut current: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"style" => {
                current = attr(&e, b"styleId")
            }
            Ok(Event::Empty(e)) if e.local_name().as_ref() == b"name" => {
                if let (Some(id), Some(name)) = (&current, attr(&e, b"val")) {
                    if let Some(r) = role_of(&name) {
                        out.insert(id.clone(), r);
                    }
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == b"style" => current = None,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

#[derive(Default)]
struct Para {
    style: Option<String>,
    list_level: Option<u8>,
    text: String,
}

/// Parses a .docx file.
pub fn parse_docx(bytes: &[u8]) -> Result<Document, TextError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| err(format!("it is not a zip archive, as every .docx is ({e})")))?;
    let Some(xml) = read_part(&mut zip, "word/document.xml")? else {
        return Err(err(
            "the archive has no word/document.xml, so it is not a Word document",
        ));
    };
    let styles = read_part(&mut zip, "word/styles.xml")?
        .map(|s| styles(&s))
        .unwrap_or_default();
    let role = |id: &str| styles.get(id).copied().or_else(|| role_of(id));

    let mut doc = Document {
        title: String::new(),
        number: None,
        blocks: vec![],
    };
    let mut reader = Reader::from_str(&xml);
    let mut para: Option<Para> = None;
    let mut in_text = false;
    let mut paragraphs: u32 = 0;
    // Open tables, innermost last: rows of cells.
    let mut tables: Vec<(Vec<Vec<String>>, u32)> = vec![];
    let mut cell: Option<String> = None;
    loop {
        let event = reader.read_event().map_err(|e| {
            err(format!(
                "word/document.xml is not well-formed XML near byte {} ({e})",
                reader.buffer_position()
            ))
        })?;
        match event {
            Event::Start(e) | Event::Empty(e) if !matches!(event_kind(&e), Kind::Other) => {
                match event_kind(&e) {
                    Kind::P => {
                        paragraphs += 1;
                        para = Some(Para::default());
                    }
                    Kind::PStyle => {
                        if let Some(p) = para.as_mut() {
                            p.style = attr(&e, b"val");
                        }
                    }
                    Kind::NumPr => {
                        if let Some(p) = para.as_mut() {
                            p.list_level.get_or_insert(1);
                        }
                    }
                    Kind::Ilvl => {
                        if let Some(p) = para.as_mut() {
                            let l = attr(&e, b"val")
                                .and_then(|v| v.parse::<u8>().ok())
                                .unwrap_or(0);
                            p.list_level = Some(l.saturating_add(1));
                        }
                    }
                    Kind::T => in_text = true,
                    Kind::Tab => push_text(&mut para, "\t"),
                    Kind::Br => push_text(&mut para, "\n"),
                    Kind::Tbl => tables.push((vec![], paragraphs + 1)),
                    Kind::Tr => {
                        if let Some((rows, _)) = tables.last_mut() {
                            rows.push(vec![]);
                        }
                    }
                    Kind::Tc => cell = Some(String::new()),
                    Kind::Other => {}
                }
            }
            Event::Text(t) if in_text => {
                let s = t
                    .decode()
                    .map_err(|e| err(format!("bad text in word/document.xml ({e})")))?;
                push_text(&mut para, &s);
            }
            Event::GeneralRef(r) if in_text => {
                let name = r.decode().unwrap_or_default();
                let c = match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                };
                push_text(&mut para, c);
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => {
                    if let Some(p) = para.take() {
                        match cell.as_mut() {
                            Some(c) => {
                                if !c.is_empty() && !p.text.trim().is_empty() {
                                    c.push('\n');
                                }
                                c.push_str(p.text.trim());
                            }
                            None => emit(&mut doc, p, paragraphs, &role),
                        }
                    }
                }
                b"tc" => {
                    if let (Some(c), Some((rows, _))) = (cell.take(), tables.last_mut()) {
                        if let Some(row) = rows.last_mut() {
                            row.push(c);
                        }
                    }
                }
                b"tbl" => {
                    if let Some((rows, line)) = tables.pop() {
                        if !rows.is_empty() {
                            doc.blocks.push(Block::Table { rows, line });
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(doc)
}

enum Kind {
    P,
    PStyle,
    NumPr,
    Ilvl,
    T,
    Tab,
    Br,
    Tbl,
    Tr,
    Tc,
    Other,
}

fn event_kind(e: &BytesStart<'_>) -> Kind {
    match e.local_name().as_ref() {
        b"p" => Kind::P,
        b"pStyle" => Kind::PStyle,
        b"numPr" => Kind::NumPr,
        b"ilvl" => Kind::Ilvl,
        b"t" => Kind::T,
        b"tab" => Kind::Tab,
        b"br" | b"cr" => Kind::Br,
        b"tbl" => Kind::Tbl,
        b"tr" => Kind::Tr,
        b"tc" => Kind::Tc,
        _ => Kind::Other,
    }
}

fn push_text(para: &mut Option<Para>, s: &str) {
    if let Some(p) = para.as_mut() {
        p.text.push_str(s);
    }
}

fn emit(doc: &mut Document, p: Para, line: u32, role: &dyn Fn(&str) -> Option<StyleRole>) {
    let text = p.text.trim();
    if text.is_empty() {
        return;
    }
    match p.style.as_deref().and_then(role) {
        Some(StyleRole::Title) if doc.title.is_empty() => doc.title = text.to_string(),
        Some(StyleRole::Heading(l)) => {
            let (number, title) = split_number(text);
            let level = number.as_deref().map(level_of).unwrap_or(l);
            doc.blocks.push(Block::Heading {
                level,
                number,
                title,
                line,
            });
        }
        _ => match p.list_level {
            Some(level) => {
                let (marker, rest) = crate::classify::list_marker(text).unwrap_or_default();
                let body = if marker.is_empty() {
                    text.to_string()
                } else {
                    rest
                };
                doc.blocks.push(Block::ListItem {
                    marker,
                    level,
                    text: body,
                    line,
                });
            }
            None => push_paragraph(doc, text, line, true),
        },
    }
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
    let write = |e: std::io::Error| err(format!("cannot write the archive ({e})"));
    let zip_err = |e: zip::result::ZipError| err(format!("cannot write the archive ({e})"));
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
