//! The service list (清单): areas, items, versions and their diffs, regions and what each
//! can enjoy, departments, and the list's imports and exports.

use super::{invalid, snapshot, ErrorBody};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gongfu_catalog::export::{export, ExportFormat};
use gongfu_catalog::import::Format;
use gongfu_catalog::view::ItemView;
use gongfu_catalog::ItemFilter;
use gongfu_domain::RegionCode;
use gongfu_edge::{limits, params, ApiError, AppState, ErrorCode, Query, Staff};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The list's routes and their operations.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(areas))
        .routes(routes!(items))
        .routes(routes!(item))
        .routes(routes!(versions))
        .routes(routes!(diff))
        .routes(routes!(regions))
        .routes(routes!(region_items))
        .routes(routes!(departments))
        .routes(super::limited(routes!(import_items), limits::imports()))
        .routes(routes!(export_items))
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
    let region = params::region(q.region.as_deref())?;
    let (page, per_page) = params::page(q.page, q.per_page)?;
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
