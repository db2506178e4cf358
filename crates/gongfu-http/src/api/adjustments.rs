//! Dynamic adjustment (动态调整) of the list: adjustments, proposals, decisions, approval.

use super::{invalid, json_body, ErrorBody};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gongfu_catalog::view::ItemView;
use gongfu_catalog::ProposalInput;
use gongfu_domain::{AdjustmentStatus, Decision};
use gongfu_edge::{ApiError, AppState, ErrorCode, Staff};
use serde::Deserialize;
use serde_json::{json, Value};
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

/// Dynamic adjustments, newest first.
#[utoipa::path(get, path = "/api/v1/adjustments", responses((status = 200, description = "adjustments"), (status = 401, body = ErrorBody)))]
async fn adjustments(
    State(state): State<AppState>,
    _staff: Staff,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({"adjustments": state.catalog.adjustments().await?}),
    ))
}

#[derive(Deserialize, ToSchema)]
struct OpenBody {
    title: String,
    #[serde(default)]
    description: String,
}

/// Opens a dynamic adjustment against the newest version.
#[utoipa::path(post, path = "/api/v1/adjustments", request_body = OpenBody, responses((status = 201, description = "opened"), (status = 403, body = ErrorBody)))]
async fn open_adjustment(
    State(state): State<AppState>,
    staff: Staff,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: OpenBody = json_body(&body)?;
    let id = state
        .catalog
        .open_adjustment(&staff.actor(), &b.title, &b.description, None)
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))).into_response())
}

/// One adjustment: its proposals and the diff its accepted proposals would publish.
#[utoipa::path(get, path = "/api/v1/adjustments/{id}", params(("id" = i64, Path)), responses((status = 200, description = "the adjustment"), (status = 404, body = ErrorBody)))]
async fn adjustment(
    State(state): State<AppState>,
    _staff: Staff,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let (adj, props) = state.catalog.adjustment(id).await?;
    let preview = state.catalog.preview(id).await?;
    Ok(Json(
        json!({"adjustment": adj, "proposals": props, "preview": {"diff": preview.diff, "problems": preview.problems, "item_count": preview.items.len()}}),
    ))
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
#[utoipa::path(post, path = "/api/v1/adjustments/{id}/proposals", params(("id" = i64, Path)), request_body = ProposalBody, responses((status = 201, description = "proposal added"), (status = 422, body = ErrorBody)))]
async fn propose(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, ApiError> {
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
    Ok((StatusCode::CREATED, Json(json!({"id": pid}))).into_response())
}

#[derive(Deserialize, ToSchema)]
struct DecisionBody {
    /// `accepted` or `rejected`.
    decision: String,
    #[serde(default)]
    note: String,
}

/// A reviewer's decision on one proposal.
#[utoipa::path(post, path = "/api/v1/adjustments/{id}/proposals/{pid}/decision", params(("id" = i64, Path), ("pid" = i64, Path)), request_body = DecisionBody, responses((status = 200, description = "decided"), (status = 403, body = ErrorBody)))]
async fn decide(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, pid)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
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
    Ok(Json(json!({"id": pid, "decision": d.as_str()})))
}

#[derive(Deserialize, ToSchema)]
struct ApproveBody {
    #[serde(default)]
    label: String,
    #[serde(default)]
    notes: String,
}

/// Approves the adjustment and publishes the next version.
#[utoipa::path(post, path = "/api/v1/adjustments/{id}/approve", params(("id" = i64, Path)), request_body = ApproveBody, responses((status = 200, description = "published"), (status = 409, body = ErrorBody)))]
async fn approve(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: ApproveBody = json_body(&body)?;
    let v = state
        .catalog
        .approve(&staff.actor(), id, &b.label, &b.notes)
        .await?;
    Ok(Json(json!({"version": v})))
}

#[derive(Deserialize, ToSchema)]
struct CloseBody {
    /// `rejected` or `withdrawn`.
    status: String,
}

/// Rejects or withdraws an open adjustment.
#[utoipa::path(post, path = "/api/v1/adjustments/{id}/close", params(("id" = i64, Path)), request_body = CloseBody, responses((status = 200, description = "closed"), (status = 403, body = ErrorBody)))]
async fn close(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
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
    Ok(Json(json!({"id": id, "status": s.as_str()})))
}
