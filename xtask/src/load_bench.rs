//! `bench load`: the release server as a district runs it (`gongfu demo`, its own process),
//! under the public mix a thousand residents make, then under hostile uploads.
//!
//! 1. Saturation: 1,000 connections, each sending the next request when the last answered
//!    (closed loop), for a fixed time: throughput and latency.
//! 2. A fixed arrival rate (open loop): requests start on schedule whether or not earlier
//!    ones answered, and latency is measured from the scheduled start, so a stall shows as
//!    the queue it causes (no coordinated omission).
//! 3. Peak memory: the server's peak resident set (`VmHWM`, reset first through
//!    `/proc/PID/clear_refs`) while 32 anonymous checker uploads of a hostile .docx and 4
//!    editor imports of hostile workbooks and tables run at once; every answer's status.

use anyhow::{bail, Context, Result};
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::percentile;

/// The public mix: the home page, an item page, the item list, a search, a nearby query.
fn public_path(i: usize, codes: &[String]) -> String {
    match i % 5 {
        0 => "/".into(),
        1 => format!("/items/{}", codes[(i / 5) % codes.len()]),
        2 => format!("/api/v1/items?page={}", (i / 5) % 3 + 1),
        3 => "/api/v1/search?q=%E5%85%BB%E8%80%81".into(),
        _ => format!(
            "/api/v1/points/nearby?lat={:.4}&lng={:.4}&radius=1000",
            22.55 + ((i / 5) % 20) as f64 * 0.002,
            113.97 + ((i / 5) % 20) as f64 * 0.002
        ),
    }
}

struct Server {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_demo() -> Result<Server> {
    let bin = std::env::var("GONGFU_BIN").unwrap_or_else(|_| "target/release/gongfu".into());
    if !std::path::Path::new(&bin).exists() {
        bail!("{bin} is missing: build it first with `cargo build --release -p gongfu` (or set GONGFU_BIN)");
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let dir = tempfile::tempdir()?;
    let child = Command::new(&bin)
        .arg("demo")
        .env("GONGFU_LISTEN", format!("127.0.0.1:{port}"))
        .env("GONGFU_DATA_DIR", dir.path())
        .env("GONGFU_LOG", "error")
        .env_remove("GONGFU_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {bin} demo"))?;
    let base = format!("http://127.0.0.1:{port}");
    let server = Server {
        child,
        base,
        _dir: dir,
    };
    let client = reqwest::Client::new();
    let t0 = Instant::now();
    loop {
        if let Ok(r) = client
            .get(format!("{}/api/v1/items", server.base))
            .send()
            .await
        {
            if r.status().is_success() {
                break;
            }
        }
        if t0.elapsed() > Duration::from_secs(300) {
            bail!("the demo server did not answer within 5 minutes");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Ok(server)
}

#[derive(Default)]
struct Tally {
    /// Latencies of the answered requests.
    lat: Vec<Duration>,
    /// Requests shed (503, past the in-flight cap).
    shed: usize,
    errors: usize,
    elapsed: Duration,
}

/// The status of an answer read to its end; 0 when the request or the body failed.
async fn status_of(r: reqwest::Result<reqwest::Response>) -> u16 {
    match r {
        Ok(r) => {
            let s = r.status().as_u16();
            if r.bytes().await.is_ok() {
                s
            } else {
                0
            }
        }
        Err(_) => 0,
    }
}

fn row(label: &str, t: &mut Tally) {
    t.lat.sort();
    let n = t.lat.len();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "| {label} | {n} | {} | {} | {:.0} | {:.1} | {:.1} | {:.1} |",
        t.shed,
        t.errors,
        n as f64 / t.elapsed.as_secs_f64(),
        ms(percentile(&t.lat, 0.5)),
        ms(percentile(&t.lat, 0.99)),
        ms(percentile(&t.lat, 0.999)),
    );
}

async fn closed_loop(base: &str, codes: Arc<Vec<String>>, conns: usize, secs: u64) -> Tally {
    let end = Instant::now() + Duration::from_secs(secs);
    let t0 = Instant::now();
    let mut tasks = Vec::with_capacity(conns);
    for c in 0..conns {
        let base = base.to_string();
        let codes = codes.clone();
        tasks.push(tokio::spawn(async move {
            // One client per connection: a thousand residents are a thousand connections.
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .timeout(Duration::from_secs(60))
                .build()
                .expect("client");
            let (mut lat, mut shed, mut errors, mut i) = (vec![], 0, 0, c);
            while Instant::now() < end {
                let t = Instant::now();
                let status = status_of(
                    client
                        .get(format!("{base}{}", public_path(i, &codes)))
                        .send()
                        .await,
                )
                .await;
                match status {
                    200..=299 => lat.push(t.elapsed()),
                    // Shed: wait as Retry-After asks, as a person would before reloading.
                    503 => {
                        shed += 1;
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                    _ => errors += 1,
                }
                i += conns;
            }
            (lat, shed, errors)
        }));
    }
    let mut tally = Tally::default();
    for t in tasks {
        if let Ok((lat, shed, e)) = t.await {
            tally.lat.extend(lat);
            tally.shed += shed;
            tally.errors += e;
        }
    }
    tally.elapsed = t0.elapsed();
    tally
}

async fn open_loop(base: &str, codes: Arc<Vec<String>>, rate: u64, secs: u64) -> Tally {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(2000)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let total = (rate * secs) as usize;
    let t0 = Instant::now();
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        let due = t0 + Duration::from_secs_f64(i as f64 / rate as f64);
        tokio::time::sleep_until(due.into()).await;
        let client = client.clone();
        let url = format!("{base}{}", public_path(i, &codes));
        tasks.push(tokio::spawn(async move {
            let status = status_of(client.get(url).send().await).await;
            // From the scheduled start: waiting for a free connection counts.
            (due.elapsed(), status)
        }));
    }
    let mut tally = Tally::default();
    for t in tasks {
        if let Ok((d, status)) = t.await {
            match status {
                200..=299 => tally.lat.push(d),
                503 => tally.shed += 1,
                _ => tally.errors += 1,
            }
        }
    }
    tally.elapsed = t0.elapsed();
    tally
}

/// A .docx of one-character paragraphs: small on the wire, large once parsed.
fn hostile_docx(paragraphs: usize) -> Result<Vec<u8>> {
    let mut body = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
    );
    for _ in 0..paragraphs {
        body.push_str("<w:p><w:r><w:t>x</w:t></w:r></w:p>");
    }
    body.push_str("</w:body></w:document>");
    zip_of(&[
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.as_bytes()),
        ("word/document.xml", body.as_bytes()),
    ])
}

/// An .xlsx whose one sheet inflates to `mib` MiB of rows.
fn hostile_xlsx(mib: usize) -> Result<Vec<u8>> {
    let mut sheet = String::from(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    let row = r#"<row><c t="inlineStr"><is><t>示例点位名称示例点位名称</t></is></c></row>"#;
    while sheet.len() < mib << 20 {
        sheet.push_str(row);
    }
    sheet.push_str("</sheetData></worksheet>");
    zip_of(&[
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#.as_bytes()),
        ("xl/workbook.xml", r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>"#.as_bytes()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ])
}

fn zip_of(parts: &[(&str, &[u8])]) -> Result<Vec<u8>> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    for (name, bytes) in parts {
        w.start_file(*name, o)?;
        w.write_all(bytes)?;
    }
    Ok(w.finish()?.into_inner())
}

fn peak_rss_kib(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmHWM in /proc/PID/status")
}

pub async fn bench_load() -> Result<()> {
    let server = start_demo().await?;
    let base = server.base.clone();
    let client = reqwest::Client::new();
    let items: serde_json::Value = client
        .get(format!("{base}/api/v1/items?per_page=100"))
        .send()
        .await?
        .json()
        .await?;
    let codes: Arc<Vec<String>> = Arc::new(
        items["items"]
            .as_array()
            .context("items")?
            .iter()
            .filter_map(|i| i["code"].as_str().map(str::to_string))
            .collect(),
    );
    // Warm every cache the mix touches (search index, snapshots, places).
    for i in 0..50 {
        client
            .get(format!("{base}{}", public_path(i, &codes)))
            .send()
            .await?
            .bytes()
            .await?;
    }
    let secs = 15;
    println!("\n### The public mix on the demo (release `gongfu demo`, its own process; load from the same 2-core machine)\n");
    println!("Mix, in turn: `/`, an item page, `/api/v1/items`, a search, a nearby query.\n");
    println!("Latency and throughput count answered requests (2xx); shed requests (503 past the in-flight cap, the closed-loop client then waiting the second `Retry-After` asks) are counted apart.\n");
    println!("| load | answered | shed (503) | errors | answered per second | p50 (ms) | p99 (ms) | p99.9 (ms) |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut t = closed_loop(&base, codes.clone(), 1000, secs).await;
    row("1,000 connections, closed loop", &mut t);
    for rate in [250, 500, 1000] {
        let mut t = open_loop(&base, codes.clone(), rate, secs).await;
        row(&format!("{rate} req/s arriving, open loop"), &mut t);
    }

    // Peak memory under hostile uploads.
    let pid = server.child.id();
    let docx = Arc::new(hostile_docx(200_000)?);
    let xlsx = Arc::new(hostile_xlsx(512)?);
    let mut csv = String::from("编码,名称,设施类型,纬度,经度,主管部门\n");
    for i in 0..200_000 {
        csv.push_str(&format!(
            "H{i:06},示例点{i},社区健康服务中心,22.55,113.98,区卫生健康局\n"
        ));
    }
    let csv = Arc::new(csv.into_bytes());
    let editor = reqwest::Client::builder().cookie_store(true).build()?;
    let v: serde_json::Value = editor
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"username": "editor", "password": "gongfu-demo-editor"}))
        .send()
        .await?
        .json()
        .await?;
    let csrf = v["csrf_token"].as_str().context("csrf")?.to_string();
    let before = peak_rss_kib(pid)?;
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").context("resetting the peak RSS")?;
    let reset = peak_rss_kib(pid)?;
    let t0 = Instant::now();
    let mut tasks = vec![];
    for _ in 0..32 {
        let (c, base, docx) = (reqwest::Client::new(), base.clone(), docx.clone());
        tasks.push(tokio::spawn(async move {
            c.post(format!("{base}/api/v1/standards/check?file=h.docx"))
                .body(docx.to_vec())
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }));
    }
    for k in 0..4 {
        let (c, base, csrf) = (editor.clone(), base.clone(), csrf.clone());
        let (name, body) = if k % 2 == 0 {
            ("h.xlsx", xlsx.to_vec())
        } else {
            ("h.csv", csv.to_vec())
        };
        tasks.push(tokio::spawn(async move {
            c.post(format!("{base}/api/v1/imports/points?file={name}"))
                .header("x-csrf-token", csrf)
                .body(body)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }));
    }
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for t in tasks {
        *statuses.entry(t.await.unwrap_or(0)).or_default() += 1;
    }
    let took = t0.elapsed();
    let peak = peak_rss_kib(pid)?;
    println!("\n### Peak memory under hostile uploads\n");
    println!(
        "32 anonymous checker uploads of a {} KB .docx ({} one-character paragraphs) and 4 editor imports (2 × a {} KB .xlsx that inflates to 512 MiB, 2 × a {:.1} MB CSV of 200,000 rows), all at once.\n",
        docx.len() / 1024,
        200_000,
        xlsx.len() / 1024,
        csv.len() as f64 / 1e6
    );
    println!("| server RSS before (peak since start) | after reset | peak during the uploads | answers (status: count) | all answered in |");
    println!("|---|---|---|---|---|");
    println!(
        "| {:.0} MB | {:.0} MB | **{:.0} MB** | {} | {:.1} s |",
        before as f64 / 1024.0,
        reset as f64 / 1024.0,
        peak as f64 / 1024.0,
        statuses
            .iter()
            .map(|(s, n)| format!("{s}: {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        took.as_secs_f64()
    );
    Ok(())
}
