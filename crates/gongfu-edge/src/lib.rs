//! The edge: what the JSON API (gongfu-http) and the pages (gongfu-web) share, so that
//! neither borrows the other's handlers. The application state and the service graph it
//! carries ([`AppState`], [`Services`]), who is calling ([`CurrentUser`], [`Staff`]), the
//! error-code catalogue ([`ErrorCode`], [`ApiError`]), body limits ([`limits`]), the
//! request parameters both edges read ([`params`]), the public URLs of things ([`links`]),
//! request tracing ([`trace`]) and the security headers ([`headers`]).
//!
//! It must never hold business rules or SQL, nor build the service graph (gongfu-app's
//! composition root does that), nor render a page or a route table.

pub mod auth;
pub mod error;
pub mod headers;
pub mod heavy;
pub mod limits;
pub mod links;
pub mod params;
pub mod state;
pub mod trace;

pub use auth::{CurrentUser, Staff};
pub use error::{ApiError, ErrorCode, Query};
pub use state::{AppState, Services};
