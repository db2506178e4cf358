//! No input makes an importer panic. Property tests over inputs built from the tokens the
//! formats care about (headings, labels, separators, quotes, odd widths and encodings),
//! plus raw bytes. They run on every `cargo test`; PROPTEST_CASES raises the count for a
//! longer session.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns may panic: that is how a test fails

use gongfu_catalog::import::{read_list, read_taxonomy, registry, Format};
use gongfu_catalog::national_taxonomy;
use proptest::prelude::*;

/// The day examples are checked on: fixed, so a run does not depend on the calendar.
const TODAY: u32 = 20261203;

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("一、幼有所育".to_string()),
        Just("八、".to_string()),
        Just("20.优军优抚服务".to_string()),
        Just("1．".to_string()),
        Just("(1)".to_string()),
        Just("（2）优待".to_string()),
        Just("服务对象：".to_string()),
        Just("服务内容:".to_string()),
        Just("支出责任：中央财政".to_string()),
        Just("牵头负责单位：退役军人部、".to_string()),
        Just("- 3 -".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just(",".to_string()),
        Just("\"".to_string()),
        Just("领域,大类,服务项目,服务对象\n".to_string()),
        Just("编码,大类,服务项目,服务对象,服务内容,服务标准,支出责任,牵头负责单位,基准事项编码,来源层级\n".to_string()),
        Just("\u{3000}".to_string()),
        Just("\u{FEFF}".to_string()),
        "[a-z0-9 ]{0,4}",
        "\\PC{0,3}",
    ]
}

fn doc() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512), ..ProptestConfig::default() })]

    #[test]
    fn text_layout_never_panics(s in doc()) {
        let _ = read_list("f.txt", s.as_bytes(), Format::Text, &national_taxonomy(), TODAY);
    }

    #[test]
    fn csv_never_panics(s in doc()) {
        let _ = read_list("f.csv", s.as_bytes(), Format::Csv, &national_taxonomy(), TODAY);
        let _ = registry::read_regions("r.csv", s.as_bytes());
        let _ = registry::read_populations("p.csv", s.as_bytes(), &[]);
        let _ = registry::read_departments("d.csv", s.as_bytes());
        let _ = read_taxonomy("t.csv", s.as_bytes());
    }

    #[test]
    fn raw_bytes_never_panic(b in prop::collection::vec(any::<u8>(), 0..512)) {
        for f in [Format::Text, Format::Csv, Format::Json, Format::Xlsx, Format::HsdsCsv] {
            let _ = read_list("f", &b, f, &national_taxonomy(), TODAY);
        }
    }

    #[test]
    fn json_never_panics(s in "\\{(\"items\":\\[(\\{(\"[a-z_]{1,12}\":(\"[^\"]{0,6}\"|[0-9]{1,3}|true|null|\\[\\]|\\{\\}),?){0,5}\\},?){0,3}\\])?,?(\"taxonomy\":\\{\\})?\\}") {
        let _ = read_list("f.json", s.as_bytes(), Format::Json, &national_taxonomy(), TODAY);
    }
}

/// A zip that is almost an xlsx: calamine must refuse it with an error, not a panic.
#[test]
fn truncated_xlsx_is_an_error() {
    let list = read_list(
        "f.txt",
        include_bytes!("fixtures/category-20.txt"),
        Format::Text,
        &national_taxonomy(),
        TODAY,
    )
    .unwrap();
    let _ = list;
    for cut in [10usize, 100, 1000] {
        let bytes = vec![b'P', b'K', 3, 4]
            .into_iter()
            .chain(std::iter::repeat_n(0u8, cut))
            .collect::<Vec<_>>();
        assert!(read_list("f.xlsx", &bytes, Format::Xlsx, &national_taxonomy(), TODAY).is_err());
    }
}

/// Regression: a 领域大类 sheet whose rows are shorter than its header used to index past
/// the end of the row.
#[test]
fn short_rows_in_an_xlsx_taxonomy_sheet_are_errors() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("服务清单").unwrap();
    for (c, h) in ["大类", "服务项目", "服务对象"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "优孕优生服务").unwrap();
    let ws = wb.add_worksheet().set_name("领域大类").unwrap();
    for (c, h) in ["领域编号", "领域", "大类编号", "大类"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_number(1, 0, 1.0).unwrap();
    ws.write_string(1, 1, "幼有所育").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let e = read_list("t.xlsx", &bytes, Format::Xlsx, &national_taxonomy(), TODAY).unwrap_err();
    assert!(e.errors[0].sheet.as_deref() == Some("领域大类"), "{e}");
}
