//! The handlers of `/api/v1`, the route table and the OpenAPI document. The service
//! list's handlers are here; other capabilities have a module each.

mod affordability;
pub mod eligibility;
pub mod places;
pub mod search;
mod standards;
mod texts;

use crate::auth::{session_cookie, Staff};
use crate::error::Query;
use crate::{ApiError, AppState, ErrorCode};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use gongfu_catalog::export::{export, ExportFormat};
use gongfu_catalog::import::Format;
use gongfu_catalog::view::ItemView;
use gongfu_catalog::{ItemFilter, ProposalInput};
use gongfu_domain::{AdjustmentStatus, Decision, RegionCode};
use gongfu_standards::view::{NumberView, StandardView};
use gongfu_standards::NodeCount;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::{IntoParams, OpenApi, ToSchema};

/// Largest import file accepted, over the API and the admin page. axum's default (2 MiB)
/// is less than a large district's workbook.
pub const IMPORT_LIMIT: usize = 64 << 20;

/// Largest population table accepted over the API: about 3 million persons as CSV. A
/// whole city's table goes through `gongfu import population`, which reads the file.
pub const POPULATION_LIMIT: usize = 256 << 20;

/// Every URL of the API, in one place.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/openapi.json", get(openapi))
        .route("/api/v1/areas", get(areas))
        .route("/api/v1/items", get(items))
        .route("/api/v1/items/{code}", get(item))
        .route("/api/v1/versions", get(versions))
        .route("/api/v1/versions/{a}/diff/{b}", get(diff))
        .route("/api/v1/regions", get(regions))
        .route("/api/v1/regions/{code}/items", get(region_items))
        .route("/api/v1/departments", get(departments))
        .route("/api/v1/session", post(login).delete(logout).get(whoami))
        .route(
            "/api/v1/adjustments",
            get(adjustments).post(open_adjustment),
        )
        .route("/api/v1/adjustments/{id}", get(adjustment))
        .route("/api/v1/adjustments/{id}/proposals", post(propose))
        .route(
            "/api/v1/adjustments/{id}/proposals/{pid}/decision",
            post(decide),
        )
        .route("/api/v1/adjustments/{id}/approve", post(approve))
        .route("/api/v1/adjustments/{id}/close", post(close))
        .route(
            "/api/v1/imports/items",
            post(import_items).layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/api/v1/exports/items", get(export_items))
        .route("/api/v1/audit", get(audit))
        .route("/api/v1/standards", get(standards::list))
        .route("/api/v1/standards/parse", get(standards::parse_number))
        .route("/api/v1/standards/tree", get(standards::tree))
        .route("/api/v1/standards/coverage", get(standards::coverage))
        .route("/api/v1/standards/attention", get(standards::attention))
        .route(
            "/api/v1/standards/{number}",
            get(standards::one)
                .put(standards::save)
                .delete(standards::remove),
        )
        .route(
            "/api/v1/imports/standards",
            post(standards::import_standards)
                .layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route(
            "/api/v1/imports/standard-tree",
            post(standards::import_tree).layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route(
            "/api/v1/exports/standards",
            get(standards::export_standards),
        )
        .route("/api/v1/exports/standard-tree", get(standards::export_tree))
        .route(
            "/api/v1/standards/check",
            post(texts::check).layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/api/v1/standards/check/rules", get(texts::rules))
        .route("/api/v1/texts", get(texts::list))
        .route("/api/v1/search", get(search::search))
        .route("/api/v1/texts/{kind}/{key}/docx", get(texts::docx))
        .route(
            "/api/v1/texts/{kind}/{key}",
            get(texts::one).delete(texts::remove),
        )
        .route(
            "/api/v1/imports/texts",
            post(texts::import).layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/api/v1/eligibility/fields", get(eligibility::fields))
        .route("/api/v1/eligibility", post(eligibility::assess))
        .route(
            "/api/v1/eligibility/rules/check",
            post(eligibility::check_rule),
        )
        .route(
            "/api/v1/populations",
            get(affordability::populations).post(affordability::synthesize),
        )
        .route(
            "/api/v1/populations/{id}",
            axum::routing::delete(affordability::delete_population),
        )
        .route(
            "/api/v1/imports/population",
            post(affordability::import_population)
                .layer(axum::extract::DefaultBodyLimit::max(POPULATION_LIMIT)),
        )
        .route(
            "/api/v1/imports/finance",
            post(affordability::import_finance)
                .layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/api/v1/affordability/finance", get(affordability::finance))
        .route(
            "/api/v1/affordability/runs",
            get(affordability::runs).post(affordability::create_run),
        )
        .route("/api/v1/affordability/runs/{id}", get(affordability::run))
        .route(
            "/api/v1/affordability/runs/{id}/export",
            get(affordability::export_run),
        )
        .route("/api/v1/points", get(places::list))
        .route("/api/v1/points/nearby", get(places::nearby))
        .route(
            "/api/v1/points/{id}",
            get(places::one).delete(places::remove),
        )
        .route("/api/v1/facility-types", get(places::facility_types))
        .route("/api/v1/boundaries", get(places::boundaries))
        .route("/api/v1/circles", get(places::circles))
        .route("/api/v1/circles/allocation", get(places::allocation))
        .route("/api/v1/exports/points", get(places::export_points))
        .route("/api/v1/exports/circles", get(places::export_circles))
        .route(
            "/api/v1/imports/points",
            post(places::import_points).layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route(
            "/api/v1/imports/sites",
            post(places::import_sites).layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route(
            "/api/v1/imports/boundaries",
            post(places::import_boundaries)
                .layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .layer(axum::middleware::from_fn(etag))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gongfu API",
        description = "基本公共服务标准化平台 API: the basic public service list, its versions and dynamic adjustment; the standard system."
    ),
    paths(
        healthz,
        areas,
        items,
        item,
        versions,
        diff,
        regions,
        region_items,
        departments,
        login,
        logout,
        whoami,
        adjustments,
        open_adjustment,
        adjustment,
        propose,
        decide,
        approve,
        close,
        import_items,
        export_items,
        audit,
        standards::list,
        standards::parse_number,
        standards::tree,
        standards::coverage,
        standards::attention,
        standards::one,
        standards::save,
        standards::remove,
        texts::list,
        texts::one,
        texts::import,
        texts::remove,
        texts::check,
        texts::rules,
        search::search,
        texts::docx,
        standards::import_standards,
        standards::import_tree,
        standards::export_standards,
        standards::export_tree,
        eligibility::fields,
        eligibility::assess,
        eligibility::check_rule,
        affordability::populations,
        affordability::synthesize,
        affordability::delete_population,
        affordability::import_population,
        affordability::import_finance,
        affordability::finance,
        affordability::create_run,
        affordability::runs,
        affordability::run,
        affordability::export_run,
        places::list,
        places::nearby,
        places::one,
        places::remove,
        places::facility_types,
        places::boundaries,
        places::circles,
        places::allocation,
        places::export_points,
        places::export_circles,
        places::import_points,
        places::import_sites,
        places::import_boundaries
    ),
    components(schemas(ItemView, ItemsPage, ErrorBody, NumberView, StandardView, NodeCount))
)]
struct ApiDoc;

/// The OpenAPI 3.1 document, as JSON.
pub fn openapi_json() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    // The error catalogue, so clients can see every code in one place.
    doc["x-error-codes"] = crate::ErrorCode::ALL
        .iter()
        .map(|c| json!({"code": c.code(), "status": c.status().as_u16(), "message": c.zh(), "message_en": c.en()}))
        .collect();
    doc
}

/// Body of every error response.
#[derive(ToSchema)]
#[allow(dead_code)]
struct ErrorBody {
    /// Stable code from the catalogue (`x-error-codes`).
    code: String,
    /// Chinese title (English with `Accept-Language: en`).
    message: String,
    /// The field at fault.
    field: Option<String>,
    /// What failed, on which input, and what to do.
    detail: String,
    /// Individual problems (import rows, proposal fields).
    errors: Vec<Value>,
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

/// One page of items.
#[derive(serde::Serialize, ToSchema)]
pub struct ItemsPage {
    /// The items on this page.
    items: Vec<ItemView>,
    /// Items matching the filters, over all pages.
    total: usize,
    /// Page number, from 1.
    page: usize,
    /// Page size.
    per_page: usize,
    /// The version number listed.
    version: i64,
}

/// `page` (from 1, default 1) and `per_page` (1-500, default 50), or a 400 naming the one
/// out of range.
pub(crate) fn page_params(
    page: Option<usize>,
    per_page: Option<usize>,
) -> Result<(usize, usize), ApiError> {
    let page = page.unwrap_or(1);
    let per_page = per_page.unwrap_or(50);
    if page == 0 {
        return Err(invalid("page", "page starts at 1"));
    }
    if !(1..=500).contains(&per_page) {
        return Err(invalid(
            "per_page",
            format!("per_page={per_page} is out of range; use 1 to 500"),
        ));
    }
    Ok((page, per_page))
}

fn invalid(field: &str, detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, detail).field(field)
}

async fn snapshot(
    state: &AppState,
    version: Option<i64>,
) -> Result<std::sync::Arc<gongfu_catalog::Snapshot>, ApiError> {
    match state.catalog.snapshot(version).await? {
        Some(s) => Ok(s),
        None => Err(match version {
            Some(v) => ApiError::new(ErrorCode::NotFound, format!("list version {v} does not exist; GET /api/v1/versions lists the published ones")).field("version"),
            None => ApiError::new(ErrorCode::NoVersion, "import a list (gongfu import items FILE) or run the demo to publish the first version"),
        }),
    }
}

/// Health check: the server runs and the database answers.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "healthy")))]
async fn healthz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let versions = state.catalog.versions().await?.len();
    Ok(Json(
        json!({"status": "ok", "backend": format!("{:?}", state.db.backend()).to_lowercase(), "versions": versions}),
    ))
}

async fn openapi() -> Json<Value> {
    Json(openapi_json())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct VersionQuery {
    /// Version number; the newest when absent.
    version: Option<i64>,
}

/// Areas, each with its categories and item counts.
#[utoipa::path(get, path = "/api/v1/areas", params(VersionQuery), responses((status = 200, description = "areas with categories"), (status = 404, body = ErrorBody)))]
async fn areas(
    State(state): State<AppState>,
    Query(q): Query<VersionQuery>,
) -> Result<Json<Value>, ApiError> {
    let s = snapshot(&state, q.version).await?;
    let areas: Vec<Value> = s
        .taxonomy
        .areas
        .iter()
        .map(|a| {
            let cats: Vec<Value> = s
                .taxonomy
                .categories_of(a.no)
                .map(|c| json!({"no": c.no, "name": c.name, "item_count": s.items.iter().filter(|i| i.category_no == c.no).count()}))
                .collect();
            json!({"no": a.no, "name": a.name, "item_count": s.items.iter().filter(|i| i.area_no == a.no).count(), "categories": cats})
        })
        .collect();
    Ok(Json(json!({"version": s.version.number, "areas": areas})))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ItemsQuery {
    /// Area number or name.
    area: Option<String>,
    /// Category number or name.
    category: Option<String>,
    /// `true` for featured (特色) items only, `false` for the others.
    featured: Option<String>,
    /// A region's 12-digit code: items delivered there.
    region: Option<String>,
    /// A lead department's short name.
    department: Option<String>,
    /// Words that must all appear.
    q: Option<String>,
    /// Version number; the newest when absent.
    version: Option<i64>,
    /// Page, from 1.
    page: Option<usize>,
    /// Items per page, 1-500 (default 50).
    per_page: Option<usize>,
}

/// Items of a version, filtered and paginated.
#[utoipa::path(get, path = "/api/v1/items", params(ItemsQuery), responses((status = 200, body = ItemsPage), (status = 400, body = ErrorBody)))]
async fn items(
    State(state): State<AppState>,
    Query(q): Query<ItemsQuery>,
) -> Result<Json<ItemsPage>, ApiError> {
    let featured = match q.featured.as_deref() {
        None | Some("") => None,
        Some("true" | "1" | "是") => Some(true),
        Some("false" | "0" | "否") => Some(false),
        Some(x) => {
            return Err(invalid(
                "featured",
                format!("featured='{x}' is not true or false"),
            ))
        }
    };
    let region = q
        .region
        .as_deref()
        .filter(|r| !r.is_empty())
        .map(RegionCode::parse)
        .transpose()
        .map_err(|e| invalid("region", e.to_string()))?;
    let (page, per_page) = page_params(q.page, q.per_page)?;
    let s = snapshot(&state, q.version).await?;
    let filter = ItemFilter {
        area: q.area,
        category: q.category,
        featured,
        region,
        department: q.department,
        q: q.q,
    };
    let mut total = 0;
    let mut out = Vec::new();
    let skip = (page - 1).saturating_mul(per_page);
    for it in s.filter(&filter) {
        if total >= skip && out.len() < per_page {
            out.push(ItemView::new(it, &s.taxonomy));
        }
        total += 1;
    }
    Ok(Json(ItemsPage {
        items: out,
        total,
        page,
        per_page,
        version: s.version.number,
    }))
}

/// One item by code.
#[utoipa::path(get, path = "/api/v1/items/{code}", params(("code" = String, Path, description = "item code"), VersionQuery), responses((status = 200, body = ItemView), (status = 404, body = ErrorBody)))]
async fn item(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Json<ItemView>, ApiError> {
    let s = snapshot(&state, q.version).await?;
    let it = s.item(&code).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("item {code} is not in version {}", s.version.number),
        )
        .field("code")
    })?;
    Ok(Json(ItemView::new(it, &s.taxonomy)))
}

/// Published versions, oldest first.
#[utoipa::path(get, path = "/api/v1/versions", responses((status = 200, description = "versions")))]
async fn versions(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let vs = state.catalog.versions().await?;
    let mut out = Vec::new();
    for v in vs {
        let n = state
            .catalog
            .snapshot(Some(v.number))
            .await?
            .map(|s| s.items.len())
            .unwrap_or(0);
        let mut j = serde_json::to_value(&v).unwrap_or_default();
        j["item_count"] = n.into();
        out.push(j);
    }
    Ok(Json(json!({"versions": out})))
}

/// What changed from version a to version b: items added, removed and per-field changes.
#[utoipa::path(get, path = "/api/v1/versions/{a}/diff/{b}", params(("a" = i64, Path), ("b" = i64, Path)), responses((status = 200, description = "the diff"), (status = 404, body = ErrorBody)))]
async fn diff(
    State(state): State<AppState>,
    Path((a, b)): Path<(i64, i64)>,
) -> Result<Json<Value>, ApiError> {
    let d = state.catalog.diff(a, b).await?;
    let pair = |v: &[(String, String)]| {
        v.iter()
            .map(|(c, n)| json!({"code": c, "name": n}))
            .collect::<Vec<_>>()
    };
    Ok(Json(
        json!({"from": a, "to": b, "added": pair(&d.added), "removed": pair(&d.removed), "changed": d.changed}),
    ))
}

/// Every region (province to community), with validity years.
#[utoipa::path(get, path = "/api/v1/regions", responses((status = 200, description = "regions")))]
async fn regions(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({"regions": gongfu_db::regions::list(&state.db).await?}),
    ))
}

/// The list a community (or any region) can enjoy: 本社区可享受的基本公共服务.
#[utoipa::path(get, path = "/api/v1/regions/{code}/items", params(("code" = String, Path, description = "12-digit region code"), VersionQuery), responses((status = 200, description = "the region and its items"), (status = 404, body = ErrorBody)))]
async fn region_items(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Json<Value>, ApiError> {
    let code = RegionCode::parse(&code).map_err(|e| invalid("code", e.to_string()))?;
    let (region, s, idx) = state.catalog.region_items(&code, q.version).await?;
    let pops = gongfu_db::regions::populations(&state.db, &code).await?;
    let items: Vec<ItemView> = idx
        .iter()
        .map(|&i| ItemView::new(&s.items[i], &s.taxonomy))
        .collect();
    Ok(Json(
        json!({"region": region, "populations": pops, "version": s.version.number, "total": items.len(), "items": items}),
    ))
}

/// Departments: full and short names.
#[utoipa::path(get, path = "/api/v1/departments", responses((status = 200, description = "departments")))]
async fn departments(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({"departments": gongfu_db::regions::departments(&state.db).await?}),
    ))
}

fn json_body<T: serde::de::DeserializeOwned>(bytes: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidBody,
            format!("the body is not the JSON expected: {e}"),
        )
    })
}

#[derive(Deserialize, ToSchema)]
struct LoginBody {
    username: String,
    password: String,
}

/// Logs in: sets the session cookie and returns the CSRF token to send with writes.
#[utoipa::path(post, path = "/api/v1/session", request_body = LoginBody, responses((status = 200, description = "logged in"), (status = 401, body = ErrorBody)))]
async fn login(State(state): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let b: LoginBody = json_body(&body)?;
    let (token, s) = gongfu_accounts::login(&state.db, &b.username, &b.password).await?;
    let mut res = Json(json!({"username": s.user.username, "display_name": s.user.display_name, "role": s.user.role, "departments": s.user.departments, "csrf_token": s.csrf})).into_response();
    if let Ok(v) = HeaderValue::from_str(&session_cookie(&token, state.secure_cookies)) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// The logged-in user.
#[utoipa::path(get, path = "/api/v1/session", responses((status = 200, description = "the user"), (status = 401, body = ErrorBody)))]
async fn whoami(staff: Staff) -> Json<Value> {
    let u = &staff.0.user;
    Json(
        json!({"username": u.username, "display_name": u.display_name, "role": u.role, "departments": u.departments, "csrf_token": staff.0.csrf}),
    )
}

/// Logs out.
#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204, description = "logged out")))]
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    _staff: Staff,
) -> Result<Response, ApiError> {
    if let Some(t) = crate::auth::cookie(&headers, gongfu_accounts::SESSION_COOKIE) {
        gongfu_accounts::logout(&state.db, t).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&session_cookie("", state.secure_cookies)) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
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

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// File name, used for the format (by extension) and in error messages.
    file: Option<String>,
    /// csv, xlsx, json, hsds, hsds-csv or text; guessed from the file name when absent.
    format: Option<String>,
    /// Title of the adjustment the import opens.
    title: Option<String>,
    /// Publish at once (administrators).
    publish: Option<bool>,
    /// Label of the version published.
    label: Option<String>,
}

/// Imports a list file (the body) as an adjustment; with `publish=true` publishes it.
/// All or nothing: a 422 lists every error with its row and column.
#[utoipa::path(post, path = "/api/v1/imports/items", params(ImportQuery), request_body(content = Vec<u8>, description = "the file"), responses((status = 201, description = "imported"), (status = 422, body = ErrorBody)))]
async fn import_items(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let format = q
        .format
        .as_deref()
        .map(|f| {
            Format::parse(f).ok_or_else(|| {
                invalid(
                    "format",
                    format!("format '{f}' is not csv, xlsx, json, hsds, hsds-csv or text"),
                )
            })
        })
        .transpose()?;
    let file = q.file.unwrap_or_else(|| "upload".into());
    let title = q.title.unwrap_or_else(|| format!("导入 {file}"));
    let outcome = state
        .catalog
        .import(
            &staff.actor(),
            gongfu_catalog::ImportRequest {
                taxonomy: None,
                file: &file,
                bytes: &body,
                format,
                title: &title,
                label: q.label.as_deref().unwrap_or(""),
                publish: q.publish.unwrap_or(false),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(outcome)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    /// xlsx, csv, json, hsds or hsds-csv.
    format: Option<String>,
    /// Version number; the newest when absent.
    version: Option<i64>,
}

/// Exports a version as CSV, xlsx or JSON.
#[utoipa::path(get, path = "/api/v1/exports/items", params(ExportQuery), responses((status = 200, description = "the file"), (status = 400, body = ErrorBody)))]
async fn export_items(
    State(state): State<AppState>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let name = q.format.as_deref().unwrap_or("xlsx");
    let f = ExportFormat::parse(name).ok_or_else(|| {
        invalid(
            "format",
            format!("format '{name}' is not xlsx, csv, json, hsds or hsds-csv"),
        )
    })?;
    let s = snapshot(&state, q.version).await?;
    let bytes = export(&s, f).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let disposition = format!(
        "attachment; filename=\"gongfu-list-v{}.{}\"",
        s.version.number,
        f.extension()
    );
    Ok((
        [
            (header::CONTENT_TYPE, f.content_type().to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// Only entries about this kind of record (version, adjustment, user, region ...).
    entity: Option<String>,
    /// At most this many (default 100, up to 1000).
    limit: Option<i64>,
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery), responses((status = 200, description = "entries"), (status = 401, body = ErrorBody)))]
async fn audit(
    State(state): State<AppState>,
    _staff: Staff,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    Ok(Json(
        json!({"entries": gongfu_db::audit::list(&state.db, q.entity.as_deref(), limit).await?}),
    ))
}

/// Strong ETags on successful public GETs, answering `If-None-Match` with 304. Versions
/// never change, so most of these answers can be cached by clients and proxies.
async fn etag(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use std::hash::{Hash, Hasher};
    let is_get = req.method() == axum::http::Method::GET;
    let english = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("en"));
    let public = is_get && !req.headers().contains_key(header::COOKIE);
    let inm = req.headers().get(header::IF_NONE_MATCH).cloned();
    let res = next.run(req).await;
    if english && !res.status().is_success() {
        // Errors are built without the request in hand; switch their title here.
        let (parts, body) = res.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, 1 << 24).await else {
            return parts.into_response();
        };
        let mut v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if let Some(code) = v
            .get("code")
            .and_then(Value::as_str)
            .and_then(|c| ErrorCode::ALL.iter().find(|e| e.code() == c))
        {
            v["message"] = code.en().into();
            return (parts.status, Json(v)).into_response();
        }
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    }
    if !public || res.status() != StatusCode::OK {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    let tag = format!("\"{:016x}{:08x}\"", h.finish(), bytes.len());
    if inm
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag))
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&tag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        return r;
    }
    if let Ok(v) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, v);
    }
    parts.headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
