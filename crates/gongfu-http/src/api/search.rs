//! `/api/v1/search`: full-text search over items, standards, guides and service points.

use super::ErrorBody;
use axum::extract::State;
use axum::Json;
use gongfu_edge::links::{doc_url, hit_url};
use gongfu_edge::{params, Query};
use gongfu_edge::{ApiError, AppState, ErrorCode};
use gongfu_search::{DocKind, SearchQuery, SiteSearchError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this capability and their operations.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchParams {
    /// What to look for, free text (Chinese, traditional or simplified; not query syntax).
    q: Option<String>,
    /// Only `item`, `standard`, `guide` or `point`.
    #[serde(rename = "type")]
    kind: Option<String>,
    /// Only this area: its number (1-9) or name (幼有所育).
    area: Option<String>,
    /// Results per page, 1-100 (default 10).
    limit: Option<usize>,
    /// Results to skip (default 0, at most 1000).
    offset: Option<usize>,
    /// For a question about where to go: latitude of the resident's position (WGS84).
    #[serde(default, deserialize_with = "params::empty_as_none")]
    lat: Option<f64>,
    /// Longitude, with `lat`.
    #[serde(default, deserialize_with = "params::empty_as_none")]
    lng: Option<f64>,
    /// Instead of a position: the centre of this community (12-digit code).
    community: Option<String>,
}

/// How many service points a question about where to go is offered.
const PLACES: usize = 5;

/// A page of search results.
#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    /// The query as given.
    query: String,
    /// Results over all pages.
    total: usize,
    /// This page, best first.
    results: Vec<SearchHit>,
    /// True when the query asks where to go (去哪里, 附近, 在哪 ...).
    asks_where: bool,
    /// For such a query, up to 5 service points: with `lat`/`lng` or `community`, the
    /// nearest that deliver what it finds, with their distance; else those its words find,
    /// best first. Empty for other queries.
    places: Vec<SearchPlace>,
}

/// A service point offered for a question about where to go.
#[derive(Serialize, ToSchema)]
pub struct SearchPlace {
    /// The point's id.
    id: i64,
    /// The district's code for it.
    code: String,
    /// Name.
    name: String,
    /// Facility type code (`community_health`).
    facility_type: String,
    /// Street address.
    address: String,
    /// Metres from the position or community centre given; absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    distance_m: Option<f64>,
    /// Its page.
    url: String,
}

/// One search result.
#[derive(Serialize, ToSchema)]
pub struct SearchHit {
    /// `item`, `standard`, `guide` or `point`.
    #[serde(rename = "type")]
    kind: &'static str,
    /// The item code, standard number, guide key or service point id.
    key: String,
    /// The item code (items and guides).
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    /// The standard number (standards).
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<String>,
    /// Title as indexed.
    title: String,
    /// The title as escaped HTML, matches in `<mark>`.
    title_html: String,
    /// About 120 characters around the best match as escaped HTML, matches in `<mark>`.
    snippet: String,
    /// The page of the result.
    url: String,
    /// Ranking score; only its order means anything.
    score: f64,
    /// For an item: its guides and standards (guides first), listed here instead of as
    /// results of their own. Empty for other types.
    related: Vec<RelatedDoc>,
}

/// A guide or standard listed under its item's result.
#[derive(Serialize, ToSchema)]
pub struct RelatedDoc {
    /// `guide` or `standard`.
    #[serde(rename = "type")]
    kind: &'static str,
    /// The guide key or standard number.
    key: String,
    /// Its title.
    title: String,
    /// Its page.
    url: String,
}

/// Searches items, standards, guides and service points: `{"results": [{"type", "key",
/// "code" or "number", "title", "title_html", "snippet", "url", "score", "related"}],
/// "total": N, "query": q}`, best first. An item's guides and standards are listed in its
/// `related` rather than as results of their own. Snippets and `title_html` are escaped
/// HTML with matches in `<mark>`.
#[utoipa::path(get, path = "/api/v1/search", params(SearchParams),
    responses((status = 200, description = "results", body = SearchResults), (status = 400, body = ErrorBody)))]
async fn search(
    State(state): State<AppState>,
    Query(p): Query<SearchParams>,
) -> Result<Json<SearchResults>, ApiError> {
    let q = p.q.unwrap_or_default();
    let kind = params::search_kind(p.kind.as_deref())?;
    let limit = p.limit.unwrap_or(10);
    if limit == 0 || limit > gongfu_search::MAX_LIMIT {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "limit={limit} is out of range: give 1 to {}",
                gongfu_search::MAX_LIMIT
            ),
        )
        .field("limit"));
    }
    let offset = p.offset.unwrap_or(0);
    if offset > gongfu_search::MAX_OFFSET {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "offset={offset} is out of range: give 0 to {}",
                gongfu_search::MAX_OFFSET
            ),
        )
        .field("offset"));
    }
    let asks_where = state.search.asks_where(&q);
    let origin = params::NearbyParams {
        lat: p.lat,
        lng: p.lng,
        community: p.community.clone(),
        ..params::NearbyParams::default()
    };
    let at = if asks_where && origin.has_origin() {
        let places = &state.places;
        let loaded = places.loaded().await?;
        Some(origin.parse(places, &loaded, state.clock.local())?.query.at)
    } else {
        None
    };
    let query = SearchQuery {
        text: q.clone(),
        kind,
        area: p.area.filter(|a| !a.trim().is_empty()),
        limit,
        offset,
    };
    let internal = |e: SiteSearchError| ApiError::new(ErrorCode::Internal, e.to_string());
    let page = state.search.search(query).await.map_err(|e| match e {
        SiteSearchError::Query(_) => ApiError::new(
            ErrorCode::InvalidInput,
            format!("{e}; e.g. /api/v1/search?q=老年人体检"),
        )
        .field("q"),
        SiteSearchError::UnknownArea(_) => {
            ApiError::new(ErrorCode::InvalidInput, e.to_string()).field("area")
        }
        other => internal(other),
    })?;
    let places = if asks_where {
        state
            .search
            .where_to_go(&q, at, PLACES)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|n| SearchPlace {
                id: n.point.id,
                url: doc_url(DocKind::Point, &n.point.id.to_string()),
                code: n.point.point.code,
                name: n.point.point.name,
                facility_type: n.point.point.facility_type,
                address: n.point.point.address,
                distance_m: n.distance_m.map(|d| d.round()),
            })
            .collect()
    } else {
        Vec::new()
    };
    let results = page
        .results
        .iter()
        .map(|h| {
            let standard = h.kind == DocKind::Standard;
            let coded = matches!(h.kind, DocKind::Item | DocKind::Guide);
            SearchHit {
                kind: h.kind.as_str(),
                key: h.key.clone(),
                code: coded.then(|| h.key.clone()),
                number: standard.then(|| h.key.clone()),
                title: h.title.clone(),
                title_html: h.title_html.clone(),
                snippet: h.snippet.clone(),
                url: hit_url(h),
                score: f64::from(h.score),
                related: h
                    .related
                    .iter()
                    .map(|r| RelatedDoc {
                        kind: r.kind.as_str(),
                        key: r.key.clone(),
                        title: r.title.clone(),
                        url: doc_url(r.kind, &r.key),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(Json(SearchResults {
        query: q,
        total: page.total,
        results,
        asks_where,
        places,
    }))
}
