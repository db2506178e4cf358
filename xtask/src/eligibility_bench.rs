//! `bench eligibility`: the microsimulation of a Shenzhen-sized synthetic population
//! (17.6 million) against every item of the demo list, eligible counts per item per
//! community; in the same run, the same rules as SQL in DuckDB on the same data
//! (`pip install duckdb`), with every count compared. Also the one-resident path over HTTP.

use anyhow::{bail, Context, Result};
use gongfu_eligibility::synth::{synthesize, CommunityCount, Marginals, Rng};
use gongfu_eligibility::{microsim, Compiled};
use gongfu_rules::eval::{Atom, Node, Part};
use gongfu_rules::population::Column;
use gongfu_rules::schema::FieldType;
use gongfu_rules::{Population, Schema};
use std::io::Write;
use std::time::{Duration, Instant};

const AT: u32 = 20261125;

fn persons() -> u64 {
    std::env::var("GONGFU_BENCH_PERSONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(17_600_000)
}

/// Shenzhen-like: 74 sub-districts of 10 communities, head counts varying 3x, a third
/// with hukou, 92% 常住.
fn communities(total: u64) -> Vec<CommunityCount> {
    let mut rng = Rng::new(17);
    let weights: Vec<f64> = (0..740).map(|_| 1.0 + 2.0 * rng.f()).collect();
    let sum: f64 = weights.iter().sum();
    let mut out: Vec<CommunityCount> = Vec::new();
    let mut left = total;
    for (i, w) in weights.iter().enumerate() {
        let served = if i == 739 {
            left
        } else {
            ((total as f64) * w / sum) as u64
        };
        left -= served;
        let code = format!("440399{:03}{:03}", i / 10 + 1, i % 10 + 1);
        out.push(CommunityCount {
            code,
            hukou: served / 3,
            permanent: served * 92 / 100,
            served,
        });
    }
    out
}

fn vm(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Resets the kernel's peak-RSS mark, so the next reading is the peak of what follows.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Column names and DuckDB types, in CSV order.
fn columns(schema: &Schema) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for f in schema.fields() {
        match f.ty {
            FieldType::Bool | FieldType::Enum => out.push((f.name.clone(), "UTINYINT")),
            FieldType::Int { .. } => out.push((f.name.clone(), "INTEGER")),
            FieldType::Date => out.push((f.name.clone(), "UINTEGER")),
            FieldType::Set => out.push((f.name.clone(), "UINTEGER")),
            FieldType::DateList => {
                out.push((format!("{}_youngest", f.name), "UINTEGER"));
                out.push((format!("{}_count", f.name), "USMALLINT"));
            }
            FieldType::Region => out.push((f.name.clone(), "USMALLINT")),
            FieldType::Derived(_) => {}
        }
    }
    out
}

fn write_csv(pop: &Population, schema: &Schema, path: &std::path::Path) -> Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 22, file);
    let names: Vec<String> = columns(schema).into_iter().map(|c| c.0).collect();
    writeln!(w, "{}", names.join(","))?;
    let cols: Vec<&Column> = schema
        .fields()
        .iter()
        .enumerate()
        .filter_map(|(i, _)| pop.column(i))
        .collect();
    let mut line = String::with_capacity(256);
    for i in 0..pop.len() {
        line.clear();
        for (k, c) in cols.iter().enumerate() {
            if k > 0 {
                line.push(',');
            }
            use std::fmt::Write as _;
            let _ = match c {
                Column::Bool(b) => write!(line, "{}", u8::from(b.get(i))),
                Column::Int(v) => write!(line, "{}", v[i]),
                Column::Date(v) => write!(line, "{}", v[i]),
                Column::Enum(v) => write!(line, "{}", v[i]),
                Column::Set(v) => write!(line, "{}", v[i]),
                Column::DateList { youngest, count } => {
                    write!(line, "{},{}", youngest[i], count[i])
                }
                Column::Region(v) => write!(line, "{}", v[i]),
            };
        }
        line.push('\n');
        w.write_all(line.as_bytes())?;
    }
    w.flush()?;
    Ok(())
}

/// The same rules as SQL: each compiled atom as a predicate over the CSV's columns.
fn atom_sql(a: &Atom, schema: &Schema, pop: &Population) -> String {
    let name = |f: usize| schema.field(f).name.clone();
    let range = |col: String, lo: i64, hi: i64| match (lo <= 0, hi >= i64::from(u32::MAX)) {
        (true, true) => "TRUE".to_string(),
        (true, false) => format!("{col} <= {hi}"),
        (false, true) => format!("{col} >= {lo}"),
        _ if lo > hi => "FALSE".to_string(),
        _ => format!("{col} BETWEEN {lo} AND {hi}"),
    };
    match a {
        Atom::Bool(f) => format!("{} = 1", name(*f)),
        Atom::Range {
            field,
            part,
            lo,
            hi,
        } => {
            let col = match part {
                Part::Value => name(*field),
                Part::Youngest => format!("{}_youngest", name(*field)),
                Part::Count => format!("{}_count", name(*field)),
            };
            let lo = if *part == Part::Youngest {
                (*lo).max(1)
            } else {
                *lo
            };
            if matches!(schema.field(*field).ty, FieldType::Int { .. }) {
                format!(
                    "{col} BETWEEN {} AND {}",
                    lo.max(i64::from(i32::MIN)),
                    hi.min(&i64::from(i32::MAX))
                )
            } else {
                range(col, lo, *hi)
            }
        }
        Atom::Enum(f, mask) => {
            let vals: Vec<String> = (0..32)
                .filter(|i| mask >> i & 1 == 1)
                .map(|i: u32| i.to_string())
                .collect();
            format!("{} IN ({})", name(*f), vals.join(","))
        }
        Atom::Set(f, mask) => format!("({} & {mask}) <> 0", name(*f)),
        Atom::Region(f, prefixes) => {
            let idx: Vec<String> = pop
                .regions()
                .iter()
                .enumerate()
                .filter(|(_, c)| prefixes.iter().any(|p| c.starts_with(p.as_str())))
                .map(|(i, _)| i.to_string())
                .collect();
            if idx.is_empty() {
                "FALSE".into()
            } else {
                format!("{} IN ({})", name(*f), idx.join(","))
            }
        }
        Atom::Const(b) => b.to_string().to_uppercase(),
    }
}

fn node_sql(n: &Node, atoms: &[String]) -> String {
    match n {
        Node::Const(b) => b.to_string().to_uppercase(),
        Node::Atom(i, false) => atoms[*i].clone(),
        Node::Atom(i, true) => format!("NOT ({})", atoms[*i]),
        Node::And(v) => format!(
            "({})",
            v.iter()
                .map(|x| node_sql(x, atoms))
                .collect::<Vec<_>>()
                .join(" AND ")
        ),
        Node::Or(v) => format!(
            "({})",
            v.iter()
                .map(|x| node_sql(x, atoms))
                .collect::<Vec<_>>()
                .join(" OR ")
        ),
    }
}

/// `POST /api/v1/eligibility` with synthetic residents' full profiles: latency with one
/// connection, throughput with 16.
async fn one_resident(db: &gongfu_db::Db, schema: &Schema) -> Result<()> {
    let base = crate::serve(db.clone()).await?;
    let sample = synthesize(
        schema,
        &Marginals::standard(),
        &[CommunityCount {
            code: "440399001001".into(),
            hukou: 700,
            permanent: 1800,
            served: 2000,
        }],
        AT,
        5,
    );
    let bodies: Vec<String> = (0..sample.len())
        .map(|i| {
            let p = gongfu_rules::Profile {
                values: sample.row(schema, i),
            };
            serde_json::json!({"profile": p.to_json(schema), "date": "2026-11-25"}).to_string()
        })
        .collect();
    let bodies = std::sync::Arc::new(bodies);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(16)
        .build()?;
    let url = format!("{base}/api/v1/eligibility");
    println!("### One resident, whole list, over HTTP (`POST /api/v1/eligibility`, full synthetic profiles, in-process server, SQLite)\n");
    println!("| connections | requests | throughput (req/s) | p50 (ms) | p99 (ms) |\n|---:|---:|---:|---:|---:|");
    for (conns, per_conn) in [(1usize, 2000usize), (16, 250)] {
        for i in 0..50 {
            let r = client
                .post(&url)
                .header("content-type", "application/json")
                .body(bodies[i].clone())
                .send()
                .await?;
            if !r.status().is_success() {
                bail!("warm-up request failed: {}", r.text().await?);
            }
            r.bytes().await?;
        }
        let t0 = Instant::now();
        let mut tasks = Vec::new();
        for c in 0..conns {
            let (client, url, bodies) = (client.clone(), url.clone(), bodies.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::with_capacity(per_conn);
                for k in 0..per_conn {
                    let body = bodies[(c * per_conn + k) % bodies.len()].clone();
                    let t = Instant::now();
                    let r = client
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await?;
                    let ok = r.status().is_success();
                    r.bytes().await?;
                    if !ok {
                        bail!("request failed");
                    }
                    lat.push(t.elapsed());
                }
                Ok::<_, anyhow::Error>(lat)
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await??);
        }
        let wall = t0.elapsed();
        all.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {conns} | {} | {:.0} | {:.2} | {:.2} |",
            all.len(),
            all.len() as f64 / wall.as_secs_f64(),
            ms(crate::percentile(&all, 0.5)),
            ms(crate::percentile(&all, 0.99))
        );
    }
    println!();
    Ok(())
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

pub async fn bench_eligibility() -> Result<()> {
    let total = persons();
    let (db, _dir) = crate::fresh_db(None).await?;
    let services = crate::services(db.clone())?;
    gongfu_app::demo::load(&services)
        .await
        .context("loading the demo")?;
    let catalog = &services.catalog;
    let snapshot = catalog.require(None).await?;
    let schema = Schema::shared();
    let compiled = Compiled::new(snapshot, AT, schema);
    let n_items = compiled.items.len();
    let n_atoms = compiled.program.atoms.len();
    println!("## Eligibility microsimulation ({total} synthetic residents × {n_items} items of demo list version {}, {n_atoms} distinct tests)\n", compiled.snapshot.version.number);

    one_resident(&db, schema).await?;

    let comms = communities(total);
    let t = Instant::now();
    let pop = synthesize(schema, &Marginals::standard(), &comms, AT, 2026);
    let synth = t.elapsed();
    let pop_mib = pop.bytes() as f64 / (1 << 20) as f64;
    println!(
        "- synthesized {} persons in {} communities in {:.2} s; columns take {pop_mib:.0} MiB",
        pop.len(),
        comms.len(),
        secs(synth)
    );

    let _ = microsim::run(&compiled, &pop); // warm-up
    reset_peak();
    let rss_before = vm("VmRSS:");
    let mut runs = Vec::new();
    let mut counts = None;
    for _ in 0..3 {
        let t = Instant::now();
        counts = Some(microsim::run(&compiled, &pop));
        runs.push(t.elapsed());
    }
    let peak = vm("VmHWM:");
    let Some(counts) = counts else {
        bail!("no run")
    };
    runs.sort();
    let ours = runs[1];
    println!("- gongfu: median of 3 runs {:.3} s (min {:.3}, max {:.3}); RSS before the runs {rss_before:.0} MiB, peak during them {peak:.0} MiB", secs(ours), secs(runs[0]), secs(runs[2]));

    // DuckDB on the same data.
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("pop.csv");
    let t = Instant::now();
    write_csv(&pop, schema, &csv)?;
    println!(
        "- wrote the population as CSV for DuckDB ({:.0} MiB) in {:.1} s",
        std::fs::metadata(&csv)?.len() as f64 / (1 << 20) as f64,
        secs(t.elapsed())
    );
    let atoms: Vec<String> = compiled
        .program
        .atoms
        .iter()
        .map(|a| atom_sql(a, schema, &pop))
        .collect();
    let mut sql = String::from("SELECT community, count(*) AS persons");
    for (k, (_, node)) in compiled.program.items.iter().enumerate() {
        sql.push_str(&format!(
            ",\n  count(*) FILTER (WHERE {}) AS i{k}",
            node_sql(node, &atoms)
        ));
    }
    sql.push_str("\nFROM pop GROUP BY community ORDER BY community");
    // Pairs in CSV order (a JSON object would come out sorted).
    let types: Vec<(String, &str)> = columns(schema);
    std::fs::write(
        dir.path().join("types.json"),
        serde_json::to_string(&types)?,
    )?;
    std::fs::write(dir.path().join("query.sql"), &sql)?;
    drop(pop);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/duckdb_bench.py");
    let out = dir.path().join("out.json");
    let status = std::process::Command::new("python3")
        .arg(script)
        .arg(&csv)
        .arg(dir.path().join("types.json"))
        .arg(dir.path().join("query.sql"))
        .arg(&out)
        .status()
        .context("running python3 xtask/duckdb_bench.py (pip install duckdb)")?;
    if !status.success() {
        bail!("xtask/duckdb_bench.py failed ({status}); is the duckdb package installed (pip install duckdb)?");
    }
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&out)?)?;
    let mut q: Vec<f64> = r["query_s"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
        .unwrap_or_default();
    q.sort_by(f64::total_cmp);
    let theirs = q.get(1).copied().unwrap_or(f64::NAN);
    println!(
        "- DuckDB {} ({} threads): load {:.1} s; median of 3 queries {theirs:.3} s (min {:.3}, max {:.3}); RSS after load {:.0} MiB, peak {:.0} MiB",
        r["duckdb"].as_str().unwrap_or("?"),
        r["threads"],
        r["load_s"].as_f64().unwrap_or(0.0),
        q.first().copied().unwrap_or(f64::NAN),
        q.last().copied().unwrap_or(f64::NAN),
        r["rss_after_load_mib"].as_f64().unwrap_or(0.0),
        r["peak_rss_mib"].as_f64().unwrap_or(0.0),
    );
    // Every count compared.
    let rows = r["rows"].as_array().cloned().unwrap_or_default();
    let mut differences = 0;
    for row in &rows {
        let g = row[0].as_u64().unwrap_or(u64::MAX) as usize;
        if row[1].as_u64() != Some(counts.persons[g]) {
            differences += 1;
        }
        for k in 0..n_items {
            if row[k + 2].as_u64() != Some(counts.eligible[k][g]) {
                differences += 1;
            }
        }
    }
    if rows.len() != counts.communities.len() {
        bail!(
            "DuckDB returned {} communities, gongfu {}",
            rows.len(),
            counts.communities.len()
        );
    }
    println!(
        "- compared {} counts (communities × items): {differences} differences",
        rows.len() * (n_items + 1)
    );
    println!("\n| engine | median s | ratio |\n|---|---:|---:|\n| gongfu (bitsets, 2 threads) | {:.3} | 1.0 |\n| DuckDB SQL | {theirs:.3} | {:.1}x |\n", secs(ours), theirs / secs(ours));
    if differences > 0 {
        bail!("{differences} counts differ between gongfu and DuckDB");
    }
    Ok(())
}

/// The affordability assessment on the demo district's full synthetic population
/// (1,370,596 persons, 2024): one year, three projected years, three years against the
/// demo scenario, five years with migration. Median of three of each; the projection step
/// (deaths, births, migration) timed on its own.
pub async fn bench_affordability() -> Result<()> {
    use gongfu_affordability::afford::{self, Bands, RunInput, Scenario};
    use gongfu_affordability::project::{advance, Rates};
    let (db, _dir) = crate::fresh_db(None).await?;
    let services = crate::services(db.clone())?;
    gongfu_app::demo::load(&services)
        .await
        .context("loading the demo")?;
    let e = &services.affordability;
    let info = e
        .populations()
        .await?
        .into_iter()
        .next()
        .context("the demo has a population")?;
    let t = Instant::now();
    let (_, pop) = e.population(info.id).await?;
    let drawn = t.elapsed();
    let snap = services.catalog.require(None).await?;
    let schema = Schema::shared();
    let costs = e.cost_book().await?;
    let budgets = e.budgets(&info.region_code).await?;
    let names = services.eligibility.region_names().await?;
    let marginals = Marginals::standard();
    let scenario: Scenario = serde_json::from_slice(gongfu_app::demo::SCENARIO)?;
    let cand = afford::apply(&scenario, &snap.items, &snap.taxonomy, schema)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    println!(
        "## Affordability runs ({} persons, {} items, demo list version {})\n",
        pop.len(),
        snap.items.len(),
        snap.version.number
    );
    println!(
        "- drew the demo's synthetic population in {:.2} s",
        secs(drawn)
    );
    let rates = Rates::default();
    let migrating = Rates {
        net_migration_rate: 0.01,
        ..Rates::default()
    };
    let t = Instant::now();
    let next = advance(schema, &marginals, &pop, &rates, 20240701, 20250701, 1);
    println!(
        "- one projection step (deaths, {} births, migration): {:.3} s",
        next.len() + 1 - pop.len(),
        secs(t.elapsed())
    );
    drop(next);
    println!("\n| run | years | median s | min / max s |\n|---|---:|---:|---:|");
    for (label, years, with_cand, r) in [
        ("version only", 1u32, false, &rates),
        ("version only", 3, false, &rates),
        ("version and the demo scenario", 3, true, &rates),
        (
            "version and scenario, 1% net migration",
            5,
            true,
            &migrating,
        ),
    ] {
        let mut times = Vec::new();
        for _ in 0..3 {
            let input = RunInput {
                schema,
                marginals: &marginals,
                version: snap.version.number,
                taxonomy: &snap.taxonomy,
                items: &snap.items,
                candidate: with_cand.then_some(&cand),
                population: &pop,
                population_year: info.year as i32,
                weight: 1.0,
                costs: &costs,
                budgets: &budgets,
                budget_growth: 0.03,
                bands: Bands::default(),
                start_year: 2024,
                years,
                rates: r,
                seed: 2026,
                region_names: &names,
            };
            let t = Instant::now();
            afford::run(&input).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "| {label} | {years} | {:.3} | {:.3} / {:.3} |",
            secs(times[1]),
            secs(times[0]),
            secs(times[2])
        );
    }
    println!();
    Ok(())
}
