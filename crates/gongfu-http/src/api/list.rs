//! The service list (清单): areas, items, versions and their diffs, regions and what each
//! can enjoy, departments, and the list's imports and exports.

use super::{invalid, snapshot, CodeName, Download, ErrorBody, FileBody, JsonFile};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use gongfu_catalog::export::{export, ExportFormat};
use gongfu_catalog::import::Format;
use gongfu_catalog::view::ItemView;
use gongfu_catalog::ItemFilter;
use gongfu_domain::RegionCode;
use gongfu_edge::{limits, params, ApiError, AppState, ErrorCode, Query, Staff};
use serde::{Deserialize, Serialize};
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

/// The areas of a version, each with its categories and item counts.
#[derive(Serialize, ToSchema)]
pub struct Areas {
    /// The version number counted.
    version: i64,
    /// Areas in order.
    areas: Vec<AreaCount>,
}

/// An area (领域) with its categories.
#[derive(Serialize, ToSchema)]
pub struct AreaCount {
    /// Number, 1-based.
    no: u32,
    /// Name, e.g. 幼有所育.
    name: String,
    /// Items in the area.
    item_count: usize,
    /// Its categories (大类) in order.
    categories: Vec<CategoryCount>,
}

/// A category (大类) with its item count.
#[derive(Serialize, ToSchema)]
pub struct CategoryCount {
    /// Number, unique in the list.
    no: u32,
    /// Name, e.g. 优孕优生服务.
    name: String,
    /// Items in the category.
    item_count: usize,
}

/// Published versions, oldest first.
#[derive(Serialize, ToSchema)]
pub struct Versions {
    /// The versions.
    versions: Vec<VersionView>,
}

/// A published version of the list.
#[derive(Serialize, ToSchema)]
pub struct VersionView {
    /// Version number, 1, 2, ... as published.
    number: i64,
    /// Label, e.g. 2024年版.
    label: String,
    /// Release notes.
    notes: String,
    /// When (RFC 3339, UTC).
    published_at: String,
    /// Who approved it.
    published_by: String,
    /// The adjustment that produced it.
    adjustment_id: Option<i64>,
    /// Items in the version (in `GET /api/v1/versions` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    item_count: Option<usize>,
}

impl VersionView {
    /// The view of a version; `item_count` when listed.
    pub fn new(v: gongfu_db::catalog::Version, item_count: Option<usize>) -> Self {
        VersionView {
            number: v.number,
            label: v.label,
            notes: v.notes,
            published_at: v.published_at,
            published_by: v.published_by,
            adjustment_id: v.adjustment_id,
            item_count,
        }
    }
}

/// What changed from one version to another.
#[derive(Serialize, ToSchema)]
pub struct VersionDiff {
    /// The older version.
    from: i64,
    /// The newer version.
    to: i64,
    /// Items only in the newer version.
    added: Vec<CodeName>,
    /// Items only in the older version.
    removed: Vec<CodeName>,
    /// Items in both with per-field changes.
    changed: Vec<ItemChangeView>,
}

/// The changes to one item.
#[derive(Serialize, ToSchema)]
pub struct ItemChangeView {
    /// Item code.
    code: String,
    /// Name in the newer version.
    name: String,
    /// The fields that differ.
    fields: Vec<FieldChangeView>,
}

impl From<gongfu_domain::catalog::ItemChange> for ItemChangeView {
    fn from(c: gongfu_domain::catalog::ItemChange) -> Self {
        ItemChangeView {
            code: c.code,
            name: c.name,
            fields: c
                .fields
                .into_iter()
                .map(|f| FieldChangeView {
                    field: f.field,
                    header: f.header,
                    old: f.old,
                    new: f.new,
                })
                .collect(),
        }
    }
}

/// One field of one item that differs between two versions.
#[derive(Serialize, ToSchema)]
pub struct FieldChangeView {
    /// Column key (`standard`).
    field: &'static str,
    /// Chinese header (服务标准).
    header: &'static str,
    /// Value in the older version, as the list writes it.
    old: String,
    /// Value in the newer version.
    new: String,
}

/// Every region.
#[derive(Serialize, ToSchema)]
pub struct Regions {
    /// Regions, province to community.
    regions: Vec<RegionView>,
}

/// A region (province to community) with its validity years.
#[derive(Serialize, ToSchema)]
pub struct RegionView {
    /// 12-digit statistical code.
    code: String,
    /// Name, e.g. 莲花街道.
    name: String,
    /// `province`, `city`, `district`, `subdistrict` or `community`.
    level: &'static str,
    /// The enclosing region's code.
    parent_code: Option<String>,
    /// First year the region exists with this code.
    valid_from: i64,
    /// Last year, or null while current.
    valid_to: Option<i64>,
    /// Where the row comes from; illustrative rows say 示例.
    provenance: String,
}

impl From<gongfu_db::regions::Region> for RegionView {
    fn from(r: gongfu_db::regions::Region) -> Self {
        RegionView {
            code: r.code.as_str().to_string(),
            name: r.name,
            level: r.level.as_str(),
            parent_code: r.parent_code.map(|c| c.as_str().to_string()),
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            provenance: r.provenance,
        }
    }
}

/// A region's head count in one year, by kind.
#[derive(Serialize, ToSchema)]
pub struct PopulationView {
    /// Region code.
    region_code: String,
    /// Year.
    year: i64,
    /// `hukou` (户籍), `permanent` (常住) or `served` (服务人口).
    kind: &'static str,
    /// Head count.
    count: i64,
    /// Source.
    provenance: String,
}

impl From<gongfu_db::regions::Population> for PopulationView {
    fn from(p: gongfu_db::regions::Population) -> Self {
        PopulationView {
            region_code: p.region_code.as_str().to_string(),
            year: p.year,
            kind: p.kind.as_str(),
            count: p.count,
            provenance: p.provenance,
        }
    }
}

/// The list a region can enjoy.
#[derive(Serialize, ToSchema)]
pub struct RegionItems {
    /// The region.
    region: RegionView,
    /// Its head counts by year and kind.
    populations: Vec<PopulationView>,
    /// The version listed.
    version: i64,
    /// Items delivered there.
    total: usize,
    /// The items.
    items: Vec<ItemView>,
}

/// Every department.
#[derive(Serialize, ToSchema)]
pub struct Departments {
    /// The departments.
    departments: Vec<DepartmentView>,
}

/// A department (部门).
#[derive(Serialize, ToSchema)]
pub struct DepartmentView {
    /// Id.
    id: i64,
    /// Full name, e.g. 深圳市示例区卫生健康局.
    name: String,
    /// Short name as the list writes it, e.g. 区卫生健康局.
    short_name: String,
    /// Source.
    provenance: String,
}

/// What an import of the list did.
#[derive(Serialize, ToSchema)]
pub struct ItemsImported {
    /// The adjustment holding the changes as proposals.
    adjustment_id: i64,
    /// The version published, when published at once.
    version: Option<i64>,
    /// Items added relative to the current version.
    added: usize,
    /// Items changed.
    modified: usize,
    /// Items no longer in the list.
    retired: usize,
    /// Whether the areas or categories changed.
    taxonomy_changed: bool,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct VersionQuery {
    /// Version number; the newest when absent.
    version: Option<i64>,
}

/// Areas, each with its categories and item counts.
#[utoipa::path(get, path = "/api/v1/areas", params(VersionQuery), responses((status = 200, description = "areas with categories", body = Areas), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn areas(
    State(state): State<AppState>,
    Query(q): Query<VersionQuery>,
) -> Result<Json<Areas>, ApiError> {
    let s = snapshot(&state, q.version).await?;
    let areas = s
        .area_counts()
        .into_iter()
        .map(|a| AreaCount {
            no: a.area.no,
            name: a.area.name.clone(),
            item_count: a.items,
            categories: a
                .categories
                .into_iter()
                .map(|(c, n)| CategoryCount {
                    no: c.no,
                    name: c.name.clone(),
                    item_count: n,
                })
                .collect(),
        })
        .collect();
    Ok(Json(Areas {
        version: s.version.number,
        areas,
    }))
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
#[utoipa::path(get, path = "/api/v1/items", params(ItemsQuery), responses((status = 200, body = ItemsPage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
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
#[utoipa::path(get, path = "/api/v1/items/{code}", params(("code" = String, Path, description = "item code"), VersionQuery), responses((status = 200, body = ItemView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
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
#[utoipa::path(get, path = "/api/v1/versions", responses((status = 200, description = "versions", body = Versions)))]
async fn versions(State(state): State<AppState>) -> Result<Json<Versions>, ApiError> {
    let vs = state.catalog.versions().await?;
    let mut versions = Vec::new();
    for v in vs {
        let n = state
            .catalog
            .snapshot(Some(v.number))
            .await?
            .map(|s| s.items.len())
            .unwrap_or(0);
        versions.push(VersionView::new(v, Some(n)));
    }
    Ok(Json(Versions { versions }))
}

/// What changed from version a to version b: items added, removed and per-field changes.
#[utoipa::path(get, path = "/api/v1/versions/{a}/diff/{b}", params(("a" = i64, Path), ("b" = i64, Path)), responses((status = 200, description = "the diff", body = VersionDiff), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn diff(
    State(state): State<AppState>,
    Path((a, b)): Path<(i64, i64)>,
) -> Result<Json<VersionDiff>, ApiError> {
    let d = state.catalog.diff(a, b).await?;
    let pairs = |v: Vec<(String, String)>| {
        v.into_iter()
            .map(|(c, n)| CodeName::new(c, n))
            .collect::<Vec<_>>()
    };
    Ok(Json(VersionDiff {
        from: a,
        to: b,
        added: pairs(d.added),
        removed: pairs(d.removed),
        changed: d.changed.into_iter().map(Into::into).collect(),
    }))
}

/// Every region (province to community), with validity years.
#[utoipa::path(get, path = "/api/v1/regions", responses((status = 200, description = "regions", body = Regions)))]
async fn regions(State(state): State<AppState>) -> Result<Json<Regions>, ApiError> {
    let regions = gongfu_db::regions::list(&state.db).await?;
    Ok(Json(Regions {
        regions: regions.into_iter().map(Into::into).collect(),
    }))
}

/// The list a community (or any region) can enjoy: 本社区可享受的基本公共服务.
#[utoipa::path(get, path = "/api/v1/regions/{code}/items", params(("code" = String, Path, description = "12-digit region code"), VersionQuery), responses((status = 200, description = "the region and its items", body = RegionItems), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn region_items(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Json<RegionItems>, ApiError> {
    let code = RegionCode::parse(&code).map_err(|e| invalid("code", e.to_string()))?;
    let (region, s, idx) = state.catalog.region_items(&code, q.version).await?;
    let pops = gongfu_db::regions::populations(&state.db, &code).await?;
    let items: Vec<ItemView> = idx
        .iter()
        .map(|&i| ItemView::new(&s.items[i], &s.taxonomy))
        .collect();
    Ok(Json(RegionItems {
        region: region.into(),
        populations: pops.into_iter().map(Into::into).collect(),
        version: s.version.number,
        total: items.len(),
        items,
    }))
}

/// Departments: full and short names.
#[utoipa::path(get, path = "/api/v1/departments", responses((status = 200, description = "departments", body = Departments)))]
async fn departments(State(state): State<AppState>) -> Result<Json<Departments>, ApiError> {
    let all = gongfu_db::regions::departments(&state.db).await?;
    Ok(Json(Departments {
        departments: all
            .into_iter()
            .map(|d| DepartmentView {
                id: d.id,
                name: d.name,
                short_name: d.short_name,
                provenance: d.provenance,
            })
            .collect(),
    }))
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
#[utoipa::path(post, path = "/api/v1/imports/items", params(ImportQuery), request_body(content = FileBody, content_type = "application/octet-stream", description = "the file"), responses((status = 201, description = "imported", body = ItemsImported), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_items(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<ItemsImported>), ApiError> {
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
    Ok((
        StatusCode::CREATED,
        Json(ItemsImported {
            adjustment_id: outcome.adjustment_id,
            version: outcome.version,
            added: outcome.added,
            modified: outcome.modified,
            retired: outcome.retired,
            taxonomy_changed: outcome.taxonomy_changed,
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    /// xlsx, csv, json, hsds or hsds-csv.
    format: Option<String>,
    /// Version number; the newest when absent.
    version: Option<i64>,
}

/// Exports a version as xlsx, CSV, JSON (the list's own format), Open Referral HSDS 3.0
/// JSON, or HSDS CSV files in a zip.
#[utoipa::path(get, path = "/api/v1/exports/items", params(ExportQuery), responses((status = 200, description = "the file, in the format asked for", content(
        (FileBody = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (FileBody = "text/csv"),
        (JsonFile = "application/json"),
        (FileBody = "application/zip"),
    )), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn export_items(
    State(state): State<AppState>,
    Query(q): Query<ExportQuery>,
) -> Result<Download, ApiError> {
    let name = q.format.as_deref().unwrap_or("xlsx");
    let f = ExportFormat::parse(name).ok_or_else(|| {
        invalid(
            "format",
            format!("format '{name}' is not xlsx, csv, json, hsds or hsds-csv"),
        )
    })?;
    let s = snapshot(&state, q.version).await?;
    let bytes = export(&s, f).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let name = format!("gongfu-list-v{}.{}", s.version.number, f.extension());
    Ok(Download::attachment(f.content_type(), &name, bytes))
}
