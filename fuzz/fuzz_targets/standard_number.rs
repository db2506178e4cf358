//! Any string into the standard-number parser: no panic, and a parsed number prints to a
//! canonical form that parses back to itself.
#![no_main]

use gongfu_domain::standard::{InternalPattern, NumberRules, StandardNumber};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let rules =
        NumberRules::default().with_internal(InternalPattern::parse("FTNB {seq}-{year}").unwrap());
    if let Ok(n) = StandardNumber::parse(s, &rules) {
        let canonical = n.to_string();
        let again = StandardNumber::parse(&canonical, &rules).expect("the canonical form parses");
        assert_eq!(again.to_string(), canonical);
    }
    let _ = StandardNumber::parse_prefix(s, &rules);
});
