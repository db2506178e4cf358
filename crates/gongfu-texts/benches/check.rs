//! `cargo bench -p gongfu-texts`: parsing and checking a 200-page standard, as Markdown and
//! as .docx. A page of a GB/T standard holds about 1,500 Chinese characters; the generated
//! document has the required elements, chapters of five clauses with subclauses, lists,
//! tables and normative references cited in the text, so every rule runs over all of it.
//! The .docx comes two ways: from gongfu's own writer (heading styles, numbers and markers
//! in the text) and as a GB/T drafting template writes it (every clause number and list
//! marker printed by Word from `numbering.xml`, the text holding none). Last, a hostile
//! text of 30,000 chapters all named 前言 (as many as the limits on a document let through:
//! 240,000 of the 250,000 Markdown marks), which must stay linear.
//!
//! Prints the median of 7 runs per step, in seconds.

use std::io::Write;
use std::time::{Duration, Instant};

use gongfu_domain::standard::NumberRules;
use gongfu_texts::{check, parse_docx, parse_markdown, write_docx, Block, Document, NoRegistry};

const FILLER: &str =
    "服务提供机构应按照本文件的规定提供服务，并对服务过程进行记录和检查，确保服务质量符合要求。";

fn generate(pages: usize) -> String {
    let mut md = String::from("# 示例基本公共服务规范（基准测试）\n\nDB4403/T 9999—2025\n\n## 前言\n\n本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。\n\n## 1 范围\n\n本文件规定了示例服务的要求。\n\n## 2 规范性引用文件\n\n下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。其中，注日期的引用文件，仅该日期对应的版本适用于本文件；不注日期的引用文件，其最新版本（包括所有的修改单）适用于本文件。\n\n");
    for k in 1..=20 {
        md.push_str(&format!("GB/T {} 示例引用标准{k}\n\n", 30000 + k));
    }
    md.push_str("## 3 术语和定义\n\n下列术语和定义适用于本文件。\n\n");
    for t in 1..=30 {
        md.push_str(&format!("### 3.{t} 术语{t}\n\n术语{t}的定义。\n\n"));
    }
    let target = pages * 1500;
    let mut chapter = 4;
    while md.chars().count() < target {
        md.push_str(&format!("## {chapter} 服务要求{chapter}\n\n"));
        for c in 1..=5 {
            md.push_str(&format!("### {chapter}.{c} 条款{c}\n\n"));
            for s in 1..=3 {
                md.push_str(&format!("#### {chapter}.{c}.{s} 细则{s}\n\n"));
                for _ in 0..3 {
                    md.push_str(FILLER);
                    md.push_str(FILLER);
                    md.push_str("\n\n");
                }
                md.push_str(&format!(
                    "服务应符合GB/T {}的规定，并满足以下要求：\n\n",
                    30000 + (chapter + c + s) % 20 + 1
                ));
                md.push_str(
                    "a)　受理；\n\nb)　办理：\n\n1)　登记；\n\n2)　核验；\n\nc)　回访。\n\n",
                );
                md.push_str("——记录完整；\n\n——归档及时。\n\n");
            }
        }
        md.push_str("| 项目 | 要求 | 频次 |\n|---|---|---|\n| 检查 | 应记录 | 每月 |\n| 评价 | 应公开 | 每年 |\n\n");
        chapter += 1;
    }
    md
}

fn esc(t: &str) -> String {
    t.replace('&', "&amp;").replace('<', "&lt;")
}

/// `doc` as a GB/T drafting template writes it: styles for chapters and clause levels
/// linked to one multi-level list, lists numbered by Word, one numbering instance (with a
/// restart) per list.
fn template_docx(doc: &Document) -> Vec<u8> {
    let para = |ppr: &str, text: &str| {
        format!(
            "<w:p><w:pPr>{ppr}</w:pPr><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            esc(text)
        )
    };
    let style = |s: &str| format!("<w:pStyle w:val=\"{s}\"/>");
    let num = |id: usize, ilvl: u8| {
        format!("<w:numPr><w:ilvl w:val=\"{ilvl}\"/><w:numId w:val=\"{id}\"/></w:numPr>")
    };
    let mut body = para(&style("Title"), &doc.title);
    if let Some(n) = &doc.number {
        body.push_str(&para("", n));
    }
    // Numbering instance 1: clauses; 2: the dash list; 3..: one per lettered list.
    let mut lists = 2;
    let mut in_list = false;
    for b in &doc.blocks {
        let item = matches!(b, Block::ListItem { .. });
        match b {
            Block::Heading {
                level,
                number: Some(_),
                title,
                ..
            } => body.push_str(&para(&style(&format!("H{}", level.min(&6))), title)),
            Block::Heading { title, .. } => body.push_str(&para(&style("E"), title)),
            Block::Paragraph { text, .. } => body.push_str(&para("", text)),
            Block::ListItem { marker, text, .. } => {
                if marker == "——" {
                    body.push_str(&para(&num(2, 0), text));
                } else {
                    if !in_list {
                        lists += 1;
                    }
                    let ilvl = u8::from(marker.starts_with(|c: char| c.is_ascii_digit()));
                    body.push_str(&para(&num(lists, ilvl), text));
                }
            }
            Block::Table { rows, .. } => {
                body.push_str("<w:tbl>");
                for r in rows {
                    body.push_str("<w:tr>");
                    for c in r {
                        body.push_str(&format!("<w:tc>{}</w:tc>", para("", c)));
                    }
                    body.push_str("</w:tr>");
                }
                body.push_str("</w:tbl>");
            }
        }
        in_list = item;
    }
    let mut styles = String::from(
        r#"<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="标准文件_标准名称"/></w:style><w:style w:type="paragraph" w:styleId="E"><w:name w:val="标准文件_前言、引言标题"/></w:style>"#,
    );
    let names = [
        "章标题",
        "一级条标题",
        "二级条标题",
        "三级条标题",
        "四级条标题",
        "五级条标题",
    ];
    for (l, name) in names.iter().enumerate() {
        styles.push_str(&format!(r#"<w:style w:type="paragraph" w:styleId="H{}"><w:name w:val="标准文件_{name}"/><w:pPr><w:numPr><w:ilvl w:val="{l}"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>"#, l + 1));
    }
    let mut numbering = String::from(r#"<w:abstractNum w:abstractNumId="0">"#);
    for l in 0..6 {
        let text: Vec<String> = (1..=l + 1).map(|k| format!("%{k}")).collect();
        numbering.push_str(&format!(r#"<w:lvl w:ilvl="{l}"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="{}"/></w:lvl>"#, text.join(".")));
    }
    numbering.push_str(r#"</w:abstractNum><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="——"/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2)"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>"#);
    for id in 3..=lists {
        numbering.push_str(&format!(r#"<w:num w:numId="{id}"><w:abstractNumId w:val="2"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>"#));
    }
    let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let parts = [
        (
            "word/document.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><w:document {w}><w:body>{body}</w:body></w:document>"#
            ),
        ),
        (
            "word/styles.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:styles {w}>{styles}</w:styles>"#),
        ),
        (
            "word/numbering.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering {w}>{numbering}</w:numbering>"#
            ),
        ),
    ];
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in parts {
            z.start_file(name, o).expect("zip");
            z.write_all(content.as_bytes()).expect("zip");
        }
        z.finish().expect("zip");
    }
    out.into_inner()
}

fn median(mut f: impl FnMut() -> Duration) -> Duration {
    let mut runs: Vec<Duration> = (0..7).map(|_| f()).collect();
    runs.sort();
    runs[3]
}

fn time<T>(mut f: impl FnMut() -> T) -> Duration {
    median(|| {
        let t = Instant::now();
        std::hint::black_box(f());
        t.elapsed()
    })
}

fn main() {
    let md = generate(200);
    let doc = parse_markdown(&md).expect("markdown");
    let docx = write_docx(&doc).expect("docx");
    let template = template_docx(&doc);
    let rules = NumberRules::default();
    let findings = check(&doc, &rules, &NoRegistry);
    let from_template = parse_docx(&template).expect("template docx");
    let template_findings = check(&from_template, &rules, &NoRegistry);
    let headings = |d: &Document| {
        d.blocks
            .iter()
            .filter(|b| matches!(b, Block::Heading { .. }))
            .count()
    };
    println!(
        "200-page standard: {} characters, {} blocks, {} headings; .docx {} KiB (gongfu's writer), {} KiB (template, {} headings read back); findings: {} (Markdown), {} (template .docx)",
        md.chars().count(),
        doc.blocks.len(),
        headings(&doc),
        docx.len() / 1024,
        template.len() / 1024,
        headings(&from_template),
        findings.len(),
        template_findings.len(),
    );
    let secs = |d: Duration| d.as_secs_f64();
    let parse_md = time(|| parse_markdown(&md).expect("markdown"));
    let parse_dx = time(|| parse_docx(&docx).expect("docx"));
    let parse_tpl = time(|| parse_docx(&template).expect("docx"));
    let checked = time(|| check(&doc, &rules, &NoRegistry));
    println!("| step | median of 7 (s) |");
    println!("|---|---|");
    println!("| parse Markdown | {:.3} |", secs(parse_md));
    println!("| parse .docx (gongfu's writer) | {:.3} |", secs(parse_dx));
    println!(
        "| parse .docx (template numbering) | {:.3} |",
        secs(parse_tpl)
    );
    println!(
        "| check (all {} rules) | {:.3} |",
        gongfu_texts::RULES.len(),
        secs(checked)
    );
    println!(
        "| **Markdown parse + check** | **{:.3}** |",
        secs(parse_md + checked)
    );
    println!(
        "| **template .docx parse + check** | **{:.3}** |",
        secs(parse_tpl + checked)
    );

    // Hostile: 30,000 chapters named 前言, each with a paragraph citing a number.
    let hostile = "## 前言\n\n应符合GB/T 1.1的规定。\n\n".repeat(30_000);
    let hostile_doc = parse_markdown(&hostile).expect("markdown");
    let h = time(|| check(&hostile_doc, &rules, &NoRegistry));
    println!(
        "| hostile: 30,000 chapters named 前言 ({} blocks), check | {:.3} |",
        hostile_doc.blocks.len(),
        secs(h)
    );
    // Hostile: one 1 MB paragraph of capitals, each a place a standard number could start.
    let capitals = format!("## 1 范围\n\n{}\n", "GB ".repeat(350_000));
    let capitals_doc = parse_markdown(&capitals).expect("markdown");
    let c = time(|| check(&capitals_doc, &rules, &NoRegistry));
    println!(
        "| hostile: one paragraph of 350,000 \"GB \" ({} KiB), check | {:.3} |",
        capitals.len() / 1024,
        secs(c)
    );
}
