//! The search page (`/search`), behind the search box on every public page: items (each
//! with its guides and standards), standards, guides and service points in one ranked
//! list, narrowed by type and area. A question about where to go (老人去哪里体检) also
//! offers service points: the nearest ones when the resident gives a community or their
//! position (the `/nearby` page's form and parameters), else those the words find.
//!
//! It must never rank or index anything itself: the index and its ranking are
//! gongfu-search's, distances gongfu-places', a hit's URL the edge's
//! (`gongfu_edge::links`, the API's too).

use crate::kit::{page, render, urlencode, PageCtx, Query, WebError};
use crate::places::{communities, row, PointRow};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use gongfu_edge::links::{doc_url, hit_url};
use gongfu_edge::params::{NearbyParams, Origin};
use gongfu_edge::{AppState, CurrentUser};
use gongfu_search::{DocKind, SearchQuery, SiteSearchError};
use serde::Deserialize;

/// The search page's route.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/search", get(search))
}

/// Results per page.
const PER_PAGE: usize = 10;

/// Service points offered for a question about where to go.
const PLACES: usize = 5;

/// Everyday questions shown on an empty search page.
const EXAMPLES: &[&str] = &[
    "老年人体检",
    "孕妇",
    "残疾人补贴",
    "退役军人",
    "预防接种",
    "社康",
];

#[derive(Deserialize)]
pub(crate) struct SearchParams {
    q: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    area: Option<String>,
    page: Option<usize>,
    /// Where the resident is, for a question about where to go: as on `/nearby`.
    #[serde(default, deserialize_with = "gongfu_edge::params::empty_as_none")]
    lat: Option<f64>,
    #[serde(default, deserialize_with = "gongfu_edge::params::empty_as_none")]
    lng: Option<f64>,
    community: Option<String>,
}

struct ResultView {
    kind: &'static str,
    kind_label: &'static str,
    key: String,
    url: String,
    title_html: String,
    snippet: String,
    /// (label, url, title) of the guides and standards listed under an item.
    related: Vec<(&'static str, String, String)>,
}

/// The service points offered for a question about where to go.
struct PlacesView {
    /// Where distances are measured from (e.g. 丹溪社区中心), empty when not given.
    from: String,
    communities: Vec<(String, String)>,
    community: String,
    lat: String,
    lng: String,
    rows: Vec<PointRow>,
    /// Why the given place could not be used, beside the form.
    error: String,
}

#[derive(Template)]
#[template(path = "search/search.html")]
struct SearchPage {
    page: PageCtx,
    kind: String,
    area: String,
    kinds: Vec<(&'static str, &'static str)>,
    areas: Vec<(u32, String)>,
    results: Vec<ResultView>,
    total: usize,
    error: String,
    examples: &'static [&'static str],
    page_no: usize,
    pages: usize,
    prev_url: String,
    next_url: String,
    places: Option<PlacesView>,
}

fn label(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Item => "服务项目",
        DocKind::Standard => "标准",
        DocKind::Guide => "办事指南",
        DocKind::Point => "服务点",
    }
}

/// The points for a question about where to go: the nearest that deliver what it finds
/// when a community or position is given, else the points its words find.
async fn places_for(
    state: &AppState,
    q: &str,
    p: &SearchParams,
) -> Result<PlacesView, gongfu_edge::ApiError> {
    let places = &state.places;
    let loaded = places.loaded().await?;
    let mut view = PlacesView {
        from: String::new(),
        communities: communities(&loaded),
        community: p.community.clone().unwrap_or_default(),
        lat: p.lat.map(|v| format!("{v:.6}")).unwrap_or_default(),
        lng: p.lng.map(|v| format!("{v:.6}")).unwrap_or_default(),
        rows: Vec::new(),
        error: String::new(),
    };
    let origin = NearbyParams {
        lat: p.lat,
        lng: p.lng,
        community: p.community.clone(),
        ..NearbyParams::default()
    };
    let mut at = None;
    if origin.has_origin() {
        match origin.parse(places, &loaded, state.clock.local()) {
            Ok(n) => {
                view.from = match n.origin {
                    Origin::Position => "您的位置".into(),
                    Origin::Community(name) => format!("{name}中心"),
                };
                at = Some(n.query.at);
            }
            Err(e) if e.field.as_deref() == Some("community") => {
                view.error = "该社区暂无边界数据，请改用“使用我的位置”。".into();
            }
            Err(e) if matches!(e.field.as_deref(), Some("lat" | "lng")) => view.error = e.detail,
            Err(e) => return Err(e),
        }
    }
    let found = state
        .search
        .where_to_go(q, at, PLACES)
        .await
        .map_err(search_error)?;
    view.rows = found
        .iter()
        .map(|n| row(&n.point, places, n.distance_m, None))
        .collect();
    Ok(view)
}

fn search_error(e: SiteSearchError) -> gongfu_edge::ApiError {
    gongfu_edge::ApiError::new(gongfu_edge::ErrorCode::Internal, e.to_string())
}

fn link(q: &str, kind: &str, area: &str, page: usize) -> String {
    let mut s = format!("/search?q={}", urlencode(q));
    if !kind.is_empty() {
        s.push_str(&format!("&type={kind}"));
    }
    if !area.is_empty() {
        s.push_str(&format!("&area={}", urlencode(area)));
    }
    if page > 1 {
        s.push_str(&format!("&page={page}"));
    }
    s
}

pub(crate) async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Query(p): Query<SearchParams>,
) -> Result<Response, WebError> {
    let mut page = page(&headers, "/search", &user);
    let q = p.q.clone().unwrap_or_default();
    page.q = q.clone();
    let kind = gongfu_edge::params::search_kind(p.kind.as_deref())
        .map_err(|e| WebError::from(e).with_page(&page))?;
    let area = p.area.clone().unwrap_or_default();
    let page_no = p.page.unwrap_or(1).max(1);
    let taxonomy = state
        .catalog
        .current_taxonomy()
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    let mut view = SearchPage {
        kind: kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
        area: area.clone(),
        kinds: DocKind::ALL
            .iter()
            .map(|k| (k.as_str(), label(*k)))
            .collect(),
        areas: taxonomy
            .areas
            .iter()
            .map(|a| (a.no, a.name.clone()))
            .collect(),
        results: vec![],
        total: 0,
        error: String::new(),
        examples: EXAMPLES,
        page_no,
        pages: 0,
        prev_url: String::new(),
        next_url: String::new(),
        places: None,
        page,
    };
    if q.trim().is_empty() {
        return Ok(render(&view));
    }
    if page_no == 1 && state.search.asks_where(&q) {
        view.places = Some(
            places_for(&state, &q, &p)
                .await
                .map_err(|e| WebError::from(e).with_page(&view.page))?,
        );
    }
    let offset = (page_no - 1) * PER_PAGE;
    let query = SearchQuery {
        text: q.clone(),
        kind,
        area: Some(area.clone()).filter(|a| !a.trim().is_empty()),
        limit: PER_PAGE,
        offset: offset.min(gongfu_search::MAX_OFFSET),
    };
    match state.search.search(query).await {
        Ok(found) => {
            view.total = found.total;
            view.pages = found
                .total
                .div_ceil(PER_PAGE)
                .min(gongfu_search::MAX_OFFSET / PER_PAGE + 1);
            let k = view.kind.clone();
            if page_no > 1 {
                view.prev_url = link(&q, &k, &area, page_no - 1);
            }
            if page_no < view.pages {
                view.next_url = link(&q, &k, &area, page_no + 1);
            }
            view.results = found
                .results
                .iter()
                .map(|h| ResultView {
                    kind: h.kind.as_str(),
                    kind_label: label(h.kind),
                    key: h.key.clone(),
                    url: hit_url(h),
                    title_html: h.title_html.clone(),
                    snippet: h.snippet.clone(),
                    related: h
                        .related
                        .iter()
                        .map(|r| (label(r.kind), doc_url(r.kind, &r.key), r.title.clone()))
                        .collect(),
                })
                .collect();
            // A refused position answers 400 with the page and the reason beside the form,
            // as `/nearby` does.
            let refused = view.places.as_ref().is_some_and(|p| !p.error.is_empty());
            if refused {
                return Ok((StatusCode::BAD_REQUEST, render(&view)).into_response());
            }
            Ok(render(&view))
        }
        Err(SiteSearchError::Query(_)) => {
            view.error = "请输入要查找的文字，例如“老年人体检”。".into();
            Ok((StatusCode::BAD_REQUEST, render(&view)).into_response())
        }
        Err(e @ SiteSearchError::UnknownArea(_)) => {
            view.error = format!("领域“{area}”不存在，请从列表中选择领域。（{e}）");
            Ok((StatusCode::BAD_REQUEST, render(&view)).into_response())
        }
        Err(e) => {
            tracing::error!(error = %e, "search failed");
            Err(WebError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "搜索暂时不可用",
                e.to_string(),
            )
            .with_page(&view.page))
        }
    }
}
