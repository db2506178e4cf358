//! `/admin/affordability/runs/{id}`: a kept run's report: the district's share of the
//! budget year by year against the amber and red lines, costs by area, subdistrict and
//! payer, the items the candidate changes, with the charts drawn by `kit::chart`.

use super::{pct, wan, web, RunRow};
use crate::kit::chart::{Bars, ShareLines};
use crate::kit::{ctx, render, require, PageCtx, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use gongfu_affordability::afford::{Band, RunResult, PAYERS};
use gongfu_affordability::service::Run;
use gongfu_edge::{ApiError, AppState, CurrentUser};

fn band_class(b: Band) -> &'static str {
    match b {
        Band::Green => "band-green",
        Band::Amber => "band-amber",
        Band::Red => "band-red",
        Band::Unknown => "",
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

#[derive(Clone)]
pub(crate) struct ItemRow {
    pub code: String,
    pub name: String,
    pub change: &'static str,
    pub take_up: String,
    pub eligible: String,
    /// Yuan per beneficiary per year, two decimals; "—" when none is entered.
    pub unit_cost: String,
    pub cost: String,
    pub cand_eligible: String,
    pub cand_unit_cost: String,
    pub cand_cost: String,
    pub delta: String,
    /// Why the item is costed 0 for want of a rule; empty when it has one.
    pub unruled: String,
}

#[derive(Template)]
#[template(path = "affordability/report.html")]
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
    assumptions: Vec<gongfu_affordability::afford::Assumption>,
    without_rule: Vec<gongfu_affordability::afford::Unruled>,
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

/// The district's share of the budget per year, the version's and the candidate's, with
/// the amber and red lines.
fn ratio_chart(r: &RunResult) -> String {
    let (base, cand) = r
        .years
        .iter()
        .map(|y| (y.base.ratio, y.candidate.as_ref().and_then(|c| c.ratio)))
        .unzip();
    ShareLines {
        id: "ratio-chart",
        label: "区级支出占一般公共预算支出比例",
        periods: r.years.iter().map(|y| y.year.to_string()).collect(),
        series: vec![("base", base), ("cand", cand)],
        thresholds: vec![
            (r.bands.amber, "amber", "黄色预警"),
            (r.bands.red, "red", "红色预警"),
        ],
        least_top: r.bands.red * 1.25,
    }
    .svg()
}

/// Costs per group (first year) in 万元, the candidate's beside the version's.
fn bar_chart(id: &str, label: &str, rows: &[(String, f64, Option<f64>)]) -> String {
    Bars {
        id,
        label,
        rows,
        value: wan,
        unit: "万元",
        compared: "方案",
    }
    .svg()
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
    Ok(render(&report_page(page, &run, r)))
}

/// The report of a kept run and its result.
fn report_page(page: PageCtx, run: &Run, r: &RunResult) -> ReportPage {
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
    let yuan = |v: Option<f64>| v.map_or_else(|| "—".into(), |x| format!("{x:.2}"));
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
                unit_cost: yuan(y.unit_cost),
                cost: wan(y.cost),
                cand_eligible: opt(y.candidate_eligible),
                cand_unit_cost: yuan(y.candidate_unit_cost),
                cand_cost: wan(y.candidate_cost),
                delta: wan(y.candidate_cost - y.cost),
                unruled: r
                    .without_rule
                    .iter()
                    .find(|u| u.code == it.code)
                    .map(|u| format!("{}，按0计", u.reason))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let changed = if has_cand {
        r.items
            .iter()
            .zip(&items)
            .filter(|(it, _)| it.change != "unchanged")
            .map(|(_, row)| row.clone())
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
    ReportPage {
        page,
        run: RunRow::from(run),
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
        assumptions: r.assumptions.clone(),
        without_rule: r.without_rule.clone(),
        ratio_chart: ratio_chart(r),
        area_chart: bar_chart("area-chart", "各领域费用", &area_rows),
        payer_chart: bar_chart("payer-chart", "各级财政承担", &payer_rows),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kept run of one year with one item that has no rule, as the service keeps it.
    fn run() -> Run {
        let result = serde_json::json!({
            "version": 1, "candidate": null, "bands": {"amber": 0.07, "red": 0.1},
            "rates": {"birth_rate": 0.012, "net_migration_rate": 0.0, "death_rates": [[0, 120, 0.001]]},
            "years": [{"year": 2024, "date": "2024-07-01", "persons": 100, "budget": null,
                       "budget_estimated": false,
                       "base": {"cost": 1000.0, "by_payer": [0.0, 0.0, 0.0, 1000.0],
                                "beneficiaries": 10, "ratio": null, "band": "unknown"},
                       "candidate": null}],
            "items": [
                {"code": "N1005", "name": "老年人健康管理", "area_no": 10, "change": "unchanged",
                 "shares": [0.0, 0.0, 0.0, 1.0],
                 "years": [{"eligible": 10, "take_up": 1.0, "unit_cost": 100.0, "cost": 1000.0,
                            "candidate_eligible": null, "candidate_unit_cost": null, "candidate_cost": 0.0}]},
                {"code": "L9901", "name": "示例无规则事项", "area_no": 10, "change": "unchanged",
                 "shares": [0.0, 0.0, 0.0, 1.0],
                 "years": [{"eligible": null, "take_up": 1.0, "unit_cost": 50.0, "cost": 0.0,
                            "candidate_eligible": null, "candidate_unit_cost": null, "candidate_cost": 0.0}]}
            ],
            "areas": [], "subdistricts": [],
            "communities": {"communities": [], "names": [], "persons": [], "items": [], "eligible": []},
            "notes": [],
            "assumptions": [{"name": "出生率", "value": "12‰", "basis": "人口表中不满1岁者"}],
            "without_rule": [{"code": "L9901", "name": "示例无规则事项", "reason": "没有资格规则"}]
        });
        Run {
            id: 7,
            title: "测算".into(),
            adjustment_id: None,
            created_at: "2026-12-03T08:00:00Z".into(),
            created_by: "admin".into(),
            request: serde_json::json!({}),
            population: "合成人口".into(),
            result: Some(serde_json::from_value(result).unwrap_or_else(|e| panic!("{e}"))),
        }
    }

    #[test]
    fn the_report_warns_of_items_without_a_rule_and_shows_unit_costs_and_assumptions() {
        let run = run();
        let r = run.result.as_ref().unwrap_or_else(|| panic!("a result"));
        let html = report_page(PageCtx::default(), &run, r)
            .render()
            .unwrap_or_else(|e| panic!("{e}"));
        let warning = html
            .split("id=\"without-rule\"")
            .nth(1)
            .unwrap_or_else(|| panic!("a warning in {html}"));
        assert!(warning.contains("L9901 示例无规则事项"), "{warning}");
        assert!(
            html.contains("没有资格规则，按0计"),
            "the item's row says it too"
        );
        assert!(
            html.contains("<td class=\"n\">100.00</td>"),
            "N1005's unit cost"
        );
        assert!(html.contains("id=\"assumptions\""));
        assert!(html.contains("人口表中不满1岁者"));
    }
}
