//! `bench nearby` and `bench circles`: the spatial index and the service-circle analysis on
//! city-sized generated data, side by side with PostgreSQL + PostGIS answering the same
//! questions in the same run (`GONGFU_BENCH_POSTGRES_URL`, a server with the postgis
//! extension available, e.g. Debian's postgresql-15-postgis-3).

use anyhow::{bail, Context, Result};
use gongfu_db::places::save_points;
use gongfu_domain::facility::FacilityTypes;
use gongfu_domain::geo::LatLng;
use gongfu_domain::place::{PointStatus, ResidentialSite, ServicePoint};
use gongfu_domain::RegionCode;
use gongfu_places::circles::{analyse, CircleParams, Facility, Target};
use gongfu_places::index::SpatialIndex;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::Row;
use std::time::{Duration, Instant};

use crate::{fresh_db, percentile, serve};

/// Shenzhen's box, roughly: where the generated points lie.
const BOX: (f64, f64, f64, f64) = (22.45, 22.85, 113.75, 114.60);

struct Lcg(u64);

impl Lcg {
    fn f(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal draw (Box-Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.f().max(1e-12), self.f());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// `n` positions: 70% around 200 centres (a few km spread, like a city's built-up areas),
/// 30% uniform over the box.
fn positions(n: usize, seed: u64) -> Vec<LatLng> {
    let mut r = Lcg(seed);
    let (s, no, w, e) = BOX;
    let centres: Vec<LatLng> = (0..200)
        .map(|_| LatLng {
            lat: s + r.f() * (no - s),
            lng: w + r.f() * (e - w),
        })
        .collect();
    (0..n)
        .map(|_| {
            if r.f() < 0.7 {
                let c = centres[(r.f() * 200.0) as usize % 200];
                let spread = 0.004 + r.f() * 0.02;
                LatLng {
                    lat: (c.lat + r.normal() * spread).clamp(s, no),
                    lng: (c.lng + r.normal() * spread).clamp(w, e),
                }
            } else {
                LatLng {
                    lat: s + r.f() * (no - s),
                    lng: w + r.f() * (e - w),
                }
            }
        })
        .collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn stats(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    (ms(percentile(&v, 0.5)), ms(percentile(&v, 0.99)))
}

async fn postgis(url: &str, name: &str) -> Result<PgPool> {
    let admin = PgPoolOptions::new().max_connections(1).connect(url).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&admin)
        .await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await?;
    admin.close().await;
    let db_url = format!(
        "{}/{name}",
        url.rsplit_once('/').map(|(b, _)| b).unwrap_or(url)
    );
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .connect(&db_url)
        .await?;
    sqlx::query("CREATE EXTENSION postgis")
        .execute(&pool)
        .await
        .context("CREATE EXTENSION postgis: install Debian's postgresql-15-postgis-3")?;
    Ok(pool)
}

/// Loads `(id, tag, position)` rows into `table` with COPY, then a GiST index and ANALYZE.
async fn load(
    pool: &PgPool,
    table: &str,
    rows: &[(i64, u16, LatLng)],
    extra: &str,
) -> Result<Duration> {
    sqlx::query(&format!(
        "CREATE TABLE {table} (id BIGINT PRIMARY KEY, tag SMALLINT NOT NULL, geog geography(Point, 4326) NOT NULL{extra})"
    ))
    .execute(pool)
    .await?;
    let t0 = Instant::now();
    let mut conn = pool.acquire().await?;
    let mut copy = conn
        .copy_in_raw(&format!("COPY {table} (id, tag, geog) FROM STDIN"))
        .await?;
    let mut buf = String::with_capacity(64 * 1024);
    for (id, tag, p) in rows {
        buf.push_str(&format!(
            "{id}\t{tag}\tSRID=4326;POINT({} {})\n",
            p.lng, p.lat
        ));
        if buf.len() > 60_000 {
            copy.send(buf.as_bytes()).await?;
            buf.clear();
        }
    }
    copy.send(buf.as_bytes()).await?;
    copy.finish().await?;
    drop(conn);
    sqlx::query(&format!(
        "CREATE INDEX {table}_geog ON {table} USING GIST (geog)"
    ))
    .execute(pool)
    .await?;
    sqlx::query(&format!("ANALYZE {table}"))
        .execute(pool)
        .await?;
    Ok(t0.elapsed())
}

const NEAR_SQL: &str = "SELECT id FROM pts WHERE ST_DWithin(geog, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $3, false) \
    ORDER BY ST_Distance(geog, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, false)";

pub async fn bench_nearby() -> Result<()> {
    let n = 1_000_000;
    let pts = positions(n, 42);
    // 13 is prime to 21: every type gets its share of points.
    let tags: Vec<u16> = (0..n).map(|i| (i * 13 % 21) as u16).collect();
    let queries = positions(2_000, 7);
    println!(
        "\n### Nearby over {n} generated points (2,000 query positions, release build, 2 cores)\n"
    );
    let t0 = Instant::now();
    let index = SpatialIndex::build(
        pts.iter()
            .zip(&tags)
            .enumerate()
            .map(|(i, (p, t))| (i as u32, *p, *t)),
    );
    let build = t0.elapsed();
    println!(
        "gongfu index: built in {:.2} s, {} MiB of packed entries\n",
        build.as_secs_f64(),
        n * (8 + 8 + 8 + 4 + 2) / (1 << 20)
    );
    let pg_url = std::env::var("GONGFU_BENCH_POSTGRES_URL").ok();
    let pool = match &pg_url {
        Some(u) => {
            let pool = postgis(u, &format!("gongfu_nearby_{}", std::process::id())).await?;
            let rows: Vec<(i64, u16, LatLng)> = pts
                .iter()
                .zip(&tags)
                .enumerate()
                .map(|(i, (p, t))| (i as i64, *t, *p))
                .collect();
            let took = load(&pool, "pts", &rows, "").await?;
            println!(
                "PostGIS: COPY + GiST index + ANALYZE of {n} points in {:.1} s\n",
                took.as_secs_f64()
            );
            Some(pool)
        }
        None => {
            eprintln!("GONGFU_BENCH_POSTGRES_URL not set: the PostGIS column is skipped");
            None
        }
    };
    println!("| query | mean hits | gongfu p50 (ms) | gongfu p99 (ms) | PostGIS p50 (ms) | PostGIS p99 (ms) | PostGIS p50 / gongfu p50 | answers differ |");
    println!("|---|---|---|---|---|---|---|---|");
    for (label, radius, only) in [
        ("radius 500 m", 500.0, None),
        ("radius 1000 m", 1000.0, None),
        ("radius 1500 m", 1500.0, None),
        ("radius 5000 m", 5000.0, None),
        ("radius 1500 m, one type", 1500.0, Some(3u16)),
    ] {
        let filter = only.map(|t| vec![t]);
        let mut ours = Vec::with_capacity(queries.len());
        let mut hits = 0usize;
        let mut answers = Vec::with_capacity(queries.len());
        for q in &queries {
            let t0 = Instant::now();
            let h = index.within(*q, radius, filter.as_deref());
            ours.push(t0.elapsed());
            hits += h.len();
            answers.push(h.iter().map(|h| h.slot as i64).collect::<Vec<_>>());
        }
        let (p50, p99) = stats(ours);
        let (mut g50, mut g99, mut differ) = (f64::NAN, f64::NAN, 0usize);
        if let Some(pool) = &pool {
            let sql = match only {
                Some(t) => NEAR_SQL.replace("WHERE", &format!("WHERE tag = {t} AND")),
                None => NEAR_SQL.to_string(),
            };
            let mut conn = pool.acquire().await?;
            let mut theirs = Vec::with_capacity(queries.len());
            for (q, mine) in queries.iter().zip(&answers) {
                let t0 = Instant::now();
                let rows = sqlx::query(&sql)
                    .bind(q.lng)
                    .bind(q.lat)
                    .bind(radius)
                    .fetch_all(&mut *conn)
                    .await?;
                theirs.push(t0.elapsed());
                let mut a: Vec<i64> = rows.iter().map(|r| r.get::<i64, _>(0)).collect();
                let mut b = mine.clone();
                a.sort_unstable();
                b.sort_unstable();
                if a != b {
                    // Only a point within a few centimetres of the edge may differ (the
                    // two use slightly different sphere radii); anything else is a bug.
                    let mut sym: Vec<i64> = a
                        .iter()
                        .filter(|x| b.binary_search(x).is_err())
                        .copied()
                        .collect();
                    sym.extend(b.iter().filter(|x| a.binary_search(x).is_err()));
                    for id in sym {
                        let d = q.distance_m(pts[id as usize]);
                        if (d - radius).abs() > 0.05 {
                            bail!("PostGIS and gongfu disagree on point {id} at {d} m for radius {radius}");
                        }
                        differ += 1;
                    }
                }
            }
            (g50, g99) = stats(theirs);
        }
        println!(
            "| {label} | {:.0} | {p50:.3} | {p99:.3} | {g50:.3} | {g99:.3} | {:.1} | {differ} |",
            hits as f64 / queries.len() as f64,
            g50 / p50
        );
    }
    http_load(&pts, &tags, &queries, pool.as_ref()).await?;
    Ok(())
}

/// The HTTP endpoint under wrk, and PostGIS under the same closed-loop concurrency.
async fn http_load(
    pts: &[LatLng],
    tags: &[u16],
    queries: &[LatLng],
    pool: Option<&PgPool>,
) -> Result<()> {
    let types = FacilityTypes::shipped();
    let (db, _dir) = fresh_db(None).await?;
    let t0 = Instant::now();
    let points: Vec<ServicePoint> = pts
        .iter()
        .zip(tags)
        .enumerate()
        .map(|(i, (p, t))| ServicePoint {
            code: format!("B{i:07}"),
            name: format!("基准点{i}"),
            facility_type: types.all()[*t as usize % types.all().len()].code.clone(),
            address: String::new(),
            position: *p,
            phone: String::new(),
            hours: None,
            capacity: None,
            floor_area_m2: None,
            items: vec![],
            department: None,
            community: None,
            status: PointStatus::Open,
            demo: true,
        })
        .collect();
    save_points(&db, &points, &[], "bench", "bench").await?;
    let stored = t0.elapsed();
    let base = serve(db).await?;
    let t0 = Instant::now();
    let warm = reqwest::get(format!(
        "{base}/api/v1/points/nearby?lat=22.6&lng=114.0&radius=1000"
    ))
    .await?;
    if !warm.status().is_success() {
        bail!("warm-up request failed: {}", warm.status());
    }
    let loaded = t0.elapsed();
    let dir = tempfile::tempdir()?;
    let script = dir.path().join("nearby.lua");
    let mut lua = String::from("local q = {\n");
    for q in queries {
        lua.push_str(&format!(
            "  \"/api/v1/points/nearby?lat={:.6}&lng={:.6}&radius=1000&per_page=50\",\n",
            q.lat, q.lng
        ));
    }
    lua.push_str("}\nlocal i = 0\nrequest = function()\n  i = i % #q + 1\n  return wrk.format(\"GET\", q[i])\nend\n");
    std::fs::write(&script, lua)?;
    println!(
        "\nHTTP: {} points stored in SQLite in {:.1} s, read into the index at the first request in {:.1} s.\n",
        pts.len(),
        stored.as_secs_f64(),
        loaded.as_secs_f64()
    );
    let out = std::process::Command::new("wrk")
        .args(["-t2", "-c16", "-d20s", "--latency", "-s"])
        .arg(&script)
        .arg(&base)
        .output()
        .context("wrk runs (Debian package wrk)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let grab = |key: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("?")
            .to_string()
    };
    println!("| load (16 connections, 20 s, radius 1000 m) | requests/s | p50 | p99 |");
    println!("|---|---|---|---|");
    println!(
        "| gongfu `GET /api/v1/points/nearby` under wrk | {} | {} | {} |",
        grab("Requests/sec:"),
        grab("50%"),
        grab("99%")
    );
    if let Some(pool) = pool {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut tasks = vec![];
        for c in 0..16usize {
            let pool = pool.clone();
            let qs: Vec<LatLng> = queries.to_vec();
            tasks.push(tokio::spawn(async move {
                let mut lat = vec![];
                let mut i = c * 97;
                while Instant::now() < deadline {
                    let q = qs[i % qs.len()];
                    i += 1;
                    let t0 = Instant::now();
                    let rows = sqlx::query(&format!("{NEAR_SQL} LIMIT 50"))
                        .bind(q.lng)
                        .bind(q.lat)
                        .bind(1000.0f64)
                        .fetch_all(&pool)
                        .await;
                    if rows.is_err() {
                        break;
                    }
                    lat.push(t0.elapsed());
                }
                lat
            }));
        }
        let mut all = vec![];
        for t in tasks {
            all.extend(t.await?);
        }
        let n = all.len();
        let (p50, p99) = stats(all);
        println!(
            "| PostGIS, the same queries (LIMIT 50) from 16 connections in a closed loop | {:.0} | {p50:.2}ms | {p99:.2}ms |",
            n as f64 / 20.0
        );
    }
    if !out.status.success() {
        bail!("wrk failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

pub async fn bench_circles() -> Result<()> {
    let (ns, nf) = (50_000usize, 20_000usize);
    let shipped = FacilityTypes::shipped();
    let ten = &shipped.all()[..10];
    let csv = |ts: &[gongfu_domain::facility::FacilityType], areas: bool| {
        let mut s = String::from("代码,名称,别名,容量单位,服务领域\n");
        for t in ts {
            s.push_str(&format!(
                "{},{},,{},{}\n",
                t.code,
                t.name,
                t.capacity_unit,
                if areas {
                    t.areas.join("|")
                } else {
                    String::new()
                }
            ));
        }
        s
    };
    let types = FacilityTypes::parse(&csv(ten, true)).map_err(anyhow::Error::msg)?;
    let one = FacilityTypes::parse(&csv(&ten[..1], false)).map_err(anyhow::Error::msg)?;
    let mut r = Lcg(99);
    // Communities: a 25 x 24 grid over the box, 600 of them.
    let community = |p: LatLng| {
        let (s, no, w, e) = BOX;
        let row = (((p.lat - s) / (no - s)) * 24.0).min(23.0) as u32;
        let col = (((p.lng - w) / (e - w)) * 25.0).min(24.0) as u32;
        RegionCode::parse(&format!(
            "4403{:02}{:03}{:03}",
            90 + row / 12,
            row % 12 + 1,
            col + 1
        ))
        .ok()
    };
    let sites: Vec<ResidentialSite> = positions(ns, 5)
        .into_iter()
        .enumerate()
        .map(|(i, p)| ResidentialSite {
            code: format!("S{i}"),
            name: format!("小区{i}"),
            position: p,
            population: 200 + (r.f() * 2800.0) as u32,
            community: community(p),
            demo: true,
        })
        .collect();
    let facilities: Vec<Facility> = positions(nf, 6)
        .into_iter()
        .enumerate()
        .map(|(i, p)| Facility {
            id: i as i64,
            type_ix: (i % 10) as u16,
            position: p,
        })
        .collect();
    println!("\n### Service circles: {ns} residential sites x {nf} facilities of 10 types (release, 2 cores)\n");
    let params = CircleParams::default();
    let mut runs = vec![];
    let mut report = None;
    for _ in 0..3 {
        let t0 = Instant::now();
        report = Some(analyse(&sites, &facilities, &types, params));
        runs.push(t0.elapsed());
    }
    let report = report.context("ran")?;
    let gaps: usize = report
        .coverage
        .values()
        .flat_map(|by| by.values())
        .map(|c| c.gaps.len())
        .sum();
    let communities = report
        .coverage
        .values()
        .next()
        .map(|b| b.len())
        .unwrap_or(0);
    let mut sorted = runs.clone();
    sorted.sort();
    println!(
        "gongfu `circles::analyse`, all {} targets (10 types + their areas) x {communities} communities: runs {} s, median {:.2} s; {gaps} site gaps listed with their nearest facility\n",
        report.coverage.len(),
        runs.iter().map(|d| format!("{:.2}", d.as_secs_f64())).collect::<Vec<_>>().join(" / "),
        sorted[1].as_secs_f64()
    );
    // One type, both ways.
    let only: Vec<Facility> = facilities
        .iter()
        .filter(|f| f.type_ix == 0)
        .cloned()
        .collect();
    let mut ours = vec![];
    let mut covered = 0;
    for _ in 0..3 {
        let t0 = Instant::now();
        let rep = analyse(&sites, &only, &one, params);
        ours.push(t0.elapsed());
        covered = rep
            .total(&Target::Type(ten[0].code.clone()))
            .map(|c| c.covered)
            .unwrap_or(0);
    }
    ours.sort();
    let Some(url) = std::env::var("GONGFU_BENCH_POSTGRES_URL").ok() else {
        eprintln!("GONGFU_BENCH_POSTGRES_URL not set: the PostGIS comparison is skipped");
        println!(
            "gongfu, one type ({} facilities): median {:.3} s, {covered} residents covered",
            only.len(),
            ours[1].as_secs_f64()
        );
        return Ok(());
    };
    let pool = postgis(&url, &format!("gongfu_circles_{}", std::process::id())).await?;
    let s_rows: Vec<(i64, u16, LatLng)> = sites
        .iter()
        .enumerate()
        .map(|(i, s)| (i as i64, 0, s.position))
        .collect();
    let f_rows: Vec<(i64, u16, LatLng)> = facilities
        .iter()
        .map(|f| (f.id, f.type_ix, f.position))
        .collect();
    load(&pool, "sites", &s_rows, ", population INT").await?;
    // Populations in one statement: the generated values, by id.
    let ids: Vec<i64> = (0..ns as i64).collect();
    let pops: Vec<i32> = sites.iter().map(|s| s.population as i32).collect();
    sqlx::query("UPDATE sites SET population = v.p FROM UNNEST($1::bigint[], $2::int[]) AS v(id, p) WHERE sites.id = v.id")
        .bind(&ids)
        .bind(&pops)
        .execute(&pool)
        .await?;
    load(&pool, "facilities", &f_rows, "").await?;
    let sql = "SELECT COALESCE(SUM(s.population), 0)::bigint FROM sites s WHERE EXISTS \
        (SELECT 1 FROM facilities f WHERE f.tag = 0 AND ST_DWithin(f.geog, s.geog, 1000, false))";
    let mut theirs = vec![];
    let mut their_covered = 0i64;
    for _ in 0..3 {
        let t0 = Instant::now();
        their_covered = sqlx::query(sql).fetch_one(&pool).await?.get(0);
        theirs.push(t0.elapsed());
    }
    theirs.sort();
    println!(
        "| one type ({} facilities), 1000 m | median (s) | residents covered |",
        only.len()
    );
    println!("|---|---|---|");
    println!("| gongfu `circles::analyse` (also finds each gap's nearest facility) | {:.3} | {covered} |", ours[1].as_secs_f64());
    println!(
        "| PostGIS `EXISTS … ST_DWithin` with GiST indexes | {:.3} | {their_covered} |",
        theirs[1].as_secs_f64()
    );
    println!(
        "\nPostGIS / gongfu: {:.1}x",
        theirs[1].as_secs_f64() / ours[1].as_secs_f64()
    );
    Ok(())
}
