//! Public API reads over the demo data.

use crate::helpers::{spawn_app, spawn_demo};

#[tokio::test]
async fn health_and_openapi() {
    let app = spawn_app().await;
    let (s, v) = app.get_json("/healthz").await;
    assert_eq!(s, 200);
    assert_eq!(v["status"], "ok");
    let (s, doc) = app.get_json("/api/openapi.json").await;
    assert_eq!(s, 200);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    for p in [
        "/api/v1/items",
        "/api/v1/items/{code}",
        "/api/v1/versions/{a}/diff/{b}",
        "/api/v1/regions/{code}/items",
        "/api/v1/areas",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} is documented");
    }
    assert!(doc["x-error-codes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["code"] == "import_failed"));
}

#[tokio::test]
async fn an_empty_installation_says_how_to_start() {
    let app = spawn_app().await;
    let (s, v) = app.get_json("/api/v1/items").await;
    assert_eq!(s, 404);
    assert_eq!(v["code"], "no_version");
    assert!(v["detail"]
        .as_str()
        .unwrap()
        .contains("gongfu import items"));
}

#[tokio::test]
async fn the_demo_serves_the_national_skeleton_and_two_versions() {
    let app = spawn_demo().await;
    let (_, v) = app.get_json("/api/v1/areas").await;
    let areas = v["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 9);
    let names: Vec<&str> = areas.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "幼有所育",
            "学有所教",
            "劳有所得",
            "病有所医",
            "老有所养",
            "住有所居",
            "弱有所扶",
            "优军服务保障",
            "文体服务保障"
        ]
    );
    let cats: usize = areas
        .iter()
        .map(|a| a["categories"].as_array().unwrap().len())
        .sum();
    assert_eq!(cats, 22);
    let (_, items) = app.get_json("/api/v1/items?per_page=500").await;
    let total = items["total"].as_u64().unwrap();
    assert!((120..=170).contains(&total), "about 140 items, got {total}");
    let featured = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["featured"] == true)
        .count();
    assert!(
        (30..=50).contains(&featured),
        "about 40 featured, got {featured}"
    );
    let (_, vs) = app.get_json("/api/v1/versions").await;
    assert_eq!(vs["versions"].as_array().unwrap().len(), 2);
    let (s, d) = app.get_json("/api/v1/versions/1/diff/2").await;
    assert_eq!(s, 200);
    let n = d["added"].as_array().unwrap().len()
        + d["removed"].as_array().unwrap().len()
        + d["changed"].as_array().unwrap().len();
    assert!(n > 0, "the demo diff is not empty");
    // The confirmed national rows keep their source.
    let (s, it) = app.get_json("/api/v1/items/N2001").await;
    assert_eq!(s, 200);
    assert_eq!(it["name"], "优待抚恤");
    assert_eq!(it["expenditure_responsibility"]["kind"], "shared");
    assert!(it["provenance"].as_str().unwrap().contains("2021"));
    // Every row that is not confirmed says 示例.
    for i in items["items"].as_array().unwrap() {
        let p = i["provenance"].as_str().unwrap();
        assert!(
            p.contains("示例") || p.contains("国家基本公共服务标准"),
            "{} has provenance '{p}'",
            i["code"]
        );
    }
}

#[tokio::test]
async fn filters_pagination_and_errors() {
    let app = spawn_demo().await;
    let (_, all) = app.get_json("/api/v1/items?per_page=500").await;
    let total = all["total"].as_u64().unwrap();
    let (_, p1) = app.get_json("/api/v1/items?per_page=10&page=1").await;
    let (_, p2) = app.get_json("/api/v1/items?per_page=10&page=2").await;
    assert_eq!(p1["total"].as_u64().unwrap(), total);
    assert_eq!(p1["items"].as_array().unwrap().len(), 10);
    assert_ne!(p1["items"][0]["code"], p2["items"][0]["code"]);
    let (_, f) = app
        .get_json("/api/v1/items?featured=true&per_page=500")
        .await;
    assert!(f["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["featured"] == true));
    let (_, a) = app.get_json("/api/v1/items?area=%E4%BC%98%E5%86%9B%E6%9C%8D%E5%8A%A1%E4%BF%9D%E9%9A%9C&per_page=500").await;
    assert!(a["total"].as_u64().unwrap() >= 3);
    assert!(a["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["area"]["name"] == "优军服务保障"));
    let (_, q) = app.get_json("/api/v1/items?q=%E6%8A%9A%E6%81%A4").await;
    assert!(q["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["code"] == "N2001"));
    let (s, e) = app.get_json("/api/v1/items?per_page=0").await;
    assert_eq!(s, 400);
    assert_eq!(e["code"], "invalid_input");
    assert_eq!(e["field"], "per_page");
    let (s, e) = app.get_json("/api/v1/items?region=12").await;
    assert_eq!((s, e["field"].as_str()), (400, Some("region")));
    let (s, e) = app.get_json("/api/v1/items/NOPE").await;
    assert_eq!((s, e["code"].as_str()), (404, Some("not_found")));
    let (s, _) = app.get_json("/api/v1/items?version=99").await;
    assert_eq!(s, 404);
    // English on request.
    let r = app
        .client
        .get(app.url("/api/v1/items/NOPE"))
        .header("accept-language", "en-US")
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["message"], "Not found");
}

#[tokio::test]
async fn public_reads_carry_etags() {
    let app = spawn_demo().await;
    let r = app
        .client
        .get(app.url("/api/v1/items/N2001"))
        .send()
        .await
        .unwrap();
    let tag = r.headers()["etag"].to_str().unwrap().to_string();
    let r = app
        .client
        .get(app.url("/api/v1/items/N2001"))
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    let r = app
        .client
        .get(app.url("/api/v1/items/N2002"))
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn a_community_sees_its_own_list() {
    let app = spawn_demo().await;
    let (_, regions) = app.get_json("/api/v1/regions").await;
    let regions = regions["regions"].as_array().unwrap();
    let (_, all) = app.get_json("/api/v1/items?per_page=500").await;
    let items = all["items"].as_array().unwrap();
    let local: Vec<_> = items
        .iter()
        .filter(|i| !i["regions"].as_array().unwrap().is_empty())
        .collect();
    assert!(
        !local.is_empty(),
        "the demo has items limited to some sub-districts"
    );
    let target = local[0]["regions"][0].as_str().unwrap().to_string();
    // A community inside that region, and one outside it.
    let inside = regions
        .iter()
        .find(|r| r["level"] == "community" && r["code"].as_str().unwrap()[..9] == target[..9])
        .unwrap();
    let outside = regions
        .iter()
        .find(|r| {
            r["level"] == "community"
                && r["code"].as_str().unwrap()[..9] != target[..9]
                && r["valid_to"].is_null()
        })
        .unwrap();
    let (s, inn) = app
        .get_json(&format!(
            "/api/v1/regions/{}/items",
            inside["code"].as_str().unwrap()
        ))
        .await;
    assert_eq!(s, 200);
    let (_, out) = app
        .get_json(&format!(
            "/api/v1/regions/{}/items",
            outside["code"].as_str().unwrap()
        ))
        .await;
    let has = |v: &serde_json::Value, code: &str| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == code)
    };
    let code = local[0]["code"].as_str().unwrap();
    assert!(has(&inn, code));
    let expected_out = !local[0]["regions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.as_str().unwrap()[..9] == outside["code"].as_str().unwrap()[..9]);
    assert_eq!(!has(&out, code), expected_out);
    let everywhere = items
        .iter()
        .filter(|i| i["regions"].as_array().unwrap().is_empty())
        .count();
    assert!(inn["total"].as_u64().unwrap() as usize >= everywhere);
    assert!(!inn["populations"].as_array().unwrap().is_empty());
    let (s, _) = app.get_json("/api/v1/regions/440399999999/items").await;
    assert_eq!(s, 404);
}
