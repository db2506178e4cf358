//! The standard system as residents read it: the tree with counts, coverage, what needs
//! attention, the list of standards and one standard (with its text and the self-check's
//! findings when it has one).

use super::texts::{finding_views, DocView, FindingView};
use crate::kit::{page, render, NoticeQuery, PageCtx, Query, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gongfu_domain::standard::Attention;
use gongfu_edge::{AppState, CurrentUser};
use gongfu_standards::view::StandardView;
use gongfu_standards::{NodeCount, RegistryError};
use serde::Deserialize;

fn fail(page: &PageCtx) -> impl Fn(RegistryError) -> WebError + '_ {
    move |e| WebError::from(e).with_page(page)
}

fn percent(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

#[derive(Template)]
#[template(path = "standards/tree.html")]
struct TreePage {
    page: PageCtx,
    nodes: Vec<NodeCount>,
    total: usize,
    in_force: usize,
    coverage: Option<String>,
    attention: usize,
}

pub(crate) async fn tree(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let page = page(&headers, "/standards", &user);
    let today = state.clock.today();
    let nodes = state
        .standards
        .tree_counts(today)
        .await
        .map_err(fail(&page))?;
    let registry = state.standards.loaded().await.map_err(fail(&page))?;
    let all = &registry.standards;
    let coverage = match state.standards.coverage(None, today).await {
        Ok((_, c)) => Some(percent(c.overall)),
        Err(RegistryError::NotFound { .. }) => None,
        Err(e) => return Err(fail(&page)(e)),
    };
    let attention = state
        .standards
        .attention(today)
        .await
        .map_err(fail(&page))?
        .len();
    Ok(render(&TreePage {
        total: all.len(),
        in_force: all.iter().filter(|s| s.in_force(today)).count(),
        nodes,
        coverage,
        attention,
        page,
    }))
}

struct AreaRow {
    name: String,
    items: usize,
    covered: usize,
    rate: String,
    width: u32,
}

#[derive(Template)]
#[template(path = "standards/coverage.html")]
struct CoveragePage {
    page: PageCtx,
    version: String,
    overall: String,
    covered: usize,
    items: usize,
    areas: Vec<AreaRow>,
    uncovered: Vec<(String, String, String)>,
}

#[derive(Deserialize)]
pub(crate) struct VersionQuery {
    version: Option<i64>,
}

pub(crate) async fn coverage(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Query(q): Query<VersionQuery>,
) -> Result<Response, WebError> {
    let page = page(&headers, "/standards/coverage", &user);
    let (snap, c) = state
        .standards
        .coverage(q.version, state.clock.today())
        .await
        .map_err(fail(&page))?;
    let uncovered = c
        .uncovered
        .iter()
        .filter_map(|code| snap.items.iter().find(|i| &i.code == code))
        .map(|i| {
            let area = snap
                .taxonomy
                .area(i.area_no)
                .map(|a| a.name.clone())
                .unwrap_or_default();
            (i.code.to_string(), i.name.clone(), area)
        })
        .collect();
    Ok(render(&CoveragePage {
        version: format!("{}（第{}版）", snap.version.label, snap.version.number),
        overall: percent(c.overall),
        covered: c.covered,
        items: c.items,
        areas: c
            .by_area
            .iter()
            .map(|a| AreaRow {
                name: a.area.clone(),
                items: a.items,
                covered: a.covered,
                rate: percent(a.rate),
                width: (a.rate * 100.0).round() as u32,
            })
            .collect(),
        uncovered,
        page,
    }))
}

#[derive(Template)]
#[template(path = "standards/attention.html")]
struct AttentionPage {
    page: PageCtx,
    today: String,
    a: Attention,
}

pub(crate) async fn attention(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let page = page(&headers, "/standards/attention", &user);
    let today = state.clock.today();
    let a = state
        .standards
        .attention(today)
        .await
        .map_err(fail(&page))?;
    Ok(render(&AttentionPage {
        today: today.to_string(),
        a,
        page,
    }))
}

#[derive(Template)]
#[template(path = "standards/list.html")]
struct ListPage {
    page: PageCtx,
    heading: String,
    standards: Vec<StandardView>,
}

#[derive(Deserialize)]
pub(crate) struct ListQuery {
    node: Option<String>,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = page(&headers, "/standards/list", &user);
    let today = state.clock.today();
    let registry = state.standards.loaded().await.map_err(fail(&page))?;
    let tree = &registry.tree;
    let heading = match q.node.as_deref() {
        Some(n) => match tree.nodes.iter().find(|x| x.code == n) {
            Some(x) => format!("{} {}", x.code, x.name),
            None => {
                return Err(WebError::new(
                    StatusCode::NOT_FOUND,
                    "未找到该体系节点",
                    gongfu_domain::msg!("system-node-missing", node = n),
                )
                .with_page(&page))
            }
        },
        None => "全部标准".into(),
    };
    let standards = registry
        .standards
        .iter()
        .filter(|s| q.node.as_deref().is_none_or(|n| tree.places(s, n)))
        .map(|s| StandardView::new(s, today))
        .collect();
    Ok(render(&ListPage {
        heading,
        standards,
        page,
    }))
}

#[derive(Template)]
#[template(path = "standards/standard.html")]
struct StandardPage {
    page: PageCtx,
    s: StandardView,
    demo: bool,
    node_path: Vec<(String, String)>,
    items: Vec<(String, String)>,
    referenced_by: Vec<String>,
    replaced_by: Vec<String>,
    notice: String,
    can_edit: bool,
    text: Option<gongfu_standards::texts::Text>,
    doc: Option<DocView>,
    findings: Vec<FindingView>,
    /// A signed-in account: the text's source file, its JSON and the self-check show.
    staff: bool,
}

pub(crate) async fn one(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Path(number): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let page = page(&headers, &format!("/standards/view/{number}"), &user);
    let can_edit = user
        .0
        .as_ref()
        .is_some_and(|s| s.user.role == gongfu_domain::Role::Administrator);
    let d = state
        .standards
        .standard(&number)
        .await
        .map_err(fail(&page))?;
    let text = state
        .standards
        .text(gongfu_standards::texts::TextKind::Standard, &number)
        .await
        .map_err(fail(&page))?;
    let staff = user.0.is_some();
    let findings = match &text {
        Some(t) if staff => {
            finding_views(&state.standards.check_text(t).await.map_err(fail(&page))?)
        }
        _ => vec![],
    };
    Ok(render(&StandardPage {
        doc: text.as_ref().map(|t| DocView::new(&t.document)),
        text,
        findings,
        s: StandardView::new(&d.standard, state.clock.today()),
        demo: d.standard.is_demo(),
        node_path: d.node_path,
        items: d
            .items
            .iter()
            .map(|(c, n)| (c.to_string(), n.clone()))
            .collect(),
        referenced_by: d.referenced_by.iter().map(|n| n.to_string()).collect(),
        replaced_by: d.replaced_by.iter().map(|n| n.to_string()).collect(),
        notice: q.notice.unwrap_or_default(),
        can_edit,
        staff,
        page,
    }))
}
