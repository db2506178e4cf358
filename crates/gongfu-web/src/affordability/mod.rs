//! The fiscal affordability assessment (财政承受能力评估), for staff: populations and runs
//! (`runs`: `/admin/affordability`, the form that starts a run, which the adjustment page
//! also uses to assess its proposals, and the form that synthesizes a population), and a
//! run's report with charts drawn as SVG on the server (`report`:
//! `/admin/affordability/runs/{id}`, through `kit::chart`); a run's scenario is entered as
//! rows of that form (`scenario`).
//!
//! It must never compute a cost or a share: runs are gongfu-affordability's, kept with
//! their inputs; these pages start them and render what was kept.

mod report;
mod runs;
mod scenario;

use crate::kit::{PageCtx, WebError};
use axum::routing::{get, post};
use axum::Router;
use gongfu_affordability::service::Run;
use gongfu_affordability::AffordabilityError;
use gongfu_edge::{ApiError, AppState};

/// The assessment's pages.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/affordability", get(runs::list))
        .route("/admin/affordability/runs", post(runs::create_run))
        .route("/admin/affordability/runs/{id}", get(report::report))
        .route("/admin/affordability/populations", post(runs::synthesize))
}

/// An assessment error as a page.
pub(crate) fn web(e: AffordabilityError, page: &PageCtx) -> WebError {
    WebError::from(ApiError::from(e)).with_page(page)
}

/// Yuan as 万元 with thousands separators, the unit budget tables use.
pub(crate) fn wan(yuan: f64) -> String {
    let w = (yuan / 10_000.0).round() as i64;
    let s = w.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if w < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A share as a percentage with two decimals; "—" when there is none (no budget entered).
fn pct(r: Option<f64>) -> String {
    r.map(|r| format!("{:.2}%", r * 100.0))
        .unwrap_or_else(|| "—".into())
}

/// A kept run as the list and the report's heading show it.
pub(crate) struct RunRow {
    pub id: i64,
    pub title: String,
    pub created_at: String,
    pub created_by: String,
    pub population: String,
}

impl From<&Run> for RunRow {
    fn from(r: &Run) -> Self {
        RunRow {
            id: r.id,
            title: r.title.clone(),
            created_at: r
                .created_at
                .replace('T', " ")
                .trim_end_matches('Z')
                .to_string(),
            created_by: r.created_by.clone(),
            population: r.population.clone(),
        }
    }
}

/// The runs of one adjustment as its page lists them: (id, title, what the first year
/// shows: the added cost and the district's share before and after).
pub(crate) async fn adjustment_runs(
    state: &AppState,
    adjustment: i64,
) -> Result<Vec<(i64, String, String)>, AffordabilityError> {
    let mut runs = Vec::new();
    for r in state.affordability.runs(Some(adjustment)).await? {
        // The summary reads the kept result: the district's share before and after.
        let summary = match state.affordability.run_by_id(r.id).await {
            Ok(full) => full
                .result
                .as_ref()
                .and_then(|res| res.years.first())
                .map(|y| {
                    let cand = y.candidate.as_ref();
                    format!(
                        "{}年：增加费用 {} 万元，区级占比 {} → {}（{}）",
                        y.year,
                        wan(cand.map_or(0.0, |c| c.cost) - y.base.cost),
                        pct(y.base.ratio),
                        pct(cand.and_then(|c| c.ratio)),
                        cand.map_or("—", |c| c.band.label())
                    )
                })
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        runs.push((r.id, r.title, summary));
    }
    Ok(runs)
}
