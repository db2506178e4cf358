//! The fiscal affordability pages (财政承受能力评估), for staff: populations and runs
//! (`/admin/affordability`), a run's report with charts drawn as SVG on the server
//! (`/admin/affordability/runs/{id}`), and the form that starts a run, which the
//! adjustment page also uses to assess its proposals.

use crate::Query;
use std::fmt::Write as _;

use crate::admin::{ctx, require, staff_form, urlencode, FormMap};
use crate::{render, PageCtx, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use gongfu_accounts::Session;
use gongfu_affordability::afford::{Band, Bands, RunResult, Scenario, PAYERS};
use gongfu_affordability::service::{PopulationInfo, Run, RunRequest, SynthRequest};
use gongfu_affordability::AffordabilityError;
use gongfu_edge::auth::actor;
use gongfu_edge::{ApiError, AppState, CurrentUser};

fn web(e: AffordabilityError, page: &PageCtx) -> WebError {
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

fn pct(r: Option<f64>) -> String {
    r.map(|r| format!("{:.2}%", r * 100.0))
        .unwrap_or_else(|| "—".into())
}

fn band_class(b: Band) -> &'static str {
    match b {
        Band::Green => "band-green",
        Band::Amber => "band-amber",
        Band::Red => "band-red",
        Band::Unknown => "",
    }
}

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

#[derive(Template)]
#[template(path = "affordability.html")]
struct ListPage {
    page: PageCtx,
    populations: Vec<PopulationInfo>,
    runs: Vec<RunRow>,
    versions: Vec<(i64, String)>,
    adjustments: Vec<(i64, String)>,
    can_run: bool,
    can_admin: bool,
    scenario: String,
    error: String,
    notice: String,
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct NoticeQuery {
    notice: Option<String>,
}

async fn list_page(
    state: &AppState,
    s: &Session,
    page: PageCtx,
    error: String,
    notice: String,
    scenario: Option<String>,
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
            scenario: scenario
                .unwrap_or_else(|| String::from_utf8_lossy(example_scenario()).into_owned()),
            error,
            notice,
        }),
    )
        .into_response())
}

/// The example scenario shown in the form: the demo's (it is data, not code).
fn example_scenario() -> &'static [u8] {
    include_bytes!("../../../data/demo/scenario.json")
}

pub(crate) async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let path = "/admin/affordability";
    let s = require(user, path)?;
    let page = ctx(&headers, path, &s);
    list_page(
        &state,
        &s,
        page,
        String::new(),
        q.notice.unwrap_or_default(),
        None,
    )
    .await
}

fn number<T: std::str::FromStr>(f: &FormMap, key: &str) -> Option<T> {
    f.get(key).and_then(|v| v.trim().parse().ok())
}

/// Starts a run from the form (also posted by the adjustment page) and shows its report.
pub(crate) async fn create_run(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Form(f): Form<FormMap>,
) -> Result<Response, WebError> {
    let path = "/admin/affordability";
    let (s, page) = staff_form(user, &headers, path, &f)?;
    let scenario_text = f
        .get("scenario")
        .map(|t| t.trim().to_string())
        .unwrap_or_default();
    let use_scenario = f.get("with_scenario").is_some_and(|v| v == "1");
    let scenario = if use_scenario && !scenario_text.is_empty() {
        let parsed = serde_json::from_str::<serde_json::Value>(&scenario_text)
            .map_err(|e| format!("情景不是有效的 JSON：{e}"))
            .and_then(Scenario::from_value);
        match parsed {
            Ok(sc) => Some(sc),
            Err(e) => {
                return list_page(&state, &s, page, e, String::new(), Some(scenario_text)).await
            }
        }
    } else {
        None
    };
    let bands = match (number::<f64>(&f, "amber"), number::<f64>(&f, "red")) {
        (Some(a), Some(r)) => Some(Bands {
            amber: a / 100.0,
            red: r / 100.0,
        }),
        _ => None,
    };
    let req = RunRequest {
        title: f.get("title").filter(|t| !t.trim().is_empty()).cloned(),
        version: number(&f, "version"),
        population: number(&f, "population"),
        start_year: number(&f, "start_year"),
        years: number(&f, "years"),
        scenario,
        adjustment: number(&f, "adjustment"),
        bands,
        budget_growth: number::<f64>(&f, "budget_growth").map(|g| g / 100.0),
        ..Default::default()
    };
    match state.affordability.run(&actor(&s), req).await {
        Ok(run) => {
            Ok(Redirect::to(&format!("/admin/affordability/runs/{}", run.id)).into_response())
        }
        Err(e @ AffordabilityError::Forbidden(_)) => Err(web(e, &page)),
        Err(e) => {
            let msg = e.to_string();
            list_page(&state, &s, page, msg, String::new(), Some(scenario_text)).await
        }
    }
}

/// Synthesizes a population from the form.
pub(crate) async fn synthesize(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Form(f): Form<FormMap>,
) -> Result<Response, WebError> {
    let path = "/admin/affordability";
    let (s, page) = staff_form(user, &headers, path, &f)?;
    let req = SynthRequest {
        name: f.get("name").filter(|t| !t.trim().is_empty()).cloned(),
        year: number(&f, "year").unwrap_or(0),
        seed: number(&f, "seed"),
        scale: number::<f64>(&f, "scale_pct").map(|p| p / 100.0),
        marginals: None,
    };
    match state.affordability.synthesize(&actor(&s), req).await {
        Ok(id) => Ok(Redirect::to(&format!(
            "/admin/affordability?notice={}",
            urlencode(&format!("已生成合成人口（编号{id}），首次测算时抽样"))
        ))
        .into_response()),
        Err(e @ AffordabilityError::Forbidden(_)) => Err(web(e, &page)),
        Err(e) => list_page(&state, &s, page, e.to_string(), String::new(), None).await,
    }
}

pub(crate) struct YearRow {
    pub year: i32,
    pub persons: u64,
    pub beneficiaries: u64,
    pub cost: String,
    pub payers: Vec<String>,
    pub budget: String,
    pub ratio: String,
    pub band: &'static str,
    pub band_class: &'static str,
    pub cand: Option<(String, String, &'static str, &'static str, String, String)>,
}

pub(crate) struct GroupRow {
    pub key: String,
    pub name: String,
    pub cost: String,
    pub cand: String,
    pub delta: String,
}

pub(crate) struct ItemRow {
    pub code: String,
    pub name: String,
    pub change: &'static str,
    pub take_up: String,
    pub eligible: String,
    pub cost: String,
    pub cand_eligible: String,
    pub cand_cost: String,
    pub delta: String,
}

#[derive(Template)]
#[template(path = "affordability_run.html")]
struct ReportPage {
    page: PageCtx,
    run: RunRow,
    version: i64,
    candidate: String,
    has_cand: bool,
    first_year: i32,
    amber: String,
    red: String,
    payer_names: Vec<&'static str>,
    years: Vec<YearRow>,
    areas: Vec<GroupRow>,
    subdistricts: Vec<GroupRow>,
    changed: Vec<ItemRow>,
    items: Vec<ItemRow>,
    notes: Vec<String>,
    ratio_chart: String,
    area_chart: String,
    payer_chart: String,
}

fn group_rows(
    groups: &[gongfu_affordability::afford::GroupResult],
    has_cand: bool,
) -> Vec<GroupRow> {
    groups
        .iter()
        .map(|g| GroupRow {
            key: g.key.clone(),
            name: g.name.clone(),
            cost: wan(g.cost[0]),
            cand: if has_cand {
                wan(g.candidate_cost[0])
            } else {
                String::new()
            },
            delta: if has_cand {
                wan(g.candidate_cost[0] - g.cost[0])
            } else {
                String::new()
            },
        })
        .collect()
}

/// Lines of the district's share of the budget per year, with the amber and red lines.
fn ratio_chart(r: &RunResult) -> String {
    let (w, h, left, bottom, top) = (640.0, 240.0, 56.0, 28.0, 12.0);
    let ratios: Vec<(Option<f64>, Option<f64>)> = r
        .years
        .iter()
        .map(|y| (y.base.ratio, y.candidate.as_ref().and_then(|c| c.ratio)))
        .collect();
    let max = ratios
        .iter()
        .flat_map(|(a, b)| [*a, *b])
        .flatten()
        .fold(r.bands.red * 1.25, f64::max);
    let n = r.years.len().max(1);
    let x = |i: usize| left + (w - left - 20.0) * (i as f64 + 0.5) / n as f64;
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v / max);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="区级支出占一般公共预算支出比例" id="ratio-chart">"#
    );
    let _ = write!(
        s,
        r#"<line class="axis" x1="{left}" y1="{}" x2="{}" y2="{}"/>"#,
        h - bottom,
        w - 10.0,
        h - bottom
    );
    for (v, class, label) in [
        (r.bands.amber, "amber", "黄色预警"),
        (r.bands.red, "red", "红色预警"),
    ] {
        let yy = y(v);
        let _ = write!(
            s,
            r#"<line class="threshold {class}" x1="{left}" y1="{yy:.1}" x2="{}" y2="{yy:.1}"/><text x="{}" y="{:.1}" text-anchor="end">{label} {:.1}%</text>"#,
            w - 10.0,
            w - 12.0,
            yy - 3.0,
            v * 100.0
        );
    }
    for k in 0..=4 {
        let v = max * k as f64 / 4.0;
        let _ = write!(
            s,
            r#"<text x="{}" y="{:.1}" text-anchor="end">{:.1}%</text>"#,
            left - 4.0,
            y(v) + 4.0,
            v * 100.0
        );
    }
    for (i, yr) in r.years.iter().enumerate() {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            x(i),
            h - 8.0,
            yr.year
        );
    }
    for (class, pick) in [("base", 0usize), ("cand", 1)] {
        let pts: Vec<(usize, f64)> = ratios
            .iter()
            .enumerate()
            .filter_map(|(i, p)| if pick == 0 { p.0 } else { p.1 }.map(|v| (i, v)))
            .collect();
        if pts.is_empty() {
            continue;
        }
        let d: Vec<String> = pts
            .iter()
            .map(|(i, v)| format!("{:.1},{:.1}", x(*i), y(*v)))
            .collect();
        let _ = write!(
            s,
            r#"<polyline class="line {class}" points="{}"/>"#,
            d.join(" ")
        );
        for (i, v) in pts {
            let _ = write!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" class="line {class}"><title>{:.2}%</title></circle>"#,
                x(i),
                y(v),
                v * 100.0
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars per group (first year), the candidate's beside the version's.
fn bar_chart(id: &str, label: &str, rows: &[(String, f64, Option<f64>)]) -> String {
    let bar_h = 14.0;
    let gap = if rows.iter().any(|r| r.2.is_some()) {
        2.0 * bar_h + 8.0
    } else {
        bar_h + 8.0
    };
    let (w, left) = (640.0, 120.0);
    let h = 10.0 + gap * rows.len() as f64;
    let max = rows
        .iter()
        .flat_map(|r| [Some(r.1), r.2])
        .flatten()
        .fold(1.0, f64::max);
    let scale = (w - left - 90.0) / max;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg viewBox="0 0 {w} {h:.0}" width="100%" role="img" aria-label="{label}" id="{id}">"#
    );
    for (i, (name, base, cand)) in rows.iter().enumerate() {
        let y0 = 6.0 + gap * i as f64;
        let _ = write!(
            s,
            r#"<text x="{}" y="{:.1}" text-anchor="end">{name}</text>"#,
            left - 6.0,
            y0 + bar_h - 2.0
        );
        let _ = write!(
            s,
            r#"<rect class="bar" x="{left}" y="{y0:.1}" width="{:.1}" height="{bar_h}"><title>{name}：{} 万元</title></rect><text x="{:.1}" y="{:.1}">{}</text>"#,
            base * scale,
            wan(*base),
            left + base * scale + 4.0,
            y0 + bar_h - 2.0,
            wan(*base)
        );
        if let Some(c) = cand {
            let y1 = y0 + bar_h + 2.0;
            let _ = write!(
                s,
                r#"<rect class="bar cand" x="{left}" y="{y1:.1}" width="{:.1}" height="{bar_h}"><title>方案：{} 万元</title></rect><text x="{:.1}" y="{:.1}">{}</text>"#,
                c * scale,
                wan(*c),
                left + c * scale + 4.0,
                y1 + bar_h - 2.0,
                wan(*c)
            );
        }
    }
    s.push_str("</svg>");
    s
}

pub(crate) async fn report(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let path = format!("/admin/affordability/runs/{id}");
    let s = require(user, &path)?;
    let page = ctx(&headers, &path, &s);
    let run = state
        .affordability
        .run_by_id(id)
        .await
        .map_err(|e| web(e, &page))?;
    let Some(r) = run.result.as_ref() else {
        return Err(WebError::from(ApiError::new(
            gongfu_edge::ErrorCode::NotFound,
            format!("run {id} has no result"),
        ))
        .with_page(&page));
    };
    let has_cand = r.candidate.is_some();
    let years = r
        .years
        .iter()
        .map(|y| YearRow {
            year: y.year,
            persons: y.persons,
            beneficiaries: y.base.beneficiaries,
            cost: wan(y.base.cost),
            payers: y.base.by_payer.iter().map(|v| wan(*v)).collect(),
            budget: y
                .budget
                .map(|b| {
                    format!(
                        "{}{}",
                        wan(b),
                        if y.budget_estimated {
                            "（推算）"
                        } else {
                            ""
                        }
                    )
                })
                .unwrap_or_else(|| "未录入".into()),
            ratio: pct(y.base.ratio),
            band: y.base.band.label(),
            band_class: band_class(y.base.band),
            cand: y.candidate.as_ref().map(|c| {
                (
                    wan(c.cost),
                    pct(c.ratio),
                    c.band.label(),
                    band_class(c.band),
                    wan(c.cost - y.base.cost),
                    format!("{:+}", c.beneficiaries as i64 - y.base.beneficiaries as i64),
                )
            }),
        })
        .collect();
    let opt = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_else(|| "—".into());
    let items: Vec<ItemRow> = r
        .items
        .iter()
        .map(|it| {
            let y = &it.years[0];
            ItemRow {
                code: it.code.clone(),
                name: it.name.clone(),
                change: match it.change.as_str() {
                    "added" => "新增",
                    "removed" => "取消",
                    "changed" => "调整",
                    _ => "",
                },
                take_up: format!("{:.1}%", y.take_up * 100.0),
                eligible: opt(y.eligible),
                cost: wan(y.cost),
                cand_eligible: opt(y.candidate_eligible),
                cand_cost: wan(y.candidate_cost),
                delta: wan(y.candidate_cost - y.cost),
            }
        })
        .collect();
    let changed = if has_cand {
        r.items
            .iter()
            .zip(&items)
            .filter(|(it, _)| it.change != "unchanged")
            .map(|(_, row)| ItemRow {
                code: row.code.clone(),
                name: row.name.clone(),
                change: row.change,
                take_up: row.take_up.clone(),
                eligible: row.eligible.clone(),
                cost: row.cost.clone(),
                cand_eligible: row.cand_eligible.clone(),
                cand_cost: row.cand_cost.clone(),
                delta: row.delta.clone(),
            })
            .collect()
    } else {
        vec![]
    };
    let area_rows: Vec<(String, f64, Option<f64>)> = r
        .areas
        .iter()
        .map(|a| {
            (
                a.name.clone(),
                a.cost[0],
                has_cand.then(|| a.candidate_cost[0]),
            )
        })
        .collect();
    let first = &r.years[0];
    let payer_rows: Vec<(String, f64, Option<f64>)> = PAYERS
        .iter()
        .enumerate()
        .map(|(i, (_, zh))| {
            (
                zh.to_string(),
                first.base.by_payer[i],
                first.candidate.as_ref().map(|c| c.by_payer[i]),
            )
        })
        .collect();
    Ok(render(&ReportPage {
        page,
        run: RunRow::from(&run),
        version: r.version,
        candidate: r.candidate.clone().unwrap_or_default(),
        has_cand,
        first_year: first.year,
        amber: format!("{:.1}%", r.bands.amber * 100.0),
        red: format!("{:.1}%", r.bands.red * 100.0),
        payer_names: PAYERS.iter().map(|p| p.1).collect(),
        years,
        areas: group_rows(&r.areas, has_cand),
        subdistricts: group_rows(&r.subdistricts, has_cand),
        changed,
        items,
        notes: r.notes.clone(),
        ratio_chart: ratio_chart(r),
        area_chart: bar_chart("area-chart", "各领域费用", &area_rows),
        payer_chart: bar_chart("payer-chart", "各级财政承担", &payer_rows),
    }))
}
