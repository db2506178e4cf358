//! Who may write what, over every write operation the API document lists: an anonymous
//! caller, a viewer and a role without the right are refused, a department editor is
//! refused outside its departments (another department's item or point, claiming or
//! shedding a department through a change), and the role that may do it is let through.
//!
//! The table is keyed by the document's (method, path): an operation that writes and has no
//! case here fails the test, so a new write route cannot ship without its permission case.

use crate::helpers::{spawn_demo, TestApp};
use gongfu_domain::Role;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// One request: the concrete path (with query) and its body.
#[derive(Clone)]
struct Req {
    path: String,
    body: Body,
}

#[derive(Clone)]
enum Body {
    None,
    Json(Value),
    Bytes(Vec<u8>),
}

fn json_req(path: impl Into<String>, v: Value) -> Req {
    Req {
        path: path.into(),
        body: Body::Json(v),
    }
}

fn bytes_req(path: impl Into<String>, b: impl Into<Vec<u8>>) -> Req {
    Req {
        path: path.into(),
        body: Body::Bytes(b.into()),
    }
}

fn bare(path: impl Into<String>) -> Req {
    Req {
        path: path.into(),
        body: Body::None,
    }
}

/// What the permission check must do on one operation.
enum Case {
    /// Open to anyone by design (logging in, a resident's question, the public checker).
    Public(&'static str),
    /// Staff only: `allowed` roles pass with `req`; an editor is also refused on each of
    /// `foreign` (out of its departments) and allowed on `own`, when given.
    Staff {
        req: Req,
        allowed: &'static [Role],
        foreign: Vec<Req>,
        own: Option<Req>,
    },
}

/// A signed-in client of one demo account (or nobody).
struct Caller {
    client: reqwest::Client,
    csrf: String,
    who: &'static str,
}

async fn caller(app: &TestApp, who: &'static str) -> Caller {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut csrf = String::new();
    if who != "anonymous" {
        let r = client
            .post(app.url("/api/v1/session"))
            .json(&json!({"username": who, "password": format!("gongfu-demo-{who}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "login as {who}");
        let v: Value = r.json().await.unwrap();
        csrf = v["csrf_token"].as_str().unwrap().to_string();
    }
    Caller { client, csrf, who }
}

impl Caller {
    async fn send(&self, app: &TestApp, method: &Method, req: &Req) -> (u16, Value) {
        let mut b = self
            .client
            .request(method.clone(), app.url(&req.path))
            .header("x-csrf-token", &self.csrf);
        b = match &req.body {
            Body::None => b,
            Body::Json(v) => b.json(v),
            Body::Bytes(x) => b.body(x.clone()),
        };
        let r = b.send().await.unwrap();
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, app: &TestApp, path: &str, v: Value) -> (u16, Value) {
        self.send(app, &Method::POST, &json_req(path, v)).await
    }

    async fn json(&self, app: &TestApp, path: &str) -> Value {
        self.send(app, &Method::GET, &bare(path)).await.1
    }
}

fn role_of(who: &str) -> Option<Role> {
    match who {
        "admin" => Some(Role::Administrator),
        "editor" => Some(Role::DepartmentEditor),
        "reviewer" => Some(Role::Reviewer),
        "viewer" => Some(Role::Viewer),
        _ => None,
    }
}

const ADMIN: &[Role] = &[Role::Administrator];
const PROPOSE: &[Role] = &[Role::Administrator, Role::DepartmentEditor];
const REVIEW: &[Role] = &[Role::Administrator, Role::Reviewer];
const ASSESS: &[Role] = &[Role::Administrator, Role::DepartmentEditor, Role::Reviewer];

/// The demo's points as the API lists them.
async fn points(app: &TestApp, c: &Caller) -> Vec<Value> {
    let mut all = vec![];
    for page in 1.. {
        let v = c
            .json(app, &format!("/api/v1/points?per_page=500&page={page}"))
            .await;
        let got = v["points"].as_array().cloned().unwrap_or_default();
        if got.is_empty() {
            break;
        }
        all.extend(got);
    }
    all
}

fn point_row(p: &Value, name: &str, department: &str) -> String {
    format!(
        "编码,名称,设施类型,纬度,经度,主管部门\n{},{name},{},{},{},{department}\n",
        p["code"].as_str().unwrap(),
        p["type_name"].as_str().unwrap(),
        p["lat"],
        p["lng"],
    )
}

#[tokio::test]
async fn every_write_route_refuses_callers_outside_its_role_and_departments() {
    let app = &spawn_demo().await;
    let admin = caller(app, "admin").await;
    let editor = caller(app, "editor").await;
    let others = [
        caller(app, "anonymous").await,
        caller(app, "viewer").await,
        caller(app, "reviewer").await,
    ];

    // What the cases point at: an adjustment of the administrator's with one proposal, one
    // of the editor's, and things of the editor's department (区卫生健康局) and of others.
    let (s, v) = admin
        .post(app, "/api/v1/adjustments", json!({"title": "权限测试"}))
        .await;
    assert_eq!(s, 201, "{v}");
    let adj = v["id"].as_i64().unwrap();
    let mut n2001 = admin.json(app, "/api/v1/items/N2001").await;
    n2001["standard"] = json!("提高后的标准");
    let (s, v) = admin.post(app, &format!("/api/v1/adjustments/{adj}/proposals"), json!({"kind": "modify", "target_codes": ["N2001"], "item": n2001, "rationale": "提标"})).await;
    assert_eq!(s, 201, "{v}");
    let pid = v["id"].as_i64().unwrap();
    let (s, v) = editor
        .post(app, "/api/v1/adjustments", json!({"title": "卫健调整"}))
        .await;
    assert_eq!(s, 201, "{v}");
    let editor_adj = v["id"].as_i64().unwrap();
    let (s, v) = editor
        .post(
            app,
            "/api/v1/adjustments",
            json!({"title": "卫健调整（撤回）"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let withdrawn = v["id"].as_i64().unwrap();

    let items = admin.json(app, "/api/v1/items?per_page=500").await;
    let items = items["items"].as_array().unwrap().clone();
    let own_item = items
        .iter()
        .find(|i| i["lead_departments"] == json!(["区卫生健康局"]))
        .expect("an item led by 区卫生健康局 alone")
        .clone();
    let own_code = own_item["code"].as_str().unwrap().to_string();
    let l0302 = admin.json(app, "/api/v1/items/L0302").await;
    assert_eq!(l0302["lead_departments"], json!(["区教育局", "区妇联"]));
    let with = |item: &Value, f: &dyn Fn(&mut Value)| {
        let mut i = item.clone();
        f(&mut i);
        i
    };
    let proposal = |kind: &str, targets: &[&str], item: Value| {
        json_req(
            format!("/api/v1/adjustments/{editor_adj}/proposals"),
            json!({"kind": kind, "target_codes": targets, "item": item, "rationale": "测试"}),
        )
    };

    let pts = points(app, &admin).await;
    let dept = |d: &str| {
        pts.iter()
            .find(|p| p["department"] == json!(d))
            .unwrap_or_else(|| panic!("a point run by {d}"))
            .clone()
    };
    let health = dept("区卫生健康局");
    let culture = dept("区文化广电旅游体育局");
    let nursing = pts
        .iter()
        .find(|p| p["type_name"] == json!("养老院"))
        .unwrap()
        .clone();
    assert_eq!(nursing["department"], "区民政局");
    let health2 = pts
        .iter()
        .filter(|p| p["department"] == json!("区卫生健康局"))
        .nth(1)
        .unwrap()
        .clone();

    let standards = admin.json(app, "/api/v1/standards").await;
    let number = standards["standards"][0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    let std_path = format!("/api/v1/standards/{}", urlencode(&number));
    // The standard as the registry holds it, in the fields a write accepts.
    let view = admin.json(app, &std_path).await;
    let standard: serde_json::Map<String, Value> = view
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| {
            [
                "number",
                "title",
                "level",
                "issued_by",
                "stage",
                "published_on",
            ]
            .contains(&k.as_str())
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let standard = Value::Object(standard);
    let texts = admin.json(app, "/api/v1/texts").await;
    let text = &texts["texts"][0];
    let text_path = format!(
        "/api/v1/texts/{}/{}",
        text["kind"].as_str().unwrap(),
        urlencode(text["key"].as_str().unwrap())
    );
    let pops = admin.json(app, "/api/v1/populations").await;
    let pop = pops["populations"][0]["id"]
        .as_i64()
        .expect("a demo population");

    let staff = |req: Req, allowed: &'static [Role]| Case::Staff {
        req,
        allowed,
        foreign: vec![],
        own: None,
    };
    let mut cases: BTreeMap<(&str, &str), Case> = BTreeMap::new();
    cases.insert(("post", "/api/v1/session"), Case::Public("logging in"));
    cases.insert(
        ("delete", "/api/v1/session"),
        Case::Public("logging out ends only the caller's own session"),
    );
    cases.insert(
        ("post", "/api/v1/eligibility"),
        Case::Public("a resident's question; nothing is written"),
    );
    cases.insert(
        ("post", "/api/v1/eligibility/rules/check"),
        Case::Public("checks a rule text; nothing is written"),
    );
    cases.insert(
        ("post", "/api/v1/standards/check"),
        Case::Public("the public GB/T 1.1 checker; nothing is written"),
    );
    cases.insert(
        ("post", "/api/v1/adjustments"),
        staff(
            json_req("/api/v1/adjustments", json!({"title": "新调整"})),
            PROPOSE,
        ),
    );
    cases.insert(
        ("post", "/api/v1/adjustments/{id}/proposals"),
        Case::Staff {
            req: proposal(
                "modify",
                &[&own_code],
                with(&own_item, &|i| i["standard"] = json!("每年2次")),
            ),
            allowed: PROPOSE,
            foreign: vec![
                // Another department's item with the editor's own department added, or
                // substituted; a merge of its item with another department's; its own
                // item given to, or shared with, another department.
                proposal(
                    "modify",
                    &["L0302"],
                    with(&l0302, &|i| {
                        i["lead_departments"] = json!(["区教育局", "区妇联", "区卫生健康局"])
                    }),
                ),
                proposal(
                    "modify",
                    &["L0302"],
                    with(&l0302, &|i| i["lead_departments"] = json!(["区卫生健康局"])),
                ),
                proposal("merge", &[&own_code, "L0302"], with(&own_item, &|_| {})),
                proposal(
                    "modify",
                    &[&own_code],
                    with(&own_item, &|i| {
                        i["lead_departments"] = json!(["区卫生健康局", "区民政局"])
                    }),
                ),
                proposal("retire", &["L0302"], Value::Null),
            ],
            own: Some(proposal(
                "modify",
                &[&own_code],
                with(&own_item, &|i| i["standard"] = json!("每年3次")),
            )),
        },
    );
    cases.insert(
        ("post", "/api/v1/adjustments/{id}/proposals/{pid}/decision"),
        staff(
            json_req(
                format!("/api/v1/adjustments/{adj}/proposals/{pid}/decision"),
                json!({"decision": "accepted", "note": "同意"}),
            ),
            REVIEW,
        ),
    );
    cases.insert(
        ("post", "/api/v1/adjustments/{id}/approve"),
        staff(
            json_req(
                format!("/api/v1/adjustments/{adj}/approve"),
                json!({"label": "测试版"}),
            ),
            ADMIN,
        ),
    );
    cases.insert(
        ("post", "/api/v1/adjustments/{id}/close"),
        Case::Staff {
            req: json_req(
                format!("/api/v1/adjustments/{adj}/close"),
                json!({"status": "rejected"}),
            ),
            allowed: ADMIN,
            foreign: vec![json_req(
                format!("/api/v1/adjustments/{adj}/close"),
                json!({"status": "withdrawn"}),
            )],
            own: Some(json_req(
                format!("/api/v1/adjustments/{withdrawn}/close"),
                json!({"status": "withdrawn"}),
            )),
        },
    );
    cases.insert(
        ("post", "/api/v1/populations"),
        staff(
            json_req("/api/v1/populations", json!({"year": 1990})),
            ADMIN,
        ),
    );
    cases.insert(
        ("delete", "/api/v1/populations/{id}"),
        staff(bare(format!("/api/v1/populations/{pop}")), ADMIN),
    );
    cases.insert(
        ("post", "/api/v1/imports/population"),
        staff(
            bytes_req("/api/v1/imports/population?file=p.csv&year=2024", "x\n"),
            ADMIN,
        ),
    );
    cases.insert(
        ("post", "/api/v1/imports/finance"),
        staff(
            bytes_req("/api/v1/imports/finance?kind=costs&file=c.csv", "x\n"),
            ADMIN,
        ),
    );
    cases.insert(
        ("post", "/api/v1/affordability/runs"),
        staff(
            json_req("/api/v1/affordability/runs", json!({"population": 999_999})),
            ASSESS,
        ),
    );
    cases.insert(
        ("post", "/api/v1/imports/items"),
        staff(
            bytes_req("/api/v1/imports/items?file=items.csv", "x\n"),
            ADMIN,
        ),
    );
    cases.insert(
        ("delete", "/api/v1/points/{id}"),
        Case::Staff {
            req: bare(format!("/api/v1/points/{}", culture["id"])),
            allowed: PROPOSE,
            foreign: vec![
                bare(format!("/api/v1/points/{}", culture["id"])),
                bare(format!("/api/v1/points/{}", nursing["id"])),
            ],
            own: Some(bare(format!("/api/v1/points/{}", health2["id"]))),
        },
    );
    cases.insert(
        ("post", "/api/v1/imports/points"),
        Case::Staff {
            req: bytes_req(
                "/api/v1/imports/points?file=p.csv",
                point_row(&culture, "改名的文化馆", "区文化广电旅游体育局"),
            ),
            allowed: PROPOSE,
            foreign: vec![
                // Renaming the 民政 nursing home, with or without claiming it.
                bytes_req(
                    "/api/v1/imports/points?file=p.csv",
                    point_row(&nursing, "改名的养老院", "区民政局"),
                ),
                bytes_req(
                    "/api/v1/imports/points?file=p.csv",
                    point_row(&nursing, "改名的养老院", "区卫生健康局"),
                ),
                // Handing its own point to another department.
                bytes_req(
                    "/api/v1/imports/points?file=p.csv",
                    point_row(&health, "社康", "区民政局"),
                ),
            ],
            own: Some(bytes_req(
                "/api/v1/imports/points?file=p.csv",
                point_row(&health, "改名的社康", "区卫生健康局"),
            )),
        },
    );
    cases.insert(
        ("post", "/api/v1/imports/sites"),
        staff(
            bytes_req(
                "/api/v1/imports/sites?file=s.csv",
                "编码,名称,纬度,经度,人口\n",
            ),
            ADMIN,
        ),
    );
    cases.insert(
        ("post", "/api/v1/imports/boundaries"),
        staff(
            bytes_req("/api/v1/imports/boundaries?file=b.geojson", "{}"),
            ADMIN,
        ),
    );
    cases.insert(
        ("put", "/api/v1/standards/{number}"),
        staff(json_req(&std_path, standard.clone()), ADMIN),
    );
    cases.insert(
        ("delete", "/api/v1/standards/{number}"),
        staff(bare(&std_path), ADMIN),
    );
    cases.insert(
        ("post", "/api/v1/imports/standards"),
        staff(
            bytes_req("/api/v1/imports/standards?file=s.csv", "x\n"),
            ADMIN,
        ),
    );
    cases.insert(
        ("post", "/api/v1/imports/standard-tree"),
        staff(
            bytes_req("/api/v1/imports/standard-tree?file=t.csv", "x\n"),
            ADMIN,
        ),
    );
    cases.insert(
        ("post", "/api/v1/imports/texts"),
        staff(
            bytes_req(
                "/api/v1/imports/texts?file=t.md&kind=guide&key=N2001",
                "# x\n",
            ),
            ADMIN,
        ),
    );
    cases.insert(
        ("delete", "/api/v1/texts/{kind}/{key}"),
        staff(bare(&text_path), ADMIN),
    );

    // Every write operation of the document has a case, and every case an operation.
    let doc = admin.json(app, "/api/openapi.json").await;
    let mut writes = vec![];
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            if !["get", "head", "options", "parameters"].contains(&method.as_str()) {
                writes.push((method.clone(), path.clone()));
            }
        }
    }
    let missing: Vec<_> = writes
        .iter()
        .filter(|(m, p)| !cases.contains_key(&(m.as_str(), p.as_str())))
        .collect();
    assert!(
        missing.is_empty(),
        "write operations without a permission case here: {missing:?}"
    );
    assert_eq!(
        writes.len(),
        cases.len(),
        "a case for an operation that is gone"
    );

    // Public operations really are open: no refusal for an anonymous caller.
    for ((method, path), case) in &cases {
        if let Case::Public(why) = case {
            let m: Method = method.to_uppercase().parse().unwrap();
            let (s, v) = others[0].send(app, &m, &json_req(*path, json!({}))).await;
            assert_ne!(s, 403, "{method} {path} is public ({why}): {v}");
        }
    }

    // Refusals first (they change nothing), then the calls that pass, which may.
    let refused = |s: u16, who: &str| {
        if who == "anonymous" {
            s == 401
        } else {
            s == 403
        }
    };
    for ((method, path), case) in &cases {
        let Case::Staff {
            req,
            allowed,
            foreign,
            ..
        } = case
        else {
            continue;
        };
        assert!(!allowed.is_empty(), "{method} {path}");
        let m: Method = method.to_uppercase().parse().unwrap();
        for c in others.iter().chain([&editor]) {
            let may = role_of(c.who).is_some_and(|r| allowed.contains(&r));
            if !may {
                let (s, v) = c.send(app, &m, req).await;
                assert!(refused(s, c.who), "{} {method} {path}: {s} {v}", c.who);
            }
        }
        for f in foreign {
            let (s, v) = editor.send(app, &m, f).await;
            assert_eq!(s, 403, "editor out of scope: {method} {} {v}", f.path);
            assert!(
                v["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("区卫生健康局")
                        || d.contains("其他部门")
                        || d.contains("创建人")),
                "the refusal says why: {v}"
            );
        }
    }
    for ((method, path), case) in &cases {
        let Case::Staff {
            req, allowed, own, ..
        } = case
        else {
            continue;
        };
        let m: Method = method.to_uppercase().parse().unwrap();
        if let Some(own) = own {
            let (s, v) = editor.send(app, &m, own).await;
            assert!(
                (200..300).contains(&s),
                "editor within its department: {method} {} {s} {v}",
                own.path
            );
        }
        for c in others.iter().chain([&editor]) {
            if role_of(c.who).is_some_and(|r| allowed.contains(&r) && r != Role::Administrator)
                && own.is_none()
            {
                let (s, v) = c.send(app, &m, req).await;
                assert!(
                    !matches!(s, 401 | 403),
                    "{} {method} {path}: {s} {v}",
                    c.who
                );
            }
        }
        let (s, v) = admin.send(app, &m, req).await;
        assert!(!matches!(s, 401 | 403), "admin {method} {path}: {s} {v}");
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
