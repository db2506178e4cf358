//! Storage round trips, run on the backend GONGFU_TEST_DATABASE_URL selects (SQLite when unset).

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns may panic: that is how a test fails

use gongfu_db::{adjustments, audit, catalog, regions, testing};
use gongfu_domain::catalog::{Area, Category};
use gongfu_domain::{
    AdjustmentStatus, Decision, ItemDraft, ProposalKind, RegionCode, ServiceItem, Taxonomy,
};

fn taxonomy() -> Taxonomy {
    Taxonomy::new(
        vec![Area {
            no: 8,
            name: "优军服务保障".into(),
        }],
        vec![Category {
            no: 20,
            area_no: 8,
            name: "优军优抚服务".into(),
        }],
    )
    .unwrap()
}

fn item(code: &str, name: &str) -> ServiceItem {
    let d = ItemDraft {
        code: code.into(),
        name: name.into(),
        category: "优军优抚服务".into(),
        seq: "1".into(),
        target_population: "退役军人".into(),
        content: "内容".into(),
        standard: "标准".into(),
        expenditure_responsibility: "中央财政和地方财政共同承担支出责任".into(),
        lead_departments: "退役军人部、人力资源社会保障部".into(),
        delivery_channels: "窗口、网上".into(),
        regions: "440304000000".into(),
        provenance: "示例".into(),
        ..Default::default()
    };
    ServiceItem::parse(&d, &taxonomy()).unwrap()
}

#[tokio::test]
async fn migrations_are_idempotent() {
    let t = testing::fresh().await;
    assert!(
        t.db.migrate().await.unwrap().is_empty(),
        "a second run applies nothing"
    );
}

#[tokio::test]
async fn publish_and_read_back_a_version() {
    let t = testing::fresh().await;
    let tax = taxonomy();
    let items = vec![item("N2001", "优待抚恤"), item("N2002", "退役军人安置")];
    let v = catalog::publish(
        &t.db,
        catalog::NewVersion {
            label: "2021年版".into(),
            notes: String::new(),
            actor: "tester".into(),
            adjustment_id: None,
            taxonomy: &tax,
            items: &items,
            floor: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(v.number, 1);
    assert_eq!(catalog::taxonomy(&t.db, v.id).await.unwrap(), tax);
    assert_eq!(catalog::items(&t.db, v.id).await.unwrap(), items);
    assert_eq!(catalog::latest(&t.db).await.unwrap().unwrap().number, 1);
    let depts = regions::departments(&t.db).await.unwrap();
    assert_eq!(
        depts.len(),
        2,
        "lead departments are registered on publication"
    );
    let log = audit::list(&t.db, Some("version"), 10).await.unwrap();
    assert_eq!(log[0].action, "version.publish");
}

#[tokio::test]
async fn large_versions_are_written_in_batches() {
    let t = testing::fresh().await;
    let tax = taxonomy();
    let items: Vec<_> = (0..1001)
        .map(|i| item(&format!("X{i:05}"), &format!("事项{i}")))
        .collect();
    let v = catalog::publish(
        &t.db,
        catalog::NewVersion {
            label: "大".into(),
            notes: String::new(),
            actor: "t".into(),
            adjustment_id: None,
            taxonomy: &tax,
            items: &items,
            floor: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(catalog::items(&t.db, v.id).await.unwrap().len(), 1001);
}

#[tokio::test]
async fn adjustments_store_proposals_and_decisions() {
    let t = testing::fresh().await;
    let p = adjustments::NewProposal {
        kind: ProposalKind::Add,
        target_codes: vec![],
        item: Some(ItemDraft {
            code: "L1".into(),
            ..Default::default()
        }),
        rationale: "居民诉求".into(),
        evidence: vec!["https://example.org/a".into()],
    };
    let id = adjustments::create(
        &t.db,
        "调整",
        "",
        None,
        Some(&taxonomy()),
        std::slice::from_ref(&p),
        "alice",
    )
    .await
    .unwrap();
    let pid = adjustments::add_proposal(&t.db, id, &p, "bob")
        .await
        .unwrap();
    adjustments::decide(&t.db, pid, Decision::Rejected, "证据不足", "carol")
        .await
        .unwrap();
    let (adj, props) = adjustments::get_with_proposals(&t.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(adj.status, AdjustmentStatus::Open);
    assert_eq!(adj.taxonomy, Some(taxonomy()));
    assert_eq!(props.len(), 2);
    assert_eq!(props[1].decision, Decision::Rejected);
    assert_eq!(props[1].decided_by.as_deref(), Some("carol"));
    assert_eq!(props[0].item.as_ref().unwrap().code, "L1");
    adjustments::close(&t.db, id, AdjustmentStatus::Withdrawn, "alice")
        .await
        .unwrap();
    assert_eq!(
        adjustments::list(&t.db).await.unwrap()[0].status,
        AdjustmentStatus::Withdrawn
    );
}

#[tokio::test]
async fn regions_keep_history() {
    let t = testing::fresh().await;
    let code = RegionCode::parse("440304008000").unwrap();
    let mk = |from, to| regions::Region {
        code: code.clone(),
        name: "示例街道".into(),
        level: code.level(),
        parent_code: code.parent(),
        valid_from: from,
        valid_to: to,
        provenance: "示例".into(),
    };
    regions::upsert(&t.db, &[mk(2000, Some(2019)), mk(2020, None)], &[], "t")
        .await
        .unwrap();
    assert_eq!(regions::list(&t.db).await.unwrap().len(), 2);
    assert_eq!(
        regions::get_region(&t.db, &code)
            .await
            .unwrap()
            .unwrap()
            .valid_from,
        2020
    );
}

#[tokio::test]
async fn backup_copies_a_live_sqlite_database() {
    let t = testing::fresh().await;
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("copy.db");
    match t.db.backend() {
        gongfu_db::Backend::Sqlite => {
            t.db.backup(&to).await.unwrap();
            let copy = gongfu_db::Db::connect(&format!("sqlite://{}", to.display()))
                .await
                .unwrap();
            assert!(
                copy.migrate().await.unwrap().is_empty(),
                "the copy has the schema"
            );
            assert!(
                t.db.backup(&to).await.is_err(),
                "an existing file is never overwritten"
            );
        }
        gongfu_db::Backend::Postgres => {
            let e = t.db.backup(&to).await.unwrap_err().to_string();
            assert!(e.contains("pg_dump"), "{e}");
        }
    }
}

/// PostgreSQL is the production path and usually across a network: the binary must speak
/// TLS to it. Runs on the PostgreSQL pass (CI's cluster serves TLS with a throwaway
/// certificate); on SQLite there is nothing to check.
#[tokio::test]
async fn postgres_connections_can_be_encrypted() {
    let t = testing::fresh().await;
    if t.db.backend() != gongfu_db::Backend::Postgres {
        return;
    }
    let sep = if t.url.contains('?') { '&' } else { '?' };
    let db = gongfu_db::Db::connect(&format!("{}{sep}sslmode=require", t.url))
        .await
        .unwrap();
    assert!(
        db.connection_is_encrypted().await.unwrap(),
        "sslmode=require gave a plain connection"
    );
    // The probe can tell the difference: with TLS refused the connection is plain. (Without
    // sslmode, sqlx prefers TLS when the server offers it, as libpq does.)
    let plain = gongfu_db::Db::connect(&format!("{}{sep}sslmode=disable", t.url))
        .await
        .unwrap();
    assert!(!plain.connection_is_encrypted().await.unwrap());
}

fn doc(kind: &str, key: &str, title: &str) -> gongfu_db::documents::StoredDocument {
    gongfu_db::documents::StoredDocument {
        kind: kind.into(),
        key: key.into(),
        title: title.into(),
        source_name: format!("{key}.md"),
        source_format: "markdown".into(),
        body: r#"{"title":"t","number":null,"blocks":[]}"#.into(),
        plain_text: "正文".into(),
        demo: kind == "guide",
        updated_at: String::new(),
        updated_by: String::new(),
    }
}

#[tokio::test]
async fn documents_are_saved_replaced_listed_and_removed_with_an_audit_entry() {
    use gongfu_db::documents;
    let t = testing::fresh().await;
    documents::save(
        &t.db,
        &[
            doc("standard", "GB/T 1.1-2020", "导则"),
            doc("guide", "N0101", "指南"),
        ],
        &[],
        "tester",
        "texts.import",
    )
    .await
    .unwrap();
    let all = documents::list(&t.db, None).await.unwrap();
    assert_eq!(all.len(), 2);
    let guides = documents::list(&t.db, Some("guide")).await.unwrap();
    assert_eq!(guides.len(), 1);
    assert!(guides[0].demo);
    // Saving the same key replaces, it does not duplicate.
    documents::save(
        &t.db,
        &[doc("guide", "N0101", "新指南")],
        &[],
        "tester",
        "texts.import",
    )
    .await
    .unwrap();
    let g = documents::get_document(&t.db, "guide", "N0101")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(g.title, "新指南");
    assert_eq!(g.updated_by, "tester");
    assert!(!g.updated_at.is_empty());
    documents::save(
        &t.db,
        &[],
        &[("standard".into(), "GB/T 1.1-2020".into())],
        "tester",
        "texts.remove",
    )
    .await
    .unwrap();
    assert_eq!(documents::all(&t.db).await.unwrap().len(), 1);
    assert!(documents::get_document(&t.db, "standard", "GB/T 1.1-2020")
        .await
        .unwrap()
        .is_none());
    let log = audit::list(&t.db, Some("document"), 10).await.unwrap();
    assert_eq!(log.len(), 3);
}

#[tokio::test]
async fn finance_rows_with_and_without_optional_columns_round_trip() {
    use gongfu_db::eligibility::{budgets, costs, save_finance, BudgetRow, CostRow};
    let t = testing::fresh().await;
    // Optional columns empty on some rows and given on others, in one write: the
    // statement must take both (the first row decides nothing).
    let rows = vec![
        CostRow {
            item_code: "N0101".into(),
            year: 2024,
            unit_cost: 560.0,
            take_up: None,
            shares: None,
            provenance: "示例".into(),
        },
        CostRow {
            item_code: "N1008".into(),
            year: 2024,
            unit_cost: 1500.0,
            take_up: Some(0.0008),
            shares: Some([0.3, 0.0, 0.35, 0.35]),
            provenance: "示例".into(),
        },
        CostRow {
            item_code: "N1005".into(),
            year: 2024,
            unit_cost: 200.0,
            take_up: None,
            shares: None,
            provenance: String::new(),
        },
    ];
    let b = vec![BudgetRow {
        region_code: "440399000000".into(),
        year: 2024,
        general_expenditure: 2.16e10,
        provenance: "示例".into(),
    }];
    save_finance(&t.db, &rows, &[], &b, "test").await.unwrap();
    let mut back = costs(&t.db).await.unwrap();
    back.sort_by(|a, b| a.item_code.cmp(&b.item_code));
    let mut want = rows.clone();
    want.sort_by(|a, b| a.item_code.cmp(&b.item_code));
    assert_eq!(back, want);
    assert_eq!(budgets(&t.db).await.unwrap(), b);
    // Saving again replaces by key.
    let mut again = rows[1].clone();
    again.take_up = None;
    save_finance(&t.db, &[again.clone()], &[], &[], "test")
        .await
        .unwrap();
    let back = costs(&t.db).await.unwrap();
    assert_eq!(back.iter().find(|c| c.item_code == "N1008"), Some(&again));
}

/// The SQLite file, its WAL and a backup hold password hashes: owner only.
#[cfg(unix)]
#[tokio::test]
async fn the_database_its_wal_and_its_backups_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("g.db");
    let db = gongfu_db::Db::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600, "{}", path.display());
    let wal = path.with_extension("db-wal");
    assert!(wal.exists(), "WAL mode writes {}", wal.display());
    assert_eq!(mode(&wal), 0o600, "{}", wal.display());
    let backup = dir.path().join("backup.db");
    db.backup(&backup).await.unwrap();
    assert_eq!(mode(&backup), 0o600);
    assert!(
        std::fs::metadata(&backup).unwrap().len() > 0,
        "the copy was written"
    );
    db.close().await;
}

/// Two clerks (and more) writing at the same moment: each write reads, then writes, in one
/// transaction. A deferred SQLite transaction whose snapshot went stale while it read failed
/// at once with "database is locked" (a 500); every one must now wait its turn and succeed.
#[tokio::test]
async fn concurrent_writers_all_succeed() {
    use gongfu_domain::geo::LatLng;
    use gongfu_domain::place::{PointStatus, ServicePoint};
    let t = testing::fresh().await;
    let mut tasks = vec![];
    for i in 0..32 {
        let db = t.db.clone();
        tasks.push(tokio::spawn(async move {
            let p = ServicePoint {
                code: format!("C{i:03}"),
                name: format!("并发点{i}"),
                facility_type: "park".into(),
                address: String::new(),
                position: LatLng {
                    lat: 22.5 + f64::from(i) * 1e-4,
                    lng: 114.0,
                },
                phone: String::new(),
                hours: None,
                capacity: None,
                floor_area_m2: None,
                items: vec![],
                department: None,
                community: None,
                status: PointStatus::Open,
                demo: true,
            };
            // Points (read codes, then upsert) and adjustments (insert, then audit) interleaved.
            gongfu_db::places::save_points(&db, &[p], &[], "clerk", "points.import").await?;
            adjustments::create(&db, &format!("调整{i}"), "", None, None, &[], "clerk").await
        }));
    }
    let mut failures = vec![];
    for t in tasks {
        if let Err(e) = t.await.unwrap() {
            failures.push(e.to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed: {failures:?}",
        failures.len()
    );
    assert_eq!(gongfu_db::places::points(&t.db).await.unwrap().len(), 32);
}

/// A `Cached` whose loads are counted and whose value is the generation it was loaded at.
struct Counted {
    cache: audit::Cached<i64>,
    loads: std::sync::atomic::AtomicUsize,
}

impl Counted {
    fn new(check_every: std::time::Duration) -> Self {
        Counted {
            cache: audit::Cached::new(check_every),
            loads: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    async fn load(&self, generation: i64) -> Result<i64, gongfu_db::DbError> {
        self.loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        // Yield, so that concurrent readers really overlap the load.
        tokio::task::yield_now().await;
        Ok(generation)
    }

    async fn get(&self, db: &gongfu_db::Db) -> i64 {
        *self.cache.get(db, |g| self.load(g)).await.unwrap()
    }

    fn loads(&self) -> usize {
        self.loads.load(std::sync::atomic::Ordering::SeqCst)
    }
}

async fn touch(db: &gongfu_db::Db) {
    audit::log(
        db,
        "test",
        "test.touch",
        "test",
        "*",
        &serde_json::json!({}),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn cached_state_is_read_again_exactly_when_the_audit_log_moves() {
    let t = testing::fresh().await;
    let c = Counted::new(std::time::Duration::ZERO);
    let first = c.get(&t.db).await;
    assert_eq!(first, audit::last_id(&t.db).await.unwrap());
    assert_eq!(c.get(&t.db).await, first);
    assert_eq!(c.loads(), 1, "an unchanged log keeps the state");
    // A write through another handle on the same database (another process).
    let other = gongfu_db::Db::connect(&t.url).await.unwrap();
    touch(&other).await;
    let second = c.get(&t.db).await;
    assert!(second > first);
    assert_eq!(second, audit::last_id(&t.db).await.unwrap());
    assert_eq!(c.loads(), 2);
}

#[tokio::test]
async fn readers_arriving_after_a_change_wait_for_one_load() {
    let t = testing::fresh().await;
    let c = std::sync::Arc::new(Counted::new(std::time::Duration::ZERO));
    c.get(&t.db).await;
    touch(&t.db).await;
    let readers: Vec<_> = (0..8)
        .map(|_| {
            let (c, db) = (c.clone(), t.db.clone());
            tokio::spawn(async move { c.get(&db).await })
        })
        .collect();
    let want = audit::last_id(&t.db).await.unwrap();
    for r in readers {
        assert_eq!(r.await.unwrap(), want);
    }
    assert_eq!(c.loads(), 2, "one load at first use, one after the change");
}

#[tokio::test]
async fn an_interval_spares_the_check_and_a_refresh_does_not() {
    let t = testing::fresh().await;
    // An hour: the interval never passes during the test.
    let c = Counted::new(std::time::Duration::from_secs(3600));
    let first = c.get(&t.db).await;
    touch(&t.db).await;
    assert_eq!(
        c.get(&t.db).await,
        first,
        "within the interval nothing is asked"
    );
    let fresh = *c.cache.refresh(&t.db, |g| c.load(g)).await.unwrap();
    assert_eq!(fresh, audit::last_id(&t.db).await.unwrap());
    assert_eq!(
        c.get(&t.db).await,
        fresh,
        "a refresh replaces what reads get"
    );
    assert_eq!(c.loads(), 2);
}

#[tokio::test]
async fn a_national_edition_is_stored_once_and_read_back_in_order() {
    use gongfu_db::national;
    let t = testing::fresh().await;
    let tax = taxonomy();
    let drafts: Vec<_> = [item("N2002", "退役军人安置"), item("N2001", "优待抚恤")]
        .iter()
        .map(|i| i.to_draft(&tax))
        .collect();
    let e = national::NewEdition {
        edition: "2021",
        label: "国家基本公共服务标准（2021年版）",
        source: "national-2021.txt",
        actor: "tester",
        taxonomy: &tax,
        items: &drafts,
    };
    national::store(&t.db, e.clone()).await.unwrap();
    let (ed, back_tax, back) = national::items(&t.db, "2021").await.unwrap().unwrap();
    assert_eq!(ed.label, "国家基本公共服务标准（2021年版）");
    assert_eq!(back_tax, tax);
    assert_eq!(back, drafts, "items come back in the edition's order");
    assert!(national::items(&t.db, "2023").await.unwrap().is_none());
    assert!(
        national::store(&t.db, e).await.is_err(),
        "an edition is stored once"
    );
    assert_eq!(national::editions(&t.db).await.unwrap().len(), 1);
    let log = audit::list(&t.db, Some("national_edition"), 10)
        .await
        .unwrap();
    assert_eq!(log[0].action, "national.import");
}
