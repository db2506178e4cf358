//! `/api/v1/standards`: the standard system.

use super::ErrorBody;
use crate::error::Query;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::Json;
use gongfu_standards::view::NumberView;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ParseQuery {
    /// The number as written, e.g. `DB4403/T 300.1—2022`.
    number: String,
}

/// Takes a standard number apart: its code, level, serial number, parts and year, and the
/// canonical form. A malformed number is a 400 whose `errors[0].part` names the part at
/// fault (`code`, `region`, `number`, `year` or `rest`).
#[utoipa::path(get, path = "/api/v1/standards/parse", params(ParseQuery),
    responses((status = 200, body = NumberView), (status = 400, body = ErrorBody)))]
pub(super) async fn parse_number(
    State(state): State<AppState>,
    Query(q): Query<ParseQuery>,
) -> Result<Json<NumberView>, ApiError> {
    let n = state.standards.parse_number(&q.number)?;
    Ok(Json(NumberView::new(&n, state.standards.rules())))
}
