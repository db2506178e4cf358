//! `/api/v1/populations`, `/api/v1/affordability`: populations for the microsimulation,
//! the finance tables, and affordability runs (财政承受能力评估). Staff only: these are the
//! district's internal fiscal analyses.

use super::{json_body, Created, Download, ErrorBody, FileBody, XLSX};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use gongfu_affordability::afford::{Scenario, Shares, UnitCost};
use gongfu_affordability::service::{PopulationInfo, Run, RunRequest, SynthRequest};
use gongfu_edge::Staff;
use gongfu_edge::{limits, ApiError, AppState, ErrorCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this capability and their operations.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(populations, synthesize))
        .routes(routes!(delete_population))
        .routes(super::limited(
            routes!(import_population),
            axum::extract::DefaultBodyLimit::max(limits::POPULATION_LIMIT),
        ))
        .routes(super::limited(routes!(import_finance), limits::imports()))
        .routes(routes!(finance))
        .routes(routes!(runs, create_run))
        .routes(routes!(run))
        .routes(routes!(export_run))
}

/// The populations held.
#[derive(Serialize, ToSchema)]
pub struct Populations {
    /// Newest first, without their persons.
    populations: Vec<PopulationInfo>,
}

/// The finance tables.
#[derive(Serialize, ToSchema)]
pub struct Finance {
    /// Unit costs per item and year.
    unit_costs: Vec<UnitCost>,
    /// Default payer shares per 支出责任 (`central`, `local`, `shared` or another split's
    /// text).
    payer_shares: BTreeMap<String, Shares>,
    /// General budget expenditure per region and year.
    budgets: Vec<BudgetView>,
}

/// A general budget expenditure figure.
#[derive(Serialize, ToSchema)]
pub struct BudgetView {
    /// Region code (the district).
    region_code: String,
    /// Year.
    year: i64,
    /// Yuan.
    general_expenditure: f64,
    /// Source.
    provenance: String,
}

/// What a finance import did.
#[derive(Serialize, ToSchema)]
pub struct FinanceImported {
    /// Rows saved.
    rows: usize,
}

/// Kept runs.
#[derive(Serialize, ToSchema)]
pub struct Runs {
    /// Newest first, without results.
    runs: Vec<Run>,
}

/// Every population (without persons), newest first.
#[utoipa::path(get, path = "/api/v1/populations",
    responses((status = 200, description = "the populations", body = Populations), (status = 401, body = ErrorBody)))]
async fn populations(
    State(state): State<AppState>,
    _staff: Staff,
) -> Result<Json<Populations>, ApiError> {
    Ok(Json(Populations {
        populations: state.affordability.populations().await?,
    }))
}

/// Synthesizes a population matching a year's head counts per community and the
/// marginals (`{"year": 2024, "seed": 2026, "scale": 1, "name": "...", "marginals": {...}}`),
/// reproducibly from the seed. Administrators.
#[utoipa::path(post, path = "/api/v1/populations",
    request_body(content = SynthRequest, description = "the synthesis request"),
    responses((status = 201, description = "synthesized", body = Created), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn synthesize(
    State(state): State<AppState>,
    staff: Staff,
    body: Bytes,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let req: SynthRequest = json_body(&body)?;
    let id = state.affordability.synthesize(&staff.actor(), req).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Removes a population. Administrators.
#[utoipa::path(delete, path = "/api/v1/populations/{id}", params(("id" = i64, Path, description = "population id")),
    responses((status = 204, description = "removed"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_population(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .affordability
        .delete_population(&staff.actor(), id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PopulationImport {
    /// File name, for messages.
    file: Option<String>,
    /// Name shown to staff.
    name: Option<String>,
    /// The year the table describes (its reference date is 1 July of it).
    year: Option<i64>,
}

/// Imports a population table (CSV, one row per person, the profile's fields as
/// columns), all or nothing; a 422 lists every error with its row and column.
#[utoipa::path(post, path = "/api/v1/imports/population", params(PopulationImport),
    request_body(content = String, content_type = "text/csv", description = "the CSV file"),
    responses((status = 201, description = "imported", body = Created), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_population(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<PopulationImport>,
    body: Bytes,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let year = q.year.ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidInput,
            "year is missing; say which year the table describes, e.g. ?year=2024",
        )
        .field("year")
    })?;
    let file = q.file.unwrap_or_else(|| "population.csv".into());
    let id = state
        .affordability
        .import_population(
            &staff.actor(),
            q.name.as_deref().unwrap_or(""),
            year,
            &file,
            &body,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FinanceImport {
    /// `costs` (事项编码, 年度, 单位成本, shares), `shares` (支出责任 and the four shares) or
    /// `budgets` (区划代码, 年度, 一般公共预算支出).
    kind: Option<String>,
    /// File name, for messages.
    file: Option<String>,
}

/// Imports unit costs, payer shares or budgets (CSV), all or nothing; rows with the same
/// key replace the stored ones.
#[utoipa::path(post, path = "/api/v1/imports/finance", params(FinanceImport),
    request_body(content = String, content_type = "text/csv", description = "the CSV file"),
    responses((status = 201, description = "imported", body = FinanceImported), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_finance(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<FinanceImport>,
    body: Bytes,
) -> Result<(StatusCode, Json<FinanceImported>), ApiError> {
    let kind = q.kind.unwrap_or_default();
    let file = q.file.unwrap_or_else(|| format!("{kind}.csv"));
    let rows = state
        .affordability
        .import_finance(&staff.actor(), &kind, &file, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(FinanceImported { rows })))
}

/// Unit costs, default payer shares and budgets as stored.
#[utoipa::path(get, path = "/api/v1/affordability/finance",
    responses((status = 200, description = "the finance tables", body = Finance), (status = 401, body = ErrorBody)))]
async fn finance(State(state): State<AppState>, _staff: Staff) -> Result<Json<Finance>, ApiError> {
    let book = state.affordability.cost_book().await?;
    let budgets = gongfu_db::eligibility::budgets(&state.db).await?;
    Ok(Json(Finance {
        unit_costs: book.unit_costs,
        payer_shares: book.payer_shares,
        budgets: budgets
            .into_iter()
            .map(|b| BudgetView {
                region_code: b.region_code,
                year: b.year,
                general_expenditure: b.general_expenditure,
                provenance: b.provenance,
            })
            .collect(),
    }))
}

/// Reads a run request: a scenario is checked key by key, so a misspelt key is an error
/// naming it rather than a change that silently does nothing.
pub fn run_request(body: &Bytes) -> Result<RunRequest, ApiError> {
    let mut v: Value = json_body(body)?;
    let scenario = match v.get_mut("scenario").map(Value::take) {
        Some(Value::Null) | None => None,
        Some(s) => Some(
            Scenario::from_value(s)
                .map_err(|e| ApiError::new(ErrorCode::InvalidInput, e).field("scenario"))?,
        ),
    };
    if let Some(o) = v.as_object_mut() {
        o.remove("scenario");
    }
    let mut req: RunRequest = serde_json::from_value(v).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidBody,
            format!("the body is not the run request expected: {e}; see docs/affordability.md"),
        )
    })?;
    req.scenario = scenario;
    Ok(req)
}

/// Runs the assessment for a list version over a population and years, optionally
/// against a scenario or an adjustment's preview, and keeps it. Returns the run with its
/// result: per year the cost by payer, the district's share against its budget and the
/// band; per item, area and sub-district; the first year's counts per community.
#[utoipa::path(post, path = "/api/v1/affordability/runs",
    request_body(content = RunRequest, description = "the run request (docs/affordability.md)"),
    responses((status = 201, description = "the run", body = Run), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn create_run(
    State(state): State<AppState>,
    staff: Staff,
    body: Bytes,
) -> Result<(StatusCode, Json<Run>), ApiError> {
    let req = run_request(&body)?;
    let run = state.affordability.run(&staff.actor(), req).await?;
    Ok((StatusCode::CREATED, Json(run)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct RunsQuery {
    /// Only the runs of this adjustment.
    adjustment: Option<i64>,
}

/// Kept runs, newest first, without results.
#[utoipa::path(get, path = "/api/v1/affordability/runs", params(RunsQuery),
    responses((status = 200, description = "the runs", body = Runs), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn runs(
    State(state): State<AppState>,
    _staff: Staff,
    Query(q): Query<RunsQuery>,
) -> Result<Json<Runs>, ApiError> {
    Ok(Json(Runs {
        runs: state.affordability.runs(q.adjustment).await?,
    }))
}

/// One run with its result.
#[utoipa::path(get, path = "/api/v1/affordability/runs/{id}", params(("id" = i64, Path, description = "run id")),
    responses((status = 200, description = "the run", body = Run), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn run(
    State(state): State<AppState>,
    _staff: Staff,
    Path(id): Path<i64>,
) -> Result<Json<Run>, ApiError> {
    Ok(Json(state.affordability.run_by_id(id).await?))
}

/// One run as an Excel workbook (汇总, 事项, 领域, 街道, 支付主体, 社区受益人数).
#[utoipa::path(get, path = "/api/v1/affordability/runs/{id}/export", params(("id" = i64, Path, description = "run id")),
    responses((status = 200, description = "xlsx", body = FileBody,
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn export_run(
    State(state): State<AppState>,
    _staff: Staff,
    Path(id): Path<i64>,
) -> Result<Download, ApiError> {
    let run = state.affordability.run_by_id(id).await?;
    let Some(result) = &run.result else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("run {id} has no result"),
        ));
    };
    let bytes = gongfu_affordability::report::xlsx_report(&run.title, result)?;
    Ok(Download::attachment(
        XLSX,
        &format!("affordability-run-{id}.xlsx"),
        bytes,
    ))
}
