//! Page tests in a real headless Chromium, driven over the W3C WebDriver protocol
//! (chromedriver). The protocol is JSON over HTTP, so a few helpers over reqwest do.
//!
//! When chromium or chromedriver is missing the tests say so and pass, unless
//! GONGFU_REQUIRE_BROWSER=1 (CI sets it), which makes a missing browser a failure.

use crate::helpers::{spawn_demo, TestApp};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Browser {
    http: reqwest::Client,
    base: String,
    session: String,
    _driver: DriverProcess,
    _profile: tempfile::TempDir,
}

struct DriverProcess(Child);

impl Drop for DriverProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn which(name: &str) -> Option<String> {
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .find(|f| f.is_file())
        })
        .map(|p| p.display().to_string())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Starts chromedriver and a headless Chromium session, or says why it cannot.
async fn browser() -> Option<Browser> {
    let (Some(chrome), Some(driver)) = (which("chromium"), which("chromedriver")) else {
        assert!(std::env::var("GONGFU_REQUIRE_BROWSER").as_deref() != Ok("1"), "GONGFU_REQUIRE_BROWSER=1 but chromium or chromedriver is not installed (apt-get install chromium chromium-driver)");
        // Straight to stderr: libtest captures eprintln!, and a skip must be seen.
        let _ = std::io::Write::write_all(&mut std::io::stderr(), b"SKIPPED browser test: chromium or chromedriver not found on PATH (apt-get install chromium chromium-driver; GONGFU_REQUIRE_BROWSER=1 makes this a failure)\n");
        return None;
    };
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let guard = DriverProcess(child);
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for _ in 0..100 {
        if http.get(format!("{base}/status")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let profile = tempfile::tempdir().expect("profile dir");
    let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {"binary": chrome, "args": [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=390,844",
        format!("--user-data-dir={}", profile.path().display())
    ]}}}});
    let r: Value = http
        .post(format!("{base}/session"))
        .json(&caps)
        .send()
        .await
        .expect("new session")
        .json()
        .await
        .expect("session json");
    let session = r["value"]["sessionId"]
        .as_str()
        .unwrap_or_else(|| panic!("chromedriver refused a session: {r}"))
        .to_string();
    Some(Browser {
        http,
        base,
        session,
        _driver: guard,
        _profile: profile,
    })
}

impl Browser {
    async fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let req = self.http.request(method, url);
        let req = match body {
            Some(b) => req.json(&b),
            None => req,
        };
        let v: Value = req
            .send()
            .await
            .expect("webdriver")
            .json()
            .await
            .expect("webdriver json");
        assert!(v["value"].get("error").is_none(), "webdriver {path}: {v}");
        v["value"].clone()
    }

    async fn goto(&self, url: &str) {
        self.cmd(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    async fn find(&self, css: &str) -> String {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .expect("element id")
            .to_string()
    }

    async fn text(&self, css: &str) -> String {
        let id = self.find(css).await;
        self.cmd(reqwest::Method::GET, &format!("/element/{id}/text"), None)
            .await
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    /// Clicks something that loads a new page, and waits until the new document is ready,
    /// so the next lookup cannot find an element of the page being left.
    async fn click_to_page(&self, css: &str) {
        self.js("window.__gongfu_old_page = true").await;
        self.click(css).await;
        for _ in 0..200 {
            let v = self.js("return window.__gongfu_old_page === undefined && document.readyState === 'complete'").await;
            if v == Value::Bool(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("clicking {css} did not load a new page within 5 s");
    }

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    async fn js(&self, script: &str) -> Value {
        self.cmd(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    async fn close(self) {
        let _ = self
            .http
            .delete(format!("{}/session/{}", self.base, self.session))
            .send()
            .await;
    }
}

async fn setup() -> Option<(TestApp, Browser)> {
    let b = browser().await?;
    Some((spawn_demo().await, b))
}

#[tokio::test]
async fn a_resident_browses_searches_and_switches_to_elderly_mode() {
    let Some((app, b)) = setup().await else {
        return;
    };
    b.goto(&app.url("/")).await;
    let total: usize = b.text("#item-total").await.parse().expect("a number");
    assert!(total > 100);
    // Search from the box on the page.
    b.type_into("form.search input[name=q]", "抚恤").await;
    b.click_to_page("form.search button").await;
    assert!(b.text("#search-total").await.contains("抚恤"));
    assert_eq!(b.text("#search-results mark").await, "抚恤");
    b.click_to_page("a[href^='/items/N2001']").await;
    assert!(b.text("#target_population").await.contains("现役军人"));
    // Elderly mode: larger type, remembered across pages.
    let before: f64 = b
        .js("return parseFloat(getComputedStyle(document.body).fontSize)")
        .await
        .as_f64()
        .unwrap();
    b.click_to_page("#elderly-toggle").await;
    let after: f64 = b
        .js("return parseFloat(getComputedStyle(document.body).fontSize)")
        .await
        .as_f64()
        .unwrap();
    assert!(
        after > before * 1.2,
        "elderly mode enlarges text: {before} -> {after}"
    );
    b.goto(&app.url("/versions")).await;
    assert_eq!(b.js("return document.body.className").await, "elderly");
    // The page fits a phone: no horizontal scrolling.
    let overflow = b
        .js("return document.documentElement.scrollWidth > window.innerWidth + 1")
        .await;
    assert_eq!(overflow, false);
    b.close().await;
}

#[tokio::test]
async fn staff_log_in_and_publish_an_adjustment_from_the_pages() {
    let Some((app, b)) = setup().await else {
        return;
    };
    b.goto(&app.url("/admin")).await;
    b.type_into("#username", "admin").await;
    b.type_into("#password", "gongfu-demo-admin").await;
    b.click_to_page("form.stack button").await;
    b.type_into("#title", "浏览器测试调整").await;
    b.click_to_page("form.stack button").await;
    assert!(b.text("h1").await.contains("浏览器测试调整"));
    // Retire one featured item.
    b.js("document.querySelector('select[name=kind]').value='retire'")
        .await;
    let (_, items) = app.get_json("/api/v1/items?featured=true&per_page=1").await;
    let code = items["items"][0]["code"].as_str().unwrap().to_string();
    b.type_into("input[name=code]", &code).await;
    b.click_to_page("form.inline.card button").await;
    b.type_into("#rationale", "测试退出").await;
    b.click_to_page("form.stack button").await;
    assert!(b.text("#notice").await.contains("已提交提议"));
    b.click_to_page(".proposal button[value=accepted]").await;
    b.type_into("#label", "浏览器版").await;
    b.click_to_page("form[action$='/approve'] button").await;
    assert_eq!(b.text("#removed-count").await, "1");
    let (_, vs) = app.get_json("/api/v1/versions").await;
    assert_eq!(vs["versions"].as_array().unwrap().len(), 3);
    b.close().await;
}

#[tokio::test]
async fn a_resident_walks_the_standard_system_down_to_a_text_and_finds_it_by_search() {
    let Some((app, b)) = setup().await else {
        return;
    };
    // The tree, with counts, down to a node's standards.
    b.goto(&app.url("/standards")).await;
    let total: usize = b.text("#total").await.parse().expect("a number");
    assert!(total > 250, "{total}");
    b.click_to_page("#tree a[href^='/standards/list?node=']")
        .await;
    b.click_to_page("#standards a[href^='/standards/view/']")
        .await;
    assert!(!b.text("#number").await.is_empty());
    // A standard that has a text: the text with its outline, and the self-check.
    let (_, texts) = app.get_json("/api/v1/texts?kind=standard").await;
    let number = texts["texts"][0]["key"]
        .as_str()
        .expect("a text")
        .to_string();
    let (_, s) = app
        .get_json(&format!(
            "/api/v1/standards/{}",
            number.replace('/', "%2F").replace(' ', "%20")
        ))
        .await;
    let title = s["standard"]["title"].as_str().unwrap().to_string();
    b.goto(&app.url(&format!(
        "/standards/view/{}",
        number.replace('/', "%2F").replace(' ', "%20")
    )))
    .await;
    assert!(b.text("#document").await.contains("范围"));
    b.click("nav.toc a[href='#c-1']").await;
    let at = b.js("return location.hash").await;
    assert_eq!(at, "#c-1");
    // The self-check is the staff's: a resident does not see it.
    assert_eq!(
        b.js("return document.querySelector('#text-check') === null")
            .await,
        json!(true)
    );
    // Found again from the search box, by its number, as staff type it.
    assert!(b.text("h1").await.contains(&title));
    b.type_into("form.search input[name=q]", &number).await;
    b.click_to_page("form.search button").await;
    let found = b
        .js(&format!(
            "return [...document.querySelectorAll('#search-results li')].slice(0, 3).some(li => li.dataset.key === {number:?})"
        ))
        .await;
    assert_eq!(
        found, true,
        "{number} among the first three results for its number"
    );
    let overflow = b
        .js("return document.documentElement.scrollWidth > window.innerWidth + 1")
        .await;
    assert_eq!(overflow, false);
    b.close().await;
}

#[tokio::test]
async fn a_resident_finds_services_near_their_community_and_their_position() {
    let Some((app, b)) = setup().await else {
        return;
    };
    b.goto(&app.url("/nearby")).await;
    // Without location: choose a community and a ring.
    b.js("document.getElementById('community').value = '440399002003'; document.getElementById('radius').value = '1000'; return 1")
        .await;
    b.click_to_page("#nearby-form button[type=submit]").await;
    assert!(b.text("#nearby-total").await.contains("1000 米范围内"));
    let rings = b
        .js("return document.querySelectorAll('#nearby-map circle.ring').length")
        .await;
    assert_eq!(rings, 3, "the 500, 1000 and 1500 m rings");
    let distances = b
        .js("return Array.from(document.querySelectorAll('#nearby-results .distance')).map(e => e.textContent)")
        .await;
    let metres: Vec<f64> = distances
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = d.as_str().unwrap();
            let n: f64 = s.split_whitespace().next().unwrap().parse().unwrap();
            if s.contains("公里") {
                n * 1000.0
            } else {
                n
            }
        })
        .collect();
    assert!(!metres.is_empty());
    assert!(
        metres.windows(2).all(|w| w[0] <= w[1] + 5.0),
        "nearest first: {metres:?}"
    );
    assert!(metres.iter().all(|m| *m <= 1000.0));
    // With location: the button asks the browser (here a stand-in for the phone's GPS).
    b.js("navigator.geolocation.getCurrentPosition = function (ok) { ok({coords: {latitude: 22.556, longitude: 114.01}}); }; return 1").await;
    b.click_to_page("#locate").await;
    assert!(b.text("#nearby-total").await.contains("您的位置"));
    assert_eq!(
        b.js("return document.getElementById('lat').value").await,
        "22.556000"
    );
    // The map fits a phone.
    let overflow = b
        .js("return document.documentElement.scrollWidth > window.innerWidth + 1")
        .await;
    assert_eq!(overflow, false);
    // Tap the nearest point: its page.
    b.click_to_page("#nearby-results li a").await;
    assert!(!b.text("#point-name").await.is_empty());
    b.close().await;
}

#[tokio::test]
async fn a_resident_answers_the_wizard_on_a_phone_and_sees_what_she_can_enjoy() {
    let Some((app, b)) = setup().await else {
        return;
    };
    b.goto(&app.url("/eligibility")).await;
    // A 29-year-old pregnant woman with 户籍: answer what is asked, tapping as on a phone.
    let answers: &[(&str, &str)] = &[
        ("residency", "hukou"),
        ("sex", "female"),
        ("pregnant", "true"),
        ("community", "440399002001"),
        ("rural", "false"),
        ("employment", "employed"),
        ("assistance", "none"),
        ("disability", "none"),
    ];
    let mut asked = Vec::new();
    for _ in 0..25 {
        let field = b
            .js("var q = document.getElementById('question'); return q ? q.dataset.field : null")
            .await;
        let Some(field) = field.as_str().map(String::from) else {
            break;
        };
        asked.push(field.clone());
        if field == "birth_date" {
            b.type_into("input[name='a.age']", "29").await;
        } else if let Some((_, v)) = answers.iter().find(|(f, _)| *f == field) {
            let radio = format!("input[name='a.{field}'][value='{v}']");
            let is_radio = b
                .js(&format!(
                    "return document.querySelector(\"{radio}\") !== null"
                ))
                .await;
            if is_radio == Value::Bool(true) {
                b.click(&radio).await;
            } else {
                b.js(&format!(
                    "document.querySelector(\"select[name='a.{field}']\").value = '{v}'; return 1"
                ))
                .await;
            }
        } else {
            b.click_to_page("#skip").await;
            continue;
        }
        b.click_to_page("#next").await;
    }
    assert!(asked.contains(&"pregnant".to_string()), "{asked:?}");
    assert!(
        !asked.contains(&"lives_alone".to_string()),
        "a question for 60 and over is not asked: {asked:?}"
    );
    let text = b.text("#results").await;
    assert!(text.contains("孕产妇健康服务"), "{text}");
    assert!(text.contains("正在怀孕 ✓"), "{text}");
    // Fits a phone.
    let overflow = b
        .js("return document.documentElement.scrollWidth > window.innerWidth + 1")
        .await;
    assert_eq!(overflow, false);
    // A link keeps the answers; opening it shows the same result.
    b.click_to_page("#save").await;
    let link = b
        .js("return document.querySelector('#saved-link a').getAttribute('href')")
        .await;
    let link = link.as_str().unwrap().to_string();
    b.goto(&app.url(&link)).await;
    assert!(b.text("#results").await.contains("孕产妇健康服务"));
    b.close().await;
}
