//! Any bytes as a .docx, parsed and checked: no panic, no runaway memory (parts are capped).
//! Seed the corpus with real .docx files for depth: the zip layer must pass first.
#![no_main]

use gongfu_domain::standard::NumberRules;
use gongfu_texts::{check, parse, Format, NoRegistry};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = parse(data, Format::Docx) {
        let _ = check(&doc, &NumberRules::default(), &NoRegistry);
    }
});
