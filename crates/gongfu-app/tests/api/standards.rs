//! The standard system over HTTP.

use crate::helpers::{spawn_app, spawn_demo, spawn_with, test_settings};

#[tokio::test]
async fn parse_returns_parts_and_canonical_form() {
    let app = spawn_app().await;
    let (status, v) = app
        .get_json("/api/v1/standards/parse?number=DB4403%2FT%20300.1%E2%80%942022")
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["canonical"], "DB4403/T 300.1-2022");
    assert_eq!(v["official"], "DB4403/T 300.1—2022");
    assert_eq!(v["level"], "city_local");
    assert_eq!(v["issuer_name"], "广东省");
    assert_eq!(v["serial"], "300");
    assert_eq!(v["parts"], serde_json::json!(["1"]));
    assert_eq!(v["year"], 2022);
}

#[tokio::test]
async fn a_bad_number_is_a_400_naming_the_part() {
    let app = spawn_app().await;
    for (number, part) in [
        ("GB%2FT%201.1-20222", "year"),
        ("DB99%2FT%201-2020", "region"),
        ("XX%201-2020", "code"),
        ("GB%2FT%20-2020", "number"),
    ] {
        let (status, v) = app
            .get_json(&format!("/api/v1/standards/parse?number={number}"))
            .await;
        assert_eq!(status, 400, "{number}: {v}");
        assert_eq!(v["code"], "invalid_standard_number", "{v}");
        assert_eq!(v["field"], "number");
        assert_eq!(v["errors"][0]["part"], part, "{number}: {v}");
    }
    let (status, v) = app.get_json("/api/v1/standards/parse").await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(
        v["code"], "invalid_input",
        "a missing parameter is JSON too: {v}"
    );
    assert_eq!(v["field"], "number", "{v}");
}

#[tokio::test]
async fn internal_norms_follow_the_configured_pattern() {
    let plain = spawn_app().await;
    let (status, _) = plain
        .get_json("/api/v1/standards/parse?number=FTNB%2012-2021")
        .await;
    assert_eq!(status, 400, "no pattern configured");
    let mut settings = test_settings();
    settings.internal_norm_patterns =
        vec![gongfu_domain::standard::InternalPattern::parse("FTNB {seq}-{year}").unwrap()];
    let app = spawn_with(settings).await;
    let (status, v) = app
        .get_json("/api/v1/standards/parse?number=ftnb%2012%E2%80%942021")
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["canonical"], "FTNB 12-2021");
    assert_eq!(v["level"], "internal");
    let demo = spawn_demo().await;
    let (status, v) = demo
        .get_json("/api/v1/standards/parse?number=SLQ%2FNB%203-2023")
        .await;
    assert_eq!(status, 200, "the demo configures its pattern: {v}");
}

fn enc(s: &str) -> String {
    s.replace('/', "%2F").replace(' ', "%20")
}

async fn post_file(
    app: &crate::helpers::TestApp,
    path: &str,
    csrf: &str,
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    app.post_body(path, csrf, body).await
}

#[tokio::test]
async fn the_demo_registry_has_a_tree_with_counts_coverage_and_attention() {
    let app = spawn_demo().await;
    let (status, v) = app.get_json("/api/v1/standards").await;
    assert_eq!(status, 200, "{v}");
    let total = v["total"].as_u64().unwrap();
    assert!((250..=350).contains(&total), "about 300 standards: {total}");
    let (_, tree) = app.get_json("/api/v1/standards/tree").await;
    let nodes = tree["nodes"].as_array().unwrap();
    let top: u64 = nodes
        .iter()
        .filter(|n| n["depth"] == 0)
        .map(|n| n["total"].as_u64().unwrap())
        .sum();
    assert_eq!(
        top, total,
        "every demo standard sits in the tree and is counted once at the top"
    );
    let provision = nodes.iter().find(|n| n["code"] == "3").unwrap();
    let children: u64 = nodes
        .iter()
        .filter(|n| n["parent"] == "3")
        .map(|n| n["total"].as_u64().unwrap())
        .sum();
    assert_eq!(
        provision["total"].as_u64().unwrap(),
        children,
        "a node counts its descendants"
    );
    assert_eq!(
        provision["cited"].as_u64().unwrap() + provision["self_built"].as_u64().unwrap(),
        children
    );

    let (status, c) = app.get_json("/api/v1/standards/coverage").await;
    assert_eq!(status, 200, "{c}");
    let overall = c["overall"].as_f64().unwrap();
    let items = c["items"].as_u64().unwrap();
    let uncovered = c["uncovered"].as_array().unwrap();
    assert_eq!(
        c["covered"].as_u64().unwrap() + uncovered.len() as u64,
        items
    );
    assert!((overall - c["covered"].as_f64().unwrap() / items as f64).abs() < 1e-9);
    assert!(overall > 0.5 && overall < 1.0, "{overall}");
    assert_eq!(c["by_area"].as_array().unwrap().len(), 9);
    assert!(
        uncovered.iter().any(|u| u["code"] == "N0106"),
        "the item version 2 added has no standard yet: {uncovered:?}"
    );
    let (_, c1) = app.get_json("/api/v1/standards/coverage?version=1").await;
    assert_eq!(c1["version"], 1);
    assert_ne!(c1["items"], c["items"]);

    let (status, a) = app.get_json("/api/v1/standards/attention").await;
    assert_eq!(status, 200, "{a}");
    assert!(
        a["gone"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["number"] == "MZ/T 039-2013" && g["replaced_by"] == "GB/T 42195-2022"),
        "{}",
        a["gone"]
    );
    let affected = a["affected_standards"].as_array().unwrap();
    assert!(
        affected
            .iter()
            .any(|s| s["via"].as_array().unwrap().len() == 2),
        "a transitive chain: {affected:?}"
    );
    assert!(!a["affected_items"].as_array().unwrap().is_empty());
    // Reviews are the district's own standards'; cited ones past their review age are
    // watched for supersession instead.
    let origin = |n: &serde_json::Value| n["number"].as_str().unwrap().starts_with("SLQ/NB");
    let overdue = a["review_overdue"].as_array().unwrap();
    assert!(
        !overdue.is_empty() && overdue.iter().all(origin),
        "{overdue:?}"
    );
    let watch = a["supersession_watch"].as_array().unwrap();
    assert!(
        watch.iter().any(|w| w["number"] == "GB/T 20000.1-2014"),
        "a cited national standard of 2014: {watch:?}"
    );
    assert!(!watch.iter().any(origin), "{watch:?}");
}

#[tokio::test]
async fn a_standard_shows_its_items_and_who_references_it() {
    let app = spawn_demo().await;
    let (status, v) = app
        .get_json(&format!("/api/v1/standards/{}", enc("MZ/T 039-2013")))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["standard"]["stage"], "superseded");
    assert_eq!(v["standard"]["in_force"], false);
    assert_eq!(v["replaced_by"], serde_json::json!(["GB/T 42195-2022"]));
    assert!(!v["referenced_by"].as_array().unwrap().is_empty());
    let (status, v) = app
        .get_json(&format!("/api/v1/standards/{}", enc("WS/T 484—2015")))
        .await;
    assert_eq!(status, 200, "any spelling of the number finds it: {v}");
    assert_eq!(v["node_path"][0]["code"], "3");
    assert!(
        v["items"][0]["name"]
            .as_str()
            .unwrap()
            .contains("老年人健康管理"),
        "{v}"
    );
    let (status, v) = app
        .get_json(&format!("/api/v1/standards/{}", enc("GB/T 99999-2020")))
        .await;
    assert_eq!(status, 404, "{v}");
    let (status, v) = app
        .get_json(&format!("/api/v1/standards/{}", enc("GB/T 1-20x")))
        .await;
    assert_eq!(status, 400, "{v}");
    let code = v["errors"][0]["part"].as_str().unwrap().to_string();
    assert_eq!(code, "year");
    let (_, v) = app
        .get_json("/api/v1/standards?level=internal&origin=self_built")
        .await;
    assert!(v["total"].as_u64().unwrap() >= 100, "{}", v["total"]);
    let (status, v) = app.get_json("/api/v1/standards?level=bogus").await;
    assert_eq!((status, v["field"].as_str()), (400, Some("level")));
    let (_, v) = app.get_json("/api/v1/standards?item=N0101").await;
    assert!(v["standards"].as_array().unwrap().iter().all(|s| s["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "N0101")));
}

#[tokio::test]
async fn registry_export_imports_back_unchanged_and_a_bad_file_changes_nothing() {
    let app = spawn_demo().await;
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    let (_, before) = app.get_json("/api/v1/standards").await;
    for format in ["xlsx", "csv"] {
        let bytes = app
            .get(&format!("/api/v1/exports/standards?format={format}"))
            .await
            .bytes()
            .await
            .unwrap()
            .to_vec();
        let (status, v) = post_file(
            &app,
            &format!("/api/v1/imports/standards?file=s.{format}"),
            &csrf,
            bytes,
        )
        .await;
        assert_eq!(status, 201, "{format}: {v}");
        assert_eq!(v["added"], 0);
        let (_, after) = app.get_json("/api/v1/standards").await;
        assert_eq!(after, before, "{format} round trip changes nothing");
    }
    let header = "标准编号,标准名称,体系节点,服务事项,代替标准\n";
    let cases = [
        ("GB/T 1-20222,甲,3.1,,\n", "年号"),
        ("GB/T 2-2020,乙,9.9.9,,\n", "体系节点“9.9.9”不存在"),
        (
            "GB/T 3-2020,丙,3.1,NOPE1,\n",
            "事项 NOPE1 不在第 2 版清单中",
        ),
        (
            "GB/T 4-2020,丁,3.1,,GB/T 5-2020\nGB/T 5-2020,戊,3.1,,GB/T 4-2020\n",
            "循环",
        ),
    ];
    for (rows, want) in cases {
        let body = format!("{header}GB/T 8888-2020,好的一行,3.1,,\n{rows}").into_bytes();
        let (status, v) =
            post_file(&app, "/api/v1/imports/standards?file=bad.csv", &csrf, body).await;
        assert_eq!(status, 422, "{rows}: {v}");
        assert!(v.to_string().contains(want), "{want}: {v}");
        let (_, after) = app.get_json("/api/v1/standards").await;
        assert_eq!(
            after["total"], before["total"],
            "nothing imported from {rows}"
        );
    }
    let (status, v) = post_file(
        &app,
        "/api/v1/imports/standards?file=bad.csv",
        &csrf,
        format!("{header}GB/T 1-2020,x,3.1,,\n")
            .replace("代替标准", "颜色")
            .into_bytes(),
    )
    .await;
    assert_eq!(status, 422);
    assert!(v.to_string().contains("无法识别的列“颜色”"), "{v}");
    let e = &v["errors"][0];
    assert_eq!(
        (e["row"].as_u64(), e["column"].as_str()),
        (Some(1), Some("E（颜色）")),
        "{v}"
    );
}

#[tokio::test]
async fn trees_are_data_and_a_tree_that_drops_used_nodes_is_refused() {
    let app = spawn_demo().await;
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    let chengdu = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/standards/system-chengdu.csv"
    ))
    .unwrap();
    let (status, v) = post_file(
        &app,
        "/api/v1/imports/standard-tree?file=chengdu.csv",
        &csrf,
        chengdu.clone(),
    )
    .await;
    assert_eq!(
        status, 422,
        "demo standards sit in 9+1 nodes Chengdu's tree lacks: {v}"
    );
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("缺少已有标准所在的节点"),
        "{v}"
    );

    let fresh = spawn_app().await;
    let csrf = fresh.login_bootstrap().await;
    let (status, v) = post_file(
        &fresh,
        "/api/v1/imports/standard-tree?file=chengdu.csv",
        &csrf,
        chengdu,
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let (_, tree) = fresh.get_json("/api/v1/standards/tree").await;
    let tops: Vec<&str> = tree["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["depth"] == 0)
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        tops,
        [
            "通用基础标准子体系",
            "服务事项标准子体系",
            "管理与动态调整标准子体系"
        ]
    );
    let (status, v) = post_file(
        &fresh,
        "/api/v1/imports/standard-tree?file=t.csv",
        &csrf,
        "节点编号,节点名称,上级节点\nA,甲,\nB,乙,Z\n".into(),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(v["errors"][0]["row"], 3, "{v}");
    assert!(
        v["errors"][0]["column"]
            .as_str()
            .unwrap()
            .contains("上级节点"),
        "{v}"
    );
    let viewer = spawn_demo().await;
    let csrf = viewer.login("viewer", "gongfu-demo-viewer").await;
    let (status, _) = post_file(
        &viewer,
        "/api/v1/imports/standard-tree?file=t.csv",
        &csrf,
        "节点编号,节点名称\nA,甲\n".into(),
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn the_system_table_and_detail_table_export_as_xlsx() {
    let app = spawn_demo().await;
    for path in ["/api/v1/exports/standard-tree", "/api/v1/exports/standards"] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK"), "{path} is a zip (xlsx)");
    }
}

#[tokio::test]
async fn the_standard_pages_show_tree_coverage_attention_and_texts_of_links() {
    let app = spawn_demo().await;
    let (status, html) = app.get_html("/standards").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("服务提供标准子体系") && html.contains("3.5 老有所养"),
        "the tree with its nodes"
    );
    let (_, c) = app.get_json("/api/v1/standards/coverage").await;
    let pct = format!("{:.1}%", c["overall"].as_f64().unwrap() * 100.0);
    assert!(
        html.contains(&pct),
        "the home of the standard system shows coverage {pct}"
    );
    let (status, html) = app.get_html("/standards/coverage").await;
    assert_eq!(status, 200);
    assert!(html.contains("增补叶酸"), "uncovered items are listed");
    let (status, html) = app.get_html("/standards/attention").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("MZ/T 039-2013") && html.contains("GB/T 42195-2022"),
        "the superseded standard and its replacement"
    );
    let (status, html) = app.get_html("/standards/view/MZ%2FT%20039-2013").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("被代替") && html.contains("被以下标准引用"),
        "stage and referrers"
    );
    let (status, html) = app.get_html("/standards/list?node=3.5").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("GB/T 42195—2022"),
        "the list uses the official form"
    );
    let (status, _) = app.get_html("/standards/list?node=nope").await;
    assert_eq!(status, 404);
    let (status, _) = app.get_html("/standards/view/GB%2FT%2099999-2020").await;
    assert_eq!(status, 404);
    let code = c["uncovered"][0]["code"].as_str().unwrap().to_string();
    let (_, html) = app.get_html(&format!("/items/{code}")).await;
    assert!(
        html.contains("本事项尚无关联标准"),
        "an uncovered item says so"
    );
    let (_, html) = app.get_html("/items/N0101").await;
    assert!(
        html.contains("item-standards") && html.contains("/standards/view/"),
        "a covered item links its standards"
    );
}

async fn send(
    app: &crate::helpers::TestApp,
    method: reqwest::Method,
    path: &str,
    csrf: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut r = app
        .client
        .request(method, app.url(path))
        .header("x-csrf-token", csrf);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

#[tokio::test]
async fn one_standard_is_added_edited_renamed_and_removed_through_the_api() {
    let app = spawn_demo().await;
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    let (_, before) = app.get_json("/api/v1/standards").await;
    let put = reqwest::Method::PUT;
    let path = format!("/api/v1/standards/{}", enc("SLQ/NB 500-2025"));
    let (status, v) = send(
        &app,
        put.clone(),
        &path,
        &csrf,
        Some(serde_json::json!({
            "title": "（示例）长者饭堂服务规范", "stage": "现行", "origin": "自建",
            "node": "3.5", "effective_on": "2025-03-01", "items": ["N0101"],
            "references": "GB/T 1.1",
        })),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["created"], true);
    assert_eq!(v["standard"]["number"], "SLQ/NB 500-2025");
    let (_, one) = app.get_json(&path).await;
    assert_eq!(one["items"][0]["code"], "N0101", "{one}");
    // Every field at fault comes back at once, and nothing is saved.
    let (status, v) = send(
        &app,
        put.clone(),
        &path,
        &csrf,
        Some(
            serde_json::json!({"title": "改", "stage": "生效中", "node": "9.9", "items": "NOPE1"}),
        ),
    )
    .await;
    assert_eq!(status, 422, "{v}");
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in ["stage", "node"] {
        assert!(fields.contains(&f), "{f} is named: {v}");
    }
    let (_, still) = app.get_json(&path).await;
    assert_eq!(still["standard"]["title"], "（示例）长者饭堂服务规范");
    // A new standard may not take a registered number; an unknown field is named.
    let (status, v) = send(
        &app,
        put.clone(),
        &format!("/api/v1/standards/{}", enc("SLQ/NB 501-2025")),
        &csrf,
        Some(serde_json::json!({"number": "GB/T 1.1-2020", "title": "重复"})),
    )
    .await;
    assert_eq!(status, 422, "{v}");
    assert!(v.to_string().contains("已经登记"), "{v}");
    let (status, v) = send(
        &app,
        put.clone(),
        &path,
        &csrf,
        Some(serde_json::json!({"colour": "red"})),
    )
    .await;
    assert_eq!((status, v["field"].as_str()), (400, Some("colour")), "{v}");
    // Renaming moves the standard and its links.
    let (status, v) = send(
        &app,
        put.clone(),
        &path,
        &csrf,
        Some(serde_json::json!({"number": "SLQ/NB 502-2025", "title": "（示例）长者饭堂服务规范", "stage": "现行", "origin": "自建", "node": "3.5", "items": "N0101"})),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(app.get_json(&path).await.0, 404);
    let renamed = format!("/api/v1/standards/{}", enc("SLQ/NB 502-2025"));
    assert_eq!(app.get_json(&renamed).await.0, 200);
    let (status, _) = send(&app, reqwest::Method::DELETE, &renamed, &csrf, None).await;
    assert_eq!(status, 204);
    let (_, after) = app.get_json("/api/v1/standards").await;
    assert_eq!(after["total"], before["total"]);
    let (status, _) = send(&app, reqwest::Method::DELETE, &renamed, &csrf, None).await;
    assert_eq!(status, 404);
    // Without a session, writes are refused.
    let r = reqwest::Client::new()
        .request(put, app.url(&path))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

/// The item page and its API twin answer from the registry kept in memory (they read the
/// whole registry from the database per request before); a standard saved through the
/// API, or by another process with its own connections (the command line), shows on the
/// next request.
#[tokio::test]
async fn the_item_page_shows_a_standard_saved_a_moment_ago_here_or_by_another_process() {
    let app = spawn_demo().await;
    let (_, c) = app.get_json("/api/v1/standards/coverage").await;
    let code = c["uncovered"][0]["code"].as_str().unwrap().to_string();
    let (_, html) = app.get_html(&format!("/items/{code}")).await;
    assert!(html.contains("本事项尚无关联标准"), "uncovered at first");
    let (_, v) = app
        .get_json(&format!("/api/v1/standards?item={code}"))
        .await;
    assert_eq!(v["total"], 0);

    let csrf = app.login("admin", "gongfu-demo-admin").await;
    let (status, v) = send(
        &app,
        reqwest::Method::PUT,
        &format!("/api/v1/standards/{}", enc("SLQ/NB 503-2025")),
        &csrf,
        Some(serde_json::json!({"title": "（示例）刚保存的规范", "items": [code]})),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let (_, html) = app.get_html(&format!("/items/{code}")).await;
    assert!(
        html.contains("SLQ/NB 503-2025") && html.contains("（示例）刚保存的规范"),
        "the next page shows the write"
    );
    let (_, v) = app
        .get_json(&format!("/api/v1/standards?item={code}"))
        .await;
    assert_eq!(v["total"], 1, "{v}");

    let mut settings = test_settings();
    gongfu_app::demo::apply_settings(&mut settings);
    let cli_db = gongfu_db::Db::connect(app.database_url()).await.unwrap();
    let cli = gongfu_app::services(cli_db, &settings).unwrap();
    let draft = gongfu_domain::standard::StandardDraft {
        number: "SLQ/NB 504-2025".into(),
        title: "（示例）命令行保存的规范".into(),
        items: code.clone(),
        ..Default::default()
    };
    cli.standards
        .save_draft(&gongfu_catalog::Actor::system("cli"), &draft, None)
        .await
        .unwrap();
    let (_, html) = app.get_html(&format!("/items/{code}")).await;
    assert!(
        html.contains("（示例）命令行保存的规范"),
        "another process's write shows on the next page"
    );
    let (_, v) = app
        .get_json(&format!("/api/v1/standards?item={code}"))
        .await;
    assert_eq!(v["total"], 2, "{v}");
}

pub(crate) fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .expect("a form with a csrf field")
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_admin_form_adds_a_standard_and_shows_field_errors_in_place() {
    let app = spawn_demo().await;
    app.login("admin", "gongfu-demo-admin").await;
    let (status, form) = app.get_html("/admin/standards/edit").await;
    assert_eq!(status, 200);
    let csrf = csrf_of(&form);
    let mut fields = vec![
        ("csrf", csrf.clone()),
        ("previous", String::new()),
        ("std_number", "SLQ/NB 600-2025".into()),
        ("std_title", "（示例）社区助餐服务规范".into()),
        ("std_stage", "现行".into()),
        ("std_origin", "自建".into()),
        ("std_node", "3.5 老有所养".into()),
        ("std_effective_on", "2025-1-2".into()),
    ];
    let bad: Vec<(&str, String)> = fields
        .iter()
        .map(|(k, v)| {
            (
                *k,
                if *k == "std_effective_on" {
                    "2025-13-40".to_string()
                } else {
                    v.clone()
                },
            )
        })
        .collect();
    let r = app
        .client
        .post(app.url("/admin/standards/edit"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"error_effective_on\""), "{html}");
    assert!(
        html.contains("value=\"（示例）社区助餐服务规范\""),
        "what was typed stays in the form"
    );
    fields.push(("std_items", "N0101".into()));
    let r = app
        .client
        .post(app.url("/admin/standards/edit"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to.starts_with("/standards/view/SLQ%2FNB%20600-2025"),
        "{to}"
    );
    let (_, page) = app.get_html(&to).await;
    assert!(page.contains("（示例）社区助餐服务规范") && page.contains("已保存"));
    assert!(page.contains("id=\"edit-standard\""));
    let (_, v) = app
        .get_json(&format!("/api/v1/standards/{}", enc("SLQ/NB 600-2025")))
        .await;
    assert_eq!(v["standard"]["effective_on"], "2025-01-02", "{v}");
}

#[tokio::test]
async fn the_upload_page_imports_a_registry_or_lists_every_row_at_fault() {
    let app = spawn_demo().await;
    app.login("admin", "gongfu-demo-admin").await;
    let (status, html) = app.get_html("/admin/standards").await;
    assert_eq!(status, 200);
    let csrf = csrf_of(&html);
    let upload = |body: &'static str| {
        reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("what", "registry")
            .part(
                "file",
                reqwest::multipart::Part::bytes(body.as_bytes().to_vec()).file_name("r.csv"),
            )
    };
    let r = app
        .client
        .post(app.url("/admin/standards/upload"))
        .multipart(upload(
            "标准编号,标准名称,体系节点\nGB/T 1-20222,甲,3.1\nGB/T 2-2020,乙,9.9.9\n",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"import-errors\""));
    assert!(html.contains("9.9.9"), "the unknown node's row is listed");
    let r = app
        .client
        .post(app.url("/admin/standards/upload"))
        .multipart(upload(
            "标准编号,标准名称,体系节点\nGB/T 7777-2020,甲,3.1\n",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (status, _) = app
        .get_json(&format!("/api/v1/standards/{}", enc("GB/T 7777-2020")))
        .await;
    assert_eq!(status, 200);
}
