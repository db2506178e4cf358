//! Chinese for people: the examples, each as a clerk meets it. The API's `message`
//! and the error page carry the specifics in Chinese (what, where, what to do); the audit
//! log and times read in Chinese and Beijing time.

use crate::helpers::spawn_demo;
use serde_json::json;

fn chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// No English sentence: a run of three or more ASCII words is a sentence someone forgot.
fn no_english_sentence(s: &str) {
    let mut run = 0;
    for w in s.split_whitespace() {
        if w.chars()
            .all(|c| c.is_ascii_alphabetic() || ",.;:'".contains(c))
            && w.len() > 1
        {
            run += 1;
            assert!(run < 3, "English in a message for people: {s}");
        } else {
            run = 0;
        }
    }
}

#[tokio::test]
async fn an_import_error_names_file_row_column_and_the_fix_in_chinese() {
    let app = spawn_demo().await;
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    let csv = "领域,大类,序号,服务项目,服务对象,服务内容,服务标准,支出责任,牵头负责单位,编码\n\
               学有优教,学前教育助学服务,1,示例事项,幼儿,资助,每生每年1000元,地方财政承担支出责任,区教育局,L9901\n";
    let (s, v) = app
        .post_body("/api/v1/imports/items?file=bad.csv", &csrf, csv)
        .await;
    assert_eq!(s, 422);
    let m = v["message"].as_str().unwrap();
    assert!(
        m.contains("没有名为“学有优教”的领域")
            && m.contains("已有领域：")
            && m.contains("第 2 行")
            && m.contains("列 A（领域）"),
        "{m}"
    );
    no_english_sentence(m);
}

#[tokio::test]
async fn a_proposal_with_an_empty_code_is_refused_in_chinese_naming_the_field() {
    let app = spawn_demo().await;
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    let (s, v) = app
        .post_json(
            "/api/v1/adjustments",
            &csrf,
            json!({"title": "2026年度调整"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (_, mut item) = app.get_json("/api/v1/items/N2001").await;
    item["code"] = json!("");
    item["name"] = json!("新增事项");
    let (s, v) = app
        .post_json(
            &format!("/api/v1/adjustments/{id}/proposals"),
            &csrf,
            json!({"kind": "add", "target_codes": [], "item": item, "rationale": "新增", "evidence": []}),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    let m = v["message"].as_str().unwrap();
    assert!(
        m.contains("编码为空") && m.contains("N2001 或 L0101"),
        "{m}"
    );
    no_english_sentence(m);
}

#[tokio::test]
async fn a_bad_parameter_on_a_page_is_explained_in_chinese_not_in_developer_english() {
    let app = spawn_demo().await;
    let (s, html) = app.get_html("/nearby?lat=22.5&lng=114.0&at=tomorrow").await;
    assert_eq!(s, 400, "{html}");
    assert!(html.contains("“tomorrow”不是时间"), "{html}");
    assert!(!html.contains("is not a local time"), "{html}");
    let (s, v) = app
        .get_json("/api/v1/points/nearby?lat=22.5&lng=114.0&at=tomorrow")
        .await;
    assert_eq!(s, 400);
    assert!(chinese(v["message"].as_str().unwrap()), "{v}");
    assert_eq!(v["field"], "at");
}

#[tokio::test]
async fn the_audit_log_reads_in_chinese_with_beijing_times() {
    let app = spawn_demo().await;
    app.login("admin", "gongfu-demo-admin").await;
    let (s, html) = app.get_html("/admin").await;
    assert_eq!(s, 200);
    assert!(html.contains("<td>登录</td>"), "{html}");
    assert!(!html.contains("user.login"), "{html}");
    // Times as people read them, not RFC 3339 in UTC.
    assert!(
        html.contains("年") && html.contains("月") && html.contains("日 "),
        "{html}"
    );
    assert!(
        !html.contains("Z</td>") && !html.contains("+00:00</td>"),
        "{html}"
    );
}
