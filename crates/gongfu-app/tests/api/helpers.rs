use gongfu_app::{Application, Settings};
use gongfu_db::testing::{self, TestDb};
use serde_json::Value;
use std::collections::BTreeMap;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: gongfu_db::Db,
    /// The services the server runs (the one graph the composition root built).
    pub services: gongfu_app::Services,
    _t: TestDb,
}

/// Settings for a test server: the defaults, on a free port.
pub fn test_settings() -> Settings {
    let flags = BTreeMap::from([("listen".to_string(), "127.0.0.1:0".to_string())]);
    Settings::resolve(&flags, |_| None, &BTreeMap::new()).expect("default settings")
}

/// Boots the whole server on a free port with a fresh, empty database.
pub async fn spawn_app() -> TestApp {
    spawn_with(test_settings()).await
}

/// Boots the whole server with `settings` on a fresh, empty database.
pub async fn spawn_with(settings: Settings) -> TestApp {
    gongfu_app::init_tracing("warn", gongfu_app::LogFormat::Text);
    let t = testing::fresh().await;
    let app = Application::with_db(t.db.clone(), &settings)
        .await
        .expect("bind");
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    let services = app.services().clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        base,
        client,
        db,
        services,
        _t: t,
    }
}

/// Boots the server with the demo data loaded.
pub async fn spawn_demo() -> TestApp {
    let mut settings = test_settings();
    gongfu_app::demo::apply_settings(&mut settings);
    let app = spawn_with(settings).await;
    let s = gongfu_app::demo::load(&app.services)
        .await
        .expect("demo loads");
    assert!(s.loaded);
    app
}

impl TestApp {
    /// The database's URL, for a second process's connections to it.
    pub fn database_url(&self) -> &str {
        &self._t.url
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.json().await.expect("json body"))
    }

    pub async fn get_html(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        (r.status().as_u16(), r.text().await.expect("body"))
    }

    /// Creates an administrator in this (empty) database and logs in; returns the CSRF token.
    pub async fn login_bootstrap(&self) -> String {
        gongfu_accounts::save_user(
            &self.db,
            "boot",
            "boot",
            "a long test password",
            gongfu_domain::Role::Administrator,
            &[],
            "test",
        )
        .await
        .expect("user");
        self.login("boot", "a long test password").await
    }

    /// Logs in through the API; returns the CSRF token.
    pub async fn login(&self, user: &str, password: &str) -> String {
        let r = self
            .client
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({"username": user, "password": password}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), 200, "login as {user}");
        let v: Value = r.json().await.expect("json");
        v["csrf_token"].as_str().expect("csrf").to_string()
    }

    pub async fn post_json(&self, path: &str, csrf: &str, body: Value) -> (u16, Value) {
        let r = self
            .client
            .post(self.url(path))
            .header("x-csrf-token", csrf)
            .json(&body)
            .send()
            .await
            .expect("post");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Posts a file's bytes as the body (the import endpoints): status and JSON answer.
    pub async fn post_body(
        &self,
        path: &str,
        csrf: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        let r = self
            .client
            .post(self.url(path))
            .header("x-csrf-token", csrf)
            .body(body)
            .send()
            .await
            .expect("post");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}
