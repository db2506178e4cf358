//! Any string into the rule parser and, when it parses, through the compiler and an
//! evaluation over an empty profile and a population of one: no panic, errors inside the
//! text, and a rule that parses decides (or leaves open) without failing.
#![no_main]

use gongfu_rules::{decide, Profile, Program, Rule, Schema};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let schema = Schema::shared();
    match Rule::parse(s, schema) {
        Err(e) => {
            assert!(e.column >= 1 && e.column <= s.chars().count().max(1) + 1, "{e}");
            let _ = e.pointer(s);
        }
        Ok(rule) => {
            let program = Program::compile([("x".to_string(), &rule.cond)], 20261125);
            let p = Profile::empty(schema).with_defaults(schema, 20261125);
            let _ = decide(&program, &[&rule.cond], &p.population(schema), schema, &|_| None);
        }
    }
    let _ = Profile::from_pairs(s, schema, 20261125);
});
