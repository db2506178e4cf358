use super::*;
use proptest::prelude::*;

fn rules() -> NumberRules {
    NumberRules::default().with_internal(InternalPattern::parse("FTNB {seq}-{year}").unwrap())
}

fn canon(raw: &str) -> String {
    match StandardNumber::parse(raw, &rules()) {
        Ok(n) => n.to_string(),
        Err(e) => panic!("{raw}: {e}"),
    }
}

fn err(raw: &str) -> NumberError {
    match StandardNumber::parse(raw, &rules()) {
        Ok(n) => panic!("{raw} parsed as {n}"),
        Err(e) => e,
    }
}

#[test]
fn every_spelling_of_one_number_prints_the_same() {
    for raw in [
        "GB/T 1.1-2020",
        "GB/T 1.1—2020",
        "GB/T1.1-2020",
        "gb/t 1.1 - 2020",
        "ＧＢ／Ｔ　１．１－２０２０",
        " GB / T  1.1 – 2020 ",
        "GB/T 1.1\u{2015}2020",
    ] {
        assert_eq!(canon(raw), "GB/T 1.1-2020", "{raw}");
    }
}

#[test]
fn each_kind_of_code_is_read_with_its_level() {
    let cases = [
        (
            "GB 2626-2019",
            "GB 2626-2019",
            StandardLevel::NationalMandatory,
        ),
        (
            "GB/Z 20000.9—2014",
            "GB/Z 20000.9-2014",
            StandardLevel::NationalRecommended,
        ),
        ("MZ/T 001—2013", "MZ/T 001-2013", StandardLevel::Sector),
        ("WS/T 484-2015", "WS/T 484-2015", StandardLevel::Sector),
        (
            "DB44/T 2233-2020",
            "DB44/T 2233-2020",
            StandardLevel::ProvincialLocal,
        ),
        (
            "DB4403/T 300.1—2022",
            "DB4403/T 300.1-2022",
            StandardLevel::CityLocal,
        ),
        (
            "DB 4403/T 300.1-2022",
            "DB4403/T 300.1-2022",
            StandardLevel::CityLocal,
        ),
        (
            "DB44 123-2020",
            "DB44 123-2020",
            StandardLevel::ProvincialLocal,
        ),
        ("T/CAS 290—2017", "T/CAS 290-2017", StandardLevel::Group),
        ("T/CAS290-2017", "T/CAS 290-2017", StandardLevel::Group),
        (
            "Q/GDW 1234-2014",
            "Q/GDW 1234-2014",
            StandardLevel::Enterprise,
        ),
        ("FTNB 012—2021", "FTNB 012-2021", StandardLevel::Internal),
        ("ftnb012-2021", "FTNB 012-2021", StandardLevel::Internal),
        ("GBZ 2.1-2019", "GBZ 2.1-2019", StandardLevel::Sector),
        ("DB/T 15-2009", "DB/T 15-2009", StandardLevel::Sector),
    ];
    for (raw, want, level) in cases {
        let n = StandardNumber::parse(raw, &rules()).unwrap();
        assert_eq!(n.to_string(), want, "{raw}");
        assert_eq!(n.level(), level, "{raw}");
    }
}

#[test]
fn parts_year_and_official_form() {
    let n = StandardNumber::parse("DB4403/T 300.1-2022", &rules()).unwrap();
    assert_eq!(n.code(), "DB4403/T");
    assert_eq!(n.serial(), "300");
    assert_eq!(n.parts(), vec!["1"]);
    assert_eq!(n.year(), Some(2022));
    assert_eq!(n.nature(), Nature::Recommended);
    assert_eq!(n.official(), "DB4403/T 300.1—2022");
    assert_eq!(n.undated().to_string(), "DB4403/T 300.1");
}

#[test]
fn undated_numbers_and_two_digit_years() {
    assert_eq!(canon("GB/T 1.1"), "GB/T 1.1");
    assert_eq!(
        StandardNumber::parse("GB/T 1.1", &rules()).unwrap().year(),
        None
    );
    assert_eq!(canon("GB 3100-93"), "GB 3100-1993");
}

#[test]
fn parse_prefix_returns_the_title_after_the_number() {
    let (n, rest) =
        StandardNumber::parse_prefix("GB/T 1.1—2020　标准化工作导则　第1部分", &rules()).unwrap();
    assert_eq!(n.to_string(), "GB/T 1.1-2020");
    assert_eq!(
        rest.trim_start_matches(['\u{3000}', ' ']),
        "标准化工作导则　第1部分"
    );
    let (n, rest) = StandardNumber::parse_prefix("GB/T 20000.1 标准化工作指南", &rules()).unwrap();
    assert_eq!(n.to_string(), "GB/T 20000.1");
    assert_eq!(rest.trim(), "标准化工作指南");
}

#[test]
fn errors_name_the_part_at_fault() {
    let cases = [
        ("", "code", "为空"),
        ("XX 12-2020", "code", "代号“XX”无法识别"),
        ("GBT 1.1-2020", "code", "是否应为 GB/T？"),
        ("GB/X 1.1-2020", "code", "后缀“/X”"),
        ("DB4403/Z 1-2020", "code", "后缀“/Z”"),
        ("DB99/T 1-2020", "region", "省级代码"),
        ("DB440304/T 1-2020", "region", "县区代码"),
        ("DB443/T 1-2020", "region", "2 位省级代码"),
        ("DB4400/T 1-2020", "region", "没有指明城市"),
        ("T/ 290-2017", "code", "团体代号"),
        ("Q/123-2017", "code", "企业代号"),
        ("GB/T -2020", "number", "没有顺序号"),
        ("GB/T 1..1-2020", "number", "“1..1”"),
        ("GB/T 1.1a-2020", "number", "“1.1a”"),
        ("GB/T 1.1-20222", "year", "“20222”"),
        ("GB/T 1.1-1850", "year", "“1850”"),
        ("GB/T 1.1-", "year", "“”"),
        ("GB/T 1.1-2020 extra", "rest", "“extra”"),
    ];
    for (raw, part, text) in cases {
        let e = err(raw);
        assert_eq!(e.part(), part, "{raw}: {e}");
        assert!(
            e.to_string().contains(text),
            "{raw}: {e} should mention {text}"
        );
    }
}

#[test]
fn unknown_code_lists_the_internal_pattern() {
    let e = err("ABC 1-2020").to_string();
    assert!(e.contains("编号格式：FTNB {seq}-{year}"), "{e}");
    // With no pattern configured, the message says where to configure one.
    let e = StandardNumber::parse("ABC 1-2020", &NumberRules::default())
        .unwrap_err()
        .to_string();
    assert!(
        !e.contains("编号格式：") && e.contains("--internal-norm-patterns"),
        "{e}"
    );
}

#[test]
fn internal_patterns_are_checked() {
    assert!(InternalPattern::parse("FTNB {seq}-{year}").is_ok());
    assert!(InternalPattern::parse("示例区内规 {seq}—{year}").is_ok());
    for bad in [
        "{seq}-{year}",
        "FTNB {seq}",
        "FTNB {seq}{year}",
        "FTNB {seq}-{yr}",
        "FTNB {seq}-{year}-{seq}",
    ] {
        assert!(InternalPattern::parse(bad).is_err(), "{bad}");
    }
    let r = NumberRules::default()
        .with_internal(InternalPattern::parse("示例区内规 {seq}—{year}").unwrap());
    let n = StandardNumber::parse("示例区内规 7-2023", &r).unwrap();
    assert_eq!(n.to_string(), "示例区内规 7-2023");
    assert_eq!(n.official(), "示例区内规 7—2023");
    assert_eq!(n.code(), "示例区内规");
}

#[test]
fn sector_table_comes_from_data() {
    let r = NumberRules::default();
    assert_eq!(r.sector_name("MZ"), Some("民政"));
    assert_eq!(r.sector_name("WS"), Some("卫生"));
    assert_eq!(r.sector_name("代号"), None);
    let only = NumberRules::from_sector_table("代号,行业\nAB,示例行业\n");
    assert!(StandardNumber::parse("AB/T 1-2020", &only).is_ok());
    assert!(StandardNumber::parse("MZ/T 1-2020", &only).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// No input panics, and whatever parses prints a form that parses back to itself.
    #[test]
    fn never_panics_and_canonical_is_a_fixed_point(raw in "\\PC{0,40}") {
        if let Ok(n) = StandardNumber::parse(&raw, &rules()) {
            let again = StandardNumber::parse(&n.to_string(), &rules()).unwrap();
            prop_assert_eq!(&again, &n);
            let official = StandardNumber::parse(&n.official(), &rules()).unwrap();
            prop_assert_eq!(official, n);
        }
    }

    /// Numbers built from parts survive any spacing, width and dash.
    #[test]
    fn generated_numbers_round_trip(
        code in prop::sample::select(vec!["GB", "GB/T", "GB/Z", "MZ/T", "WS/T", "DB44/T", "DB4403/T", "T/CAS", "Q/GDW", "FTNB"]),
        serial in "[0-9]{1,5}",
        part in prop::option::of("[0-9]{1,2}"),
        year in 1950u16..2099,
        dash in prop::sample::select(vec!["-", "—", "–", "－", " - "]),
        space in prop::sample::select(vec![" ", "", "  ", "\u{3000}"]),
    ) {
        let number = match &part { Some(p) => format!("{serial}.{p}"), None => serial.clone() };
        let raw = format!("{code}{space}{number}{dash}{year}");
        let n = StandardNumber::parse(&raw, &rules()).unwrap();
        prop_assert_eq!(n.to_string(), format!("{code} {number}-{year}"));
        prop_assert_eq!(n.serial(), serial.as_str());
        prop_assert_eq!(n.year(), Some(year));
    }

    /// Prefix parsing never panics on arbitrary text, and the rest is a suffix of the input.
    #[test]
    fn prefix_rest_is_a_suffix(raw in "[GBT/DQ0-9. \\-—a-z\u{4e00}-\u{4e10}]{0,30}") {
        if let Ok((_, rest)) = StandardNumber::parse_prefix(&raw, &rules()) {
            prop_assert!(raw.ends_with(rest));
        }
    }
}
