//! `/api/v1/points`, `/api/v1/boundaries`, `/api/v1/circles`: service points, "near me",
//! boundaries and the service-circle analysis. Positions go out in the coordinate system
//! the request names (`coord=wgs84|gcj02|bd09`, default wgs84) and come in the same way.

use super::ErrorBody;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gongfu_db::places::StoredPoint;
use gongfu_domain::geo::CoordSystem;
use gongfu_domain::place::PointStatus;
use gongfu_edge::params::{self, NearbyParams};
use gongfu_edge::Query;
use gongfu_edge::{limits, ApiError, AppState, ErrorCode, Staff};
use gongfu_places::export::{self, PointFormat};
use gongfu_places::{Loaded, Places, PointFilter};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;
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

/// A point as the API shows it, positions in `coord`.
pub fn point_json(p: &StoredPoint, l: &Loaded, places: &Places, coord: CoordSystem) -> Value {
    let x = &p.point;
    let at = coord.from_wgs84(x.position);
    let t = places.types().find(&x.facility_type);
    let areas: Vec<&String> = l
        .areas_of(p.id)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    json!({
        "id": p.id,
        "code": x.code,
        "name": x.name,
        "type": x.facility_type,
        "type_name": t.map(|t| t.name.clone()),
        "address": x.address,
        "lat": (at.lat * 1e6).round() / 1e6,
        "lng": (at.lng * 1e6).round() / 1e6,
        "coord": coord.as_str(),
        "phone": x.phone,
        "opening_hours": x.hours.as_ref().map(ToString::to_string),
        "capacity": x.capacity,
        "capacity_unit": t.map(|t| t.capacity_unit.clone()).filter(|u| !u.is_empty()),
        "floor_area_m2": x.floor_area_m2,
        "items": x.items.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
        "areas": areas,
        "community": x.community.as_ref().map(|c| c.as_str()),
        "community_name": x.community.as_ref().and_then(|c| l.regions.get(c)),
        "status": x.status.as_str(),
        "status_label": x.status.label(),
        "demo": x.demo,
        "updated_at": p.updated_at,
    })
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
#[utoipa::path(get, path = "/api/v1/points", params(PointsQuery),
    responses((status = 200, description = "a page of points"), (status = 400, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    Query(q): Query<PointsQuery>,
) -> Result<Json<Value>, ApiError> {
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
                    .map_err(|m| ApiError::new(ErrorCode::InvalidInput, m).field("status"))
            })
            .transpose()?,
        item: params::item(q.item.as_deref())?,
    };
    let (l, hits) = state.places.points(&filter).await?;
    let total = hits.len();
    let points: Vec<Value> = hits
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|&i| point_json(&l.points[i], &l, &state.places, coord))
        .collect();
    Ok(Json(
        json!({ "points": points, "total": total, "page": page, "per_page": per_page }),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CoordQuery {
    /// Coordinate system of the positions returned: wgs84 (default), gcj02, bd09.
    coord: Option<String>,
}

/// One service point.
#[utoipa::path(get, path = "/api/v1/points/{id}", params(("id" = i64, Path, description = "point id"), CoordQuery),
    responses((status = 200, description = "the point"), (status = 404, body = ErrorBody)))]
async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<CoordQuery>,
) -> Result<Json<Value>, ApiError> {
    let coord = params::coord(q.coord.as_deref())?;
    let id: i64 = id.parse().map_err(|_| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("service point '{id}' does not exist; point ids are numbers, GET /api/v1/points lists them"),
        )
    })?;
    let p = state.places.point(id).await?;
    let l = state.places.loaded().await?;
    Ok(Json(point_json(&p, &l, &state.places, coord)))
}

/// Removes one service point (staff).
#[utoipa::path(delete, path = "/api/v1/points/{id}", params(("id" = i64, Path, description = "point id")),
    responses((status = 204, description = "removed"), (status = 404, body = ErrorBody)))]
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
    responses((status = 200, description = "points by distance"), (status = 400, body = ErrorBody)))]
async fn nearby(
    State(state): State<AppState>,
    Query(q): Query<NearbyParams>,
) -> Result<Json<Value>, ApiError> {
    let l = state.places.loaded().await?;
    let n = q.parse(&state.places, &l, gongfu_places::now_local())?;
    let (coord, (page, per_page)) = (n.coord, n.page);
    let query = n.query;
    let found = state.places.nearby(&query).await?;
    let l = &found.loaded;
    let total = found.len();
    let points: Vec<Value> = found
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|(p, h)| {
            let mut v = point_json(p, l, &state.places, coord);
            v["distance_m"] = json!((h.distance_m * 10.0).round() / 10.0);
            v["open"] = json!(h.open);
            v
        })
        .collect();
    Ok(Json(json!({
        "points": points, "total": total, "page": page, "per_page": per_page,
        "radius": query.radius_m, "coord": coord.as_str(),
        "at": match (q.lat, q.lng) {
            (Some(lat), Some(lng)) => json!({"lat": lat, "lng": lng}),
            _ => json!(coord.from_wgs84(query.at)),
        },
    })))
}

/// The facility classification: code, Chinese name, aliases, capacity unit, areas served.
#[utoipa::path(get, path = "/api/v1/facility-types", responses((status = 200, description = "types")))]
async fn facility_types(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "types": state.places.types().all() }))
}

/// Boundaries of the district, its sub-districts and communities as a GeoJSON
/// FeatureCollection (WGS84).
#[utoipa::path(get, path = "/api/v1/boundaries", responses((status = 200, description = "GeoJSON")))]
async fn boundaries(State(state): State<AppState>) -> Result<Response, ApiError> {
    let l = state.places.loaded().await?;
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        export::boundaries_geojson(&l).to_string(),
    )
        .into_response())
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
    responses((status = 200, description = "the file"), (status = 400, body = ErrorBody)))]
async fn export_points(
    State(state): State<AppState>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
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
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"service-points.{}\"",
                    format.extension()
                ),
            ),
        ],
        body,
    )
        .into_response())
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
) -> Result<Response, ApiError> {
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
    Ok((StatusCode::CREATED, Json(json!(counts))).into_response())
}

/// Imports service points (CSV, xlsx or GeoJSON, the body); all or nothing, a 422 lists
/// every error with its row and column. Points whose code is stored are replaced.
#[utoipa::path(post, path = "/api/v1/imports/points", params(ImportQuery),
    request_body(content = Vec<u8>, description = "the file"),
    responses((status = 201, description = "imported"), (status = 422, body = ErrorBody)))]
async fn import_points(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    import_file(state, staff, q, body, Upload::Points).await
}

/// Imports residential sites (CSV, xlsx or GeoJSON points with 人口), all or nothing.
#[utoipa::path(post, path = "/api/v1/imports/sites", params(ImportQuery),
    request_body(content = Vec<u8>, description = "the file"),
    responses((status = 201, description = "imported"), (status = 422, body = ErrorBody)))]
async fn import_sites(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    import_file(state, staff, q, body, Upload::Sites).await
}

/// Imports boundaries (GeoJSON Polygon or MultiPolygon features with `properties.code`),
/// all or nothing; every point's and site's community is derived again.
#[utoipa::path(post, path = "/api/v1/imports/boundaries", params(ImportQuery),
    request_body(content = Vec<u8>, description = "the GeoJSON file"),
    responses((status = 201, description = "imported"), (status = 422, body = ErrorBody)))]
async fn import_boundaries(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
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
    responses((status = 200, description = "coverage"), (status = 400, body = ErrorBody)))]
async fn circles(
    State(state): State<AppState>,
    Query(q): Query<CirclesQuery>,
) -> Result<Json<Value>, ApiError> {
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
    let targets: Vec<Value> = report
        .coverage
        .iter()
        .filter(|(t, _)| only.as_ref().is_none_or(|o| o == *t))
        .map(|(t, by)| {
            let total = report.total(t);
            json!({
                "target": t,
                "label": export::target_label(t, types),
                "population": total.as_ref().map(|c| c.population),
                "covered": total.as_ref().map(|c| c.covered),
                "share": total.as_ref().map(|c| c.share()),
                "communities": by.iter().map(|(c, cov)| json!({
                    "community": c.as_ref().map(|c| c.as_str()),
                    "name": c.as_ref().and_then(|c| l.regions.get(c)),
                    "population": cov.population,
                    "covered": cov.covered,
                    "share": cov.share(),
                    "gap_count": cov.gaps.len(),
                    "gaps": cov.gaps.iter().take(max_gaps).filter_map(|g| {
                        let s = l.sites.get(g.site)?;
                        Some(json!({
                            "site": s.code, "name": s.name, "population": s.population,
                            "lat": s.position.lat, "lng": s.position.lng,
                            "nearest": g.nearest.map(|(id, d)| json!({
                                "id": id,
                                "name": l.point(id).map(|p| p.point.name.clone()),
                                "distance_m": d.round(),
                            })),
                        }))
                    }).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(json!({
        "walk_m": params.walk_m, "detour": params.detour, "reach_m": params.reach_m(),
        "targets": targets,
    })))
}

/// The facility allocation check: each norm in each community or sub-district, with what
/// it requires, what there is, and whether it falls short.
#[utoipa::path(get, path = "/api/v1/circles/allocation", responses((status = 200, description = "allocation")))]
async fn allocation(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let (l, rows) = state.places.allocation().await?;
    let types = state.places.types();
    let norms = state.places.norms();
    Ok(Json(json!({
        "norms": norms.iter().map(|n| json!({
            "type": n.facility_type, "metric": n.metric, "value": n.value, "scope": n.scope,
            "label": export::norm_label(n, types), "source": n.source,
        })).collect::<Vec<_>>(),
        "results": rows.iter().map(|a| json!({
            "norm": a.norm, "unit": a.unit.as_str(), "name": l.regions.get(&a.unit),
            "population": a.population, "facilities": a.facilities,
            "required": a.required, "actual": a.actual, "short": a.short(), "unknown": a.unknown,
        })).collect::<Vec<_>>(),
    })))
}

/// The service-circle workbook: coverage, gaps and the allocation check.
#[utoipa::path(get, path = "/api/v1/exports/circles", params(CirclesQuery),
    responses((status = 200, description = "xlsx"), (status = 400, body = ErrorBody)))]
async fn export_circles(
    State(state): State<AppState>,
    Query(q): Query<CirclesQuery>,
) -> Result<Response, ApiError> {
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
    Ok((
        [
            (
                header::CONTENT_TYPE,
                PointFormat::Xlsx.content_type().to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"service-circles.xlsx\"".to_string(),
            ),
        ],
        body,
    )
        .into_response())
}
