//! A published version against the national standard (对标国家标准): the national items by
//! how the version carries them (持平, 提标, 降标, 未覆盖), its own items (特色), and what a
//! person must look at. Public, like the versions it describes.

use crate::kit::{page, render, PageCtx, Query, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use gongfu_domain::floor::{Finding, FloorEntry, Relation};
use gongfu_edge::{AppState, CurrentUser};
use serde::Deserialize;

/// The relations a page groups national items by, with their entries.
struct Group {
    relation: Relation,
    entries: Vec<FloorEntry>,
}

#[derive(Template)]
#[template(path = "list/compliance.html")]
struct CompliancePage {
    page: PageCtx,
    number: i64,
    version_label: String,
    edition: String,
    edition_label: String,
    editions: Vec<(String, String)>,
    groups: Vec<Group>,
    /// `(code, name)` of the version's own items.
    featured: Vec<(String, String)>,
    findings: Vec<Finding>,
}

#[derive(Deserialize)]
pub(crate) struct EditionQuery {
    edition: Option<String>,
}

pub(crate) async fn compliance(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Path(n): Path<i64>,
    Query(q): Query<EditionQuery>,
) -> Result<Response, WebError> {
    let page = page(&headers, &format!("/versions/{n}/compliance"), &user);
    let err = |e| WebError::from(e).with_page(&page);
    let c = state
        .catalog
        .compliance(Some(n), q.edition.as_deref())
        .await
        .map_err(err)?;
    let snap = state.catalog.require(Some(n)).await.map_err(err)?;
    let editions = state
        .catalog
        .national_editions()
        .await
        .map_err(err)?
        .into_iter()
        .map(|e| (e.edition, e.label))
        .collect();
    let groups = [
        Relation::Below,
        Relation::Uncovered,
        Relation::Raised,
        Relation::Equal,
    ]
    .into_iter()
    .map(|relation| Group {
        relation,
        entries: c
            .report
            .entries
            .iter()
            .filter(|e| e.relation == relation)
            .cloned()
            .collect(),
    })
    .collect();
    let featured = c
        .report
        .featured
        .iter()
        .map(|code| {
            let name = snap.item(code).map(|i| i.name.clone()).unwrap_or_default();
            (code.clone(), name)
        })
        .collect();
    Ok(render(&CompliancePage {
        page,
        number: n,
        version_label: c.version.label,
        edition: c.edition.edition,
        edition_label: c.edition.label,
        editions,
        groups,
        featured,
        findings: c.report.findings,
    }))
}
