//! What a hostile upload costs the checker, for `/usr/bin/time -v`:
//!
//! ```text
//! cargo build --release -p gongfu-texts --example hostile
//! target/release/examples/hostile write /tmp/hostile
//! /usr/bin/time -v target/release/examples/hostile check /tmp/hostile/tiny-paragraphs.docx
//! ```
//!
//! `write` makes the files (the hostile ones, refused, and the costliest the limits let
//! through, `limit-*`) in a process of its own, so that building them does not count in the
//! peak memory of `check`. `check` parses one file and checks it as the server does (`parse`,
//! then `check`), and prints what it read or why it refused. BENCHMARKS.md has the numbers.

#![allow(clippy::expect_used)]

use std::io::Write;
use std::path::Path;

use gongfu_domain::standard::NumberRules;
use gongfu_texts::{
    check, parse, Format, NoRegistry, MAX_CHARACTERS, MAX_MARKDOWN_MARKS, MAX_NUMBERINGS,
    MAX_PARAGRAPHS, MAX_STYLES, MAX_TABLE_CELLS,
};

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

/// Writes `unit(0)`, `unit(1)`, ... into `z` while the total stays within `bytes`; returns
/// the count and the bytes written.
fn fill(z: &mut impl Write, bytes: usize, unit: impl Fn(usize) -> String) -> (usize, usize) {
    let (mut units, mut written) = (0, 0);
    loop {
        let u = unit(units);
        if written + u.len() > bytes {
            return (units, written);
        }
        z.write_all(u.as_bytes()).expect("write");
        written += u.len();
        units += 1;
    }
}

/// A .docx whose part `name` is `head`, then `unit(i)` for i in 0.., then `tail`, streamed
/// into the archive until the part is `bytes` long; any other part is in `small`.
fn docx(
    path: &Path,
    small: &[(&str, String)],
    (name, head, tail): (&str, &str, &str),
    bytes: usize,
    unit: impl Fn(usize) -> String,
) {
    let file = std::fs::File::create(path).expect("create");
    let mut z = zip::ZipWriter::new(file);
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    for (n, content) in small {
        z.start_file(*n, o).expect("zip");
        z.write_all(content.as_bytes()).expect("zip");
    }
    z.start_file(name, o).expect("zip");
    z.write_all(head.as_bytes()).expect("zip");
    let (units, written) = fill(&mut z, bytes - head.len() - tail.len(), unit);
    z.write_all(tail.as_bytes()).expect("zip");
    z.finish().expect("zip");
    let size = std::fs::metadata(path).expect("stat").len();
    println!(
        "{}: {units} units, {name} {} bytes, file {size} bytes",
        path.display(),
        written + head.len() + tail.len()
    );
}

/// A paragraph's text: 应, or 须 for about one paragraph in sixty-four (a hash of `i` picks), so that
/// the archive does not compress to almost nothing and is the size of the file the hardening
/// issue reported (about 190 KB).
fn varied(i: usize) -> &'static str {
    if (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58 == 0 {
        "须"
    } else {
        "应"
    }
}

fn write(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    // Each part up to 60 MiB decompressed, under the 64 MiB a part may decompress to.
    let size = 60 << 20;
    let body_head = format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>"#);
    let body = |inner: &str| format!("{body_head}{inner}</w:body></w:document>");
    let document = (
        "word/document.xml",
        body_head.as_str(),
        "</w:body></w:document>",
    );
    // Paragraphs of one character.
    docx(
        &dir.join("tiny-paragraphs.docx"),
        &[],
        document,
        size,
        |i| format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", varied(i)),
    );
    // One row of empty cells.
    let row_head = format!("{body_head}<w:tbl><w:tr>");
    docx(
        &dir.join("empty-cells.docx"),
        &[],
        (
            "word/document.xml",
            &row_head,
            "</w:tr></w:tbl></w:body></w:document>",
        ),
        size,
        |_| "<w:tc/>".into(),
    );
    // A one-paragraph document with a great many styles, and with a great many numbering
    // definitions.
    let small = [(
        "word/document.xml",
        body("<w:p><w:r><w:t>应</w:t></w:r></w:p>"),
    )];
    let styles_head = format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:styles {W}>"#);
    docx(
        &dir.join("many-styles.docx"),
        &small,
        ("word/styles.xml", &styles_head, "</w:styles>"),
        size,
        |i| format!(r#"<w:style w:styleId="{i}"></w:style>"#),
    );
    let numbering_head = format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}>"#);
    docx(
        &dir.join("many-numberings.docx"),
        &small,
        ("word/numbering.xml", &numbering_head, "</w:numbering>"),
        size,
        |i| format!(r#"<w:abstractNum w:abstractNumId="{i}"/>"#),
    );
    // A one-paragraph document among 200,000 empty files: opening the archive costs per file.
    let path = dir.join("many-entries.docx");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).expect("create"));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("word/document.xml", stored).expect("zip");
    z.write_all(small[0].1.as_bytes()).expect("zip");
    for i in 0..200_000 {
        z.start_file(i.to_string(), stored).expect("zip");
    }
    z.finish().expect("zip");
    let written = std::fs::metadata(&path).expect("stat").len();
    println!("{}: 200001 files, file {written} bytes", path.display());
    // Markdown is not compressed: the upload itself is the size (the edge accepts 64 MiB).
    markdown(&dir.join("tiny-paragraphs.md"), "", size, |i| {
        format!("{}\n\n", varied(i))
    });
    at_limits(dir);
}

/// A Markdown file of `head`, then `unit(i)` while the file stays within `bytes`.
fn markdown(path: &Path, head: &str, bytes: usize, unit: impl Fn(usize) -> String) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    f.write_all(head.as_bytes()).expect("write");
    let (units, written) = fill(&mut f, bytes - head.len(), unit);
    f.flush().expect("write");
    println!(
        "{}: {units} units, {} bytes",
        path.display(),
        written + head.len()
    );
}

/// The costliest documents the limits let through, each just within them: what a request
/// can cost at most.
fn at_limits(dir: &Path) {
    let body_head = format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>"#);
    let chapter =
        r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>4 服务要求</w:t></w:r></w:p>"#;
    let head = format!("{body_head}{chapter}");
    let document = ("word/document.xml", head.as_str(), "</w:body></w:document>");
    // Every paragraph allowed, each giving two findings (必须, 需要) in a chapter.
    let unit = "<w:p><w:r><w:t>必须需要做</w:t></w:r></w:p>";
    let bytes = head.len() + 30 + (MAX_PARAGRAPHS - 1) * unit.len();
    docx(
        &dir.join("limit-paragraphs.docx"),
        &[],
        document,
        bytes,
        |_| unit.to_string(),
    );
    // Every character allowed, in paragraphs of 1,000.
    let text = "服".repeat(1000);
    let unit = format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>");
    let bytes = head.len() + 30 + (MAX_CHARACTERS / 1000 - 1) * unit.len();
    docx(
        &dir.join("limit-characters.docx"),
        &[],
        document,
        bytes,
        |_| unit.clone(),
    );
    // Every cell allowed, in one table, each with a paragraph of two characters.
    let table_head = format!("{head}<w:tbl><w:tr>");
    let unit = "<w:tc><w:p><w:r><w:t>必须</w:t></w:r></w:p></w:tc>";
    let bytes = table_head.len() + 40 + (MAX_TABLE_CELLS - 2) * unit.len();
    docx(
        &dir.join("limit-cells.docx"),
        &[],
        (
            "word/document.xml",
            &table_head,
            "</w:tr></w:tbl></w:body></w:document>",
        ),
        bytes,
        |_| unit.to_string(),
    );
    // Everything at once: every style and numbering definition allowed, and every paragraph
    // and character, each paragraph numbered by a definition of its own (a label each).
    let styles_head = format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:styles {W}>"#);
    let mut styles = styles_head.clone();
    for i in 0..MAX_STYLES {
        let based = if i > 0 {
            format!(r#"<w:basedOn w:val="s{}"/>"#, i - 1)
        } else {
            String::new()
        };
        styles.push_str(&format!(r#"<w:style w:type="paragraph" w:styleId="s{i}"><w:name w:val="样式{i}"/>{based}</w:style>"#));
    }
    styles.push_str("</w:styles>");
    let mut numbering = format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}>"#);
    let definitions = MAX_NUMBERINGS / 2;
    for i in 0..definitions {
        numbering.push_str(&format!(r#"<w:abstractNum w:abstractNumId="{i}"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/></w:lvl></w:abstractNum>"#));
    }
    for i in 0..definitions {
        numbering.push_str(&format!(
            r#"<w:num w:numId="{}"><w:abstractNumId w:val="{i}"/></w:num>"#,
            i + 1
        ));
    }
    numbering.push_str("</w:numbering>");
    let text = format!(
        "必须需要做{}",
        "服".repeat(MAX_CHARACTERS / MAX_PARAGRAPHS - 6)
    );
    let unit = |i: usize| {
        format!(
            r#"<w:p><w:pPr><w:pStyle w:val="s{}"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#,
            i % MAX_STYLES,
            i % definitions + 1
        )
    };
    let bytes = head.len()
        + 30
        + (0..MAX_PARAGRAPHS - 1)
            .map(|i| unit(i).len())
            .sum::<usize>();
    docx(
        &dir.join("limit-everything.docx"),
        &[
            ("word/styles.xml", styles),
            ("word/numbering.xml", numbering),
        ],
        document,
        bytes,
        unit,
    );
    // Markdown in the shapes that cost its parser most per mark, each within every limit:
    // one-character paragraphs, a wide table, emphasis.
    let head = "## 4 服务要求\n\n";
    markdown(
        &dir.join("limit-paragraphs.md"),
        head,
        head.len() + (MAX_PARAGRAPHS - 1) * 5,
        |i| format!("{}\n\n", varied(i)),
    );
    let columns = 1000;
    let header = format!("{}|\n{}|\n", "|a".repeat(columns), "|-".repeat(columns));
    let row = format!("{}|\n", "|a".repeat(columns));
    let rows = MAX_TABLE_CELLS / columns - 2;
    markdown(
        &dir.join("limit-table.md"),
        &header,
        header.len() + rows * row.len(),
        |_| row.clone(),
    );
    // "*a* " is two marks; a paragraph of 99 of them and its blank line, 200.
    let paragraph = format!("{}\n\n", "*a* ".repeat(99));
    let paragraphs = (MAX_MARKDOWN_MARKS - 100) / 200;
    markdown(
        &dir.join("limit-emphasis.md"),
        "",
        paragraphs * paragraph.len(),
        |_| paragraph.clone(),
    );
}

fn run(path: &Path) {
    let bytes = std::fs::read(path).expect("read");
    let format = Format::detect(&bytes, path.to_str());
    match parse(&bytes, format) {
        Ok(doc) => {
            let findings = check(&doc, &NumberRules::default(), &NoRegistry);
            println!(
                "{}: read, {} blocks, {} findings",
                path.display(),
                doc.blocks.len(),
                findings.len()
            );
        }
        Err(e) => println!("{}: refused: {e}", path.display()),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["write", dir] => write(Path::new(dir)),
        ["check", file] => run(Path::new(file)),
        _ => eprintln!("usage: hostile write DIR | hostile check FILE"),
    }
}
