//! `/api/v1/standards`: the standard system.

use super::ErrorBody;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gongfu_domain::standard::{Origin, Stage, StandardLevel};
use gongfu_edge::Query;
use gongfu_edge::{limits, ApiError, AppState, ErrorCode, Staff};
use gongfu_standards::view::{NumberView, StandardView};
use gongfu_standards::NodeCount;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this capability and their operations.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(parse_number))
        .routes(routes!(tree))
        .routes(routes!(coverage))
        .routes(routes!(attention))
        .routes(routes!(one, save, remove))
        .routes(super::limited(routes!(import_standards), limits::imports()))
        .routes(super::limited(routes!(import_tree), limits::imports()))
        .routes(routes!(export_standards))
        .routes(routes!(export_tree))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ParseQuery {
    /// The number as written, e.g. `DB4403/T 300.1—2022`.
    number: String,
}

/// Takes a standard number apart: its code, level, serial number, parts and year, and the
/// canonical form. A malformed number is a 400 whose `errors[0].part` names the part at
/// fault (`code`, `region`, `number`, `year` or `rest`).
#[utoipa::path(get, path = "/api/v1/standards/parse", params(ParseQuery),
    responses((status = 200, body = NumberView), (status = 400, body = ErrorBody)))]
async fn parse_number(
    State(state): State<AppState>,
    Query(q): Query<ParseQuery>,
) -> Result<Json<NumberView>, ApiError> {
    let n = state.standards.parse_number(&q.number)?;
    Ok(Json(NumberView::new(&n, state.standards.rules())))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct StandardsQuery {
    /// Only standards in this node of the tree or below it (its code).
    node: Option<String>,
    /// Only this level (`national_recommended`, `city_local`, ... or the Chinese label).
    level: Option<String>,
    /// Only this lifecycle stage (`effective`, `withdrawn`, ... or 现行, 废止, ...).
    stage: Option<String>,
    /// Only `cited` or `self_built` standards.
    origin: Option<String>,
    /// Only standards serving this item code.
    item: Option<String>,
    /// Only those whose number or title contains this text.
    q: Option<String>,
}

/// The registry, filtered: `{"standards": [...], "total": N}`, ordered by number.
#[utoipa::path(get, path = "/api/v1/standards", params(StandardsQuery),
    responses((status = 200, description = "standards"), (status = 400, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    Query(q): Query<StandardsQuery>,
) -> Result<Json<Value>, ApiError> {
    let today = gongfu_standards::today();
    let tree = state.standards.tree().await?;
    let level = match q.level.as_deref() {
        Some(l) => Some(StandardLevel::parse(l).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidInput,
                format!(
                    "unknown level '{l}'; expected one of {}",
                    StandardLevel::expected()
                ),
            )
            .field("level")
        })?),
        None => None,
    };
    let stage = match q.stage.as_deref() {
        Some(s) => Some(Stage::parse(s).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidInput,
                format!("unknown stage '{s}'; expected one of {}", Stage::expected()),
            )
            .field("stage")
        })?),
        None => None,
    };
    let origin = match q.origin.as_deref() {
        Some(s) => Some(Origin::parse(s).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidInput,
                format!(
                    "unknown origin '{s}'; expected one of {}",
                    Origin::expected()
                ),
            )
            .field("origin")
        })?),
        None => None,
    };
    if let Some(n) = &q.node {
        if !tree.nodes.iter().any(|x| &x.code == n) {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                format!(
                    "the standard system has no node '{n}'; GET /api/v1/standards/tree lists them"
                ),
            )
            .field("node"));
        }
    }
    let text =
        q.q.as_deref()
            .map(gongfu_domain::text::clean)
            .filter(|s| !s.is_empty());
    let standards: Vec<StandardView> = state
        .standards
        .standards()
        .await?
        .iter()
        .filter(|s| {
            q.node.as_deref().is_none_or(|n| tree.places(s, n))
                && level.is_none_or(|l| s.level() == l)
                && stage.is_none_or(|st| s.stage == st)
                && origin.is_none_or(|o| s.origin == o)
                && q.item
                    .as_deref()
                    .is_none_or(|i| s.items.iter().any(|c| c.as_str() == i))
                && text.as_deref().is_none_or(|t| {
                    s.number.to_string().contains(&t.to_uppercase()) || s.title.contains(t)
                })
        })
        .map(|s| StandardView::new(s, today))
        .collect();
    Ok(Json(
        json!({"total": standards.len(), "standards": standards}),
    ))
}

/// One standard, with its node path, the items it serves (with names), the standards that
/// reference it or replace it. The number goes in the path with `/` as `%2F`.
#[utoipa::path(get, path = "/api/v1/standards/{number}",
    params(("number" = String, Path, description = "the number, e.g. GB%2FT%201.1-2020")),
    responses((status = 200, description = "the standard"), (status = 404, body = ErrorBody), (status = 400, body = ErrorBody)))]
async fn one(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let d = state.standards.standard(&number).await?;
    let today = gongfu_standards::today();
    Ok(Json(json!({
        "standard": StandardView::new(&d.standard, today),
        "node_path": d.node_path.iter().map(|(c, n)| json!({"code": c, "name": n})).collect::<Vec<_>>(),
        "items": d.items.iter().map(|(c, n)| json!({"code": c.as_str(), "name": n})).collect::<Vec<_>>(),
        "referenced_by": d.referenced_by.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
        "replaced_by": d.replaced_by.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
    })))
}

/// Adds or edits one standard. The body is an object keyed by the registry's column keys
/// (`number`, `title`, `level`, `stage`, `origin`, `node`, `effective_on`, `references`,
/// `items`, ...; see `GET /api/v1/exports/standards` for all of them), each a string.
/// A standard registered under the path's number is edited (a different `number` in the
/// body renames it); otherwise one is added, with the path's number unless the body gives
/// one. Field errors come back together as a 422 whose `errors` name each field.
/// Administrators only.
#[utoipa::path(put, path = "/api/v1/standards/{number}",
    params(("number" = String, Path, description = "the number, e.g. SLQ%2FNB%20001-2024")),
    request_body(content = Object, description = "the standard's fields by column key"),
    responses((status = 200, description = "saved"), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn save(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let fields: serde_json::Map<String, Value> = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidBody,
            format!("the body is not a JSON object of the standard's fields: {e}; send e.g. {{\"title\": \"…\", \"stage\": \"现行\"}}"),
        )
    })?;
    let mut draft = gongfu_domain::standard::StandardDraft::default();
    let keys: Vec<&str> = gongfu_domain::standard::STANDARD_COLUMNS
        .iter()
        .map(|c| c.key)
        .collect();
    for (k, v) in fields {
        let Some(key) = keys.iter().find(|c| **c == k) else {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!("unknown field '{k}'; the fields are {}", keys.join(", ")),
            )
            .field(&k));
        };
        let text = match v {
            Value::String(s) => s,
            Value::Null => String::new(),
            Value::Number(n) => n.to_string(),
            Value::Array(a) => a
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| x.to_string())
                })
                .collect::<Vec<_>>()
                .join("；"),
            other => {
                return Err(ApiError::new(
                    ErrorCode::InvalidInput,
                    format!("field '{k}' must be a string, not {other}"),
                )
                .field(&k))
            }
        };
        draft.set(key, text);
    }
    if draft.number.trim().is_empty() {
        draft.number = number.clone();
    }
    let registered = match state.standards.standard(&number).await {
        Ok(_) => true,
        Err(gongfu_standards::RegistryError::NotFound { .. }) => false,
        Err(e) => return Err(e.into()),
    };
    let saved = state
        .standards
        .save_draft(
            &staff.actor(),
            &draft,
            registered.then_some(number.as_str()),
        )
        .await?;
    Ok(Json(json!({
        "standard": StandardView::new(&saved, gongfu_standards::today()),
        "created": !registered,
    })))
}

/// Removes a standard from the registry, with its links to items. Administrators only.
#[utoipa::path(delete, path = "/api/v1/standards/{number}",
    params(("number" = String, Path, description = "the number")),
    responses((status = 204, description = "removed"), (status = 404, body = ErrorBody)))]
async fn remove(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<StatusCode, ApiError> {
    state
        .standards
        .remove_standard(&staff.actor(), &number)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The system tree with counts per node (descendants included): total, in force, cited,
/// self-built, by level and by stage.
#[utoipa::path(get, path = "/api/v1/standards/tree",
    responses((status = 200, body = Vec<NodeCount>)))]
async fn tree(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let counts = state
        .standards
        .tree_counts(gongfu_standards::today())
        .await?;
    Ok(Json(json!({"nodes": counts})))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CoverageQuery {
    /// List version; the newest when absent.
    version: Option<i64>,
}

/// 标准覆盖率 of a list version: items with at least one standard in force / all items,
/// overall and per area, with the uncovered items.
#[utoipa::path(get, path = "/api/v1/standards/coverage", params(CoverageQuery),
    responses((status = 200, description = "coverage"), (status = 404, body = ErrorBody)))]
async fn coverage(
    State(state): State<AppState>,
    Query(q): Query<CoverageQuery>,
) -> Result<Json<Value>, ApiError> {
    let (snap, c) = state
        .standards
        .coverage(q.version, gongfu_standards::today())
        .await?;
    let uncovered: Vec<Value> = c
        .uncovered
        .iter()
        .filter_map(|code| snap.items.iter().find(|i| &i.code == code))
        .map(|i| {
            json!({
                "code": i.code.as_str(),
                "name": i.name,
                "area": snap.taxonomy.area(i.area_no).map(|a| a.name.as_str()).unwrap_or(""),
            })
        })
        .collect();
    Ok(Json(json!({
        "version": snap.version.number,
        "overall": c.overall,
        "items": c.items,
        "covered": c.covered,
        "by_area": c.by_area,
        "uncovered": uncovered,
    })))
}

/// Everything needing attention today: reviews overdue and due within 180 days, withdrawn
/// and superseded standards, the standards referencing them (transitively, with the chain)
/// and the items relying on either.
#[utoipa::path(get, path = "/api/v1/standards/attention",
    responses((status = 200, description = "what needs attention")))]
async fn attention(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let today = gongfu_standards::today();
    let a = state.standards.attention(today).await?;
    Ok(Json(json!({
        "today": today.to_string(),
        "total": a.len(),
        "review_overdue": a.review_overdue,
        "review_due": a.review_due,
        "gone": a.gone,
        "affected_standards": a.affected_standards,
        "affected_items": a.affected_items,
    })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FileQuery {
    /// File name: its extension picks CSV or xlsx, and errors name it.
    file: Option<String>,
}

/// Imports registry rows (标准明细表, CSV or xlsx) as the body: each row adds a standard or
/// replaces the one with its number. All or nothing; a 422 names every row and column at
/// fault. Administrators only.
#[utoipa::path(post, path = "/api/v1/imports/standards", params(FileQuery),
    request_body(content = Vec<u8>, description = "the file"),
    responses((status = 201, description = "imported"), (status = 422, body = ErrorBody)))]
async fn import_standards(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<FileQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let file = q.file.unwrap_or_else(|| "upload.csv".into());
    let o = state
        .standards
        .import_standards(&staff.actor(), &file, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(o)).into_response())
}

/// Replaces the standard system tree (节点编号, 节点名称, 上级节点, 说明; CSV or xlsx).
/// Refused when a registered standard sits in a node the new tree lacks. Administrators
/// only.
#[utoipa::path(post, path = "/api/v1/imports/standard-tree", params(FileQuery),
    request_body(content = Vec<u8>, description = "the file"),
    responses((status = 201, description = "imported"), (status = 422, body = ErrorBody)))]
async fn import_tree(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<FileQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let file = q.file.unwrap_or_else(|| "upload.csv".into());
    let nodes = state
        .standards
        .import_tree(&staff.actor(), &file, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"nodes": nodes}))).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct StandardsExportQuery {
    /// xlsx (default) or csv.
    format: Option<String>,
}

pub(super) fn attachment(content_type: &str, name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The 标准明细表: one row per standard, in the import layout.
#[utoipa::path(get, path = "/api/v1/exports/standards", params(StandardsExportQuery),
    responses((status = 200, description = "the file"), (status = 400, body = ErrorBody)))]
async fn export_standards(
    State(state): State<AppState>,
    Query(q): Query<StandardsExportQuery>,
) -> Result<Response, ApiError> {
    let tree = state.standards.tree().await?;
    let all = state.standards.standards().await?;
    match q.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => {
            let bytes = gongfu_standards::export::standards_xlsx(&all, &tree)
                .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
            Ok(attachment(XLSX, "gongfu-standards.xlsx", bytes))
        }
        "csv" => Ok(attachment(
            "text/csv; charset=utf-8",
            "gongfu-standards.csv",
            gongfu_standards::export::standards_csv(&all, &tree),
        )),
        other => Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("format '{other}' is not xlsx or csv"),
        )
        .field("format")),
    }
}

/// The 标准体系表: the tree with counts per node, as xlsx.
#[utoipa::path(get, path = "/api/v1/exports/standard-tree",
    responses((status = 200, description = "the file")))]
async fn export_tree(State(state): State<AppState>) -> Result<Response, ApiError> {
    let counts = state
        .standards
        .tree_counts(gongfu_standards::today())
        .await?;
    let bytes = gongfu_standards::export::tree_xlsx(&counts)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    Ok(attachment(XLSX, "gongfu-standard-system.xlsx", bytes))
}
