//! Any string into the opening-hours parser: no panic, and parsed hours print to a form
//! that reads back to the same hours.
#![no_main]

use gongfu_domain::hours::OpeningHours;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(h) = OpeningHours::parse(s) {
        let again = OpeningHours::parse(&h.to_string()).expect("the printed form reads");
        assert_eq!(again, h);
    }
});
