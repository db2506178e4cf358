use super::*;
use crate::catalog::{Area, Category, ItemDraft, ServiceItem, Taxonomy};
use crate::standard::watch::{attention, coverage, supersession_cycle, ReviewDue};
use time::macros::date;

fn node(code: &str, name: &str, parent: Option<&str>) -> SystemNode {
    SystemNode {
        code: code.into(),
        name: name.into(),
        parent: parent.map(str::to_string),
        description: String::new(),
    }
}

fn tree() -> SystemTree {
    SystemTree::parse(vec![
        node("3.1", "幼有所育", Some("3")),
        node("1", "通用基础标准", None),
        node("3", "服务提供标准", None),
        node("3.2", "学有所教", Some("3")),
    ])
    .unwrap()
}

fn draft(number: &str) -> StandardDraft {
    StandardDraft {
        number: number.into(),
        title: format!("{number} 的标题"),
        node: "3.1".into(),
        effective_on: "2020-07-01".into(),
        ..Default::default()
    }
}

fn std(number: &str) -> Standard {
    Standard::parse(&draft(number), &NumberRules::default(), &tree()).unwrap()
}

#[test]
fn a_row_parses_with_defaults_and_round_trips_through_its_draft() {
    let mut d = draft("GB/T 1.1—2020");
    d.stage = "现行".into();
    d.published_on = "2020年3月31日".into();
    d.references = "GB/T 20000.1；GB/T 7714-2015".into();
    d.items = "N0101、N0102".into();
    d.node = "学有所教".into();
    let s = Standard::parse(&d, &NumberRules::default(), &tree()).unwrap();
    assert_eq!(s.number.to_string(), "GB/T 1.1-2020");
    assert_eq!(s.stage, Stage::Effective);
    assert_eq!(s.origin, Origin::Cited, "cited unless it says otherwise");
    assert_eq!(
        s.node.as_deref(),
        Some("3.2"),
        "a unique node name finds its code"
    );
    assert_eq!(s.published_on, Some(date!(2020 - 03 - 31)));
    assert_eq!(s.references.len(), 2);
    assert_eq!(s.references[0].year(), None, "references may be undated");
    assert_eq!(s.items.len(), 2);
    let again = Standard::parse(&s.to_draft(&tree()), &NumberRules::default(), &tree()).unwrap();
    assert_eq!(again, s);
}

#[test]
fn every_problem_of_a_row_is_reported_with_its_column() {
    let d = StandardDraft {
        number: "GB/T 1.1".into(),
        title: " ".into(),
        level: "行业标准".into(),
        stage: "快好了".into(),
        node: "9.9".into(),
        published_on: "2020-02-30".into(),
        supersedes: "GB/T 1.1".into(),
        review_cycle_years: "50".into(),
        ..Default::default()
    };
    let errs = Standard::parse(&d, &NumberRules::default(), &tree()).unwrap_err();
    let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
    for f in [
        "number",
        "title",
        "level",
        "stage",
        "node",
        "published_on",
        "supersedes",
        "review_cycle_years",
    ] {
        assert!(fields.contains(&f), "{f} missing in {errs:?}");
    }
    let msg = errs
        .iter()
        .find(|e| e.field == "node")
        .unwrap()
        .message
        .clone();
    assert!(
        msg.contains("体系节点“9.9”不存在") && msg.contains("3.1 幼有所育"),
        "{msg}"
    );
    let msg = errs
        .iter()
        .find(|e| e.field == "level")
        .unwrap()
        .message
        .clone();
    assert!(msg.contains("推荐性国家标准"), "{msg}");
}

#[test]
fn a_standard_cannot_name_itself() {
    let mut d = draft("GB/T 1-2020");
    d.references = "GB/T 1-2020".into();
    let errs = Standard::parse(&d, &NumberRules::default(), &tree()).unwrap_err();
    assert!(errs[0].message.contains("引用了自己"), "{errs:?}");
}

#[test]
fn trees_reject_duplicates_orphans_and_cycles() {
    let e = SystemTree::parse(vec![node("1", "a", None), node("1", "b", None)]).unwrap_err();
    assert!(e[0].message.contains("与第 1 个节点重复"), "{e:?}");
    let e = SystemTree::parse(vec![node("1", "a", Some("0"))]).unwrap_err();
    assert!(e[0].message.contains("上级节点“0”"), "{e:?}");
    let e = SystemTree::parse(vec![
        node("1", "a", None),
        node("2", "b", Some("3")),
        node("3", "c", Some("2")),
    ])
    .unwrap_err();
    assert_eq!(e.len(), 2);
    assert!(e[0].message.contains("循环"), "{e:?}");
    let t = tree();
    let order: Vec<&str> = t.nodes.iter().map(|n| n.code.as_str()).collect();
    assert_eq!(
        order,
        ["1", "3", "3.1", "3.2"],
        "parents first, siblings in input order"
    );
    assert_eq!(t.ancestry("3.2"), ["3.2", "3"]);
    assert_eq!(t.depth("3.2"), 1);
}

#[test]
fn dates_in_office_spellings() {
    assert_eq!(parse_date("2020/1/2").unwrap(), Some(date!(2020 - 01 - 02)));
    assert_eq!(
        parse_date("2020.01.02").unwrap(),
        Some(date!(2020 - 01 - 02))
    );
    assert_eq!(
        parse_date("２０２０－０１－０２").unwrap(),
        Some(date!(2020 - 01 - 02))
    );
    assert_eq!(parse_date("").unwrap(), None);
    assert_eq!(
        parse_date("43831").unwrap(),
        Some(date!(2020 - 01 - 01)),
        "Excel's serial"
    );
    assert!(parse_date("2020-13-01").is_err());
    assert!(parse_date("yesterday").is_err());
}

#[test]
fn review_falls_due_five_years_after_implementation_or_the_last_review() {
    let today = date!(2026 - 11 - 24);
    let mut s = std("GB/T 1-2020");
    assert_eq!(s.review_due(today), Some(date!(2025 - 07 - 01)));
    s.reviewed_on = Some(date!(2024 - 02 - 29));
    assert_eq!(s.review_due(today), Some(date!(2029 - 02 - 28)));
    s.review_cycle_years = Some(3);
    assert_eq!(s.review_due(today), Some(date!(2027 - 02 - 28)));
    s.stage = Stage::Withdrawn;
    assert_eq!(
        s.review_due(today),
        None,
        "a withdrawn standard is not reviewed"
    );
}

/// A clerk's 下次复审日期 is the due date as written, overdue once it passes; a review
/// recorded on or after it starts the cycle again.
#[test]
fn a_scheduled_next_review_is_due_on_its_date() {
    let today = date!(2026 - 11 - 24);
    let mut s = std("GB/T 1-2020");
    s.reviewed_on = Some(date!(2024 - 02 - 29));
    s.next_review_on = Some(date!(2026 - 06 - 30));
    assert_eq!(s.review_due(today), Some(date!(2026 - 06 - 30)), "overdue");
    s.reviewed_on = Some(date!(2026 - 07 - 15));
    assert_eq!(s.review_due(today), Some(date!(2031 - 07 - 15)));
    // Both columns read from a row, either alone or together.
    let rules = NumberRules::default();
    let tree = tree();
    let row = |last: &str, next: &str| StandardDraft {
        reviewed_on: last.into(),
        next_review_on: next.into(),
        ..draft("GB/T 1-2020")
    };
    let due = |d: StandardDraft| {
        Standard::parse(&d, &rules, &tree)
            .unwrap()
            .review_due(today)
    };
    assert_eq!(due(row("", "2026-01-31")), Some(date!(2026 - 01 - 31)));
    assert_eq!(due(row("2023-05-01", "")), Some(date!(2028 - 05 - 01)));
    assert_eq!(
        due(row("2023-05-01", "2026-03-01")),
        Some(date!(2026 - 03 - 01))
    );
    let back = Standard::parse(&row("2023-05-01", "2026-03-01"), &rules, &tree).unwrap();
    assert_eq!(back.to_draft(&tree).next_review_on, "2026-03-01");
}

fn taxonomy() -> Taxonomy {
    Taxonomy::new(
        vec![
            Area {
                no: 1,
                name: "幼有所育".into(),
            },
            Area {
                no: 2,
                name: "学有所教".into(),
            },
            Area {
                no: 3,
                name: "劳有所得".into(),
            },
        ],
        vec![
            Category {
                no: 1,
                area_no: 1,
                name: "优孕优生服务".into(),
            },
            Category {
                no: 2,
                area_no: 2,
                name: "学前教育助学服务".into(),
            },
            Category {
                no: 3,
                area_no: 3,
                name: "就业创业服务".into(),
            },
        ],
    )
    .unwrap()
}

fn item(code: &str, area_no: u32) -> ServiceItem {
    let t = taxonomy();
    let d = ItemDraft {
        code: code.into(),
        name: format!("事项{code}"),
        area: t.areas[(area_no - 1) as usize].name.clone(),
        category: t.categories[(area_no - 1) as usize].name.clone(),
        seq: "1".into(),
        target_population: "居民".into(),
        content: "内容".into(),
        standard: "标准".into(),
        expenditure_responsibility: "地方财政".into(),
        lead_departments: "区卫生健康局".into(),
        ..Default::default()
    };
    ServiceItem::parse(&d, &t).unwrap()
}

fn code(c: &str) -> ItemCode {
    ItemCode::parse(c).unwrap()
}

#[test]
fn coverage_counts_items_with_a_standard_in_force() {
    let today = date!(2026 - 11 - 24);
    let items = vec![item("A1", 1), item("A2", 1), item("B1", 2), item("B2", 2)];
    let mut s1 = std("GB/T 1-2020");
    s1.items = vec![code("A1"), code("B1")];
    let mut s2 = std("GB/T 2-2020");
    s2.items = vec![code("A2")];
    s2.stage = Stage::Withdrawn;
    let mut s3 = std("GB/T 3-2026");
    s3.items = vec![code("B2")];
    s3.stage = Stage::Published;
    s3.effective_on = Some(date!(2027 - 01 - 01));
    let c = coverage(&taxonomy(), &items, &[s1, s2, s3.clone()], today);
    assert_eq!((c.covered, c.items), (2, 4));
    assert!((c.overall - 0.5).abs() < 1e-9);
    assert_eq!(c.by_area[0].covered, 1);
    assert_eq!(c.by_area[1].covered, 1);
    assert_eq!(c.by_area[2].items, 0);
    let un: Vec<&str> = c.uncovered.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        un,
        ["A2", "B2"],
        "withdrawn and not-yet-effective standards do not cover"
    );
    let later = coverage(&taxonomy(), &items, &[s3], date!(2027 - 01 - 01));
    assert_eq!(
        later.covered, 1,
        "published standards cover from their implementation date"
    );
}

#[test]
fn a_withdrawn_standard_flags_its_referrers_transitively_and_their_items() {
    let today = date!(2026 - 11 - 24);
    let mut c = std("GB/T 3-2010");
    c.stage = Stage::Withdrawn;
    let mut b = std("DB44/T 2-2018");
    b.references = vec![c.number.clone()];
    let mut a = std("DB4403/T 1-2020");
    a.references = vec![b.number.clone()];
    a.items = vec![code("A1")];
    let mut fine = std("GB/T 9-2020");
    fine.items = vec![code("A2")];
    let items = vec![item("A1", 1), item("A2", 1)];
    let at = attention(&[a, b, c, fine], &items, today, 180);
    assert_eq!(at.gone.len(), 1);
    assert_eq!(at.gone[0].why, "withdrawn");
    let affected: Vec<(String, Vec<String>)> = at
        .affected_standards
        .iter()
        .map(|x| {
            (
                x.number.to_string(),
                x.via.iter().map(|n| n.to_string()).collect(),
            )
        })
        .collect();
    assert!(
        affected.contains(&("DB44/T 2-2018".into(), vec!["GB/T 3-2010".into()])),
        "{affected:?}"
    );
    assert!(
        affected.contains(&(
            "DB4403/T 1-2020".into(),
            vec!["DB44/T 2-2018".into(), "GB/T 3-2010".into()]
        )),
        "{affected:?}"
    );
    assert_eq!(at.affected_items.len(), 1);
    assert_eq!(at.affected_items[0].code.as_str(), "A1");
    assert_eq!(at.affected_items[0].name, "事项A1");
}

#[test]
fn an_undated_reference_follows_the_edition_in_force() {
    let today = date!(2026 - 11 - 24);
    let mut old = std("GB/T 5-2010");
    old.stage = Stage::Superseded;
    let mut new = std("GB/T 5-2020");
    new.supersedes = vec![old.number.clone()];
    let mut undated = std("DB44/T 1-2021");
    undated.references = vec![old.number.undated()];
    let mut dated = std("DB44/T 2-2021");
    dated.references = vec![old.number.clone()];
    let at = attention(&[old, new, undated, dated], &[], today, 180);
    let affected: Vec<String> = at
        .affected_standards
        .iter()
        .map(|x| x.number.to_string())
        .collect();
    assert_eq!(
        affected,
        ["DB44/T 2-2021"],
        "only the dated reference to the old edition is stale"
    );
    assert_eq!(
        at.gone[0].replaced_by.as_ref().unwrap().to_string(),
        "GB/T 5-2020"
    );
}

#[test]
fn a_replacement_in_force_retires_an_unregistered_edition_that_others_cite() {
    let today = date!(2026 - 11 - 24);
    let mut new = std("MZ/T 1-2022");
    new.supersedes = vec![StandardNumber::parse("MZ/T 1-2015", &NumberRules::default()).unwrap()];
    let mut citing = std("DB44/T 7-2019");
    citing.references = new.supersedes.clone();
    let at = attention(&[new, citing], &[], today, 180);
    assert_eq!(at.gone.len(), 1);
    assert_eq!(at.gone[0].number.to_string(), "MZ/T 1-2015");
    assert_eq!(at.affected_standards.len(), 1);
}

/// A standard the district made (自建), with its implementation date.
fn own(number: &str, effective: Date) -> Standard {
    let mut s = std(number);
    s.origin = Origin::SelfBuilt;
    s.effective_on = Some(effective);
    s
}

#[test]
fn reviews_due_and_overdue_are_split_by_the_warning_window() {
    let today = date!(2026 - 11 - 24);
    let overdue = own("DB4403/T 1-2020", date!(2021 - 01 - 01));
    let soon = own("DB4403/T 2-2020", date!(2022 - 03 - 01));
    let later = own("DB4403/T 3-2020", date!(2024 - 03 - 01));
    let at = attention(&[overdue, soon, later], &[], today, 180);
    assert_eq!(at.review_overdue.len(), 1);
    assert_eq!(at.review_overdue[0].number.to_string(), "DB4403/T 1-2020");
    assert!(at.review_overdue[0].days_left < 0);
    assert_eq!(at.review_due.len(), 1);
    assert_eq!(at.review_due[0].due, date!(2027 - 03 - 01));
}

/// Reviews of cited national and sector standards are their issuers' task: past their
/// review age they are watched for a new edition, not listed as the district's reviews.
#[test]
fn cited_standards_are_watched_for_supersession_not_reviewed() {
    let today = date!(2026 - 11 - 24);
    let mut national = std("GB/T 1-2020");
    national.effective_on = Some(date!(2021 - 01 - 01));
    let mut sector = std("MZ/T 2-2018");
    sector.effective_on = Some(date!(2018 - 06 - 01));
    let mut young = std("GB/T 3-2024");
    young.effective_on = Some(date!(2024 - 03 - 01));
    let mine = own("DB4403/T 1-2020", date!(2021 - 01 - 01));
    let at = attention(&[national, sector, young, mine], &[], today, 180);
    let numbers = |v: &[ReviewDue]| v.iter().map(|r| r.number.to_string()).collect::<Vec<_>>();
    assert_eq!(numbers(&at.review_overdue), ["DB4403/T 1-2020"]);
    assert!(at.review_due.is_empty(), "{:?}", at.review_due);
    assert_eq!(
        numbers(&at.supersession_watch),
        ["MZ/T 2-2018", "GB/T 1-2020"]
    );
    assert_eq!(at.len(), 1, "only the district's own review is to act on");
}

#[test]
fn supersession_cycles_are_found() {
    let mut a = std("GB/T 1-2020");
    let mut b = std("GB/T 2-2020");
    a.supersedes = vec![b.number.clone()];
    b.supersedes = vec![a.number.clone()];
    let cycle = supersession_cycle(&[a.clone(), b.clone()]).unwrap();
    assert_eq!(cycle.len(), 3);
    assert_eq!(cycle.first(), cycle.last());
    b.supersedes.clear();
    assert!(supersession_cycle(&[a.clone(), b.clone()]).is_none());
    let mut c = std("GB/T 3-2020");
    b.superseded_by = Some(a.number.clone());
    c.superseded_by = Some(b.number.clone());
    a.supersedes.clear();
    c.supersedes = vec![a.number.clone()];
    assert!(
        supersession_cycle(&[a, b, c]).is_some(),
        "superseded_by counts as an edge too"
    );
}

#[test]
fn every_column_key_reads_and_writes_its_draft_field() {
    let mut d = StandardDraft::default();
    for c in STANDARD_COLUMNS {
        d.set(c.key, format!("v-{}", c.key));
    }
    for c in STANDARD_COLUMNS {
        assert_eq!(d.get(c.key), format!("v-{}", c.key), "{}", c.key);
    }
    assert_eq!(d.get("colour"), "");
}
