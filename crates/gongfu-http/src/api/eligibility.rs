//! `/api/v1/eligibility`: the profile's fields and "what can I enjoy" for one resident.
//! Nothing a resident sends is stored.

use super::{json_body, ErrorBody};
use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use gongfu_edge::{ApiError, AppState, ErrorCode};
use gongfu_eligibility::assess::Assessment;
use gongfu_rules::date;
use gongfu_rules::Profile;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this capability and their operations.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(fields))
        .routes(routes!(assess))
        .routes(routes!(check_rule))
}

/// The profile's fields (name, type, Chinese label, question, allowed values) and the
/// life events that group items.
#[utoipa::path(get, path = "/api/v1/eligibility/fields", responses((status = 200, description = "fields and life events")))]
async fn fields(State(state): State<AppState>) -> Json<Value> {
    let schema = state.eligibility.schema();
    Json(json!({
        "fields": gongfu_eligibility::assess::field_views(schema),
        "life_events": gongfu_eligibility::life::standard(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
struct AssessBody {
    /// Field names to answers; absent or null is not answered. `age` may stand for
    /// `birth_date`.
    #[schema(value_type = Object)]
    profile: serde_json::Map<String, Value>,
    /// Reference date, YYYY-MM-DD; today (China Standard Time) when absent.
    date: Option<String>,
    /// List version; the newest when absent.
    version: Option<i64>,
}

/// Parses the reference date of a request, today when absent.
pub fn date_param(raw: Option<&str>) -> Result<date::Ymd, ApiError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(gongfu_eligibility::today()),
        Some(s) => date::parse(s).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidInput,
                format!("date='{s}' is not a date from 1900 to 2199; write YYYY-MM-DD"),
            )
            .field("date")
        }),
    }
}

/// What one resident may use: `{"eligible", "maybe", "ineligible"}`, each item with
/// `code`, `name`, reasons in plain Chinese and, for `maybe`, the fields that would decide
/// it; `next` is the question that decides the most open items.
#[utoipa::path(post, path = "/api/v1/eligibility", request_body = AssessBody,
    responses((status = 200, description = "the assessment"), (status = 400, body = ErrorBody)))]
async fn assess(State(state): State<AppState>, body: Bytes) -> Result<Json<Assessment>, ApiError> {
    let body: AssessBody = json_body(&body)?;
    let at = date_param(body.date.as_deref())?;
    let schema = state.eligibility.schema();
    let profile = Profile::from_json(&body.profile, schema, at).map_err(|e| {
        ApiError::new(ErrorCode::InvalidInput, e.to_string()).field(format!("profile.{}", e.field))
    })?;
    Ok(Json(
        state.eligibility.assess(profile, at, body.version).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
struct RuleCheckBody {
    /// 资格规则 (docs/eligibility-rules.md).
    rule: String,
    /// 资格示例: `符合：age=70, residency=permanent；不符合：...`.
    #[serde(default)]
    examples: String,
    /// 人口范围 of the item: 户籍人口, 常住人口 or 服务人口 (default 服务人口).
    #[serde(default)]
    population_scope: Option<String>,
    /// 实施区域: region codes.
    #[serde(default)]
    regions: Vec<String>,
}

/// Checks a rule and its examples as the list's import and proposals will: the rule
/// parses and type-checks against the profile's fields, every example reads and comes out
/// as it says. `{"ok": bool, "problems": [{"column": "eligibility_rule", "message", "at",
/// "pointer"}]}`; `at` is the 1-based character of the rule where its problem starts.
#[utoipa::path(post, path = "/api/v1/eligibility/rules/check", request_body = RuleCheckBody,
    responses((status = 200, description = "the problems, if any"), (status = 400, body = ErrorBody)))]
async fn check_rule(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let b: RuleCheckBody = json_body(&body)?;
    let schema = state.eligibility.schema();
    let scope = match b.population_scope.as_deref().map(str::trim) {
        None | Some("") => gongfu_domain::PopulationKind::Served,
        Some(s) => gongfu_domain::PopulationKind::parse(s).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidInput,
                format!("population_scope '{s}' is not 户籍人口, 常住人口 or 服务人口"),
            )
            .field("population_scope")
        })?,
    };
    let problems = gongfu_catalog::eligibility::check_rule(
        &b.rule,
        &b.examples,
        scope,
        &b.regions,
        schema,
        gongfu_eligibility::today(),
    );
    let at = gongfu_rules::Rule::parse(b.rule.trim(), schema)
        .err()
        .map(|e| e.column);
    Ok(Json(json!({
        "ok": problems.is_empty(),
        "problems": problems.iter().map(|(col, m)| json!({
            "column": col,
            "message": m,
            "at": if *col == "eligibility_rule" { at } else { None },
        })).collect::<Vec<_>>(),
    })))
}
