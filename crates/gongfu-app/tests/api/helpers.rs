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

/// python3 from PATH if it imports `modules` (`"jsonschema, referencing"`), or None after
/// a notice that `check` is skipped: missing validators pass a developer's run, but fail
/// when the environment variable `require` is `1` (CI sets it). `packages` is what to
/// `pip install`.
pub fn python_with(
    modules: &str,
    require: &str,
    check: &str,
    packages: &str,
) -> Option<std::path::PathBuf> {
    let python = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("python3"))
            .find(|p| p.is_file())
    });
    let ready = python.as_ref().is_some_and(|p| {
        std::process::Command::new(p)
            .args(["-c", &format!("import {modules}")])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if ready {
        return python;
    }
    assert!(
        std::env::var(require).as_deref() != Ok("1"),
        "{require}=1 but python3 with {packages} is not available; \
         python3 -m pip install {packages}"
    );
    eprintln!(
        "skipping {check}: python3 with {packages} not found (python3 -m pip install {packages})"
    );
    None
}

/// Runs a check script of `tests/` with `python` and its arguments; fails the test with the
/// script's output (`failed`: what did not hold) unless it exits 0, and shows its summary.
pub fn run_python_check(
    python: &std::path::Path,
    script: &str,
    args: &[&std::path::Path],
    failed: &str,
) {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(script);
    let out = std::process::Command::new(python)
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{failed}:\n{stdout}\n{stderr}");
    eprintln!("{stdout}");
}
