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
