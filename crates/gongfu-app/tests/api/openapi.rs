//! The OpenAPI document describes every answer the API gives: each 2xx response with a body
//! names its schema, the document is valid OpenAPI 3.1, and the real answers of the demo
//! (every documented GET, the cheap JSON POSTs, a few imports and writes) validate against
//! the schema of their operation and status. The last two are checked by
//! `tests/openapi_check.py` with Python's `openapi-spec-validator` and `jsonschema` (Draft
//! 2020-12, the dialect of OpenAPI 3.1), an implementation independent of utoipa's.
//! Missing python3 or those packages: the check says so and passes, unless
//! GONGFU_REQUIRE_OPENAPI=1 (CI), which makes the absence a failure.

use crate::helpers::{run_python_check, spawn_app, spawn_demo, TestApp};
use crate::texts::clean_markdown;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

/// Statuses that have no body by definition.
const BODILESS: [&str; 2] = ["204", "304"];

/// Every 2xx answer (but 204 and 304) of every operation names the schema of its body.
#[tokio::test]
async fn every_successful_response_in_the_document_has_a_schema() {
    let app = spawn_app().await;
    let (s, doc) = app.get_json("/api/openapi.json").await;
    assert_eq!(s, 200);
    let missing = responses_without_schema(&doc);
    assert!(
        missing.is_empty(),
        "2xx responses without a content schema (give #[utoipa::path] a `body = ...`):\n{}",
        missing.join("\n")
    );
}

/// `METHOD path status` of each 2xx response with content but no schema.
fn responses_without_schema(doc: &Value) -> Vec<String> {
    let mut missing = Vec::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for (method, op) in ops.as_object().expect("operations") {
            let Some(responses) = op["responses"].as_object() else {
                missing.push(format!("{method} {path}: no responses"));
                continue;
            };
            for (status, r) in responses {
                if !status.starts_with('2') || BODILESS.contains(&status.as_str()) {
                    continue;
                }
                let content = r["content"].as_object();
                if content.is_none_or(|c| c.is_empty()) {
                    missing.push(format!("{method} {path} {status}: no content"));
                    continue;
                }
                for (media, c) in content.into_iter().flatten() {
                    if !c["schema"].is_object() {
                        missing.push(format!("{method} {path} {status} {media}: no schema"));
                    }
                }
            }
        }
    }
    missing
}

/// The document is valid OpenAPI 3.1 and the demo's answers validate against it.
#[tokio::test]
async fn the_document_is_valid_and_real_answers_match_their_schemas() {
    let Some(python) = checker() else { return };
    let app = spawn_demo().await;
    let (_, doc) = app.get_json("/api/openapi.json").await;
    let mut c = Collector::new(&app).await;
    c.everything().await;
    let unvisited = c.unvisited_gets(&doc);
    assert!(
        unvisited.is_empty(),
        "documented GET operations the check does not call: {unvisited:?}"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    write_json(&dir.path().join("openapi.json"), &doc);
    write_json(&dir.path().join("samples.json"), &Value::Array(c.samples));
    run_python_check(
        &python,
        "openapi_check.py",
        &[dir.path()],
        "the OpenAPI check failed",
    );
}

fn write_json(path: &Path, v: &Value) {
    std::fs::write(path, serde_json::to_vec_pretty(v).expect("json")).expect("write");
}

/// python3 with `openapi_spec_validator` and `jsonschema` importable, or None after a skip
/// notice (a failure under GONGFU_REQUIRE_OPENAPI=1).
fn checker() -> Option<std::path::PathBuf> {
    crate::helpers::python_with(
        "openapi_spec_validator, jsonschema, referencing",
        "GONGFU_REQUIRE_OPENAPI",
        "the OpenAPI check",
        "openapi-spec-validator jsonschema",
    )
}

/// Percent-encodes a path segment or query value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Calls the API and keeps each answer with its operation for the checker.
struct Collector<'a> {
    app: &'a TestApp,
    csrf: String,
    samples: Vec<Value>,
    visited: BTreeSet<(String, String)>,
}

/// A request body.
enum Body {
    None,
    Json(Value),
    Bytes(&'static str, Vec<u8>),
}

impl<'a> Collector<'a> {
    async fn new(app: &'a TestApp) -> Self {
        let mut c = Collector {
            app,
            csrf: String::new(),
            samples: Vec::new(),
            visited: BTreeSet::new(),
        };
        let v = c
            .post(
                "/api/v1/session",
                "/api/v1/session",
                json!({"username": "admin", "password": "gongfu-demo-admin"}),
                200,
            )
            .await;
        c.csrf = v["csrf_token"].as_str().expect("csrf").to_string();
        c
    }

    /// Sends one request, records the answer against `template` and checks its status.
    async fn call(
        &mut self,
        method: Method,
        template: &str,
        url: &str,
        body: Body,
        expect: u16,
    ) -> (Value, Vec<u8>) {
        let mut r = self
            .app
            .client
            .request(method.clone(), self.app.url(url))
            .header("x-csrf-token", &self.csrf);
        r = match body {
            Body::None => r,
            Body::Json(v) => r.json(&v),
            Body::Bytes(ct, b) => r.header("content-type", ct).body(b),
        };
        let res = r.send().await.expect("request");
        let status = res.status().as_u16();
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = res.bytes().await.expect("body").to_vec();
        let is_json = content_type.starts_with("application/json")
            || content_type.starts_with("application/geo+json");
        let json: Value = if is_json {
            serde_json::from_slice(&bytes).expect("a JSON body parses")
        } else {
            Value::Null
        };
        assert_eq!(
            status,
            expect,
            "{method} {url}: {}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(2000)])
        );
        let method = method.as_str().to_lowercase();
        self.visited.insert((method.clone(), template.to_string()));
        self.samples.push(json!({
            "method": method, "path": template, "url": url, "status": status,
            "content_type": content_type, "json": is_json, "body": json,
        }));
        (json, bytes)
    }

    async fn get(&mut self, template: &str, url: &str) -> Value {
        self.call(Method::GET, template, url, Body::None, 200)
            .await
            .0
    }

    async fn get_status(&mut self, template: &str, url: &str, expect: u16) -> Value {
        self.call(Method::GET, template, url, Body::None, expect)
            .await
            .0
    }

    async fn get_bytes(&mut self, template: &str, url: &str) -> Vec<u8> {
        self.call(Method::GET, template, url, Body::None, 200)
            .await
            .1
    }

    async fn post(&mut self, template: &str, url: &str, body: Value, expect: u16) -> Value {
        self.call(Method::POST, template, url, Body::Json(body), expect)
            .await
            .0
    }

    async fn upload(
        &mut self,
        template: &str,
        url: &str,
        content_type: &'static str,
        bytes: Vec<u8>,
        expect: u16,
    ) -> Value {
        self.call(
            Method::POST,
            template,
            url,
            Body::Bytes(content_type, bytes),
            expect,
        )
        .await
        .0
    }

    /// Documented GET operations not called.
    fn unvisited_gets(&self, doc: &Value) -> Vec<String> {
        let mut out = Vec::new();
        for (path, ops) in doc["paths"].as_object().expect("paths") {
            if ops.get("get").is_some() && !self.visited.contains(&("get".into(), path.clone())) {
                out.push(path.clone());
            }
        }
        out
    }

    /// Every documented GET with demo parameters, the cheap JSON POSTs, and writes whose
    /// inputs the API itself provides (its exports re-imported).
    async fn everything(&mut self) {
        self.list().await;
        self.standards_and_texts().await;
        self.places().await;
        self.eligibility_and_affordability().await;
        self.adjustments().await;
        self.sessions().await;
    }

    async fn list(&mut self) {
        self.get("/healthz", "/healthz").await;
        self.get("/api/v1/areas", "/api/v1/areas").await;
        self.get("/api/v1/areas", "/api/v1/areas?version=1").await;
        let items = self
            .get("/api/v1/items", "/api/v1/items?per_page=5&page=2")
            .await;
        let code = items["items"][0]["code"]
            .as_str()
            .expect("code")
            .to_string();
        self.get("/api/v1/items/{code}", &format!("/api/v1/items/{code}"))
            .await;
        self.get_status("/api/v1/items/{code}", "/api/v1/items/NOPE", 404)
            .await;
        self.get_status("/api/v1/items", "/api/v1/items?per_page=0", 400)
            .await;
        self.get("/api/v1/versions", "/api/v1/versions").await;
        self.get("/api/v1/versions/{a}/diff/{b}", "/api/v1/versions/1/diff/2")
            .await;
        self.get("/api/v1/national", "/api/v1/national").await;
        self.get(
            "/api/v1/versions/{n}/compliance",
            "/api/v1/versions/2/compliance",
        )
        .await;
        self.get_status(
            "/api/v1/versions/{n}/compliance",
            "/api/v1/versions/2/compliance?edition=1999",
            404,
        )
        .await;
        let regions = self.get("/api/v1/regions", "/api/v1/regions").await;
        let community = regions["regions"]
            .as_array()
            .expect("regions")
            .iter()
            .find(|r| r["level"] == "community")
            .expect("a community")["code"]
            .as_str()
            .expect("code")
            .to_string();
        self.get(
            "/api/v1/regions/{code}/items",
            &format!("/api/v1/regions/{community}/items"),
        )
        .await;
        self.get("/api/v1/departments", "/api/v1/departments").await;
        for f in ["xlsx", "csv", "json", "hsds", "hsds-csv"] {
            self.get_bytes(
                "/api/v1/exports/items",
                &format!("/api/v1/exports/items?format={f}"),
            )
            .await;
        }
        // Version 1 read back in: an adjustment undoing version 2's changes.
        let csv = self
            .get_bytes(
                "/api/v1/exports/items",
                "/api/v1/exports/items?format=csv&version=1",
            )
            .await;
        self.upload(
            "/api/v1/imports/items",
            "/api/v1/imports/items?file=list.csv",
            "text/csv",
            csv,
            201,
        )
        .await;
    }

    async fn standards_and_texts(&mut self) {
        let all = self.get("/api/v1/standards", "/api/v1/standards").await;
        let number = all["standards"][0]["number"]
            .as_str()
            .expect("number")
            .to_string();
        self.get("/api/v1/standards", "/api/v1/standards?stage=effective")
            .await;
        self.get(
            "/api/v1/standards/parse",
            &format!(
                "/api/v1/standards/parse?number={}",
                enc("DB4403/T 300.1—2022")
            ),
        )
        .await;
        self.get_status(
            "/api/v1/standards/parse",
            "/api/v1/standards/parse?number=GB%2FT%201-20x",
            400,
        )
        .await;
        self.get("/api/v1/standards/tree", "/api/v1/standards/tree")
            .await;
        self.get("/api/v1/standards/coverage", "/api/v1/standards/coverage")
            .await;
        self.get("/api/v1/standards/attention", "/api/v1/standards/attention")
            .await;
        self.get(
            "/api/v1/standards/{number}",
            &format!("/api/v1/standards/{}", enc(&number)),
        )
        .await;
        self.get(
            "/api/v1/standards/{number}",
            &format!("/api/v1/standards/{}", enc("MZ/T 039-2013")),
        )
        .await;
        self.get_bytes(
            "/api/v1/exports/standards",
            "/api/v1/exports/standards?format=xlsx",
        )
        .await;
        let csv = self
            .get_bytes(
                "/api/v1/exports/standards",
                "/api/v1/exports/standards?format=csv",
            )
            .await;
        self.get_bytes(
            "/api/v1/exports/standard-tree",
            "/api/v1/exports/standard-tree",
        )
        .await;
        self.upload(
            "/api/v1/imports/standards",
            "/api/v1/imports/standards?file=standards.csv",
            "text/csv",
            csv,
            201,
        )
        .await;
        let tree = self
            .get("/api/v1/standards/tree", "/api/v1/standards/tree")
            .await;
        let mut tree_csv = String::from("节点编号,节点名称,上级节点,说明\n");
        for n in tree["nodes"].as_array().expect("nodes") {
            if n["code"] == "未归入" {
                continue;
            }
            tree_csv.push_str(&format!(
                "{},{},{},\n",
                n["code"].as_str().unwrap_or(""),
                n["name"].as_str().unwrap_or(""),
                n["parent"].as_str().unwrap_or("")
            ));
        }
        self.upload(
            "/api/v1/imports/standard-tree",
            "/api/v1/imports/standard-tree?file=tree.csv",
            "text/csv",
            tree_csv.into_bytes(),
            201,
        )
        .await;
        self.call(
            Method::PUT,
            "/api/v1/standards/{number}",
            &format!("/api/v1/standards/{}", enc("SLQ/NB 901-2025")),
            Body::Json(json!({"title": "示例服务规范（测试）", "stage": "现行"})),
            200,
        )
        .await;
        self.call(
            Method::DELETE,
            "/api/v1/standards/{number}",
            &format!("/api/v1/standards/{}", enc("SLQ/NB 901-2025")),
            Body::None,
            204,
        )
        .await;
        self.get(
            "/api/v1/standards/check/rules",
            "/api/v1/standards/check/rules",
        )
        .await;
        self.upload(
            "/api/v1/standards/check",
            "/api/v1/standards/check?file=draft.md",
            "text/markdown",
            clean_markdown("岗前")
                .replace("### 4.2 文件", "### 4.3 文件")
                .into_bytes(),
            200,
        )
        .await;
        let texts = self.get("/api/v1/texts", "/api/v1/texts").await;
        self.get("/api/v1/texts", "/api/v1/texts?kind=guide").await;
        for t in texts["texts"].as_array().expect("texts").iter().take(4) {
            let (kind, key) = (
                t["kind"].as_str().expect("kind"),
                enc(t["key"].as_str().expect("key")),
            );
            self.get(
                "/api/v1/texts/{kind}/{key}",
                &format!("/api/v1/texts/{kind}/{key}"),
            )
            .await;
            self.get_bytes(
                "/api/v1/texts/{kind}/{key}/docx",
                &format!("/api/v1/texts/{kind}/{key}/docx"),
            )
            .await;
        }
        self.upload(
            "/api/v1/imports/texts",
            &format!(
                "/api/v1/imports/texts?kind=standard&key={}&file=text.md",
                enc("GB/T 28222-2011")
            ),
            "text/markdown",
            clean_markdown("岗前").into_bytes(),
            201,
        )
        .await;
        self.call(
            Method::DELETE,
            "/api/v1/texts/{kind}/{key}",
            &format!("/api/v1/texts/standard/{}", enc("GB/T 28222-2011")),
            Body::None,
            204,
        )
        .await;
        self.get(
            "/api/v1/search",
            &format!("/api/v1/search?q={}", enc("老年人体检")),
        )
        .await;
        self.get(
            "/api/v1/search",
            &format!("/api/v1/search?q={}&type=standard", enc("健康")),
        )
        .await;
        self.get_status("/api/v1/search", "/api/v1/search?q=x&limit=0", 400)
            .await;
    }

    async fn places(&mut self) {
        let points = self
            .get("/api/v1/points", "/api/v1/points?per_page=20&coord=gcj02")
            .await;
        let id = points["points"][0]["id"].as_i64().expect("id");
        self.get("/api/v1/points/{id}", &format!("/api/v1/points/{id}"))
            .await;
        self.get_status("/api/v1/points/{id}", "/api/v1/points/999999", 404)
            .await;
        self.get(
            "/api/v1/points/nearby",
            "/api/v1/points/nearby?lat=22.543&lng=114.058&radius=3000",
        )
        .await;
        self.get(
            "/api/v1/points/nearby",
            "/api/v1/points/nearby?lat=22.543&lng=114.058&radius=3000&at=2026-11-25T10:00",
        )
        .await;
        self.get("/api/v1/facility-types", "/api/v1/facility-types")
            .await;
        let boundaries = self.get("/api/v1/boundaries", "/api/v1/boundaries").await;
        self.get("/api/v1/circles", "/api/v1/circles").await;
        self.get(
            "/api/v1/circles",
            "/api/v1/circles?target=type:community_health&gaps=2",
        )
        .await;
        self.get("/api/v1/circles/allocation", "/api/v1/circles/allocation")
            .await;
        for f in ["geojson", "hsds", "xlsx"] {
            self.get_bytes(
                "/api/v1/exports/points",
                &format!("/api/v1/exports/points?format={f}"),
            )
            .await;
        }
        self.get_bytes("/api/v1/exports/circles", "/api/v1/exports/circles")
            .await;
        let xlsx = self
            .get_bytes(
                "/api/v1/exports/points",
                "/api/v1/exports/points?format=xlsx",
            )
            .await;
        self.upload(
            "/api/v1/imports/points",
            "/api/v1/imports/points?file=points.xlsx",
            "application/octet-stream",
            xlsx,
            201,
        )
        .await;
        self.upload(
            "/api/v1/imports/boundaries",
            "/api/v1/imports/boundaries?file=boundaries.geojson",
            "application/geo+json",
            serde_json::to_vec(&boundaries).expect("json"),
            201,
        )
        .await;
    }

    async fn eligibility_and_affordability(&mut self) {
        self.get("/api/v1/eligibility/fields", "/api/v1/eligibility/fields")
            .await;
        for profile in [json!({}), json!({"age": 70, "residency": "permanent"})] {
            self.post(
                "/api/v1/eligibility",
                "/api/v1/eligibility",
                json!({"profile": profile}),
                200,
            )
            .await;
        }
        self.post(
            "/api/v1/eligibility",
            "/api/v1/eligibility",
            json!({"profile": {"agee": 70}}),
            400,
        )
        .await;
        self.post(
            "/api/v1/eligibility/rules/check",
            "/api/v1/eligibility/rules/check",
            json!({"rule": "age >= 60", "examples": "符合：age=70；不符合：age=50"}),
            200,
        )
        .await;
        self.post(
            "/api/v1/eligibility/rules/check",
            "/api/v1/eligibility/rules/check",
            json!({"rule": "age >= ", "examples": ""}),
            200,
        )
        .await;
        self.get("/api/v1/populations", "/api/v1/populations").await;
        let sample = self
            .post(
                "/api/v1/populations",
                "/api/v1/populations",
                json!({"year": 2024, "scale": 0.01, "seed": 7, "name": "1%样本（OpenAPI）"}),
                201,
            )
            .await;
        let population = sample["id"].as_i64().expect("population id");
        self.get(
            "/api/v1/affordability/finance",
            "/api/v1/affordability/finance",
        )
        .await;
        let run = self
            .post(
                "/api/v1/affordability/runs",
                "/api/v1/affordability/runs",
                json!({"population": population, "start_year": 2024, "years": 2,
                       "scenario": serde_json::from_slice::<Value>(gongfu_app::demo::SCENARIO)
                           .expect("scenario")}),
                201,
            )
            .await;
        let run = run["id"].as_i64().expect("run id");
        self.get("/api/v1/affordability/runs", "/api/v1/affordability/runs")
            .await;
        self.get(
            "/api/v1/affordability/runs/{id}",
            &format!("/api/v1/affordability/runs/{run}"),
        )
        .await;
        self.get_bytes(
            "/api/v1/affordability/runs/{id}/export",
            &format!("/api/v1/affordability/runs/{run}/export"),
        )
        .await;
        self.call(
            Method::DELETE,
            "/api/v1/populations/{id}",
            &format!("/api/v1/populations/{population}"),
            Body::None,
            204,
        )
        .await;
    }

    async fn adjustments(&mut self) {
        let listed = self.get("/api/v1/adjustments", "/api/v1/adjustments").await;
        let first = listed["adjustments"][0]["id"].as_i64().expect("id");
        self.get(
            "/api/v1/adjustments/{id}",
            &format!("/api/v1/adjustments/{first}"),
        )
        .await;
        let opened = self
            .post(
                "/api/v1/adjustments",
                "/api/v1/adjustments",
                json!({"title": "OpenAPI 检查", "description": "改一项"}),
                201,
            )
            .await;
        let id = opened["id"].as_i64().expect("id");
        let mut item = self
            .get("/api/v1/items/{code}", "/api/v1/items/N0101")
            .await;
        item["name"] = json!(format!("{}（调整）", item["name"].as_str().unwrap_or("")));
        let proposal = self
            .post(
                "/api/v1/adjustments/{id}/proposals",
                &format!("/api/v1/adjustments/{id}/proposals"),
                json!({"kind": "modify", "target_codes": ["N0101"], "item": item,
                       "rationale": "检查", "evidence": ["https://example.org"]}),
                201,
            )
            .await;
        let pid = proposal["id"].as_i64().expect("proposal id");
        self.post(
            "/api/v1/adjustments/{id}/proposals/{pid}/decision",
            &format!("/api/v1/adjustments/{id}/proposals/{pid}/decision"),
            json!({"decision": "accepted", "note": "同意"}),
            200,
        )
        .await;
        self.get(
            "/api/v1/adjustments/{id}",
            &format!("/api/v1/adjustments/{id}"),
        )
        .await;
        self.post(
            "/api/v1/adjustments/{id}/approve",
            &format!("/api/v1/adjustments/{id}/approve"),
            json!({"label": "检查版", "notes": "OpenAPI"}),
            200,
        )
        .await;
        let other = self
            .post(
                "/api/v1/adjustments",
                "/api/v1/adjustments",
                json!({"title": "撤回的调整"}),
                201,
            )
            .await;
        let other = other["id"].as_i64().expect("id");
        self.post(
            "/api/v1/adjustments/{id}/close",
            &format!("/api/v1/adjustments/{other}/close"),
            json!({"status": "withdrawn"}),
            200,
        )
        .await;
        self.get("/api/v1/adjustments", "/api/v1/adjustments").await;
    }

    async fn sessions(&mut self) {
        self.get("/api/v1/session", "/api/v1/session").await;
        self.get("/api/v1/audit", "/api/v1/audit?limit=200").await;
        self.call(
            Method::DELETE,
            "/api/v1/session",
            "/api/v1/session",
            Body::None,
            204,
        )
        .await;
        self.get_status("/api/v1/session", "/api/v1/session", 401)
            .await;
        self.post(
            "/api/v1/session",
            "/api/v1/session",
            json!({"username": "admin", "password": "wrong password"}),
            401,
        )
        .await;
    }
}
