//! The service list (基本公共服务清单): the public pages residents read it on (`pages`),
//! each version against the national standard (`compliance`), and the staff pages that
//! change it, only ever through an adjustment (`adjustments`:
//! open, propose, decide, approve, close; `import`: a whole file as one adjustment).
//!
//! It must never decide the list's rules: what a proposal may hold, who may decide it and
//! what a version must pass are gongfu-catalog's; these pages render its answers.

mod adjustments;
mod compliance;
mod import;
mod pages;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use gongfu_edge::limits::IMPORT_LIMIT;
use gongfu_edge::AppState;

/// The list's pages, public and staff.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/items", get(pages::items))
        .route("/items/{code}", get(pages::item))
        .route("/regions", get(pages::regions))
        .route("/regions/{code}", get(pages::region))
        .route("/versions", get(pages::versions))
        .route("/versions/diff", get(pages::diff))
        .route("/versions/{n}/compliance", get(compliance::compliance))
        .route("/admin/adjustments", post(adjustments::open_adjustment))
        .route("/admin/adjustments/{id}", get(adjustments::adjustment))
        .route(
            "/admin/adjustments/{id}/propose",
            get(adjustments::propose_form).post(adjustments::propose),
        )
        .route(
            "/admin/adjustments/{id}/proposals/{pid}/decision",
            post(adjustments::decide),
        )
        .route(
            "/admin/adjustments/{id}/approve",
            post(adjustments::approve),
        )
        .route("/admin/adjustments/{id}/close", post(adjustments::close))
        .route("/admin/propose", get(adjustments::propose_redirect))
        .route(
            "/admin/import",
            get(import::import_form)
                .post(import::import)
                .layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
}
