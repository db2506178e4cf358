//! The national floor (不低于国家标准) over HTTP: the two attacks of issue 15 (retiring a
//! national item; lowering 居民健康档案's 建档率 from 不低于90% to 不低于50%) are shown in
//! the preview, refused at approval without a justification, and approved with one, which
//! the audit log keeps; each version's compliance.

use crate::helpers::{spawn_demo, TestApp};
use serde_json::{json, Value};

/// Opens an adjustment with one accepted proposal; returns its id.
async fn adjustment_with(app: &TestApp, csrf: &str, proposal: Value) -> i64 {
    let (s, v) = app
        .post_json("/api/v1/adjustments", csrf, json!({"title": "降标测试"}))
        .await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, v) = app
        .post_json(
            &format!("/api/v1/adjustments/{id}/proposals"),
            csrf,
            proposal,
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let pid = v["id"].as_i64().unwrap();
    let (s, _) = app
        .post_json(
            &format!("/api/v1/adjustments/{id}/proposals/{pid}/decision"),
            csrf,
            json!({"decision": "accepted"}),
        )
        .await;
    assert_eq!(s, 200);
    id
}

/// The preview shows the finding; approval without a justification is refused with a
/// Chinese message naming it; with one it publishes and the audit entry keeps it.
async fn refused_then_justified(app: &TestApp, csrf: &str, id: i64, kind: &str, code: &str) {
    let (s, detail) = app.get_json(&format!("/api/v1/adjustments/{id}")).await;
    assert_eq!(s, 200);
    let floor = &detail["preview"]["floor"];
    assert_eq!(floor["edition"], "2021", "{floor}");
    let new = floor["new_findings"].as_array().unwrap();
    assert_eq!(new.len(), 1, "{floor}");
    assert_eq!(new[0]["kind"], kind);
    assert_eq!(new[0]["national_code"], code);
    let (s, v) = app
        .post_json(
            &format!("/api/v1/adjustments/{id}/approve"),
            csrf,
            json!({"label": "降标版"}),
        )
        .await;
    assert_eq!((s, v["code"].as_str()), (409, Some("conflict")), "{v}");
    let msg = v["detail"].as_str().unwrap();
    assert!(
        msg.contains(code)
            && msg.contains("理由")
            && msg.contains(new[0]["kind_label"].as_str().unwrap()),
        "{msg}"
    );
    let why = "经区政府常务会议研究同意（测试）";
    let (s, v) = app
        .post_json(
            &format!("/api/v1/adjustments/{id}/approve"),
            csrf,
            json!({"label": "降标版", "justification": why}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, log) = app.get_json("/api/v1/audit?entity=version").await;
    let entry = &log["entries"][0];
    assert_eq!(entry["action"], "version.publish");
    assert_eq!(entry["detail"]["floor"]["justification"], why);
    assert_eq!(
        entry["detail"]["floor"]["findings"][0]["national_code"],
        code
    );
}

#[tokio::test]
async fn retiring_a_national_item_needs_a_justification() {
    let app = spawn_demo().await;
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    // N1002 (健康教育与健康素养促进) has no other item naming it as base.
    let id = adjustment_with(
        &app,
        &csrf,
        json!({"kind": "retire", "target_codes": ["N1002"], "rationale": "退出", "evidence": []}),
    )
    .await;
    refused_then_justified(&app, &csrf, id, "missing", "N1002").await;
    let (s, c) = app.get_json("/api/v1/versions/3/compliance").await;
    assert_eq!(s, 200, "{c}");
    let entry = c["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["national_code"] == "N1002")
        .unwrap();
    assert_eq!(entry["relation"], "uncovered", "{entry}");
    assert_eq!(entry["relation_label"], "未覆盖");
}

#[tokio::test]
async fn lowering_the_record_rate_needs_a_justification() {
    let app = spawn_demo().await;
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    let (_, mut item) = app.get_json("/api/v1/items/N1001").await;
    let standard = item["standard"].as_str().unwrap().to_string();
    assert!(standard.contains("不低于90%"), "{standard}");
    item["standard"] = json!(standard.replace("不低于90%", "不低于50%"));
    let id = adjustment_with(
        &app,
        &csrf,
        json!({"kind": "modify", "target_codes": ["N1001"], "item": item, "rationale": "降低", "evidence": []}),
    )
    .await;
    refused_then_justified(&app, &csrf, id, "lowered", "N1001").await;
    let (_, c) = app
        .get_json("/api/v1/versions/3/compliance?edition=2021")
        .await;
    let finding = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["national_code"] == "N1001")
        .unwrap();
    assert_eq!(finding["kind_label"], "服务标准降低");
    assert!(
        finding["local"].as_str().unwrap().contains("50%"),
        "{finding}"
    );
}

#[tokio::test]
async fn the_demo_versions_meet_the_2021_floor() {
    let app = spawn_demo().await;
    let (s, e) = app.get_json("/api/v1/national").await;
    assert_eq!(s, 200);
    assert_eq!(e["editions"][0]["edition"], "2021");
    let (s, c) = app.get_json("/api/v1/versions/2/compliance").await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(
        c["findings"].as_array().unwrap().len(),
        0,
        "{}",
        c["findings"]
    );
    let count = |r: &str| {
        c["counts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["relation"] == r)
            .unwrap()["count"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(count("equal") + count("raised"), 80);
    assert!(
        count("raised") >= 1,
        "the demo's 提标 items raise national ones"
    );
    assert!(count("featured") > 0);
    assert_eq!(count("uncovered"), 0);
    let (s, v) = app
        .get_json("/api/v1/versions/2/compliance?edition=2023")
        .await;
    assert_eq!((s, v["code"].as_str()), (404, Some("not_found")), "{v}");
}

#[tokio::test]
async fn the_pages_show_the_findings_and_ask_for_a_justification() {
    let app = spawn_demo().await;
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    let (s, page) = app.get_html("/versions/2/compliance").await;
    assert_eq!(s, 200);
    assert!(
        page.contains("对标国家标准") && page.contains("id=\"no-findings\""),
        "{page}"
    );
    assert!(page.contains("id=\"count-uncovered\">0<"), "{page}");
    let (_, versions) = app.get_html("/versions").await;
    assert!(versions.contains("/versions/2/compliance"));
    let id = adjustment_with(
        &app,
        &csrf,
        json!({"kind": "retire", "target_codes": ["N1002"], "rationale": "退出", "evidence": []}),
    )
    .await;
    let (_, page) = app.get_html(&format!("/admin/adjustments/{id}")).await;
    assert!(
        page.contains("id=\"floor-findings\"") && page.contains("国家事项缺失"),
        "{page}"
    );
    assert!(page.contains("name=\"justification\""));
    let approve = |justification: &'static str| {
        app.client
            .post(app.url(&format!("/admin/adjustments/{id}/approve")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("label", "页面版"),
                ("justification", justification),
            ])
            .send()
    };
    let r = approve("").await.unwrap();
    assert_eq!(r.status(), 409);
    let body = r.text().await.unwrap();
    assert!(body.contains("N1002") && body.contains("理由"), "{body}");
    let r = approve("区政府常务会议同意（测试）").await.unwrap();
    assert_eq!(r.status(), 303);
    let (_, page) = app.get_html("/versions/3/compliance").await;
    assert!(page.contains("id=\"count-uncovered\">1<"), "{page}");
    assert!(page.contains("健康教育与健康素养促进"));
}

#[tokio::test]
async fn the_import_page_stores_a_national_edition_once() {
    let app = spawn_demo().await;
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    let text = "国家基本公共服务标准（2023年版）\n八、优军服务保障\n20.优军优抚服务\n(1)优待抚恤\n服务对象：现役军人、烈士遗属\n服务内容：发放抚恤金\n服务标准：每年至少1次走访慰问\n支出责任：中央财政和地方财政共同承担支出责任\n牵头负责单位：退役军人部\n";
    let post = || {
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("target", "national")
            .text("edition", "2023")
            .part(
                "file",
                reqwest::multipart::Part::bytes(text.as_bytes().to_vec())
                    .file_name("national-2023.txt"),
            );
        app.client
            .post(app.url("/admin/import"))
            .multipart(form)
            .send()
    };
    let r = post().await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("已导入国家标准参照清单") && page.contains("2023"),
        "{page}"
    );
    let (_, e) = app.get_json("/api/v1/national").await;
    assert_eq!(e["editions"][1]["edition"], "2023", "{e}");
    assert_eq!(
        e["editions"][1]["label"],
        "国家基本公共服务标准（2023年版）"
    );
    // The newest edition is the floor now: the demo's N2001 is compared with it.
    let (_, c) = app.get_json("/api/v1/versions/2/compliance").await;
    assert_eq!(c["edition"]["edition"], "2023");
    assert_eq!(c["entries"].as_array().unwrap().len(), 1);
    let r = post().await.unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("已导入"));
}
