//! `/points/{id}`: one service point: what it offers, its hours for the coming week
//! (holidays and make-up workdays included), and others of its type nearby.

use super::{row, PointRow};
use crate::kit::{page, render, PageCtx, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gongfu_edge::{ApiError, AppState, CurrentUser};
use gongfu_places::NearbyQuery;

#[derive(Template)]
#[template(path = "places/point.html")]
struct PointPage {
    page: PageCtx,
    p: PointRow,
    code: String,
    phone: String,
    capacity: String,
    floor_area: String,
    department: String,
    community: String,
    community_name: String,
    items: Vec<(String, String)>,
    lat: String,
    lng: String,
    week: Vec<(String, String)>,
    near: Vec<PointRow>,
}

/// `/points/{id}`: one point, with what it offers and others of its type nearby.
pub(crate) async fn point(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let page = page(&headers, &format!("/points/{id}"), &user);
    let fail = |e: ApiError| WebError::from(e).with_page(&page);
    let places = &state.places;
    let Ok(id) = id.parse::<i64>() else {
        return Err(WebError::new(
            StatusCode::NOT_FOUND,
            "服务点不存在",
            format!("服务点 {id} 不存在；请从“身边服务”重新查找。"),
        )
        .with_page(&page));
    };
    let p = places.point(id).await.map_err(|e| fail(e.into()))?;
    let l = places.loaded().await.map_err(|e| fail(e.into()))?;
    let snap = state
        .catalog
        .snapshot(None)
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    let items = p
        .point
        .items
        .iter()
        .map(|c| {
            let name = snap
                .as_ref()
                .and_then(|s| s.item(c.as_str()).map(|i| i.name.clone()))
                .unwrap_or_default();
            (c.to_string(), name)
        })
        .collect();
    let now = state.clock.local();
    let open = p
        .point
        .hours
        .as_ref()
        .map(|h| h.is_open(now, places.calendar()));
    // The next seven days' hours, holidays included: what "open on 国庆" looks like.
    let week = (0..7)
        .filter_map(|d| {
            let date = now.date().checked_add(time::Duration::days(d))?;
            let h = p.point.hours.as_ref()?;
            let spans = h.on(date, places.calendar());
            let kind = match places.calendar().kind(date) {
                Some(gongfu_domain::hours::DayKind::Holiday) => "（节假日）",
                Some(gongfu_domain::hours::DayKind::Workday) => "（调休上班）",
                None => "",
            };
            let text = if spans.is_empty() {
                "休息".to_string()
            } else {
                spans
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("，")
            };
            Some((format!("{} {}{kind}", date, weekday(date.weekday())), text))
        })
        .collect();
    let found = places
        .nearby(&NearbyQuery {
            at: p.point.position,
            radius_m: 1500.0,
            area: None,
            types: vec![p.point.facility_type.clone()],
            item: None,
            open_at: None,
        })
        .await
        .map_err(|e| fail(e.into()))?;
    let near = found
        .iter()
        .filter(|(q, _)| q.id != p.id)
        .take(5)
        .map(|(q, h)| row(q, places, Some(h.distance_m), None))
        .collect();
    let x = &p.point;
    let unit = places
        .types()
        .find(&x.facility_type)
        .map(|t| t.capacity_unit.clone())
        .unwrap_or_default();
    Ok(render(&PointPage {
        code: x.code.clone(),
        phone: x.phone.clone(),
        capacity: x
            .capacity
            .map(|c| format!("{c} {unit}"))
            .unwrap_or_default(),
        floor_area: x
            .floor_area_m2
            .map(|a| format!("{a:.0} 平方米"))
            .unwrap_or_default(),
        community: x
            .community
            .as_ref()
            .map(|c| c.to_string())
            .unwrap_or_default(),
        department: x
            .department
            .as_ref()
            .map(|d| d.as_str().to_string())
            .unwrap_or_default(),
        community_name: x
            .community
            .as_ref()
            .and_then(|c| l.regions.get(c).cloned())
            .unwrap_or_default(),
        items,
        lat: format!("{:.6}", x.position.lat),
        lng: format!("{:.6}", x.position.lng),
        week,
        near,
        p: row(&p, places, None, open),
        page,
    }))
}

fn weekday(w: time::Weekday) -> &'static str {
    use time::Weekday::*;
    match w {
        Monday => "周一",
        Tuesday => "周二",
        Wednesday => "周三",
        Thursday => "周四",
        Friday => "周五",
        Saturday => "周六",
        Sunday => "周日",
    }
}
