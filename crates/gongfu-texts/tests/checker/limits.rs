//! The limits on one document: every structure a few bytes of upload can multiply is counted
//! as it is read, the first one over is refused with a Chinese message that says which
//! limit, how many the file has and what to do, and a document at a limit is still read.

use gongfu_domain::standard::NumberRules;
use gongfu_texts::{
    check, parse, parse_docx, parse_markdown, Block, Format, Limit, NoRegistry, TextError,
    MAX_CHARACTERS, MAX_FINDINGS_PER_RULE, MAX_MARKDOWN_BYTES, MAX_MARKDOWN_MARKS, MAX_NUMBERINGS,
    MAX_PARAGRAPHS, MAX_STYLES, MAX_TABLE_CELLS,
};

use crate::docx::{zip_of, W};

/// A .docx, stored (not compressed, which is slow in a debug build), whose body is `body`
/// and whose other parts are `parts`.
fn docx_with(body: &str, parts: &[(&str, String)]) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>"#
    );
    let mut all = vec![("word/document.xml", document)];
    all.extend(parts.iter().cloned());
    zip_of(&all, zip::CompressionMethod::Stored)
}

fn docx(body: &str) -> Vec<u8> {
    docx_with(body, &[])
}

/// The limit `e` is over, and how many it says the file has.
fn over(e: TextError) -> (Limit, usize) {
    match e {
        TextError::OverLimit { limit, found } => (limit, found),
        e => panic!("not over a limit: {e}"),
    }
}

/// A file with `n` of what `limit` counts, and its format. The match has no wildcard: a new
/// limit does not compile until it has a case here.
fn with(limit: Limit, n: usize) -> (Vec<u8>, Format) {
    let styles = |n: usize| {
        let defs: String = (0..n)
            .map(|i| format!(r#"<w:style w:type="paragraph" w:styleId="s{i}"/>"#))
            .collect();
        format!(r#"<?xml version="1.0"?><w:styles {W}>{defs}</w:styles>"#)
    };
    let numbering = |n: usize| {
        let defs: String = (0..n)
            .map(|i| format!(r#"<w:abstractNum w:abstractNumId="{i}"/>"#))
            .collect();
        format!(r#"<?xml version="1.0"?><w:numbering {W}>{defs}</w:numbering>"#)
    };
    // n characters, in paragraphs of a thousand: one run of them all would be one node
    // longer than MAX_NODE_BYTES.
    let text = |n: usize| {
        let para = |k: usize| format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", "应".repeat(k));
        let mut body = para(1000).repeat(n / 1000);
        body.push_str(&para(n % 1000));
        body
    };
    match limit {
        Limit::Paragraphs => (docx(&"<w:p/>".repeat(n)), Format::Docx),
        Limit::TableCells => (
            docx(&format!(
                "<w:tbl><w:tr>{}</w:tr></w:tbl>",
                "<w:tc/>".repeat(n)
            )),
            Format::Docx,
        ),
        Limit::Characters => (docx(&text(n)), Format::Docx),
        Limit::Styles => (
            docx_with("<w:p/>", &[("word/styles.xml", styles(n))]),
            Format::Docx,
        ),
        Limit::Numberings => (
            docx_with("<w:p/>", &[("word/numbering.xml", numbering(n))]),
            Format::Docx,
        ),
        // w:document and w:body are two levels.
        Limit::Depth => (
            docx(&format!(
                "{}{}",
                "<w:tbl>".repeat(n - 2),
                "</w:tbl>".repeat(n - 2)
            )),
            Format::Docx,
        ),
        // A comment is one node: `<!--` and `-->` are seven bytes of it.
        Limit::NodeBytes => (docx(&format!("<!--{}-->", "a".repeat(n - 7))), Format::Docx),
        // The document and n - 1 empty files.
        Limit::ZipEntries => {
            let document = format!("<w:document {W}><w:body/></w:document>");
            let mut parts = vec![("word/document.xml".to_string(), document)];
            parts.extend((1..n).map(|i| (format!("f{i}"), String::new())));
            let parts: Vec<(&str, String)> =
                parts.iter().map(|(n, c)| (n.as_str(), c.clone())).collect();
            (zip_of(&parts, zip::CompressionMethod::Stored), Format::Docx)
        }
        Limit::MarkdownMarks => ("|".repeat(n).into_bytes(), Format::Markdown),
    }
}

#[test]
fn every_limit_refuses_the_first_one_over_and_reads_a_file_at_it() {
    for limit in Limit::ALL {
        let max = limit.max();
        let (bytes, format) = with(limit, max + 1);
        let e = parse(&bytes, format).unwrap_err();
        let message = e.to_string();
        let (hit, found) = over(e);
        assert_eq!(hit, limit, "{message}");
        // Counting stops at the first one over.
        assert_eq!(found, max + 1, "{limit:?}");
        let (bytes, format) = with(limit, max);
        if let Err(e) = parse(&bytes, format) {
            panic!("{limit:?}: a file at the limit is read, but: {e}");
        }
    }
}

#[test]
fn the_limit_message_is_chinese_and_says_what_how_many_and_what_to_do() {
    for limit in Limit::ALL {
        let found = limit.max() + 7;
        let message = TextError::OverLimit { limit, found }.to_string();
        assert!(message.contains("上限"), "{message}");
        assert!(
            message.contains(&format!("最多{}", limit.max())),
            "{message}"
        );
        assert!(message.contains(&format!("至少有{found}")), "{message}");
        let (_, advice) = message
            .split_once('；')
            .expect("what to do after the count");
        assert!(
            advice.starts_with('请') || advice.starts_with("这不是"),
            "{message}"
        );
    }
    let paragraphs = TextError::OverLimit {
        limit: Limit::Paragraphs,
        found: MAX_PARAGRAPHS + 1,
    }
    .to_string();
    assert!(
        paragraphs.contains("段落") && paragraphs.contains("拆分") && paragraphs.contains("空段落"),
        "{paragraphs}"
    );
}

#[test]
fn a_docx_is_refused_at_the_first_paragraph_over_without_reading_on() {
    // Broken XML after the paragraph too many: a reader that went on would say so instead.
    let body = format!("{}<w:p><unclosed", "<w:p/>".repeat(MAX_PARAGRAPHS + 1));
    let (limit, found) = over(parse_docx(&docx(&body)).unwrap_err());
    assert_eq!((limit, found), (Limit::Paragraphs, MAX_PARAGRAPHS + 1));
    // Paragraphs in table cells count too: they cost the same.
    let cell = "<w:tc><w:p/></w:tc>".repeat(MAX_PARAGRAPHS / 2 + 1);
    let body = format!(
        "<w:tbl><w:tr>{cell}</w:tr></w:tbl>{}",
        "<w:p/>".repeat(MAX_PARAGRAPHS / 2)
    );
    let (limit, _) = over(parse_docx(&docx(&body)).unwrap_err());
    assert_eq!(limit, Limit::Paragraphs);
}

#[test]
fn markdown_is_counted_before_its_parser_runs_and_as_it_is_read() {
    let over_md = |s: &str| over(parse_markdown(s).unwrap_err());
    // Before: characters and marks, whatever the parser would make of them.
    assert_eq!(
        over_md(&"应".repeat(MAX_CHARACTERS + 1)),
        (Limit::Characters, MAX_CHARACTERS + 1)
    );
    assert_eq!(
        over_md(&"a\n".repeat(MAX_MARKDOWN_MARKS + 1)),
        (Limit::MarkdownMarks, MAX_MARKDOWN_MARKS + 1)
    );
    // No file longer than MAX_MARKDOWN_BYTES is within the characters, even of four bytes.
    let longest = "𠀀".repeat(MAX_MARKDOWN_BYTES / 4 + 1);
    assert!(longest.len() > MAX_MARKDOWN_BYTES);
    assert_eq!(over_md(&longest).0, Limit::Characters);
    // As read: blocks and table cells.
    assert_eq!(
        over_md(&"应\n\n".repeat(MAX_PARAGRAPHS + 1)),
        (Limit::Paragraphs, MAX_PARAGRAPHS + 1)
    );
    let doc = parse_markdown(&"应\n\n".repeat(MAX_PARAGRAPHS)).unwrap();
    assert_eq!(doc.blocks.len(), MAX_PARAGRAPHS);
    let columns = 1000;
    let mut table = format!("{}|\n{}|\n", "|a".repeat(columns), "|-".repeat(columns));
    for _ in 0..MAX_TABLE_CELLS / columns {
        table.push_str(&format!("{}|\n", "|a".repeat(columns)));
    }
    assert_eq!(over_md(&table), (Limit::TableCells, MAX_TABLE_CELLS + 1));
}

#[test]
fn styles_and_numbering_over_their_limits_are_refused_even_when_malformed_after() {
    // styles.xml and numbering.xml are read leniently (bad XML ends them quietly), but a
    // limit is not bad XML: it is reported.
    let defs: String = (0..=MAX_STYLES)
        .map(|i| format!(r#"<w:style w:styleId="s{i}"/>"#))
        .collect();
    let styles = format!("<w:styles {W}>{defs}<unclosed");
    let e = parse_docx(&docx_with("<w:p/>", &[("word/styles.xml", styles)])).unwrap_err();
    assert_eq!(over(e).0, Limit::Styles);
    let defs: String = (0..=MAX_NUMBERINGS)
        .map(|i| format!(r#"<w:num w:numId="{i}"/>"#))
        .collect();
    let numbering = format!("<w:numbering {W}>{defs}");
    let e = parse_docx(&docx_with("<w:p/>", &[("word/numbering.xml", numbering)])).unwrap_err();
    assert_eq!(over(e).0, Limit::Numberings);
}

#[test]
fn a_table_keeps_only_rows_that_have_cells() {
    // An empty `<w:tr/>` is six bytes: a row is kept once its first cell closes, so a
    // million of them cost nothing.
    let body = format!(
        "<w:tbl>{}<w:tr><w:tc><w:p><w:r><w:t>项目</w:t></w:r></w:p></w:tc></w:tr><w:tr/></w:tbl>",
        "<w:tr/>".repeat(1000)
    );
    let doc = parse_docx(&docx(&body)).unwrap();
    assert_eq!(
        doc.blocks,
        vec![Block::Table {
            rows: vec![vec!["项目".to_string()]],
            line: 1
        }]
    );
}

#[test]
fn findings_past_the_bound_per_rule_are_counted_in_one_more() {
    let extra = 57;
    let body: String = "应当\n\n服务人员必须持证上岗。\n\n".repeat(MAX_FINDINGS_PER_RULE + extra);
    let doc = parse_markdown(&format!("## 4 服务要求\n\n{body}")).unwrap();
    let findings = check(&doc, &NumberRules::default(), &NoRegistry);
    let verbal: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "verbal-form")
        .collect();
    assert_eq!(verbal.len(), MAX_FINDINGS_PER_RULE + 1);
    let last = verbal.last().unwrap();
    assert!(
        last.message.contains(&format!("另有{extra}处")),
        "{}",
        last.message
    );
    // At the first one left out: the 201st 必须, which is on line 4 of each pair of
    // paragraphs after the heading's two lines.
    assert_eq!(
        last.location.line,
        u32::try_from(3 + 4 * MAX_FINDINGS_PER_RULE + 2).unwrap()
    );
    // A rule under the bound is listed whole.
    let few = "服务人员必须持证上岗。\n\n".repeat(3);
    let doc = parse_markdown(&format!("## 4 服务要求\n\n{few}")).unwrap();
    let f = check(&doc, &NumberRules::default(), &NoRegistry);
    assert_eq!(f.iter().filter(|f| f.rule == "verbal-form").count(), 3);
}

#[test]
fn a_standard_ten_times_the_longest_real_one_is_still_read() {
    // The 200-page standard of the benchmark has 9,812 blocks, 305,568 characters and, as
    // Markdown, 31,740 lines and marks; the limits promise ten times that. Its sub-clause (a
    // heading, paragraphs, lists: twelve blocks, 36 marks), 8,200 times, is 98,400 blocks,
    // 3.15 million characters and 295,000 marks.
    let filler = "服务提供机构应按照本文件的规定提供服务，并对服务过程进行记录和检查，确保服务质量符合要求。";
    let mut md = String::from("## 4 服务要求\n\n");
    for k in 1..=8_200 {
        md.push_str(&format!("#### 4.1.{k} 细则{k}\n\n"));
        for _ in 0..3 {
            md.push_str(&format!("{filler}{filler}\n\n"));
        }
        md.push_str("服务应符合GB/T 30001的规定，并满足以下要求：\n\n");
        md.push_str("a)　受理；\n\nb)　办理：\n\n1)　登记；\n\n2)　核验；\n\nc)　回访。\n\n");
        md.push_str("——记录完整；\n\n——归档及时。\n\n");
    }
    let doc = parse_markdown(&md).unwrap();
    assert!(doc.blocks.len() >= 98_120, "{}", doc.blocks.len());
    let docx = gongfu_texts::write_docx(&doc).unwrap();
    assert_eq!(parse_docx(&docx).unwrap().blocks.len(), doc.blocks.len());
}
