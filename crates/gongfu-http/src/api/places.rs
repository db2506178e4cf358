//! `/api/v1/points`, `/api/v1/boundaries`, `/api/v1/circles`: service points, "near me",
//! boundaries and the service-circle analysis. Positions go out in the coordinate system
//! the request names (`coord=wgs84|gcj02|bd09`, default wgs84) and come in the same way.

use super::{Download, ErrorBody, FileBody, JsonFile};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gongfu_db::places::{SaveCounts, StoredPoint};
use gongfu_domain::geo::CoordSystem;
use gongfu_domain::place::PointStatus;
use gongfu_edge::params::{self, NearbyParams};
use gongfu_edge::Query;
use gongfu_edge::{limits, ApiError, AppState, ErrorCode, Staff};
use gongfu_places::circles::{NormMetric, NormScope, Target};
use gongfu_places::export::{self, PointFormat};
use gongfu_places::{Loaded, Places, PointFilter};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this capability and their operations.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(nearby))
        .routes(routes!(one, remove))
        .routes(routes!(facility_types))
        .routes(routes!(boundaries))
        .routes(routes!(circles))
        .routes(routes!(allocation))
        .routes(routes!(export_points))
        .routes(routes!(export_circles))
        .routes(super::limited(routes!(import_points), limits::imports()))
        .routes(super::limited(routes!(import_sites), limits::imports()))
        .routes(super::limited(
            routes!(import_boundaries),
            limits::imports(),
        ))
}

/// A service point, its position in the coordinate system asked for.
#[derive(Serialize, ToSchema)]
pub struct PointView {
    /// Stable number (`GET /api/v1/points/{id}`).
    id: i64,
    /// The district's code for it.
    code: String,
    /// Name.
    name: String,
    /// Facility type code (`GET /api/v1/facility-types`).
    #[serde(rename = "type")]
    facility_type: String,
    /// The type's Chinese name.
    type_name: Option<String>,
    /// Address.
    address: String,
    /// Latitude in `coord`, 6 decimals.
    lat: f64,
    /// Longitude in `coord`, 6 decimals.
    lng: f64,
    /// `wgs84`, `gcj02` or `bd09`.
    coord: &'static str,
    /// Telephone.
    phone: String,
    /// Opening hours (`Mo-Fr 08:30-17:30`), null when unknown.
    opening_hours: Option<String>,
    /// Capacity (beds, places, seats ...).
    capacity: Option<u32>,
    /// What capacity counts (床位, 学位 ...).
    capacity_unit: Option<String>,
    /// Floor area, m².
    floor_area_m2: Option<f64>,
    /// Codes of the items delivered there.
    items: Vec<String>,
    /// Names of the list areas it serves.
    areas: Vec<String>,
    /// The department that runs it (主管部门), whose editors maintain it.
    department: Option<String>,
    /// Its community's code.
    community: Option<String>,
    /// Its community's name.
    community_name: Option<String>,
    /// `open`, `suspended` or `closed`.
    status: &'static str,
    /// The status in Chinese.
    status_label: &'static str,
    /// Illustrative demo data.
    demo: bool,
    /// Last written (RFC 3339, UTC).
    updated_at: String,
}

impl PointView {
    /// A point as the API shows it, positions in `coord`.
    pub fn new(p: &StoredPoint, l: &Loaded, places: &Places, coord: CoordSystem) -> Self {
        let x = &p.point;
        let at = coord.from_wgs84(x.position);
        let t = places.types().find(&x.facility_type);
        PointView {
            id: p.id,
            code: x.code.clone(),
            name: x.name.clone(),
            facility_type: x.facility_type.clone(),
            type_name: t.map(|t| t.name.clone()),
            address: x.address.clone(),
            lat: (at.lat * 1e6).round() / 1e6,
            lng: (at.lng * 1e6).round() / 1e6,
            coord: coord.as_str(),
            phone: x.phone.clone(),
            opening_hours: x.hours.as_ref().map(ToString::to_string),
            capacity: x.capacity,
            capacity_unit: t.map(|t| t.capacity_unit.clone()).filter(|u| !u.is_empty()),
            floor_area_m2: x.floor_area_m2,
            items: x.items.iter().map(|i| i.as_str().to_string()).collect(),
            areas: l
                .areas_of(p.id)
                .map(|a| a.iter().cloned().collect())
                .unwrap_or_default(),
            department: x.department.as_ref().map(|d| d.as_str().to_string()),
            community: x.community.as_ref().map(|c| c.as_str().to_string()),
            community_name: x.community.as_ref().and_then(|c| l.regions.get(c)).cloned(),
            status: x.status.as_str(),
            status_label: x.status.label(),
            demo: x.demo,
            updated_at: p.updated_at.clone(),
        }
    }
}

/// A page of service points.
#[derive(Serialize, ToSchema)]
pub struct PointsPage {
    /// The points on this page, by id.
    points: Vec<PointView>,
    /// Points matching, over all pages.
    total: usize,
    /// Page number, from 1.
    page: usize,
    /// Page size.
    per_page: usize,
}

/// A point near the position asked about.
#[derive(Serialize, ToSchema)]
pub struct NearbyPoint {
    /// The point.
    #[serde(flatten)]
    point: PointView,
    /// Great-circle distance from the position, metres (1 decimal).
    distance_m: f64,
    /// Whether it is open at the time asked about (null without one, or unknown hours).
    open: Option<bool>,
}

/// A page of points by distance.
#[derive(Serialize, ToSchema)]
pub struct NearbyPage {
    /// Nearest first.
    points: Vec<NearbyPoint>,
    /// Points within the radius, over all pages.
    total: usize,
    /// Page number, from 1.
    page: usize,
    /// Page size.
    per_page: usize,
    /// The radius searched, metres.
    radius: f64,
    /// `wgs84`, `gcj02` or `bd09`: the positions' coordinate system.
    coord: &'static str,
    /// The position searched from, in `coord`.
    at: Position,
}

/// A position.
#[derive(Serialize, ToSchema)]
pub struct Position {
    /// Latitude.
    lat: f64,
    /// Longitude.
    lng: f64,
}

/// The facility classification.
#[derive(Serialize, ToSchema)]
pub struct FacilityTypesView {
    /// Every type.
    types: Vec<FacilityTypeView>,
}

/// A facility type.
#[derive(Serialize, ToSchema)]
pub struct FacilityTypeView {
    /// English code used in URLs and JSON (`community_health`).
    code: String,
    /// Chinese name (社区健康服务中心).
    name: String,
    /// Other names it is written as (社康中心 ...).
    aliases: Vec<String>,
    /// What capacity counts (床位, 学位 ...), empty when it has none.
    capacity_unit: String,
    /// Names of the list areas it serves.
    areas: Vec<String>,
}

/// A GeoJSON FeatureCollection (RFC 7946, WGS84), served as `application/geo+json`.
#[derive(Serialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object)]
pub struct GeoJson(Value);

impl IntoResponse for GeoJson {
    fn into_response(self) -> Response {
        let mut res = Json(self.0).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/geo+json"),
        );
        res
    }
}

/// What an import of points, sites or boundaries did.
#[derive(Serialize, ToSchema)]
pub struct PlacesImported {
    /// New rows.
    inserted: usize,
    /// Rows replaced (same code).
    updated: usize,
    /// Rows removed.
    removed: usize,
}

impl From<SaveCounts> for PlacesImported {
    fn from(c: SaveCounts) -> Self {
        PlacesImported {
            inserted: c.inserted,
            updated: c.updated,
            removed: c.removed,
        }
    }
}

/// Service-circle coverage.
#[derive(Serialize, ToSchema)]
pub struct CirclesView {
    /// Walking distance within reach, metres.
    walk_m: f64,
    /// Walking / straight-line distance.
    detour: f64,
    /// The straight-line reach, metres.
    reach_m: f64,
    /// Coverage per target.
    targets: Vec<TargetCoverage>,
}

/// Coverage of one target (a facility type or an area).
#[derive(Serialize, ToSchema)]
pub struct TargetCoverage {
    /// The target.
    target: Target,
    /// The target in Chinese.
    label: String,
    /// Residents of the district's sites.
    population: Option<u64>,
    /// Of them, within reach.
    covered: Option<u64>,
    /// Covered share, 0-1.
    share: Option<f64>,
    /// Per community.
    communities: Vec<CommunityCoverage>,
}

/// Coverage of one target in one community.
#[derive(Serialize, ToSchema)]
pub struct CommunityCoverage {
    /// The community's code (null: sites in no community).
    community: Option<String>,
    /// Its name.
    name: Option<String>,
    /// Residents of its sites.
    population: u64,
    /// Of them, within reach.
    covered: u64,
    /// Covered share, 0-1 (1 when nobody lives there).
    share: f64,
    /// Sites out of reach.
    gap_count: usize,
    /// The first `gaps` of them, farthest first.
    gaps: Vec<GapView>,
}

/// A residential site out of reach.
#[derive(Serialize, ToSchema)]
pub struct GapView {
    /// The site's code.
    site: String,
    /// Its name.
    name: String,
    /// Its residents.
    population: u32,
    /// Latitude (WGS84).
    lat: f64,
    /// Longitude (WGS84).
    lng: f64,
    /// The nearest facility within 30 km, if any.
    nearest: Option<NearestPoint>,
}

/// The nearest facility of a site out of reach.
#[derive(Serialize, ToSchema)]
pub struct NearestPoint {
    /// Point id.
    id: i64,
    /// Its name.
    name: Option<String>,
    /// Straight-line distance, metres.
    distance_m: f64,
}

/// The facility allocation check.
#[derive(Serialize, ToSchema)]
pub struct AllocationView {
    /// The norms (配置标准).
    norms: Vec<NormView>,
    /// Each norm in each unit of its scope.
    results: Vec<AllocationRow>,
}

/// One allocation norm.
#[derive(Serialize, ToSchema)]
pub struct NormView {
    /// Facility type code.
    #[serde(rename = "type")]
    facility_type: String,
    /// What it measures.
    metric: NormMetric,
    /// The required value.
    value: f64,
    /// Where it is checked.
    scope: NormScope,
    /// The norm in Chinese.
    label: String,
    /// Where the number comes from.
    source: String,
}

/// One norm in one community or sub-district.
#[derive(Serialize, ToSchema)]
pub struct AllocationRow {
    /// The norm (index into `norms`).
    norm: usize,
    /// The community or sub-district's code.
    unit: String,
    /// Its name.
    name: Option<String>,
    /// Its residents.
    population: u64,
    /// Facilities of the type in it.
    facilities: usize,
    /// What the norm requires (facilities, m² or capacity units).
    required: f64,
    /// What there is, in the same measure.
    actual: f64,
    /// Whether it falls short.
    short: bool,
    /// Facilities whose capacity or floor area is unknown (counted as 0).
    unknown: usize,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PointsQuery {
    /// Facility type code, name or alias (`community_health`, 社康中心).
    r#type: Option<String>,
    /// Area (领域) name: points whose type or items serve it.
    area: Option<String>,
    /// Community or sub-district code (12 digits).
    region: Option<String>,
    /// Text in the name or address.
    q: Option<String>,
    /// `open`, `suspended` or `closed`; every status when absent.
    status: Option<String>,
    /// Item code delivered there.
    item: Option<String>,
    /// Coordinate system of the positions returned: wgs84 (default), gcj02, bd09.
    coord: Option<String>,
    /// Page, from 1.
    page: Option<usize>,
    /// Points per page, 1-500 (default 50).
    per_page: Option<usize>,
}

/// Service points, by id: `{"points": [...], "total": N, "page", "per_page"}`.
#[utoipa::path(get, path = "/api/v1/points", operation_id = "list_points", params(PointsQuery),
    responses((status = 200, description = "a page of points", body = PointsPage), (status = 400, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    Query(q): Query<PointsQuery>,
) -> Result<Json<PointsPage>, ApiError> {
    let coord = params::coord(q.coord.as_deref())?;
    let (page, per_page) = params::page(q.page, q.per_page)?;
    let types = params::facility_types(&state.places, q.r#type.as_deref())?;
    let filter = PointFilter {
        facility_type: types.into_iter().next(),
        area: params::area(q.area.as_deref()),
        region: params::region(q.region.as_deref())?,
        q: q.q.clone(),
        status: q
            .status
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| {
                PointStatus::parse(s)
                    .map_err(|m| ApiError::said(ErrorCode::InvalidInput, m).field("status"))
            })
            .transpose()?,
        item: params::item(q.item.as_deref())?,
    };
    let (l, hits) = state.places.points(&filter).await?;
    let total = hits.len();
    let points = hits
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|&i| PointView::new(&l.points[i], &l, &state.places, coord))
        .collect();
    Ok(Json(PointsPage {
        points,
        total,
        page,
        per_page,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CoordQuery {
    /// Coordinate system of the positions returned: wgs84 (default), gcj02, bd09.
    coord: Option<String>,
}

/// One service point.
#[utoipa::path(get, path = "/api/v1/points/{id}", operation_id = "point", params(("id" = i64, Path, description = "point id"), CoordQuery),
    responses((status = 200, description = "the point", body = PointView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<CoordQuery>,
) -> Result<Json<PointView>, ApiError> {
    let coord = params::coord(q.coord.as_deref())?;
    let id: i64 = id.parse().map_err(|_| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("service point '{id}' does not exist; point ids are numbers, GET /api/v1/points lists them"),
        )
        .message(gongfu_domain::msg!("not-found", what = gongfu_domain::message::thing("service point"), key = &id))
    })?;
    let p = state.places.point(id).await?;
    let l = state.places.loaded().await?;
    Ok(Json(PointView::new(&p, &l, &state.places, coord)))
}

/// Removes one service point (staff).
#[utoipa::path(delete, path = "/api/v1/points/{id}", operation_id = "remove_point", params(("id" = i64, Path, description = "point id")),
    responses((status = 204, description = "removed"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.places.remove_point(&staff.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Points within `radius` metres of a position, nearest first by great-circle distance:
/// `{"points": [{"id", "name", "type", "lat", "lng", "distance_m", ...}], "total": N}`.
/// Closed points never appear; with `open_now` or `at`, only points open then.
#[utoipa::path(get, path = "/api/v1/points/nearby", params(NearbyParams),
    responses((status = 200, description = "points by distance", body = NearbyPage), (status = 400, body = ErrorBody)))]
async fn nearby(
    State(state): State<AppState>,
    Query(q): Query<NearbyParams>,
) -> Result<Json<NearbyPage>, ApiError> {
    let l = state.places.loaded().await?;
    let n = q.parse(&state.places, &l, state.clock.local())?;
    let (coord, (page, per_page)) = (n.coord, n.page);
    let query = n.query;
    let found = state.places.nearby(&query).await?;
    let l = &found.loaded;
    let total = found.len();
    let points = found
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|(p, h)| NearbyPoint {
            point: PointView::new(p, l, &state.places, coord),
            distance_m: (h.distance_m * 10.0).round() / 10.0,
            open: h.open,
        })
        .collect();
    let at = match (q.lat, q.lng) {
        (Some(lat), Some(lng)) => Position { lat, lng },
        _ => {
            let at = coord.from_wgs84(query.at);
            Position {
                lat: at.lat,
                lng: at.lng,
            }
        }
    };
    Ok(Json(NearbyPage {
        points,
        total,
        page,
        per_page,
        radius: query.radius_m,
        coord: coord.as_str(),
        at,
    }))
}

/// The facility classification: code, Chinese name, aliases, capacity unit, areas served.
#[utoipa::path(get, path = "/api/v1/facility-types", responses((status = 200, description = "types", body = FacilityTypesView)))]
async fn facility_types(State(state): State<AppState>) -> Json<FacilityTypesView> {
    Json(FacilityTypesView {
        types: state
            .places
            .types()
            .all()
            .iter()
            .map(|t| FacilityTypeView {
                code: t.code.clone(),
                name: t.name.clone(),
                aliases: t.aliases.clone(),
                capacity_unit: t.capacity_unit.clone(),
                areas: t.areas.clone(),
            })
            .collect(),
    })
}

/// Boundaries of the district, its sub-districts and communities as a GeoJSON
/// FeatureCollection (WGS84).
#[utoipa::path(get, path = "/api/v1/boundaries", responses((status = 200, description = "GeoJSON", body = GeoJson, content_type = "application/geo+json")))]
async fn boundaries(State(state): State<AppState>) -> Result<GeoJson, ApiError> {
    let l = state.places.loaded().await?;
    Ok(GeoJson(export::boundaries_geojson(&l)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    /// `geojson` (WGS84, RFC 7946), `hsds` (HSDS 3.0 locations and service_at_location) or `xlsx`.
    format: Option<String>,
    /// Coordinate system of the xlsx positions (GeoJSON and HSDS are always WGS84).
    coord: Option<String>,
}

/// Every service point as GeoJSON, HSDS or xlsx.
#[utoipa::path(get, path = "/api/v1/exports/points", params(ExportQuery),
    responses((status = 200, description = "the file, in the format asked for", content(
        (GeoJson = "application/geo+json"),
        (JsonFile = "application/json"),
        (FileBody = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )), (status = 400, body = ErrorBody)))]
async fn export_points(
    State(state): State<AppState>,
    Query(q): Query<ExportQuery>,
) -> Result<Download, ApiError> {
    let format = PointFormat::parse(q.format.as_deref().unwrap_or("geojson"))?;
    let coord = params::coord(q.coord.as_deref())?;
    let l = state.places.loaded().await?;
    let all: Vec<&StoredPoint> = l.points.iter().collect();
    let types = state.places.types();
    let body = match format {
        PointFormat::GeoJson => export::geojson(&all, &l, types).to_string().into_bytes(),
        PointFormat::Hsds => {
            serde_json::to_vec_pretty(&export::hsds(&all, types)).unwrap_or_default()
        }
        PointFormat::Xlsx => export::xlsx(&all, types, coord)?,
    };
    Ok(Download::attachment(
        format.content_type(),
        &format!("service-points.{}", format.extension()),
        body,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// File name (its extension picks the format: .csv, .xlsx, .geojson).
    file: Option<String>,
    /// Coordinate system of rows that do not say (default wgs84).
    coord: Option<String>,
}

/// What an import request brings in.
enum Upload {
    Points,
    Sites,
    Boundaries,
}

async fn import_file(
    state: AppState,
    staff: Staff,
    q: ImportQuery,
    body: Bytes,
    what: Upload,
) -> Result<(StatusCode, Json<PlacesImported>), ApiError> {
    let coord = params::coord(q.coord.as_deref())?;
    let actor = staff.actor();
    let places = &state.places;
    let counts = match what {
        Upload::Points => {
            let file = q.file.unwrap_or_else(|| "upload.csv".into());
            places
                .import_points(&actor, &file, &body, coord, false)
                .await?
        }
        Upload::Sites => {
            let file = q.file.unwrap_or_else(|| "upload.csv".into());
            places
                .import_sites(&actor, &file, &body, coord, false)
                .await?
        }
        Upload::Boundaries => {
            let file = q.file.unwrap_or_else(|| "upload.geojson".into());
            places
                .import_boundaries(&actor, &file, &body, false)
                .await?
        }
    };
    Ok((StatusCode::CREATED, Json(counts.into())))
}

/// Imports service points (CSV, xlsx or GeoJSON, the body); all or nothing, a 422 lists
/// every error with its row and column. Points whose code is stored are replaced.
#[utoipa::path(post, path = "/api/v1/imports/points", params(ImportQuery),
    request_body(content = FileBody, content_type = "application/octet-stream", description = "the file"),
    responses((status = 201, description = "imported", body = PlacesImported), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_points(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<PlacesImported>), ApiError> {
    import_file(state, staff, q, body, Upload::Points).await
}

/// Imports residential sites (CSV, xlsx or GeoJSON points with 人口), all or nothing.
#[utoipa::path(post, path = "/api/v1/imports/sites", params(ImportQuery),
    request_body(content = FileBody, content_type = "application/octet-stream", description = "the file"),
    responses((status = 201, description = "imported", body = PlacesImported), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_sites(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<PlacesImported>), ApiError> {
    import_file(state, staff, q, body, Upload::Sites).await
}

/// Imports boundaries (GeoJSON Polygon or MultiPolygon features with `properties.code`),
/// all or nothing; every point's and site's community is derived again.
#[utoipa::path(post, path = "/api/v1/imports/boundaries", params(ImportQuery),
    request_body(content = GeoJson, content_type = "application/geo+json", description = "the GeoJSON file"),
    responses((status = 201, description = "imported", body = PlacesImported), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_boundaries(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<PlacesImported>), ApiError> {
    import_file(state, staff, q, body, Upload::Boundaries).await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CirclesQuery {
    /// Walking distance within reach, metres (50-5000, default 1000).
    walk: Option<f64>,
    /// Walking / straight-line distance (1.0-3.0, default 1.0).
    detour: Option<f64>,
    /// `type:CODE` or `area:NAME`; every target when absent.
    target: Option<String>,
    /// Gap sites listed per community and target (default 10, at most 1000).
    gaps: Option<usize>,
}

/// Service-circle coverage per target and community: population, covered, share, and the
/// residential sites out of reach with their nearest facility.
#[utoipa::path(get, path = "/api/v1/circles", params(CirclesQuery),
    responses((status = 200, description = "coverage", body = CirclesView), (status = 400, body = ErrorBody)))]
async fn circles(
    State(state): State<AppState>,
    Query(q): Query<CirclesQuery>,
) -> Result<Json<CirclesView>, ApiError> {
    let params = Places::circle_params(q.walk, q.detour)?;
    let only = q
        .target
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|t| params::target(&state.places, t))
        .transpose()?;
    let max_gaps = q.gaps.unwrap_or(10).min(1000);
    let (l, report) = state.places.circles(params).await?;
    let types = state.places.types();
    let gap = |g: &gongfu_places::circles::Gap| {
        let s = l.sites.get(g.site)?;
        Some(GapView {
            site: s.code.clone(),
            name: s.name.clone(),
            population: s.population,
            lat: s.position.lat,
            lng: s.position.lng,
            nearest: g.nearest.map(|(id, d)| NearestPoint {
                id,
                name: l.point(id).map(|p| p.point.name.clone()),
                distance_m: d.round(),
            }),
        })
    };
    let targets = report
        .coverage
        .iter()
        .filter(|(t, _)| only.as_ref().is_none_or(|o| o == *t))
        .map(|(t, by)| {
            let total = report.total(t);
            TargetCoverage {
                target: t.clone(),
                label: export::target_label(t, types),
                population: total.as_ref().map(|c| c.population),
                covered: total.as_ref().map(|c| c.covered),
                share: total.as_ref().map(|c| c.share()),
                communities: by
                    .iter()
                    .map(|(c, cov)| CommunityCoverage {
                        community: c.as_ref().map(|c| c.as_str().to_string()),
                        name: c.as_ref().and_then(|c| l.regions.get(c)).cloned(),
                        population: cov.population,
                        covered: cov.covered,
                        share: cov.share(),
                        gap_count: cov.gaps.len(),
                        gaps: cov.gaps.iter().take(max_gaps).filter_map(gap).collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(Json(CirclesView {
        walk_m: params.walk_m,
        detour: params.detour,
        reach_m: params.reach_m(),
        targets,
    }))
}

/// The facility allocation check: each norm in each community or sub-district, with what
/// it requires, what there is, and whether it falls short.
#[utoipa::path(get, path = "/api/v1/circles/allocation", responses((status = 200, description = "allocation", body = AllocationView)))]
async fn allocation(State(state): State<AppState>) -> Result<Json<AllocationView>, ApiError> {
    let (l, rows) = state.places.allocation().await?;
    let types = state.places.types();
    let norms = state.places.norms();
    Ok(Json(AllocationView {
        norms: norms
            .iter()
            .map(|n| NormView {
                facility_type: n.facility_type.clone(),
                metric: n.metric,
                value: n.value,
                scope: n.scope,
                label: export::norm_label(n, types),
                source: n.source.clone(),
            })
            .collect(),
        results: rows
            .iter()
            .map(|a| AllocationRow {
                norm: a.norm,
                unit: a.unit.as_str().to_string(),
                name: l.regions.get(&a.unit).cloned(),
                population: a.population,
                facilities: a.facilities,
                required: a.required,
                actual: a.actual,
                short: a.short(),
                unknown: a.unknown,
            })
            .collect(),
    }))
}

/// The service-circle workbook: coverage, gaps and the allocation check.
#[utoipa::path(get, path = "/api/v1/exports/circles", params(CirclesQuery),
    responses((status = 200, description = "xlsx", body = FileBody,
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, body = ErrorBody)))]
async fn export_circles(
    State(state): State<AppState>,
    Query(q): Query<CirclesQuery>,
) -> Result<Download, ApiError> {
    let params = Places::circle_params(q.walk, q.detour)?;
    let (l, report) = state.places.circles(params).await?;
    let (_, alloc) = state.places.allocation().await?;
    let body = export::circles_xlsx(
        &l,
        &report,
        &alloc,
        state.places.norms(),
        state.places.types(),
    )?;
    Ok(Download::attachment(
        PointFormat::Xlsx.content_type(),
        "service-circles.xlsx",
        body,
    ))
}
