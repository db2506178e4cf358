//! .docx into documents: heading styles (by id, by localized name, through `basedOn`, GB/T
//! template names), clause numbers and list markers from Word's numbering definitions or
//! from the text, tables, and what a real file carries besides (table of contents, tracked
//! changes, text boxes); and every way a file can be unreadable, as its own error.

use std::io::Write;

use gongfu_texts::{parse, parse_docx, parse_markdown, write_docx, Block, Format, TextError};

use crate::{findings_in, shape, CLEAN};

pub const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

/// A .docx with `body` in word/document.xml and the optional parts given.
pub fn docx(body: &str, styles: Option<&str>, numbering: Option<&str>) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let mut parts = vec![
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#.to_string()),
        ("word/document.xml", document),
    ];
    if let Some(s) = styles {
        parts.push((
            "word/styles.xml",
            format!(r#"<?xml version="1.0"?><w:styles {W}>{s}</w:styles>"#),
        ));
    }
    if let Some(n) = numbering {
        parts.push((
            "word/numbering.xml",
            format!(r#"<?xml version="1.0"?><w:numbering {W}>{n}</w:numbering>"#),
        ));
    }
    zip_of(&parts, zip::CompressionMethod::Deflated)
}

pub fn zip_of(parts: &[(&str, String)], method: zip::CompressionMethod) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(true);
        for (name, content) in parts {
            z.start_file(*name, o).unwrap();
            z.write_all(content.as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    out.into_inner()
}

/// A zip of raw parts (any bytes).
fn zip_bytes(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        for (name, content) in parts {
            z.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(content).unwrap();
        }
        z.finish().unwrap();
    }
    out.into_inner()
}

fn escape(t: &str) -> String {
    t.replace('&', "&amp;").replace('<', "&lt;")
}

/// A paragraph in `style` (none when empty) with `text` in one run.
fn p(style: &str, text: &str) -> String {
    let ppr = if style.is_empty() {
        String::new()
    } else {
        format!(r#"<w:pPr><w:pStyle w:val="{style}"/></w:pPr>"#)
    };
    format!(
        r#"<w:p>{ppr}<w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        escape(text)
    )
}

/// A paragraph numbered by instance `num` at level `ilvl`.
fn numbered(num: u32, ilvl: u32, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{}</w:t></w:r></w:p>"#,
        escape(text)
    )
}

fn table(rows: &[&[&str]]) -> String {
    let rows: String = rows
        .iter()
        .map(|r| {
            let cells: String = r
                .iter()
                .map(|c| format!("<w:tc>{}</w:tc>", p("", c)))
                .collect();
            format!("<w:tr>{cells}</w:tr>")
        })
        .collect();
    format!("<w:tbl>{rows}</w:tbl>")
}

/// `CLEAN` as a .docx the way a plain template writes it: the Title style, chapters in a
/// style with a localized id (`1`, named "heading 1"), clauses and list markers in the text.
fn clean_docx() -> Vec<u8> {
    let doc = parse_markdown(CLEAN).unwrap();
    let mut body = p("Title", &doc.title) + &p("", doc.number.as_deref().unwrap());
    for b in &doc.blocks {
        body.push_str(&match b {
            Block::Heading {
                level: 1,
                number,
                title,
                ..
            } => p(
                "1",
                format!("{} {title}", number.clone().unwrap_or_default()).trim(),
            ),
            Block::Heading { number, title, .. } => p(
                "",
                &format!("{} {title}", number.clone().unwrap_or_default()),
            ),
            Block::Paragraph { text, .. } => p("", text),
            Block::ListItem { marker, text, .. } => p("", &format!("{marker}　{text}")),
            Block::Table { rows, .. } => {
                let rows: Vec<Vec<&str>> = rows
                    .iter()
                    .map(|r| r.iter().map(String::as_str).collect())
                    .collect();
                let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
                table(&rows)
            }
        });
    }
    let styles =
        r#"<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style>"#;
    docx(&body, Some(styles), None)
}

#[test]
fn a_clean_docx_reads_like_its_markdown_and_has_no_findings() {
    let bytes = clean_docx();
    let doc = parse_docx(&bytes).unwrap();
    let md = parse_markdown(CLEAN).unwrap();
    assert_eq!(doc.title, md.title);
    assert_eq!(doc.number, md.number);
    assert_eq!(shape(&doc), shape(&md));
    let f = findings_in(&doc);
    assert!(f.is_empty(), "{f:#?}");
    // Lines are paragraph positions: the title is 1, the number 2, 前言 3.
    assert!(
        matches!(&doc.blocks[0], Block::Heading { line: 3, .. }),
        "{:?}",
        doc.blocks[0]
    );
    assert_eq!(Format::detect(&bytes, None), Format::Docx);
}

#[test]
fn a_document_written_as_docx_reads_back_the_same() {
    let md = parse_markdown(CLEAN).unwrap();
    let back = parse_docx(&write_docx(&md).unwrap()).unwrap();
    assert_eq!(back.title, md.title);
    assert_eq!(back.number, md.number);
    assert_eq!(shape(&back), shape(&md));
}

const TEMPLATE_STYLES: &str = r#"
<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="a5"><w:name w:val="标准文件_标准名称"/><w:basedOn w:val="a"/></w:style>
<w:style w:type="paragraph" w:styleId="a6"><w:name w:val="标准文件_前言、引言标题"/></w:style>
<w:style w:type="paragraph" w:styleId="a7"><w:name w:val="标准文件_章标题"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="a8"><w:name w:val="标准文件_一级条标题"/><w:basedOn w:val="a7"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="a9"><w:name w:val="客户条标题"/><w:basedOn w:val="a8"/></w:style>
<w:style w:type="paragraph" w:styleId="aa"><w:name w:val="标准文件_附录标识"/><w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ab"><w:name w:val="标准文件_附录一级条标题"/><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="5"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ac"><w:name w:val="标准文件_参考文献、索引标题"/></w:style>
<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/></w:style>
<w:style w:type="character" w:styleId="c1"><w:name w:val="heading 1 Char"/></w:style>
"#;

const TEMPLATE_NUMBERING: &str = r#"
<w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2)"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="2">
  <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="——"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="3">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="附录%1"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="4">
  <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="&#xF0B7;"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="5"><w:abstractNumId w:val="3"/></w:num>
<w:num w:numId="6"><w:abstractNumId w:val="4"/></w:num>
"#;

/// `CLEAN` the way a GB/T drafting template writes it: every chapter, clause, appendix and
/// list item numbered by Word (the text has no numbers or markers), a cover with the number
/// above the title, a table of contents, a tracked deletion, a moved-from run, a text box
/// with its fallback copy, a table in a table, a character reference.
fn template_docx(extra_in_4_3: &str) -> Vec<u8> {
    let body = [
        p("", "DB4403/T 9999—2025"),
        p("a5", "示例服务规范"),
        p("", "目　　次"),
        p("TOC1", "前言\tI"),
        p("TOC1", "1　范围\t1"),
        p("", "5.1 满意度\t3"),
        p("a6", "前　　言"),
        r#"<w:p><w:r><w:t>本文件按照GB/T 1.1&#x2014;2020《标准化工作导则</w:t></w:r><w:del w:id="1"><w:r><w:delText>（旧）</w:delText></w:r></w:del><w:r><w:t xml:space="preserve">　第1部分：标准化文件的结构和起草规则》的规定起草。</w:t></w:r></w:p>"#.to_string(),
        p("a7", "范围"),
        p("", "本文件规定了示例服务的服务要求和评价。"),
        p("a7", "规范性引用文件"),
        p("", "下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。其中，注日期的引用文件，仅该日期对应的版本适用于本文件；不注日期的引用文件，其最新版本（包括所有的修改单）适用于本文件。"),
        p("", "GB/T 1.1　标准化工作导则　第1部分：标准化文件的结构和起草规则"),
        p("a7", "术语和定义"),
        p("", "下列术语和定义适用于本文件。"),
        p("a8", "服务对象"),
        p("", "接受示例服务的居民。"),
        p("a8", "服务提供机构"),
        p("", "提供示例服务的机构。"),
        p("a7", "服务要求"),
        p("a9", "人员"),
        p("", "服务人员应满足以下要求："),
        numbered(3, 0, "经岗前培训；"),
        numbered(3, 0, "考核合格。"),
        p("a8", "流程"),
        p("", "服务流程应包括："),
        numbered(2, 0, "受理；"),
        numbered(2, 0, "办理："),
        numbered(2, 1, "登记；"),
        numbered(2, 1, "核验；"),
        numbered(2, 0, "回访。"),
        p("a8", "文件"),
        r#"<w:p><w:pPrChange><w:pPr><w:pStyle w:val="a7"/></w:pPr></w:pPrChange><w:r><w:t>服务规范的编写应符合GB/T 1.1的规定。</w:t></w:r><w:moveFrom><w:r><w:t>（已移走）</w:t></w:r></w:moveFrom></w:p>"#.to_string(),
        extra_in_4_3.to_string(),
        p("a7", "评价"),
        p("a8", "满意度"),
        r#"<w:p><w:r><w:t>应每年开展满意度调查。</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>调查流程图</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>调查流程图</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"#.to_string(),
        format!(
            "<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr><w:tr><w:tc>{}</w:tc><w:tc>{}{}</w:tc></w:tr></w:tbl>",
            p("", "项目"),
            p("", "频次"),
            p("", "满意度调查"),
            p("", "每年1次"),
            table(&[&["春季", "秋季"]]),
        ),
        p("a8", "改进"),
        p("", "改进措施包括："),
        numbered(4, 0, "分析原因；"),
        numbered(4, 0, "制定措施。"),
        p("aa", "（资料性）"),
        p("", "服务记录"),
        p("ab", "记录内容"),
        p("", "服务记录宜包括受理、办理和回访的时间。"),
        p("ab", "记录保存"),
        p("", "记录的管理可参见GB/T 19001。"),
        p("ac", "参考文献"),
        p("", "[1]　GB/T 19001　质量管理体系　要求"),
    ]
    .concat();
    docx(&body, Some(TEMPLATE_STYLES), Some(TEMPLATE_NUMBERING))
}

#[test]
fn a_template_docx_numbered_by_word_reads_as_gbt_structure() {
    let doc = parse_docx(&template_docx("")).unwrap();
    assert_eq!(doc.title, "示例服务规范");
    assert_eq!(doc.number.as_deref(), Some("DB4403/T 9999—2025"));
    let s = shape(&doc);
    let expected = [
        "h1 - 目次",
        "p 前言\tI",
        "p 1　范围\t1",
        "p 5.1 满意度\t3",
        "h1 - 前言",
        "p 本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。",
        "h1 1 范围",
        "p 本文件规定了示例服务的服务要求和评价。",
        "h1 2 规范性引用文件",
    ];
    assert_eq!(s[..expected.len()], expected, "{s:#?}");
    for block in [
        "h2 3.1 服务对象",
        "h2 4.1 人员",
        "li1 —— 经岗前培训；",
        "li1 a) 受理；",
        "li2 1) 登记；",
        "li2 2) 核验；",
        "li1 c) 回访。",
        "p 服务规范的编写应符合GB/T 1.1的规定。",
        "p 调查流程图",
        "p 应每年开展满意度调查。",
        "table [[\"项目\", \"频次\"], [\"满意度调查\", \"每年1次\\n春季 秋季\"]]",
        "li1 a) 分析原因；",
        "li1 b) 制定措施。",
        "h1 - 附录A （资料性）　服务记录",
        "h2 A.1 记录内容",
        "h2 A.2 记录保存",
        "h1 - 参考文献",
    ] {
        assert!(s.iter().any(|b| b == block), "{block}: {s:#?}");
    }
    assert_eq!(
        s.iter().filter(|b| b.contains("调查流程图")).count(),
        1,
        "fallback skipped"
    );
    assert!(
        !s.iter()
            .any(|b| b.contains("已移走") || b.contains("（旧）")),
        "{s:#?}"
    );
    let f = findings_in(&doc);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn template_docx_findings_point_at_paragraphs() {
    // A symbol-font bullet list in 4.3: flagged as "•" at its paragraph.
    let doc = parse_docx(&template_docx(&numbered(6, 0, "每年修订。"))).unwrap();
    let f = findings_in(&doc);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].rule, "list-marker");
    assert_eq!(f[0].location.clause.as_deref(), Some("4.3"));
    assert!(f[0].message.contains('•'), "{f:?}");
    let line = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::ListItem { text, line, .. } if text == "每年修订。" => Some(*line),
            _ => None,
        })
        .unwrap();
    assert_eq!(f[0].location.line, line);
    // An untitled clause numbered in the text, 4.3.1, alone under 4.3 and after 4.3's own
    // paragraph: a lone subclause, and that paragraph now hangs.
    let doc = parse_docx(&template_docx(&p("", "4.3.1　修订应留痕。"))).unwrap();
    assert!(
        shape(&doc).iter().any(|b| b == "h3 4.3.1 "),
        "{:#?}",
        shape(&doc)
    );
    let f = findings_in(&doc);
    let got: Vec<(&str, Option<&str>)> = f
        .iter()
        .map(|f| (f.rule.as_str(), f.location.clause.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("hanging-paragraph", Some("4.3")),
            ("clause-lone", Some("4.3.1"))
        ],
        "{f:#?}"
    );
}

#[test]
fn headings_by_english_style_ids_and_lists_without_numbering_definitions() {
    let body = p("Title", "指南")
        + &p("Heading2", "办理条件")
        + &numbered(3, 1, "身份证件")
        + &numbered(3, 0, "a)　户口簿")
        + &p("", "携带材料到窗口&办理。")
        + r#"<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>办理流程</w:t></w:r></w:p>"#
        + "<w:p/>"
        + r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>不是列项</w:t><w:tab/><w:t>（编号0）</w:t></w:r></w:p>"#;
    let doc = parse_docx(&docx(&body, None, None)).unwrap();
    assert_eq!(doc.title, "指南");
    assert_eq!(
        shape(&doc),
        [
            "h2 - 办理条件",
            "li2  身份证件",
            "li1 a) 户口簿",
            "p 携带材料到窗口&办理。",
            "h1 - 办理流程",
            "p 不是列项\t（编号0）",
        ]
    );
    assert!(matches!(&doc.blocks[3], Block::Paragraph { line: 5, .. }));
}

#[test]
fn the_main_part_may_be_named_by_the_package_relationships() {
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
    let document = format!(
        r#"<w:document {W}><w:body>{}</w:body></w:document>"#,
        p("Title", "另一种命名")
    );
    let bytes = zip_of(
        &[
            ("_rels/.rels", rels.to_string()),
            ("word/document2.xml", document),
        ],
        zip::CompressionMethod::Deflated,
    );
    assert_eq!(parse_docx(&bytes).unwrap().title, "另一种命名");
}

#[test]
fn a_utf16_document_part_is_read() {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-16"?><w:document {W}><w:body>{}</w:body></w:document>"#,
        p("Title", "十六位")
    );
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(document.encode_utf16().flat_map(u16::to_le_bytes));
    let out = zip_bytes(&[("word/document.xml", &bytes)]);
    assert_eq!(parse_docx(&out).unwrap().title, "十六位");
}

/// Which variant an error is: the match fails to compile when a variant is added, so the
/// test below must be extended.
fn variant(e: &TextError) -> &'static str {
    match e {
        TextError::NotUtf8 { .. } => "NotUtf8",
        TextError::NotZip { .. } => "NotZip",
        TextError::LegacyOrEncrypted => "LegacyOrEncrypted",
        TextError::Encrypted { .. } => "Encrypted",
        TextError::NoDocument => "NoDocument",
        TextError::TooLarge { .. } => "TooLarge",
        TextError::Xml { .. } => "Xml",
        TextError::Docx { .. } => "Docx",
        TextError::OverLimit { .. } => "OverLimit",
        TextError::Write { .. } => "Write",
    }
}

/// Sets the "encrypted" flag of every entry, in local and central headers.
fn encrypt_flags(mut zip: Vec<u8>) -> Vec<u8> {
    for i in 0..zip.len().saturating_sub(10) {
        if zip[i..].starts_with(b"PK\x03\x04") {
            zip[i + 6] |= 1;
        } else if zip[i..].starts_with(b"PK\x01\x02") {
            zip[i + 8] |= 1;
        }
    }
    zip
}

#[test]
fn every_unreadable_file_is_its_own_clear_error() {
    let readme = zip_of(
        &[("readme.txt", "hi".into())],
        zip::CompressionMethod::Stored,
    );
    let bad_xml = docx("<w:p><w:r><w:t>unclosed</w:r>", None, None);
    let not_unicode = zip_bytes(&[("word/document.xml", &[0x3C, 0xB0, 0xEC, 0xCA])]);
    let encrypted = encrypt_flags(docx(&p("", "x"), None, None));
    let cases: Vec<(&str, Vec<u8>, Format, &str, &str)> = vec![
        (
            "NotZip",
            b"PK\x03\x04 not really".to_vec(),
            Format::Docx,
            "不是 zip 压缩包",
            "另存为 .docx",
        ),
        (
            "NotZip",
            b"random".to_vec(),
            Format::Docx,
            "不是 zip 压缩包",
            "另存为 .docx",
        ),
        (
            "LegacyOrEncrypted",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest".to_vec(),
            Format::Docx,
            "旧版 Word .doc",
            "取消密码",
        ),
        (
            "NoDocument",
            readme,
            Format::Docx,
            "word/document.xml",
            "另存为 .docx",
        ),
        (
            "Xml",
            bad_xml,
            Format::Docx,
            "word/document.xml 在第",
            "另存为 .docx",
        ),
        (
            "Docx",
            not_unicode,
            Format::Docx,
            "不是 UTF-8 或 UTF-16",
            "另存为 .docx",
        ),
        ("Encrypted", encrypted, Format::Docx, "已加密", "取消密码"),
        (
            "NotUtf8",
            vec![0xB0, 0xEC],
            Format::Markdown,
            "不是 UTF-8",
            "另存为 UTF-8",
        ),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for (name, bytes, format, what, todo) in cases {
        let e = parse(&bytes, format).unwrap_err();
        assert_eq!(variant(&e), name, "{e}");
        let msg = e.to_string();
        assert!(msg.contains(what) && msg.contains(todo), "{name}: {msg}");
        seen.insert(name);
    }
    assert_eq!(
        Format::detect(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", None),
        Format::Docx,
        "an old .doc is read as docx, to get the error that names it"
    );
    // TooLarge and OverLimit have their own tests (limits.rs); Write cannot happen on an
    // in-memory archive.
    assert_eq!(seen.len(), 7);
}

#[test]
fn a_part_larger_than_the_cap_is_refused_not_inflated() {
    let cap = usize::try_from(gongfu_texts::MAX_PART_BYTES).unwrap();
    let huge = format!(
        "<w:document {W}><w:body>{}</w:body></w:document>",
        " ".repeat(cap)
    );
    let bytes = zip_of(
        &[("word/document.xml", huge)],
        zip::CompressionMethod::Stored,
    );
    let e = parse_docx(&bytes).unwrap_err();
    assert_eq!(variant(&e), "TooLarge", "{e}");
    assert!(e.to_string().contains("word/document.xml"), "{e}");
}
