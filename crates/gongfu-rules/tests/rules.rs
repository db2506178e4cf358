//! The compiled, column-at-a-time program against a plain tree-walking interpreter of the
//! same rules, on random rules and random residents (some questions unanswered); and the
//! parser and profile reader against arbitrary input.

use gongfu_rules::date::{self, Ymd};
use gongfu_rules::eval::region_prefix;
use gongfu_rules::rule::{Cond, TestKind};
use gongfu_rules::schema::{Derived, FieldType, Value};
use gongfu_rules::{decide, Outcome, PopulationBuilder, Profile, Program, Rule, Schema};
use proptest::prelude::*;

/// The reference interpreter: three-valued logic straight from the definitions.
fn naive(c: &Cond, p: &Profile, at: Ymd) -> Option<bool> {
    match c {
        Cond::Const(b) => Some(*b),
        Cond::Not(x) => naive(x, p, at).map(|v| !v),
        Cond::And(v) => {
            let vals: Vec<_> = v.iter().map(|c| naive(c, p, at)).collect();
            if vals.contains(&Some(false)) {
                Some(false)
            } else if vals.iter().all(|x| *x == Some(true)) {
                Some(true)
            } else {
                None
            }
        }
        Cond::Or(v) => {
            let vals: Vec<_> = v.iter().map(|c| naive(c, p, at)).collect();
            if vals.contains(&Some(true)) {
                Some(true)
            } else if vals.iter().all(|x| *x == Some(false)) {
                Some(false)
            } else {
                None
            }
        }
        Cond::Test(t) => {
            let v = p.values[t.kind.field()].as_ref()?;
            let within = |x: i64, lo: i64, hi: i64| lo <= x && x <= hi;
            Some(match (&t.kind, v) {
                (TestKind::Bool { .. }, Value::Bool(b)) => *b,
                (TestKind::Int { lo, hi, .. }, Value::Int(n)) => within(*n, *lo, *hi),
                (TestKind::Date { lo, hi, .. }, Value::Date(d)) => within(*d as i64, *lo, *hi),
                (TestKind::Enum { mask, .. }, Value::Enum(e)) => mask >> e & 1 == 1,
                (TestKind::Set { mask, .. }, Value::Set(s)) => mask & s != 0,
                (TestKind::Region { codes, .. }, Value::Region(r)) => {
                    codes.iter().any(|c| r.starts_with(region_prefix(c)))
                }
                (
                    TestKind::Derived {
                        derived, lo, hi, ..
                    },
                    v,
                ) => {
                    let n = match (derived, v) {
                        (Derived::Years(_), Value::Date(b)) if *b <= at => {
                            date::years_between(*b, at)
                        }
                        (Derived::Months(_), Value::Date(b)) if *b <= at => {
                            date::months_between(*b, at)
                        }
                        (Derived::Count(_), Value::DateList(l)) => l.len() as i64,
                        (Derived::YoungestYears(_), Value::DateList(l)) if !l.is_empty() => {
                            date::years_between(*l.iter().max().unwrap_or(&0), at)
                        }
                        (Derived::YoungestMonths(_), Value::DateList(l)) if !l.is_empty() => {
                            date::months_between(*l.iter().max().unwrap_or(&0), at)
                        }
                        _ => return Some(false),
                    };
                    within(n, *lo, *hi)
                }
                _ => panic!("test {:?} on value {v:?}", t.kind),
            })
        }
    }
}

const AT: Ymd = 20261125;

fn atom_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            0i64..100,
            prop::sample::select(vec![">=", "<", "<=", ">", "==", "!="])
        )
            .prop_map(|(n, op)| format!("age {op} {n}")),
        (0i64..48, prop::sample::select(vec![">=", "<"]))
            .prop_map(|(n, op)| format!("age_months {op} {n}")),
        (0i64..18, prop::sample::select(vec![">=", "<", "=="]))
            .prop_map(|(n, op)| format!("years(youngest(children)) {op} {n}")),
        (0i64..40, prop::sample::select(vec![">=", "<"]))
            .prop_map(|(n, op)| format!("months(youngest(children)) {op} {n}")),
        (0i64..4, prop::sample::select(vec![">=", "<", "=="]))
            .prop_map(|(n, op)| format!("count(children) {op} {n}")),
        prop::sample::subsequence(vec!["\"hukou\"", "\"permanent\"", "\"served\""], 1..3)
            .prop_map(|v| format!("residency in [{}]", v.join(", "))),
        Just("sex == \"female\"".to_string()),
        Just("pregnant".to_string()),
        Just("!rural".to_string()),
        Just("veteran == false".to_string()),
        Just("disability_grade in [1, 2]".to_string()),
        Just("disability != \"none\"".to_string()),
        Just("\"hypertension\" in chronic_conditions".to_string()),
        Just("\"diabetes\" in chronic_conditions".to_string()),
        Just("assistance in [\"dibao\", \"tekun\"]".to_string()),
        Just("employment == \"unemployed\"".to_string()),
        (1950u32..2026).prop_map(|y| format!("birth_date <= date(\"{y}-06-30\")")),
        Just("community in [\"440399001000\", \"440399002003\"]".to_string()),
        Just("community == \"440399003001\"".to_string()),
    ]
}

fn rule_text() -> impl Strategy<Value = String> {
    atom_text().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| v.join(" && ")),
            prop::collection::vec(inner.clone(), 2..4)
                .prop_map(|v| format!("({})", v.join(" || "))),
            inner.prop_map(|s| format!("!({s})")),
        ]
    })
}

fn birth() -> impl Strategy<Value = Ymd> {
    (0i64..36500).prop_map(|d| date::from_days(date::to_days(AT) - d))
}

fn profile(schema: &Schema) -> impl Strategy<Value = Profile> {
    let fields: Vec<(usize, FieldType, usize)> = schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| f.is_stored())
        .map(|(i, f)| (i, f.ty.clone(), f.choices.len()))
        .collect();
    let n = schema.fields().len();
    let strategies: Vec<BoxedStrategy<(usize, Option<Value>)>> = fields
        .into_iter()
        .map(|(i, ty, k)| {
            let v: BoxedStrategy<Value> = match ty {
                FieldType::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
                FieldType::Int { min, max } => (min..=max).prop_map(Value::Int).boxed(),
                FieldType::Date => birth().prop_map(Value::Date).boxed(),
                FieldType::Enum => (0..k as u8).prop_map(Value::Enum).boxed(),
                FieldType::Set => (0u32..(1 << k)).prop_map(Value::Set).boxed(),
                FieldType::DateList => prop::collection::vec(
                    (0i64..7000).prop_map(|d| date::from_days(date::to_days(AT) - d)),
                    0..3,
                )
                .prop_map(Value::DateList)
                .boxed(),
                FieldType::Region => prop::sample::select(vec![
                    "440399001001",
                    "440399001002",
                    "440399002003",
                    "440399003001",
                ])
                .prop_map(|s| Value::Region(s.to_string()))
                .boxed(),
                FieldType::Derived(_) => unreachable!(),
            };
            // One answer in five is missing.
            (prop::bool::weighted(0.8), v)
                .prop_map(move |(some, v)| (i, some.then_some(v)))
                .boxed()
        })
        .collect();
    strategies.prop_map(move |vals| {
        let mut p = Profile {
            values: vec![None; n],
        };
        for (i, v) in vals {
            p.values[i] = v;
        }
        p
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// The compiled program and the interpreter agree person by person, unknowns included.
    #[test]
    fn program_agrees_with_the_interpreter(
        rules in prop::collection::vec(rule_text(), 1..6),
        people in prop::collection::vec(profile(&Schema::standard()), 1..40),
    ) {
        let schema = Schema::standard();
        let parsed: Vec<Rule> = rules.iter().map(|r| Rule::parse(r, &schema).unwrap_or_else(|e| panic!("{r}: {e}"))).collect();
        let program = Program::compile(parsed.iter().enumerate().map(|(i, r)| (i.to_string(), &r.cond)), AT);
        let mut b = PopulationBuilder::new(&schema);
        for p in &people { b.push(&p.values); }
        let pop = b.finish();
        let atoms = program.atoms(&pop);
        // The population is regrouped by community; find each person by their row.
        for (k, rule) in parsed.iter().enumerate() {
            let tri = program.item(k, &atoms, pop.len());
            // One person at a time is the exact check: a population of one per person.
            for p in &people {
                let one = p.population(&schema);
                let a = program.atoms(&one);
                prop_assert_eq!(program.item(k, &a, 1).get(0), naive(&rule.cond, p, AT), "rule {} person {:?}", rule.text, p.values);
            }
            // And the population, regrouped by community, counts what the people say.
            let community = schema.index("community").unwrap_or(0);
            for (g, range) in pop.groups() {
                let code = &pop.regions()[*g as usize];
                let expected = people
                    .iter()
                    .filter(|p| match &p.values[community] { Some(Value::Region(c)) => c == code, _ => code.is_empty() })
                    .filter(|p| naive(&rule.cond, p, AT) == Some(true))
                    .count() as u64;
                prop_assert_eq!(tri.value.count_range(range.clone()), expected, "rule {} community {}", rule.text, code);
            }
        }
    }

    /// No input makes the parser panic, and errors point inside the text (or just past it).
    #[test]
    fn parser_never_panics(text in "\\PC{0,80}") {
        let schema = Schema::standard();
        if let Err(e) = Rule::parse(&text, &schema) {
            prop_assert!(e.column >= 1 && e.column <= text.chars().count() + 1, "{e} in {text:?}");
            let _ = e.pointer(&text);
        }
    }

    /// Near-miss rules built from real tokens never panic either.
    #[test]
    fn token_soup_never_panics(parts in prop::collection::vec(prop::sample::select(vec![
        "age", ">=", "65", "&&", "||", "!", "(", ")", "[", "]", ",", "\"hukou\"", "residency", "in",
        "date(", "\"2020-01-01\"", "years(", "youngest(", "children", "count(", "pregnant", "==", "true",
        "chronic_conditions", "\"hypertension\"", "community", "\"440399001000\"", "-5", "<",
    ]), 0..20)) {
        let text = parts.join(" ");
        let _ = Rule::parse(&text, &Schema::standard());
    }

    /// Profiles from arbitrary pairs never panic.
    #[test]
    fn profile_reader_never_panics(text in "\\PC{0,60}") {
        let schema = Schema::standard();
        if let Ok(p) = Profile::from_pairs(&text, &schema, AT) {
            let _ = p.with_defaults(&schema, AT);
        }
    }
}

#[test]
fn reasons_for_the_issue_example() {
    let schema = Schema::standard();
    let rule = Rule::parse(
        "age >= 65 && residency in [\"hukou\", \"permanent\"]",
        &schema,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let program = Program::compile([("N1005".to_string(), &rule.cond)], AT);
    let run = |pairs: &str| {
        let p = Profile::from_pairs(pairs, &schema, AT)
            .unwrap_or_else(|e| panic!("{e}"))
            .with_defaults(&schema, AT);
        decide(
            &program,
            &[&rule.cond],
            &p.population(&schema),
            &schema,
            &|_| None,
        )
        .remove(0)
    };
    let d = run("age=70, residency=permanent");
    assert_eq!(d.outcome, Outcome::Eligible);
    let texts: Vec<&str> = d.reasons.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "年满65周岁",
            "户籍与居住：本区户籍或本区常住（持本区居住证或在本区居住半年以上）"
        ]
    );
    let d = run("age=64, residency=permanent");
    assert_eq!(d.outcome, Outcome::Ineligible);
    assert_eq!(d.reasons.len(), 1);
    assert_eq!(d.reasons[0].text, "年满65周岁");
    let d = run("age=70");
    assert_eq!(d.outcome, Outcome::Maybe);
    assert_eq!(d.missing, vec![schema.index("residency").unwrap_or(0)]);
    // The negation reads as the other side of the range.
    let rule = Rule::parse("!(age >= 65) && residency != \"served\"", &schema)
        .unwrap_or_else(|e| panic!("{e}"));
    let program = Program::compile([("x".to_string(), &rule.cond)], AT);
    let p = Profile::from_pairs("age=30, residency=hukou", &schema, AT)
        .unwrap_or_else(|e| panic!("{e}"));
    let d = decide(
        &program,
        &[&rule.cond],
        &p.population(&schema),
        &schema,
        &|_| None,
    )
    .remove(0);
    assert_eq!(d.outcome, Outcome::Eligible);
    assert_eq!(d.reasons[0].text, "不满65周岁");
    assert!(
        d.reasons[1]
            .text
            .starts_with("户籍与居住：本区户籍或本区常住"),
        "{}",
        d.reasons[1].text
    );
}
