//! Accounts over HTTP: wrong passwords are throttled with a clear 429 and Retry-After, on
//! the API and the login page; an administrator disables, resets and logs out accounts on
//! `/admin/users`, and that ends the account's sessions at once.

use crate::helpers::{spawn_demo, TestApp};
use serde_json::json;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn api_login(
    app: &TestApp,
    c: &reqwest::Client,
    user: &str,
    password: &str,
) -> reqwest::Response {
    c.post(app.url("/api/v1/session"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn wrong_passwords_lock_the_account_with_a_429_that_says_when() {
    let app = spawn_demo().await;
    let c = client();
    for _ in 0..gongfu_accounts::LOCK_AFTER {
        let r = api_login(&app, &c, "reviewer", "guess").await;
        assert_eq!(r.status(), 401);
    }
    let r = api_login(&app, &c, "reviewer", "gongfu-demo-reviewer").await;
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 15 * 60, "{wait}");
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["code"], "too_many_requests");
    assert!(v["detail"].as_str().unwrap().contains("锁定"), "{v}");
    // The login page says the same in Chinese, with the same status.
    let r = c
        .post(app.url("/login"))
        .form(&[
            ("username", "reviewer"),
            ("password", "gongfu-demo-reviewer"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.text().await.unwrap().contains("锁定"));
    // An administrator lifts the lock on the accounts page.
    let admin = client();
    assert_eq!(
        api_login(&app, &admin, "admin", "gongfu-demo-admin")
            .await
            .status(),
        200
    );
    let html = admin
        .get(app.url("/admin/users"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("已锁定至"), "{html}");
    let csrf = crate::standards::csrf_of(&html);
    let r = admin
        .post(app.url("/admin/users/reviewer"))
        .form(&[("csrf", csrf.as_str()), ("action", "unlock")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        api_login(&app, &c, "reviewer", "gongfu-demo-reviewer")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn disabling_or_resetting_an_account_on_the_admin_page_ends_its_sessions() {
    let app = spawn_demo().await;
    let editor = client();
    assert_eq!(
        api_login(&app, &editor, "editor", "gongfu-demo-editor")
            .await
            .status(),
        200
    );
    let whoami = |c: &reqwest::Client| {
        let c = c.clone();
        let url = app.url("/api/v1/session");
        async move { c.get(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(whoami(&editor).await, 200);
    // Only an administrator sees the page.
    let viewer = client();
    assert_eq!(
        api_login(&app, &viewer, "viewer", "gongfu-demo-viewer")
            .await
            .status(),
        200
    );
    assert_eq!(
        viewer
            .get(app.url("/admin/users"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let admin = client();
    assert_eq!(
        api_login(&app, &admin, "admin", "gongfu-demo-admin")
            .await
            .status(),
        200
    );
    let html = admin
        .get(app.url("/admin/users"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"user-editor\""));
    let csrf = crate::standards::csrf_of(&html);
    let post = |fields: Vec<(&'static str, String)>| {
        let admin = admin.clone();
        let url = app.url("/admin/users/editor");
        async move { admin.post(url).form(&fields).send().await.unwrap() }
    };
    let r = post(vec![("csrf", csrf.clone()), ("action", "disable".into())]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(whoami(&editor).await, 401, "disabling ends the session");
    assert_eq!(
        api_login(&app, &editor, "editor", "gongfu-demo-editor")
            .await
            .status(),
        401
    );
    let html = admin
        .get(app.url("/admin/users"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("已停用"));
    post(vec![("csrf", csrf.clone()), ("action", "enable".into())]).await;
    assert_eq!(
        api_login(&app, &editor, "editor", "gongfu-demo-editor")
            .await
            .status(),
        200
    );
    let r = post(vec![
        ("csrf", csrf.clone()),
        ("action", "reset_password".into()),
        ("password", "a new long password".into()),
    ])
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(whoami(&editor).await, 401, "a reset ends the session");
    assert_eq!(
        api_login(&app, &editor, "editor", "gongfu-demo-editor")
            .await
            .status(),
        401
    );
    assert_eq!(
        api_login(&app, &editor, "editor", "a new long password")
            .await
            .status(),
        200
    );
    // A forged form changes nothing.
    let r = post(vec![
        ("csrf", "forged".into()),
        ("action", "disable".into()),
    ])
    .await;
    assert_eq!(r.status(), 403);
    assert_eq!(whoami(&editor).await, 200);
}
