//! `/api/v1/eligibility`: the profile's fields and "what can I enjoy" for one resident.
//! Nothing a resident sends is stored.

use super::{json_body, CodeName, ErrorBody};
use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use gongfu_edge::{ApiError, AppState, ErrorCode};
use gongfu_eligibility::assess::{Assessment, Entry, FieldView};
use gongfu_rules::date;
use gongfu_rules::Profile;
use serde::{Deserialize, Serialize};
use serde_json::Value;
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

/// The profile's fields and the life events.
#[derive(Serialize, ToSchema)]
pub struct ProfileFields {
    /// Every field of the resident profile.
    fields: Vec<ProfileField>,
    /// Life events (出生, 入学, ...) that group items.
    life_events: Vec<LifeEventView>,
}

/// A field of the resident profile.
#[derive(Serialize, ToSchema)]
pub struct ProfileField {
    /// Name, as rules and the profile write it.
    name: String,
    /// `bool`, `int`, `date`, `enum`, `set`, `date_list`, `region` or `derived`.
    #[serde(rename = "type")]
    kind: &'static str,
    /// Chinese label.
    label: String,
    /// The wizard's question.
    question: String,
    /// Allowed values of a choice; labels of yes and no.
    values: Vec<ChoiceView>,
    /// Unit of a number.
    unit: String,
    /// Smallest value of an int field (int fields only).
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<i64>,
    /// Largest value of an int field (int fields only).
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<i64>,
    /// When the question applies, as a rule; empty when always.
    ask_if: String,
    /// Derived fields: what they compute, e.g. `years(birth_date)`.
    expr: String,
}

impl From<FieldView> for ProfileField {
    fn from(f: FieldView) -> Self {
        ProfileField {
            name: f.name,
            kind: f.kind,
            label: f.label,
            question: f.question,
            values: f
                .values
                .into_iter()
                .map(|c| ChoiceView {
                    key: c.key,
                    label: c.label,
                })
                .collect(),
            unit: f.unit,
            min: f.min,
            max: f.max,
            ask_if: f.ask_if,
            expr: f.expr,
        }
    }
}

/// One allowed value of a choice.
#[derive(Serialize, ToSchema)]
pub struct ChoiceView {
    /// Stable key, used in rules and the API.
    key: String,
    /// Chinese label.
    label: String,
}

/// A life event that groups items for browsing.
#[derive(Serialize, ToSchema)]
pub struct LifeEventView {
    /// Stable key (`birth`).
    key: String,
    /// Chinese label (出生).
    label: String,
    /// Category names it covers.
    categories: Vec<String>,
    /// Further item codes.
    items: Vec<String>,
}

/// The profile's fields (name, type, Chinese label, question, allowed values) and the
/// life events that group items.
#[utoipa::path(get, path = "/api/v1/eligibility/fields", responses((status = 200, description = "fields and life events", body = ProfileFields)))]
async fn fields(State(state): State<AppState>) -> Json<ProfileFields> {
    let schema = state.eligibility.schema();
    Json(ProfileFields {
        fields: gongfu_eligibility::assess::field_views(schema)
            .into_iter()
            .map(Into::into)
            .collect(),
        life_events: gongfu_eligibility::life::standard()
            .iter()
            .map(|e| LifeEventView {
                key: e.key.clone(),
                label: e.label.clone(),
                categories: e.categories.clone(),
                items: e.items.clone(),
            })
            .collect(),
    })
}

/// What one resident may use.
#[derive(Serialize, ToSchema)]
pub struct AssessmentView {
    /// List version.
    version: i64,
    /// Reference date, YYYY-MM-DD.
    date: String,
    /// Certainly eligible.
    eligible: Vec<AssessedItem>,
    /// Depends on questions not answered.
    maybe: Vec<AssessedItem>,
    /// Certainly not.
    ineligible: Vec<AssessedItem>,
    /// Items without a rule yet.
    without_rule: Vec<CodeName>,
    /// The next question to ask, if any answer would still change the result.
    next: Option<NextQuestion>,
    /// Every question whose answer would still change the result, best first.
    open_questions: Vec<String>,
    /// The answers as understood, by field name, defaults of questions that do not apply
    /// included; each value in the field's type (see `GET /api/v1/eligibility/fields`).
    #[schema(value_type = Object)]
    profile: serde_json::Map<String, Value>,
}

impl From<Assessment> for AssessmentView {
    fn from(a: Assessment) -> Self {
        let items = |v: Vec<Entry>| v.into_iter().map(AssessedItem::from).collect();
        AssessmentView {
            version: a.version,
            date: a.date,
            eligible: items(a.eligible),
            maybe: items(a.maybe),
            ineligible: items(a.ineligible),
            without_rule: a
                .without_rule
                .into_iter()
                .map(|i| CodeName::new(i.code, i.name))
                .collect(),
            next: a.next.map(|q| NextQuestion {
                field: q.field.into(),
                decides: q.decides,
            }),
            open_questions: a.open_questions,
            profile: a.profile,
        }
    }
}

/// One item's outcome for the resident.
#[derive(Serialize, ToSchema)]
pub struct AssessedItem {
    /// Item code.
    code: String,
    /// Item name.
    name: String,
    /// Area number.
    area_no: u32,
    /// Area name.
    area: String,
    /// Category name.
    category: String,
    /// Why, in plain Chinese.
    reasons: Vec<ReasonView>,
    /// For `maybe`: the fields whose answers would decide it.
    missing: Vec<String>,
    /// The item's 服务标准.
    standard: String,
    /// Life events it belongs to (keys).
    life_events: Vec<String>,
    /// Nearest points delivering it (eligible items only).
    points: Vec<PointRefView>,
    /// Points delivering it in all.
    points_total: usize,
}

impl From<Entry> for AssessedItem {
    fn from(e: Entry) -> Self {
        AssessedItem {
            code: e.code,
            name: e.name,
            area_no: e.area_no,
            area: e.area,
            category: e.category,
            reasons: e
                .reasons
                .into_iter()
                .map(|r| ReasonView {
                    text: r.text,
                    status: match r.status {
                        gongfu_rules::explain::Status::Met => "met",
                        gongfu_rules::explain::Status::Unmet => "unmet",
                        gongfu_rules::explain::Status::Unknown => "unknown",
                    },
                    field: r.field,
                })
                .collect(),
            missing: e.missing,
            standard: e.standard,
            life_events: e.life_events,
            points: e
                .points
                .into_iter()
                .map(|p| PointRefView {
                    id: p.id,
                    name: p.name,
                    address: p.address,
                    distance_m: p.distance_m,
                })
                .collect(),
            points_total: e.points_total,
        }
    }
}

/// One reason of a decision.
#[derive(Serialize, ToSchema)]
pub struct ReasonView {
    /// In plain Chinese.
    text: String,
    /// `met`, `unmet` or `unknown` (not answered yet).
    status: &'static str,
    /// The field that decides it.
    field: String,
}

/// A service point where an item is delivered.
#[derive(Serialize, ToSchema)]
pub struct PointRefView {
    /// Point id (`GET /api/v1/points/{id}`).
    id: i64,
    /// Name.
    name: String,
    /// Address.
    address: String,
    /// Straight-line distance from the resident's community's centre, metres.
    distance_m: Option<f64>,
}

/// The question that decides the most open items.
#[derive(Serialize, ToSchema)]
pub struct NextQuestion {
    /// The field asked.
    field: ProfileField,
    /// How many open items its answer decides or narrows.
    decides: usize,
}

/// What a rule check found.
#[derive(Serialize, ToSchema)]
pub struct RuleCheck {
    /// No problems.
    ok: bool,
    /// The problems, if any.
    problems: Vec<RuleProblem>,
}

/// One problem of a rule or its examples.
#[derive(Serialize, ToSchema)]
pub struct RuleProblem {
    /// The column at fault: `eligibility_rule` or `eligibility_examples`.
    column: &'static str,
    /// What is wrong and what to do.
    message: String,
    /// For the rule: the 1-based character where its problem starts.
    at: Option<usize>,
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

/// Parses the reference date of a request, `today` when absent.
fn date_param(raw: Option<&str>, today: date::Ymd) -> Result<date::Ymd, ApiError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today),
        Some(s) => date::parse(s).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidInput,
                format!("date='{s}' is not a date from 1900 to 2199; write YYYY-MM-DD"),
            )
            .message(gongfu_domain::msg!("param-date", value = s))
            .field("date")
        }),
    }
}

/// What one resident may use: `{"eligible", "maybe", "ineligible"}`, each item with
/// `code`, `name`, reasons in plain Chinese and, for `maybe`, the fields that would decide
/// it; `next` is the question that decides the most open items.
#[utoipa::path(post, path = "/api/v1/eligibility", request_body = AssessBody,
    responses((status = 200, description = "the assessment", body = AssessmentView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn assess(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<AssessmentView>, ApiError> {
    let body: AssessBody = json_body(&body)?;
    let at = date_param(body.date.as_deref(), state.eligibility.today())?;
    let schema = state.eligibility.schema();
    let profile = Profile::from_json(&body.profile, schema, at).map_err(|e| {
        ApiError::new(ErrorCode::InvalidInput, e.to_string()).field(format!("profile.{}", e.field))
    })?;
    let a = state.eligibility.assess(profile, at, body.version).await?;
    Ok(Json(a.into()))
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
/// as it says. `{"ok": bool, "problems": [{"column": "eligibility_rule", "message", "at"}]}`;
/// `at` is the 1-based character of the rule where its problem starts.
#[utoipa::path(post, path = "/api/v1/eligibility/rules/check", request_body = RuleCheckBody,
    responses((status = 200, description = "the problems, if any", body = RuleCheck), (status = 400, body = ErrorBody)))]
async fn check_rule(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<RuleCheck>, ApiError> {
    let b: RuleCheckBody = json_body(&body)?;
    let schema = state.eligibility.schema();
    let scope = match b.population_scope.as_deref().map(str::trim) {
        None | Some("") => gongfu_domain::PopulationKind::Served,
        Some(s) => gongfu_domain::PopulationKind::parse(s).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidInput,
                format!("population_scope '{s}' is not 户籍人口, 常住人口 or 服务人口"),
            )
            .message(gongfu_domain::msg!(
                "value-unknown",
                value = s,
                expected = "户籍人口、常住人口、服务人口"
            ))
            .field("population_scope")
        })?,
    };
    let problems = gongfu_catalog::eligibility::check_rule(
        &b.rule,
        &b.examples,
        scope,
        &b.regions,
        schema,
        state.eligibility.today(),
    );
    let at = gongfu_rules::Rule::parse(b.rule.trim(), schema)
        .err()
        .map(|e| e.column);
    Ok(Json(RuleCheck {
        ok: problems.is_empty(),
        problems: problems
            .into_iter()
            .map(|(column, message)| RuleProblem {
                column,
                message,
                at: if column == "eligibility_rule" {
                    at
                } else {
                    None
                },
            })
            .collect(),
    }))
}
