//! Dynamic adjustment (动态调整) of the list: adjustments, proposals, decisions, approval.

use super::list::{ItemChangeView, VersionView};
use super::{invalid, json_body, Created, ErrorBody};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use gongfu_catalog::view::{ItemView, NumberedName};
use gongfu_catalog::ProposalInput;
use gongfu_db::adjustments::{Adjustment, Proposal};
use gongfu_domain::{AdjustmentStatus, Decision, ItemDraft, Taxonomy};
use gongfu_edge::{ApiError, AppState, ErrorCode, Staff};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The adjustment routes and their operations.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(adjustments, open_adjustment))
        .routes(routes!(adjustment))
        .routes(routes!(propose))
        .routes(routes!(decide))
        .routes(routes!(approve))
        .routes(routes!(close))
}

/// Dynamic adjustments.
#[derive(Serialize, ToSchema)]
pub struct Adjustments {
    /// Newest first.
    adjustments: Vec<AdjustmentView>,
}

/// An adjustment: a set of proposals against a base version.
#[derive(Serialize, ToSchema)]
pub struct AdjustmentView {
    /// Id.
    id: i64,
    /// Title, e.g. 2025年度清单动态调整.
    title: String,
    /// Why it was opened.
    description: String,
    /// Number of the version it changes (null for the first list).
    base_version: Option<i64>,
    /// `open`, `approved`, `rejected` or `withdrawn`.
    status: &'static str,
    /// A replacement taxonomy, when the adjustment changes areas or categories.
    taxonomy: Option<TaxonomyView>,
    /// Who opened it.
    created_by: String,
    /// When (RFC 3339, UTC).
    created_at: String,
    /// Who approved, rejected or withdrew it.
    decided_by: Option<String>,
    /// When.
    decided_at: Option<String>,
    /// Number of the version it published.
    result_version: Option<i64>,
}

impl From<Adjustment> for AdjustmentView {
    fn from(a: Adjustment) -> Self {
        AdjustmentView {
            id: a.id,
            title: a.title,
            description: a.description,
            base_version: a.base_version,
            status: a.status.as_str(),
            taxonomy: a.taxonomy.map(TaxonomyView::from),
            created_by: a.created_by,
            created_at: a.created_at,
            decided_by: a.decided_by,
            decided_at: a.decided_at,
            result_version: a.result_version,
        }
    }
}

/// The areas and categories of a list.
#[derive(Serialize, ToSchema)]
pub struct TaxonomyView {
    /// Areas (领域) ordered by number.
    areas: Vec<NumberedName>,
    /// Categories (大类) ordered by number.
    categories: Vec<CategoryView>,
}

/// A category (大类) and its area.
#[derive(Serialize, ToSchema)]
pub struct CategoryView {
    /// Number, unique in the list.
    no: u32,
    /// The area it belongs to.
    area_no: u32,
    /// Name, e.g. 优孕优生服务.
    name: String,
}

impl From<Taxonomy> for TaxonomyView {
    fn from(t: Taxonomy) -> Self {
        TaxonomyView {
            areas: t
                .areas
                .into_iter()
                .map(|a| NumberedName {
                    no: a.no,
                    name: a.name,
                })
                .collect(),
            categories: t
                .categories
                .into_iter()
                .map(|c| CategoryView {
                    no: c.no,
                    area_no: c.area_no,
                    name: c.name,
                })
                .collect(),
        }
    }
}

/// One adjustment with its proposals and what approving it would publish.
#[derive(Serialize, ToSchema)]
pub struct AdjustmentDetail {
    /// The adjustment.
    adjustment: AdjustmentView,
    /// Its proposals, in the order made.
    proposals: Vec<ProposalView>,
    /// What its accepted proposals would publish.
    preview: PreviewView,
}

/// What an adjustment's accepted proposals would publish.
#[derive(Serialize, ToSchema)]
pub struct PreviewView {
    /// What changes against the base version.
    diff: ListDiffView,
    /// Problems that block approval, each naming its proposal.
    problems: Vec<String>,
    /// Items of the version it would publish.
    item_count: usize,
    /// The new list against the newest national standard edition; null when none is
    /// stored. Approval needs a `justification` while `new_findings` is not empty.
    floor: Option<super::floor::FloorCheckView>,
}

/// What changes between two lists; items added and removed as `[code, name]` pairs.
#[derive(Serialize, ToSchema)]
pub struct ListDiffView {
    /// `[code, name]` of the items only in the new list.
    added: Vec<(String, String)>,
    /// `[code, name]` of the items only in the base.
    removed: Vec<(String, String)>,
    /// Items in both with per-field changes.
    changed: Vec<ItemChangeView>,
}

/// One proposal of an adjustment.
#[derive(Serialize, ToSchema)]
pub struct ProposalView {
    /// Id.
    id: i64,
    /// The adjustment it belongs to.
    adjustment_id: i64,
    /// `add`, `modify`, `merge` or `retire`.
    kind: &'static str,
    /// Codes of the existing items it changes.
    target_codes: Vec<String>,
    /// The item as proposed (add, modify, merge), as raw text per column.
    item: Option<ItemDraftView>,
    /// 调整理由.
    rationale: String,
    /// Links or references to the evidence.
    evidence: Vec<String>,
    /// `pending`, `accepted` or `rejected`.
    decision: &'static str,
    /// The reviewer's note.
    decision_note: String,
    /// Reviewer.
    decided_by: Option<String>,
    /// When decided.
    decided_at: Option<String>,
    /// Author.
    created_by: String,
    /// When proposed.
    created_at: String,
}

impl From<Proposal> for ProposalView {
    fn from(p: Proposal) -> Self {
        ProposalView {
            id: p.id,
            adjustment_id: p.adjustment_id,
            kind: p.kind.as_str(),
            target_codes: p.target_codes,
            item: p.item.map(ItemDraftView::from),
            rationale: p.rationale,
            evidence: p.evidence,
            decision: p.decision.as_str(),
            decision_note: p.decision_note,
            decided_by: p.decided_by,
            decided_at: p.decided_at,
            created_by: p.created_by,
            created_at: p.created_at,
        }
    }
}

/// An item as raw text, one string per column (the list's column keys), as proposed and
/// before it is parsed on approval.
#[derive(Serialize, ToSchema)]
pub struct ItemDraftView {
    /// Code.
    code: String,
    /// 服务项目.
    name: String,
    /// 领域, by name.
    area: String,
    /// 大类, by name.
    category: String,
    /// 序号.
    seq: String,
    /// 服务对象.
    target_population: String,
    /// 服务内容.
    content: String,
    /// 服务标准.
    standard: String,
    /// 支出责任.
    expenditure_responsibility: String,
    /// 牵头负责单位.
    lead_departments: String,
    /// Level of government that put it on the list.
    origin_level: String,
    /// 特色事项.
    featured: String,
    /// 基准事项编码.
    base_code: String,
    /// How it relates to its base.
    base_relation: String,
    /// 人口范围.
    population_scope: String,
    /// 服务渠道.
    delivery_channels: String,
    /// 政策依据.
    policy_basis: String,
    /// 服务流程.
    process: String,
    /// 状态.
    status: String,
    /// 实施区域.
    regions: String,
    /// 资格规则.
    eligibility_rule: String,
    /// 资格示例.
    eligibility_examples: String,
    /// 数据来源.
    provenance: String,
}

impl From<ItemDraft> for ItemDraftView {
    fn from(d: ItemDraft) -> Self {
        ItemDraftView {
            code: d.code,
            name: d.name,
            area: d.area,
            category: d.category,
            seq: d.seq,
            target_population: d.target_population,
            content: d.content,
            standard: d.standard,
            expenditure_responsibility: d.expenditure_responsibility,
            lead_departments: d.lead_departments,
            origin_level: d.origin_level,
            featured: d.featured,
            base_code: d.base_code,
            base_relation: d.base_relation,
            population_scope: d.population_scope,
            delivery_channels: d.delivery_channels,
            policy_basis: d.policy_basis,
            process: d.process,
            status: d.status,
            regions: d.regions,
            eligibility_rule: d.eligibility_rule,
            eligibility_examples: d.eligibility_examples,
            provenance: d.provenance,
        }
    }
}

/// A decision recorded.
#[derive(Serialize, ToSchema)]
pub struct Decided {
    /// The proposal.
    id: i64,
    /// `accepted` or `rejected`.
    decision: &'static str,
}

/// The version an approval published.
#[derive(Serialize, ToSchema)]
pub struct Approved {
    /// The new version.
    version: VersionView,
}

/// An adjustment closed.
#[derive(Serialize, ToSchema)]
pub struct Closed {
    /// The adjustment.
    id: i64,
    /// `rejected` or `withdrawn`.
    status: &'static str,
}

/// Dynamic adjustments, newest first.
#[utoipa::path(get, path = "/api/v1/adjustments", responses((status = 200, description = "adjustments", body = Adjustments), (status = 401, body = ErrorBody)))]
async fn adjustments(
    State(state): State<AppState>,
    _staff: Staff,
) -> Result<Json<Adjustments>, ApiError> {
    let all = state.catalog.adjustments().await?;
    Ok(Json(Adjustments {
        adjustments: all.into_iter().map(Into::into).collect(),
    }))
}

/// An adjustment to open.
#[derive(Deserialize, ToSchema)]
struct OpenBody {
    /// Title, e.g. 2025年度清单动态调整.
    title: String,
    /// Why it is opened.
    #[serde(default)]
    description: String,
}

/// Opens a dynamic adjustment against the newest version.
#[utoipa::path(post, path = "/api/v1/adjustments", request_body = OpenBody, responses((status = 201, description = "opened", body = Created), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn open_adjustment(
    State(state): State<AppState>,
    staff: Staff,
    body: Bytes,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let b: OpenBody = json_body(&body)?;
    let id = state
        .catalog
        .open_adjustment(&staff.actor(), &b.title, &b.description, None)
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One adjustment: its proposals and the diff its accepted proposals would publish.
#[utoipa::path(get, path = "/api/v1/adjustments/{id}", params(("id" = i64, Path)), responses((status = 200, description = "the adjustment", body = AdjustmentDetail), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn adjustment(
    State(state): State<AppState>,
    _staff: Staff,
    Path(id): Path<i64>,
) -> Result<Json<AdjustmentDetail>, ApiError> {
    let (adj, props) = state.catalog.adjustment(id).await?;
    let preview = state.catalog.preview(id).await?;
    Ok(Json(AdjustmentDetail {
        adjustment: adj.into(),
        proposals: props.into_iter().map(Into::into).collect(),
        preview: PreviewView {
            item_count: preview.items.len(),
            diff: ListDiffView {
                added: preview.diff.added,
                removed: preview.diff.removed,
                changed: preview.diff.changed.into_iter().map(Into::into).collect(),
            },
            problems: preview.problems,
            floor: preview.floor.as_ref().map(Into::into),
        },
    }))
}

/// A proposal in a dynamic adjustment.
#[derive(ToSchema)]
#[allow(dead_code)]
struct ProposalBody {
    /// `add`, `modify`, `merge` or `retire`.
    kind: String,
    /// Codes of the items changed: none for add, one for modify and retire, two or more for merge.
    target_codes: Vec<String>,
    /// The item as it should read (add, modify, merge), in the shape `GET /api/v1/items/{code}` returns.
    item: Option<ItemView>,
    /// 调整理由.
    rationale: String,
    /// Links or references to the evidence.
    evidence: Vec<String>,
}

/// Adds a proposal (add, modify, merge, retire) with rationale and evidence.
#[utoipa::path(post, path = "/api/v1/adjustments/{id}/proposals", params(("id" = i64, Path)), request_body = ProposalBody, responses((status = 201, description = "proposal added", body = Created), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn propose(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    // The item may be sent exactly as GET /api/v1/items/{code} returns it.
    let mut v: Value = json_body(&body)?;
    let item = v
        .get("item")
        .and_then(Value::as_object)
        .map(gongfu_catalog::import::draft_from_json);
    if let Some(o) = v.as_object_mut() {
        o.remove("item");
    }
    let mut p: ProposalInput = serde_json::from_value(v).map_err(|e| ApiError::new(ErrorCode::InvalidBody, format!("the proposal is not the JSON expected: {e}; send {{\"kind\", \"target_codes\", \"item\", \"rationale\", \"evidence\"}}")))?;
    p.item = item;
    let pid = state.catalog.propose(&staff.actor(), id, p).await?;
    Ok((StatusCode::CREATED, Json(Created { id: pid })))
}

/// A reviewer's decision.
#[derive(Deserialize, ToSchema)]
struct DecisionBody {
    /// `accepted` or `rejected`.
    decision: String,
    /// The reviewer's note.
    #[serde(default)]
    note: String,
}

/// A reviewer's decision on one proposal.
#[utoipa::path(post, path = "/api/v1/adjustments/{id}/proposals/{pid}/decision", params(("id" = i64, Path), ("pid" = i64, Path)), request_body = DecisionBody, responses((status = 200, description = "decided", body = Decided), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn decide(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, pid)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Json<Decided>, ApiError> {
    let b: DecisionBody = json_body(&body)?;
    let d = Decision::parse(&b.decision)
        .filter(|d| *d != Decision::Pending)
        .ok_or_else(|| {
            invalid(
                "decision",
                format!("decision '{}' must be accepted or rejected", b.decision),
            )
        })?;
    state
        .catalog
        .decide(&staff.actor(), pid, id, d, &b.note)
        .await?;
    Ok(Json(Decided {
        id: pid,
        decision: d.as_str(),
    }))
}

/// The version an approval publishes.
#[derive(Deserialize, ToSchema)]
struct ApproveBody {
    /// Label of the version, e.g. 2025年版.
    #[serde(default)]
    label: String,
    /// Release notes.
    #[serde(default)]
    notes: String,
    /// Why the adjustment is approved although it falls (or may fall) below the national
    /// standard; required while the preview has `floor.new_findings`, and kept in the
    /// audit log.
    #[serde(default)]
    justification: String,
}

/// Approves the adjustment and publishes the next version. When the new list brings
/// findings against the national standard, without a `justification` the answer is 409
/// naming them.
#[utoipa::path(post, path = "/api/v1/adjustments/{id}/approve", params(("id" = i64, Path)), request_body = ApproveBody, responses((status = 200, description = "published", body = Approved), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn approve(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Approved>, ApiError> {
    let b: ApproveBody = json_body(&body)?;
    let v = state
        .catalog
        .approve_justified(&staff.actor(), id, &b.label, &b.notes, &b.justification)
        .await?;
    Ok(Json(Approved {
        version: VersionView::new(v, None),
    }))
}

/// How an adjustment closes.
#[derive(Deserialize, ToSchema)]
struct CloseBody {
    /// `rejected` or `withdrawn`.
    status: String,
}

/// Rejects or withdraws an open adjustment.
#[utoipa::path(post, path = "/api/v1/adjustments/{id}/close", params(("id" = i64, Path)), request_body = CloseBody, responses((status = 200, description = "closed", body = Closed), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn close(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Closed>, ApiError> {
    let b: CloseBody = json_body(&body)?;
    let s = AdjustmentStatus::parse(&b.status)
        .filter(|s| matches!(s, AdjustmentStatus::Rejected | AdjustmentStatus::Withdrawn))
        .ok_or_else(|| {
            invalid(
                "status",
                format!("status '{}' must be rejected or withdrawn", b.status),
            )
        })?;
    state.catalog.close(&staff.actor(), id, s).await?;
    Ok(Json(Closed {
        id,
        status: s.as_str(),
    }))
}
