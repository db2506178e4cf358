//! `/circles`: the service-circle analysis: how many residents of each community live
//! within reach of one facility type or area, the gaps (residential sites out of reach and
//! their nearest point), the allocation check against the norms, and the xlsx export.

use super::Shape;
use crate::kit::map::{Projection, MAP};
use crate::kit::{page, render, PageCtx, Query, WebError};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use gongfu_edge::params::target as target_param;
use gongfu_edge::{ApiError, AppState, CurrentUser};
use gongfu_places::circles::Target;
use gongfu_places::export::{norm_label, target_label};
use gongfu_places::Places;
use serde::Deserialize;

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
#[template(path = "places/circles.html")]
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
        let proj = Projection::fitting(&v);
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
