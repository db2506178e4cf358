//! Logged-in writes through the API: the adjustment to publication, permissions, CSRF,
//! imports and exports.

use crate::helpers::spawn_demo;
use serde_json::json;

#[tokio::test]
async fn writes_need_a_login_and_the_csrf_token() {
    let app = spawn_demo().await;
    let (s, v) = app
        .post_json("/api/v1/adjustments", "", json!({"title": "x"}))
        .await;
    assert_eq!((s, v["code"].as_str()), (401, Some("unauthorized")));
    let r = app
        .client
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": "admin", "password": "wrong password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let _csrf = app.login("admin", "gongfu-demo-admin").await;
    let (s, v) = app
        .post_json("/api/v1/adjustments", "forged", json!({"title": "x"}))
        .await;
    assert_eq!((s, v["code"].as_str()), (403, Some("csrf_mismatch")));
}

#[tokio::test]
async fn an_adjustment_runs_to_a_new_version() {
    let app = spawn_demo().await;
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    let (s, v) = app
        .post_json(
            "/api/v1/adjustments",
            &csrf,
            json!({"title": "2025年度调整", "description": "测试"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    // Fetch the item, change one field, send it back as it came.
    let (_, mut item) = app.get_json("/api/v1/items/N2001").await;
    item["standard"] = json!("提高后的标准");
    let draft = item;
    let (s, v) = app.post_json(&format!("/api/v1/adjustments/{id}/proposals"), &csrf, json!({"kind": "modify", "target_codes": ["N2001"], "item": draft, "rationale": "提标", "evidence": ["示例：文件"]})).await;
    assert_eq!(s, 201, "{v}");
    let pid = v["id"].as_i64().unwrap();
    let (s, v) = app
        .post_json(
            &format!("/api/v1/adjustments/{id}/approve"),
            &csrf,
            json!({"label": "2025年版"}),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (409, Some("conflict")),
        "pending proposals block approval"
    );
    let (s, _) = app
        .post_json(
            &format!("/api/v1/adjustments/{id}/proposals/{pid}/decision"),
            &csrf,
            json!({"decision": "accepted", "note": "同意"}),
        )
        .await;
    assert_eq!(s, 200);
    // The national standard's 服务标准 reworded without quantities: a person confirms it
    // in writing before it is published.
    let (s, v) = app
        .post_json(
            &format!("/api/v1/adjustments/{id}/approve"),
            &csrf,
            json!({"label": "2025年版"}),
        )
        .await;
    assert_eq!((s, v["code"].as_str()), (409, Some("conflict")), "{v}");
    assert!(v["detail"].as_str().unwrap().contains("需人工确认"), "{v}");
    let (s, v) = app
        .post_json(
            &format!("/api/v1/adjustments/{id}/approve"),
            &csrf,
            json!({"label": "2025年版", "justification": "已核实提标"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["version"]["number"], 3);
    let (_, d) = app.get_json("/api/v1/versions/2/diff/3").await;
    assert_eq!(d["changed"][0]["code"], "N2001");
    assert_eq!(d["changed"][0]["fields"][0]["field"], "standard");
    let (_, now) = app.get_json("/api/v1/items/N2001").await;
    assert_eq!(now["standard"], "提高后的标准");
    let (_, old) = app.get_json("/api/v1/items/N2001?version=2").await;
    assert_ne!(
        old["standard"], "提高后的标准",
        "published versions never change"
    );
    let r = app
        .client
        .get(app.url("/api/v1/audit?entity=version"))
        .send()
        .await
        .unwrap();
    let log: serde_json::Value = r.json().await.unwrap();
    assert_eq!(log["entries"][0]["actor"], "admin");
    assert_eq!(log["entries"][0]["action"], "version.publish");
}

#[tokio::test]
async fn a_reviewer_cannot_publish_and_a_viewer_cannot_propose() {
    let app = spawn_demo().await;
    let csrf = app.login("viewer", "gongfu-demo-viewer").await;
    let (s, v) = app
        .post_json("/api/v1/adjustments", &csrf, json!({"title": "x"}))
        .await;
    assert_eq!((s, v["code"].as_str()), (403, Some("forbidden")));
}

#[tokio::test]
async fn a_csv_with_one_bad_row_imports_nothing_and_names_row_and_column() {
    let app = spawn_demo().await;
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    let r = app.get("/api/v1/exports/items?format=csv").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".csv"));
    let csv = r.text().await.unwrap();
    // Empty the 服务对象 of the fifth data row (file row 6).
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(lines[5].as_bytes());
    let mut rec: Vec<String> = rdr
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    rec[4] = String::new();
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(&rec).unwrap();
    lines[5] = String::from_utf8(w.into_inner().unwrap())
        .unwrap()
        .trim_end()
        .to_string();
    let body = lines.join("\n");
    let (s, v) = app
        .post_body(
            "/api/v1/imports/items?file=list.csv&publish=true",
            &csrf,
            body,
        )
        .await;
    assert_eq!(s, 422);
    assert_eq!(v["code"], "import_failed");
    assert_eq!(v["errors"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["errors"][0]["row"], 6);
    assert_eq!(v["errors"][0]["column"], "E（服务对象）");
    let (_, vs) = app.get_json("/api/v1/versions").await;
    assert_eq!(
        vs["versions"].as_array().unwrap().len(),
        2,
        "nothing was published"
    );
    // The unchanged export imports as "nothing to do".
    let r = app
        .client
        .post(app.url("/api/v1/imports/items?file=list.csv&publish=true"))
        .header("x-csrf-token", &csrf)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
}

#[tokio::test]
async fn export_then_import_reproduces_the_list() {
    let app = spawn_demo().await;
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    for (fmt, file) in [
        ("xlsx", "v1.xlsx"),
        ("json", "v1.json"),
        ("csv", "v1.csv"),
        ("hsds", "v1.hsds.json"),
        ("hsds-csv", "v1.hsds.zip"),
    ] {
        let bytes = app
            .get(&format!("/api/v1/exports/items?format={fmt}&version=1"))
            .await
            .bytes()
            .await
            .unwrap();
        // Importing version 1 on top of version 2 undoes the adjustment exactly.
        let r = app
            .client
            .post(app.url(&format!("/api/v1/imports/items?file={file}")))
            .header("x-csrf-token", &csrf)
            .body(bytes.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{fmt}");
        let o: serde_json::Value = r.json().await.unwrap();
        let (_, d) = app.get_json("/api/v1/versions/2/diff/1").await;
        assert_eq!(
            o["added"].as_u64().unwrap() as usize,
            d["added"].as_array().unwrap().len(),
            "{fmt}"
        );
        assert_eq!(
            o["retired"].as_u64().unwrap() as usize,
            d["removed"].as_array().unwrap().len(),
            "{fmt}"
        );
        assert_eq!(
            o["modified"].as_u64().unwrap() as usize,
            d["changed"].as_array().unwrap().len(),
            "{fmt}"
        );
    }
}

#[tokio::test]
async fn large_files_are_accepted_for_import() {
    let app = spawn_demo().await;
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    // Over axum's 2 MiB default: one item whose 服务内容 is 3 MiB of text.
    let big = "很".repeat(1 << 20);
    let csv = format!("编码,大类,服务项目,服务对象,服务内容,服务标准,支出责任,牵头负责单位,来源层级,特色事项\nL9901,养老助老服务,大文件测试,老年人,{big},标准,地方财政,区民政局,区级,是\n");
    assert!(csv.len() > 3 << 20);
    let r = app
        .client
        .post(app.url("/api/v1/imports/items?file=big.csv"))
        .header("x-csrf-token", &csrf)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
}
