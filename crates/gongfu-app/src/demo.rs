//! The demonstration dataset (data/demo, every illustrative row labelled 示例) loaded
//! through the same paths a district would use: the region and department imports, a
//! national reference (the 2021 edition, from the demo list's 国家 rows), a list import
//! published as version 1, then a dynamic adjustment with proposals,
//! decisions and approval that publishes version 2, so the diff has something to show;
//! then the standard system, and the service points, boundaries and residential sites.

use crate::{AppError, Services};
use gongfu_catalog::import::registry;
use gongfu_catalog::{Actor, Catalog, ProposalInput};
use gongfu_domain::{Decision, Role};
use gongfu_standards::texts::{TextKind, TextUpload};

const REGIONS: &[u8] = include_bytes!("../../../data/demo/regions.csv");
const POPULATIONS: &[u8] = include_bytes!("../../../data/demo/populations.csv");
const DEPARTMENTS: &[u8] = include_bytes!("../../../data/demo/departments.csv");
const ITEMS_V1: &[u8] = include_bytes!("../../../data/demo/items-v1.csv");
const ADJUSTMENT_V2: &[u8] = include_bytes!("../../../data/demo/adjustment-v2.json");
const SYSTEM_TREE: &[u8] = include_bytes!("../../../data/standards/system-9plus1.csv");
const STANDARDS: &[u8] = include_bytes!("../../../data/demo/standards.csv");
const BOUNDARIES: &[u8] = include_bytes!("../../../data/demo/places/boundaries.geojson");
const SITES: &[u8] = include_bytes!("../../../data/demo/places/sites.csv");
const POINTS: &[u8] = include_bytes!("../../../data/demo/places/points.csv");
const ITEM_COSTS: &[u8] = include_bytes!("../../../data/demo/item-costs.csv");
const PAYER_SHARES: &[u8] = include_bytes!("../../../data/demo/payer-shares.csv");
const BUDGETS: &[u8] = include_bytes!("../../../data/demo/budgets.csv");
/// The demo's affordability scenario (示例).
pub const SCENARIO: &[u8] = include_bytes!("../../../data/demo/scenario.json");
// DEMO_TEXTS: the standard texts and guides of data/demo/texts (see build.rs).
include!(concat!(env!("OUT_DIR"), "/demo_texts.rs"));

/// The demo accounts: (user name, password, role, departments). Demo only: the passwords
/// are public, so never load the demo into a database that faces the internet.
pub const DEMO_ACCOUNTS: &[(&str, &str, Role, &[&str])] = &[
    ("admin", "gongfu-demo-admin", Role::Administrator, &[]),
    (
        "editor",
        "gongfu-demo-editor",
        Role::DepartmentEditor,
        &["区卫生健康局"],
    ),
    ("reviewer", "gongfu-demo-reviewer", Role::Reviewer, &[]),
    ("viewer", "gongfu-demo-viewer", Role::Viewer, &[]),
];

/// The number pattern of the demo district's internal norms (示例区内部规范): SLQ for 示例区.
pub const INTERNAL_NORM_PATTERN: &str = "SLQ/NB {seq}-{year}";

/// Settings the demo needs beside the operator's: the demo district's internal-norm
/// pattern, without which its internal norms do not parse.
pub fn apply_settings(settings: &mut crate::Settings) {
    if let Ok(p) = gongfu_domain::standard::InternalPattern::parse(INTERNAL_NORM_PATTERN) {
        if !settings.internal_norm_patterns.contains(&p) {
            settings.internal_norm_patterns.push(p);
        }
    }
}

/// What the loader did.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// False when the database already held data and nothing was loaded.
    pub loaded: bool,
    /// Versions now published.
    pub versions: usize,
    /// Items in the newest version.
    pub items: usize,
}

#[derive(serde::Deserialize)]
struct AdjustmentFile {
    title: String,
    #[serde(default)]
    description: String,
    label: String,
    proposals: Vec<ProposalFile>,
}

#[derive(serde::Deserialize)]
struct ProposalFile {
    #[serde(flatten)]
    proposal: ProposalInput,
    decision: Decision,
    #[serde(default)]
    decision_note: String,
}

fn demo_err(e: impl std::fmt::Display) -> AppError {
    AppError::Demo(e.to_string())
}

/// Loads the demo into an empty database; does nothing when a version exists already.
/// The services must have been built with [`apply_settings`].
pub async fn load(services: &Services) -> Result<DemoSummary, AppError> {
    let (db, catalog) = (&services.db, &services.catalog);
    if !catalog.versions().await.map_err(demo_err)?.is_empty() {
        // A demo database from before the standard system gets its registry now.
        load_standards(services).await?;
        load_places(services).await?;
        load_affordability(services).await?;
        return summary(catalog, false).await;
    }
    let actor = Actor::system("demo");
    let regions = registry::read_regions("data/demo/regions.csv", REGIONS).map_err(demo_err)?;
    let codes: Vec<_> = regions.iter().map(|r| r.code.clone()).collect();
    let pops = registry::read_populations("data/demo/populations.csv", POPULATIONS, &codes)
        .map_err(demo_err)?;
    gongfu_db::regions::upsert(db, &regions, &pops, &actor.name).await?;
    let depts =
        registry::read_departments("data/demo/departments.csv", DEPARTMENTS).map_err(demo_err)?;
    gongfu_db::regions::upsert_departments(db, &depts, &actor.name).await?;
    // The national floor the demo list is checked against: the 国家 rows of the demo list.
    // Their names are the 2021 national standard's; the other columns are illustrative.
    catalog
        .import_national(
            &actor,
            gongfu_catalog::floor::NationalImport {
                edition: "2021",
                label: "国家基本公共服务标准（2021年版）（示例：事项名称据国家标准，其余栏目为演示数据）",
                file: "data/demo/items-v1.csv",
                bytes: ITEMS_V1,
                format: None,
            },
        )
        .await
        .map_err(demo_err)?;
    catalog
        .import(
            &actor,
            gongfu_catalog::ImportRequest {
                taxonomy: None,
                file: "data/demo/items-v1.csv",
                bytes: ITEMS_V1,
                format: None,
                title: "示例区基本公共服务清单首版（示例）",
                label: "2021年版（示例）",
                publish: true,
            },
        )
        .await
        .map_err(demo_err)?;
    let adj: AdjustmentFile = serde_json::from_slice(ADJUSTMENT_V2)
        .map_err(|e| demo_err(format!("data/demo/adjustment-v2.json: {e}")))?;
    let id = catalog
        .open_adjustment(&actor, &adj.title, &adj.description, None)
        .await
        .map_err(demo_err)?;
    for p in adj.proposals {
        let pid = catalog
            .propose(&actor, id, p.proposal)
            .await
            .map_err(|e| demo_err(format!("data/demo/adjustment-v2.json: {e}")))?;
        catalog
            .decide(&actor, pid, id, p.decision, &p.decision_note)
            .await
            .map_err(demo_err)?;
    }
    catalog
        .approve(&actor, id, &adj.label, "示例：由演示数据的动态调整生成")
        .await
        .map_err(demo_err)?;
    for (name, password, role, depts) in DEMO_ACCOUNTS {
        let depts: Vec<String> = depts.iter().map(|d| d.to_string()).collect();
        gongfu_accounts::save_user(
            db,
            name,
            &format!("演示{}", role.label()),
            password,
            *role,
            &depts,
            "demo",
        )
        .await
        .map_err(demo_err)?;
    }
    load_standards(services).await?;
    load_places(services).await?;
    load_affordability(services).await?;
    summary(catalog, true).await
}

/// Loads the demo district's unit costs, payer shares and budgets and records a
/// synthetic population of 2024 (drawn when first used), unless a population exists.
async fn load_affordability(services: &Services) -> Result<(), AppError> {
    let e = &services.affordability;
    if !e.populations().await.map_err(demo_err)?.is_empty() {
        return Ok(());
    }
    let actor = Actor::system("demo");
    for (kind, file, bytes) in [
        ("shares", "data/demo/payer-shares.csv", PAYER_SHARES),
        ("costs", "data/demo/item-costs.csv", ITEM_COSTS),
        ("budgets", "data/demo/budgets.csv", BUDGETS),
    ] {
        e.import_finance(&actor, kind, file, bytes)
            .await
            .map_err(demo_err)?;
    }
    e.synthesize(
        &actor,
        gongfu_affordability::service::SynthRequest {
            name: Some("示例区合成人口 2024年（示例）".into()),
            year: 2024,
            ..Default::default()
        },
    )
    .await
    .map_err(demo_err)?;
    Ok(())
}

/// Runs the demo's affordability assessments unless runs exist: the newest version over
/// 2024-2026, the demo scenario against it, and the adjustment that made version 2.
/// Seconds of work on the full synthetic population, so the demo command does it once,
/// not every test that loads the demo.
pub async fn run_affordability(services: &Services) -> Result<usize, AppError> {
    let e = &services.affordability;
    if !e.runs(None).await.map_err(demo_err)?.is_empty() {
        return Ok(0);
    }
    let actor = Actor::system("demo");
    let scenario: gongfu_affordability::afford::Scenario = serde_json::from_slice(SCENARIO)
        .map_err(|e| demo_err(format!("data/demo/scenario.json: {e}")))?;
    let adjustment = services
        .catalog
        .adjustments()
        .await
        .map_err(demo_err)?
        .first()
        .map(|a| a.id);
    let base = gongfu_affordability::service::RunRequest {
        years: Some(3),
        start_year: Some(2024),
        budget_growth: Some(0.03),
        ..Default::default()
    };
    let mut n = 0;
    for req in [
        gongfu_affordability::service::RunRequest {
            adjustment,
            ..base.clone()
        },
        base.clone(),
        gongfu_affordability::service::RunRequest {
            scenario: Some(scenario),
            ..base.clone()
        },
    ] {
        e.run(&actor, req).await.map_err(demo_err)?;
        n += 1;
    }
    Ok(n)
}

/// Loads the demo district's boundaries, residential sites and service points (all 示例),
/// through the same imports a district uses, unless points are held already.
async fn load_places(services: &Services) -> Result<(), AppError> {
    let places = &services.places;
    let actor = Actor::system("demo");
    let held = places.loaded().await.map_err(demo_err)?;
    if !held.points.is_empty() {
        return Ok(());
    }
    let wgs = gongfu_domain::geo::CoordSystem::Wgs84;
    if held.boundaries.is_empty() {
        places
            .import_boundaries(
                &actor,
                "data/demo/places/boundaries.geojson",
                BOUNDARIES,
                true,
            )
            .await
            .map_err(demo_err)?;
    }
    if held.sites.is_empty() {
        places
            .import_sites(&actor, "data/demo/places/sites.csv", SITES, wgs, true)
            .await
            .map_err(demo_err)?;
    }
    places
        .import_points(&actor, "data/demo/places/points.csv", POINTS, wgs, true)
        .await
        .map_err(demo_err)?;
    Ok(())
}

/// Loads the standard system tree and the registry, unless the registry holds standards,
/// and the texts, unless texts are held.
async fn load_standards(services: &Services) -> Result<(), AppError> {
    let registry = &services.standards;
    let actor = Actor::system("demo");
    if registry.standards().await.map_err(demo_err)?.is_empty() {
        registry
            .import_tree(&actor, "system-9plus1.csv", SYSTEM_TREE)
            .await
            .map_err(demo_err)?;
        registry
            .import_standards(&actor, "standards.csv", STANDARDS)
            .await
            .map_err(demo_err)?;
    }
    if registry.texts(None).await.map_err(demo_err)?.is_empty() {
        let uploads: Vec<TextUpload> = DEMO_TEXTS
            .iter()
            .map(|(kind, key, file, bytes)| {
                Ok(TextUpload {
                    kind: TextKind::parse(kind).map_err(demo_err)?,
                    key: key.to_string(),
                    file: format!("data/demo/texts/{file}"),
                    bytes: bytes.to_vec(),
                })
            })
            .collect::<Result<_, AppError>>()?;
        registry
            .import_texts(&actor, &uploads, true)
            .await
            .map_err(demo_err)?;
    }
    Ok(())
}

async fn summary(catalog: &Catalog, loaded: bool) -> Result<DemoSummary, AppError> {
    let versions = catalog.versions().await.map_err(demo_err)?.len();
    let items = catalog
        .snapshot(None)
        .await
        .map_err(demo_err)?
        .map(|s| s.items.len())
        .unwrap_or(0);
    Ok(DemoSummary {
        loaded,
        versions,
        items,
    })
}
