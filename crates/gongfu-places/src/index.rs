//! The in-memory spatial index behind "near me": a uniform grid over latitude and
//! longitude whose entries are kept sorted by cell, row by row.
//!
//! Why a sorted grid and not an R-tree: every query is a disc of at most 5 km in one city,
//! points are spread over a few hundred km², and the grid turns a disc into a handful of
//! contiguous slices (one per grid row, found by binary search), scanned linearly over
//! packed coordinates. Inserting or removing one entry is a `Vec` insert (a memmove), cheap
//! enough to keep the index in step with every write.
//!
//! Distances are [`LatLng::distance_m`], the same function a brute-force scan uses, so the
//! index answers exactly what the scan would; a cheap equirectangular bound with a margin
//! only skips candidates that are certainly out of range.

use gongfu_domain::geo::LatLng;
use gongfu_domain::place::M_PER_DEG_LAT;

/// Grid cell edge, metres. About a city block: a 1,000 m query reads 9 x 9 cells.
pub const CELL_M: f64 = 250.0;

/// A hit: the entry's slot and its great-circle distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// The slot given at insert.
    pub slot: u32,
    /// Metres from the query position.
    pub distance_m: f64,
}

/// A grid index of positions, each carrying a slot number and a small tag (the facility
/// type) that queries can filter on without leaving the packed arrays.
#[derive(Debug, Clone)]
pub struct SpatialIndex {
    dlat: f64,
    dlng: f64,
    keys: Vec<u64>,
    lat: Vec<f64>,
    lng: Vec<f64>,
    slot: Vec<u32>,
    tag: Vec<u16>,
}

/// Anything that matches every tag.
pub const ANY_TAG: Option<u16> = None;

impl SpatialIndex {
    /// An empty index whose cells are square at latitude `ref_lat` (the city's).
    pub fn new(ref_lat: f64) -> Self {
        let dlat = CELL_M / M_PER_DEG_LAT;
        let dlng = dlat / ref_lat.to_radians().cos().max(0.05);
        Self {
            dlat,
            dlng,
            keys: vec![],
            lat: vec![],
            lng: vec![],
            slot: vec![],
            tag: vec![],
        }
    }

    /// An index over `(slot, position, tag)` entries, built in one sort.
    pub fn build(entries: impl IntoIterator<Item = (u32, LatLng, u16)>) -> Self {
        let entries: Vec<(u32, LatLng, u16)> = entries.into_iter().collect();
        let ref_lat = if entries.is_empty() {
            30.0
        } else {
            entries.iter().map(|e| e.1.lat).sum::<f64>() / entries.len() as f64
        };
        let mut ix = Self::new(ref_lat);
        let mut keyed: Vec<(u64, u32, LatLng, u16)> = entries
            .into_iter()
            .map(|(s, p, t)| (ix.key_of(p), s, p, t))
            .collect();
        keyed.sort_by_key(|e| (e.0, e.1));
        for (k, s, p, t) in keyed {
            ix.keys.push(k);
            ix.lat.push(p.lat);
            ix.lng.push(p.lng);
            ix.slot.push(s);
            ix.tag.push(t);
        }
        ix
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    fn cell(&self, p: LatLng) -> (i64, i64) {
        (
            (p.lat / self.dlat).floor() as i64,
            (p.lng / self.dlng).floor() as i64,
        )
    }

    fn key(cy: i64, cx: i64) -> u64 {
        // Offsets keep the order of negative cells; coordinates are bounded, so are cells.
        (((cy + (1 << 31)) as u64) << 32) | ((cx + (1 << 31)) as u64 & 0xFFFF_FFFF)
    }

    fn key_of(&self, p: LatLng) -> u64 {
        let (cy, cx) = self.cell(p);
        Self::key(cy, cx)
    }

    /// Adds an entry.
    pub fn insert(&mut self, slot: u32, p: LatLng, tag: u16) {
        let k = self.key_of(p);
        let at = self.keys.partition_point(|&x| x < k);
        // Within a cell, order by slot, as `build` does.
        let at = at
            + self.slot[at..]
                .iter()
                .zip(&self.keys[at..])
                .take_while(|(s, key)| **key == k && **s < slot)
                .count();
        self.keys.insert(at, k);
        self.lat.insert(at, p.lat);
        self.lng.insert(at, p.lng);
        self.slot.insert(at, slot);
        self.tag.insert(at, tag);
    }

    /// Removes the entry of `slot` that was inserted at `p`; false when there is none.
    pub fn remove(&mut self, slot: u32, p: LatLng) -> bool {
        let k = self.key_of(p);
        let from = self.keys.partition_point(|&x| x < k);
        let found = (from..self.keys.len())
            .take_while(|&i| self.keys[i] == k)
            .find(|&i| self.slot[i] == slot);
        match found {
            Some(i) => {
                self.keys.remove(i);
                self.lat.remove(i);
                self.lng.remove(i);
                self.slot.remove(i);
                self.tag.remove(i);
                true
            }
            None => false,
        }
    }

    /// Every entry within `radius_m` of `at` (great-circle, edge included) whose tag is in
    /// `tags` (all when None), nearest first, ties by slot.
    pub fn within(&self, at: LatLng, radius_m: f64, tags: Option<&[u16]>) -> Vec<Hit> {
        let mut out = vec![];
        if radius_m.is_nan() || radius_m < 0.0 || self.is_empty() {
            return out;
        }
        let rlat = radius_m / M_PER_DEG_LAT;
        // The widest longitude span of the disc is at its latitude nearest a pole.
        let far_lat = (at.lat.abs() + rlat).min(89.0);
        let rlng = rlat / far_lat.to_radians().cos();
        // Clamped to the globe, so that even an absurd radius reads a bounded grid.
        let rlng = rlng.min(360.0);
        let (cy0, cx0) = self.cell(LatLng {
            lat: (at.lat - rlat).max(-90.0),
            lng: (at.lng - rlng).max(-180.0),
        });
        let (cy1, cx1) = self.cell(LatLng {
            lat: (at.lat + rlat).min(90.0),
            lng: (at.lng + rlng).min(180.0),
        });
        // A cheap bound: equirectangular distance at the smaller cosine underestimates
        // nothing by more than the margin at these scales; exact distances decide.
        let cos_min = far_lat.to_radians().cos();
        let bound = (radius_m * 1.01 + 1.0) / M_PER_DEG_LAT;
        let bound2 = bound * bound;
        for cy in cy0..=cy1 {
            let lo = Self::key(cy, cx0);
            let hi = Self::key(cy, cx1);
            let start = self.keys.partition_point(|&k| k < lo);
            let end = start + self.keys[start..].partition_point(|&k| k <= hi);
            for i in start..end {
                if let Some(t) = tags {
                    if !t.contains(&self.tag[i]) {
                        continue;
                    }
                }
                let dy = self.lat[i] - at.lat;
                let dx = (self.lng[i] - at.lng) * cos_min;
                if dy * dy + dx * dx > bound2 {
                    continue;
                }
                let p = LatLng {
                    lat: self.lat[i],
                    lng: self.lng[i],
                };
                let d = at.distance_m(p);
                if d <= radius_m {
                    out.push(Hit {
                        slot: self.slot[i],
                        distance_m: d,
                    });
                }
            }
        }
        out.sort_by(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then(a.slot.cmp(&b.slot))
        });
        out
    }

    /// The nearest entry whose tag is in `tags` (all when None) within `max_m`, searching
    /// outwards ring by ring.
    pub fn nearest(&self, at: LatLng, max_m: f64, tags: Option<&[u16]>) -> Option<Hit> {
        // Half the Earth's circumference reaches everything.
        let max_m = max_m.min(20_040_000.0);
        let mut r = CELL_M * 2.0;
        loop {
            let r_now = r.min(max_m);
            if let Some(h) = self.within(at, r_now, tags).first() {
                return Some(*h);
            }
            if r_now >= max_m {
                return None;
            }
            r *= 2.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(seed: &mut u64) -> f64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 11) as f64 / (1u64 << 53) as f64
    }

    fn cloud(n: usize, seed: u64) -> Vec<(u32, LatLng, u16)> {
        let mut s = seed;
        (0..n)
            .map(|i| {
                let lat = 22.50 + lcg(&mut s) * 0.12;
                let lng = 113.95 + lcg(&mut s) * 0.14;
                (i as u32, LatLng { lat, lng }, (lcg(&mut s) * 5.0) as u16)
            })
            .collect()
    }

    fn brute(pts: &[(u32, LatLng, u16)], at: LatLng, r: f64, tags: Option<&[u16]>) -> Vec<Hit> {
        let mut v: Vec<Hit> = pts
            .iter()
            .filter(|(_, _, t)| tags.is_none_or(|ts| ts.contains(t)))
            .map(|(s, p, _)| Hit {
                slot: *s,
                distance_m: at.distance_m(*p),
            })
            .filter(|h| h.distance_m <= r)
            .collect();
        v.sort_by(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then(a.slot.cmp(&b.slot))
        });
        v
    }

    #[test]
    fn answers_exactly_what_a_scan_answers() {
        let pts = cloud(5_000, 7);
        let ix = SpatialIndex::build(pts.clone());
        let mut s = 99;
        for q in 0..200 {
            let at = LatLng {
                lat: 22.48 + lcg(&mut s) * 0.16,
                lng: 113.93 + lcg(&mut s) * 0.18,
            };
            let r = [0.0, 120.0, 500.0, 1000.0, 1500.0, 5000.0][q % 6];
            let tags: Option<&[u16]> = if q % 3 == 0 { Some(&[1, 3]) } else { None };
            assert_eq!(
                ix.within(at, r, tags),
                brute(&pts, at, r, tags),
                "query {q}"
            );
        }
    }

    #[test]
    fn inserts_and_removes_keep_it_equal_to_a_fresh_build() {
        let pts = cloud(2_000, 3);
        let mut ix = SpatialIndex::build(pts[..1_000].to_vec());
        for e in &pts[1_000..] {
            ix.insert(e.0, e.1, e.2);
        }
        for e in pts.iter().step_by(3) {
            assert!(ix.remove(e.0, e.1));
        }
        assert!(!ix.remove(0, pts[0].1), "already removed");
        let kept: Vec<_> = pts
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 3 != 0)
            .map(|(_, e)| *e)
            .collect();
        let at = LatLng {
            lat: 22.56,
            lng: 114.02,
        };
        assert_eq!(ix.within(at, 3000.0, None), brute(&kept, at, 3000.0, None));
        assert_eq!(ix.len(), kept.len());
    }

    #[test]
    fn nearest_finds_the_closest_of_a_type_or_nothing() {
        let pts = cloud(3_000, 11);
        let ix = SpatialIndex::build(pts.clone());
        let at = LatLng {
            lat: 22.55,
            lng: 114.0,
        };
        let want = brute(&pts, at, f64::MAX, Some(&[4]))[0];
        assert_eq!(ix.nearest(at, 50_000.0, Some(&[4])), Some(want));
        assert_eq!(ix.nearest(at, 50_000.0, Some(&[9])), None);
        let empty = SpatialIndex::build(vec![]);
        assert_eq!(empty.within(at, 1000.0, None), vec![]);
    }
}
