//! `bench item-page`: the public reads that show the standard system beside the list (the
//! item page, which lists the standards serving the item and its guide; the same question
//! through the API; the standard system's front page and coverage) on the demo district,
//! through the real server.
//!
//! Each case runs for the same time (`GONGFU_BENCH_SECONDS`, 8 by default) from 16
//! connections in a closed loop, so builds whose throughput differs by orders of magnitude
//! are compared over runs of equal length: run the binary of each build in turn, in one
//! sitting (BENCHMARKS.md has the command).

use anyhow::{Context, Result};
use std::time::Duration;

use crate::{closed_loop, fresh_db, serve, services, PathFn, Until};

pub async fn bench_item_page() -> Result<()> {
    let seconds: u64 = match std::env::var("GONGFU_BENCH_SECONDS") {
        Ok(s) => s
            .parse()
            .context("GONGFU_BENCH_SECONDS is a whole number of seconds")?,
        Err(_) => 8,
    };
    let (db, _dir) = fresh_db(None).await?;
    let s = services(db.clone())?;
    gongfu_app::demo::load(&s)
        .await
        .context("loading the demo")?;
    let snap = s.catalog.require(None).await?;
    let codes: Vec<String> = snap.items.iter().map(|i| i.code.to_string()).collect();
    let registered = s.standards.standards().await?;
    let links: usize = registered.iter().map(|x| x.items.len()).sum();
    let guides = s
        .standards
        .texts(None)
        .await?
        .iter()
        .filter(|t| t.kind == "guide")
        .count();
    let base = serve(db).await?;
    println!(
        "\n### Standard system reads on the demo district ({} items of version {}, {} standards, {links} item links, {guides} guides; SQLite, in-process server, 16 connections in a closed loop for {seconds} s per request)\n",
        codes.len(),
        snap.version.number,
        registered.len(),
    );
    println!("| request | connections | requests | throughput (req/s) | p50 (ms) | p99 (ms) |");
    println!("|---|---|---|---|---|---|");
    let codes = std::sync::Arc::new(codes);
    let cycle = |codes: &std::sync::Arc<Vec<String>>, f: fn(&str) -> String| -> PathFn {
        let codes = codes.clone();
        // A stride prime to the item count visits every item in a scattered order.
        Box::new(move |i| f(&codes[(i * 7919) % codes.len()]))
    };
    let cases: Vec<(&str, PathFn)> = vec![
        (
            "GET /items/{code} (item page)",
            cycle(&codes, |c| format!("/items/{c}")),
        ),
        (
            "GET /api/v1/standards?item={code}",
            cycle(&codes, |c| format!("/api/v1/standards?item={c}")),
        ),
        (
            "GET /standards (counts, coverage, watch)",
            Box::new(|_| "/standards".to_string()),
        ),
        (
            "GET /api/v1/standards/coverage",
            Box::new(|_| "/api/v1/standards/coverage".to_string()),
        ),
    ];
    for (name, path) in cases {
        let run = closed_loop(
            &base,
            16,
            Until::Elapsed(Duration::from_secs(seconds)),
            path,
        )
        .await?;
        println!("{}", run.row(name));
    }
    Ok(())
}
