use super::*;
use proptest::prelude::*;

fn national() -> Taxonomy {
    Taxonomy::new(
        vec![
            Area {
                no: 1,
                name: "幼有所育".into(),
            },
            Area {
                no: 8,
                name: "优军服务保障".into(),
            },
        ],
        vec![
            Category {
                no: 1,
                area_no: 1,
                name: "优孕优生服务".into(),
            },
            Category {
                no: 20,
                area_no: 8,
                name: "优军优抚服务".into(),
            },
        ],
    )
    .unwrap()
}

fn draft() -> ItemDraft {
    ItemDraft {
        code: "N2001".into(),
        name: "优待抚恤".into(),
        area: "八、优军服务保障".into(),
        category: "20．优军优抚服务".into(),
        seq: "（1）".into(),
        target_population: "现役军人、烈士遗属".into(),
        content: "为符合条件人员发放抚恤金".into(),
        standard: "按照《军人抚恤优待条例》及国家有关规定执行".into(),
        expenditure_responsibility: "中央财政和地方财政共同承担支出责任".into(),
        lead_departments: "退役军人部、 人力资源社会保障部".into(),
        ..Default::default()
    }
}

#[test]
fn parses_a_national_row_with_numbering_and_width() {
    let it = ServiceItem::parse(&draft(), &national()).unwrap();
    assert_eq!(it.area_no, 8);
    assert_eq!(it.category_no, 20);
    assert_eq!(it.seq, 1);
    assert_eq!(
        it.expenditure_responsibility,
        ExpenditureResponsibility::Shared
    );
    assert_eq!(it.lead_departments.len(), 2);
    assert_eq!(it.origin_level, OriginLevel::National);
    assert_eq!(it.population_scope, PopulationKind::Hukou);
}

#[test]
fn reports_every_bad_field() {
    let mut d = draft();
    d.area = "幼有善育x".into();
    d.target_population = "  ".into();
    d.featured = "maybe".into();
    let errs = ServiceItem::parse(&d, &national()).unwrap_err();
    let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
    assert_eq!(fields, vec!["area", "target_population", "featured"]);
    assert!(errs[0].message.contains("幼有善育x"), "{}", errs[0].message);
}

#[test]
fn category_must_belong_to_area() {
    let mut d = draft();
    d.area = "幼有所育".into();
    let errs = ServiceItem::parse(&d, &national()).unwrap_err();
    assert_eq!(errs[0].field, "category");
}

#[test]
fn expenditure_phrasings() {
    use ExpenditureResponsibility as E;
    assert_eq!(E::parse("中央和地方共同承担"), Some(E::Shared));
    assert_eq!(E::parse("地方财政承担支出责任。"), Some(E::Local));
    assert_eq!(E::parse("中央财政"), Some(E::Central));
    assert_eq!(
        E::parse("省级财政承担60%"),
        Some(E::Other("省级财政承担60%".into()))
    );
    assert_eq!(E::parse("  "), None);
}

#[test]
fn list_rules() {
    let t = national();
    let a = ServiceItem::parse(&draft(), &t).unwrap();
    let mut local = draft();
    local.code = "L2001".into();
    local.origin_level = "区级".into();
    local.base_code = "N9999".into();
    local.base_relation = "提标".into();
    let b = ServiceItem::parse(&local, &t).unwrap();
    let errs = validate_list(&[a.clone(), b.clone(), a.clone()]);
    assert_eq!(errs.len(), 2);
    assert!(matches!(
        &errs[0],
        ListError::DuplicateCode { second: 2, .. }
    ));
    assert!(matches!(&errs[1], ListError::UnknownBase { index: 1, .. }));
    let mut ok = b;
    ok.base_code = Some(a.code.clone());
    assert!(validate_list(&[a, ok]).is_empty());
}

#[test]
fn national_item_cannot_have_base() {
    let mut d = draft();
    d.base_code = "N1".into();
    let errs = ServiceItem::parse(&d, &national()).unwrap_err();
    assert_eq!(errs[0].field, "base_code");
}

#[test]
fn diff_reports_fields() {
    let t = national();
    let a = ServiceItem::parse(&draft(), &t).unwrap();
    let mut b = a.clone();
    b.standard = "新标准".into();
    let mut c = a.clone();
    c.code = ItemCode::parse("N2002").unwrap();
    let d = diff_lists((&t, std::slice::from_ref(&a)), (&t, &[b, c]));
    assert_eq!(d.added, vec![("N2002".into(), "优待抚恤".into())]);
    assert!(d.removed.is_empty());
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.changed[0].fields[0].field, "standard");
    assert!(diff_lists(
        (&t, std::slice::from_ref(&a)),
        (&t, std::slice::from_ref(&a))
    )
    .is_empty());
}

#[test]
fn strip_numbering_variants() {
    assert_eq!(strip_numbering("一、幼有所育"), "幼有所育");
    assert_eq!(strip_numbering("1.优孕优生服务"), "优孕优生服务");
    assert_eq!(
        strip_numbering("（1）农村免费孕前优生健康检查"),
        "农村免费孕前优生健康检查"
    );
    assert_eq!(strip_numbering("12345"), "12345");
    assert_eq!(strip_numbering("优孕优生服务"), "优孕优生服务");
}

fn text() -> impl Strategy<Value = String> {
    "[a-z中文服务对象 、，;（）()\\n]{0,12}"
}

proptest! {
    /// Parsing never panics, and whatever parses survives to_draft -> parse unchanged.
    #[test]
    fn parse_is_total_and_round_trips(
        code in "[A-Za-z0-9._-]{0,6}", name in text(), tp in text(), content in text(), standard in text(),
        er in text(), depts in text(), origin in "(|国家|区级|省级|xx)", featured in "(|是|否|x)",
        scope in "(|常住|户籍人口|服务人口|x)", channels in text(), seq in "[0-9（）()]{0,3}",
    ) {
        let t = national();
        let d = ItemDraft { code, name, area: String::new(), category: "优孕优生服务".into(), seq, target_population: tp,
            content, standard, expenditure_responsibility: er, lead_departments: depts, origin_level: origin,
            featured, population_scope: scope, delivery_channels: channels, ..Default::default() };
        if let Ok(item) = ServiceItem::parse(&d, &t) {
            let again = ServiceItem::parse(&item.to_draft(&t), &t).expect("canonical form parses");
            prop_assert_eq!(again, item);
        }
    }
}
