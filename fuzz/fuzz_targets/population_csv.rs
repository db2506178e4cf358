//! Any bytes as a population table, a unit-cost table, a payer-share table, a budget
//! table and a scenario: no panic; a table either reads or fails with errors that name
//! a row or the file.
#![no_main]

use std::collections::HashSet;

use gongfu_affordability::afford::Scenario;
use gongfu_affordability::popfile::{read_budgets, read_costs, read_payer_shares, read_population};
use gongfu_rules::Schema;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let schema = Schema::shared();
    let communities: HashSet<String> = ["440399001001".to_string()].into();
    if let Err(f) = read_population("p.csv", data, schema, 20240701, &communities) {
        assert!(!f.errors.is_empty());
    }
    let items: HashSet<String> = ["N1005".to_string()].into();
    let _ = read_costs("c.csv", data, &items);
    let _ = read_payer_shares("s.csv", data);
    let _ = read_budgets("b.csv", data);
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = Scenario::from_value(v);
    }
});
