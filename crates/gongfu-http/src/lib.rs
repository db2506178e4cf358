//! The JSON API under `/api/v1` and its OpenAPI document.
//!
//! Each capability has a module in `api/` whose `routes()` registers its handlers and their
//! OpenAPI operations together, so a routed handler cannot be missing from the document;
//! every error is an [`gongfu_edge::ErrorCode`] from the one catalogue in gongfu-edge
//! (Meilisearch's rule: routes, documentation and error codes defined once, side by side).
//!
//! It must never hold business rules or SQL, nor anything the pages need too (that is
//! gongfu-edge): handlers parse the request into domain types, call the capability crates
//! and shape the answer.

pub mod api;

use gongfu_edge::AppState;

/// The API routes (`/healthz`, `/api/...`).
pub fn router(state: AppState) -> axum::Router {
    api::routes()
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            gongfu_edge::heavy::api_gate,
        ))
        .with_state(state)
}
