//! `/api/v1/search`: full-text search over items, standards and guides.

use super::ErrorBody;
use axum::extract::State;
use axum::Json;
use gongfu_edge::links::hit_url;
use gongfu_edge::{params, Query};
use gongfu_edge::{ApiError, AppState, ErrorCode};
use gongfu_search::{DocKind, SearchQuery, SiteSearchError};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;
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
    /// Only `item`, `standard` or `guide`.
    #[serde(rename = "type")]
    kind: Option<String>,
    /// Only this area: its number (1-9) or name (幼有所育).
    area: Option<String>,
    /// Results per page, 1-100 (default 10).
    limit: Option<usize>,
    /// Results to skip (default 0, at most 1000).
    offset: Option<usize>,
}

/// Searches items, standards and guides: `{"results": [{"type", "key", "code" or
/// "number", "title", "title_html", "snippet", "url", "score"}], "total": N, "query": q}`,
/// best first. Snippets and `title_html` are escaped HTML with matches in `<mark>`.
#[utoipa::path(get, path = "/api/v1/search", params(SearchParams),
    responses((status = 200, description = "results"), (status = 400, body = ErrorBody)))]
async fn search(
    State(state): State<AppState>,
    Query(p): Query<SearchParams>,
) -> Result<Json<Value>, ApiError> {
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
    let query = SearchQuery {
        text: q.clone(),
        kind,
        area: p.area.filter(|a| !a.trim().is_empty()),
        limit,
        offset,
    };
    let page = state.search.search(query).await.map_err(|e| match e {
        SiteSearchError::Query(_) => ApiError::new(
            ErrorCode::InvalidInput,
            format!("{e}; e.g. /api/v1/search?q=老年人体检"),
        )
        .field("q"),
        SiteSearchError::UnknownArea(_) => {
            ApiError::new(ErrorCode::InvalidInput, e.to_string()).field("area")
        }
        other => ApiError::new(ErrorCode::Internal, other.to_string()),
    })?;
    Ok(Json(json!({
        "query": q,
        "total": page.total,
        "results": page.results.iter().map(|h| {
            let mut v = json!({
                "type": h.kind, "key": h.key, "title": h.title, "title_html": h.title_html,
                "snippet": h.snippet, "url": hit_url(h), "score": h.score,
            });
            let id = if h.kind == DocKind::Standard { "number" } else { "code" };
            v[id] = json!(h.key);
            v
        }).collect::<Vec<_>>(),
    })))
}
