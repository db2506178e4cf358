//! Coordinates: WGS84 in storage, GCJ-02 and BD-09 at the edge, great-circle distance.
//!
//! GPS and open data give WGS84. China's map SDKs show GCJ-02 (Amap, Tencent; the national
//! offset that every published map must apply) or BD-09 (Baidu, a further transform of
//! GCJ-02). gongfu stores WGS84 only and converts at the edge, per request. The GCJ-02
//! transform is the published Krasovsky-ellipsoid approximation that open-source
//! converters share (agreement to ~1e-6 degrees with the official one, i.e. decimetres);
//! its inverse has no closed form and is solved by fixed-point iteration. Outside
//! mainland China the offset is not applied, as the official one is not.

use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;

/// Mean Earth radius (IUGG), metres: the sphere great-circle distances are taken on.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A WGS84 position in degrees.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LatLng {
    /// Latitude, -90..=90.
    pub lat: f64,
    /// Longitude, -180..=180.
    pub lng: f64,
}

/// What is wrong with a coordinate pair.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoordError {
    /// Not a finite number, or outside the globe.
    #[error("{}", crate::msg!("coord-out-of-range", lat = lat, lng = lng))]
    OutOfRange {
        /// As given.
        lat: f64,
        /// As given.
        lng: f64,
    },
    /// Latitude and longitude look swapped (a common mistake in spreadsheets).
    #[error("{}", crate::msg!("coord-swapped", lat = lat, lng = lng))]
    Swapped {
        /// As given.
        lat: f64,
        /// As given.
        lng: f64,
    },
}

impl LatLng {
    /// A position, checked to be on the globe.
    pub fn new(lat: f64, lng: f64) -> Result<Self, CoordError> {
        if !(lat.is_finite() && lng.is_finite()) || lat.abs() > 90.0 || lng.abs() > 180.0 {
            return Err(CoordError::OutOfRange { lat, lng });
        }
        Ok(LatLng { lat, lng })
    }

    /// A position that must be in China, where every service point is: a pair that only
    /// makes sense the other way round is reported as swapped rather than accepted.
    pub fn new_in_china(lat: f64, lng: f64) -> Result<Self, CoordError> {
        if !in_china(lat, lng) && in_china(lng, lat) {
            return Err(CoordError::Swapped { lat, lng });
        }
        Self::new(lat, lng)
    }

    /// Great-circle distance in metres (haversine on the mean-radius sphere; within 0.5% of
    /// the ellipsoidal distance, which is far below what a walking ring needs).
    pub fn distance_m(self, other: LatLng) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lng - self.lng).to_radians();
        let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
    }
}

/// A coordinate reference system a client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CoordSystem {
    /// GPS, open data, storage.
    #[default]
    Wgs84,
    /// Amap (高德), Tencent (腾讯) maps.
    Gcj02,
    /// Baidu (百度) maps.
    Bd09,
}

impl CoordSystem {
    /// `wgs84`, `gcj02` or `bd09`.
    pub fn as_str(self) -> &'static str {
        match self {
            CoordSystem::Wgs84 => "wgs84",
            CoordSystem::Gcj02 => "gcj02",
            CoordSystem::Bd09 => "bd09",
        }
    }

    /// A position given in this system, as WGS84.
    pub fn to_wgs84(self, p: LatLng) -> LatLng {
        match self {
            CoordSystem::Wgs84 => p,
            CoordSystem::Gcj02 => gcj02_to_wgs84(p),
            CoordSystem::Bd09 => gcj02_to_wgs84(bd09_to_gcj02_exact(p)),
        }
    }

    /// A WGS84 position, in this system.
    pub fn from_wgs84(self, p: LatLng) -> LatLng {
        match self {
            CoordSystem::Wgs84 => p,
            CoordSystem::Gcj02 => wgs84_to_gcj02(p),
            CoordSystem::Bd09 => gcj02_to_bd09(wgs84_to_gcj02(p)),
        }
    }
}

impl fmt::Display for CoordSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CoordSystem {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_'], "")
            .as_str()
        {
            "wgs84" | "gps" => Ok(CoordSystem::Wgs84),
            "gcj02" | "amap" | "gaode" | "tencent" => Ok(CoordSystem::Gcj02),
            "bd09" | "bd09ll" | "baidu" => Ok(CoordSystem::Bd09),
            other => Err(crate::msg!("coord-system-unknown", value = other)),
        }
    }
}

/// The rough box GCJ-02 applies in (mainland China and surroundings, as the shared
/// converters draw it).
fn in_china(lat: f64, lng: f64) -> bool {
    (72.004..=137.8347).contains(&lng) && (0.8293..=55.8271).contains(&lat)
}

/// Krasovsky 1940 ellipsoid, which the GCJ-02 transform is defined on.
const KRASOVSKY_A: f64 = 6_378_245.0;
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;

fn offset(lat: f64, lng: f64) -> (f64, f64) {
    let (x, y) = (lng - 105.0, lat - 35.0);
    let common = (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    let mut dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    dlat += common;
    dlat += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    dlat += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    let mut dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    dlng += common;
    dlng += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    dlng += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    let rad = lat.to_radians();
    let magic = 1.0 - KRASOVSKY_EE * rad.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    let dlat = dlat * 180.0 / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * PI);
    let dlng = dlng * 180.0 / (KRASOVSKY_A / sqrt_magic * rad.cos() * PI);
    (dlat, dlng)
}

/// WGS84 to GCJ-02.
pub fn wgs84_to_gcj02(p: LatLng) -> LatLng {
    if !in_china(p.lat, p.lng) {
        return p;
    }
    let (dlat, dlng) = offset(p.lat, p.lng);
    LatLng {
        lat: p.lat + dlat,
        lng: p.lng + dlng,
    }
}

/// GCJ-02 to WGS84, by iteration to 1e-9 degrees (about 0.1 mm).
pub fn gcj02_to_wgs84(g: LatLng) -> LatLng {
    if !in_china(g.lat, g.lng) {
        return g;
    }
    let mut w = g;
    for _ in 0..30 {
        let back = wgs84_to_gcj02(w);
        let (elat, elng) = (back.lat - g.lat, back.lng - g.lng);
        w = LatLng {
            lat: w.lat - elat,
            lng: w.lng - elng,
        };
        if elat.abs() < 1e-9 && elng.abs() < 1e-9 {
            break;
        }
    }
    w
}

const BD_X_PI: f64 = PI * 3000.0 / 180.0;

/// GCJ-02 to BD-09.
pub fn gcj02_to_bd09(g: LatLng) -> LatLng {
    let (x, y) = (g.lng, g.lat);
    let z = (x * x + y * y).sqrt() + 0.00002 * (y * BD_X_PI).sin();
    let theta = y.atan2(x) + 0.000003 * (x * BD_X_PI).cos();
    LatLng {
        lat: z * theta.sin() + 0.006,
        lng: z * theta.cos() + 0.0065,
    }
}

/// BD-09 to GCJ-02.
pub fn bd09_to_gcj02(b: LatLng) -> LatLng {
    let (x, y) = (b.lng - 0.0065, b.lat - 0.006);
    let z = (x * x + y * y).sqrt() - 0.00002 * (y * BD_X_PI).sin();
    let theta = y.atan2(x) - 0.000003 * (x * BD_X_PI).cos();
    LatLng {
        lat: z * theta.sin(),
        lng: z * theta.cos(),
    }
}

/// BD-09 to GCJ-02, refined by iteration so that [`gcj02_to_bd09`] of the result gives the
/// input back to 1e-9 degrees ([`bd09_to_gcj02`] alone is off by a few centimetres).
pub fn bd09_to_gcj02_exact(b: LatLng) -> LatLng {
    let mut g = bd09_to_gcj02(b);
    for _ in 0..10 {
        let back = gcj02_to_bd09(g);
        let (elat, elng) = (back.lat - b.lat, back.lng - b.lng);
        if elat.abs() < 1e-9 && elng.abs() < 1e-9 {
            break;
        }
        g = LatLng {
            lat: g.lat - elat,
            lng: g.lng - elng,
        };
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: LatLng, lat: f64, lng: f64, eps: f64) -> bool {
        (a.lat - lat).abs() < eps && (a.lng - lng).abs() < eps
    }

    /// Reference values published with the widely used open converters (coordtransform
    /// and its ports), which implement the same formulas.
    #[test]
    fn conversions_match_the_published_reference_values() {
        let p = LatLng {
            lat: 39.915,
            lng: 116.404,
        };
        assert!(
            close(
                wgs84_to_gcj02(p),
                39.91640428150164,
                116.41024449916938,
                1e-9
            ),
            "{:?}",
            wgs84_to_gcj02(p)
        );
        assert!(close(
            gcj02_to_bd09(p),
            39.92133699351021,
            116.41036949371029,
            1e-9
        ));
        assert!(close(
            bd09_to_gcj02(p),
            39.90865673957631,
            116.39762729119315,
            1e-9
        ));
        // The exact inverse lands where a forward transform returns the input, unlike the
        // one-step approximation (39.91359571849836, 116.39775550083061), which is off by
        // about a metre.
        let w = gcj02_to_wgs84(p);
        assert!(close(wgs84_to_gcj02(w), p.lat, p.lng, 1e-8));
        assert!(
            close(w, 39.91359571849836, 116.39775550083061, 2e-5),
            "{w:?}"
        );
    }

    #[test]
    fn the_offset_in_shenzhen_is_hundreds_of_metres_and_nothing_abroad() {
        let futian = LatLng {
            lat: 22.5213,
            lng: 114.0549,
        };
        let d = futian.distance_m(wgs84_to_gcj02(futian));
        assert!((200.0..700.0).contains(&d), "{d}");
        let paris = LatLng {
            lat: 48.8566,
            lng: 2.3522,
        };
        assert_eq!(wgs84_to_gcj02(paris), paris);
        assert_eq!(
            CoordSystem::Bd09
                .to_wgs84(CoordSystem::Bd09.from_wgs84(paris))
                .lat
                .round(),
            49.0
        );
    }

    #[test]
    fn distances_on_the_sphere() {
        let a = LatLng {
            lat: 22.5,
            lng: 114.0,
        };
        // One degree of latitude is about 111.2 km on the mean sphere.
        let b = LatLng {
            lat: 23.5,
            lng: 114.0,
        };
        assert!(
            (a.distance_m(b) - 111_195.0).abs() < 10.0,
            "{}",
            a.distance_m(b)
        );
        assert_eq!(a.distance_m(a), 0.0);
        // Antipodes: half the circumference, no NaN.
        let c = LatLng {
            lat: -22.5,
            lng: -66.0,
        };
        assert!((a.distance_m(c) - PI * EARTH_RADIUS_M).abs() < 1.0);
    }

    #[test]
    fn bad_and_swapped_pairs_are_named() {
        assert!(matches!(
            LatLng::new(91.0, 114.0),
            Err(CoordError::OutOfRange { .. })
        ));
        assert!(matches!(
            LatLng::new(f64::NAN, 114.0),
            Err(CoordError::OutOfRange { .. })
        ));
        let e = LatLng::new_in_china(114.05, 22.52).unwrap_err();
        assert!(matches!(e, CoordError::Swapped { .. }));
        assert!(e.to_string().contains("填反"));
        assert!(LatLng::new_in_china(22.52, 114.05).is_ok());
        assert_eq!("GCJ-02".parse::<CoordSystem>(), Ok(CoordSystem::Gcj02));
        assert_eq!("baidu".parse::<CoordSystem>(), Ok(CoordSystem::Bd09));
        assert!("utm".parse::<CoordSystem>().unwrap_err().contains("wgs84"));
    }

    proptest! {
        #[test]
        fn every_system_round_trips_within_a_centimetre(lat in 18.0f64..54.0, lng in 73.0f64..135.0) {
            let p = LatLng { lat, lng };
            for sys in [CoordSystem::Wgs84, CoordSystem::Gcj02, CoordSystem::Bd09] {
                let back = sys.to_wgs84(sys.from_wgs84(p));
                prop_assert!(p.distance_m(back) < 0.01, "{} {:?} -> {:?}", sys, p, back);
            }
        }
    }
}
