//! Any bytes as a Markdown text, parsed and checked: no panic.
#![no_main]

use gongfu_domain::standard::NumberRules;
use gongfu_texts::{check, parse, render_text, Format, NoRegistry};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = parse(data, Format::Markdown) {
        let findings = check(&doc, &NumberRules::default(), &NoRegistry);
        let _ = render_text(&findings, "fuzz.md");
        let _ = doc.plain_text();
    }
});
