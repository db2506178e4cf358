//! Search over items, standards and guides, through the API and the page.

use crate::helpers::spawn_demo;
use serde_json::Value;

fn q(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn titles(v: &Value, kind: &str, n: usize) -> Vec<String> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == kind)
        .take(n)
        .map(|r| r["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn everyday_queries_find_the_services_residents_mean() {
    let app = spawn_demo().await;
    for (query, expected) in [
        ("老年人体检", "老年人健康管理"),
        ("孕妇", "孕妇学校"),
        ("残疾人补贴", "困难残疾人生活补贴和重度残疾人护理补贴"),
        ("退役军人", "退役军人"),
        // Synonyms as data: 老人 is 老年人.
        ("老人健康", "老年人健康管理"),
        // Traditional characters find simplified text.
        ("老年人體檢", "老年人健康管理"),
    ] {
        let (status, v) = app
            .get_json(&format!("/api/v1/search?q={}", q(query)))
            .await;
        assert_eq!(status, 200, "{query}: {v}");
        assert!(v["total"].as_u64().unwrap() > 0, "{query}: {v}");
        let top = titles(&v, "item", 3);
        assert!(
            top.iter().any(|t| t.contains(expected)),
            "{query}: expected an item named like {expected} among the first items, got {top:?}"
        );
        let first = &v["results"][0];
        assert!(first["snippet"].is_string() && first["title_html"].is_string());
        assert!(first["url"].as_str().unwrap().starts_with('/'), "{first}");
    }
    // A match is marked in the title or snippet.
    let (_, v) = app
        .get_json(&format!("/api/v1/search?q={}", q("孕妇")))
        .await;
    let r = &v["results"][0];
    let html = format!("{}{}", r["title_html"], r["snippet"]);
    assert!(html.contains("<mark>"), "{r}");
}

#[tokio::test]
async fn results_narrow_by_type_and_area_and_page() {
    let app = spawn_demo().await;
    let (_, all) = app
        .get_json(&format!("/api/v1/search?q={}&limit=100", q("服务")))
        .await;
    let total = all["total"].as_u64().unwrap();
    assert!(total > 20, "{total}");
    for kind in ["item", "standard", "guide"] {
        let (status, v) = app
            .get_json(&format!(
                "/api/v1/search?q={}&type={kind}&limit=50",
                q("健康")
            ))
            .await;
        assert_eq!(status, 200, "{v}");
        let results = v["results"].as_array().unwrap();
        assert!(!results.is_empty(), "{kind}: {v}");
        for r in results {
            assert_eq!(r["type"], kind, "{r}");
            let id = if kind == "standard" { "number" } else { "code" };
            assert_eq!(r[id], r["key"], "{r}");
        }
    }
    // A standard result links to its page, and the page opens.
    let (_, v) = app
        .get_json(&format!("/api/v1/search?q={}&type=standard", q("健康")))
        .await;
    let url = v["results"][0]["url"].as_str().unwrap().to_string();
    let (status, _) = app.get_html(&url).await;
    assert_eq!(status, 200, "{url}");
    // Area by number or by name: every item result is in that area.
    for area in ["4", &q("病有所医")] {
        let (status, v) = app
            .get_json(&format!(
                "/api/v1/search?q={}&type=item&area={area}&limit=50",
                q("服务")
            ))
            .await;
        assert_eq!(status, 200, "{v}");
        let results = v["results"].as_array().unwrap();
        assert!(!results.is_empty());
        for r in results {
            let (_, item) = app
                .get_json(&format!("/api/v1/items/{}", r["key"].as_str().unwrap()))
                .await;
            assert_eq!(item["area"]["name"], "病有所医", "{r} -> {item}");
        }
    }
    // Pages do not overlap.
    let (_, p1) = app
        .get_json(&format!("/api/v1/search?q={}&limit=5", q("服务")))
        .await;
    let (_, p2) = app
        .get_json(&format!("/api/v1/search?q={}&limit=5&offset=5", q("服务")))
        .await;
    let keys = |v: &Value| -> Vec<String> {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| format!("{}{}", r["type"], r["key"]))
            .collect()
    };
    let (a, b) = (keys(&p1), keys(&p2));
    assert_eq!(a.len(), 5);
    assert!(a.iter().all(|k| !b.contains(k)), "{a:?} {b:?}");
    assert_eq!(p1["total"], p2["total"]);
}

#[tokio::test]
async fn bad_search_parameters_are_400s_naming_the_field() {
    let app = spawn_demo().await;
    for (query, field) in [
        ("", "q"),
        ("q=%20%20", "q"),
        ("q=%E3%80%82%EF%BC%81", "q"),
        ("q=abc&type=video", "type"),
        ("q=abc&area=99", "area"),
        ("q=abc&area=%E4%B8%8D%E5%AD%98%E5%9C%A8", "area"),
        ("q=abc&limit=0", "limit"),
        ("q=abc&limit=1000", "limit"),
        ("q=abc&offset=5000", "offset"),
    ] {
        let (status, v) = app.get_json(&format!("/api/v1/search?{query}")).await;
        assert_eq!(status, 400, "{query}: {v}");
        assert_eq!(v["code"], "invalid_input", "{query}: {v}");
        assert_eq!(v["field"], field, "{query}: {v}");
        assert!(v["detail"].as_str().unwrap().len() > 20, "{v}");
    }
    // Query syntax is just text: no 400, no 500.
    for query in ["AND", "\"", "title:x", "(((", "*"] {
        let (status, v) = app
            .get_json(&format!("/api/v1/search?q={}", q(query)))
            .await;
        assert!(status == 200 || status == 400, "{query}: {status} {v}");
    }
}

#[tokio::test]
async fn the_index_follows_changes_to_the_registry_and_the_list() {
    let app = spawn_demo().await;
    let word = "甲乙丙丁测试规范";
    let (_, v) = app.get_json(&format!("/api/v1/search?q={}", q(word))).await;
    assert!(
        titles(&v, "standard", 10).iter().all(|t| !t.contains(word)),
        "not there yet: {v}"
    );
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    let r = app
        .client
        .put(app.url("/api/v1/standards/SLQ%2FNB%20501-2025"))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({
            "title": format!("（示例）{word}"), "stage": "现行", "origin": "自建",
            "node": "3.5", "effective_on": "2025-03-01", "items": ["N0101"],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, v) = app
        .get_json(&format!("/api/v1/search?q={}&type=standard", q(word)))
        .await;
    assert_eq!(v["results"][0]["number"], "SLQ/NB 501-2025", "{v}");
    // Removed: gone from the results.
    let r = app
        .client
        .delete(app.url("/api/v1/standards/SLQ%2FNB%20501-2025"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (_, v) = app
        .get_json(&format!("/api/v1/search?q={}&type=standard", q(word)))
        .await;
    assert!(
        titles(&v, "standard", 10).iter().all(|t| !t.contains(word)),
        "removed: {v}"
    );
}

#[tokio::test]
async fn the_search_page_shows_marked_results_and_every_page_has_the_box() {
    let app = spawn_demo().await;
    for path in ["/", "/items", "/standards", "/regions"] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            html.contains(r#"<form class="search" action="/search""#),
            "{path}"
        );
    }
    let (status, html) = app.get_html(&format!("/search?q={}", q("退役军人"))).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="search-total""#), "{html}");
    assert!(html.contains("<mark>退役军人</mark>"), "{html}");
    assert!(html.contains(r#"href="/items/"#));
    let (status, html) = app.get_html("/search?q=%E3%80%82").await;
    assert_eq!(status, 400);
    assert!(html.contains(r#"id="search-error""#));
    let (status, html) = app.get_html("/search").await;
    assert_eq!(status, 200);
    assert!(html.contains("老年人体检"), "examples on the empty page");
    // Every page's <title> is text, never markup (a template block left open shows here).
    let (_, list) = app.get_json("/api/v1/standards").await;
    let first = list["standards"][0]["number"]
        .as_str()
        .unwrap()
        .replace('/', "%2F")
        .replace(' ', "%20");
    for path in [
        "/".to_string(),
        "/standards".into(),
        "/standards/list".into(),
        format!("/standards/view/{first}"),
        "/standards/check".into(),
        "/guides/N0101".into(),
        format!("/search?q={}", q("孕妇")),
    ] {
        let (_, html) = app.get_html(&path).await;
        let title = html
            .split("<title>")
            .nth(1)
            .and_then(|t| t.split("</title>").next())
            .unwrap_or_else(|| panic!("{path} has a title"));
        assert!(!title.contains('<') && title.len() < 300, "{path}: {title}");
    }
}

#[tokio::test]
async fn an_item_carries_its_guide_and_standards_and_points_are_results_of_their_own() {
    let app = spawn_demo().await;
    let (status, v) = app
        .get_json(&format!(
            "/api/v1/search?q={}&limit=20",
            q("老年人健康管理")
        ))
        .await;
    assert_eq!(status, 200, "{v}");
    let results = v["results"].as_array().unwrap();
    let item = results
        .iter()
        .find(|r| r["key"] == "N1005")
        .unwrap_or_else(|| panic!("N1005 among {v}"));
    let related = item["related"].as_array().unwrap();
    assert_eq!(related[0]["type"], "guide", "guides first: {item}");
    assert_eq!(related[0]["key"], "N1005", "{item}");
    assert!(
        related
            .iter()
            .any(|d| d["type"] == "standard" && d["key"] == "SLQ/NB 044-2020"),
        "{item}"
    );
    // None of them is also ranked as a result of its own.
    for r in results {
        assert!(
            !related
                .iter()
                .any(|d| d["type"] == r["type"] && d["key"] == r["key"]),
            "{r} is listed under N1005 and ranked apart"
        );
    }
    for d in related.iter().take(2) {
        let (status, _) = app.get_html(d["url"].as_str().unwrap()).await;
        assert_eq!(status, 200, "{d}");
    }
    // A service point is a result of its own, found by community and a word for its type.
    let (status, v) = app
        .get_json(&format!(
            "/api/v1/search?q={}&type=point",
            q("丹溪社区的社康")
        ))
        .await;
    assert_eq!(status, 200, "{v}");
    let first = &v["results"][0];
    assert_eq!(first["type"], "point", "{v}");
    assert_eq!(first["title"], "丹溪社区健康服务中心", "{v}");
    let (status, html) = app.get_html(first["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert!(html.contains("丹溪社区健康服务中心"));
}

#[tokio::test]
async fn a_where_question_offers_the_nearest_points_on_the_search_page() {
    let app = spawn_demo().await;
    let question = q("老人去哪里体检");
    // Without a place: the community choice, and points the words find.
    let (status, html) = app.get_html(&format!("/search?q={question}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="search-places""#), "{html}");
    assert!(html.contains(r#"id="nearby-form""#) && html.contains("440399001005"));
    // From 丹溪社区's centre: the nearest points that deliver 老年人健康管理.
    let (status, html) = app
        .get_html(&format!("/search?q={question}&community=440399001005"))
        .await;
    assert_eq!(status, 200);
    let places = html
        .split(r#"id="search-places""#)
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap_or_else(|| panic!("a places section: {html}"));
    assert!(places.contains("离丹溪社区中心最近的服务点"), "{places}");
    assert!(places.contains("丹溪社区健康服务中心"), "{places}");
    assert!(places.contains(r#"class="distance""#), "{places}");
    // The service itself is still the first result.
    let results = html.split(r#"id="search-results""#).nth(1).unwrap();
    let first = results.split("</li>").next().unwrap();
    assert!(
        first.contains(r#"data-key="N1005""#) || first.contains(r#"data-key="R1003""#),
        "{first}"
    );
    // A position that is no position is refused beside the form (400, as on /nearby), with
    // the results still shown.
    let (status, html) = app
        .get_html(&format!("/search?q={question}&lat=95&lng=114"))
        .await;
    assert_eq!(status, 400);
    assert!(html.contains(r#"id="search-results""#), "{html}");
    assert!(html.contains(r#"id="places-error""#), "{html}");
    // A question that does not ask where has no such section.
    let (_, html) = app.get_html(&format!("/search?q={}", q("老人体检"))).await;
    assert!(!html.contains(r#"id="search-places""#));
    // The API answers the same: the nearest points, nearest first, with their distance.
    let (status, v) = app
        .get_json(&format!(
            "/api/v1/search?q={question}&community=440399001005"
        ))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["asks_where"], true);
    let near = v["places"].as_array().unwrap();
    assert_eq!(near.len(), 5, "{v}");
    let d: Vec<f64> = near
        .iter()
        .map(|p| p["distance_m"].as_f64().unwrap())
        .collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    assert!(
        near.iter().any(|p| p["name"] == "丹溪社区健康服务中心"),
        "{v}"
    );
    let (_, v) = app
        .get_json(&format!("/api/v1/search?q={}", q("老人体检")))
        .await;
    assert_eq!(v["asks_where"], false);
    assert!(v["places"].as_array().unwrap().is_empty());
    let (status, v) = app
        .get_json(&format!("/api/v1/search?q={question}&lat=95&lng=114"))
        .await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["field"], "lat", "{v}");
}
