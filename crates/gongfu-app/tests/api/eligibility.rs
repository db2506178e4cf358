//! "What can I enjoy" over HTTP against the demo list: the everyday cases the issue names,
//! every item's own examples, the wizard's next question and bad input.

use crate::helpers::{spawn_demo, TestApp};
use serde_json::{json, Value};

const DATE: &str = "2026-11-25";

async fn assess(app: &TestApp, profile: Value) -> Value {
    let (status, body) = app
        .post_json(
            "/api/v1/eligibility",
            "",
            json!({"profile": profile, "date": DATE}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

fn codes(v: &Value, group: &str) -> Vec<String> {
    v[group]
        .as_array()
        .unwrap_or(&vec![])
        .iter()
        .map(|e| e["code"].as_str().unwrap_or("").to_string())
        .collect()
}

fn entry<'a>(v: &'a Value, group: &str, code: &str) -> &'a Value {
    v[group]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["code"] == code))
        .unwrap_or_else(|| panic!("{code} not in {group}: {:?}", codes(v, group)))
}

fn reasons(e: &Value) -> Vec<String> {
    e["reasons"]
        .as_array()
        .unwrap_or(&vec![])
        .iter()
        .map(|r| r["text"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn everyday_residents_get_the_right_items_with_reasons() {
    let app = spawn_demo().await;

    // A 70-year-old 常住 resident (no hukou), nothing else special.
    let old = assess(&app, json!({
        "age": 70, "sex": "male", "residency": "permanent", "community": "440399001001", "rural": false,
        "employment": "retired", "assistance": "none", "sudden_hardship": false, "disability": "none", "veteran": false,
        "military_family": "none", "chronic_conditions": [], "lives_alone": false, "care_dependency": "none",
        "housing_difficulty": false, "family_planning": "none", "children": ["1985-03-02"]
    })).await;
    let e = entry(&old, "eligible", "N1005");
    assert_eq!(
        reasons(e)[0],
        "户籍与居住：本区户籍或本区常住（持本区居住证或在本区居住半年以上）"
    );
    assert!(
        reasons(e).contains(&"年满65周岁".to_string()),
        "{:?}",
        reasons(e)
    );
    for code in ["N1001", "L1301", "N2101"] {
        entry(&old, "eligible", code);
    }
    // Hukou-only items are not his, and the reason says why.
    let e = entry(&old, "ineligible", "L1401");
    assert!(
        reasons(e).iter().any(|r| r.contains("本区户籍")),
        "{:?}",
        reasons(e)
    );
    for code in ["N0202", "N0501", "N1701"] {
        entry(&old, "ineligible", code);
    }
    assert!(
        old["maybe"].as_array().map_or(0, Vec::len) == 0,
        "every question answered: {:?}",
        codes(&old, "maybe")
    );
    assert!(
        entry(&old, "eligible", "N1005")["points"]
            .as_array()
            .is_some_and(|p| !p.is_empty()),
        "where to go"
    );

    // A pregnant woman with 户籍.
    let pregnant = assess(&app, json!({
        "age": 29, "sex": "female", "residency": "hukou", "community": "440399002001", "pregnant": true, "rural": false,
        "employment": "employed", "assistance": "none", "disability": "none", "children": []
    })).await;
    let e = entry(&pregnant, "eligible", "N0102");
    assert!(
        reasons(e).contains(&"正在怀孕".to_string()),
        "{:?}",
        reasons(e)
    );
    entry(&pregnant, "eligible", "L0101");
    entry(&pregnant, "ineligible", "N1005");

    // A registered-unemployed veteran.
    let veteran = assess(&app, json!({
        "age": 35, "sex": "male", "residency": "hukou", "community": "440399003001", "rural": false,
        "employment": "unemployed", "veteran": true, "assistance": "none", "disability": "none"
    })).await;
    for code in ["N0803", "N2003"] {
        entry(&veteran, "eligible", code);
    }
    let e = entry(&veteran, "eligible", "N2003");
    assert!(
        reasons(e).contains(&"退役军人".to_string()),
        "{:?}",
        reasons(e)
    );

    // A severely disabled 5-year-old in a 低保 family.
    let child = assess(&app, json!({
        "age": 5, "sex": "female", "residency": "hukou", "community": "440399004001", "rural": false,
        "assistance": "dibao", "disability": "physical", "disability_grade": 1, "school_stage": "preschool",
        "child_in_difficulty": "none", "chronic_conditions": [], "sudden_hardship": false, "housing_difficulty": false
    })).await;
    for code in ["N1903", "N1701", "N0202", "N0401"] {
        entry(&child, "eligible", code);
    }
    let e = entry(&child, "eligible", "N1903");
    assert!(
        reasons(e).contains(&"不满7周岁".to_string())
            || reasons(e).iter().any(|r| r.contains("周岁")),
        "{:?}",
        reasons(e)
    );
    entry(&child, "ineligible", "N1005");
}

#[tokio::test]
async fn every_items_examples_come_out_as_written() {
    let app = spawn_demo().await;
    let schema = gongfu_rules::Schema::standard();
    let at = gongfu_rules::date::parse(DATE).unwrap_or(0);
    let mut checked = 0;
    for version in [1, 2] {
        let (s, list) = app
            .get_json(&format!("/api/v1/items?version={version}&per_page=500"))
            .await;
        assert_eq!(s, 200);
        let items = list["items"].as_array().cloned().unwrap_or_default();
        assert!(items.len() > 100);
        for it in items {
            let code = it["code"].as_str().unwrap_or("");
            let rule = it["eligibility_rule"].as_str().unwrap_or("");
            assert!(
                !rule.is_empty(),
                "the demo has a rule for every item; {code} has none"
            );
            let examples = gongfu_catalog::eligibility::examples(
                it["eligibility_examples"].as_str().unwrap_or(""),
                &schema,
                at,
            )
            .unwrap_or_else(|e| panic!("{code}: {e}"));
            assert!(
                examples.iter().any(|e| e.qualifies),
                "{code} has no positive example"
            );
            for ex in examples {
                let body = json!({"profile": Value::Object(ex.profile.to_json(&schema)), "date": DATE, "version": version});
                let (status, v) = app.post_json("/api/v1/eligibility", "", body).await;
                assert_eq!(status, 200, "{v}");
                let group = if ex.qualifies {
                    "eligible"
                } else {
                    "ineligible"
                };
                entry(&v, group, code);
                checked += 1;
            }
        }
    }
    assert!(checked > 400, "{checked} examples");
}

#[tokio::test]
async fn the_next_question_decides_the_most_open_items() {
    let app = spawn_demo().await;
    let first = assess(&app, json!({})).await;
    assert!(
        codes(&first, "eligible").len() > 10,
        "items open to everyone served: {:?}",
        codes(&first, "eligible")
    );
    let next = &first["next"];
    let field = next["field"]["name"].as_str().unwrap_or("");
    assert!(["birth_date", "residency"].contains(&field), "{next}");
    // Count it the slow way: the open items each field appears in.
    let mut counts = std::collections::HashMap::<String, usize>::new();
    for e in first["maybe"].as_array().unwrap_or(&vec![]) {
        for f in e["missing"].as_array().unwrap_or(&vec![]) {
            *counts
                .entry(f.as_str().unwrap_or("").to_string())
                .or_default() += 1;
        }
    }
    let best = counts.values().max().copied().unwrap_or(0);
    assert_eq!(next["decides"].as_u64(), Some(best as u64));
    // Answering narrows: fewer open items, and a question about pregnancy never comes up
    // for a man.
    let mut profile = json!({"age": 40, "sex": "male", "residency": "hukou"});
    let mut open = first["maybe"].as_array().map_or(0, Vec::len);
    for _ in 0..30 {
        let v = assess(&app, profile.clone()).await;
        let now = v["maybe"].as_array().map_or(0, Vec::len);
        assert!(now <= open);
        open = now;
        let Some(f) = v["next"]["field"]["name"].as_str() else {
            break;
        };
        assert_ne!(f, "pregnant");
        let answer = match v["next"]["field"]["type"].as_str().unwrap_or("") {
            "bool" => json!(false),
            "enum" => v["next"]["field"]["values"][0]["key"].clone(),
            "set" | "date_list" => json!([]),
            "int" => json!(0),
            "region" => json!("440399001001"),
            "date" => json!("1986-05-01"),
            other => panic!("{other}"),
        };
        profile[f] = answer;
    }
    assert_eq!(open, 0, "answering every question asked decides every item");
}

#[tokio::test]
async fn bad_profiles_are_400s_naming_the_field() {
    let app = spawn_demo().await;
    let (s, v) = app
        .post_json("/api/v1/eligibility", "", json!({"profile": {"agee": 70}}))
        .await;
    assert_eq!(s, 400);
    assert_eq!(v["field"], "profile.agee");
    assert!(
        v["detail"]
            .as_str()
            .unwrap_or("")
            .contains("did you mean 'age'"),
        "{v}"
    );
    let (s, v) = app
        .post_json(
            "/api/v1/eligibility",
            "",
            json!({"profile": {"residency": "local"}}),
        )
        .await;
    assert_eq!(s, 400);
    assert!(
        v["detail"]
            .as_str()
            .unwrap_or("")
            .contains("allowed: hukou, permanent, served"),
        "{v}"
    );
    let (s, v) = app
        .post_json(
            "/api/v1/eligibility",
            "",
            json!({"profile": {}, "date": "2026-02-30"}),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(v["field"], "date");
    let (s, _) = app
        .post_json(
            "/api/v1/eligibility",
            "",
            json!({"profile": {}, "version": 99}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, v) = app.get_json("/api/v1/eligibility/fields").await;
    assert_eq!(s, 200);
    let fields = v["fields"].as_array().cloned().unwrap_or_default();
    let residency = fields
        .iter()
        .find(|f| f["name"] == "residency")
        .cloned()
        .unwrap_or_default();
    assert_eq!(residency["type"], "enum");
    assert_eq!(residency["values"][0]["key"], "hukou");
    assert!(v["life_events"].as_array().is_some_and(|e| e.len() >= 8));
}

#[tokio::test]
async fn the_rule_editor_check_names_the_column_and_what_to_do() {
    let app = spawn_demo().await;
    let check = |rule: &'static str, examples: &'static str| {
        let app = &app;
        async move {
            let (s, v) = app
                .post_json(
                    "/api/v1/eligibility/rules/check",
                    "",
                    json!({"rule": rule, "examples": examples, "population_scope": "常住人口"}),
                )
                .await;
            assert_eq!(s, 200, "{v}");
            v
        }
    };
    let ok = check(
        "age >= 65",
        "符合：age=70, residency=permanent；不符合：age=64, residency=permanent",
    )
    .await;
    assert_eq!(ok["ok"], true, "{ok}");
    // Unknown field, with a suggestion and where it is.
    let v = check("age >= 65 && residncy == \"hukou\"", "").await;
    assert_eq!(v["ok"], false);
    assert_eq!(v["problems"][0]["at"], 14, "{v}");
    let m = v["problems"][0]["message"].as_str().unwrap();
    assert!(m.contains("residency"), "suggests the field: {m}");
    // A date compared with a number.
    let v = check("birth_date > 1960", "").await;
    let m = v["problems"][0]["message"].as_str().unwrap();
    assert!(m.contains("date(\"YYYY-MM-DD\")"), "{m}");
    // Syntax error.
    let v = check("age >= && veteran", "").await;
    assert!(v["problems"][0]["at"].as_u64().is_some(), "{v}");
    // No loops: nesting and length are bounded, so every rule finishes.
    let deep = format!("{}true{}", "(".repeat(60), ")".repeat(60));
    let (_, v) = app
        .post_json(
            "/api/v1/eligibility/rules/check",
            "",
            json!({"rule": deep, "examples": ""}),
        )
        .await;
    assert_eq!(v["ok"], false, "{v}");
    // An example that does not come out as written says why.
    let v = check(
        "age >= 65",
        "符合：age=60, residency=permanent；不符合：age=50, residency=permanent",
    )
    .await;
    assert_eq!(v["problems"][0]["column"], "eligibility_examples");
    let m = v["problems"][0]["message"].as_str().unwrap();
    assert!(
        m.contains("does not qualify") && m.contains("年满65周岁✗"),
        "{m}"
    );
}

#[tokio::test]
async fn a_proposal_or_import_with_a_bad_rule_is_refused_and_nothing_changes() {
    let app = spawn_demo().await;
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    let (_, v) = app
        .post_json("/api/v1/adjustments", &csrf, json!({"title": "规则调整"}))
        .await;
    let id = v["id"].as_i64().unwrap();
    let (_, mut item) = app.get_json("/api/v1/items/N1005").await;
    item["eligibility_rule"] = json!("age >= \"sixty\"");
    let (s, v) = app
        .post_json(
            &format!("/api/v1/adjustments/{id}/proposals"),
            &csrf,
            json!({"kind": "modify", "target_codes": ["N1005"], "item": item, "rationale": "改规则"}),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    assert!(v.to_string().contains("item.eligibility_rule"), "{v}");
    let (_, adj) = app.get_json(&format!("/api/v1/adjustments/{id}")).await;
    assert_eq!(
        adj["proposals"].as_array().unwrap().len(),
        0,
        "nothing half-saved"
    );
    // The same through an import: the row and the 资格规则 column are named.
    let r = app.get("/api/v1/exports/items?format=csv").await;
    let csv = r.text().await.unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    let mut rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let col = rows[0].iter().position(|h| h == "资格规则").unwrap();
    let mut rec: Vec<String> = rows[3].iter().map(String::from).collect();
    rec[col] = "age >= 65 && colour == \"red\"".into();
    rows[3] = csv::StringRecord::from(rec);
    let mut w = csv::Writer::from_writer(vec![]);
    for r in &rows {
        w.write_record(r).unwrap();
    }
    let body = w.into_inner().unwrap();
    let r = app
        .client
        .post(app.url("/api/v1/imports/items?file=list.csv&publish=true"))
        .header("x-csrf-token", &csrf)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["row"], 4, "{v}");
    assert!(
        v["errors"][0]["column"]
            .as_str()
            .unwrap()
            .contains("资格规则"),
        "{v}"
    );
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("colour"),
        "{v}"
    );
}
