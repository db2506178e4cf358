//! Markdown into documents: title and cover number, headings with numbers and levels, GB/T
//! lists written as paragraphs (also on consecutive lines), CommonMark lists with their
//! markers as written, tables, untitled clauses, and every block on its source line.

use gongfu_texts::{parse, parse_markdown, Block, Format, TextError};

use crate::{line_with, shape, CLEAN};

#[test]
fn every_block_is_on_its_source_line() {
    let doc = parse_markdown(CLEAN).unwrap();
    for b in &doc.blocks {
        let (line, needle) = match b {
            Block::Heading {
                line,
                number,
                title,
                ..
            } => match number {
                Some(n) => (*line, format!("{n} {title}")),
                None => (*line, title.clone()),
            },
            Block::Paragraph { line, text } => (*line, text.clone()),
            Block::ListItem { line, text, .. } => (*line, text.clone()),
            Block::Table { line, rows } => (*line, rows[0][0].clone()),
        };
        assert_eq!(line, line_with(CLEAN, &needle), "{b:?}");
    }
}

#[test]
fn the_clean_fixture_reads_as_gbt_structure() {
    let doc = parse_markdown(CLEAN).unwrap();
    let s = shape(&doc);
    for expected in [
        "h1 - 前言",
        "h1 1 范围",
        "h2 3.1 服务对象",
        "li1 —— 经岗前培训；",
        "li1 a) 受理；",
        "li2 1) 登记；",
        "li1 c) 回访。",
        "table [[\"项目\", \"频次\"], [\"满意度调查\", \"每年1次\"]]",
        "h1 - 附录A（资料性）　服务记录",
        "h2 A.1 记录内容",
        "h1 - 参考文献",
    ] {
        assert!(s.iter().any(|b| b == expected), "{expected}: {s:#?}");
    }
    assert!(!s
        .iter()
        .any(|b| b.contains("示例服务规范") || b.contains("DB4403")));
}

#[test]
fn list_items_on_consecutive_lines_are_separate_blocks() {
    let md = "# 规范\n\n## 4 要求\n\n服务人员应满足以下要求：\n——经岗前培训；\n——考核合格，\n并持证上岗。\na)　受理；\nb) 办理。\n";
    let doc = parse_markdown(md).unwrap();
    assert_eq!(
        shape(&doc),
        [
            "h1 4 要求",
            "p 服务人员应满足以下要求：",
            "li1 —— 经岗前培训；",
            "li1 —— 考核合格，并持证上岗。",
            "li1 a) 受理；",
            "li1 b) 办理。",
        ]
    );
    let lines: Vec<u32> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Heading { line, .. }
            | Block::Paragraph { line, .. }
            | Block::ListItem { line, .. }
            | Block::Table { line, .. } => *line,
        })
        .collect();
    assert_eq!(lines, [3, 5, 6, 7, 9, 10]);
}

#[test]
fn commonmark_lists_keep_their_markers_as_written() {
    let md = "# 指南\n\n- 身份证\n* 户口簿\n\n1. 申请\n2. 受理\n\n1) 登记\n2) 核验\n\n- 外层\n  - 内层\n";
    let doc = parse_markdown(md).unwrap();
    assert_eq!(
        shape(&doc),
        [
            "li1 - 身份证",
            "li1 * 户口簿",
            "li1 1. 申请",
            "li1 2. 受理",
            "li2 1) 登记",
            "li2 2) 核验",
            "li1 - 外层",
            "li2 - 内层",
        ]
    );
}

#[test]
fn title_and_cover_number() {
    // The cover may carry other lines before the number.
    let doc =
        parse_markdown("# 示例规范\n\nICS 03.080\n\nDB4403/T 9002—2016\n\n## 前言\n").unwrap();
    assert_eq!(doc.title, "示例规范");
    assert_eq!(doc.number.as_deref(), Some("DB4403/T 9002—2016"));
    assert_eq!(shape(&doc), ["p ICS 03.080", "h1 - 前言"]);
    // An internal norm, whose pattern the parser is not told.
    let doc = parse_markdown("# 示例规范\n\nSLQ/NB 12—2024\n").unwrap();
    assert_eq!(doc.number.as_deref(), Some("SLQ/NB 12—2024"));
    // A number after the first heading is text; `# 前言` first is a chapter, not a title.
    let doc = parse_markdown("# 前言\n\n本文件……\n\n# 1 范围\n\nGB/T 1.1—2020\n").unwrap();
    assert_eq!(doc.title, "");
    assert_eq!(doc.number, None);
    assert_eq!(
        shape(&doc),
        ["h1 - 前言", "p 本文件……", "h1 1 范围", "p GB/T 1.1—2020"]
    );
    // A title that starts with a quantity is a title.
    let doc = parse_markdown("# 15分钟健身圈办事指南\n").unwrap();
    assert_eq!(doc.title, "15分钟健身圈办事指南");
}

#[test]
fn headings_take_their_level_from_their_number() {
    let md = "# T\n\n## 5 服务\n\n#### 5.1 人员\n\n### 5.1.2 资质\n\n### 3.1 0-3岁婴幼儿\n\n## 附录 B（规范性）　评价表\n\n### B.1 方法\n\n### 总则\n";
    assert_eq!(
        shape(&parse_markdown(md).unwrap()),
        [
            "h1 5 服务",
            "h2 5.1 人员",
            "h3 5.1.2 资质",
            "h2 3.1 0-3岁婴幼儿",
            "h1 - 附录 B（规范性）　评价表",
            "h2 B.1 方法",
            "h2 - 总则",
        ]
    );
}

#[test]
fn an_untitled_clause_is_a_heading_without_title() {
    let md = "# T\n\n## 5 要求\n\n### 5.1 人员\n\n5.1.1　服务人员应持证上岗。\n\n5.1.2 服务人员应着装整洁。\n\n1.5 小时内应完成受理。\n";
    assert_eq!(
        shape(&parse_markdown(md).unwrap()),
        [
            "h1 5 要求",
            "h2 5.1 人员",
            "h3 5.1.1 ",
            "p 服务人员应持证上岗。",
            "h3 5.1.2 ",
            "p 服务人员应着装整洁。",
            "p 1.5 小时内应完成受理。",
        ]
    );
}

#[test]
fn bytes_are_utf8_markdown_with_an_optional_bom() {
    let doc = parse(
        b"\xEF\xBB\xBF# \xE6\xA0\x87\xE9\xA2\x98\n",
        Format::Markdown,
    )
    .unwrap();
    assert_eq!(doc.title, "标题");
    let gbk = parse(&[b'#', b' ', 0xB0, 0xEC, 0xCA, 0xC2], Format::Markdown).unwrap_err();
    assert!(matches!(gbk, TextError::NotUtf8 { offset: 2 }), "{gbk}");
    assert!(gbk.to_string().contains("UTF-8"), "{gbk}");
    assert_eq!(Format::detect(b"# x", Some("a.md")), Format::Markdown);
    assert_eq!(Format::detect(b"# x", Some("A.DOCX")), Format::Docx);
}

#[test]
fn plain_text_has_title_and_every_block() {
    let doc = parse_markdown(CLEAN).unwrap();
    let text = doc.plain_text();
    for needle in [
        "示例服务规范",
        "4.1 人员",
        "——经岗前培训；",
        "满意度调查 每年1次",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
}
