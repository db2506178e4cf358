//! No input panics the parsers or the checker: arbitrary Markdown, arbitrary bytes behind a
//! zip signature, arbitrary document.xml, and arbitrary documents handed to the checker
//! directly (shapes the parsers would never produce).

use gongfu_domain::standard::NumberRules;
use gongfu_texts::{check, parse_docx, parse_markdown, render_text, Block, Document};
use proptest::prelude::*;

use crate::Registry;

fn block() -> impl Strategy<Value = Block> {
    let number = prop::option::of("(A|0|[1-9])(\\.[0-9]{1,2}){0,7}|\\.|[A-Z]\\.|1\\.\\.2|");
    let text = "(\\PC|——|a\\)|1\\)|GB/T 1\\.1|必须|需要|前言|范围|3\\.1){0,12}";
    prop_oneof![
        (any::<u8>(), number, text, any::<u32>()).prop_map(|(level, number, title, line)| {
            Block::Heading {
                level,
                number,
                title,
                line,
            }
        }),
        (text, any::<u32>()).prop_map(|(text, line)| Block::Paragraph { text, line }),
        (
            "(——|――|·|a\\)|z\\)|1\\)|99\\)|\\(1\\)|-|){1}",
            any::<u8>(),
            text,
            any::<u32>()
        )
            .prop_map(|(marker, level, text, line)| Block::ListItem {
                marker,
                level,
                text,
                line
            }),
        (
            prop::collection::vec(prop::collection::vec(text, 0..3), 0..3),
            any::<u32>()
        )
            .prop_map(|(rows, line)| Block::Table { rows, line }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_markdown_panics_the_parser_or_the_checker(s in "(\\PC|\n|#|## |\\.|[0-9]| |　|——|a\\)|1\\)|- |GB/T |ＧＢ|附录A|前言|\\|){0,200}") {
        let doc = parse_markdown(&s).unwrap();
        let f = check(&doc, &NumberRules::default(), &Registry);
        let _ = render_text(&f, "x.md");
        let _ = doc.plain_text();
    }

    #[test]
    fn no_bytes_panic_the_docx_reader(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut b = b"PK\x03\x04".to_vec();
        b.extend(bytes);
        let _ = parse_docx(&b);
    }

    #[test]
    fn no_document_xml_panics_the_docx_reader(body in "(<w:p>|</w:p>|<w:p/>|<w:t>|</w:t>|<w:tbl>|</w:tbl>|<w:tc>|</w:tc>|<w:tr>|</w:tr>|<w:numPr><w:ilvl w:val=\"9\"/><w:numId w:val=\"1\"/></w:numPr>|<w:pStyle w:val=\"Heading1\"/>|<w:del>|</w:del>|&#x4E2D;|&amp;|\\PC|5\\.1 |附录A){0,60}") {
        let mut out = std::io::Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut out);
            z.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).unwrap();
            std::io::Write::write_all(&mut z, format!(r#"<w:document xmlns:w="w"><w:body>{body}</w:body></w:document>"#).as_bytes()).unwrap();
            z.finish().unwrap();
        }
        if let Ok(doc) = parse_docx(&out.into_inner()) {
            let _ = check(&doc, &NumberRules::default(), &Registry);
        }
    }

    #[test]
    fn no_document_panics_the_checker(blocks in prop::collection::vec(block(), 0..40)) {
        let doc = Document { title: String::new(), number: None, blocks };
        let f = check(&doc, &NumberRules::default(), &Registry);
        prop_assert!(f.windows(2).all(|w| w[0].location.line <= w[1].location.line));
    }
}
