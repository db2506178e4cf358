//! `/admin/places`: staff upload service points, residential sites and community
//! boundaries (one file at a time, all or nothing, errors with row and column), and find
//! the export links. Reading the files is gongfu-places'.

use crate::kit::upload::{File, StaffUpload};
use crate::kit::{ctx, render, require, urlencode, NoticeQuery, PageCtx, Query, WebError};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gongfu_edge::{AppState, CurrentUser};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "places/admin.html")]
struct AdminPage {
    page: PageCtx,
    errors: Vec<gongfu_catalog::import::ImportError>,
    notice: String,
    points: usize,
    boundaries: usize,
    sites: usize,
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
    let s = require(user, "/admin/places")?;
    let page = ctx(&headers, "/admin/places", &s);
    admin_page(&state, page, vec![], q.notice.unwrap_or_default()).await
}

/// An upload of places: which file it is, and its positions' coordinate system.
#[derive(Deserialize)]
pub(crate) struct PlacesUpload {
    /// `points`, `sites` or `boundaries`.
    #[serde(default)]
    what: String,
    /// `wgs84`, `gcj02` or `bd09` (WGS84 when absent; boundaries are GeoJSON, always
    /// WGS84).
    coord: Option<String>,
}

/// `POST /admin/places/upload`: one file, all or nothing; errors shown with row and column.
pub(crate) async fn upload(
    State(state): State<AppState>,
    StaffUpload {
        session,
        page,
        fields,
        file,
    }: StaffUpload<PlacesUpload>,
) -> Result<Response, WebError> {
    let page = page.at("/admin/places");
    let Some(File { name: fname, bytes }) = file else {
        let r = admin_page(&state, page, vec![], "请选择要上传的文件。".into()).await?;
        return Ok((StatusCode::BAD_REQUEST, r).into_response());
    };
    let coord = gongfu_edge::params::coord(fields.coord.as_deref())
        .map_err(|e| WebError::from(e).with_page(&page))?;
    let actor = gongfu_edge::auth::actor(&session);
    let places = &state.places;
    let result = match fields.what.as_str() {
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
        Ok(notice) => Ok(
            Redirect::to(&format!("/admin/places?notice={}", urlencode(&notice))).into_response(),
        ),
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
