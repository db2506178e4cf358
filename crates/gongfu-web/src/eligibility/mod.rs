//! "What can I enjoy" (我能享受什么) for residents: a wizard that asks one question at a
//! time, always the one that decides the most items still open, and shows what the
//! resident may use, grouped by area, with the reasons, the standard and the nearest
//! service points. Life events (出生, 入学, ...) group items for browsing.
//!
//! Nothing a resident answers is stored: the answers travel in the form (POST, so they
//! stay out of URLs and logs) until the resident asks for a link, which keeps them for
//! 30 days behind a random token. The form is read as pairs, not a typed struct: its
//! fields are the schema's (`a.{field}`, data in `data/eligibility/fields.csv`).
//!
//! It must never evaluate a rule: every answer is gongfu-eligibility's.

mod wizard;

use axum::routing::get;
use axum::Router;
use gongfu_edge::AppState;

/// The wizard's pages.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/eligibility", get(wizard::start).post(wizard::step))
        .route("/eligibility/saved/{token}", get(wizard::saved))
}
