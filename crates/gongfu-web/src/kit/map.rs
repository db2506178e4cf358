//! Maps drawn as SVG on the server from boundaries and points (no online tiles): a local
//! flat projection from WGS84 positions to SVG units, and boundaries as SVG paths.

use gongfu_domain::geo::LatLng;
use gongfu_domain::place::{Boundary, Bounds, M_PER_DEG_LAT};
use std::fmt::Write as _;

/// Map size, SVG units (the maps are square).
pub(crate) const MAP: f64 = 600.0;

/// A local flat projection centred on a position: metres east and south of it, scaled to
/// SVG units. At district scale (tens of km) the equirectangular picture is faithful.
pub(crate) struct Projection {
    centre: LatLng,
    cos: f64,
    /// SVG units per metre.
    scale: f64,
    half: f64,
}

impl Projection {
    /// `half_extent_m` metres around `centre` fill `half_px` SVG units each way.
    pub(crate) fn new(centre: LatLng, half_extent_m: f64, half_px: f64) -> Self {
        Self {
            centre,
            cos: centre.lat.to_radians().cos(),
            scale: half_px / half_extent_m,
            half: half_px,
        }
    }

    /// A projection that shows all of `b`, with a small margin, in a map of `MAP` units.
    pub(crate) fn fitting(b: &Bounds) -> Self {
        let centre = LatLng {
            lat: (b.south + b.north) / 2.0,
            lng: (b.west + b.east) / 2.0,
        };
        let half_m = ((b.north - b.south) * M_PER_DEG_LAT / 2.0)
            .max((b.east - b.west) * M_PER_DEG_LAT * centre.lat.to_radians().cos() / 2.0)
            * 1.03;
        Self::new(centre, half_m, MAP / 2.0)
    }

    /// SVG units per metre.
    pub(crate) fn scale(&self) -> f64 {
        self.scale
    }

    /// The positions within `extent_m` metres of the centre, east-west and north-south.
    pub(crate) fn bounds(&self, extent_m: f64) -> Bounds {
        let at = self.centre;
        Bounds {
            south: at.lat - extent_m / M_PER_DEG_LAT,
            north: at.lat + extent_m / M_PER_DEG_LAT,
            west: at.lng - extent_m / M_PER_DEG_LAT / self.cos,
            east: at.lng + extent_m / M_PER_DEG_LAT / self.cos,
        }
    }

    /// A position in SVG units.
    pub(crate) fn xy(&self, p: LatLng) -> (f64, f64) {
        let x = (p.lng - self.centre.lng) * M_PER_DEG_LAT * self.cos;
        let y = (self.centre.lat - p.lat) * M_PER_DEG_LAT;
        (self.half + x * self.scale, self.half + y * self.scale)
    }

    /// A boundary as an SVG path (`d`): every ring of every polygon, holes included.
    pub(crate) fn path(&self, b: &Boundary) -> String {
        let mut d = String::new();
        for poly in &b.polygons {
            for ring in std::iter::once(poly.outer()).chain(poly.holes().iter().map(Vec::as_slice))
            {
                for (i, p) in ring.iter().enumerate() {
                    let (x, y) = self.xy(*p);
                    let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
                }
                d.push('Z');
            }
        }
        d
    }
}
