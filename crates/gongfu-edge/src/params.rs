//! Request parameters, parsed once for both edges: the API and the pages call the same
//! function, so they accept and refuse the same inputs (tests in `tests/params.rs`).
//!
//! An empty optional parameter means the same as an absent one (`lat=&lng=` from an
//! empty form field, `jurisdiction_id=` from an Open311 client).

use crate::{ApiError, ErrorCode};
use gongfu_domain::geo::{CoordSystem, LatLng};
use gongfu_domain::{ItemCode, RegionCode};
use gongfu_places::circles::Target;
use gongfu_places::{Loaded, NearbyQuery, Places};
use gongfu_search::DocKind;
use serde::{Deserialize, Deserializer};
use time::PrimitiveDateTime;
use utoipa::IntoParams;

/// A refused parameter: the Chinese message names the value and what to write instead.
fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::said(ErrorCode::InvalidInput, message).field(field)
}

fn present(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}

/// Deserializes an optional number, reading an empty value as absent.
pub fn empty_as_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let raw: Option<String> = Option::deserialize(d)?;
    match present(raw.as_deref()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| {
            serde::de::Error::custom(gongfu_domain::msg!("param-not-number", value = s))
        }),
    }
}

/// Deserializes a yes/no flag as a form sends it (`on`, `1`, `true`, `yes`; `0`, `false`,
/// `no`, `off` or empty for no).
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    match present(raw.as_deref()) {
        None => Ok(None),
        Some("1" | "true" | "on" | "yes") => Ok(Some(true)),
        Some("0" | "false" | "off" | "no") => Ok(Some(false)),
        Some(s) => Err(serde::de::Error::custom(gongfu_domain::msg!(
            "param-not-flag",
            value = s
        ))),
    }
}

/// The coordinate system a request names, wgs84 when absent.
pub fn coord(raw: Option<&str>) -> Result<CoordSystem, ApiError> {
    match present(raw) {
        None => Ok(CoordSystem::Wgs84),
        Some(s) => s.parse().map_err(|m: String| invalid("coord", m)),
    }
}

/// Largest page size.
pub const MAX_PER_PAGE: usize = 500;

/// `page` (from 1, default 1) and `per_page` (1-500, default 50), or a 400 naming the one
/// out of range.
pub fn page(page: Option<usize>, per_page: Option<usize>) -> Result<(usize, usize), ApiError> {
    let page = page.unwrap_or(1);
    let per_page = per_page.unwrap_or(50);
    if page == 0 {
        return Err(invalid("page", gongfu_domain::msg!("param-page")));
    }
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(invalid(
            "per_page",
            gongfu_domain::msg!("param-per-page", value = per_page, max = MAX_PER_PAGE),
        ));
    }
    Ok((page, per_page))
}

/// An optional item code.
pub fn item(raw: Option<&str>) -> Result<Option<ItemCode>, ApiError> {
    present(raw)
        .map(|s| ItemCode::parse(s).map_err(|m| invalid("item", m)))
        .transpose()
}

/// An optional region code (12 digits).
pub fn region(raw: Option<&str>) -> Result<Option<RegionCode>, ApiError> {
    present(raw)
        .map(|r| RegionCode::parse(r).map_err(|e| invalid("region", e.to_string())))
        .transpose()
}

/// Facility types by code, name or alias, comma-separated; none when absent.
pub fn facility_types(places: &Places, raw: Option<&str>) -> Result<Vec<String>, ApiError> {
    let mut out = vec![];
    for t in raw
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        out.push(places.facility_type(t)?);
    }
    Ok(out)
}

/// An optional area (领域) name.
pub fn area(raw: Option<&str>) -> Option<String> {
    present(raw).map(String::from)
}

/// A local time, `YYYY-MM-DDTHH:MM` (China Standard Time).
pub fn local_time(raw: &str) -> Result<PrimitiveDateTime, ApiError> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    PrimitiveDateTime::parse(raw.trim(), &fmt)
        .map_err(|_| invalid("at", gongfu_domain::msg!("param-local-time", value = raw)))
}

/// A service-circle target: `type:community_health`, `area:老有所养`, or a bare type or
/// area name.
pub fn target(places: &Places, raw: &str) -> Result<Target, ApiError> {
    let raw = raw.trim();
    if let Some(a) = raw.strip_prefix("area:") {
        return Ok(Target::Area(a.to_string()));
    }
    let t = raw.strip_prefix("type:").unwrap_or(raw);
    if let Some(ty) = places.types().find(t) {
        return Ok(Target::Type(ty.code.clone()));
    }
    if places
        .types()
        .all()
        .iter()
        .any(|ty| ty.areas.iter().any(|a| a == t))
    {
        return Ok(Target::Area(t.to_string()));
    }
    Err(invalid(
        "target",
        gongfu_domain::msg!("param-target", value = raw),
    ))
}

/// The kind of search result asked for; every kind when absent.
pub fn search_kind(raw: Option<&str>) -> Result<Option<DocKind>, ApiError> {
    present(raw)
        .map(|k| {
            k.parse::<DocKind>()
                .map_err(|_| invalid("type", gongfu_domain::msg!("param-search-kind", value = k)))
        })
        .transpose()
}

/// "Services near me": `GET /api/v1/points/nearby` and the `/nearby` page.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NearbyParams {
    /// Latitude of the position, in `coord`.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub lat: Option<f64>,
    /// Longitude of the position, in `coord`.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub lng: Option<f64>,
    /// Instead of a position: the centre of this community (12-digit code).
    pub community: Option<String>,
    /// Metres, more than 0 and at most 5000 (default 1000; the portal's rings are 500, 1000, 1500).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub radius: Option<f64>,
    /// Area (领域) name.
    pub area: Option<String>,
    /// Facility type codes, names or aliases, comma-separated.
    pub r#type: Option<String>,
    /// Item code delivered there.
    pub item: Option<String>,
    /// Only points open now (China Standard Time; holidays from the State Council calendar).
    #[serde(default, deserialize_with = "flag")]
    pub open_now: Option<bool>,
    /// Instead of now: only points open at this local time, `YYYY-MM-DDTHH:MM`.
    pub at: Option<String>,
    /// Coordinate system of `lat`/`lng` and of the positions returned.
    pub coord: Option<String>,
    /// Page, from 1.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub page: Option<usize>,
    /// Points per page, 1-500 (default 50).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub per_page: Option<usize>,
}

/// Where a nearby search starts from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A position the caller gave.
    Position,
    /// The centre of a community, with its name.
    Community(String),
}

/// A parsed nearby request.
#[derive(Debug, Clone)]
pub struct Nearby {
    /// The search, positions in WGS84.
    pub query: NearbyQuery,
    /// Where it starts from.
    pub origin: Origin,
    /// The coordinate system of the request and the answer.
    pub coord: CoordSystem,
    /// Page and page size.
    pub page: (usize, usize),
}

/// Default search radius, metres.
pub const DEFAULT_RADIUS_M: f64 = 1000.0;

impl NearbyParams {
    /// Whether a position or a community was given at all (a page without one shows the
    /// form only).
    pub fn has_origin(&self) -> bool {
        self.lat.is_some() || self.lng.is_some() || present(self.community.as_deref()).is_some()
    }

    /// The radius asked for, checked.
    pub fn radius(&self) -> Result<f64, ApiError> {
        Ok(NearbyQuery::radius(
            self.radius.unwrap_or(DEFAULT_RADIUS_M),
        )?)
    }

    /// Parses the request against the places state: `now` is the local time `open_now`
    /// means.
    pub fn parse(
        &self,
        places: &Places,
        loaded: &Loaded,
        now: PrimitiveDateTime,
    ) -> Result<Nearby, ApiError> {
        let coord = coord(self.coord.as_deref())?;
        let page = page(self.page, self.per_page)?;
        let radius_m = self.radius()?;
        let (at, origin) = match (self.lat, self.lng) {
            (Some(lat), Some(lng)) => {
                let given =
                    LatLng::new_in_china(lat, lng).map_err(|e| invalid("lat", e.to_string()))?;
                (coord.to_wgs84(given), Origin::Position)
            }
            (None, None) if present(self.community.as_deref()).is_some() => {
                let raw = present(self.community.as_deref()).unwrap_or_default();
                let code = RegionCode::parse(raw).map_err(|e| invalid("community", e.to_string()))?;
                let b = loaded.boundaries.iter().find(|b| b.region == code);
                match b.and_then(|b| b.centre().map(|c| (c, b.name.clone()))) {
                    Some((c, name)) => (c, Origin::Community(name)),
                    None => {
                        return Err(invalid(
                            "community",
                            format!("community {code} has no boundary, so it has no centre; give lat and lng instead"),
                        ))
                    }
                }
            }
            (lat, _) => {
                return Err(invalid(
                    if lat.is_none() { "lat" } else { "lng" },
                    "give the position as lat and lng in decimal degrees, e.g. lat=22.5431&lng=114.0579, or a community code",
                ))
            }
        };
        let open_at = match (present(self.at.as_deref()), self.open_now) {
            (Some(at), _) => Some(local_time(at)?),
            (None, Some(true)) => Some(now),
            _ => None,
        };
        Ok(Nearby {
            query: NearbyQuery {
                at,
                radius_m,
                area: area(self.area.as_deref()),
                types: facility_types(places, self.r#type.as_deref())?,
                item: item(self.item.as_deref())?,
                open_at,
            },
            origin,
            coord,
            page,
        })
    }
}
