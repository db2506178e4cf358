//! The edge both front doors share: a parameter the pages and the API both take is read by
//! one function, so they accept and refuse the same inputs; every response carries a
//! request id; every operation of the OpenAPI document is routed.

use crate::helpers::{spawn_app, spawn_demo, TestApp};

/// Status of the API call and of the page for the same query string.
async fn both(app: &TestApp, api: &str, page: &str, query: &str) -> (u16, u16) {
    let a = app.get(&format!("{api}?{query}")).await.status().as_u16();
    let p = app.get(&format!("{page}?{query}")).await.status().as_u16();
    (a, p)
}

#[tokio::test]
async fn nearby_page_and_api_accept_and_refuse_the_same_parameters() {
    let app = spawn_demo().await;
    // A position inside the demo district and one of its communities.
    let at = "lat=22.543&lng=114.058";
    let cases: Vec<(String, bool)> = vec![
        (at.to_string(), true),
        // radius: any number in (0, 5000], absent means 1000
        (format!("{at}&radius=1500"), true),
        (format!("{at}&radius=1000.5"), true),
        (format!("{at}&radius="), true),
        (format!("{at}&radius=-1"), false),
        (format!("{at}&radius=0"), false),
        (format!("{at}&radius=9000"), false),
        (format!("{at}&radius=abc"), false),
        // coord
        (format!("{at}&coord=gcj02"), true),
        (format!("{at}&coord=bd09"), true),
        (format!("{at}&coord=mars"), false),
        // open_now: a form's checkbox or a client's boolean
        (format!("{at}&open_now=on"), true),
        (format!("{at}&open_now=true"), true),
        (format!("{at}&open_now=maybe"), false),
        (format!("{at}&at=2026-10-01T10:30"), true),
        (format!("{at}&at=tomorrow"), false),
        // type and area
        (format!("{at}&type=community_health"), true),
        (format!("{at}&type=社康中心"), true),
        (format!("{at}&type=no_such_type"), false),
        (format!("{at}&item=N0501"), true),
        (format!("{at}&item=??"), false),
        // pages
        (format!("{at}&page=0"), false),
        (format!("{at}&per_page=501"), false),
        // the position itself
        ("lat=114.058&lng=22.543".to_string(), false), // swapped
        ("lat=abc&lng=114.058".to_string(), false),
        ("lat=22.543".to_string(), false),
        ("community=440399001001".to_string(), true),
        ("community=4403990010".to_string(), false),
    ];
    for (q, ok) in cases {
        let (api, page) = both(&app, "/api/v1/points/nearby", "/nearby", &q).await;
        assert_eq!(
            (api == 200, page == 200),
            (ok, ok),
            "{q}: the API answered {api}, the page {page}"
        );
        if !ok {
            assert_eq!((api, page), (400, 400), "{q}");
        }
    }
}

#[tokio::test]
async fn search_and_circles_refuse_the_same_parameters_on_both_doors() {
    let app = spawn_demo().await;
    for (api, page, q, ok) in [
        ("/api/v1/search", "/search", "q=老年人&type=item", true),
        ("/api/v1/search", "/search", "q=老年人&type=guide", true),
        ("/api/v1/search", "/search", "q=老年人&type=nosuch", false),
        ("/api/v1/search", "/search", "q=附近的社康&type=point", true),
        (
            "/api/v1/search",
            "/search",
            "q=老人去哪里体检&community=440399001005",
            true,
        ),
        (
            "/api/v1/search",
            "/search",
            "q=老人去哪里体检&lat=95&lng=114",
            false,
        ),
        (
            "/api/v1/search",
            "/search",
            "q=老人去哪里体检&lat=22.5",
            false,
        ),
        (
            "/api/v1/circles",
            "/circles",
            "target=type:community_health",
            true,
        ),
        ("/api/v1/circles", "/circles", "target=area:老有所养", true),
        ("/api/v1/circles", "/circles", "target=nosuch", false),
        ("/api/v1/circles", "/circles", "walk=10", false),
        ("/api/v1/circles", "/circles", "detour=abc", false),
    ] {
        let (a, p) = both(&app, api, page, q).await;
        assert_eq!(
            (a == 200, p == 200),
            (ok, ok),
            "{api} / {page} ?{q}: {a} {p}"
        );
    }
}

#[tokio::test]
async fn a_malformed_query_string_on_a_page_is_the_chinese_error_page() {
    let app = spawn_demo().await;
    let r = app.get("/nearby?lat=22.5&lng=114.0&radius=abc").await;
    assert_eq!(r.status(), 400);
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("text/html"), "{ct}");
    let html = r.text().await.unwrap();
    assert!(html.contains("请求参数有误"), "{html}");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let r = app.get("/healthz").await;
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 16, "{id}");
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    let other = app.get("/").await.headers()["x-request-id"].clone();
    assert_ne!(other.to_str().unwrap(), id, "each request its own id");
    // A proxy's id is kept; one that could forge a log line is replaced.
    for (sent, kept) in [("req-42.a_b", true), ("a b\" injected=1", false)] {
        let r = app
            .client
            .get(app.url("/api/v1/versions"))
            .header("x-request-id", sent)
            .send()
            .await
            .unwrap();
        let got = r.headers()["x-request-id"].to_str().unwrap().to_string();
        assert_eq!(got == sent, kept, "{sent} -> {got}");
    }
    // Errors too, on both doors.
    let r = app.get("/no/such/page").await;
    assert_eq!(r.status(), 404);
    assert!(r.headers().contains_key("x-request-id"));
    let r = app.get("/api/v1/items/NOPE").await;
    assert!(r.headers().contains_key("x-request-id"));
}

/// A path of the document with its parameters filled in.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg {
            "{id}" | "{pid}" | "{a}" | "{b}" => "1",
            "{code}" => "N0101",
            "{number}" => "GB%2FT%2028222-2011",
            "{kind}" => "standard",
            "{key}" => "GB%2FT%2028222-2011",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_operation_in_the_openapi_document_is_routed() {
    let app = spawn_app().await;
    let (s, doc) = app.get_json("/api/openapi.json").await;
    assert_eq!(s, 200);
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 50, "{} paths", paths.len());
    let mut checked = 0;
    for (path, ops) in paths {
        for (method, _) in ops.as_object().unwrap() {
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = app
                .client
                .request(m, app.url(&concrete(path)))
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let html = r
                .headers()
                .get("content-type")
                .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"));
            // Unrouted: the pages' HTML 404 (the fallback) or 405 (path routed, method not).
            assert!(
                status != 405 && !(status == 404 && html),
                "{method} {path} is in the document but not routed ({status})"
            );
            checked += 1;
        }
    }
    assert!(checked >= 60, "{checked} operations");
}

/// A query parameter an operation does not take is refused on every GET of the document,
/// not ignored (`/api/v1/items?origin_level=national` used to answer the whole list as if
/// it were filtered): 400 `invalid_input` naming it, in the Chinese message and the detail,
/// with the parameters the operation takes; and the document lists that 400.
#[tokio::test]
async fn every_get_refuses_a_query_parameter_it_does_not_take() {
    let app = spawn_app().await;
    let (_, doc) = app.get_json("/api/openapi.json").await;
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let Some(op) = ops.get("get") else { continue };
        assert!(
            op["responses"]["400"]["content"]["application/json"].is_object(),
            "GET {path} does not document the 400 it answers"
        );
        let takes: Vec<&str> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        // Beside a parameter it takes, when it takes any: the known one does not hide it.
        let known = takes.first().map(|t| format!("{t}=&")).unwrap_or_default();
        let url = format!("{}?{known}origin_level=national", concrete(path));
        let (s, v) = app.get_json(&url).await;
        assert_eq!(
            (s, v["code"].as_str(), v["field"].as_str()),
            (400, Some("invalid_input"), Some("origin_level")),
            "GET {url}: {v}"
        );
        let (message, detail) = (
            v["message"].as_str().unwrap(),
            v["detail"].as_str().unwrap(),
        );
        assert!(
            message.contains("不支持查询参数「origin_level」"),
            "{message}"
        );
        assert!(detail.contains("`origin_level`"), "{detail}");
        for t in &takes {
            assert!(
                message.contains(t) && detail.contains(t),
                "GET {path} takes {t}: {v}"
            );
        }
        assert_eq!(v["errors"][0]["accepted"], serde_json::json!(takes), "{v}");
        checked += 1;
    }
    assert!(checked >= 40, "{checked} GET operations");
    // Parameters the operation takes pass as before, and so does a bare URL.
    let (s, v) = app
        .get_json("/api/v1/standards/parse?number=GB%2FT%201.1-2020")
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(app.get("/healthz").await.status(), 200);
    let (_, v) = app.get_json("/healthz?verbose=1").await;
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("不接受任何查询参数"),
        "{v}"
    );
}

#[tokio::test]
async fn every_route_of_the_api_is_in_the_document() {
    // A handler is routed only through `routes!`, which registers its operation too; a
    // plain `.route(` in the API's modules would bypass the document.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../gongfu-http/src/api");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.contains(".route(") {
                assert!(
                    line.contains("/api/openapi.json"),
                    "{}:{}: a route outside routes!(): {line}",
                    p.display(),
                    i + 1
                );
            }
        }
    }
    let app = spawn_app().await;
    let (_, doc) = app.get_json("/api/openapi.json").await;
    let ops: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_object().map_or(0, |o| o.len()))
        .sum();
    let handlers = count_documented_handlers(&dir);
    assert_eq!(
        ops, handlers,
        "operations in the document vs #[utoipa::path] handlers"
    );
}

fn count_documented_handlers(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .map(|t| t.matches("#[utoipa::path(").count())
        .sum()
}

/// A server fault shows its request id and never its cause: the cause is in the log.
#[tokio::test]
async fn a_server_fault_answers_its_request_id_and_not_its_cause() {
    let app = spawn_app().await;
    app.login_bootstrap().await;
    // Break the store under the running server: every read of the audit log now fails.
    app.db
        .execute_raw("DROP TABLE audit_log")
        .await
        .expect("drop");
    let r = app.get("/api/v1/audit").await;
    assert_eq!(r.status(), 500);
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "internal");
    assert_eq!(body["request_id"], id.as_str());
    let text = body.to_string().to_lowercase();
    assert!(
        !text.contains("audit_log")
            && !text.contains("no such table")
            && !text.contains("relation"),
        "{body}"
    );
    let r = app.get("/admin").await;
    assert_eq!(r.status(), 500);
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let html = r.text().await.unwrap();
    assert!(html.contains(&id), "the page shows its request id: {html}");
    assert!(html.contains("系统管理员"), "{html}");
    assert!(!html.contains("audit_log"), "{html}");
}

/// axum's own rejections answer in the catalogue (API) or as the Chinese error page
/// (pages), never as framework text.
#[tokio::test]
async fn framework_rejections_answer_in_each_doors_own_form() {
    let app = spawn_app().await;
    let ct = |r: &reqwest::Response| {
        r.headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    // A path segment that is not a number.
    let r = app.get("/api/v1/versions/x/diff/2").await;
    assert_eq!(r.status(), 400);
    assert!(ct(&r).starts_with("application/json"), "{}", ct(&r));
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "invalid_input", "{body}");
    // A method the URL does not answer.
    let r = app
        .client
        .patch(app.url("/api/v1/items"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "method_not_allowed", "{body}");
    // The same on a page: the Chinese error page.
    app.login_bootstrap().await;
    let r = app.get("/admin/adjustments/abc").await;
    assert_eq!(r.status(), 400);
    assert!(ct(&r).starts_with("text/html"), "{}", ct(&r));
    let html = r.text().await.unwrap();
    assert!(html.contains("请求参数有误"), "{html}");
}

/// Every answer carries the security headers; staff answers are never stored; HSTS only
/// over HTTPS.
#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/api/v1/versions",
        "/static/app.css",
        "/no/such/page",
        "/login",
    ] {
        let r = app.get(path).await;
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert!(!h.contains_key("strict-transport-security"), "{path}");
    }
    assert_eq!(
        app.get("/login").await.headers()["cache-control"],
        "no-store"
    );
    assert_eq!(
        app.get("/admin").await.headers()["cache-control"],
        "no-store"
    );
    // Logged in, even a public page holds the session's CSRF token: not stored.
    app.login_bootstrap().await;
    assert_eq!(app.get("/").await.headers()["cache-control"], "no-store");
    let mut settings = crate::helpers::test_settings();
    settings.secure_cookies = true;
    let https = crate::helpers::spawn_with(settings).await;
    let r = https.get("/").await;
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
}

/// The pages hold no inline script or style for the policy to block.
#[test]
fn the_templates_have_no_inline_script_or_style() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../gongfu-web/templates");
    let mut dirs = vec![dir];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for bad in [
                "<script>",
                "style=",
                "<style",
                " onclick=",
                " onsubmit=",
                " onchange=",
                "javascript:",
            ] {
                assert!(!text.contains(bad), "{}: {bad}", p.display());
            }
        }
    }
}
