//! Developer tasks. `cargo run --release -p xtask -- bench api|import|search|nearby|circles|eligibility|affordability|item-page|load|all`
//! (`load` runs the release binary: build it first with `cargo build --release -p gongfu`).
//!
//! Benchmarks run end to end against the real server and real databases and print a
//! Markdown table for BENCHMARKS.md. They are never part of `cargo test`: a timing is a
//! measurement, not an assertion.

use anyhow::{bail, Context, Result};
use gongfu_app::Application;
use gongfu_catalog::export::{export, ExportFormat};
use gongfu_catalog::Actor;
use gongfu_db::Db;
use std::time::{Duration, Instant};

mod eligibility_bench;
mod load_bench;
mod pages_bench;
mod places_bench;
mod search_bench;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["bench", "api"] => bench_api().await,
        ["bench", "import"] => bench_import().await,
        ["bench", "search"] => search_bench::bench_search().await,
        ["bench", "nearby"] => places_bench::bench_nearby().await,
        ["bench", "circles"] => places_bench::bench_circles().await,
        ["bench", "eligibility"] => eligibility_bench::bench_eligibility().await,
        ["bench", "affordability"] => eligibility_bench::bench_affordability().await,
        ["bench", "item-page"] => pages_bench::bench_item_page().await,
        ["bench", "load"] => load_bench::bench_load().await,
        ["bench"] | ["bench", "all"] => {
            bench_api().await?;
            bench_import().await?;
            search_bench::bench_search().await?;
            places_bench::bench_nearby().await?;
            places_bench::bench_circles().await?;
            eligibility_bench::bench_eligibility().await?;
            eligibility_bench::bench_affordability().await?;
            pages_bench::bench_item_page().await
        }
        _ => bail!("usage: cargo run --release -p xtask -- bench [api|import|search|nearby|circles|eligibility|affordability|item-page|load|all]\n  PostgreSQL runs use GONGFU_BENCH_POSTGRES_URL (a server where the bench may create databases)"),
    }
}

/// A list of `n` generated items in the national taxonomy, as CSV (then parsed like any
/// import). Names and texts vary so no two rows are alike.
fn generated_list_csv(n: usize) -> String {
    let t = gongfu_catalog::national_taxonomy();
    let mut s = String::from("编码,领域,大类,序号,服务项目,服务对象,服务内容,服务标准,支出责任,牵头负责单位,来源层级,特色事项,数据来源\n");
    for i in 0..n {
        let c = &t.categories[i % t.categories.len()];
        let a = t.area(c.area_no).map(|a| a.name.as_str()).unwrap_or("");
        s.push_str(&format!(
            "B{i:06},{a},{},{},基准测试事项{i},第{i}类服务对象（年满{}周岁的常住居民）,为服务对象提供第{i}项服务内容，包括咨询、办理和跟踪回访,每年不少于{}次，每次不少于{}分钟,地方财政承担支出责任,区卫生健康局、区民政局,区级,{},示例（基准测试生成）\n",
            c.name,
            i / t.categories.len() + 1,
            i % 90,
            i % 12 + 1,
            i % 60 + 15,
            if i % 3 == 0 { "是" } else { "否" }
        ));
    }
    s
}

async fn fresh_db(pg: Option<&str>) -> Result<(Db, Option<tempfile::TempDir>)> {
    match pg {
        None => {
            let dir = tempfile::tempdir()?;
            let db = Db::connect(&format!(
                "sqlite://{}",
                dir.path().join("bench.db").display()
            ))
            .await?;
            db.migrate().await?;
            Ok((db, Some(dir)))
        }
        Some(base) => {
            let name = format!("gongfu_bench_{}", std::process::id());
            let admin = Db::connect(base).await?;
            let _ = admin
                .execute_raw(&format!("DROP DATABASE IF EXISTS {name}"))
                .await;
            admin
                .execute_raw(&format!("CREATE DATABASE {name}"))
                .await?;
            admin.close().await;
            let url = format!(
                "{}/{name}",
                base.rsplit_once('/').map(|(b, _)| b).unwrap_or(base)
            );
            let db = Db::connect(&url).await?;
            db.migrate().await?;
            Ok((db, None))
        }
    }
}

/// The services over `db`, built by the application's composition root with the demo's
/// settings (the demo district's internal-norm pattern).
pub fn services(db: gongfu_db::Db) -> Result<gongfu_app::Services> {
    let mut settings = gongfu_app::Settings::defaults();
    gongfu_app::demo::apply_settings(&mut settings);
    Ok(gongfu_app::services(db, &settings)?)
}

async fn bench_import() -> Result<()> {
    let n = 10_000;
    // Build the xlsx the way a district would receive it: exported by gongfu from a list.
    let (db, _dir) = fresh_db(None).await?;
    let cat = services(db)?.catalog;
    cat.import(
        &Actor::system("bench"),
        gongfu_catalog::ImportRequest {
            taxonomy: None,
            file: "gen.csv",
            bytes: generated_list_csv(n).as_bytes(),
            format: None,
            title: "生成",
            label: "生成",
            publish: true,
        },
    )
    .await?;
    let snap = cat.snapshot(None).await?.context("generated version")?;
    let xlsx = export(&snap, ExportFormat::Xlsx)?;
    println!(
        "\n### Import of a {n}-row xlsx ({} KiB), `gongfu import items --publish` path\n",
        xlsx.len() / 1024
    );
    println!("| backend | parse (s) | parse + store + publish (s) |");
    println!("|---|---|---|");
    let pg = std::env::var("GONGFU_BENCH_POSTGRES_URL").ok();
    let mut backends: Vec<(&str, Option<String>)> = vec![("SQLite", None)];
    match &pg {
        Some(u) => backends.push(("PostgreSQL", Some(u.clone()))),
        None => eprintln!("GONGFU_BENCH_POSTGRES_URL not set: PostgreSQL row skipped"),
    }
    for (name, url) in backends {
        let mut parse = Vec::new();
        let mut total = Vec::new();
        for _ in 0..3 {
            let (db, _d) = fresh_db(url.as_deref()).await?;
            let cat = services(db.clone())?.catalog;
            let t0 = Instant::now();
            let parsed = cat.read_file("list.xlsx", &xlsx, None).await?;
            parse.push(t0.elapsed());
            assert_eq!(parsed.items.len(), n);
            let t0 = Instant::now();
            cat.import(
                &Actor::system("bench"),
                gongfu_catalog::ImportRequest {
                    taxonomy: None,
                    file: "list.xlsx",
                    bytes: &xlsx,
                    format: None,
                    title: "导入",
                    label: "v1",
                    publish: true,
                },
            )
            .await?;
            total.push(t0.elapsed());
            db.close().await;
        }
        println!(
            "| {name} | {:.2} | {:.2} |",
            median(&mut parse).as_secs_f64(),
            median(&mut total).as_secs_f64()
        );
    }
    Ok(())
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Boots the real server over `db` on a free loopback port; returns its base URL.
async fn serve(db: Db) -> Result<String> {
    let flags =
        std::collections::BTreeMap::from([("listen".to_string(), "127.0.0.1:0".to_string())]);
    let settings = gongfu_app::Settings::resolve(&flags, |_| None, &Default::default())?;
    let app = Application::with_db(db, &settings).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    Ok(base)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Builds the request path for the i-th request of a case.
type PathFn = Box<dyn Fn(usize) -> String + Send + Sync>;

/// What a closed-loop run measured: every latency (sorted) and the wall time.
struct LoadRun {
    connections: usize,
    latencies: Vec<Duration>,
    wall: Duration,
}

impl LoadRun {
    fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64()
    }

    /// The Markdown row `| name | connections | requests | req/s | p50 | p99 |`.
    fn row(&self, name: &str) -> String {
        format!(
            "| {name} | {} | {} | {:.0} | {:.2} | {:.2} |",
            self.connections,
            self.latencies.len(),
            self.throughput(),
            percentile(&self.latencies, 0.5).as_secs_f64() * 1e3,
            percentile(&self.latencies, 0.99).as_secs_f64() * 1e3
        )
    }
}

/// How long each connection of a closed loop keeps sending.
#[derive(Clone, Copy)]
enum Until {
    /// This many requests per connection.
    Requests(usize),
    /// Until this much time has passed: for comparing code whose throughput differs
    /// by orders of magnitude in runs of the same length.
    Elapsed(Duration),
}

/// GETs `base` + `path(i)` from `conns` connections in a closed loop until `until`, after
/// 50 warm-up requests (which fill caches and the connection pool). Any request that does
/// not succeed fails the run: a fast error page is not a measurement.
async fn closed_loop(base: &str, conns: usize, until: Until, path: PathFn) -> Result<LoadRun> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(conns)
        .build()?;
    for i in 0..50 {
        let p = path(i);
        let r = client.get(format!("{base}{p}")).send().await?;
        if !r.status().is_success() {
            bail!("warm-up request {p} failed: {}", r.status());
        }
        r.bytes().await?;
    }
    let path = std::sync::Arc::new(path);
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..conns {
        let (client, base, path) = (client.clone(), base.to_string(), path.clone());
        // Connections start at different places of the sequence (for a fixed count, one after
        // the other, as the runs recorded in BENCHMARKS.md did).
        let start = match until {
            Until::Requests(n) => c * n,
            Until::Elapsed(_) => c * 100_003,
        };
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            for k in 0.. {
                match until {
                    Until::Requests(n) if k >= n => break,
                    Until::Elapsed(d) if t0.elapsed() >= d => break,
                    _ => {}
                }
                let p = path(start + k);
                let t = Instant::now();
                let r = client.get(format!("{base}{p}")).send().await?;
                let ok = r.status().is_success();
                r.bytes().await?;
                if !ok {
                    bail!("{p} failed");
                }
                lat.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await??);
    }
    let wall = t0.elapsed();
    latencies.sort();
    Ok(LoadRun {
        connections: conns,
        latencies,
        wall,
    })
}

async fn bench_api() -> Result<()> {
    let n = 10_000;
    let (db, _dir) = fresh_db(None).await?;
    let cat = services(db.clone())?.catalog;
    cat.import(
        &Actor::system("bench"),
        gongfu_catalog::ImportRequest {
            taxonomy: None,
            file: "gen.csv",
            bytes: generated_list_csv(n).as_bytes(),
            format: None,
            title: "生成",
            label: "生成",
            publish: true,
        },
    )
    .await?;
    let base = serve(db).await?;
    println!("\n### API on a {n}-item list (SQLite, in-process server, closed-loop load from the same process over loopback)\n");
    println!("| request | connections | requests | throughput (req/s) | p50 (ms) | p99 (ms) |");
    println!("|---|---|---|---|---|---|");
    let cases: Vec<(&str, PathFn)> = vec![
        (
            "GET /api/v1/items (page of 50)",
            Box::new(|i| format!("/api/v1/items?page={}", i % 200 + 1)),
        ),
        (
            "GET /api/v1/items?q=… (text filter)",
            Box::new(|i| format!("/api/v1/items?q=%E4%BA%8B%E9%A1%B9{}", i % 10_000)),
        ),
        (
            "GET /api/v1/items/{code}",
            Box::new(|i| format!("/api/v1/items/B{:06}", (i * 7919) % 10_000)),
        ),
    ];
    for (name, path) in cases {
        let run = closed_loop(&base, 16, Until::Requests(500), path).await?;
        println!("{}", run.row(name));
    }
    Ok(())
}
