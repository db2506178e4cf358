//! The registry kept in memory on a real database (SQLite, or PostgreSQL when
//! GONGFU_TEST_DATABASE_URL is set): reads are answered from the state kept while the audit
//! log stays put, and every change, through this registry or another process's, is seen by
//! the next read of every kind (links per item, one standard, counts, coverage, texts).

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns may panic: that is how a test fails

use std::sync::Arc;

use gongfu_catalog::{Actor, Catalog, ImportRequest};
use gongfu_db::{testing, Db};
use gongfu_domain::standard::{NumberRules, StandardDraft};
use gongfu_domain::ItemCode;
use gongfu_standards::texts::{TextKind, TextUpload};
use gongfu_standards::Registry;

fn admin() -> Actor {
    Actor::system("test")
}

fn clock() -> Arc<dyn gongfu_domain::Clock> {
    Arc::new(gongfu_domain::FixedClock(time::OffsetDateTime::now_utc()))
}

/// A registry over `db`, as a process opening that database builds it.
fn registry(db: &Db) -> Registry {
    let catalog = Arc::new(Catalog::new(db.clone(), clock()));
    Registry::new(db.clone(), NumberRules::default(), catalog)
}

/// A database with a published list of two items, and their codes.
async fn setup() -> (testing::TestDb, Registry, ItemCode, ItemCode) {
    let t = testing::fresh().await;
    let r = registry(&t.db);
    let list = "领域,大类,序号,服务项目,服务对象,服务内容,服务标准,支出责任,牵头负责单位\n\
        幼有所育,优孕优生服务,1,农村免费孕前优生健康检查,农村计划怀孕夫妇,检查,每孩次1次,中央和地方共同承担,国家卫生健康委\n\
        幼有所育,优孕优生服务,2,孕产妇健康服务,孕产妇,服务,标准,地方财政,国家卫生健康委\n";
    let catalog = Catalog::new(t.db.clone(), clock());
    catalog
        .import(
            &admin(),
            ImportRequest {
                taxonomy: None,
                file: "list.csv",
                bytes: list.as_bytes(),
                format: None,
                title: "导入",
                label: "v1",
                publish: true,
            },
        )
        .await
        .unwrap();
    let snap = catalog.require(None).await.unwrap();
    let (a, b) = (snap.items[0].code.clone(), snap.items[1].code.clone());
    (t, r, a, b)
}

fn draft(number: &str, title: &str, items: &str) -> StandardDraft {
    StandardDraft {
        number: number.into(),
        title: title.into(),
        items: items.into(),
        ..Default::default()
    }
}

/// What the public reads say about the registry: (number, title) of the standards serving
/// `item`, the registry's total and the items covered in the newest version.
async fn reads(r: &Registry, item: &ItemCode) -> (Vec<(String, String)>, usize, usize) {
    let serving = r
        .for_item(item)
        .await
        .unwrap()
        .iter()
        .map(|s| (s.number.to_string(), s.title.clone()))
        .collect();
    let today = time::OffsetDateTime::now_utc().date();
    let total = r
        .tree_counts(today)
        .await
        .unwrap()
        .iter()
        .filter(|c| c.depth == 0 || c.code == "未归入")
        .map(|c| c.total)
        .sum();
    let (_, coverage) = r.coverage(None, today).await.unwrap();
    (serving, total, coverage.covered)
}

#[tokio::test]
async fn reads_between_writes_share_one_state_and_a_write_replaces_it() {
    let (_t, r, a, _) = setup().await;
    let before = r.loaded().await.unwrap();
    assert!(Arc::ptr_eq(&before, &r.loaded().await.unwrap()));
    r.for_item(&a).await.unwrap();
    r.standard("GB/T 1.1-2020").await.unwrap_err();
    assert!(
        Arc::ptr_eq(&before, &r.loaded().await.unwrap()),
        "reads do not reload the registry"
    );
    r.save_draft(&admin(), &draft("GB/T 1.1-2020", "导则", a.as_str()), None)
        .await
        .unwrap();
    let after = r.loaded().await.unwrap();
    assert!(!Arc::ptr_eq(&before, &after));
    assert!(after.generation > before.generation);
    assert_eq!(after.standards.len(), 1);
}

#[tokio::test]
async fn a_change_through_the_registry_is_seen_by_the_next_read_of_every_kind() {
    let (_t, r, a, b) = setup().await;
    // Every read has been answered once, so the state is in memory.
    assert_eq!(reads(&r, &a).await, (vec![], 0, 0));

    r.save_draft(&admin(), &draft("GB/T 1.1-2020", "导则", a.as_str()), None)
        .await
        .unwrap();
    let one = vec![("GB/T 1.1-2020".to_string(), "导则".to_string())];
    assert_eq!(reads(&r, &a).await, (one, 1, 1));
    assert_eq!(r.standard("GB/T 1.1-2020").await.unwrap().items.len(), 1);

    // Edited: renamed and moved to the other item.
    r.save_draft(
        &admin(),
        &draft("GB/T 1.1-2020", "导则（修订）", b.as_str()),
        Some("GB/T 1.1-2020"),
    )
    .await
    .unwrap();
    assert_eq!(reads(&r, &a).await, (vec![], 1, 1));
    let (serving_b, _, _) = reads(&r, &b).await;
    assert_eq!(
        serving_b,
        [("GB/T 1.1-2020".to_string(), "导则（修订）".to_string())]
    );
    let d = r.standard("GB/T 1.1-2020").await.unwrap();
    assert_eq!(
        (d.standard.title.as_str(), d.items[0].0.clone()),
        ("导则（修订）", b.clone())
    );

    r.remove_standard(&admin(), "GB/T 1.1-2020").await.unwrap();
    assert_eq!(reads(&r, &b).await, (vec![], 0, 0));
    r.standard("GB/T 1.1-2020").await.unwrap_err();
}

#[tokio::test]
async fn a_change_by_another_process_is_seen_by_the_next_read() {
    let (t, r, a, _) = setup().await;
    assert_eq!(reads(&r, &a).await, (vec![], 0, 0));
    assert!(r.texts(None).await.unwrap().is_empty());
    assert!(r.tree().await.unwrap().nodes.is_empty());

    // The command line, say: its own connections and its own registry.
    let cli_db = Db::connect(&t.url).await.unwrap();
    let cli = registry(&cli_db);
    cli.save_draft(
        &admin(),
        &draft("GB/T 2.1-2021", "另一个", a.as_str()),
        None,
    )
    .await
    .unwrap();
    let one = vec![("GB/T 2.1-2021".to_string(), "另一个".to_string())];
    assert_eq!(reads(&r, &a).await, (one, 1, 1));

    cli.import_texts(
        &admin(),
        &[TextUpload {
            kind: TextKind::Guide,
            key: a.as_str().into(),
            file: "guide.md".into(),
            bytes: "# 办事指南\n\n带上身份证。\n".as_bytes().to_vec(),
        }],
        false,
    )
    .await
    .unwrap();
    let loaded = r.loaded().await.unwrap();
    let guide = loaded.text(TextKind::Guide, a.as_str()).unwrap();
    assert_eq!(guide.title, "办事指南");
    assert_eq!(r.texts(Some(TextKind::Guide)).await.unwrap().len(), 1);
    assert!(r.text(TextKind::Guide, a.as_str()).await.unwrap().is_some());

    cli.import_tree(
        &admin(),
        "tree.csv",
        "节点编号,节点名称,上级节点,说明\n1,基础通用,,\n".as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(r.tree().await.unwrap().nodes.len(), 1);
}

/// 上次复审日期 and 下次复审日期 are two columns, either or both filled; a due date the
/// clerk writes is overdue once it passes. A bare 复审日期, which used to be read as the
/// last review (so a due date written there never came up), is refused with the two names.
#[tokio::test]
async fn a_scheduled_review_date_is_read_as_due_and_a_bare_review_column_is_refused() {
    let (_t, r, _, _) = setup().await;
    let today = time::macros::date!(2026 - 11 - 24);
    let bare = "标准编号,标准名称,引用或自建,实施日期,复审日期\n\
        DB4403/T 100-2020,社区服务规范,自建,2020-07-01,2026-06-30\n";
    let e = r
        .import_standards(&admin(), "registry.csv", bare.as_bytes())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("复审日期") && e.contains("上次复审日期") && e.contains("下次复审日期"),
        "{e}"
    );
    let csv = "标准编号,标准名称,引用或自建,实施日期,上次复审日期,下次复审日期\n\
        DB4403/T 100-2020,社区服务规范,自建,2020-07-01,2024-01-10,2026-06-30\n\
        DB4403/T 101-2020,社区服务评价,自建,2020-07-01,,2027-01-31\n\
        DB4403/T 102-2020,社区服务设施,自建,2020-07-01,2023-03-01,\n";
    r.import_standards(&admin(), "registry.csv", csv.as_bytes())
        .await
        .unwrap();
    let a = r.attention(today).await.unwrap();
    let due = |v: &[gongfu_domain::standard::watch::ReviewDue]| {
        v.iter()
            .map(|d| (d.number.to_string(), d.due.to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        due(&a.review_overdue),
        [("DB4403/T 100-2020".to_string(), "2026-06-30".to_string())]
    );
    let soon = due(&a.review_due);
    assert!(
        soon.contains(&("DB4403/T 101-2020".into(), "2027-01-31".into())),
        "{soon:?}"
    );
    let s = r.standard("DB4403/T 102-2020").await.unwrap();
    assert_eq!(
        s.standard.review_due(today).unwrap().to_string(),
        "2028-03-01"
    );
}

/// A standard's stored text whose 规范性引用文件 differ from what the registry records for
/// that standard is flagged by the self-check, both ways; a guide is not compared.
#[tokio::test]
async fn a_texts_references_that_differ_from_the_registry_are_flagged() {
    let (_t, r, _, _) = setup().await;
    let mut d = draft("DB4403/T 100-2020", "社区服务规范", "");
    d.references = "GB/T 10001.1-2023".into();
    r.save_draft(&admin(), &d, None).await.unwrap();
    let text = "# 社区服务规范\n\n## 2 规范性引用文件\n\n\
        下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。\n\n\
        GB/T 1.1　标准化工作导则\n\n## 4 要求\n\n服务应符合GB/T 1.1的规定。\n";
    r.import_texts(
        &admin(),
        &[TextUpload {
            kind: TextKind::Standard,
            key: "DB4403/T 100-2020".into(),
            file: "norm.md".into(),
            bytes: text.as_bytes().to_vec(),
        }],
        false,
    )
    .await
    .unwrap();
    let stored = r
        .text(TextKind::Standard, "DB4403/T 100-2020")
        .await
        .unwrap()
        .unwrap();
    let messages: Vec<String> = r
        .check_text(&stored)
        .await
        .unwrap()
        .into_iter()
        .filter(|f| f.rule == "reference-registry")
        .map(|f| f.message)
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("文本列出了GB/T 1.1，")));
    assert!(messages.iter().any(|m| m.contains("GB/T 10001.1—2023")));
}
