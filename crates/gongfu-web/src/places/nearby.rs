//! Service points as pages: "near me" (`/nearby`, with the 500/1000/1500 m rings on a map
//! drawn as SVG from the boundaries and points, no online tiles), a point's page
//! (`/points/{id}`) and the service-circle analysis (`/circles`: a map coloured by coverage,
//! the gaps, the allocation check, the xlsx export).
//!
//! Without JavaScript the resident picks a community and the search starts from its
//! centre; with it, a button fills in the browser's position (WGS84 from the Geolocation
//! API, which is what the form's default coordinate system is).

use crate::Query;
use std::fmt::Write as _;

use crate::{render, PageCtx, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use gongfu_db::places::StoredPoint;
use gongfu_domain::geo::LatLng;
use gongfu_domain::place::{Boundary, PointStatus, M_PER_DEG_LAT};
use gongfu_domain::RegionLevel;
use gongfu_edge::params::{target as target_param, NearbyParams, Origin};
use gongfu_edge::{ApiError, AppState, CurrentUser};
use gongfu_places::circles::Target;
use gongfu_places::export::{norm_label, target_label};
use gongfu_places::{Loaded, NearbyQuery, Places, RINGS_M};
use serde::Deserialize;

fn page(headers: &HeaderMap, path: &str, user: &CurrentUser) -> PageCtx {
    PageCtx::new(headers, path, user.0.as_ref())
}

/// A local flat projection centred on a position: metres east and south of it, scaled to
/// SVG units. At district scale (tens of km) the equirectangular picture is faithful.
struct Projection {
    centre: LatLng,
    cos: f64,
    /// SVG units per metre.
    scale: f64,
    half: f64,
}

impl Projection {
    fn new(centre: LatLng, half_extent_m: f64, half_px: f64) -> Self {
        Self {
            centre,
            cos: centre.lat.to_radians().cos(),
            scale: half_px / half_extent_m,
            half: half_px,
        }
    }

    fn xy(&self, p: LatLng) -> (f64, f64) {
        let x = (p.lng - self.centre.lng) * M_PER_DEG_LAT * self.cos;
        let y = (self.centre.lat - p.lat) * M_PER_DEG_LAT;
        (self.half + x * self.scale, self.half + y * self.scale)
    }

    fn path(&self, b: &Boundary) -> String {
        let mut d = String::new();
        for poly in &b.polygons {
            for ring in std::iter::once(poly.outer()).chain(poly.holes().iter().map(Vec::as_slice))
            {
                for (i, p) in ring.iter().enumerate() {
                    let (x, y) = self.xy(*p);
                    let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
                }
                d.push('Z');
            }
        }
        d
    }
}

struct Shape {
    d: String,
    fill: String,
    label: String,
    code: String,
}

struct Dot {
    x: f64,
    y: f64,
    id: i64,
    name: String,
    class: &'static str,
}

struct Ring {
    r: f64,
    label: String,
    lx: f64,
    ly: f64,
}

/// One point in a list.
struct PointRow {
    id: i64,
    name: String,
    type_name: String,
    address: String,
    distance: String,
    hours: String,
    open: &'static str,
    status: &'static str,
    demo: bool,
}

#[derive(Template)]
#[template(path = "nearby.html")]
struct NearbyPage {
    page: PageCtx,
    communities: Vec<(String, String)>,
    types: Vec<(String, String)>,
    areas: Vec<String>,
    community: String,
    ty: String,
    area: String,
    radius: u32,
    open_now: bool,
    lat: String,
    lng: String,
    searched: bool,
    from: String,
    error: String,
    size: f64,
    shapes: Vec<Shape>,
    dots: Vec<Dot>,
    rings: Vec<Ring>,
    rows: Vec<PointRow>,
    total: usize,
}

/// Map size, SVG units.
const MAP: f64 = 600.0;

fn row(p: &StoredPoint, places: &Places, distance: Option<f64>, open: Option<bool>) -> PointRow {
    let x = &p.point;
    PointRow {
        id: p.id,
        name: x.name.clone(),
        type_name: places
            .types()
            .find(&x.facility_type)
            .map(|t| t.name.clone())
            .unwrap_or_default(),
        address: x.address.clone(),
        distance: distance
            .map(|d| {
                if d < 1000.0 {
                    format!("{:.0} 米", d)
                } else {
                    format!("{:.2} 公里", d / 1000.0)
                }
            })
            .unwrap_or_default(),
        hours: x
            .hours
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        open: match (x.status, open) {
            (PointStatus::Suspended, _) => "暂停服务",
            (PointStatus::Closed, _) => "已停用",
            (_, Some(true)) => "营业中",
            (_, Some(false)) => "休息中",
            _ => "",
        },
        status: x.status.as_str(),
        demo: x.demo,
    }
}

fn communities(l: &Loaded) -> Vec<(String, String)> {
    l.regions
        .iter()
        .filter(|(c, _)| c.level() == RegionLevel::Community)
        .map(|(c, n)| {
            let sub = c
                .parent()
                .and_then(|p| l.regions.get(&p).cloned())
                .unwrap_or_default();
            (c.to_string(), format!("{sub} · {n}"))
        })
        .collect()
}

fn areas(places: &Places) -> Vec<String> {
    let mut v: Vec<String> = places
        .types()
        .all()
        .iter()
        .flat_map(|t| t.areas.iter().cloned())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// `/nearby`: services near a position or a community's centre. The parameters are
/// those of `GET /api/v1/points/nearby`, parsed by the same function.
pub(crate) async fn nearby(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Query(q): Query<NearbyParams>,
) -> Result<Response, WebError> {
    let page = page(&headers, "/nearby", &user);
    let fail = |e: ApiError| WebError::from(e).with_page(&page);
    let places = &state.places;
    let l = places.loaded().await.map_err(|e| fail(e.into()))?;
    let radius = q.radius().map_err(fail)?;
    let ty = q.r#type.clone().unwrap_or_default();
    let area = q.area.clone().unwrap_or_default();
    let open_now = q.open_now.unwrap_or(false);
    let community = q.community.clone().unwrap_or_default();
    let mut error = String::new();
    let mut from = String::new();
    let mut found = None;
    if q.has_origin() {
        match q.parse(places, &l, gongfu_places::now_local()) {
            Ok(n) => {
                from = match n.origin {
                    Origin::Position => "您的位置".into(),
                    Origin::Community(name) => format!("{name}中心"),
                };
                found = Some(n.query);
            }
            // Where the search starts from is the resident's choice on this page: say
            // what is wrong beside the form rather than on an error page.
            Err(e) if e.field.as_deref() == Some("community") => {
                error = "该社区暂无边界数据，请改用“使用我的位置”。".into();
            }
            Err(e) if matches!(e.field.as_deref(), Some("lat" | "lng")) => error = e.detail,
            Err(e) => return Err(fail(e)),
        }
    }
    let at = found.as_ref().map(|n| n.at);
    let mut shapes = vec![];
    let mut dots = vec![];
    let mut rings = vec![];
    let mut rows = vec![];
    let mut total = 0;
    if let Some(query) = found {
        let (at, radius_m) = (query.at, query.radius_m);
        let hits = places.nearby(&query).await.map_err(|e| fail(e.into()))?;
        total = hits.len();
        let extent = RINGS_M[2].max(radius_m) * 1.08;
        let proj = Projection::new(at, extent, MAP / 2.0);
        let view = gongfu_domain::place::Bounds {
            south: at.lat - extent / M_PER_DEG_LAT,
            north: at.lat + extent / M_PER_DEG_LAT,
            west: at.lng - extent / M_PER_DEG_LAT / proj.cos,
            east: at.lng + extent / M_PER_DEG_LAT / proj.cos,
        };
        for b in l.communities() {
            if b.bounds().is_some_and(|bb| bb.intersects(&view)) {
                shapes.push(Shape {
                    d: proj.path(b),
                    fill: "none".into(),
                    label: b.name.clone(),
                    code: b.region.to_string(),
                });
            }
        }
        for r in RINGS_M {
            let px = r * proj.scale;
            rings.push(Ring {
                r: px,
                label: format!("{r:.0}米"),
                lx: MAP / 2.0 + px * 0.72,
                ly: MAP / 2.0 - px * 0.72,
            });
        }
        for (p, _) in hits.iter() {
            let (x, y) = proj.xy(p.point.position);
            dots.push(Dot {
                x,
                y,
                id: p.id,
                name: p.point.name.clone(),
                class: if p.point.status == PointStatus::Suspended {
                    "suspended"
                } else {
                    "open"
                },
            });
        }
        rows = hits
            .iter()
            .take(200)
            .map(|(p, h)| row(p, places, Some(h.distance_m), h.open))
            .collect();
    }
    let types = places
        .types()
        .all()
        .iter()
        .map(|t| (t.code.clone(), t.name.clone()))
        .collect();
    // A refused position answers 400 like the API does, with the form and the reason.
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let html = render(&NearbyPage {
        page,
        communities: communities(&l),
        types,
        areas: areas(places),
        community,
        ty,
        area,
        radius: radius.round() as u32,
        open_now,
        // Kept in the form at the precision the page's location button writes.
        lat: q.lat.map(|v| format!("{v:.6}")).unwrap_or_default(),
        lng: q.lng.map(|v| format!("{v:.6}")).unwrap_or_default(),
        searched: at.is_some(),
        from,
        error,
        size: MAP,
        shapes,
        dots,
        rings,
        rows,
        total,
    });
    Ok((status, html).into_response())
}

#[derive(Template)]
#[template(path = "point.html")]
struct PointPage {
    page: PageCtx,
    p: PointRow,
    code: String,
    phone: String,
    capacity: String,
    floor_area: String,
    community: String,
    community_name: String,
    items: Vec<(String, String)>,
    lat: String,
    lng: String,
    week: Vec<(String, String)>,
    near: Vec<PointRow>,
}

/// `/points/{id}`: one point, with what it offers and others of its type nearby.
pub(crate) async fn point(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let page = page(&headers, &format!("/points/{id}"), &user);
    let fail = |e: ApiError| WebError::from(e).with_page(&page);
    let places = &state.places;
    let Ok(id) = id.parse::<i64>() else {
        return Err(WebError::new(
            StatusCode::NOT_FOUND,
            "服务点不存在",
            format!("服务点 {id} 不存在；请从“身边服务”重新查找。"),
        )
        .with_page(&page));
    };
    let p = places.point(id).await.map_err(|e| fail(e.into()))?;
    let l = places.loaded().await.map_err(|e| fail(e.into()))?;
    let snap = state
        .catalog
        .snapshot(None)
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    let items = p
        .point
        .items
        .iter()
        .map(|c| {
            let name = snap
                .as_ref()
                .and_then(|s| s.item(c.as_str()).map(|i| i.name.clone()))
                .unwrap_or_default();
            (c.to_string(), name)
        })
        .collect();
    let now = gongfu_places::now_local();
    let open = p
        .point
        .hours
        .as_ref()
        .map(|h| h.is_open(now, places.calendar()));
    // The next seven days' hours, holidays included: what "open on 国庆" looks like.
    let week = (0..7)
        .filter_map(|d| {
            let date = now.date().checked_add(time::Duration::days(d))?;
            let h = p.point.hours.as_ref()?;
            let spans = h.on(date, places.calendar());
            let kind = match places.calendar().kind(date) {
                Some(gongfu_domain::hours::DayKind::Holiday) => "（节假日）",
                Some(gongfu_domain::hours::DayKind::Workday) => "（调休上班）",
                None => "",
            };
            let text = if spans.is_empty() {
                "休息".to_string()
            } else {
                spans
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("，")
            };
            Some((format!("{} {}{kind}", date, weekday(date.weekday())), text))
        })
        .collect();
    let found = places
        .nearby(&NearbyQuery {
            at: p.point.position,
            radius_m: 1500.0,
            area: None,
            types: vec![p.point.facility_type.clone()],
            item: None,
            open_at: None,
        })
        .await
        .map_err(|e| fail(e.into()))?;
    let near = found
        .iter()
        .filter(|(q, _)| q.id != p.id)
        .take(5)
        .map(|(q, h)| row(q, places, Some(h.distance_m), None))
        .collect();
    let x = &p.point;
    let unit = places
        .types()
        .find(&x.facility_type)
        .map(|t| t.capacity_unit.clone())
        .unwrap_or_default();
    Ok(render(&PointPage {
        code: x.code.clone(),
        phone: x.phone.clone(),
        capacity: x
            .capacity
            .map(|c| format!("{c} {unit}"))
            .unwrap_or_default(),
        floor_area: x
            .floor_area_m2
            .map(|a| format!("{a:.0} 平方米"))
            .unwrap_or_default(),
        community: x
            .community
            .as_ref()
            .map(|c| c.to_string())
            .unwrap_or_default(),
        community_name: x
            .community
            .as_ref()
            .and_then(|c| l.regions.get(c).cloned())
            .unwrap_or_default(),
        items,
        lat: format!("{:.6}", x.position.lat),
        lng: format!("{:.6}", x.position.lng),
        week,
        near,
        p: row(&p, places, None, open),
        page,
    }))
}

fn weekday(w: time::Weekday) -> &'static str {
    use time::Weekday::*;
    match w {
        Monday => "周一",
        Tuesday => "周二",
        Wednesday => "周三",
        Thursday => "周四",
        Friday => "周五",
        Saturday => "周六",
        Sunday => "周日",
    }
}

struct CoverageRow {
    code: String,
    name: String,
    subdistrict: String,
    population: u64,
    covered: u64,
    share: String,
    gaps: Vec<GapRow>,
    gap_count: usize,
    class: &'static str,
}

struct GapRow {
    site: String,
    population: u32,
    nearest: String,
    distance: String,
}

struct AllocRow {
    norm: String,
    unit: String,
    population: u64,
    required: String,
    actual: String,
    source: String,
}

#[derive(Template)]
#[template(path = "circles.html")]
struct CirclesPage {
    page: PageCtx,
    targets: Vec<(String, String)>,
    target: String,
    target_name: String,
    walk: f64,
    detour: f64,
    reach: f64,
    share: String,
    population: u64,
    covered: u64,
    size: f64,
    shapes: Vec<Shape>,
    rows: Vec<CoverageRow>,
    alloc: Vec<AllocRow>,
    short_count: usize,
    export_url: String,
}

#[derive(Deserialize)]
pub(crate) struct CirclesParams {
    target: Option<String>,
    walk: Option<f64>,
    detour: Option<f64>,
}

fn colour(share: f64) -> (&'static str, &'static str) {
    // Five steps, red to green: how far each community is from everyone within reach.
    match share {
        s if s >= 0.95 => ("#1a9850", "full"),
        s if s >= 0.8 => ("#91cf60", "high"),
        s if s >= 0.6 => ("#fee08b", "mid"),
        s if s >= 0.4 => ("#fc8d59", "low"),
        _ => ("#d73027", "poor"),
    }
}

/// `/circles`: coverage of one type or area per community, the gaps and the allocation.
pub(crate) async fn circles(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Query(q): Query<CirclesParams>,
) -> Result<Response, WebError> {
    let page = page(&headers, "/circles", &user);
    let fail = |e: ApiError| WebError::from(e).with_page(&page);
    let places = &state.places;
    let params = Places::circle_params(q.walk, q.detour).map_err(|e| fail(e.into()))?;
    let raw_target = q
        .target
        .clone()
        .unwrap_or_else(|| "type:community_health".into());
    let target = target_param(places, &raw_target).map_err(fail)?;
    let (l, report) = places.circles(params).await.map_err(|e| fail(e.into()))?;
    let (_, alloc) = places.allocation().await.map_err(|e| fail(e.into()))?;
    let types = places.types();
    let mut targets: Vec<(String, String)> = report
        .coverage
        .keys()
        .map(|t| {
            let key = match t {
                Target::Type(c) => format!("type:{c}"),
                Target::Area(a) => format!("area:{a}"),
            };
            (key, target_label(t, types))
        })
        .collect();
    targets.sort_by_key(|(k, _)| !k.starts_with("type:"));
    let by = report.coverage.get(&target).cloned().unwrap_or_default();
    let total = report.total(&target);
    let view = l.bounds();
    let mut shapes = vec![];
    if let Some(v) = view {
        let centre = LatLng {
            lat: (v.south + v.north) / 2.0,
            lng: (v.west + v.east) / 2.0,
        };
        let half_m = ((v.north - v.south) * M_PER_DEG_LAT / 2.0)
            .max((v.east - v.west) * M_PER_DEG_LAT * centre.lat.to_radians().cos() / 2.0)
            * 1.03;
        let proj = Projection::new(centre, half_m, MAP / 2.0);
        for b in l.communities() {
            let c = by.get(&Some(b.region.clone()));
            let (fill, _) = c.map(|c| colour(c.share())).unwrap_or(("#eeeeee", "none"));
            shapes.push(Shape {
                d: proj.path(b),
                fill: fill.into(),
                label: format!(
                    "{}：{}",
                    b.name,
                    c.map(|c| format!("{:.0}%", c.share() * 100.0))
                        .unwrap_or("无居住数据".into())
                ),
                code: b.region.to_string(),
            });
        }
    }
    let mut rows: Vec<CoverageRow> = by
        .iter()
        .map(|(c, cov)| {
            let name = c
                .as_ref()
                .and_then(|c| l.regions.get(c).cloned())
                .unwrap_or_else(|| "（未定位社区）".into());
            let sub = c
                .as_ref()
                .and_then(|c| c.parent())
                .and_then(|p| l.regions.get(&p).cloned())
                .unwrap_or_default();
            CoverageRow {
                code: c.as_ref().map(|c| c.to_string()).unwrap_or_default(),
                name,
                subdistrict: sub,
                population: cov.population,
                covered: cov.covered,
                share: format!("{:.1}%", cov.share() * 100.0),
                gap_count: cov.gaps.len(),
                gaps: cov
                    .gaps
                    .iter()
                    .take(5)
                    .filter_map(|g| {
                        let s = l.sites.get(g.site)?;
                        Some(GapRow {
                            site: s.name.clone(),
                            population: s.population,
                            nearest: g
                                .nearest
                                .and_then(|(id, _)| l.point(id).map(|p| p.point.name.clone()))
                                .unwrap_or_else(|| "30公里内无".into()),
                            distance: g
                                .nearest
                                .map(|(_, d)| format!("{d:.0} 米"))
                                .unwrap_or_default(),
                        })
                    })
                    .collect(),
                class: colour(cov.share()).1,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let s = |r: &CoverageRow| {
            if r.population == 0 {
                1.0
            } else {
                r.covered as f64 / r.population as f64
            }
        };
        s(a).total_cmp(&s(b)).then(a.code.cmp(&b.code))
    });
    let norms = places.norms();
    let alloc_rows: Vec<AllocRow> = alloc
        .iter()
        .filter(|a| a.short())
        .map(|a| AllocRow {
            norm: norm_label(&norms[a.norm], types),
            unit: l
                .regions
                .get(&a.unit)
                .cloned()
                .unwrap_or_else(|| a.unit.to_string()),
            population: a.population,
            required: format!("{:.1}", a.required),
            actual: format!("{:.1}", a.actual),
            source: norms[a.norm].source.clone(),
        })
        .collect();
    Ok(render(&CirclesPage {
        target_name: target_label(&target, types),
        targets,
        target: raw_target,
        walk: params.walk_m,
        detour: params.detour,
        reach: params.reach_m().round(),
        share: total
            .as_ref()
            .map(|t| format!("{:.1}%", t.share() * 100.0))
            .unwrap_or_default(),
        population: total.as_ref().map(|t| t.population).unwrap_or(0),
        covered: total.as_ref().map(|t| t.covered).unwrap_or(0),
        size: MAP,
        shapes,
        rows,
        short_count: alloc_rows.len(),
        alloc: alloc_rows,
        export_url: format!(
            "/api/v1/exports/circles?walk={}&detour={}",
            params.walk_m, params.detour
        ),
        page,
    }))
}

impl From<gongfu_places::PlacesError> for WebError {
    fn from(e: gongfu_places::PlacesError) -> Self {
        ApiError::from(e).into()
    }
}

#[derive(Template)]
#[template(path = "places_admin.html")]
struct AdminPage {
    page: PageCtx,
    errors: Vec<gongfu_catalog::import::ImportError>,
    notice: String,
    points: usize,
    boundaries: usize,
    sites: usize,
}

#[derive(Deserialize, Default)]
pub(crate) struct NoticeQuery {
    notice: Option<String>,
}

async fn admin_page(
    state: &AppState,
    page: PageCtx,
    errors: Vec<gongfu_catalog::import::ImportError>,
    notice: String,
) -> Result<Response, WebError> {
    let l = state
        .places
        .loaded()
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    Ok(render(&AdminPage {
        points: l.points.len(),
        boundaries: l.boundaries.len(),
        sites: l.sites.len(),
        page,
        errors,
        notice,
    }))
}

/// `/admin/places`: upload points, residential sites and boundaries; export links.
pub(crate) async fn admin(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let s = crate::admin::require(user, "/admin/places")?;
    let page = crate::admin::ctx(&headers, "/admin/places", &s);
    admin_page(&state, page, vec![], q.notice.unwrap_or_default()).await
}

/// `POST /admin/places/upload`: one file, all or nothing; errors shown with row and column.
pub(crate) async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    mut mp: axum::extract::Multipart,
) -> Result<Response, WebError> {
    let crate::standards_admin::StaffUpload {
        session,
        page,
        form,
        file,
    } = crate::standards_admin::staff_upload(user, &headers, "/admin/places", &mut mp).await?;
    let Some((fname, bytes)) = file else {
        let r = admin_page(&state, page, vec![], "请选择要上传的文件。".into()).await?;
        return Ok((StatusCode::BAD_REQUEST, r).into_response());
    };
    let coord = gongfu_edge::params::coord(form.get("coord").map(String::as_str))
        .map_err(|e| WebError::from(e).with_page(&page))?;
    let actor = gongfu_edge::auth::actor(&session);
    let places = &state.places;
    let result = match form.get("what").map(String::as_str).unwrap_or("") {
        "points" => places
            .import_points(&actor, &fname, &bytes, coord, false)
            .await
            .map(|c| {
                format!(
                    "已导入服务点 {fname}：新增 {} 处，更新 {} 处",
                    c.inserted, c.updated
                )
            }),
        "sites" => places
            .import_sites(&actor, &fname, &bytes, coord, false)
            .await
            .map(|c| {
                format!(
                    "已导入居住小区 {fname}：新增 {} 个，更新 {} 个",
                    c.inserted, c.updated
                )
            }),
        "boundaries" => places
            .import_boundaries(&actor, &fname, &bytes, false)
            .await
            .map(|c| {
                format!(
                    "已导入边界 {fname}：新增 {} 个，更新 {} 个",
                    c.inserted, c.updated
                )
            }),
        other => Err(gongfu_places::PlacesError::Invalid {
            field: "what",
            message: format!("unknown upload kind '{other}'; choose points, sites or boundaries"),
        }),
    };
    match result {
        Ok(notice) => Ok(axum::response::Redirect::to(&format!(
            "/admin/places?notice={}",
            crate::admin::urlencode(&notice)
        ))
        .into_response()),
        Err(gongfu_places::PlacesError::Import(f)) => {
            let r = admin_page(&state, page, f.errors, String::new()).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
        }
        Err(e @ gongfu_places::PlacesError::Forbidden(_)) => {
            let r = admin_page(&state, page, vec![], e.to_string()).await?;
            Ok((StatusCode::FORBIDDEN, r).into_response())
        }
        Err(e) => Err(WebError::from(e).with_page(&page)),
    }
}
