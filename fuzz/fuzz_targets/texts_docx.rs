//! Any bytes as a .docx, parsed and checked: no panic, no runaway memory (parts are capped).
//! Raw bytes rarely pass the zip layer, so half the inputs are wrapped: the first byte is
//! odd, and the rest, split at each "\0\0", becomes word/document.xml, word/styles.xml and
//! word/numbering.xml of a real archive, so the XML, style and numbering readers are
//! fuzzed in depth. Seed corpus/texts_docx with real .docx files for the raw half.
#![no_main]

use std::io::Write;

use gongfu_domain::standard::NumberRules;
use gongfu_texts::{check, parse, Format, NoRegistry};
use libfuzzer_sys::fuzz_target;

fn wrap(data: &[u8]) -> Vec<u8> {
    let mut parts = vec![];
    let mut rest = data;
    while let Some(i) = rest.windows(2).position(|w| w == b"\0\0") {
        parts.push(&rest[..i]);
        rest = &rest[i + 2..];
    }
    parts.push(rest);
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let o = zip::write::SimpleFileOptions::default();
        let names = ["word/document.xml", "word/styles.xml", "word/numbering.xml"];
        for (name, part) in names.iter().zip(parts) {
            if z.start_file(*name, o).is_err() || z.write_all(part).is_err() {
                return vec![];
            }
        }
        if z.finish().is_err() {
            return vec![];
        }
    }
    out.into_inner()
}

fuzz_target!(|data: &[u8]| {
    let bytes = match data.split_first() {
        Some((first, rest)) if first % 2 == 1 => wrap(rest),
        _ => data.to_vec(),
    };
    if let Ok(doc) = parse(&bytes, Format::Docx) {
        let _ = check(&doc, &NumberRules::default(), &NoRegistry);
    }
});
