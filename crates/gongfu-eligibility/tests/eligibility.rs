//! gongfu-eligibility's integration tests: the microsimulation against the one-resident path on the
//! demo list, where every synthetic person decided one at a time sums to the population
//! counts; synthesis is reproducible and matches its marginals.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns may panic: that is how a test fails

use std::sync::Arc;

use gongfu_catalog::import::{read_list, Format};
use gongfu_catalog::Snapshot;
use gongfu_db::catalog::Version;
use gongfu_eligibility::synth::{synthesize, CommunityCount, Marginals};
use gongfu_eligibility::{microsim, Compiled};
use gongfu_rules::schema::Value;
use gongfu_rules::{date, decide, Outcome, Profile, Schema};

const AT: u32 = 20261125;

/// The day the list's eligibility examples are checked on.
const AT_LIST: u32 = 20261203;

fn demo_compiled() -> Compiled {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/demo/items-v1.csv"
    ))
    .unwrap_or_default();
    let list = read_list(
        "items-v1.csv",
        &bytes,
        Format::Csv,
        &gongfu_catalog::national_taxonomy(),
        AT_LIST,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let version = Version {
        id: 1,
        number: 1,
        label: "demo".into(),
        notes: String::new(),
        published_at: String::new(),
        published_by: String::new(),
        adjustment_id: None,
    };
    Compiled::new(
        Arc::new(Snapshot::new(version, list.taxonomy, list.items)),
        AT,
        Schema::shared(),
    )
}

fn communities() -> Vec<CommunityCount> {
    vec![
        CommunityCount {
            code: "440399001001".into(),
            hukou: 900,
            permanent: 2400,
            served: 2700,
        },
        CommunityCount {
            code: "440399002003".into(),
            hukou: 300,
            permanent: 500,
            served: 800,
        },
        CommunityCount {
            code: "440399005001".into(),
            hukou: 1200,
            permanent: 1500,
            served: 1500,
        },
    ]
}

#[test]
fn one_resident_at_a_time_sums_to_the_microsimulation() {
    let schema = Schema::shared();
    let compiled = demo_compiled();
    assert!(
        compiled.without_rule.is_empty(),
        "the demo has a rule for every item"
    );
    let pop = synthesize(schema, &Marginals::standard(), &communities(), AT, 7);
    assert_eq!(pop.len(), 5000);
    let counts = microsim::run(&compiled, &pop);
    let conds: Vec<&gongfu_rules::Cond> = compiled.conds.iter().collect();
    let mut by_hand = vec![vec![0u64; counts.communities.len()]; counts.items.len()];
    for (g, (_, range)) in pop.groups().iter().enumerate() {
        for i in range.clone() {
            let profile = Profile {
                values: pop.row(schema, i),
            };
            let decisions = decide(
                &compiled.program,
                &conds,
                &profile.population(schema),
                schema,
                &|_| None,
            );
            for (k, d) in decisions.iter().enumerate() {
                assert_ne!(
                    d.outcome,
                    Outcome::Maybe,
                    "a synthetic person answers everything: {} {:?}",
                    counts.items[k],
                    d.reasons
                );
                if d.outcome == Outcome::Eligible {
                    by_hand[k][g] += 1;
                }
            }
        }
    }
    assert_eq!(by_hand, counts.eligible);
    // Not a trivial agreement: items reach different, non-empty parts of the population.
    let n1005 = counts.items.iter().position(|c| c == "N1005").unwrap_or(0);
    let n0202 = counts.items.iter().position(|c| c == "N0202").unwrap_or(0);
    assert!(
        counts.total(n1005) > 20 && counts.total(n1005) < 1000,
        "{}",
        counts.total(n1005)
    );
    assert!(
        counts.total(n0202) > 100 && counts.total(n0202) < 1000,
        "{}",
        counts.total(n0202)
    );
    assert_eq!(counts.within(n1005, "440399000000"), counts.total(n1005));
    assert_eq!(
        counts.within(n1005, "440399001000")
            + counts.within(n1005, "440399002000")
            + counts.within(n1005, "440399005000"),
        counts.total(n1005)
    );
}

#[test]
fn synthesis_is_reproducible_and_matches_its_marginals() {
    let schema = Schema::shared();
    let m = Marginals::standard();
    m.check(schema).unwrap_or_else(|e| panic!("{e}"));
    let big = vec![CommunityCount {
        code: "440399001001".into(),
        hukou: 40_000,
        permanent: 100_000,
        served: 120_000,
    }];
    let a = synthesize(schema, &m, &big, AT, 42);
    let b = synthesize(schema, &m, &big, AT, 42);
    let c = synthesize(schema, &m, &big, AT, 43);
    assert!(a == b, "same seed, same population");
    assert!(a != c, "another seed, another population");
    let n = a.len() as f64;
    let idx = |name: &str| schema.index(name).unwrap_or(0);
    let share = |f: &dyn Fn(&[Option<Value>]) -> bool| {
        (0..a.len()).filter(|&i| f(&a.row(schema, i))).count() as f64 / n
    };
    let age = |r: &[Option<Value>]| match r[idx("birth_date")] {
        Some(Value::Date(b)) => date::years_between(b, AT),
        _ => -1,
    };
    let hukou = schema.field(idx("residency")).choice("hukou").unwrap_or(0) as u8;
    let close = |got: f64, want: f64, what: &str| {
        assert!((got - want).abs() < 0.01, "{what}: {got} vs {want}")
    };
    close(
        share(&|r| r[idx("residency")] == Some(Value::Enum(hukou))),
        40_000.0 / 120_000.0,
        "hukou share",
    );
    close(share(&|r| age(r) <= 14), 0.1511, "aged 0-14");
    close(share(&|r| age(r) >= 60), 0.0536, "aged 60+");
    close(share(&|r| age(r) >= 65), 0.0322, "aged 65+");
    let male = schema.field(idx("sex")).choice("male").unwrap_or(0) as u8;
    close(
        share(&|r| r[idx("sex")] == Some(Value::Enum(male))),
        m.male_share,
        "male share",
    );
    // Internal consistency: no pregnant men, grades only with a disability, no one born
    // after the reference date.
    let female = schema.field(idx("sex")).choice("female").unwrap_or(0) as u8;
    for i in 0..a.len() {
        let r = a.row(schema, i);
        if r[idx("pregnant")] == Some(Value::Bool(true)) {
            assert_eq!(r[idx("sex")], Some(Value::Enum(female)));
        }
        if r[idx("disability")] == Some(Value::Enum(0)) {
            assert_eq!(r[idx("disability_grade")], Some(Value::Int(0)));
        }
        assert!(age(&r) >= 0);
    }
}

#[test]
fn bad_marginals_name_the_key() {
    let schema = Schema::shared();
    let text = gongfu_eligibility::synth::STANDARD_MARGINALS
        .replace("\"male_share\": 0.56", "\"male_share\": 1.56");
    let e = Marginals::from_json(&text, schema).unwrap_err();
    assert!(e.contains("male_share = 1.56"), "{e}");
    let text = gongfu_eligibility::synth::STANDARD_MARGINALS
        .replace("\"dibao\": 0.008", "\"welfare\": 0.008");
    let e = Marginals::from_json(&text, schema).unwrap_err();
    assert!(e.contains("assistance.welfare"), "{e}");
    let text = gongfu_eligibility::synth::STANDARD_MARGINALS.replace(
        "\"sudden_hardship\": 0.003",
        "\"sudden_hardship\": 0.003, \"extra\": 1",
    );
    assert!(Marginals::from_json(&text, schema)
        .unwrap_err()
        .contains("extra"));
}
