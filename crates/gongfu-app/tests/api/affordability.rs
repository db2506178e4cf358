//! The affordability assessment over HTTP on the demo: a sampled synthetic population,
//! a run of the list, a scenario and the adjustment that made version 2, the workbook,
//! the finance tables; bad input answers with what is wrong and changes nothing.

use crate::helpers::{spawn_demo, TestApp};
use serde_json::{json, Value};

async fn admin(app: &TestApp) -> String {
    app.login("admin", "gongfu-demo-admin").await
}

/// A 1% sample of the demo district's 2024 head counts: each person stands for 100.
async fn sample(app: &TestApp, csrf: &str) -> i64 {
    let (s, v) = app
        .post_json(
            "/api/v1/populations",
            csrf,
            json!({"year": 2024, "scale": 0.01, "seed": 7, "name": "1%样本（测试）"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_i64().unwrap()
}

fn sum(v: &Value) -> f64 {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .sum()
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0),
        "{what}: {a} vs {b}"
    );
}

#[tokio::test]
async fn a_scenario_run_shows_cost_by_area_and_payer_its_delta_and_a_projection() {
    let app = spawn_demo().await;
    let csrf = admin(&app).await;
    let id = sample(&app, &csrf).await;
    let (s, pops) = app.get_json("/api/v1/populations").await;
    assert_eq!(s, 200);
    let listed = pops["populations"].as_array().unwrap();
    assert_eq!(listed.len(), 2, "the demo's population and the sample");
    let mine = listed.iter().find(|p| p["id"] == id).unwrap();
    assert_eq!(mine["weight"].as_f64(), Some(100.0));
    assert!(mine["persons"].as_i64().unwrap() > 13_000);
    let scenario: Value = serde_json::from_slice(gongfu_app::demo::SCENARIO).unwrap();
    let (s, run) = app
        .post_json(
            "/api/v1/affordability/runs",
            &csrf,
            json!({"population": id, "start_year": 2024, "years": 3, "budget_growth": 0.03, "scenario": scenario}),
        )
        .await;
    assert_eq!(s, 201, "{run}");
    let r = &run["result"];
    let years = r["years"].as_array().unwrap();
    assert_eq!(years.len(), 3);
    for (y, yr) in years.iter().enumerate() {
        let base = &yr["base"];
        let cost = base["cost"].as_f64().unwrap();
        assert!(cost > 1e8, "a district's list costs more than 1亿: {cost}");
        close(sum(&base["by_payer"]), cost, "payers add up");
        let areas: f64 = r["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["cost"][y].as_f64().unwrap())
            .sum();
        close(areas, cost, "areas add up");
        let subs: f64 = r["subdistricts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["cost"][y].as_f64().unwrap())
            .sum();
        close(subs, cost, "sub-districts add up");
        let cand = &yr["candidate"];
        assert!(
            cand["cost"].as_f64().unwrap() > cost,
            "the scenario costs more"
        );
        assert!(cand["beneficiaries"].as_u64() > base["beneficiaries"].as_u64());
        assert!(["green", "amber", "red"].contains(&base["band"].as_str().unwrap()));
    }
    // Every demo item has a rule: nothing is costed 0 for want of one. The assumptions
    // are stated, the birth rate the population's own.
    assert_eq!(r["without_rule"], json!([]));
    let birth = r["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "出生率")
        .unwrap();
    assert!(
        birth["basis"].as_str().unwrap().contains("不满1岁"),
        "{birth}"
    );
    assert!(r["rates"]["birth_rate"].as_f64().unwrap() > 0.0);
    // The demo budget stops in 2026; 2024-2026 are entered, none estimated.
    assert!(years.iter().all(|y| y["budget_estimated"] == false));
    // Nine areas with their names; ten named sub-districts.
    let areas = r["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 9);
    assert!(areas.iter().any(|a| a["name"] == "老有所养"));
    let subs = r["subdistricts"].as_array().unwrap();
    assert_eq!(subs.len(), 10);
    assert!(subs.iter().all(|s| !s["name"].as_str().unwrap().is_empty()));
    // The added item is counted in the scenario only, and the projection ages into it.
    let added = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "L1399")
        .unwrap();
    assert_eq!(added["change"], "added");
    assert!(added["years"][0]["eligible"].is_null());
    assert!(added["years"][0]["candidate_eligible"].as_u64().unwrap() > 0);
    // Counts are of persons represented: multiples of the sample's weight.
    let n = r["items"][0]["years"][0]["eligible"].as_u64().unwrap();
    assert_eq!(n % 100, 0);
    // Listed, reopened and exported.
    let run_id = run["id"].as_i64().unwrap();
    let (_, list) = app.get_json("/api/v1/affordability/runs").await;
    assert_eq!(list["runs"][0]["id"], run_id);
    assert!(list["runs"][0].get("result").is_none());
    let (s, again) = app
        .get_json(&format!("/api/v1/affordability/runs/{run_id}"))
        .await;
    assert_eq!(s, 200);
    assert_eq!(again["result"], run["result"]);
    let r = app
        .get(&format!("/api/v1/affordability/runs/{run_id}/export"))
        .await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    let sheets = gongfu_catalog::import::table::read_workbook("run.xlsx", &bytes).unwrap();
    // Sheet by sheet alignment is gongfu-affordability's test; here, the download.
    assert_eq!(sheets.len(), 7);
    assert_eq!(sheets[5].0, "社区受益人数");
    let communities = &sheets[5].1;
    assert_eq!(
        communities.len(),
        1 + 90,
        "a header and the 90 demo communities"
    );
}

#[tokio::test]
async fn the_adjustment_that_made_version_2_shows_its_affordability() {
    let app = spawn_demo().await;
    let csrf = admin(&app).await;
    let id = sample(&app, &csrf).await;
    let (_, adjs) = app.get_json("/api/v1/adjustments").await;
    let adj = adjs["adjustments"][0]["id"].as_i64().unwrap();
    let (s, run) = app
        .post_json(
            "/api/v1/affordability/runs",
            &csrf,
            json!({"population": id, "adjustment": adj, "years": 1}),
        )
        .await;
    assert_eq!(s, 201, "{run}");
    assert_eq!(run["adjustment_id"], adj);
    let items = run["result"]["items"].as_array().unwrap();
    let change = |code: &str| {
        items
            .iter()
            .find(|i| i["code"] == code)
            .map(|i| i["change"].as_str().unwrap().to_string())
    };
    // Version 2 adds N0106 and retires L1702 (data/demo/adjustment-v2.json).
    assert_eq!(change("N0106").as_deref(), Some("added"));
    assert_eq!(change("L1702").as_deref(), Some("removed"));
    let (_, runs) = app
        .get_json(&format!("/api/v1/affordability/runs?adjustment={adj}"))
        .await;
    assert_eq!(runs["runs"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_runs_and_files_are_refused_with_what_is_wrong_and_nothing_kept() {
    let app = spawn_demo().await;
    let csrf = admin(&app).await;
    let id = sample(&app, &csrf).await;
    let bad = [
        (
            json!({"population": id, "scenario": {"name": "x", "changes": [{"kind": "raise_standard", "item": "N9999", "percent": 5}]}}),
            "scenario change 1: item N9999 is not in the list",
        ),
        (
            json!({"population": id, "scenario": {"name": "x", "changes": [{"kind": "raise_standard", "item": "N1005", "precent": 5}]}}),
            "'precent' is not a key of raise_standard",
        ),
        (
            json!({"population": id, "scenario": {"name": "x", "changes": [{"kind": "widen_population", "item": "N1005", "rule": "age >= \"old\""}]}}),
            "column",
        ),
        (json!({"population": id, "years": 9}), "years = 9"),
        (json!({"population": 999}), "population 999 does not exist"),
        (json!({"population": id, "colour": 1}), "colour"),
    ];
    for (body, want) in bad {
        let (s, v) = app
            .post_json("/api/v1/affordability/runs", &csrf, body.clone())
            .await;
        assert!(s == 400 || s == 404, "{body}: {s} {v}");
        assert!(
            v["detail"].as_str().unwrap_or_default().contains(want),
            "{body}: {v}"
        );
    }
    let (_, list) = app.get_json("/api/v1/affordability/runs").await;
    assert_eq!(list["runs"].as_array().unwrap().len(), 0, "nothing kept");
    // A population file with a bad row: 422 naming row and column; nothing stored.
    let csv = "birth_date,sex,residency,community\n1950-01-01,female,hukou,440399001001\n1960-01-01,female,hukou,440399999999\n";
    let (s, v) = app
        .post_body(
            "/api/v1/imports/population?file=p.csv&year=2024",
            &csrf,
            csv,
        )
        .await;
    assert_eq!(s, 422);
    assert_eq!(v["code"], "import_failed");
    assert_eq!(v["errors"][0]["row"], 3);
    assert_eq!(v["errors"][0]["column"], "D（community）");
    let (_, pops) = app.get_json("/api/v1/populations").await;
    assert_eq!(pops["populations"].as_array().unwrap().len(), 2);
    // The same file corrected imports, and a run over it works.
    let r = app
        .client
        .post(app.url("/api/v1/imports/population?file=p.csv&year=2024&name=两人"))
        .header("x-csrf-token", &csrf)
        .body(csv.replace("440399999999", "440399001002"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let pid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let (s, run) = app
        .post_json(
            "/api/v1/affordability/runs",
            &csrf,
            json!({"population": pid, "years": 1}),
        )
        .await;
    assert_eq!(s, 201, "{run}");
    assert_eq!(run["result"]["years"][0]["persons"], 2);
    // Finance tables: a bad share row is refused by row.
    let r = app
        .client
        .post(app.url("/api/v1/imports/finance?kind=shares&file=s.csv"))
        .header("x-csrf-token", &csrf)
        .body("支出责任,中央承担比例,省级承担比例,市级承担比例,区级承担比例\n地方财政承担,0,0,0.5,0.6\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("sum to 1.1"),
        "{v}"
    );
    let (_, fin) = app.get_json("/api/v1/affordability/finance").await;
    assert_eq!(fin["payer_shares"]["local"]["district"], 0.5, "unchanged");
}

#[tokio::test]
async fn only_staff_see_populations_and_only_administrators_make_them() {
    let app = spawn_demo().await;
    let (s, _) = app.get_json("/api/v1/populations").await;
    assert_eq!(s, 401);
    let csrf = app.login("viewer", "gongfu-demo-viewer").await;
    let (s, _) = app.get_json("/api/v1/affordability/runs").await;
    assert_eq!(s, 200);
    let (s, v) = app
        .post_json("/api/v1/populations", &csrf, json!({"year": 2024}))
        .await;
    assert_eq!(s, 403, "{v}");
    let (s, _) = app
        .post_json("/api/v1/affordability/runs", &csrf, json!({}))
        .await;
    assert_eq!(s, 403);
}
