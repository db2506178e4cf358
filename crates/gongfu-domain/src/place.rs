//! Service points (服务点), residential sites (小区) and boundary polygons: the places the
//! service-circle analysis works on, parsed from their raw import form once.
//!
//! A [`PointDraft`] is what a file row or a form holds (text in every field); parsing it
//! against a [`PlaceContext`] (facility types, the district's bounds, the list's items, the
//! known communities and their boundaries) gives a [`ServicePoint`] in WGS84, or every
//! problem of the row, each naming its column. The same for [`SiteDraft`].
//!
//! Polygons are checked the way a GIS checks them before a planner relies on them: closed
//! rings, enough distinct vertices, no ring crossing itself or another, holes inside.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt;
use std::ops::Bound::{Excluded, Unbounded};

use crate::catalog::{DepartmentName, ItemCode};
use crate::facility::FacilityTypes;
use crate::geo::{CoordSystem, LatLng};
use crate::hours::OpeningHours;
use crate::region::{RegionCode, RegionLevel};
use crate::text::{clean, fold_width};

/// Metres per degree of latitude on the mean sphere.
pub const M_PER_DEG_LAT: f64 = crate::geo::EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

/// A latitude/longitude box.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Bounds {
    /// Southern edge.
    pub south: f64,
    /// Western edge.
    pub west: f64,
    /// Northern edge.
    pub north: f64,
    /// Eastern edge.
    pub east: f64,
}

impl Bounds {
    /// The smallest box holding every position; None for none.
    pub fn around(points: impl IntoIterator<Item = LatLng>) -> Option<Bounds> {
        let mut b: Option<Bounds> = None;
        for p in points {
            let x = b.get_or_insert(Bounds {
                south: p.lat,
                west: p.lng,
                north: p.lat,
                east: p.lng,
            });
            x.south = x.south.min(p.lat);
            x.north = x.north.max(p.lat);
            x.west = x.west.min(p.lng);
            x.east = x.east.max(p.lng);
        }
        b
    }

    /// Whether a position lies in the box (edges included).
    pub fn contains(&self, p: LatLng) -> bool {
        (self.south..=self.north).contains(&p.lat) && (self.west..=self.east).contains(&p.lng)
    }

    /// The box grown by `m` metres on every side.
    pub fn grown_m(&self, m: f64) -> Bounds {
        let dlat = m / M_PER_DEG_LAT;
        let mid = ((self.south + self.north) / 2.0)
            .to_radians()
            .cos()
            .max(0.01);
        let dlng = dlat / mid;
        Bounds {
            south: self.south - dlat,
            west: self.west - dlng,
            north: self.north + dlat,
            east: self.east + dlng,
        }
    }

    /// The union of two boxes.
    pub fn union(&self, o: &Bounds) -> Bounds {
        Bounds {
            south: self.south.min(o.south),
            west: self.west.min(o.west),
            north: self.north.max(o.north),
            east: self.east.max(o.east),
        }
    }

    /// Whether two boxes share any position.
    pub fn intersects(&self, o: &Bounds) -> bool {
        self.south <= o.north && o.south <= self.north && self.west <= o.east && o.west <= self.east
    }
}

impl fmt::Display for Bounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "纬度 {:.4}～{:.4}，经度 {:.4}～{:.4}",
            self.south, self.north, self.west, self.east
        )
    }
}

/// What is wrong with a polygon.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolygonError {
    /// A ring has fewer than three distinct vertices.
    #[error("{}", crate::msg!("polygon-too-few-vertices", ring = ring_label(*ring), count = count))]
    TooFewVertices {
        /// 0 = outer ring, 1.. = holes.
        ring: usize,
        /// Distinct vertices found.
        count: usize,
    },
    /// First and last position differ.
    #[error("{}", crate::msg!("polygon-not-closed", ring = ring_label(*ring)))]
    NotClosed {
        /// Ring index.
        ring: usize,
    },
    /// A coordinate is not on the globe.
    #[error("{}", crate::msg!("polygon-coordinate", ring = ring_label(*ring), index = index + 1, reason = source))]
    Coordinate {
        /// Ring index.
        ring: usize,
        /// 0-based position.
        index: usize,
        /// Cause.
        source: crate::geo::CoordError,
    },
    /// Two edges cross.
    #[error("{}", crate::msg!("polygon-self-intersection", lat = format!("{lat:.6}"), lng = format!("{lng:.6}"), ring_a = ring_label(*ring_a), edge_a = edge_a + 1, ring_b = ring_label(*ring_b), edge_b = edge_b + 1))]
    SelfIntersection {
        /// Ring of the first edge.
        ring_a: usize,
        /// Its edge index.
        edge_a: usize,
        /// Ring of the second edge.
        ring_b: usize,
        /// Its edge index.
        edge_b: usize,
        /// Where, roughly.
        lat: f64,
        /// Where, roughly.
        lng: f64,
    },
    /// A hole is not inside the outer ring.
    #[error("{}", crate::msg!("polygon-hole-outside", ring = ring_label(*ring)))]
    HoleOutside {
        /// Ring index.
        ring: usize,
    },
    /// The polygon encloses no area.
    #[error("{}", crate::msg!("polygon-empty"))]
    Empty,
    /// A ring has more positions than [`MAX_RING_VERTICES`].
    #[error("{}", crate::msg!("polygon-ring-too-large", ring = ring_label(*ring), count = count, max = MAX_RING_VERTICES))]
    RingTooLarge {
        /// Ring index.
        ring: usize,
        /// Positions in the ring as given, the closing one included.
        count: usize,
    },
    /// All rings (of a polygon, or of every part of a boundary) have more positions together
    /// than [`MAX_BOUNDARY_VERTICES`].
    #[error("{}", crate::msg!("polygon-too-many-vertices", count = count, max = MAX_BOUNDARY_VERTICES))]
    TooManyVertices {
        /// Positions in all rings as given, closing ones included.
        count: usize,
    },
}

/// How a message names a ring: the outer ring, or which hole.
fn ring_label(ring: usize) -> String {
    match ring {
        0 => crate::msg!("polygon-outer-ring"),
        k => crate::msg!("polygon-hole", k = k),
    }
}

/// Most positions one ring may have, the closing one included.
///
/// The checks below are O(n log n), but every point-in-boundary lookup (which community a
/// service point lies in) still walks a ring edge by edge, and an import holds the whole
/// file in memory; the cap keeps both bounded. Real boundaries are far below it: a
/// community's ring from a district GIS has tens to a few thousand vertices, a district's
/// outer ring a few thousand to some tens of thousands along a detailed coastline; 100,000
/// is one vertex per metre around a 100 km district, finer than any survey a service circle
/// needs. Past the cap a boundary is refused before any of it is read (a 1,000,000-vertex
/// boundary once kept the quadratic check busy for minutes and held up shutdown).
pub const MAX_RING_VERTICES: usize = 100_000;

/// Most positions a boundary may have in all its rings and parts together: two rings at the
/// cap, room for a district of many islands and enclaves, still validated in well under a
/// second (BENCHMARKS.md, "Boundary polygon validity").
pub const MAX_BOUNDARY_VERTICES: usize = 200_000;

/// Refuses more than [`MAX_BOUNDARY_VERTICES`] positions in all: the one rule for a polygon's
/// rings and for a whole boundary's parts.
fn check_total(count: usize) -> Result<(), PolygonError> {
    if count > MAX_BOUNDARY_VERTICES {
        return Err(PolygonError::TooManyVertices { count });
    }
    Ok(())
}

/// A simple polygon with optional holes, WGS84. Rings are stored open (without the repeated
/// closing vertex).
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    outer: Vec<LatLng>,
    holes: Vec<Vec<LatLng>>,
    bounds: Bounds,
}

/// Positions are snapped to a grid of 1e-9 degrees (about 0.1 mm) when a polygon is read,
/// so every geometric predicate below can be computed exactly in integers: a float
/// orientation test can call the same three points collinear one way round and not the
/// other (found by fuzzing), which would make a polygon valid and its reversal invalid.
const SNAP: f64 = 1e9;

fn snap(v: f64) -> f64 {
    (v * SNAP).round() / SNAP
}

/// A snapped position in nanodegrees, (longitude, latitude): the order the sweep below runs in.
type Fixed = (i64, i64);

fn fixed(p: LatLng) -> Fixed {
    ((p.lng * SNAP).round() as i64, (p.lat * SNAP).round() as i64)
}

/// Twice the signed area in the lng/lat plane (positive = counter-clockwise), in
/// nanodegrees², exact.
fn signed_area2_exact(ring: &[LatLng]) -> i128 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (fixed(ring[i]), fixed(ring[(i + 1) % n]));
            i128::from(a.0) * i128::from(b.1) - i128::from(b.0) * i128::from(a.1)
        })
        .sum()
}

/// Twice the signed area in degrees².
fn signed_area2(ring: &[LatLng]) -> f64 {
    signed_area2_exact(ring) as f64 / (SNAP * SNAP)
}

/// The sign of the turn a -> b -> c: positive left, negative right, zero collinear; exact.
fn orient(a: LatLng, b: LatLng, c: LatLng) -> i128 {
    turn(fixed(a), fixed(b), fixed(c))
}

/// [`orient`] on snapped positions; i128 because a product of two nanodegree differences
/// does not fit in i64.
fn turn(a: Fixed, b: Fixed, c: Fixed) -> i128 {
    let d = |p: Fixed, q: Fixed| (i128::from(q.0 - p.0), i128::from(q.1 - p.1));
    let ((bx, by), (cx, cy)) = (d(a, b), d(a, c));
    bx * cy - by * cx
}

fn on_segment(a: LatLng, b: LatLng, p: LatLng) -> bool {
    let (a, b, p) = (fixed(a), fixed(b), fixed(p));
    p.0 >= a.0.min(b.0) && p.0 <= a.0.max(b.0) && p.1 >= a.1.min(b.1) && p.1 <= a.1.max(b.1)
}

/// Whether segments ab and cd share a point (touching included).
fn segments_meet(a: LatLng, b: LatLng, c: LatLng, d: LatLng) -> bool {
    let (d1, d2) = (orient(c, d, a).signum(), orient(c, d, b).signum());
    let (d3, d4) = (orient(a, b, c).signum(), orient(a, b, d).signum());
    if d1 * d2 < 0 && d3 * d4 < 0 {
        return true;
    }
    (d1 == 0 && on_segment(c, d, a))
        || (d2 == 0 && on_segment(c, d, b))
        || (d3 == 0 && on_segment(a, b, c))
        || (d4 == 0 && on_segment(a, b, d))
}

/// Whether the ray from `p` towards +lng crosses the edge from `a` to `b` (a = the later
/// vertex of the ring, b = the one before it: the float result depends on the order, and
/// both ray casts below must agree to the bit).
fn ray_crosses(a: LatLng, b: LatLng, p: LatLng) -> bool {
    (a.lat > p.lat) != (b.lat > p.lat)
        && p.lng < (b.lng - a.lng) * (p.lat - a.lat) / (b.lat - a.lat) + a.lng
}

fn ring_contains(ring: &[LatLng], p: LatLng) -> bool {
    // Even-odd ray casting towards +lng; fine at district scale where the lng/lat plane is
    // a faithful picture of the ground.
    let mut inside = false;
    let n = ring.len();
    let mut j = n - 1;
    for i in 0..n {
        if ray_crosses(ring[i], ring[j], p) {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// [`ring_contains`] for many points at once, with the same verdict for each: points are
/// visited by rising latitude and each meets only the edges spanning its latitude, not the
/// whole ring. Asking the ring once per hole costs holes x vertices edge tests: 2 x 10^9
/// for a boundary at the cap made of a 100,000-vertex ring and 20,000 small holes.
fn ring_contains_all(ring: &[LatLng], points: &[LatLng]) -> Vec<bool> {
    let n = ring.len();
    // (a, b) as ring_contains pairs them; an edge counts for a point iff
    // min(a.lat, b.lat) <= p.lat < max(a.lat, b.lat).
    let mut edges: Vec<(LatLng, LatLng)> =
        (0..n).map(|i| (ring[i], ring[(i + n - 1) % n])).collect();
    edges.sort_unstable_by(|x, y| x.0.lat.min(x.1.lat).total_cmp(&y.0.lat.min(y.1.lat)));
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_unstable_by(|&x, &y| points[x].lat.total_cmp(&points[y].lat));
    let mut inside = vec![false; points.len()];
    let mut active: Vec<(LatLng, LatLng)> = vec![];
    let mut next = 0;
    for k in order {
        let p = points[k];
        while next < edges.len() && edges[next].0.lat.min(edges[next].1.lat) <= p.lat {
            active.push(edges[next]);
            next += 1;
        }
        // Latitudes only rise, so an edge below this point is below every later one.
        active.retain(|(a, b)| a.lat.max(b.lat) > p.lat);
        inside[k] = active
            .iter()
            .filter(|(a, b)| ray_crosses(*a, *b, p))
            .count()
            % 2
            == 1;
    }
    inside
}

impl Polygon {
    /// A polygon from rings of `[lng, lat]` positions in GeoJSON order (outer first, then
    /// holes), each closed. Checks every property a GIS validity check does that matters here.
    pub fn from_rings(rings: &[Vec<[f64; 2]>]) -> Result<Polygon, PolygonError> {
        // Sizes first: nothing below runs on a ring past the caps.
        if let Some((ring, r)) = rings
            .iter()
            .enumerate()
            .find(|(_, r)| r.len() > MAX_RING_VERTICES)
        {
            return Err(PolygonError::RingTooLarge {
                ring,
                count: r.len(),
            });
        }
        check_total(rings.iter().map(Vec::len).sum())?;
        let mut parsed = Vec::with_capacity(rings.len());
        for (r, ring) in rings.iter().enumerate() {
            let mut pts = Vec::with_capacity(ring.len());
            for (i, [lng, lat]) in ring.iter().enumerate() {
                let p = LatLng::new_in_china(snap(*lat), snap(*lng)).map_err(|source| {
                    PolygonError::Coordinate {
                        ring: r,
                        index: i,
                        source,
                    }
                })?;
                pts.push(p);
            }
            if pts.len() >= 2 && pts.first() != pts.last() {
                return Err(PolygonError::NotClosed { ring: r });
            }
            pts.pop();
            pts.dedup();
            let distinct: BTreeSet<(u64, u64)> = pts
                .iter()
                .map(|p| (p.lat.to_bits(), p.lng.to_bits()))
                .collect();
            if distinct.len() < 3 {
                return Err(PolygonError::TooFewVertices {
                    ring: r,
                    count: distinct.len(),
                });
            }
            parsed.push(pts);
        }
        let Some(outer) = parsed.first().cloned() else {
            return Err(PolygonError::Empty);
        };
        check_simple(&parsed)?;
        if signed_area2_exact(&outer) == 0 {
            return Err(PolygonError::Empty);
        }
        // Rings do not meet (check_simple), so a hole with one vertex inside is inside.
        let firsts: Vec<LatLng> = parsed[1..].iter().map(|h| h[0]).collect();
        if let Some(k) = ring_contains_all(&outer, &firsts)
            .iter()
            .position(|inside| !inside)
        {
            return Err(PolygonError::HoleOutside { ring: k + 1 });
        }
        let bounds = Bounds::around(outer.iter().copied()).ok_or(PolygonError::Empty)?;
        Ok(Polygon {
            holes: parsed.split_off(1),
            outer,
            bounds,
        })
    }

    /// Whether a position lies inside (on an edge counts as either).
    pub fn contains(&self, p: LatLng) -> bool {
        self.bounds.contains(p)
            && ring_contains(&self.outer, p)
            && !self.holes.iter().any(|h| ring_contains(h, p))
    }

    /// The outer ring, open.
    pub fn outer(&self) -> &[LatLng] {
        &self.outer
    }

    /// The holes, open.
    pub fn holes(&self) -> &[Vec<LatLng>] {
        &self.holes
    }

    /// The bounding box.
    pub fn bounds(&self) -> Bounds {
        self.bounds
    }

    /// Area in square metres (equirectangular at the polygon's latitude; exact enough for a
    /// district).
    pub fn area_m2(&self) -> f64 {
        let k = ((self.bounds.south + self.bounds.north) / 2.0)
            .to_radians()
            .cos();
        let ring_area = |r: &[LatLng]| signed_area2(r).abs() / 2.0;
        let deg2 = ring_area(&self.outer) - self.holes.iter().map(|h| ring_area(h)).sum::<f64>();
        deg2 * M_PER_DEG_LAT * M_PER_DEG_LAT * k
    }

    /// The rings as GeoJSON positions (`[lng, lat]`, closed, outer ring counter-clockwise
    /// and holes clockwise per RFC 7946).
    pub fn to_geojson_rings(&self) -> Vec<Vec<[f64; 2]>> {
        let close = |r: &[LatLng], ccw: bool| {
            let mut v: Vec<[f64; 2]> = r.iter().map(|p| [p.lng, p.lat]).collect();
            if (signed_area2(r) > 0.0) != ccw {
                v.reverse();
            }
            if let Some(f) = v.first().copied() {
                v.push(f);
            }
            v
        };
        std::iter::once(close(&self.outer, true))
            .chain(self.holes.iter().map(|h| close(h, false)))
            .collect()
    }
}

/// No edge of any ring meets another edge except adjacent edges of one ring at their
/// shared vertex.
///
/// A sweep in the manner of Shamos and Hoey, O(n log n): a line sweeps across in (longitude,
/// latitude) order, the edges it crosses are kept in order along it, and each pair of edges
/// that become neighbours there is tested with [`edge_conflict`], the same test the quadratic
/// check this replaced applied to every pair; the first (leftmost) place where two edges
/// meet wrongly always has a pair of neighbours meeting there, so the verdict is the same.
/// The sweep keeps its order only while no two edges have met wrongly, and it trusts that
/// each position is the end of exactly two edges, its own ring's neighbours; a pass over
/// the sorted vertices before it makes that so, or finds the fault itself.
fn check_simple(rings: &[Vec<LatLng>]) -> Result<(), PolygonError> {
    let edges = Edges::new(rings);
    let n = edges.pts.len();
    // A position used twice: the edges leaving (or entering) it meet there and are not
    // neighbours in a ring (a ring that ends where it began, [A, B, C, A] as read, meets
    // itself through its first and last-but-one edges).
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by_key(|&v| (edges.pts[v], v));
    for w in order.windows(2) {
        if edges.pts[w[0]] == edges.pts[w[1]] {
            let (a, b) = (w[0], w[1]);
            for (x, y) in [(a, b), (edges.prev(a), b), (a, edges.prev(b))] {
                if let Some(e) = edges.conflict(x, y) {
                    return Err(e);
                }
            }
        }
    }
    // The sweep: at each vertex, its edges that end there leave the line, then those that
    // start there join it.
    let mut line: BTreeSet<Seg> = BTreeSet::new();
    for &v in &order {
        let at = edges.pts[v];
        for e in [edges.prev(v), v] {
            let s = edges.seg(e);
            if s.r == at {
                let below = line.range(..s).next_back().copied();
                let above = line.range((Excluded(s), Unbounded)).next().copied();
                line.remove(&s);
                if let (Some(b), Some(a)) = (below, above) {
                    edges.check(b.id, a.id)?;
                }
            }
        }
        for e in [edges.prev(v), v] {
            let s = edges.seg(e);
            if s.l == at {
                line.insert(s);
                if let Some(b) = line.range(..s).next_back() {
                    edges.check(b.id, e)?;
                }
                if let Some(a) = line.range((Excluded(s), Unbounded)).next() {
                    edges.check(a.id, e)?;
                }
            }
        }
    }
    Ok(())
}

/// Every ring's edges numbered in one sequence, ring after ring: edge `v` runs from vertex
/// `v` to the next vertex of its ring.
struct Edges<'a> {
    rings: &'a [Vec<LatLng>],
    /// Index of each ring's first vertex.
    starts: Vec<usize>,
    /// Every vertex, snapped.
    pts: Vec<Fixed>,
}

impl<'a> Edges<'a> {
    fn new(rings: &'a [Vec<LatLng>]) -> Self {
        let mut starts = Vec::with_capacity(rings.len());
        let mut pts = vec![];
        for r in rings {
            starts.push(pts.len());
            pts.extend(r.iter().map(|p| fixed(*p)));
        }
        Edges { rings, starts, pts }
    }

    /// (ring, edge within the ring).
    fn owner(&self, v: usize) -> (usize, usize) {
        let r = self.starts.partition_point(|&s| s <= v) - 1;
        (r, v - self.starts[r])
    }

    /// The edge before edge `v` in its ring.
    fn prev(&self, v: usize) -> usize {
        let (r, i) = self.owner(v);
        if i == 0 {
            v + self.rings[r].len() - 1
        } else {
            v - 1
        }
    }

    /// Edge `v` as the sweep sees it.
    fn seg(&self, v: usize) -> Seg {
        let (r, i) = self.owner(v);
        let next = if i + 1 == self.rings[r].len() {
            self.starts[r]
        } else {
            v + 1
        };
        let (a, b) = (self.pts[v], self.pts[next]);
        Seg {
            l: a.min(b),
            r: a.max(b),
            id: v,
        }
    }

    fn conflict(&self, x: usize, y: usize) -> Option<PolygonError> {
        let (x, y) = (x.min(y), x.max(y));
        if x == y {
            return None;
        }
        edge_conflict(self.rings, self.owner(x), self.owner(y))
    }

    fn check(&self, x: usize, y: usize) -> Result<(), PolygonError> {
        self.conflict(x, y).map_or(Ok(()), Err)
    }
}

/// What is wrong with edges `a` and `b`, each (ring, edge) with `a` first in ring-then-edge
/// order, or None when they may meet as they do: not at all, or as neighbours in a ring at
/// their shared vertex without folding back.
fn edge_conflict(
    rings: &[Vec<LatLng>],
    (ra, ea): (usize, usize),
    (rb, eb): (usize, usize),
) -> Option<PolygonError> {
    let ends = |r: usize, e: usize| (rings[r][e], rings[r][(e + 1) % rings[r].len()]);
    let ((a, b), (c, d)) = (ends(ra, ea), ends(rb, eb));
    if ra == rb {
        let n = rings[ra].len();
        if eb == ea + 1 || (ea == 0 && eb == n - 1) {
            // Adjacent edges share one vertex; they are bad only if they fold back onto
            // each other (collinear and overlapping).
            let (u, v, w) = if eb == ea + 1 { (a, b, d) } else { (b, a, c) };
            let folds =
                orient(u, v, w) == 0 && ((on_segment(u, v, w) && w != v) || on_segment(v, w, u));
            return folds.then(|| crossing(ra, ea, rb, eb, v));
        }
    }
    segments_meet(a, b, c, d).then(|| crossing(ra, ea, rb, eb, c))
}

/// An edge on the sweep line: its ends in (longitude, latitude) order, and its number.
#[derive(Debug, Clone, Copy)]
struct Seg {
    l: Fixed,
    r: Fixed,
    id: usize,
}

impl Seg {
    /// Where `o`, which starts no earlier than `self`, lies along the sweep line: above
    /// (Greater) or below `self`, judged where `o` starts, or by its direction when it starts
    /// on `self`. Edges meeting only there, or lying on one line, are told apart by number:
    /// any consistent order will do, as they become neighbours and are tested either way.
    fn side_of(&self, o: &Seg) -> Ordering {
        let t = match turn(self.l, self.r, o.l) {
            0 => turn(self.l, self.r, o.r),
            t => t,
        };
        t.cmp(&0).then(o.id.cmp(&self.id))
    }
}

/// The order along the sweep line of two edges it crosses at once. It is a total order on
/// the edges on the line as long as no two of them meet wrongly, and the sweep stops at the
/// first two that do.
impl Ord for Seg {
    fn cmp(&self, o: &Seg) -> Ordering {
        if self.id == o.id {
            Ordering::Equal
        } else if self.l <= o.l {
            self.side_of(o).reverse()
        } else {
            o.side_of(self)
        }
    }
}

impl PartialOrd for Seg {
    fn partial_cmp(&self, o: &Seg) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl PartialEq for Seg {
    fn eq(&self, o: &Seg) -> bool {
        self.id == o.id
    }
}

impl Eq for Seg {}

fn crossing(ring_a: usize, edge_a: usize, ring_b: usize, edge_b: usize, p: LatLng) -> PolygonError {
    PolygonError::SelfIntersection {
        ring_a,
        edge_a,
        ring_b,
        edge_b,
        lat: p.lat,
        lng: p.lng,
    }
}

/// A region's boundary: one or more polygons (a community split by a river is two).
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    /// The region.
    pub region: RegionCode,
    /// Name, for maps.
    pub name: String,
    /// Its parts.
    pub polygons: Vec<Polygon>,
    /// Illustrative (示例) demo data.
    pub demo: bool,
}

impl Boundary {
    /// Refuses a boundary with more than [`MAX_BOUNDARY_VERTICES`] positions in all its parts
    /// (each a polygon's rings, as [`Polygon::from_rings`] takes them) before any is read. An
    /// import asks this of a whole feature first, since each part alone may pass
    /// [`Polygon::from_rings`], which caps each ring and each part.
    pub fn check_size(parts: &[Vec<Vec<[f64; 2]>>]) -> Result<(), PolygonError> {
        check_total(parts.iter().flatten().map(Vec::len).sum())
    }

    /// The centre of a boundary: the area-weighted centroid of its largest part.
    pub fn centre(&self) -> Option<LatLng> {
        let poly = self
            .polygons
            .iter()
            .max_by(|a, c| a.area_m2().total_cmp(&c.area_m2()))?;
        let ring = poly.outer();
        let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
        for i in 0..ring.len() {
            let (p, q) = (ring[i], ring[(i + 1) % ring.len()]);
            let cross = p.lng * q.lat - q.lng * p.lat;
            a += cross;
            cx += (p.lng + q.lng) * cross;
            cy += (p.lat + q.lat) * cross;
        }
        if a == 0.0 {
            return None;
        }
        let p = LatLng {
            lat: cy / (3.0 * a),
            lng: cx / (3.0 * a),
        };
        // A C-shaped community's centroid can fall outside it; a vertex is inside (on the edge).
        if self.contains(p) {
            Some(p)
        } else {
            Some(ring[0])
        }
    }

    /// Whether a position lies inside.
    pub fn contains(&self, p: LatLng) -> bool {
        self.polygons.iter().any(|g| g.contains(p))
    }

    /// The bounding box of every part.
    pub fn bounds(&self) -> Option<Bounds> {
        self.polygons
            .iter()
            .map(Polygon::bounds)
            .reduce(|a, b| a.union(&b))
    }

    /// Area in square metres.
    pub fn area_m2(&self) -> f64 {
        self.polygons.iter().map(Polygon::area_m2).sum()
    }
}

/// The community a position lies in: the first community boundary containing it.
pub fn locate_community(boundaries: &[Boundary], p: LatLng) -> Option<&Boundary> {
    boundaries
        .iter()
        .filter(|b| b.region.level() == RegionLevel::Community)
        .find(|b| b.contains(p))
}

/// Whether a point is open to the public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PointStatus {
    /// 正常: in service.
    Open,
    /// 暂停: temporarily closed (renovation, epidemic control).
    Suspended,
    /// 停用: closed for good; kept for history, never shown to residents.
    Closed,
}

impl PointStatus {
    /// `open`, `suspended`, `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            PointStatus::Open => "open",
            PointStatus::Suspended => "suspended",
            PointStatus::Closed => "closed",
        }
    }

    /// 正常, 暂停, 停用.
    pub fn label(self) -> &'static str {
        match self {
            PointStatus::Open => "正常",
            PointStatus::Suspended => "暂停",
            PointStatus::Closed => "停用",
        }
    }

    /// Reads a status in English or Chinese; empty means open.
    pub fn parse(raw: &str) -> Result<Self, String> {
        match fold_width(raw).trim().to_lowercase().as_str() {
            "" | "open" | "正常" | "运营" | "在用" | "开放" | "正常运营" => {
                Ok(PointStatus::Open)
            }
            "suspended" | "暂停" | "暂停服务" | "暂停开放" | "装修" => {
                Ok(PointStatus::Suspended)
            }
            "closed" | "停用" | "关闭" | "撤销" | "已关闭" => Ok(PointStatus::Closed),
            other => Err(crate::msg!("point-status-unknown", value = other)),
        }
    }
}

/// A place where items are delivered, WGS84.
#[derive(Debug, Clone, PartialEq)]
pub struct ServicePoint {
    /// The district's code for it (unique; the key imports match on).
    pub code: String,
    /// Name.
    pub name: String,
    /// Facility type code (`community_health`).
    pub facility_type: String,
    /// Street address.
    pub address: String,
    /// Position, WGS84.
    pub position: LatLng,
    /// Phone number as written.
    pub phone: String,
    /// Opening hours, when known.
    pub hours: Option<OpeningHours>,
    /// Capacity in the type's unit (beds, places, seats), when known.
    pub capacity: Option<u32>,
    /// Floor area in square metres, when known.
    pub floor_area_m2: Option<f64>,
    /// Items delivered there.
    pub items: Vec<ItemCode>,
    /// The department that runs it (主管部门, a short name as the list writes departments);
    /// editors of that department maintain it. Without one, only an administrator can.
    pub department: Option<DepartmentName>,
    /// The community it lies in.
    pub community: Option<RegionCode>,
    /// In service or not.
    pub status: PointStatus,
    /// Illustrative (示例) demo data.
    pub demo: bool,
}

/// A residential site (小区): where people live, as a centroid with a population.
#[derive(Debug, Clone, PartialEq)]
pub struct ResidentialSite {
    /// The district's code for it.
    pub code: String,
    /// Name.
    pub name: String,
    /// Centroid, WGS84.
    pub position: LatLng,
    /// Residents.
    pub population: u32,
    /// The community it lies in.
    pub community: Option<RegionCode>,
    /// Illustrative (示例) demo data.
    pub demo: bool,
}

/// The columns of a service-point table, in file order: (header, aliases accepted).
pub const POINT_COLUMNS: &[(&str, &[&str])] = &[
    ("编码", &["code", "id", "点位编码", "设施编码"]),
    ("名称", &["name", "设施名称", "服务点名称"]),
    ("设施类型", &["type", "facility_type", "类型"]),
    ("地址", &["address", "详细地址"]),
    ("纬度", &["lat", "latitude", "y"]),
    ("经度", &["lng", "lon", "longitude", "x"]),
    ("坐标系", &["coord", "crs", "坐标系统"]),
    ("电话", &["phone", "联系电话"]),
    (
        "开放时间",
        &["opening_hours", "hours", "服务时间", "开放时段"],
    ),
    ("容量", &["capacity", "床位数", "学位数"]),
    ("建筑面积", &["floor_area", "面积", "建筑面积(平方米)"]),
    ("服务事项", &["items", "事项编码"]),
    (
        "主管部门",
        &["department", "运营部门", "责任部门", "牵头部门"],
    ),
    ("所属社区", &["community", "社区", "社区代码"]),
    ("状态", &["status"]),
    ("数据来源", &["source", "来源"]),
];

/// The columns of a residential-site table.
pub const SITE_COLUMNS: &[(&str, &[&str])] = &[
    ("编码", &["code", "id", "小区编码"]),
    ("名称", &["name", "小区名称"]),
    ("纬度", &["lat", "latitude", "y"]),
    ("经度", &["lng", "lon", "longitude", "x"]),
    ("坐标系", &["coord", "crs"]),
    ("人口", &["population", "常住人口", "居住人口"]),
    ("所属社区", &["community", "社区", "社区代码"]),
    ("数据来源", &["source", "来源"]),
];

/// The canonical header a raw header names, for a column table.
pub fn column_for(columns: &[(&'static str, &[&str])], raw: &str) -> Option<&'static str> {
    let k = fold_width(raw).trim().to_lowercase();
    columns
        .iter()
        .find(|(h, aliases)| *h == k || aliases.iter().any(|a| a.to_lowercase() == k))
        .map(|(h, _)| *h)
}

/// A service point as a row holds it: text in every field, keyed by canonical header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PointDraft {
    /// Cells by canonical header (`POINT_COLUMNS`).
    pub cells: std::collections::BTreeMap<&'static str, String>,
}

/// A residential site as a row holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteDraft {
    /// Cells by canonical header (`SITE_COLUMNS`).
    pub cells: std::collections::BTreeMap<&'static str, String>,
}

/// One problem of a row: the column at fault (canonical header) and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Canonical header.
    pub column: &'static str,
    /// What is wrong, on which value, what to do.
    pub message: String,
}

/// What a row is parsed against.
pub struct PlaceContext<'a> {
    /// The facility classification.
    pub types: &'a FacilityTypes,
    /// Coordinates are read in this system when a row does not say.
    pub default_coord: CoordSystem,
    /// The district's box; positions outside it are refused. None: China only.
    pub bounds: Option<Bounds>,
    /// The items a point may name (the newest list version's); None: any code.
    pub items: Option<&'a BTreeSet<ItemCode>>,
    /// Communities that exist now; None: any 12-digit community code.
    pub communities: Option<&'a BTreeSet<RegionCode>>,
    /// Community boundaries, to derive the community from the position.
    pub boundaries: &'a [Boundary],
    /// Whether rows are demo data.
    pub demo: bool,
}

fn cell<'d>(cells: &'d std::collections::BTreeMap<&'static str, String>, k: &str) -> &'d str {
    cells.get(k).map(|s| s.trim()).unwrap_or("")
}

fn number(raw: &str) -> Option<f64> {
    let s = fold_width(raw);
    let s = s.trim().trim_end_matches('°');
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Reads 纬度/经度/坐标系 into a WGS84 position inside the context's bounds.
fn position(
    cells: &std::collections::BTreeMap<&'static str, String>,
    ctx: &PlaceContext<'_>,
    errors: &mut Vec<FieldError>,
) -> Option<LatLng> {
    let (lat_raw, lng_raw) = (cell(cells, "纬度"), cell(cells, "经度"));
    let mut bad = |column, message: String| errors.push(FieldError { column, message });
    let lat = number(lat_raw);
    let lng = number(lng_raw);
    if lat.is_none() {
        bad(
            "纬度",
            if lat_raw.is_empty() {
                crate::msg!("point-lat-empty")
            } else {
                crate::msg!(
                    "point-degrees-not-number",
                    value = lat_raw,
                    example = "22.5431"
                )
            },
        );
    }
    if lng.is_none() {
        bad(
            "经度",
            if lng_raw.is_empty() {
                crate::msg!("point-lng-empty")
            } else {
                crate::msg!(
                    "point-degrees-not-number",
                    value = lng_raw,
                    example = "114.0579"
                )
            },
        );
    }
    let (lat, lng) = (lat?, lng?);
    let system = match cell(cells, "坐标系") {
        "" => ctx.default_coord,
        raw => match raw.parse::<CoordSystem>() {
            Ok(s) => s,
            Err(m) => {
                bad("坐标系", m);
                return None;
            }
        },
    };
    let given = match LatLng::new_in_china(lat, lng) {
        Ok(p) => p,
        Err(e) => {
            bad("纬度", e.to_string());
            return None;
        }
    };
    let p = system.to_wgs84(given);
    if let Some(b) = ctx.bounds {
        if !b.contains(p) {
            bad(
                "纬度",
                crate::msg!(
                    "point-outside-district",
                    lat = lat,
                    lng = lng,
                    system = system,
                    bounds = b
                ),
            );
            return None;
        }
    }
    Some(p)
}

fn community(
    cells: &std::collections::BTreeMap<&'static str, String>,
    ctx: &PlaceContext<'_>,
    at: Option<LatLng>,
    errors: &mut Vec<FieldError>,
) -> Option<RegionCode> {
    let raw = cell(cells, "所属社区");
    let given = if raw.is_empty() {
        None
    } else {
        match RegionCode::parse(raw) {
            Ok(c) if c.level() != RegionLevel::Community => {
                errors.push(FieldError {
                    column: "所属社区",
                    message: crate::msg!(
                        "point-community-level",
                        code = c,
                        level = c.level().label()
                    ),
                });
                None
            }
            Ok(c) => match ctx.communities {
                Some(known) if !known.contains(&c) => {
                    errors.push(FieldError {
                        column: "所属社区",
                        message: crate::msg!("point-community-unknown", code = c),
                    });
                    None
                }
                _ => Some(c),
            },
            Err(e) => {
                errors.push(FieldError {
                    column: "所属社区",
                    message: e.to_string(),
                });
                None
            }
        }
    };
    let derived = at.and_then(|p| locate_community(ctx.boundaries, p));
    match (given, derived) {
        (Some(g), Some(d)) if g != d.region => {
            errors.push(FieldError {
                column: "所属社区",
                message: crate::msg!(
                    "point-community-mismatch",
                    given = g,
                    code = d.region,
                    name = d.name
                ),
            });
            None
        }
        (_, Some(d)) => Some(d.region.clone()),
        (g, None) => g,
    }
}

fn code(raw: &str, what: &str) -> Result<String, String> {
    let s = clean(raw);
    if s.is_empty() {
        return Err(crate::msg!("place-code-empty", what = what));
    }
    if s.chars().count() > 64 || s.chars().any(char::is_control) {
        return Err(crate::msg!("place-code-bad", code = s));
    }
    Ok(s)
}

fn name(raw: &str, errors: &mut Vec<FieldError>) -> String {
    let s = clean(raw);
    if s.is_empty() {
        errors.push(FieldError {
            column: "名称",
            message: crate::msg!("place-name-empty"),
        });
    } else if s.chars().count() > 200 {
        errors.push(FieldError {
            column: "名称",
            message: crate::msg!("text-too-long", max = 200),
        });
    }
    s
}

fn optional_number(
    cells: &std::collections::BTreeMap<&'static str, String>,
    column: &'static str,
    max: f64,
    errors: &mut Vec<FieldError>,
) -> Option<f64> {
    let raw = cell(cells, column);
    if raw.is_empty() {
        return None;
    }
    match number(
        raw.trim_end_matches(['㎡', '张', '个', '人'])
            .trim_end_matches("平方米"),
    ) {
        Some(v) if (0.0..=max).contains(&v) => Some(v),
        _ => {
            errors.push(FieldError {
                column,
                message: crate::msg!("place-number-range", value = raw, max = max),
            });
            None
        }
    }
}

impl PointDraft {
    /// A draft from (header, value) pairs; headers may be aliases.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut d = PointDraft::default();
        for (h, v) in pairs {
            if let Some(k) = column_for(POINT_COLUMNS, h) {
                d.cells.insert(k, v.to_string());
            }
        }
        d
    }

    /// Parses the row, or says everything wrong with it.
    pub fn parse(&self, ctx: &PlaceContext<'_>) -> Result<ServicePoint, Vec<FieldError>> {
        let c = &self.cells;
        let mut errors = vec![];
        let code = code(cell(c, "编码"), "服务点").unwrap_or_else(|m| {
            errors.push(FieldError {
                column: "编码",
                message: m,
            });
            String::new()
        });
        let name = name(cell(c, "名称"), &mut errors);
        let raw_type = cell(c, "设施类型");
        let facility_type = match ctx.types.find(raw_type) {
            Some(t) => t.code.clone(),
            None => {
                errors.push(FieldError {
                    column: "设施类型",
                    message: if raw_type.is_empty() {
                        crate::msg!("point-type-empty", expected = ctx.types.expected())
                    } else {
                        crate::msg!(
                            "point-type-unknown",
                            value = raw_type,
                            expected = ctx.types.expected()
                        )
                    },
                });
                String::new()
            }
        };
        let position = position(c, ctx, &mut errors);
        let hours = match cell(c, "开放时间") {
            "" => None,
            raw => match OpeningHours::parse(raw) {
                Ok(h) => Some(h),
                Err(e) => {
                    errors.push(FieldError {
                        column: "开放时间",
                        message: e.to_string(),
                    });
                    None
                }
            },
        };
        let capacity = optional_number(c, "容量", 1_000_000.0, &mut errors);
        if capacity.is_some_and(|v| v.fract() != 0.0) {
            errors.push(FieldError {
                column: "容量",
                message: crate::msg!("place-not-whole", value = cell(c, "容量")),
            });
        }
        let floor_area_m2 = optional_number(c, "建筑面积", 10_000_000.0, &mut errors);
        let mut items = vec![];
        for raw in cell(c, "服务事项")
            .split(['、', ',', '，', ';', '；', '|', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match ItemCode::parse(raw) {
                Ok(code) => match ctx.items {
                    Some(known) if !known.contains(&code) => errors.push(FieldError {
                        column: "服务事项",
                        message: crate::msg!("point-item-unknown", code = code),
                    }),
                    _ if items.contains(&code) => {}
                    _ => items.push(code),
                },
                Err(m) => errors.push(FieldError {
                    column: "服务事项",
                    message: m,
                }),
            }
        }
        let department = match cell(c, "主管部门") {
            "" => None,
            raw => match DepartmentName::parse(raw) {
                Ok(d) => Some(d),
                Err(m) => {
                    errors.push(FieldError {
                        column: "主管部门",
                        message: m,
                    });
                    None
                }
            },
        };
        let community = community(c, ctx, position, &mut errors);
        let status = PointStatus::parse(cell(c, "状态")).unwrap_or_else(|m| {
            errors.push(FieldError {
                column: "状态",
                message: m,
            });
            PointStatus::Open
        });
        let phone = clean(cell(c, "电话"));
        if phone.chars().count() > 64 {
            errors.push(FieldError {
                column: "电话",
                message: crate::msg!("text-too-long", max = 64),
            });
        }
        let address = clean(cell(c, "地址"));
        match (errors.is_empty(), position) {
            (true, Some(position)) => Ok(ServicePoint {
                code,
                name,
                facility_type,
                address,
                position,
                phone,
                hours,
                capacity: capacity.map(|v| v as u32),
                floor_area_m2,
                items,
                department,
                community,
                status,
                demo: ctx.demo || cell(c, "数据来源").contains("示例"),
            }),
            _ => Err(errors),
        }
    }
}

impl SiteDraft {
    /// A draft from (header, value) pairs; headers may be aliases.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut d = SiteDraft::default();
        for (h, v) in pairs {
            if let Some(k) = column_for(SITE_COLUMNS, h) {
                d.cells.insert(k, v.to_string());
            }
        }
        d
    }

    /// Parses the row, or says everything wrong with it.
    pub fn parse(&self, ctx: &PlaceContext<'_>) -> Result<ResidentialSite, Vec<FieldError>> {
        let c = &self.cells;
        let mut errors = vec![];
        let code = code(cell(c, "编码"), "居住小区").unwrap_or_else(|m| {
            errors.push(FieldError {
                column: "编码",
                message: m,
            });
            String::new()
        });
        let name = name(cell(c, "名称"), &mut errors);
        let position = position(c, ctx, &mut errors);
        let raw_pop = cell(c, "人口");
        let population = match number(raw_pop) {
            Some(v) if v >= 0.0 && v.fract() == 0.0 && v <= 1_000_000.0 => Some(v as u32),
            _ => {
                errors.push(FieldError {
                    column: "人口",
                    message: crate::msg!("site-population-bad", value = raw_pop),
                });
                None
            }
        };
        let community = community(c, ctx, position, &mut errors);
        match (errors.is_empty(), position, population) {
            (true, Some(position), Some(population)) => Ok(ResidentialSite {
                code,
                name,
                position,
                population,
                community,
                demo: ctx.demo || cell(c, "数据来源").contains("示例"),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod validity_tests;

#[cfg(test)]
mod tests {
    use super::*;

    fn square(lat: f64, lng: f64, d: f64) -> Vec<[f64; 2]> {
        vec![
            [lng, lat],
            [lng + d, lat],
            [lng + d, lat + d],
            [lng, lat + d],
            [lng, lat],
        ]
    }

    #[test]
    fn a_square_contains_its_centre_and_has_the_right_area() {
        let p = Polygon::from_rings(&[square(22.5, 114.0, 0.01)]).expect("valid");
        assert!(p.contains(LatLng {
            lat: 22.505,
            lng: 114.005
        }));
        assert!(!p.contains(LatLng {
            lat: 22.515,
            lng: 114.005
        }));
        // 0.01° x 0.01° at 22.5°N: 1111.95 m x 1027.3 m.
        let a = p.area_m2();
        assert!((a - 1_142_300.0).abs() < 2_000.0, "{a}");
    }

    #[test]
    fn a_bow_tie_is_refused_with_where_it_crosses() {
        let bow = vec![
            [114.0, 22.5],
            [114.01, 22.51],
            [114.01, 22.5],
            [114.0, 22.51],
            [114.0, 22.5],
        ];
        let e = Polygon::from_rings(&[bow]).expect_err("self-intersecting");
        assert!(matches!(e, PolygonError::SelfIntersection { .. }), "{e}");
        assert!(e.to_string().contains("QGIS"));
    }

    #[test]
    fn open_rings_and_degenerate_rings_are_refused() {
        let mut open = square(22.5, 114.0, 0.01);
        open.pop();
        assert!(matches!(
            Polygon::from_rings(&[open]),
            Err(PolygonError::NotClosed { ring: 0 })
        ));
        let line = vec![[114.0, 22.5], [114.01, 22.5], [114.0, 22.5]];
        assert!(matches!(
            Polygon::from_rings(&[line]),
            Err(PolygonError::TooFewVertices { .. })
        ));
        let spike = vec![
            [114.0, 22.5],
            [114.02, 22.5],
            [114.01, 22.5],
            [114.01, 22.51],
            [114.0, 22.5],
        ];
        assert!(matches!(
            Polygon::from_rings(&[spike]),
            Err(PolygonError::SelfIntersection { .. })
        ));
    }

    #[test]
    fn positions_are_snapped_so_a_polygon_and_its_own_output_agree() {
        // Vertices closer than 1e-9 degrees are one vertex: this "triangle" is a line.
        let sliver = vec![
            [114.0, 22.5],
            [114.01, 22.5],
            [114.01, 22.5 + 1e-12],
            [114.0, 22.5],
        ];
        assert!(matches!(
            Polygon::from_rings(&[sliver]),
            Err(PolygonError::TooFewVertices { count: 2, .. })
        ));
        // What a valid polygon writes reads back valid, reversed or not (found by fuzzing
        // when orientation was a float test).
        let p = Polygon::from_rings(&[vec![
            [114.000000000123, 22.5],
            [114.01, 22.500000000456],
            [114.01, 22.51],
            [114.000000000123, 22.5],
        ]])
        .expect("valid");
        let rings = p.to_geojson_rings();
        let back = Polygon::from_rings(&rings).expect("its own output is valid");
        let reversed: Vec<Vec<[f64; 2]>> = rings
            .iter()
            .map(|r| r.iter().rev().copied().collect())
            .collect();
        let again = Polygon::from_rings(&reversed).expect("reversed too");
        assert_eq!(back.area_m2(), again.area_m2());
    }

    #[test]
    fn swapped_polygon_coordinates_are_named() {
        let swapped: Vec<[f64; 2]> = square(22.5, 114.0, 0.01)
            .into_iter()
            .map(|[a, b]| [b, a])
            .collect();
        let e = Polygon::from_rings(&[swapped]).expect_err("swapped");
        assert!(e.to_string().contains("填反"), "{e}");
    }

    #[test]
    fn holes_are_subtracted_and_must_lie_inside() {
        let hole = vec![
            [114.004, 22.504],
            [114.004, 22.506],
            [114.006, 22.506],
            [114.006, 22.504],
            [114.004, 22.504],
        ];
        let p = Polygon::from_rings(&[square(22.5, 114.0, 0.01), hole]).expect("valid");
        assert!(!p.contains(LatLng {
            lat: 22.505,
            lng: 114.005
        }));
        assert!(p.contains(LatLng {
            lat: 22.502,
            lng: 114.002
        }));
        let outside = square(22.6, 114.1, 0.001);
        assert!(matches!(
            Polygon::from_rings(&[square(22.5, 114.0, 0.01), outside]),
            Err(PolygonError::HoleOutside { ring: 1 })
        ));
        // GeoJSON output: outer counter-clockwise, hole clockwise, both closed.
        let rings = p.to_geojson_rings();
        assert_eq!(rings[0].first(), rings[0].last());
        let area = |r: &[[f64; 2]]| {
            r.windows(2)
                .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
                .sum::<f64>()
        };
        assert!(area(&rings[0]) > 0.0 && area(&rings[1]) < 0.0);
    }

    fn ctx<'a>(types: &'a FacilityTypes, boundaries: &'a [Boundary]) -> PlaceContext<'a> {
        PlaceContext {
            types,
            default_coord: CoordSystem::Wgs84,
            bounds: Some(Bounds {
                south: 22.49,
                west: 113.99,
                north: 22.52,
                east: 114.02,
            }),
            items: None,
            communities: None,
            boundaries,
            demo: false,
        }
    }

    fn boundary() -> Vec<Boundary> {
        vec![Boundary {
            region: RegionCode::parse("440399001001").expect("code"),
            name: "樟庭社区".into(),
            polygons: vec![Polygon::from_rings(&[square(22.5, 114.0, 0.01)]).expect("valid")],
            demo: true,
        }]
    }

    #[test]
    fn a_good_row_parses_and_takes_its_community_from_the_boundary() {
        let types = FacilityTypes::shipped();
        let b = boundary();
        let d = PointDraft::from_pairs([
            ("编码", "SP1"),
            ("名称", "樟庭社区健康服务中心"),
            ("类型", "社康中心"),
            ("lat", "22.505"),
            ("lng", "114.005"),
            ("开放时间", "Mo-Su 08:00-21:00"),
            ("容量", "12"),
            ("服务事项", "N0101、N0102"),
        ]);
        let p = d.parse(&ctx(&types, &b)).expect("parses");
        assert_eq!(p.facility_type, "community_health");
        assert_eq!(p.community.expect("derived").as_str(), "440399001001");
        assert_eq!(p.items.len(), 2);
        assert_eq!(p.capacity, Some(12));
        assert_eq!(p.status, PointStatus::Open);
    }

    #[test]
    fn every_problem_of_a_row_is_named_by_column() {
        let types = FacilityTypes::shipped();
        let b = boundary();
        let d = PointDraft::from_pairs([
            ("编码", ""),
            ("名称", "X"),
            ("设施类型", "游乐场"),
            ("纬度", "114.005"),
            ("经度", "22.505"),
            ("开放时间", "Mo-Fr 25:00-26:00"),
            ("状态", "maybe"),
        ]);
        let errs = d.parse(&ctx(&types, &b)).expect_err("bad");
        let cols: Vec<&str> = errs.iter().map(|e| e.column).collect();
        assert_eq!(
            cols,
            ["编码", "设施类型", "纬度", "开放时间", "状态"],
            "{errs:?}"
        );
        assert!(errs[2].message.contains("填反"));
    }

    #[test]
    fn outside_the_district_and_a_contradicting_community_are_errors() {
        let types = FacilityTypes::shipped();
        let b = boundary();
        let far = PointDraft::from_pairs([
            ("编码", "SP2"),
            ("名称", "远处"),
            ("设施类型", "公园"),
            ("纬度", "23.2"),
            ("经度", "113.3"),
        ]);
        let e = far.parse(&ctx(&types, &b)).expect_err("outside");
        assert!(e[0].message.contains("在本区范围"), "{e:?}");
        let wrong = PointDraft::from_pairs([
            ("编码", "SP3"),
            ("名称", "错社区"),
            ("设施类型", "公园"),
            ("纬度", "22.505"),
            ("经度", "114.005"),
            ("所属社区", "440399001002"),
        ]);
        let e = wrong.parse(&ctx(&types, &b)).expect_err("contradiction");
        assert!(e[0].message.contains("樟庭社区"), "{e:?}");
    }

    #[test]
    fn gcj02_input_is_stored_as_wgs84() {
        let types = FacilityTypes::shipped();
        let wgs = LatLng {
            lat: 22.505,
            lng: 114.005,
        };
        let g = crate::geo::wgs84_to_gcj02(wgs);
        let d = PointDraft::from_pairs([
            ("编码", "SP4"),
            ("名称", "高德坐标"),
            ("设施类型", "公园"),
            ("纬度", &*g.lat.to_string()),
            ("经度", &*g.lng.to_string()),
            ("坐标系", "gcj02"),
        ]);
        let p = d.parse(&ctx(&types, &[])).expect("parses");
        assert!(p.position.distance_m(wgs) < 0.01, "{:?}", p.position);
    }

    #[test]
    fn sites_need_a_whole_population() {
        let types = FacilityTypes::shipped();
        let d = SiteDraft::from_pairs([
            ("编码", "RS1"),
            ("名称", "樟庭花园"),
            ("纬度", "22.505"),
            ("经度", "114.005"),
            ("人口", "12.5"),
        ]);
        let e = d.parse(&ctx(&types, &[])).expect_err("fraction");
        assert_eq!(e[0].column, "人口");
    }
}
