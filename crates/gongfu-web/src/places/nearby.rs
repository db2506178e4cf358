//! `/nearby`: services near the resident's position or a community's centre, listed by
//! distance and drawn on a map with the 500/1000/1500 m rings.
//!
//! Without JavaScript the resident picks a community and the search starts from its
//! centre; with it, a button fills in the browser's position (WGS84 from the Geolocation
//! API, which is what the form's default coordinate system is).

use super::{row, PointRow, Shape};
use crate::kit::map::{Projection, MAP};
use crate::kit::{page, render, PageCtx, Query, WebError};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use gongfu_domain::place::PointStatus;
use gongfu_domain::RegionLevel;
use gongfu_edge::params::{NearbyParams, Origin};
use gongfu_edge::{ApiError, AppState, CurrentUser};
use gongfu_places::{Loaded, Places, RINGS_M};

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

#[derive(Template)]
#[template(path = "places/nearby.html")]
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

/// Every current community as (code, "街道 · 社区"), for the pages' 所在社区 choice.
pub(crate) fn communities(l: &Loaded) -> Vec<(String, String)> {
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
        match q.parse(places, &l, state.clock.local()) {
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
        let view = proj.bounds(extent);
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
            let px = r * proj.scale();
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
