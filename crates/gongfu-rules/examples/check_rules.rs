//! Checks a file of rules and examples: `cargo run -p gongfu-rules --example check_rules --
//! RULES.csv SCOPES.csv`. RULES.csv has columns 编码,资格规则,资格示例; SCOPES.csv has
//! 编码,人口范围 (户籍人口, 常住人口 or 服务人口). Prints every problem; exits 1 if any.

use gongfu_rules::{decide, Outcome, Profile, Program, Rule, Schema};
use std::collections::HashMap;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(rules), Some(scopes)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: check_rules RULES.csv SCOPES.csv");
        std::process::exit(2);
    };
    let schema = Schema::standard();
    let read = |p: &str| -> Vec<csv::StringRecord> {
        let mut r = csv::Reader::from_path(p).unwrap_or_else(|e| panic!("{p}: {e}"));
        r.records()
            .map(|x| x.unwrap_or_else(|e| panic!("{p}: {e}")))
            .collect()
    };
    let scope: HashMap<String, String> = read(scopes)
        .iter()
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    let at = 20261125;
    let mut bad = 0;
    for rec in read(rules) {
        let (code, text, examples) = (&rec[0], &rec[1], &rec[2]);
        if let Err(e) = Rule::parse(text, &schema) {
            println!("{code}: rule: {e}\n{}", e.pointer(text));
            bad += 1;
            continue;
        }
        let scope_text = match scope.get(code).map(String::as_str) {
            Some("户籍人口") => "residency == \"hukou\"",
            Some("常住人口") => "residency in [\"hukou\", \"permanent\"]",
            Some(_) => "true",
            None => {
                println!("{code}: not in {scopes}");
                bad += 1;
                continue;
            }
        };
        let Ok(full) = Rule::parse(&format!("({scope_text}) && ({text})"), &schema) else {
            continue;
        };
        let program = Program::compile([(code.to_string(), &full.cond)], at);
        let (mut pos, mut neg) = (0, 0);
        for ex in examples
            .split(['；', ';', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let (want, body) = if let Some(b) = ex.strip_prefix("不符合") {
                (Outcome::Ineligible, b)
            } else if let Some(b) = ex.strip_prefix("符合") {
                (Outcome::Eligible, b)
            } else {
                println!("{code}: example '{ex}' must start with 符合 or 不符合");
                bad += 1;
                continue;
            };
            let body = body.trim_start_matches([':', '：']);
            let p = match Profile::from_pairs(body, &schema, at) {
                Ok(p) => p.with_defaults(&schema, at),
                Err(e) => {
                    println!("{code}: example '{ex}': {e}");
                    bad += 1;
                    continue;
                }
            };
            let d = decide(
                &program,
                &[&full.cond],
                &p.population(&schema),
                &schema,
                &|_| None,
            )
            .remove(0);
            if d.outcome != want {
                let reasons: Vec<String> = d
                    .reasons
                    .iter()
                    .map(|r| format!("{} {:?}", r.text, r.status))
                    .collect();
                println!(
                    "{code}: example '{ex}' is {:?}, expected {want:?}; {}",
                    d.outcome,
                    reasons.join("; ")
                );
                bad += 1;
            }
            if want == Outcome::Eligible {
                pos += 1
            } else {
                neg += 1
            }
        }
        if pos == 0
            || (neg == 0
                && full.cond
                    != gongfu_rules::Cond::And(vec![
                        gongfu_rules::Cond::Const(true),
                        gongfu_rules::Cond::Const(true),
                    ]))
        {
            println!("{code}: needs at least one 符合 and one 不符合 example ({pos} and {neg})");
            bad += 1;
        }
    }
    println!("{bad} problems");
    std::process::exit(i32::from(bad > 0));
}
