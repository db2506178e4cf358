//! `/api/v1/standards`: the standard system.

use super::{CodeName, Download, ErrorBody, FileBody, XLSX};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use gongfu_domain::standard::{Origin, Stage, StandardLevel};
use gongfu_edge::Query;
use gongfu_edge::{limits, ApiError, AppState, ErrorCode, Staff};
use gongfu_standards::view::{NumberView, StandardView};
use gongfu_standards::NodeCount;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
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

/// Standards of the registry.
#[derive(Serialize, ToSchema)]
pub struct StandardList {
    /// How many matched.
    total: usize,
    /// The standards, ordered by number.
    standards: Vec<StandardView>,
}

/// One standard with its place in the system and what links to it.
#[derive(Serialize, ToSchema)]
pub struct StandardDetail {
    /// The standard.
    standard: StandardView,
    /// Its node of the system tree and the nodes above it, top first.
    node_path: Vec<CodeName>,
    /// The items it serves, with their names in the newest version.
    items: Vec<CodeName>,
    /// Standards that reference it.
    referenced_by: Vec<String>,
    /// Standards that replace it.
    replaced_by: Vec<String>,
}

/// A standard saved.
#[derive(Serialize, ToSchema)]
pub struct StandardSaved {
    /// The standard as saved.
    standard: StandardView,
    /// Whether it was added (rather than edited).
    created: bool,
}

/// The system tree with counts.
#[derive(Serialize, ToSchema)]
pub struct StandardTree {
    /// Nodes in tree order, each counting its descendants.
    nodes: Vec<NodeCount>,
}

/// 标准覆盖率 of a list version.
#[derive(Serialize, ToSchema)]
pub struct CoverageView {
    /// The list version.
    version: i64,
    /// Covered items / all items, 0.0-1.0.
    overall: f64,
    /// Items in the version.
    items: usize,
    /// Items with at least one standard in force.
    covered: usize,
    /// Per area, in taxonomy order.
    by_area: Vec<AreaCoverageView>,
    /// Items without a standard in force, in list order.
    uncovered: Vec<UncoveredItem>,
}

/// Coverage of one area.
#[derive(Serialize, ToSchema)]
pub struct AreaCoverageView {
    /// Area number.
    area_no: u32,
    /// Area name.
    area: String,
    /// Items in the area.
    items: usize,
    /// Items with at least one standard in force.
    covered: usize,
    /// covered / items (0 for an empty area).
    rate: f64,
}

/// An item without a standard in force.
#[derive(Serialize, ToSchema)]
pub struct UncoveredItem {
    /// Item code.
    code: String,
    /// Item name.
    name: String,
    /// Its area's name.
    area: String,
}

/// Everything in the registry needing attention today.
#[derive(Serialize, ToSchema)]
pub struct AttentionView {
    /// Today (China Standard Time), YYYY-MM-DD.
    today: String,
    /// How many things need the district to act (the supersession watch is not counted).
    total: usize,
    /// Self-built (自建), in force, review overdue: the district's to review.
    review_overdue: Vec<ReviewDueView>,
    /// Self-built, in force, review due within 180 days.
    review_due: Vec<ReviewDueView>,
    /// Cited (national, sector, others' local or group standards), in force, past the date
    /// their issuer's review was due: not the district's to review; watch for a new edition
    /// that supersedes them.
    supersession_watch: Vec<ReviewDueView>,
    /// Withdrawn or superseded standards that anything still points at.
    gone: Vec<GoneView>,
    /// Standards referencing gone standards, directly or transitively.
    affected_standards: Vec<AffectedStandardView>,
    /// Items relying on gone or affected standards.
    affected_items: Vec<AffectedItemView>,
}

/// A standard whose periodic review (复审) is due or overdue.
#[derive(Serialize, ToSchema)]
pub struct ReviewDueView {
    /// The standard's number.
    number: String,
    /// Its title.
    title: String,
    /// When the review is due, YYYY-MM-DD.
    due: String,
    /// Days until due (negative: overdue by that many days).
    days_left: i64,
}

/// A standard no longer in force.
#[derive(Serialize, ToSchema)]
pub struct GoneView {
    /// The standard's number.
    number: String,
    /// Its title, when the registry holds it.
    title: String,
    /// `withdrawn` or `superseded`.
    why: &'static str,
    /// The replacing standard, if any.
    replaced_by: Option<String>,
}

/// A standard that references a gone standard.
#[derive(Serialize, ToSchema)]
pub struct AffectedStandardView {
    /// The standard's number.
    number: String,
    /// Its title.
    title: String,
    /// The chain of references to the gone standard, nearest first; the last is gone.
    via: Vec<String>,
}

/// An item relying on a gone or affected standard.
#[derive(Serialize, ToSchema)]
pub struct AffectedItemView {
    /// Item code.
    code: String,
    /// Its name in the newest version.
    name: String,
    /// The standards at fault it relies on.
    standards: Vec<String>,
}

/// What a registry import did.
#[derive(Serialize, ToSchema)]
pub struct StandardsImported {
    /// Standards new to the registry.
    added: usize,
    /// Standards replaced by the file's rows.
    updated: usize,
}

/// What a tree import did.
#[derive(Serialize, ToSchema)]
pub struct TreeImported {
    /// Nodes in the new tree.
    nodes: usize,
}

fn numbers(v: &[gongfu_domain::StandardNumber]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

fn review_due(r: gongfu_domain::standard::watch::ReviewDue) -> ReviewDueView {
    ReviewDueView {
        number: r.number.to_string(),
        title: r.title,
        due: r.due.to_string(),
        days_left: r.days_left,
    }
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
#[utoipa::path(get, path = "/api/v1/standards", operation_id = "list_standards", params(StandardsQuery),
    responses((status = 200, description = "standards", body = StandardList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    Query(q): Query<StandardsQuery>,
) -> Result<Json<StandardList>, ApiError> {
    let today = state.clock.today();
    let registry = state.standards.loaded().await?;
    let tree = &registry.tree;
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
    let standards: Vec<StandardView> = registry
        .standards
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
    Ok(Json(StandardList {
        total: standards.len(),
        standards,
    }))
}

/// One standard, with its node path, the items it serves (with names), the standards that
/// reference it or replace it. The number goes in the path with `/` as `%2F`.
#[utoipa::path(get, path = "/api/v1/standards/{number}", operation_id = "standard",
    params(("number" = String, Path, description = "the number, e.g. GB%2FT%201.1-2020")),
    responses((status = 200, description = "the standard", body = StandardDetail), (status = 404, body = ErrorBody), (status = 400, body = ErrorBody)))]
async fn one(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Json<StandardDetail>, ApiError> {
    let d = state.standards.standard(&number).await?;
    let today = state.clock.today();
    Ok(Json(StandardDetail {
        standard: StandardView::new(&d.standard, today),
        node_path: d
            .node_path
            .into_iter()
            .map(|(c, n)| CodeName::new(c, n))
            .collect(),
        items: d
            .items
            .into_iter()
            .map(|(c, n)| CodeName::new(c.as_str(), n))
            .collect(),
        referenced_by: numbers(&d.referenced_by),
        replaced_by: numbers(&d.replaced_by),
    }))
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
    responses((status = 200, description = "saved", body = StandardSaved), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn save(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    body: Bytes,
) -> Result<Json<StandardSaved>, ApiError> {
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
    Ok(Json(StandardSaved {
        standard: StandardView::new(&saved, state.clock.today()),
        created: !registered,
    }))
}

/// Removes a standard from the registry, with its links to items. Administrators only.
#[utoipa::path(delete, path = "/api/v1/standards/{number}", operation_id = "remove_standard",
    params(("number" = String, Path, description = "the number")),
    responses((status = 204, description = "removed"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
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
    responses((status = 200, description = "the tree", body = StandardTree)))]
async fn tree(State(state): State<AppState>) -> Result<Json<StandardTree>, ApiError> {
    let nodes = state.standards.tree_counts(state.clock.today()).await?;
    Ok(Json(StandardTree { nodes }))
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
    responses((status = 200, description = "coverage", body = CoverageView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn coverage(
    State(state): State<AppState>,
    Query(q): Query<CoverageQuery>,
) -> Result<Json<CoverageView>, ApiError> {
    let (snap, c) = state
        .standards
        .coverage(q.version, state.clock.today())
        .await?;
    let uncovered = c
        .uncovered
        .iter()
        .filter_map(|code| snap.items.iter().find(|i| &i.code == code))
        .map(|i| UncoveredItem {
            code: i.code.as_str().to_string(),
            name: i.name.clone(),
            area: snap
                .taxonomy
                .area(i.area_no)
                .map(|a| a.name.clone())
                .unwrap_or_default(),
        })
        .collect();
    Ok(Json(CoverageView {
        version: snap.version.number,
        overall: c.overall,
        items: c.items,
        covered: c.covered,
        by_area: c
            .by_area
            .into_iter()
            .map(|a| AreaCoverageView {
                area_no: a.area_no,
                area: a.area,
                items: a.items,
                covered: a.covered,
                rate: a.rate,
            })
            .collect(),
        uncovered,
    }))
}

/// Everything needing attention today: reviews of the district's own standards overdue and
/// due within 180 days, cited standards past their review age to watch for supersession, withdrawn
/// and superseded standards, the standards referencing them (transitively, with the chain)
/// and the items relying on either.
#[utoipa::path(get, path = "/api/v1/standards/attention",
    responses((status = 200, description = "what needs attention", body = AttentionView)))]
async fn attention(State(state): State<AppState>) -> Result<Json<AttentionView>, ApiError> {
    let today = state.clock.today();
    let a = state.standards.attention(today).await?;
    Ok(Json(AttentionView {
        today: today.to_string(),
        total: a.len(),
        review_overdue: a.review_overdue.into_iter().map(review_due).collect(),
        review_due: a.review_due.into_iter().map(review_due).collect(),
        supersession_watch: a.supersession_watch.into_iter().map(review_due).collect(),
        gone: a
            .gone
            .into_iter()
            .map(|g| GoneView {
                number: g.number.to_string(),
                title: g.title,
                why: g.why,
                replaced_by: g.replaced_by.map(|n| n.to_string()),
            })
            .collect(),
        affected_standards: a
            .affected_standards
            .into_iter()
            .map(|s| AffectedStandardView {
                number: s.number.to_string(),
                title: s.title,
                via: numbers(&s.via),
            })
            .collect(),
        affected_items: a
            .affected_items
            .into_iter()
            .map(|i| AffectedItemView {
                code: i.code.as_str().to_string(),
                name: i.name,
                standards: numbers(&i.standards),
            })
            .collect(),
    }))
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
    request_body(content = FileBody, content_type = "application/octet-stream", description = "the file"),
    responses((status = 201, description = "imported", body = StandardsImported), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_standards(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<FileQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<StandardsImported>), ApiError> {
    let file = q.file.unwrap_or_else(|| "upload.csv".into());
    let o = state
        .standards
        .import_standards(&staff.actor(), &file, &body)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(StandardsImported {
            added: o.added,
            updated: o.updated,
        }),
    ))
}

/// Replaces the standard system tree (节点编号, 节点名称, 上级节点, 说明; CSV or xlsx).
/// Refused when a registered standard sits in a node the new tree lacks. Administrators
/// only.
#[utoipa::path(post, path = "/api/v1/imports/standard-tree", params(FileQuery),
    request_body(content = FileBody, content_type = "application/octet-stream", description = "the file"),
    responses((status = 201, description = "imported", body = TreeImported), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_tree(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<FileQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<TreeImported>), ApiError> {
    let file = q.file.unwrap_or_else(|| "upload.csv".into());
    let nodes = state
        .standards
        .import_tree(&staff.actor(), &file, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(TreeImported { nodes })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct StandardsExportQuery {
    /// xlsx (default) or csv.
    format: Option<String>,
}

/// The 标准明细表: one row per standard, in the import layout.
#[utoipa::path(get, path = "/api/v1/exports/standards", params(StandardsExportQuery),
    responses((status = 200, description = "the file", content(
        (FileBody = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (FileBody = "text/csv"),
    )), (status = 400, body = ErrorBody)))]
async fn export_standards(
    State(state): State<AppState>,
    Query(q): Query<StandardsExportQuery>,
) -> Result<Download, ApiError> {
    let tree = state.standards.tree().await?;
    let all = state.standards.standards().await?;
    match q.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => {
            let bytes = gongfu_standards::export::standards_xlsx(&all, &tree)
                .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
            Ok(Download::attachment(XLSX, "gongfu-standards.xlsx", bytes))
        }
        "csv" => Ok(Download::attachment(
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

/// The 标准体系表: the tree with counts per node and the standards under each, as xlsx.
#[utoipa::path(get, path = "/api/v1/exports/standard-tree",
    responses((status = 200, description = "the file", body = FileBody,
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
async fn export_tree(State(state): State<AppState>) -> Result<Download, ApiError> {
    let counts = state.standards.tree_counts(state.clock.today()).await?;
    let all = state.standards.standards().await?;
    let bytes = gongfu_standards::export::tree_xlsx(&counts, &all)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    Ok(Download::attachment(
        XLSX,
        "gongfu-standard-system.xlsx",
        bytes,
    ))
}
