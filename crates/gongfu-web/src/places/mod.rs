//! Service points as pages: "near me" (`nearby`: `/nearby`, with the 500/1000/1500 m rings
//! on a map drawn as SVG from the boundaries and points, no online tiles), a point's page
//! (`point`: `/points/{id}`), the service-circle analysis (`circles`: `/circles`, a map
//! coloured by coverage, the gaps, the allocation check, the xlsx export) and the staff
//! page that uploads points, residential sites and boundaries (`admin`).
//!
//! It must never compute distances, coverage or a point's community itself: the spatial
//! index, the circles and the allocation norms are gongfu-places'. The maps' projection
//! is the kit's (`kit::map`).

mod admin;
mod circles;
mod nearby;
mod point;

pub(crate) use nearby::communities;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use gongfu_db::places::StoredPoint;
use gongfu_domain::place::PointStatus;
use gongfu_edge::limits::IMPORT_LIMIT;
use gongfu_edge::AppState;
use gongfu_places::Places;

/// The places' pages, public and staff.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/nearby", get(nearby::nearby))
        .route("/points/{id}", get(point::point))
        .route("/circles", get(circles::circles))
        .route("/admin/places", get(admin::admin))
        .route(
            "/admin/places/upload",
            post(admin::upload).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
}

/// A community's boundary on a map.
pub(crate) struct Shape {
    d: String,
    fill: String,
    label: String,
    code: String,
}

/// One point in a list.
pub(crate) struct PointRow {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) type_name: String,
    pub(crate) address: String,
    pub(crate) distance: String,
    pub(crate) hours: String,
    pub(crate) open: &'static str,
    pub(crate) status: &'static str,
    pub(crate) demo: bool,
}

/// A point as lists show it: its distance from where the search started and whether it
/// is open now, when known.
pub(crate) fn row(
    p: &StoredPoint,
    places: &Places,
    distance: Option<f64>,
    open: Option<bool>,
) -> PointRow {
    let x = &p.point;
    PointRow {
        id: p.id,
        name: x.name.clone(),
        type_name: places
            .types()
            .find(&x.facility_type)
            .map(|t| t.name.clone())
            .unwrap_or_default(),
        address: x.address.clone(),
        distance: distance
            .map(|d| {
                if d < 1000.0 {
                    format!("{:.0} 米", d)
                } else {
                    format!("{:.2} 公里", d / 1000.0)
                }
            })
            .unwrap_or_default(),
        hours: x
            .hours
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        open: match (x.status, open) {
            (PointStatus::Suspended, _) => "暂停服务",
            (PointStatus::Closed, _) => "已停用",
            (_, Some(true)) => "营业中",
            (_, Some(false)) => "休息中",
            _ => "",
        },
        status: x.status.as_str(),
        demo: x.demo,
    }
}
