//! The sweep-line validity check against the quadratic check it replaced, the batched hole
//! test against the point-by-point one, and the size caps.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

use super::*;

/// The check as it was before the sweep, kept word for word as the oracle: every pair of
/// edges, with a bounding-box test first.
fn quadratic_check_simple(rings: &[Vec<LatLng>]) -> Result<(), PolygonError> {
    let edges: Vec<(usize, usize, LatLng, LatLng)> = rings
        .iter()
        .enumerate()
        .flat_map(|(r, ring)| {
            let n = ring.len();
            (0..n).map(move |i| (r, i, ring[i], ring[(i + 1) % n]))
        })
        .collect();
    for (x, &(ra, ea, a, b)) in edges.iter().enumerate() {
        let (alo, ahi) = (a.lng.min(b.lng), a.lng.max(b.lng));
        let (blo, bhi) = (a.lat.min(b.lat), a.lat.max(b.lat));
        for &(rb, eb, c, d) in &edges[x + 1..] {
            if c.lng.max(d.lng) < alo
                || c.lng.min(d.lng) > ahi
                || c.lat.max(d.lat) < blo
                || c.lat.min(d.lat) > bhi
            {
                continue;
            }
            if ra == rb {
                let n = rings[ra].len();
                let adjacent = eb == ea + 1 || (ea == 0 && eb == n - 1);
                if adjacent {
                    // Adjacent edges share one vertex; they are bad only if they fold back
                    // onto each other (collinear and overlapping).
                    let (u, v, w) = if eb == ea + 1 { (a, b, d) } else { (b, a, c) };
                    let folds = orient(u, v, w) == 0
                        && ((on_segment(u, v, w) && w != v) || on_segment(v, w, u));
                    if folds {
                        return Err(crossing(ra, ea, rb, eb, v));
                    }
                    continue;
                }
            }
            if segments_meet(a, b, c, d) {
                return Err(crossing(ra, ea, rb, eb, c));
            }
        }
    }
    Ok(())
}

/// A position on a grid of 0.0005 degrees, snapped as `Polygon::from_rings` snaps: a small
/// grid makes ties common (shared vertices, vertices on edges, collinear overlaps, vertical
/// and horizontal edges), which is where a sweep goes wrong.
fn grid(x: i64, y: i64) -> LatLng {
    LatLng {
        lat: snap(22.5 + y as f64 * 0.0005),
        lng: snap(114.0 + x as f64 * 0.0005),
    }
}

/// Rings as `Polygon::from_rings` hands them to the check: open, consecutive repeats
/// dropped (a ring may still end on its first vertex), at least 3 distinct vertices.
fn rings_of(raw: &[Vec<(i64, i64)>]) -> Vec<Vec<LatLng>> {
    raw.iter()
        .filter_map(|r| {
            let mut ring: Vec<LatLng> = r.iter().map(|&(x, y)| grid(x, y)).collect();
            ring.dedup();
            let distinct: BTreeSet<(i64, i64)> = r.iter().copied().collect();
            (distinct.len() >= 3).then_some(ring)
        })
        .collect()
}

/// Vertices anywhere on a 7 x 7 grid: mostly self-intersecting.
fn scribble() -> impl Strategy<Value = Vec<Vec<(i64, i64)>>> {
    let vertex = (0i64..7, 0i64..7).prop_map(|(x, y)| (2 * x, 2 * y));
    prop::collection::vec(prop::collection::vec(vertex, 3..10), 1..4)
}

/// A star-shaped ring around (cx, cy): vertices at rising angles, radius from `radii`,
/// rounded to the grid, which now and then makes it touch or cross itself.
fn star(
    cx: i64,
    cy: i64,
    radii: std::ops::RangeInclusive<i64>,
) -> impl Strategy<Value = Vec<(i64, i64)>> {
    (3usize..13).prop_flat_map(move |n| {
        prop::collection::vec((0.0f64..1.0, radii.clone()), n).prop_map(move |v| {
            v.iter()
                .enumerate()
                .map(|(k, (jitter, r))| {
                    let t = (k as f64 + jitter) / n as f64 * std::f64::consts::TAU;
                    (
                        cx + (*r as f64 * t.cos()).round() as i64,
                        cy + (*r as f64 * t.sin()).round() as i64,
                    )
                })
                .collect()
        })
    })
}

/// A star with up to two star-shaped holes that may touch it or each other: often valid.
fn stars() -> impl Strategy<Value = Vec<Vec<(i64, i64)>>> {
    (
        star(8, 8, 3..=8),
        prop::collection::vec((5i64..12, 5i64..12), 0..3),
    )
        .prop_flat_map(|(outer, centres)| {
            let holes: Vec<_> = centres
                .into_iter()
                .map(|(x, y)| star(x, y, 1..=3))
                .collect();
            (Just(outer), holes)
                .prop_map(|(outer, holes)| std::iter::once(outer).chain(holes).collect())
        })
}

/// One or two rings of long, low edges (a 40 x 6 grid): many edges span the same longitudes,
/// so edges come and go between others, the case where the sweep must test the edges an
/// edge leaves as neighbours.
fn wide() -> impl Strategy<Value = Vec<Vec<(i64, i64)>>> {
    let vertex = (0i64..40, 0i64..6).prop_map(|(x, y)| (x, 2 * y));
    prop::collection::vec(prop::collection::vec(vertex, 4..8), 1..3)
}

fn polygons() -> impl Strategy<Value = Vec<Vec<(i64, i64)>>> {
    prop_oneof![scribble(), stars(), wide()]
}

/// Whether a vertex repeats: what the pass before the sweep catches, so that the rest is
/// the sweep's to find.
fn caught_before_the_sweep(rings: &[Vec<LatLng>]) -> bool {
    let all: Vec<Fixed> = rings.iter().flatten().map(|p| fixed(*p)).collect();
    let distinct: BTreeSet<Fixed> = all.iter().copied().collect();
    distinct.len() < all.len()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn the_sweep_gives_the_verdict_of_the_quadratic_check(raw in polygons()) {
        let rings = rings_of(&raw);
        prop_assume!(!rings.is_empty());
        let sweep = check_simple(&rings);
        let quadratic = quadratic_check_simple(&rings);
        prop_assert_eq!(sweep.is_ok(), quadratic.is_ok(), "sweep {:?}, quadratic {:?}", sweep, quadratic);
        if let Err(e) = sweep {
            // The edges it names are there, in order, and do meet.
            let PolygonError::SelfIntersection { ring_a, edge_a, ring_b, edge_b, .. } = e else {
                panic!("{e:?}");
            };
            let ends = |r: usize, e: usize| (rings[r][e], rings[r][(e + 1) % rings[r].len()]);
            let ((a, b), (c, d)) = (ends(ring_a, edge_a), ends(ring_b, edge_b));
            prop_assert!((ring_a, edge_a) < (ring_b, edge_b));
            prop_assert!(segments_meet(a, b, c, d));
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn holes_are_placed_as_the_point_by_point_test_places_them(
        ring in prop_oneof![star(8, 8, 1..=8), prop::collection::vec((0i64..16, 0i64..16), 3..10)],
        points in prop::collection::vec((-1i64..18, -1i64..18), 1..24),
    ) {
        let ring: Vec<LatLng> = ring.iter().map(|&(x, y)| grid(x, y)).collect();
        let points: Vec<LatLng> = points.iter().map(|&(x, y)| grid(x, y)).collect();
        let one_by_one: Vec<bool> = points.iter().map(|p| ring_contains(&ring, *p)).collect();
        prop_assert_eq!(ring_contains_all(&ring, &points), one_by_one);
    }
}

#[test]
fn a_crossing_is_found_when_the_edge_between_two_others_leaves_first() {
    // Edges 0 and 3 are first kept apart on the sweep line by edge 2; when it ends they
    // become neighbours, and cross further on with no vertex in between. Found by the
    // property above when the sweep tested only the neighbours of an edge arriving.
    let raw = [vec![(10, 4), (4, 12), (12, 2), (12, 4), (0, 0)]];
    let rings = rings_of(&raw);
    assert!(quadratic_check_simple(&rings).is_err());
    let e = check_simple(&rings).expect_err("crossing");
    assert!(matches!(e, PolygonError::SelfIntersection { .. }), "{e}");
}

#[test]
fn the_generated_polygons_give_the_sweep_work_both_ways() {
    // The property above proves little if its polygons were all refused before the sweep,
    // or all accepted: count what a fixed sample holds.
    let mut runner = TestRunner::deterministic();
    let strategy = polygons();
    let (mut accepted, mut refused_by_sweep, mut total) = (0, 0, 0);
    for _ in 0..2000 {
        let raw = strategy.new_tree(&mut runner).expect("value").current();
        let rings = rings_of(&raw);
        if rings.is_empty() {
            continue;
        }
        total += 1;
        match check_simple(&rings) {
            Ok(()) => accepted += 1,
            Err(_) if !caught_before_the_sweep(&rings) => refused_by_sweep += 1,
            Err(_) => {}
        }
    }
    assert!(total > 1500, "{total}");
    assert!(accepted * 5 > total, "{accepted} of {total} accepted");
    assert!(
        refused_by_sweep * 5 > total,
        "{refused_by_sweep} of {total} refused by the sweep itself"
    );
}

/// A closed ring of `n` vertices on a circle of 0.05 degrees (about 5 km).
fn circle(n: usize) -> Vec<[f64; 2]> {
    let mut ring: Vec<[f64; 2]> = (0..n)
        .map(|i| {
            let t = i as f64 / n as f64 * std::f64::consts::TAU;
            [114.0 + 0.05 * t.cos(), 22.5 + 0.05 * t.sin()]
        })
        .collect();
    ring.push(ring[0]);
    ring
}

#[test]
fn a_50000_vertex_circle_is_accepted() {
    let p = Polygon::from_rings(&[circle(50_000)]).expect("valid");
    assert_eq!(p.outer().len(), 50_000);
}

#[test]
fn one_crossing_among_50000_vertices_is_found_and_named() {
    // Two neighbouring vertices swapped: the edges either side of them cross.
    let mut ring = circle(50_000);
    ring.swap(30_000, 30_001);
    let e = Polygon::from_rings(&[ring]).expect_err("crossing");
    let PolygonError::SelfIntersection { edge_a, edge_b, .. } = e else {
        panic!("{e:?}");
    };
    assert!((29_999..=30_001).contains(&edge_a), "{e}");
    assert!((29_999..=30_001).contains(&edge_b), "{e}");
}

#[test]
fn a_1000000_vertex_ring_is_refused_by_the_cap() {
    let e = Polygon::from_rings(&[circle(1_000_000)]).expect_err("too large");
    assert_eq!(
        e,
        PolygonError::RingTooLarge {
            ring: 0,
            count: 1_000_001
        }
    );
    let m = e.to_string();
    assert!(
        m.contains("外环") && m.contains("100000") && m.contains("简化"),
        "{m}"
    );
    // Refused before any position is read: these are not even positions in China.
    let junk = vec![vec![[0.0, 0.0]; 1_000_000]];
    assert!(matches!(
        Polygon::from_rings(&junk),
        Err(PolygonError::RingTooLarge { ring: 0, .. })
    ));
}

#[test]
fn the_ring_cap_admits_exactly_its_number() {
    // MAX_RING_VERTICES positions: MAX_RING_VERTICES - 1 vertices and the closing one.
    let at = circle(MAX_RING_VERTICES - 1);
    assert_eq!(at.len(), MAX_RING_VERTICES);
    Polygon::from_rings(&[at]).expect("at the cap");
    let around = vec![
        [113.9, 22.4],
        [114.1, 22.4],
        [114.1, 22.6],
        [113.9, 22.6],
        [113.9, 22.4],
    ];
    let e = Polygon::from_rings(&[around, circle(MAX_RING_VERTICES)]).expect_err("past the cap");
    assert_eq!(
        e,
        PolygonError::RingTooLarge {
            ring: 1,
            count: MAX_RING_VERTICES + 1
        }
    );
    assert!(e.to_string().contains("第 1 个洞"), "{e}");
}

#[test]
fn rings_under_the_cap_are_refused_together_past_the_boundary_cap() {
    // Three rings of 70,001 positions: each under the ring cap, 210,003 in all.
    let rings = vec![circle(70_000), circle(70_000), circle(70_000)];
    let e = Polygon::from_rings(&rings).expect_err("too many in all");
    assert_eq!(e, PolygonError::TooManyVertices { count: 210_003 });
    assert!(e.to_string().contains("200000"), "{e}");
    // The same count spread over a boundary's parts, which would each pass alone.
    let parts: Vec<Vec<Vec<[f64; 2]>>> = rings.into_iter().map(|r| vec![r]).collect();
    assert_eq!(
        Boundary::check_size(&parts),
        Err(PolygonError::TooManyVertices { count: 210_003 })
    );
    assert_eq!(Boundary::check_size(&parts[..2]), Ok(()));
}
