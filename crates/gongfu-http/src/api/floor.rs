//! The national floor (不低于国家标准): the editions of the national standard stored as
//! reference lists, and each published version against one of them.

use super::list::VersionView;
use super::{CodeName, ErrorBody};
use axum::extract::{Path, State};
use axum::Json;
use gongfu_catalog::floor::FloorCheck;
use gongfu_db::national::Edition;
use gongfu_domain::floor::{Comparison, Finding, FloorEntry, Relation};
use gongfu_edge::{ApiError, AppState, Query};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The floor's routes and their operations.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(editions))
        .routes(routes!(compliance))
}

/// An edition of the national standard stored as a reference list.
#[derive(Serialize, ToSchema)]
pub struct NationalEditionView {
    /// Key, e.g. `2021`.
    edition: String,
    /// Title, e.g. 国家基本公共服务标准（2021年版）.
    label: String,
    /// The file it was read from.
    source: String,
    /// When (RFC 3339, UTC).
    imported_at: String,
}

impl From<Edition> for NationalEditionView {
    fn from(e: Edition) -> Self {
        NationalEditionView {
            edition: e.edition,
            label: e.label,
            source: e.source,
            imported_at: e.imported_at,
        }
    }
}

/// The stored editions.
#[derive(Serialize, ToSchema)]
pub struct NationalEditions {
    /// Oldest first; the newest is the floor adjustments are checked against.
    editions: Vec<NationalEditionView>,
}

/// One finding of the floor check.
#[derive(Serialize, ToSchema)]
pub struct FloorFindingView {
    /// `missing`, `narrowed`, `lowered`, `shifted` or `unresolved` (a person confirms).
    kind: &'static str,
    /// 国家事项缺失, 服务对象缩小, 服务标准降低, 支出责任改变 or 需人工确认.
    kind_label: &'static str,
    /// The national item.
    national_code: String,
    /// Its name.
    national_name: String,
    /// The local item compared, when there is one.
    local_code: Option<String>,
    /// Column key: `standard`, `target_population`, `expenditure_responsibility`, or empty.
    field: &'static str,
    /// What the national standard says.
    national: String,
    /// What the local list says.
    local: String,
    /// The finding in a sentence (Chinese).
    message: String,
}

impl From<&Finding> for FloorFindingView {
    fn from(f: &Finding) -> Self {
        FloorFindingView {
            kind: f.kind.as_str(),
            kind_label: f.kind.label(),
            national_code: f.national_code.clone(),
            national_name: f.national_name.clone(),
            local_code: f.local_code.clone(),
            field: f.field,
            national: f.national.clone(),
            local: f.local.clone(),
            message: f.message.clone(),
        }
    }
}

/// The floor check of an adjustment's preview.
#[derive(Serialize, ToSchema)]
pub struct FloorCheckView {
    /// The edition checked against.
    edition: String,
    /// Its title.
    edition_label: String,
    /// Every finding of the new list.
    findings: Vec<FloorFindingView>,
    /// The findings the base version did not have: approval needs a written justification
    /// while there are any.
    new_findings: Vec<FloorFindingView>,
}

impl From<&FloorCheck> for FloorCheckView {
    fn from(c: &FloorCheck) -> Self {
        FloorCheckView {
            edition: c.edition.clone(),
            edition_label: c.edition_label.clone(),
            findings: c.report.findings.iter().map(Into::into).collect(),
            new_findings: c.new_findings.iter().map(Into::into).collect(),
        }
    }
}

/// One quantity or text compared.
#[derive(Serialize, ToSchema)]
pub struct FloorComparisonView {
    /// The local item.
    local_code: String,
    /// `standard` or `target_population`.
    field: &'static str,
    /// Unit, e.g. 次/年, or empty for a text.
    unit: String,
    /// The national text of the quantity.
    national: String,
    /// The local text, empty when the local text lacks it.
    local: String,
    /// `equal`, `raised`, `lowered` or `incomparable`.
    verdict: &'static str,
    /// 持平, 提标, 降标 or 无法比较.
    verdict_label: &'static str,
}

impl From<&(String, Comparison)> for FloorComparisonView {
    fn from((code, c): &(String, Comparison)) -> Self {
        FloorComparisonView {
            local_code: code.clone(),
            field: c.field,
            unit: c.unit.clone(),
            national: c.national.clone(),
            local: c.local.clone(),
            verdict: c.verdict.as_str(),
            verdict_label: c.verdict.label(),
        }
    }
}

/// A national item and how the version carries it.
#[derive(Serialize, ToSchema)]
pub struct FloorEntryView {
    /// The national item's code.
    national_code: String,
    /// Its name.
    national_name: String,
    /// `equal`, `raised`, `below` or `uncovered`.
    relation: &'static str,
    /// 持平, 提标, 降标 or 未覆盖.
    relation_label: &'static str,
    /// The local items that carry it or name it as base.
    local_codes: Vec<String>,
    /// What was compared.
    comparisons: Vec<FloorComparisonView>,
}

impl From<&FloorEntry> for FloorEntryView {
    fn from(e: &FloorEntry) -> Self {
        FloorEntryView {
            national_code: e.national_code.clone(),
            national_name: e.national_name.clone(),
            relation: e.relation.as_str(),
            relation_label: e.relation.label(),
            local_codes: e.local_codes.clone(),
            comparisons: e.comparisons.iter().map(Into::into).collect(),
        }
    }
}

/// How many items stand in one relation.
#[derive(Serialize, ToSchema)]
pub struct FloorRelationCount {
    /// `equal`, `raised`, `featured`, `uncovered` or `below`.
    relation: &'static str,
    /// 持平, 提标, 特色, 未覆盖 or 降标.
    label: &'static str,
    /// National items in it (local items for `featured`).
    count: usize,
}

/// A published version against the national standard.
#[derive(Serialize, ToSchema)]
pub struct ComplianceView {
    /// The version.
    version: VersionView,
    /// The edition it is checked against.
    edition: NationalEditionView,
    /// Items per relation.
    counts: Vec<FloorRelationCount>,
    /// One entry per national item, in the edition's order.
    entries: Vec<FloorEntryView>,
    /// The version's own items beyond the national list (特色).
    featured: Vec<CodeName>,
    /// What a person must look at.
    findings: Vec<FloorFindingView>,
}

/// Stored editions of the national standard (国家基本公共服务标准), oldest first.
#[utoipa::path(get, path = "/api/v1/national", responses((status = 200, description = "editions", body = NationalEditions)))]
async fn editions(State(state): State<AppState>) -> Result<Json<NationalEditions>, ApiError> {
    let editions = state.catalog.national_editions().await?;
    Ok(Json(NationalEditions {
        editions: editions.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct EditionQuery {
    /// The edition, e.g. `2021`; the newest when absent.
    edition: Option<String>,
}

/// A version against the national standard: national items by relation (持平, 提标, 降标,
/// 未覆盖), the version's 特色 items, and the findings.
#[utoipa::path(get, path = "/api/v1/versions/{n}/compliance", params(("n" = i64, Path), EditionQuery), responses((status = 200, description = "compliance", body = ComplianceView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn compliance(
    State(state): State<AppState>,
    Path(n): Path<i64>,
    Query(q): Query<EditionQuery>,
) -> Result<Json<ComplianceView>, ApiError> {
    let c = state
        .catalog
        .compliance(Some(n), q.edition.as_deref())
        .await?;
    let snap = state.catalog.require(Some(n)).await?;
    let counts = Relation::ALL
        .iter()
        .map(|&r| FloorRelationCount {
            relation: r.as_str(),
            label: r.label(),
            count: if r == Relation::Featured {
                c.report.featured.len()
            } else {
                c.report.entries.iter().filter(|e| e.relation == r).count()
            },
        })
        .collect();
    Ok(Json(ComplianceView {
        version: VersionView::new(c.version, Some(snap.items.len())),
        edition: c.edition.into(),
        counts,
        entries: c.report.entries.iter().map(Into::into).collect(),
        featured: c
            .report
            .featured
            .iter()
            .map(|code| {
                CodeName::new(
                    code.clone(),
                    snap.item(code).map(|i| i.name.clone()).unwrap_or_default(),
                )
            })
            .collect(),
        findings: c.report.findings.iter().map(Into::into).collect(),
    }))
}
