//! Server-rendered pages over HTTP (the browser suite drives the same pages in Chromium).

use crate::helpers::{spawn_app, spawn_demo};

#[tokio::test]
async fn public_pages_render() {
    let app = spawn_demo().await;
    let (s, home) = app.get_html("/").await;
    assert_eq!(s, 200);
    for name in ["幼有所育", "文体服务保障", "长者模式", "搜索"] {
        assert!(home.contains(name), "home shows {name}");
    }
    let (s, items) = app.get_html("/items?q=%E6%8A%9A%E6%81%A4").await;
    assert_eq!(s, 200);
    assert!(items.contains("优待抚恤"));
    let (s, item) = app.get_html("/items/N2001").await;
    assert_eq!(s, 200);
    for f in [
        "服务对象",
        "服务内容",
        "服务标准",
        "支出责任",
        "牵头负责单位",
        "退役军人部",
    ] {
        assert!(item.contains(f), "item page shows {f}");
    }
    let (s, regions) = app.get_html("/regions").await;
    assert_eq!(s, 200);
    assert!(regions.contains("街道"));
    let (s, versions) = app.get_html("/versions").await;
    assert_eq!(s, 200);
    assert!(versions.contains("第2版"));
    let (s, diff) = app.get_html("/versions/diff?a=1&b=2").await;
    assert_eq!(s, 200);
    assert!(diff.contains("added-count"));
    let (s, missing) = app.get_html("/items/NOPE").await;
    assert_eq!(s, 404);
    assert!(missing.contains("NOPE"));
    let (s, _) = app.get_html("/no/such/page").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn elderly_mode_is_remembered() {
    let app = spawn_app().await;
    let r = app.get("/prefs/elderly?on=1&back=/versions").await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/versions");
    let (_, html) = app.get_html("/versions").await;
    assert!(
        html.contains("class=\"elderly\""),
        "the cookie switches the mode on"
    );
    let r = app.get("/prefs/elderly?on=0&back=//evil.example").await;
    assert_eq!(r.headers()["location"], "/", "no open redirect");
    let (_, html) = app.get_html("/versions").await;
    assert!(!html.contains("class=\"elderly\""));
}

#[tokio::test]
async fn admin_pages_need_login_and_csrf() {
    let app = spawn_demo().await;
    let r = app.get("/admin").await;
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("username", "admin"),
            ("password", "nope-nope"),
            ("next", "/admin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("username", "admin"),
            ("password", "gongfu-demo-admin"),
            ("next", "/admin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (s, admin) = app.get_html("/admin").await;
    assert_eq!(s, 200);
    assert!(admin.contains("动态调整"));
    // "Modify this item" with no open adjustment says what to do first.
    let r = app.get("/admin/propose?kind=modify&code=N2001").await;
    assert_eq!(r.headers()["location"], "/admin?notice=open");
    let (_, page) = app.get_html("/admin?notice=open").await;
    assert!(page.contains("没有进行中的动态调整"));
    let r = app
        .client
        .post(app.url("/admin/adjustments"))
        .form(&[("title", "表单发起"), ("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let csrf = admin
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = app
        .client
        .post(app.url("/admin/adjustments"))
        .form(&[("title", "表单发起"), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let (s, page) = app.get_html(&loc).await;
    assert_eq!(s, 200);
    assert!(page.contains("表单发起"));
    // Now the item page's button lands on a modify form filled with the item.
    let r = app.get("/admin/propose?kind=modify&code=N2001").await;
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to.starts_with(&format!("{loc}/propose?kind=modify&code=N2001")),
        "{to}"
    );
    let (s, form) = app.get_html(&to).await;
    assert_eq!(s, 200);
    assert!(
        form.contains("value=\"优待抚恤\""),
        "the form starts from the item as published"
    );
    // A proposal with an empty 服务对象 comes back with the error and the values kept.
    let id = loc.rsplit('/').next().unwrap();
    let form = [
        ("csrf", csrf.as_str()),
        ("kind", "add"),
        ("target_codes", ""),
        ("item_code", "L9999"),
        ("item_name", "表单新增"),
        ("item_category", "优军优抚服务"),
        ("item_content", "内容"),
        ("item_standard", "标准"),
        ("item_expenditure_responsibility", "地方财政"),
        ("item_lead_departments", "区退役军人事务局"),
        ("rationale", "测试"),
    ];
    let r = app
        .client
        .post(app.url(&format!("/admin/adjustments/{id}/propose")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("服务对象") && html.contains("表单新增"),
        "error shown, values kept"
    );
}

#[tokio::test]
async fn the_import_page_reports_rows_and_columns() {
    let app = spawn_demo().await;
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[("username", "admin"), ("password", "gongfu-demo-admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, page) = app.get_html("/admin/import").await;
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let csv = "领域,大类,序号,服务项目,服务对象,服务内容,服务标准,支出责任,牵头负责单位\n幼有善育x,优孕优生服务,1,甲,对象,内容,标准,地方财政,卫健委\n";
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("bad.csv"),
    );
    let r = app
        .client
        .post(app.url("/admin/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("import-errors") && html.contains("幼有善育x") && html.contains("A（领域）"),
        "{html}"
    );
}

#[tokio::test]
async fn a_staff_form_posted_after_the_session_ended_returns_to_its_page_after_login() {
    let app = spawn_demo().await;
    let location = |r: &reqwest::Response| {
        r.headers()["location"]
            .to_str()
            .unwrap_or_default()
            .to_string()
    };
    // From the adjustment page: back to that page.
    let r = app
        .client
        .post(app.url("/admin/adjustments/1/approve"))
        .header("referer", app.url("/admin/adjustments/1"))
        .form(&[("label", "x"), ("csrf", "stale")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login?next=/admin/adjustments/1");
    // Without a referer (or from another site): the staff home, never the POST-only path.
    for referer in [None, Some("https://evil.example/admin/x")] {
        let mut req = app
            .client
            .post(app.url("/admin/adjustments/1/approve"))
            .form(&[("label", "x"), ("csrf", "stale")]);
        if let Some(r) = referer {
            req = req.header("referer", r);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/login?next=/admin", "{referer:?}");
    }
}

/// Browsers drop tabs and line breaks from a URL, so `/\t/evil.example` is `//evil.example`.
#[tokio::test]
async fn no_redirect_leaves_the_site_through_a_control_character() {
    let app = spawn_demo().await;
    for back in ["/%09/evil.example", "/%0A/evil.example", "/%5Cevil.example"] {
        let r = app.get(&format!("/prefs/elderly?on=1&back={back}")).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/", "{back}");
    }
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("username", "admin"),
            ("password", "gongfu-demo-admin"),
            ("next", "/\t/evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/");
}

/// A form on another site that posts to the login signs nobody in (login CSRF).
#[tokio::test]
async fn a_login_posted_from_another_site_is_refused() {
    let app = spawn_demo().await;
    let form = [("username", "admin"), ("password", "gongfu-demo-admin")];
    let r = app
        .client
        .post(app.url("/login"))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(!r.headers().contains_key("set-cookie"));
    let r = app
        .client
        .post(app.url("/api/v1/session"))
        .header("origin", "https://evil.example")
        .json(&serde_json::json!({"username": "admin", "password": "gongfu-demo-admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(!r.headers().contains_key("set-cookie"));
    // From this site (as a browser says), or from a client that names no origin: fine.
    let here = app.base.clone();
    let r = app
        .client
        .post(app.url("/login"))
        .header("origin", here.as_str())
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers().contains_key("set-cookie"));
    app.login("admin", "gongfu-demo-admin").await;
}
