//! `/admin/affordability`: the populations and kept runs, the form that starts a run (also
//! posted from an adjustment's page) and the form that synthesizes a population.

use super::scenario::{self, Row, ScenarioFields};
use super::{web, RunRow};
use crate::kit::form::{number, StaffForm};
use crate::kit::{ctx, render, require, urlencode, NoticeQuery, PageCtx, Query, WebError};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gongfu_accounts::Session;
use gongfu_affordability::afford::Bands;
use gongfu_affordability::service::{PopulationInfo, RunRequest, SynthRequest};
use gongfu_affordability::AffordabilityError;
use gongfu_edge::auth::actor;
use gongfu_edge::{AppState, CurrentUser};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "affordability/runs.html")]
struct ListPage {
    page: PageCtx,
    populations: Vec<PopulationInfo>,
    runs: Vec<RunRow>,
    versions: Vec<(i64, String)>,
    adjustments: Vec<(i64, String)>,
    can_run: bool,
    can_admin: bool,
    /// The scenario's name and description as typed.
    scenario_name: String,
    scenario_description: String,
    /// The scenario's rows by kind, with what was typed.
    add_rows: Vec<Row>,
    raise_rows: Vec<Row>,
    widen_rows: Vec<Row>,
    remove_rows: Vec<Row>,
    /// The newest version's items (code, name), offered as the rows' item codes.
    items: Vec<(String, String)>,
    error: String,
    notice: String,
}

/// The list page's path: forms posted from elsewhere (an adjustment's page) answer on it.
const LIST: &str = "/admin/affordability";

async fn list_page(
    state: &AppState,
    s: &Session,
    page: PageCtx,
    error: String,
    notice: String,
    scenario: ScenarioFields,
) -> Result<Response, WebError> {
    let e = &state.affordability;
    let populations = e.populations().await.map_err(|x| web(x, &page))?;
    let runs = e.runs(None).await.map_err(|x| web(x, &page))?;
    let versions = state
        .catalog
        .versions()
        .await
        .map_err(|x| WebError::from(x).with_page(&page))?
        .into_iter()
        .rev()
        .map(|v| (v.number, format!("第{}版 {}", v.number, v.label)))
        .collect();
    let adjustments = state
        .catalog
        .adjustments()
        .await
        .map_err(|x| WebError::from(x).with_page(&page))?
        .into_iter()
        .map(|a| (a.id, a.title))
        .collect();
    // No version yet is no list to pick items from, not an error of this page.
    let items = match state.catalog.require(None).await {
        Ok(snap) => snap
            .items
            .iter()
            .map(|it| (it.code.to_string(), it.name.clone()))
            .collect(),
        Err(_) => Vec::new(),
    };
    let role = s.user.role;
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        render(&ListPage {
            page,
            populations,
            runs: runs.iter().map(RunRow::from).collect(),
            versions,
            adjustments,
            can_run: role.can_propose() || role.can_review(),
            can_admin: role.can_administer(),
            scenario_name: scenario.0.get("name").cloned().unwrap_or_default(),
            scenario_description: scenario.0.get("description").cloned().unwrap_or_default(),
            add_rows: scenario::rows(&scenario, "add"),
            raise_rows: scenario::rows(&scenario, "raise"),
            widen_rows: scenario::rows(&scenario, "widen"),
            remove_rows: scenario::rows(&scenario, "remove"),
            items,
            error,
            notice,
        }),
    )
        .into_response())
}

pub(crate) async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let s = require(user, LIST)?;
    let page = ctx(&headers, LIST, &s);
    list_page(
        &state,
        &s,
        page,
        String::new(),
        q.notice.unwrap_or_default(),
        ScenarioFields::default(),
    )
    .await
}

/// The form that starts a run. The adjustment page posts only `adjustment` and `years`;
/// what is not given takes the service's default.
#[derive(Deserialize)]
pub(crate) struct RunForm {
    #[serde(default)]
    title: String,
    #[serde(default, deserialize_with = "number")]
    version: Option<i64>,
    #[serde(default, deserialize_with = "number")]
    population: Option<i64>,
    #[serde(default, deserialize_with = "number")]
    start_year: Option<i32>,
    #[serde(default, deserialize_with = "number")]
    years: Option<u32>,
    /// The adjustment whose preview is the candidate.
    #[serde(default, deserialize_with = "number")]
    adjustment: Option<i64>,
    /// The amber warning line, percent.
    #[serde(default, deserialize_with = "number")]
    amber: Option<f64>,
    /// The red warning line, percent.
    #[serde(default, deserialize_with = "number")]
    red: Option<f64>,
    /// Yearly budget growth past the last budget entered, percent.
    #[serde(default, deserialize_with = "number")]
    budget_growth: Option<f64>,
    /// The scenario's rows (`sc_…`); none filled is no scenario.
    #[serde(flatten)]
    scenario: ScenarioFields,
}

/// Starts a run from the form (also posted by the adjustment page) and shows its report.
pub(crate) async fn create_run(
    State(state): State<AppState>,
    StaffForm {
        session: s,
        page,
        form: f,
    }: StaffForm<RunForm>,
) -> Result<Response, WebError> {
    let page = page.at(LIST);
    let scenario = match scenario::parse(&f.scenario) {
        Ok(sc) => sc,
        Err(e) => {
            let msg = format!("情景填写有误：{}", e.join("；"));
            return list_page(&state, &s, page, msg, String::new(), f.scenario).await;
        }
    };
    let bands = match (f.amber, f.red) {
        (Some(a), Some(r)) => Some(Bands {
            amber: a / 100.0,
            red: r / 100.0,
        }),
        _ => None,
    };
    let req = RunRequest {
        title: Some(f.title).filter(|t| !t.trim().is_empty()),
        version: f.version,
        population: f.population,
        start_year: f.start_year,
        years: f.years,
        scenario,
        adjustment: f.adjustment,
        bands,
        budget_growth: f.budget_growth.map(|g| g / 100.0),
        ..Default::default()
    };
    match state.affordability.run(&actor(&s), req).await {
        Ok(run) => {
            Ok(Redirect::to(&format!("/admin/affordability/runs/{}", run.id)).into_response())
        }
        Err(e @ AffordabilityError::Forbidden(_)) => Err(web(e, &page)),
        Err(e) => {
            let msg = e.to_string();
            list_page(&state, &s, page, msg, String::new(), f.scenario).await
        }
    }
}

/// The form that synthesizes a population.
#[derive(Deserialize)]
pub(crate) struct SynthForm {
    /// Its name; made from the year when empty.
    #[serde(default)]
    name: String,
    /// The year whose head counts it matches.
    #[serde(default, deserialize_with = "number")]
    year: Option<i64>,
    #[serde(default, deserialize_with = "number")]
    seed: Option<u64>,
    /// The share drawn, percent.
    #[serde(default, deserialize_with = "number")]
    scale_pct: Option<f64>,
}

/// Synthesizes a population from the form.
pub(crate) async fn synthesize(
    State(state): State<AppState>,
    StaffForm {
        session: s,
        page,
        form: f,
    }: StaffForm<SynthForm>,
) -> Result<Response, WebError> {
    let page = page.at(LIST);
    let req = SynthRequest {
        name: Some(f.name).filter(|t| !t.trim().is_empty()),
        year: f.year.unwrap_or(0),
        seed: f.seed,
        scale: f.scale_pct.map(|p| p / 100.0),
        marginals: None,
    };
    match state.affordability.synthesize(&actor(&s), req).await {
        Ok(id) => Ok(Redirect::to(&format!(
            "/admin/affordability?notice={}",
            urlencode(&format!("已生成合成人口（编号{id}），首次测算时抽样"))
        ))
        .into_response()),
        Err(e @ AffordabilityError::Forbidden(_)) => Err(web(e, &page)),
        Err(e) => {
            let msg = e.to_string();
            list_page(
                &state,
                &s,
                page,
                msg,
                String::new(),
                ScenarioFields::default(),
            )
            .await
        }
    }
}
