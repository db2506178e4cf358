//! Service points end to end on a real database (SQLite, or PostgreSQL when
//! GONGFU_TEST_DATABASE_URL is set): imports all or nothing with row and column in every
//! error, nearby equal to a brute-force scan, the index in step with writes (also writes by
//! another process), boundaries deciding communities.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns may panic: that is how a test fails

use std::sync::Arc;

use gongfu_catalog::{Actor, Catalog};
use gongfu_db::regions::{upsert, Region};
use gongfu_db::testing;
use gongfu_domain::geo::{wgs84_to_gcj02, CoordSystem, LatLng};
use gongfu_domain::{RegionCode, RegionLevel, Role};
use gongfu_places::{NearbyQuery, Places, PlacesError};

fn region(code: &str, name: &str) -> Region {
    let code = RegionCode::parse(code).unwrap();
    Region {
        level: code.level(),
        parent_code: code.parent(),
        code,
        name: name.into(),
        valid_from: 2010,
        valid_to: None,
        provenance: "test".into(),
    }
}

/// Two square communities side by side (0.01° each) in one sub-district.
const BOUNDARIES: &str = r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"code":"440399001001","name":"甲社区"},
  "geometry":{"type":"Polygon","coordinates":[[[114.00,22.50],[114.01,22.50],[114.01,22.51],[114.00,22.51],[114.00,22.50]]]}},
 {"type":"Feature","properties":{"code":"440399001002","name":"乙社区"},
  "geometry":{"type":"Polygon","coordinates":[[[114.01,22.50],[114.02,22.50],[114.02,22.51],[114.01,22.51],[114.01,22.50]]]}}
]}"#;

async fn setup() -> (testing::TestDb, Places) {
    let t = testing::fresh().await;
    upsert(
        &t.db,
        &[
            region("440399000000", "示例区"),
            region("440399001000", "甲街道"),
            region("440399001001", "甲社区"),
            region("440399001002", "乙社区"),
        ],
        &[],
        "test",
    )
    .await
    .unwrap();
    let places = Places::new(t.db.clone(), Arc::new(Catalog::new(t.db.clone(), clock())));
    places
        .import_boundaries(&admin(), "b.geojson", BOUNDARIES.as_bytes(), false)
        .await
        .unwrap();
    (t, places)
}

fn admin() -> Actor {
    Actor::system("test")
}

const HEAD: &str = "编码,名称,设施类型,地址,纬度,经度,坐标系,电话,开放时间,容量,建筑面积,服务事项,所属社区,状态,数据来源\n";

fn lcg(seed: &mut u64) -> f64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (*seed >> 11) as f64 / (1u64 << 53) as f64
}

fn generated(n: usize) -> String {
    let types = ["社康中心", "幼儿园", "公园", "长者饭堂", "党群服务中心"];
    let mut s = HEAD.to_string();
    let mut seed = 5;
    for i in 0..n {
        let lat = 22.5001 + lcg(&mut seed) * 0.0098;
        let lng = 114.0001 + lcg(&mut seed) * 0.0198;
        let status = if i % 17 == 0 {
            "停用"
        } else if i % 13 == 0 {
            "暂停"
        } else {
            "正常"
        };
        s.push_str(&format!(
            "P{i:04},点{i},{},路{i}号,{lat:.6},{lng:.6},,,Mo-Fr 08:30-17:30; PH off,,,,,{status},\n",
            types[i % types.len()]
        ));
    }
    s
}

/// The clock of these tests: now, stopped.
fn clock() -> Arc<dyn gongfu_domain::Clock> {
    Arc::new(gongfu_domain::FixedClock(time::OffsetDateTime::now_utc()))
}

#[tokio::test]
async fn nearby_answers_exactly_what_a_scan_over_every_point_answers() {
    let (_t, places) = setup().await;
    let c = places
        .import_points(
            &admin(),
            "p.csv",
            generated(400).as_bytes(),
            CoordSystem::Wgs84,
            false,
        )
        .await
        .unwrap();
    assert_eq!((c.inserted, c.updated), (400, 0));
    let l = places.loaded().await.unwrap();
    assert_eq!(l.points.len(), 400);
    // Every point got its community from the boundaries.
    assert!(l.points.iter().all(|p| p.point.community.is_some()));
    let mut seed = 17;
    for q in 0..60 {
        let at = LatLng {
            lat: 22.495 + lcg(&mut seed) * 0.02,
            lng: 113.995 + lcg(&mut seed) * 0.03,
        };
        let radius = [500.0, 1000.0, 1500.0, 230.0][q % 4];
        let types = if q % 5 == 0 {
            vec!["community_health".to_string()]
        } else {
            vec![]
        };
        let got = places
            .nearby(&NearbyQuery {
                at,
                radius_m: radius,
                area: None,
                types: types.clone(),
                item: None,
                open_at: None,
            })
            .await
            .unwrap();
        let mut want: Vec<(i64, f64)> = l
            .points
            .iter()
            .filter(|p| p.point.status != gongfu_domain::place::PointStatus::Closed)
            .filter(|p| types.is_empty() || types.contains(&p.point.facility_type))
            .map(|p| (p.id, at.distance_m(p.point.position)))
            .filter(|(_, d)| *d <= radius)
            .collect();
        want.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let got: Vec<(i64, f64)> = got.iter().map(|(p, h)| (p.id, h.distance_m)).collect();
        assert_eq!(got, want, "query {q} at {at:?} r={radius}");
    }
}

#[tokio::test]
async fn open_now_follows_the_holiday_calendar() {
    let (_t, places) = setup().await;
    places
        .import_points(
            &admin(),
            "p.csv",
            generated(30).as_bytes(),
            CoordSystem::Wgs84,
            false,
        )
        .await
        .unwrap();
    let at = LatLng {
        lat: 22.505,
        lng: 114.01,
    };
    let q = |when: &str| NearbyQuery {
        at,
        radius_m: 5000.0,
        area: None,
        types: vec![],
        item: None,
        open_at: Some(
            time::PrimitiveDateTime::parse(
                when,
                &time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]"),
            )
            .unwrap(),
        ),
    };
    // A Wednesday at 10:00: every open point with weekday hours; suspended ones are not open.
    let wednesday = places.nearby(&q("2026-11-25T10:00")).await.unwrap();
    assert!(!wednesday.is_empty());
    assert!(wednesday
        .iter()
        .all(|(p, h)| h.open == Some(true)
            && p.point.status == gongfu_domain::place::PointStatus::Open));
    // National Day (a Thursday, a holiday): "PH off" closes them all.
    assert!(places
        .nearby(&q("2026-10-01T10:00"))
        .await
        .unwrap()
        .is_empty());
    // A plain Sunday is closed; Sunday 2026-09-20 is a make-up working day (调休上班) in the
    // State Council's 2026 schedule, so the weekday hours apply.
    assert!(places
        .nearby(&q("2026-11-29T10:00"))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        places.nearby(&q("2026-09-20T10:00")).await.unwrap().len(),
        wednesday.len()
    );
}

#[tokio::test]
async fn a_bad_file_names_every_row_and_column_and_imports_nothing() {
    let (_t, places) = setup().await;
    let mut csv = generated(5);
    csv.push_str("X1,对调,公园,,114.005,22.505,,,,,,,,,\n");
    csv.push_str("X2,远处,公园,,23.2,113.3,,,,,,,,,\n");
    csv.push_str("X3,乱类型,游乐场,,22.505,114.005,,,,,,,,,\n");
    csv.push_str("X4,乱时间,公园,,22.505,114.005,,,周八 8:00-9:00,,,,,,\n");
    csv.push_str("X5,错社区,公园,,22.505,114.005,,,,,,,440399001002,,\n");
    csv.push_str("P0001,重复编码,公园,,22.505,114.005,,,,,,,,,\n");
    let e = places
        .import_points(
            &admin(),
            "bad.csv",
            csv.as_bytes(),
            CoordSystem::Wgs84,
            false,
        )
        .await
        .expect_err("bad rows");
    let PlacesError::Import(f) = e else {
        panic!("{e}")
    };
    let at: Vec<(Option<usize>, String)> = f
        .errors
        .iter()
        .map(|e| (e.row, e.column.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        at,
        vec![
            (Some(7), "E（纬度）".to_string()),
            (Some(8), "E（纬度）".to_string()),
            (Some(9), "C（设施类型）".to_string()),
            (Some(10), "I（开放时间）".to_string()),
            (Some(11), "M（所属社区）".to_string()),
            (Some(12), "A（编码）".to_string()),
        ],
        "{f}"
    );
    assert!(f.errors[0].message.contains("填反"), "{f}");
    assert!(f.errors[1].message.contains("在本区范围"), "{f}");
    assert!(f.errors[4].message.contains("甲社区"), "{f}");
    assert!(
        places.loaded().await.unwrap().points.is_empty(),
        "nothing imported"
    );
    // An unknown column is an error too, never dropped.
    let e = places
        .import_points(
            &admin(),
            "extra.csv",
            "编码,名称,设施类型,纬度,经度,备注\nA,B,公园,22.505,114.005,x\n".as_bytes(),
            CoordSystem::Wgs84,
            false,
        )
        .await
        .expect_err("unknown column");
    assert!(e.to_string().contains("无法识别的列“备注”"), "{e}");
}

#[tokio::test]
async fn gcj02_input_is_stored_as_wgs84_and_geojson_imports_too() {
    let (_t, places) = setup().await;
    let wgs = LatLng {
        lat: 22.5052,
        lng: 114.0031,
    };
    let g = wgs84_to_gcj02(wgs);
    let geojson = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{},{}]}},"properties":{{"code":"G1","name":"高德点","type":"library"}}}}]}}"#,
        g.lng, g.lat
    );
    places
        .import_points(
            &admin(),
            "p.geojson",
            geojson.as_bytes(),
            CoordSystem::Gcj02,
            false,
        )
        .await
        .unwrap();
    let l = places.loaded().await.unwrap();
    let p = &l.points[0].point;
    assert!(p.position.distance_m(wgs) < 0.05, "{:?}", p.position);
    assert_eq!(p.facility_type, "library");
    assert_eq!(p.community.as_ref().unwrap().as_str(), "440399001001");
}

#[tokio::test]
async fn writes_are_seen_at_once_here_and_soon_by_another_process() {
    let (t, places) = setup().await;
    let other = Places::new(t.db.clone(), Arc::new(Catalog::new(t.db.clone(), clock())));
    assert!(other.loaded().await.unwrap().points.is_empty());
    places
        .import_points(
            &admin(),
            "p.csv",
            generated(10).as_bytes(),
            CoordSystem::Wgs84,
            false,
        )
        .await
        .unwrap();
    // This process: at once.
    assert_eq!(places.loaded().await.unwrap().points.len(), 10);
    let id = places.loaded().await.unwrap().points[3].id;
    places.remove_point(&admin(), id).await.unwrap();
    let at = LatLng {
        lat: 22.505,
        lng: 114.01,
    };
    let all = NearbyQuery {
        at,
        radius_m: 5000.0,
        area: None,
        types: vec![],
        item: None,
        open_at: None,
    };
    assert!(places
        .nearby(&all)
        .await
        .unwrap()
        .iter()
        .all(|(p, _)| p.id != id));
    // Another process (its own state): after its next staleness check.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(other.loaded().await.unwrap().points.len(), 9);
}

#[tokio::test]
async fn a_viewer_may_not_import_and_boundaries_must_be_valid() {
    let (_t, places) = setup().await;
    let viewer = Actor {
        name: "v".into(),
        role: Role::Viewer,
        departments: vec![],
    };
    let e = places
        .import_points(
            &viewer,
            "p.csv",
            generated(2).as_bytes(),
            CoordSystem::Wgs84,
            false,
        )
        .await
        .expect_err("viewer");
    assert!(matches!(e, PlacesError::Forbidden(_)), "{e}");
    let bow = r#"{"type":"FeatureCollection","features":[
     {"type":"Feature","properties":{"code":"440399001001"},"geometry":{"type":"Polygon","coordinates":[[[114.0,22.5],[114.01,22.51],[114.01,22.5],[114.0,22.51],[114.0,22.5]]]}},
     {"type":"Feature","properties":{"code":"440399009001"},"geometry":{"type":"Polygon","coordinates":[[[114.0,22.5],[114.01,22.5],[114.01,22.51],[114.0,22.5]]]}}]}"#;
    let e = places
        .import_boundaries(&admin(), "bad.geojson", bow.as_bytes(), false)
        .await
        .expect_err("invalid");
    let PlacesError::Import(f) = e else {
        panic!("{e}")
    };
    assert_eq!(f.errors.len(), 2, "{f}");
    assert!(
        f.errors[0].message.contains("第 1 个要素") && f.errors[0].message.contains("自相交"),
        "{f}"
    );
    assert!(f.errors[1].message.contains("不是本区现有的区划"), "{f}");
    // The stored boundaries are unchanged.
    let l = places.loaded().await.unwrap();
    assert_eq!(l.boundaries.len(), 2);
    assert_eq!(l.communities()[0].region.level(), RegionLevel::Community);
}

#[test]
fn a_boundary_past_the_vertex_cap_is_refused_whole_before_its_parts_are_read() {
    use gongfu_domain::place::MAX_BOUNDARY_VERTICES;
    use gongfu_places::import::read_boundaries;
    use std::collections::BTreeMap;
    // Three parts of 70,001 positions: each under the cap on a ring, 210,003 in the feature.
    // Every position is the same one, so reading any part would give another error (too few
    // vertices) than the one about size.
    let ring = format!("[{}]", vec!["[0.0,0.0]"; 70_001].join(","));
    let part = format!("[{ring}]");
    let doc = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"code":"440399001001"}},"geometry":{{"type":"MultiPolygon","coordinates":[{part},{part},{part}]}}}}]}}"#
    );
    let regions = BTreeMap::from([(
        RegionCode::parse("440399001001").unwrap(),
        "甲社区".to_string(),
    )]);
    let f = read_boundaries("big.geojson", doc.as_bytes(), &regions, false).expect_err("too large");
    assert_eq!(f.errors.len(), 1, "{f}");
    let e = &f.errors[0];
    assert_eq!(
        (e.file.as_str(), e.row, e.column.as_deref()),
        ("big.geojson", Some(1), Some("geometry"))
    );
    assert!(
        e.message.contains("第 1 个要素")
            && e.message.contains("210003")
            && e.message.contains(&MAX_BOUNDARY_VERTICES.to_string())
            && e.message.contains("简化"),
        "{e}"
    );
}

#[tokio::test]
async fn service_circles_count_residents_of_sites_and_find_gaps() {
    let (_t, places) = setup().await;
    places
        .import_points(
            &admin(),
            "p.csv",
            format!("{HEAD}H1,甲社康,社康中心,,22.5050,114.0020,,,,,,,,,\n").as_bytes(),
            CoordSystem::Wgs84,
            false,
        )
        .await
        .unwrap();
    places
        .import_sites(
            &admin(),
            "s.csv",
            "编码,名称,纬度,经度,人口\nS1,近小区,22.5060,114.0030,1200\nS2,远小区,22.5050,114.0190,800\n".as_bytes(),
            CoordSystem::Wgs84,
            false,
        )
        .await
        .unwrap();
    let (_, r) = places
        .circles(Places::circle_params(None, None).unwrap())
        .await
        .unwrap();
    let t = gongfu_places::circles::Target::Type("community_health".into());
    let total = r.total(&t).unwrap();
    assert_eq!((total.population, total.covered), (2000, 1200));
    let b = &r.coverage[&t][&Some(RegionCode::parse("440399001002").unwrap())];
    assert_eq!(b.gaps.len(), 1);
    let (_, d) = b.gaps[0].nearest.unwrap();
    assert!((1600.0..1800.0).contains(&d), "{d}");
}

mod no_panic {
    //! No points, sites or boundaries file panics the readers, and every rejection of a
    //! table names a row inside the file.
    use super::*;
    use gongfu_domain::facility::FacilityTypes;
    use gongfu_domain::place::PlaceContext;
    use gongfu_places::import::{read_boundaries, read_points, read_sites};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("22.505".to_string()),
            Just("114.005".to_string()),
            Just("1e308".to_string()),
            Just("NaN".to_string()),
            Just("-0".to_string()),
            Just("社康中心".to_string()),
            Just("gcj02".to_string()),
            Just("bd09".to_string()),
            Just("Mo-Fr 08:30-17:30; PH off".to_string()),
            Just("周一至周五 8:30-17:30，节假日休息".to_string()),
            Just("25:00-26:00".to_string()),
            Just("440399001001".to_string()),
            Just("N0101、N0102".to_string()),
            Just("暂停".to_string()),
            "[\\PC]{0,12}",
            "[0-9.,:;-]{0,12}",
        ]
    }

    fn csv_field(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn point_and_site_tables_never_panic(rows in prop::collection::vec(prop::collection::vec(cell(), 15), 0..8)) {
            let types = FacilityTypes::shipped();
            let ctx = PlaceContext {
                types: &types, default_coord: CoordSystem::Wgs84, bounds: None, items: None,
                communities: None, boundaries: &[], demo: false,
            };
            let mut text = HEAD.to_string();
            for r in &rows {
                text.push_str(&r.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","));
                text.push('\n');
            }
            if let Err(f) = read_points("p.csv", text.as_bytes(), &ctx) {
                for e in &f.errors {
                    prop_assert!(e.row.is_none_or(|r| r >= 1 && r <= rows.len() + 1), "{e}");
                }
            }
            let _ = read_sites("s.csv", text.as_bytes(), &ctx);
        }

        #[test]
        fn geojson_never_panics(
            coords in prop::collection::vec((any::<f64>(), any::<f64>()), 0..12),
            code in prop_oneof![Just("440399001001".to_string()), "[0-9]{0,13}"],
            kind in prop_oneof![Just("Polygon"), Just("MultiPolygon"), Just("Point"), Just("LineString")],
        ) {
            let pts: Vec<String> = coords.iter().map(|(a, b)| format!("[{a:?},{b:?}]")).collect();
            let ring = format!("[{}]", pts.join(","));
            let coordinates = match kind {
                "Polygon" => format!("[{ring}]"),
                "MultiPolygon" => format!("[[{ring}]]"),
                _ => ring,
            };
            let doc = format!(r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"code":"{code}"}},"geometry":{{"type":"{kind}","coordinates":{coordinates}}}}}]}}"#);
            let regions = BTreeMap::from([(RegionCode::parse("440399001001").unwrap(), "甲社区".to_string())]);
            let _ = read_boundaries("b.geojson", doc.as_bytes(), &regions, false);
            let types = FacilityTypes::shipped();
            let ctx = PlaceContext {
                types: &types, default_coord: CoordSystem::Bd09, bounds: None, items: None,
                communities: None, boundaries: &[], demo: false,
            };
            let _ = read_points("p.geojson", doc.as_bytes(), &ctx);
        }
    }
}

#[tokio::test]
async fn optional_numbers_empty_in_the_first_row_and_given_later_are_stored() {
    // On PostgreSQL the first binding of a parameter once fixed its type, so a NULL
    // capacity in row 1 made a number in row 2 fail (sqlx's Any driver).
    let (_t, places) = setup().await;
    let csv = format!(
        "{HEAD}P1,甲,社康中心,路1号,22.501,114.001,,,,,,,,正常,\nP2,乙,社康中心,路2号,22.502,114.002,,,,120,850.5,,,正常,\nP3,丙,幼儿园,路3号,22.503,114.003,,,,,,,,正常,\n"
    );
    places
        .import_points(&admin(), "p.csv", csv.as_bytes(), CoordSystem::Wgs84, false)
        .await
        .unwrap();
    let l = places.loaded().await.unwrap();
    let by = |code: &str| {
        l.points
            .iter()
            .find(|p| p.point.code == code)
            .map(|p| (p.point.capacity, p.point.floor_area_m2))
    };
    assert_eq!(by("P1"), Some((None, None)));
    assert_eq!(by("P2"), Some((Some(120), Some(850.5))));
    assert_eq!(by("P3"), Some((None, None)));
}

#[tokio::test]
async fn an_import_sees_regions_written_just_before_it() {
    // Something read the state first (the search index warming up at start), then the
    // regions were written: boundaries imported at once must be checked against them, not
    // against the state read before, which is kept for up to two seconds.
    let t = testing::fresh().await;
    let places = Places::new(t.db.clone(), Arc::new(Catalog::new(t.db.clone(), clock())));
    assert!(places.loaded().await.unwrap().regions.is_empty());
    upsert(
        &t.db,
        &[
            region("440399000000", "示例区"),
            region("440399001000", "甲街道"),
            region("440399001001", "甲社区"),
            region("440399001002", "乙社区"),
        ],
        &[],
        "test",
    )
    .await
    .unwrap();
    places
        .import_boundaries(&admin(), "b.geojson", BOUNDARIES.as_bytes(), false)
        .await
        .unwrap();
    assert_eq!(places.loaded().await.unwrap().boundaries.len(), 2);
}
