//! No registry or tree file panics the importers, and every rejection names a row and a
//! column that exist in the file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use gongfu_domain::standard::STANDARD_COLUMNS;
use gongfu_domain::ItemCode;
use gongfu_standards::import::{read_standards, read_tree, RegistryContext};
use gongfu_standards::NumberRules;
use proptest::prelude::*;

const TREE: &str = include_str!("../../../data/standards/system-9plus1.csv");

/// Cells that are sometimes right and often wrong, per column kind.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("GB/T 1.1-2020".to_string()),
        Just("DB4403/T 300.1—2022".to_string()),
        Just("GB/T 1.1-20222".to_string()),
        Just("现行".to_string()),
        Just("废止".to_string()),
        Just("生效中".to_string()),
        Just("引用".to_string()),
        Just("自建".to_string()),
        Just("1.1".to_string()),
        Just("9.9".to_string()),
        Just("2020-10-01".to_string()),
        Just("2020-13-45".to_string()),
        Just("N0101".to_string()),
        Just("N0101；NOPE1".to_string()),
        Just("5".to_string()),
        Just("-1".to_string()),
        "[\\PC]{0,12}",
        "[A-Z/ .0-9—-]{0,16}",
    ]
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn registry_rows_never_panic_and_errors_point_inside_the_file(
        rows in prop::collection::vec(prop::collection::vec(cell(), STANDARD_COLUMNS.len()), 0..12)
    ) {
        let rules = NumberRules::default();
        let tree = read_tree("tree.csv", TREE.as_bytes()).expect("the shipped tree reads");
        let items: BTreeSet<ItemCode> = ["N0101", "N0102"].iter().map(|c| ItemCode::parse(c).unwrap()).collect();
        let cx = RegistryContext { rules: &rules, tree: &tree, items: Some((1, &items)) };
        let mut text = STANDARD_COLUMNS.iter().map(|c| c.header).collect::<Vec<_>>().join(",");
        for r in &rows {
            text.push('\n');
            text.push_str(&r.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","));
        }
        match read_standards("fuzz.csv", text.as_bytes(), &cx) {
            Ok(standards) => {
                let non_empty = rows.iter().filter(|r| r.iter().any(|c| !c.trim().is_empty())).count();
                prop_assert_eq!(standards.len(), non_empty);
            }
            Err(f) => {
                prop_assert!(!f.errors.is_empty());
                let non_empty = rows.iter().filter(|r| r.iter().any(|c| !c.trim().is_empty())).count();
                for e in &f.errors {
                    prop_assert_eq!(&e.file, "fuzz.csv");
                    prop_assert!(!e.message.is_empty());
                    match e.row {
                        Some(row) => prop_assert!(row >= 1 && row <= rows.len() + 1, "row {} of {}: {}", row, rows.len() + 1, e),
                        // Only a file without data may fail as a whole.
                        None => prop_assert_eq!(non_empty, 0, "{}", e),
                    }
                }
            }
        }
    }

    #[test]
    fn any_bytes_as_a_registry_or_tree_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let rules = NumberRules::default();
        let tree = read_tree("tree.csv", TREE.as_bytes()).unwrap();
        let cx = RegistryContext { rules: &rules, tree: &tree, items: None };
        let _ = read_standards("x.csv", &bytes, &cx);
        let _ = read_tree("x.csv", &bytes);
    }
}
