//! The affordability assessment on the demo list and a synthetic population: totals add
//! up every way they are cut, scenarios change what they say and nothing else, counts
//! agree with counting persons by hand, the projection ages cohorts, and bad input names
//! what is wrong.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns may panic: that is how a test fails

use std::collections::{BTreeMap, HashMap, HashSet};

use gongfu_affordability::afford::{
    apply, run, Band, Bands, Change, CostBook, RunInput, RunResult, Scenario, Shares, UnitCost,
};
use gongfu_affordability::popfile::{read_costs, read_payer_shares, read_population};
use gongfu_affordability::project::{advance, Rates};
use gongfu_catalog::import::{read_list, Format, ParsedList};
use gongfu_eligibility::synth::{synthesize, CommunityCount, Marginals};
use gongfu_rules::schema::Value;
use gongfu_rules::{date, Population, Schema};

/// The day the list's eligibility examples are checked on.
const AT_LIST: u32 = 20261203;

fn demo_file(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../data/demo/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_else(|e| panic!("data/demo/{name}: {e}"))
}

fn demo_list() -> ParsedList {
    read_list(
        "items-v1.csv",
        &demo_file("items-v1.csv"),
        Format::Csv,
        &gongfu_catalog::national_taxonomy(),
        AT_LIST,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn demo_costs(list: &ParsedList) -> CostBook {
    let known: HashSet<String> = list.items.iter().map(|it| it.code.to_string()).collect();
    let costs = read_costs("item-costs.csv", &demo_file("item-costs.csv"), &known)
        // The cost file also prices items of version 2; only version 1's are known here.
        .or_else(|_| {
            let text = String::from_utf8(demo_file("item-costs.csv")).unwrap();
            let kept: String = text
                .lines()
                .enumerate()
                .filter(|(i, l)| *i == 0 || known.contains(l.split(',').next().unwrap_or("")))
                .map(|(_, l)| format!("{l}\n"))
                .collect();
            read_costs("item-costs.csv", kept.as_bytes(), &known)
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let shares = read_payer_shares("payer-shares.csv", &demo_file("payer-shares.csv"))
        .unwrap_or_else(|e| panic!("{e}"));
    CostBook {
        unit_costs: costs
            .into_iter()
            .map(|c| UnitCost {
                item: c.item_code,
                year: c.year as i32,
                unit_cost: c.unit_cost,
                take_up: c.take_up.unwrap_or(1.0),
                shares: None,
                provenance: c.provenance,
            })
            .collect(),
        payer_shares: shares
            .into_iter()
            .map(|s| (s.responsibility, Shares::from_array(s.shares)))
            .collect(),
    }
}

fn population() -> Population {
    population_of(&[
        ("440399001001", 1200, 3000, 3400),
        ("440399001002", 800, 2000, 2500),
        ("440399002001", 1500, 2600, 2800),
    ])
}

/// A population of 2024 drawn for communities given as (code, 户籍, 常住, 服务人口).
fn population_of(c: &[(&str, u64, u64, u64)]) -> Population {
    let c: Vec<CommunityCount> = c
        .iter()
        .map(|(code, h, p, s)| CommunityCount {
            code: code.to_string(),
            hukou: *h,
            permanent: *p,
            served: *s,
        })
        .collect();
    synthesize(
        Schema::shared(),
        &Marginals::standard(),
        &c,
        gongfu_affordability::afford::reference_date(2024),
        11,
    )
}

struct Fixture {
    list: ParsedList,
    costs: CostBook,
    pop: Population,
    budgets: BTreeMap<i32, f64>,
    names: HashMap<String, String>,
    marginals: Marginals,
    rates: Rates,
}

impl Fixture {
    fn new() -> Self {
        let list = demo_list();
        Fixture {
            costs: demo_costs(&list),
            list,
            pop: population(),
            budgets: BTreeMap::from([(2024, 60_000_000.0), (2025, 62_000_000.0)]),
            names: HashMap::from([("440399001000".to_string(), "青榕街道".to_string())]),
            marginals: Marginals::standard(),
            rates: Rates::default(),
        }
    }

    fn input<'a>(
        &'a self,
        candidate: Option<&'a gongfu_affordability::afford::Candidate>,
        years: u32,
    ) -> RunInput<'a> {
        RunInput {
            schema: Schema::shared(),
            marginals: &self.marginals,
            version: 1,
            taxonomy: &self.list.taxonomy,
            items: &self.list.items,
            candidate,
            population: &self.pop,
            population_year: 2024,
            weight: 1.0,
            costs: &self.costs,
            budgets: &self.budgets,
            budget_growth: 0.03,
            bands: Bands::default(),
            start_year: 2024,
            years,
            rates: &self.rates,
            seed: 5,
            region_names: &self.names,
        }
    }

    fn run(&self, scenario: Option<&Scenario>, years: u32) -> RunResult {
        let cand = scenario.map(|s| {
            apply(s, &self.list.items, &self.list.taxonomy, Schema::shared())
                .unwrap_or_else(|e| panic!("{e:?}"))
        });
        run(&self.input(cand.as_ref(), years)).unwrap_or_else(|e| panic!("{e:?}"))
    }
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0),
        "{what}: {a} vs {b}"
    );
}

fn item<'a>(r: &'a RunResult, code: &str) -> &'a gongfu_affordability::afford::ItemResult {
    r.items
        .iter()
        .find(|i| i.code == code)
        .unwrap_or_else(|| panic!("{code} in the result"))
}

/// Persons of `pop` aged at least `years` on `at`, counted one by one.
fn aged_at_least(pop: &Population, years: i64, at: u32, scope: &[&str]) -> u64 {
    let schema = Schema::shared();
    let b = schema.index("birth_date").unwrap();
    let r = schema.index("residency").unwrap();
    (0..pop.len())
        .filter(|&i| {
            let age = match pop.row_value(b, i) {
                Some(Value::Date(d)) => date::years_between(d, at),
                _ => -1,
            };
            let res = match pop.row_value(r, i) {
                Some(Value::Enum(e)) => schema.field(r).choices[e as usize].key.clone(),
                _ => String::new(),
            };
            age >= years && scope.contains(&res.as_str())
        })
        .count() as u64
}

#[test]
fn totals_add_up_by_item_area_payer_subdistrict_and_community() {
    let f = Fixture::new();
    let r = f.run(None, 2);
    assert_eq!(r.years.len(), 2);
    for (y, yr) in r.years.iter().enumerate() {
        let by_items: f64 = r.items.iter().map(|i| i.years[y].cost).sum();
        close(yr.base.cost, by_items, "total = sum of items");
        close(yr.base.by_payer.iter().sum(), yr.base.cost, "payers");
        close(
            r.areas.iter().map(|a| a.cost[y]).sum(),
            yr.base.cost,
            "areas",
        );
        close(
            r.subdistricts.iter().map(|s| s.cost[y]).sum(),
            yr.base.cost,
            "sub-districts",
        );
        let ratio = yr.base.by_payer[3] / yr.budget.unwrap();
        close(yr.base.ratio.unwrap(), ratio, "ratio");
        assert!(yr.base.cost > 0.0);
    }
    // Two sub-districts: 001 (two communities) and 002.
    assert_eq!(r.subdistricts.len(), 2);
    assert_eq!(r.subdistricts[0].name, "青榕街道");
    // The first year's community table sums to each item's count.
    for (k, code) in r.communities.items.iter().enumerate() {
        let total: u64 = r.communities.eligible[k].iter().sum();
        assert_eq!(Some(total), item(&r, code).years[0].eligible, "{code}");
    }
    assert_eq!(r.communities.persons.iter().sum::<u64>(), 8700);
    // 老年人健康管理 (N1005: 65 and over, 常住) counted one by one.
    let at = gongfu_affordability::afford::reference_date(2024);
    assert_eq!(
        item(&r, "N1005").years[0].eligible,
        Some(aged_at_least(&f.pop, 65, at, &["hukou", "permanent"]))
    );
    // Its cost is count x take-up (70% of the eligible use it, data/demo/item-costs.csv)
    // x unit cost, split 30% central / 35% / 35% (a shared item).
    let n = item(&r, "N1005");
    let unit = n.years[0].unit_cost.unwrap();
    assert_eq!(n.years[0].take_up, 0.7);
    close(
        n.years[0].cost,
        n.years[0].eligible.unwrap() as f64 * 0.7 * unit,
        "N1005 cost",
    );
    assert_eq!(n.shares, [0.3, 0.0, 0.35, 0.35]);
    // 2025 has its own budget; nothing was estimated.
    assert!(!r.years[1].budget_estimated);
}

#[test]
fn a_raised_standard_changes_only_that_items_cost() {
    let f = Fixture::new();
    let base = f.run(None, 1);
    let s = Scenario {
        name: "老年人健康管理提标10%".into(),
        description: String::new(),
        changes: vec![Change::RaiseStandard {
            item: "N1005".into(),
            percent: Some(10.0),
            amount: None,
        }],
    };
    let r = f.run(Some(&s), 1);
    let y = &r.years[0];
    let cand = y.candidate.as_ref().unwrap();
    let n = item(&r, "N1005");
    assert_eq!(n.change, "changed");
    close(cand.cost - y.base.cost, n.years[0].cost * 0.1, "Δ cost");
    assert_eq!(cand.beneficiaries, y.base.beneficiaries);
    close(
        n.years[0].candidate_cost,
        n.years[0].eligible.unwrap() as f64 * 0.7 * n.years[0].candidate_unit_cost.unwrap(),
        "raised cost",
    );
    close(y.base.cost, base.years[0].base.cost, "base unchanged");
    assert_eq!(
        r.items.iter().filter(|i| i.change != "unchanged").count(),
        1
    );
}

#[test]
fn widening_to_permanent_residents_counts_them_and_adding_an_item_counts_its_rule() {
    let f = Fixture::new();
    // L1401 (老年人意外伤害保险, 60 and over) is for 户籍 residents; extend it to 常住.
    let s = Scenario {
        name: "扩面与新增".into(),
        description: String::new(),
        changes: vec![
            Change::WidenPopulation {
                item: "L1401".into(),
                population_scope: Some("常住人口".into()),
                rule: None,
            },
            Change::AddItem {
                code: "L9901".into(),
                name: "高龄老人营养餐补贴（情景）".into(),
                area: "老有所养".into(),
                category: "养老助老服务".into(),
                rule: "age >= 80".into(),
                population_scope: None,
                expenditure_responsibility: None,
                unit_cost: 1000.0,
                shares: None,
            },
            Change::RemoveItem {
                item: "L2203".into(),
            },
        ],
    };
    let r = f.run(Some(&s), 1);
    let n = item(&r, "L1401");
    let at = gongfu_affordability::afford::reference_date(2024);
    assert_eq!(
        n.years[0].eligible,
        Some(aged_at_least(&f.pop, 60, at, &["hukou"]))
    );
    assert_eq!(
        n.years[0].candidate_eligible,
        Some(aged_at_least(&f.pop, 60, at, &["hukou", "permanent"]))
    );
    assert!(n.years[0].candidate_eligible > n.years[0].eligible);
    let added = item(&r, "L9901");
    assert_eq!(added.change, "added");
    let want = aged_at_least(&f.pop, 80, at, &["hukou", "permanent"]);
    assert!(want > 0);
    assert_eq!(added.years[0].candidate_eligible, Some(want));
    assert_eq!(added.years[0].eligible, None);
    close(
        added.years[0].candidate_cost,
        want as f64 * 1000.0,
        "new item cost",
    );
    // Local items are paid by the city and district, half each.
    assert_eq!(added.shares, [0.0, 0.0, 0.5, 0.5]);
    let removed = item(&r, "L2203");
    assert_eq!(removed.change, "removed");
    assert_eq!(removed.years[0].candidate_cost, 0.0);
    let y = &r.years[0];
    let cand = y.candidate.as_ref().unwrap();
    let delta: f64 = r
        .items
        .iter()
        .map(|i| i.years[0].candidate_cost - i.years[0].cost)
        .sum();
    close(cand.cost - y.base.cost, delta, "Δ = sum of item Δs");
}

#[test]
fn the_projection_ages_cohorts_and_adds_births() {
    let f = Fixture::new();
    let r = f.run(None, 3);
    assert_eq!(
        r.years.iter().map(|y| y.year).collect::<Vec<_>>(),
        [2024, 2025, 2026]
    );
    // The same projection by hand: the count of 65+ each year from the advanced population.
    let schema = Schema::shared();
    let mut pop = f.pop.clone();
    let mut at = gongfu_affordability::afford::reference_date(2024);
    // No birth rate given: the run takes the population's own, once, for every year.
    let (rates, _) = f.rates.resolve(schema, &pop, at);
    assert_eq!(r.rates, rates);
    for (y, yr) in r.years.iter().enumerate() {
        if y > 0 {
            let next = gongfu_affordability::afford::reference_date(2024 + y as i32);
            pop = advance(schema, &f.marginals, &pop, &rates, at, next, 5);
            at = next;
        }
        assert_eq!(yr.persons, pop.len() as u64, "{}", yr.year);
        assert_eq!(
            item(&r, "N1005").years[y].eligible,
            Some(aged_at_least(&pop, 65, at, &["hukou", "permanent"])),
            "{}",
            yr.year
        );
    }
    // Newborns reach the newborn screening (N0201) in later years.
    assert!(item(&r, "N0201").years[2].eligible.unwrap() > 0);
    // 2026 has no budget: estimated from 2025 at 3% growth.
    let y26 = &r.years[2];
    assert!(y26.budget_estimated);
    close(y26.budget.unwrap(), 62_000_000.0 * 1.03, "estimated budget");
    assert!(r.notes.iter().any(|n| n.contains("2026年预算未录入")));
}

#[test]
fn bands_follow_the_thresholds() {
    let b = Bands {
        amber: 0.07,
        red: 0.10,
    };
    assert_eq!(b.of(Some(0.0699)), Band::Green);
    assert_eq!(b.of(Some(0.07)), Band::Amber);
    assert_eq!(b.of(Some(0.10)), Band::Red);
    assert_eq!(b.of(None), Band::Unknown);
    assert!(Bands {
        amber: 0.1,
        red: 0.07
    }
    .check()
    .is_err());
    // A tiny budget turns the same run red.
    let mut f = Fixture::new();
    f.budgets = BTreeMap::from([(2024, 1_000_000.0)]);
    assert_eq!(f.run(None, 1).years[0].base.band, Band::Red);
}

#[test]
fn a_sample_counts_for_its_weight() {
    let f = Fixture::new();
    let full = f.run(None, 1);
    let mut input = f.input(None, 1);
    input.weight = 10.0;
    let r = run(&input).unwrap();
    assert_eq!(r.years[0].persons, full.years[0].persons * 10);
    close(
        r.years[0].base.cost,
        full.years[0].base.cost * 10.0,
        "cost x weight",
    );
}

#[test]
fn a_scenario_naming_a_missing_item_or_a_bad_rule_is_refused_with_the_change() {
    let f = Fixture::new();
    let s = Scenario {
        name: "坏情景".into(),
        description: String::new(),
        changes: vec![
            Change::RaiseStandard {
                item: "N9999".into(),
                percent: Some(5.0),
                amount: None,
            },
            Change::WidenPopulation {
                item: "N1005".into(),
                population_scope: None,
                rule: Some("age >= date(\"2000-01-01\")".into()),
            },
            Change::AddItem {
                code: "N1005".into(),
                name: "重复".into(),
                area: "老有所养".into(),
                category: "养老助老服务".into(),
                rule: "true".into(),
                population_scope: None,
                expenditure_responsibility: None,
                unit_cost: 1.0,
                shares: None,
            },
        ],
    };
    let e = apply(&s, &f.list.items, &f.list.taxonomy, Schema::shared()).unwrap_err();
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(
        e[0].starts_with("scenario change 1: item N9999 is not in the list"),
        "{}",
        e[0]
    );
    assert!(
        e[1].starts_with("scenario change 2: rule:") && e[1].contains("column"),
        "{}",
        e[1]
    );
    assert!(e[2].contains("already in the list"), "{}", e[2]);
    // Unknown fields in scenario JSON are refused by name.
    let j =
        r#"{"name": "x", "changes": [{"kind": "raise_standard", "item": "N1005", "precent": 5}]}"#;
    let err = Scenario::from_value(serde_json::from_str(j).unwrap()).unwrap_err();
    assert!(
        err.contains("'precent' is not a key of raise_standard"),
        "{err}"
    );
    // Years out of range, a start before the population.
    let mut input = f.input(None, 9);
    input.start_year = 2020;
    let e = run(&input).unwrap_err();
    assert!(e.iter().any(|m| m.contains("years = 9")), "{e:?}");
    assert!(e.iter().any(|m| m.contains("start_year 2020")), "{e:?}");
}

#[test]
fn a_population_file_is_read_all_or_nothing_with_row_and_column() {
    let schema = Schema::shared();
    let communities: HashSet<String> = ["440399001001".to_string()].into();
    let at = gongfu_affordability::afford::reference_date(2024);
    let good = "birth_date,sex,residency,community,rural,assistance,disability,military_family,chronic_conditions\n\
                1950-01-02,female,hukou,440399001001,false,none,none,none,hypertension\n\
                2001-05-06,男,常住,440399001001,否,低保,none,none,\n";
    // 常住 is not a label of residency (低保, inside the label's brackets, is one of
    // assistance): the second row is refused, naming the column.
    let e = read_population("p.csv", good.as_bytes(), schema, at, &communities).unwrap_err();
    assert_eq!(e.errors.len(), 1, "{e}");
    assert_eq!(e.errors[0].row, Some(3));
    assert!(
        e.errors[0].column.as_deref().unwrap().contains("residency"),
        "{e}"
    );
    let good = good.replace("常住", "permanent");
    let pop = read_population("p.csv", good.as_bytes(), schema, at, &communities).unwrap();
    assert_eq!(pop.len(), 2);
    // Missing column, impossible birth date, unknown community, unknown header.
    let bad =
        "birth_date,sex,residency,community,rural,assistance,disability,military_family,colour\n\
               2030-01-01,female,hukou,440399001001,false,none,none,none,red\n\
               1990-02-30,female,hukou,440399009009,false,none,none,none,red\n";
    let e = read_population("bad.csv", bad.as_bytes(), schema, at, &communities).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("'colour' is not a field"), "{text}");
    assert!(text.contains("chronic_conditions"), "{text}");
    // Header errors stop before rows; fix them and the rows' errors show.
    let bad = bad
        .replace(",colour", ",chronic_conditions")
        .replace(",red", ",");
    let e = read_population("bad.csv", bad.as_bytes(), schema, at, &communities).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("第 2 行") && text.contains("after the population's reference date"),
        "{text}"
    );
    assert!(
        text.contains("第 3 行") && text.contains("'1990-02-30' is not a date"),
        "{text}"
    );
    assert!(
        text.contains(
            "第 3 行，列 D（community）：community 440399009009 is not a current community"
        ),
        "{text}"
    );
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn header() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "birth_date,sex,residency,community\n",
            "出生日期,性别,户籍与居住,所在社区,慢性病\n",
            "事项编码,年度,单位成本（元/人·年）,受益比例,中央承担比例,省级承担比例,市级承担比例,区级承担比例\n",
            "支出责任,中央承担比例,省级承担比例,市级承担比例,区级承担比例\n",
            "区划代码,年度,一般公共预算支出（元）\n",
        ])
        .prop_map(String::from)
    }

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("1950-02-29".to_string()),
            Just("2099-01-01".to_string()),
            Just("440399001001".to_string()),
            Just("female".to_string()),
            Just("hukou".to_string()),
            Just("N1005".to_string()),
            Just("2024".to_string()),
            Just("35%".to_string()),
            Just("1e308".to_string()),
            Just("\"".to_string()),
            "\\PC{0,12}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Tables of plausible and hostile cells: every reader answers, and a failure
        /// names at least one error.
        #[test]
        fn no_table_panics_a_reader(h in header(), rows in prop::collection::vec(prop::collection::vec(cell(), 0..10), 0..6)) {
            let mut text = h;
            for r in rows {
                text.push_str(&r.join(","));
                text.push('\n');
            }
            let schema = Schema::shared();
            let communities: HashSet<String> = ["440399001001".to_string()].into();
            if let Err(f) = read_population("p.csv", text.as_bytes(), schema, 20240701, &communities) {
                prop_assert!(!f.errors.is_empty());
            }
            let items: HashSet<String> = ["N1005".to_string()].into();
            if let Err(f) = read_costs("c.csv", text.as_bytes(), &items) {
                prop_assert!(!f.errors.is_empty());
            }
            let _ = read_payer_shares("s.csv", text.as_bytes());
            let _ = gongfu_affordability::popfile::read_budgets("b.csv", text.as_bytes());
        }

        /// Any bytes, not only text.
        #[test]
        fn no_bytes_panic_a_reader(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let schema = Schema::shared();
            let _ = read_population("p.csv", &bytes, schema, 20240701, &HashSet::new());
            let _ = read_costs("c.csv", &bytes, &HashSet::new());
        }
    }
}

/// The under-3s' childcare (L0201, 社区嵌入式托育: `youngest_child_age < 3`) and the care
/// of pregnant women and new mothers (N0102, 孕产妇健康服务: `pregnant ||
/// youngest_child_age < 1`) ask about a parent, not the child: a projection that adds
/// newborns without parents, and keeps last year's pregnancies, empties them within a few
/// years. With births linked to parents and pregnancy carried from the birth rate, each
/// projected year stays within a fifth of the first.
#[test]
fn the_projection_carries_the_under_3s_parents_and_pregnancies_forward() {
    let mut f = Fixture::new();
    f.pop = population_of(&[
        ("440399001001", 12_000, 30_000, 34_000),
        ("440399002001", 15_000, 26_000, 28_000),
    ]);
    let r = f.run(None, 4);
    for code in ["L0201", "N0102"] {
        let it = item(&r, code);
        let counts: Vec<u64> = it.years.iter().map(|y| y.eligible.unwrap()).collect();
        let first = counts[0] as f64;
        assert!(first > 500.0, "{code}: {counts:?}");
        for (y, n) in counts.iter().enumerate().skip(1) {
            let change = *n as f64 / first - 1.0;
            assert!(
                change.abs() <= 0.2,
                "{code} {}: {counts:?} ({:+.0}% in year {y})",
                it.name,
                change * 100.0
            );
        }
    }
    // The birth rate was not given: the population's own (persons under 1), stated.
    let birth = r.assumptions.iter().find(|a| a.name == "出生率").unwrap();
    assert!(birth.basis.contains("不满1岁"), "{birth:?}");
}

/// An item with no rule cannot be counted, so it costs 0: the run says so in a field of
/// its own, item by item, and in its notes.
#[test]
fn an_item_without_a_rule_is_costed_0_and_warned_of() {
    let mut f = Fixture::new();
    let i = f
        .list
        .items
        .iter()
        .position(|it| it.code.as_str() == "N1005")
        .unwrap();
    f.list.items[i].eligibility_rule = String::new();
    let r = f.run(None, 1);
    assert_eq!(r.without_rule.len(), 1, "{:?}", r.without_rule);
    let w = &r.without_rule[0];
    assert_eq!(
        (w.code.as_str(), w.reason.as_str()),
        ("N1005", "没有资格规则")
    );
    assert_eq!(item(&r, "N1005").years[0].cost, 0.0);
    assert!(r.notes.iter().any(|n| n.contains("N1005")), "{:?}", r.notes);
    // With every rule in place there is nothing to warn of.
    assert!(Fixture::new().run(None, 1).without_rule.is_empty());
}

/// The demo scenario's run over two years, and its workbook.
fn workbook() -> (RunResult, Vec<u8>) {
    let f = Fixture::new();
    let v: serde_json::Value = serde_json::from_slice(&demo_file("scenario.json")).unwrap();
    let r = f.run(Some(&Scenario::from_value(v).unwrap()), 2);
    let bytes = gongfu_affordability::report::xlsx_report("测算（测试）", &r).unwrap();
    (r, bytes)
}

/// Every sheet is one table: a header in every column of row 1 up to the last one with a
/// value, a value under every header in every data row, nothing right of the last header.
/// (The 事项 sheet once had a 受益比例 header over nothing, every figure one column left
/// of its header.) Then the figures are where their headers say.
#[test]
fn every_header_of_the_workbook_stands_over_its_values() {
    let (r, bytes) = workbook();
    let sheets = gongfu_sheets::read_workbook("run.xlsx", &bytes).unwrap();
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "汇总",
            "事项",
            "领域",
            "街道",
            "支付主体",
            "社区受益人数",
            "假设与说明"
        ]
    );
    for (name, rows) in &sheets {
        let (first, header) = &rows[0];
        assert_eq!(*first, 1, "{name}: the header is row 1");
        let width = header.iter().rposition(|h| !h.is_empty()).unwrap() + 1;
        for (c, h) in header[..width].iter().enumerate() {
            assert!(!h.is_empty(), "{name}: column {} has no header", c + 1);
        }
        assert!(rows.len() > 1, "{name}: no data rows");
        for (n, row) in &rows[1..] {
            for (c, h) in header[..width].iter().enumerate() {
                assert!(
                    row.get(c).is_some_and(|v| !v.is_empty()),
                    "{name} row {n}: nothing under {h}"
                );
            }
            assert!(
                row.iter().skip(width).all(String::is_empty),
                "{name} row {n}: a value right of the last header: {row:?}"
            );
        }
    }
    // The figures under their headers: N1005's take-up, unit cost and cost in 事项.
    let items = &sheets[1].1;
    let header = &items[0].1;
    let at = |h: &str| {
        header
            .iter()
            .position(|x| x == h)
            .unwrap_or_else(|| panic!("{h}"))
    };
    let row = &items.iter().find(|(_, r)| r[0] == "N1005").unwrap().1;
    let y = &item(&r, "N1005").years[0];
    let num = |h: &str| {
        row[at(h)]
            .parse::<f64>()
            .unwrap_or_else(|e| panic!("{h}: {e}"))
    };
    close(num("2024受益比例"), y.take_up, "受益比例");
    close(
        num("2024单位成本（元/人·年）"),
        y.unit_cost.unwrap(),
        "单位成本",
    );
    close(num("2024费用（元）"), y.cost, "费用");
    close(
        num("2024符合条件人数"),
        y.eligible.unwrap() as f64,
        "符合条件人数",
    );
    close(
        num("2024方案单位成本（元/人·年）"),
        y.candidate_unit_cost.unwrap(),
        "方案单位成本",
    );
    // The assumptions are stated.
    let stated = &sheets[6].1;
    for want in ["出生率", "死亡率", "净迁移率", "怀孕", "新生儿", "受益比例"] {
        assert!(
            stated.iter().any(|(_, r)| r[0] == "假设" && r[1] == want),
            "{want} in 假设与说明"
        );
    }
}

/// The same workbook opened by openpyxl, the reader a finance clerk's scripts use
/// (`tests/xlsx_check.py`). Missing python3 or openpyxl: the check says so and passes,
/// unless GONGFU_REQUIRE_OPENPYXL=1 (CI), which makes the absence a failure.
#[test]
fn openpyxl_finds_every_header_over_its_values() {
    let python = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("python3"))
            .find(|p| p.is_file())
    });
    let ready = python.as_ref().is_some_and(|p| {
        std::process::Command::new(p)
            .args(["-c", "import openpyxl"])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(python) = python.filter(|_| ready) else {
        assert!(
            std::env::var("GONGFU_REQUIRE_OPENPYXL").as_deref() != Ok("1"),
            "GONGFU_REQUIRE_OPENPYXL=1 but python3 with openpyxl is not available; \
             python3 -m pip install openpyxl==3.1.5"
        );
        eprintln!(
            "skipping the openpyxl check: python3 with openpyxl not found \
             (python3 -m pip install openpyxl==3.1.5)"
        );
        return;
    };
    let (_, bytes) = workbook();
    let path = std::env::temp_dir().join(format!("gongfu-run-{}.xlsx", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new(python)
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/xlsx_check.py"))
        .arg(&path)
        .output()
        .expect("python3 runs");
    let _ = std::fs::remove_file(&path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "openpyxl found misaligned sheets:\n{stdout}\n{stderr}"
    );
    eprintln!("{stdout}");
}
