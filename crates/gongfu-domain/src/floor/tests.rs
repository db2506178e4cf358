use super::*;
use crate::catalog::{Area, Category, ItemDraft, OriginLevel, Taxonomy};

fn taxonomy() -> Taxonomy {
    Taxonomy::new(
        vec![Area {
            no: 4,
            name: "病有所医".into(),
        }],
        vec![Category {
            no: 10,
            area_no: 4,
            name: "公共卫生服务".into(),
        }],
    )
    .unwrap()
}

/// A national item 居民健康档案 as the demo writes it.
fn item(code: &str, standard: &str) -> ServiceItem {
    let d = ItemDraft {
        code: code.into(),
        name: "居民健康档案".into(),
        category: "公共卫生服务".into(),
        seq: "1".into(),
        target_population: "辖区常住居民".into(),
        content: "建立、使用和维护居民电子健康档案".into(),
        standard: standard.into(),
        expenditure_responsibility: "中央财政和地方财政共同承担支出责任".into(),
        lead_departments: "国家卫生健康委".into(),
        population_scope: "常住人口".into(),
        ..Default::default()
    };
    ServiceItem::parse(&d, &taxonomy()).unwrap()
}

fn q(text: &str) -> Vec<Quantity> {
    parse_quantities(text)
}

fn one(text: &str) -> Quantity {
    let v = q(text);
    assert_eq!(v.len(), 1, "{text}: {v:?}");
    v.into_iter().next().unwrap()
}

#[test]
fn reads_a_percent_floor() {
    let x = one("电子健康档案建档率不低于90%（示例）");
    assert_eq!(x.measure, Measure::Percent);
    assert_eq!((x.lo, x.hi, x.bound), (90.0, 90.0, Bound::AtLeast));
    assert_eq!(x.unit(), "%");
    assert!(x.key.contains("建档率"), "{}", x.key);
}

#[test]
fn reads_counts_per_year_and_per_child() {
    let x = one("每年1次");
    assert_eq!(x.measure, Measure::Count("次".into()));
    assert_eq!(x.per, Some(Period::Year));
    assert_eq!(x.unit(), "次/年");
    let y = one("每孩次1次");
    assert_eq!(y.per, None);
    assert_eq!(y.lo, 1.0);
    let z = one("每年一次健康体检");
    assert_eq!((z.lo, z.per), (1.0, Some(Period::Year)));
    assert!(q("一次性发放").is_empty());
}

#[test]
fn reads_a_range_with_a_limit_and_the_count_after_it() {
    let v = q("产后3-7天内上门访视1次");
    assert_eq!(v.len(), 2, "{v:?}");
    assert_eq!(v[0].measure, Measure::Days);
    assert_eq!((v[0].lo, v[0].hi, v[0].bound), (3.0, 7.0, Bound::AtMost));
    assert_eq!(v[1].measure, Measure::Count("次".into()));
    assert!(v[1].key.contains("访视"));
}

#[test]
fn reads_ages_money_hours_and_months() {
    let a = one("65岁及以上常住居民");
    assert_eq!(
        (a.measure.clone(), a.lo, a.bound),
        (Measure::Age, 65.0, Bound::AtLeast)
    );
    let u = one("未满18周岁的儿童");
    assert_eq!((u.measure.clone(), u.bound), (Measure::Age, Bound::AtMost));
    let v = q("80岁及以上老年人每人每月发放高龄津贴200元");
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].measure, Measure::Age);
    assert_eq!(v[1].text, "老年人每人每月发放高龄津贴200元");
    let money = one("每人每月发放高龄津贴200元");
    assert_eq!(
        (money.measure.clone(), money.per),
        (Measure::Money, Some(Period::Month))
    );
    assert_eq!(money.unit(), "元/月");
    let h = one("每周开放不少于42小时");
    assert_eq!(
        (h.measure.clone(), h.per, h.bound),
        (Measure::Hours, Some(Period::Week), Bound::AtLeast)
    );
    let mo = one("每名儿童每年康复训练救助不少于10个月");
    assert_eq!(mo.measure, Measure::Months);
    let w = one("１５个工作日内完成评估");
    assert_eq!(
        (w.measure.clone(), w.lo, w.bound),
        (Measure::Days, 15.0, Bound::AtMost)
    );
    let wan = one("每户补贴不超过0.8万元");
    assert_eq!((wan.lo, wan.bound), (8000.0, Bound::AtMost));
    assert!(q("每日增补0.4毫克叶酸，低保标准的1.5倍").is_empty());
}

#[test]
fn ninety_to_fifty_percent_is_a_cut() {
    let c = compare_texts(
        "standard",
        "电子健康档案建档率不低于90%",
        "电子健康档案建档率不低于50%",
    );
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].verdict, Verdict::Lowered);
    assert_eq!(c[0].national, "电子健康档案建档率不低于90%");
}

#[test]
fn once_to_twice_a_year_is_a_raise() {
    let c = compare_texts("standard", "每年1次", "每年2次");
    assert_eq!(c[0].verdict, Verdict::Raised);
    let c = compare_texts("standard", "每年2次", "每年1次");
    assert_eq!(c[0].verdict, Verdict::Lowered);
    // Periods are converted: monthly is more than quarterly.
    let c = compare_texts("standard", "每季度至少走访1次", "每月至少走访1次");
    assert_eq!(c[0].verdict, Verdict::Raised);
}

#[test]
fn a_limit_is_better_lower() {
    let c = compare_texts(
        "standard",
        "阳性病例在7个工作日内召回",
        "阳性病例在10个工作日内召回",
    );
    assert_eq!(c[0].verdict, Verdict::Lowered);
    let c = compare_texts(
        "standard",
        "公租房租金不高于市场租金的70%",
        "公租房租金不高于市场租金的60%",
    );
    assert_eq!(c[0].verdict, Verdict::Raised);
}

#[test]
fn an_age_threshold_raised_narrows_and_a_range_shrunk_narrows() {
    let c = compare_texts(
        "target_population",
        "辖区65岁及以上常住居民",
        "辖区70岁及以上常住居民",
    );
    assert_eq!(c[0].verdict, Verdict::Lowered);
    let c = compare_texts(
        "target_population",
        "辖区65岁及以上常住居民",
        "辖区60岁及以上常住居民",
    );
    assert_eq!(c[0].verdict, Verdict::Raised);
    let c = compare_texts("target_population", "辖区0-6岁儿童", "辖区0-3岁儿童");
    assert_eq!(c[0].verdict, Verdict::Lowered);
    let c = compare_texts("target_population", "辖区0-6岁儿童", "辖区0-14岁儿童");
    assert_eq!(c[0].verdict, Verdict::Raised);
}

#[test]
fn pairs_quantities_by_their_words() {
    let n = "孕期至少5次产前检查，其中孕早期至少1次；产后3-7天内上门访视1次";
    let l = "孕期至少7次产前检查，其中孕早期至少1次；产后3-7天内上门访视1次";
    let c = compare_texts("standard", n, l);
    let verdicts: Vec<_> = c.iter().map(|c| c.verdict).collect();
    assert_eq!(
        verdicts,
        vec![
            Verdict::Raised,
            Verdict::Equal,
            Verdict::Equal,
            Verdict::Equal
        ]
    );
    // The visit dropped: listed for a person, not passed as equal.
    let l = "孕期至少5次产前检查，其中孕早期至少1次";
    let c = compare_texts("standard", n, l);
    assert!(c
        .iter()
        .any(|c| c.verdict == Verdict::Incomparable && c.unit == "天"));
}

#[test]
fn what_cannot_be_compared_is_listed() {
    // A floor turned into a ceiling.
    let c = compare_texts("standard", "建档率不低于90%", "建档率不超过95%");
    assert_eq!(c[0].verdict, Verdict::Incomparable);
    // A reworded text without numbers.
    let c = compare_texts("standard", "按照国家有关规定执行", "按照本区有关规定执行");
    assert_eq!(c[0].verdict, Verdict::Incomparable);
    // Yearly against no period.
    let c = compare_texts("standard", "每年1次", "1次");
    assert_eq!(c[0].verdict, Verdict::Incomparable);
    // Only the 示例 mark and punctuation differ: nothing to compare.
    assert!(compare_texts("standard", "每年1次（示例）", "每年1次。").is_empty());
}

#[test]
fn the_same_list_meets_the_floor() {
    let n = vec![item("N1001", "电子健康档案建档率不低于90%（示例）")];
    let r = check_floor(&n, &n);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(r.entries[0].relation, Relation::Equal);
    assert_eq!(r.entries[0].local_codes, vec!["N1001"]);
}

#[test]
fn attack_lowering_the_rate_is_found() {
    let n = vec![item("N1001", "电子健康档案建档率不低于90%（示例）")];
    let l = vec![item("N1001", "电子健康档案建档率不低于50%（示例）")];
    let r = check_floor(&n, &l);
    assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
    let f = &r.findings[0];
    assert_eq!(f.kind, FindingKind::Lowered);
    assert_eq!(f.national_code, "N1001");
    assert_eq!(f.local_code.as_deref(), Some("N1001"));
    assert!(
        f.message.contains("50%") && f.message.contains("90%"),
        "{}",
        f.message
    );
    assert_eq!(r.entries[0].relation, Relation::Below);
}

#[test]
fn attack_retiring_a_national_item_is_found() {
    let n = vec![item("N1001", "建档率不低于90%")];
    let mut other = item("L0001", "每年1次");
    other.name = "社区义诊".into();
    let r = check_floor(&n, &[other]);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].kind, FindingKind::Missing);
    assert!(r.findings[0].message.contains("N1001"));
    assert_eq!(r.entries[0].relation, Relation::Uncovered);
    assert_eq!(r.featured, vec!["L0001"]);
}

#[test]
fn a_successor_naming_the_national_item_covers_it() {
    let n = vec![item("N1001", "建档率不低于90%")];
    let mut succ = item("L0101", "建档率不低于90%");
    succ.origin_level = OriginLevel::District;
    succ.base_code = Some(crate::ItemCode::parse("N1001").unwrap());
    succ.base_relation = Some(BaseRelation::Implements);
    let r = check_floor(&n, &[succ]);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(r.entries[0].local_codes, vec!["L0101"]);
    assert!(r.featured.is_empty());
}

#[test]
fn a_raising_item_makes_the_entry_raised_without_a_shift_finding() {
    let n = vec![item("N1001", "建档率不低于90%")];
    let mut raise = item("R1001", "建档率不低于95%");
    raise.origin_level = OriginLevel::District;
    raise.base_code = Some(crate::ItemCode::parse("N1001").unwrap());
    raise.base_relation = Some(BaseRelation::Raises);
    raise.expenditure_responsibility = ExpenditureResponsibility::Local;
    let r = check_floor(&n, &[n[0].clone(), raise.clone()]);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(r.entries[0].relation, Relation::Raised);
    // Alone, the raising item is compared in full, but a raise still is no cut.
    let r = check_floor(&n, &[raise]);
    assert!(r.findings.iter().all(|f| f.kind != FindingKind::Lowered));
    assert_eq!(r.entries[0].relation, Relation::Raised);
}

#[test]
fn a_raise_in_place_is_raised() {
    let n = vec![item("N1001", "每年1次")];
    let l = vec![item("N1001", "每年2次")];
    let r = check_floor(&n, &l);
    assert!(r.findings.is_empty());
    assert_eq!(r.entries[0].relation, Relation::Raised);
}

#[test]
fn narrowed_population_is_found() {
    let n = vec![item("N1001", "每年1次")];
    let mut l = n[0].clone();
    l.target_population = "辖区户籍居民".into();
    let r = check_floor(&n, &[l.clone()]);
    assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
    assert_eq!(r.findings[0].kind, FindingKind::Narrowed);
    assert!(r.findings[0].message.contains("户籍"));
    l.target_population = "辖区常住居民".into();
    l.population_scope = PopulationKind::Hukou;
    let r = check_floor(&n, &[l.clone()]);
    assert_eq!(r.findings[0].kind, FindingKind::Narrowed);
    l.population_scope = PopulationKind::Permanent;
    l.target_population = "辖区常住居民中的低保对象".into();
    let r = check_floor(&n, &[l]);
    assert_eq!(r.findings[0].kind, FindingKind::Unresolved);
}

#[test]
fn shifted_expenditure_is_found() {
    let n = vec![item("N1001", "每年1次")];
    let mut l = n[0].clone();
    l.expenditure_responsibility = ExpenditureResponsibility::Local;
    let r = check_floor(&n, &[l]);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].kind, FindingKind::Shifted);
    assert!(r.findings[0].message.contains("地方财政承担支出责任"));
}

#[test]
fn new_findings_leave_out_those_the_base_had() {
    let n = vec![item("N1001", "建档率不低于90%")];
    let before = check_floor(&n, &[item("N1001", "建档率不低于80%")]);
    let after = check_floor(&n, &[item("N1001", "建档率不低于80%"), item("N2", "x")]);
    assert!(after.new_findings(&before).is_empty());
    let worse = check_floor(&n, &[item("N1001", "建档率不低于50%")]);
    assert_eq!(worse.new_findings(&before).len(), 1);
}

#[test]
fn no_input_panics() {
    for s in [
        "",
        "1",
        "-",
        "1-",
        "1-%",
        "。。。",
        "每年",
        "十",
        "1.",
        "3～",
        "满",
        "一二三四五",
        "2023年12月1日",
        "0.5%以上，6小时内，5-3岁",
    ] {
        let _ = parse_quantities(s);
        let _ = compare_texts("standard", s, "每年1次");
    }
}

proptest::proptest! {
    /// Any text, however broken, reads into quantities without a panic, and every quantity
    /// read from it compares with itself as equal.
    #[test]
    fn any_text_parses_and_compares_with_itself(s in "[0-9一两十.\\-~至%岁次元月天日周小时个工作每年季半以上内不低于超过满未 ，；]{0,40}") {
        for q in parse_quantities(&s) {
            proptest::prop_assert_eq!(compare(&q, &q), Verdict::Equal);
        }
        let _ = compare_texts("standard", &s, "每年1次");
    }
}
