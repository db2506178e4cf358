//! Service circles (15分钟服务圈): who lives within a walk of each kind of facility, which
//! residential sites are left out and how far their nearest facility is; and the allocation
//! check of facilities against norms (per residents, floor area or capacity per 1,000).
//!
//! Walking distance is estimated as straight-line distance times a detour factor (streets
//! are not straight; 1.2-1.4 is usual in a grid city): a site is covered when
//! `distance x detour <= walk`. With the defaults (walk 1,000 m, detour 1.0) that is the
//! plain 1,000 m straight-line ring the pilots drew.
//!
//! An area (领域) is covered at a site when a facility of any type serving that area is
//! within reach: a resident counts as served by 老有所养 when a 养老服务中心, 长者饭堂 or
//! 养老院 is close, not only when all three are.
//!
//! Everything here is a pure function of its inputs (sites, facilities, parameters), so
//! the benchmark and the tests run it without a database.

use std::collections::BTreeMap;

use gongfu_domain::facility::FacilityTypes;
use gongfu_domain::geo::LatLng;
use gongfu_domain::place::ResidentialSite;
use gongfu_domain::RegionCode;

use crate::index::SpatialIndex;

/// How far a facility is looked for when reporting the nearest one of an uncovered site.
pub const NEAREST_SEARCH_M: f64 = 30_000.0;

/// The analysis parameters.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CircleParams {
    /// Walking distance that counts as within reach, metres (default 1,000).
    pub walk_m: f64,
    /// Walking distance / straight-line distance (default 1.0; 1.0..=3.0).
    pub detour: f64,
}

impl Default for CircleParams {
    fn default() -> Self {
        Self {
            walk_m: 1000.0,
            detour: 1.0,
        }
    }
}

impl CircleParams {
    /// Checked parameters, or a message naming the one out of range.
    pub fn new(walk_m: f64, detour: f64) -> Result<Self, String> {
        if !(50.0..=5000.0).contains(&walk_m) {
            return Err(format!(
                "walk={walk_m} is out of range; use 50 to 5000 metres (a 15-minute walk is about 1000)"
            ));
        }
        if !(1.0..=3.0).contains(&detour) {
            return Err(format!(
                "detour={detour} is out of range; use 1.0 (straight line) to 3.0 (1.2-1.4 is usual for city streets)"
            ));
        }
        Ok(Self { walk_m, detour })
    }

    /// The straight-line reach.
    pub fn reach_m(&self) -> f64 {
        self.walk_m / self.detour
    }
}

/// A facility as the analysis sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Facility {
    /// Caller's number for it (the point id).
    pub id: i64,
    /// Index into [`FacilityTypes::all`].
    pub type_ix: u16,
    /// Position.
    pub position: LatLng,
}

/// What is analysed: one facility type, or one area (any type serving it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "key", rename_all = "lowercase")]
pub enum Target {
    /// A facility type code.
    Type(String),
    /// An area name.
    Area(String),
}

/// A site outside the reach of a target, with its nearest facility.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Gap {
    /// Index into the sites given.
    pub site: usize,
    /// The nearest facility's id and straight-line distance, if one is within
    /// [`NEAREST_SEARCH_M`].
    pub nearest: Option<(i64, f64)>,
}

/// Coverage of one target in one community.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Coverage {
    /// Residents of the community's sites.
    pub population: u64,
    /// Of them, within reach.
    pub covered: u64,
    /// Sites out of reach, farthest first.
    pub gaps: Vec<Gap>,
}

impl Coverage {
    /// Covered share, 0..=1 (1 when nobody lives there).
    pub fn share(&self) -> f64 {
        if self.population == 0 {
            1.0
        } else {
            self.covered as f64 / self.population as f64
        }
    }
}

/// The analysis: per target, per community (None: sites without a community), coverage.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CircleReport {
    /// Parameters used.
    pub params: CircleParams,
    /// Target -> community -> coverage.
    pub coverage: BTreeMap<Target, BTreeMap<Option<RegionCode>, Coverage>>,
}

impl CircleReport {
    /// District-wide coverage of a target.
    pub fn total(&self, t: &Target) -> Option<Coverage> {
        let by = self.coverage.get(t)?;
        let mut c = Coverage {
            population: 0,
            covered: 0,
            gaps: vec![],
        };
        for v in by.values() {
            c.population += v.population;
            c.covered += v.covered;
        }
        Some(c)
    }
}

/// The targets of a classification: every type, then every area some type serves.
pub fn targets(types: &FacilityTypes) -> Vec<(Target, Vec<u16>)> {
    let mut out: Vec<(Target, Vec<u16>)> = types
        .all()
        .iter()
        .enumerate()
        .map(|(i, t)| (Target::Type(t.code.clone()), vec![i as u16]))
        .collect();
    let mut areas: BTreeMap<&str, Vec<u16>> = BTreeMap::new();
    for (i, t) in types.all().iter().enumerate() {
        for a in &t.areas {
            areas.entry(a.as_str()).or_default().push(i as u16);
        }
    }
    out.extend(
        areas
            .into_iter()
            .map(|(a, tags)| (Target::Area(a.to_string()), tags)),
    );
    out
}

/// Per site: for each target, the nearest facility's (id, distance), None beyond
/// [`NEAREST_SEARCH_M`]. Sites are split across threads.
fn nearest_per_site(
    sites: &[ResidentialSite],
    facilities: &[Facility],
    index: &SpatialIndex,
    targets: &[(Target, Vec<u16>)],
    params: CircleParams,
    type_count: usize,
) -> Vec<Vec<Option<(i64, f64)>>> {
    let reach = params.reach_m();
    let one = |s: &ResidentialSite| -> Vec<Option<(i64, f64)>> {
        // One disc query finds every type within reach; only types missing from it need a
        // wider search, and only to say how far the nearest one is.
        let mut best: Vec<Option<(i64, f64)>> = vec![None; type_count];
        for h in index.within(s.position, reach, None) {
            let f = &facilities[h.slot as usize];
            let b = &mut best[f.type_ix as usize];
            if b.is_none() {
                *b = Some((f.id, h.distance_m));
            }
        }
        targets
            .iter()
            .map(|(_, tags)| {
                let within = tags
                    .iter()
                    .filter_map(|&t| best.get(t as usize).copied().flatten())
                    .min_by(|a, b| a.1.total_cmp(&b.1));
                within.or_else(|| {
                    index
                        .nearest(s.position, NEAREST_SEARCH_M, Some(tags))
                        .map(|h| (facilities[h.slot as usize].id, h.distance_m))
                })
            })
            .collect()
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let chunk = sites.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = sites
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Runs the analysis over residential sites and facilities (types indexed as in `types`).
pub fn analyse(
    sites: &[ResidentialSite],
    facilities: &[Facility],
    types: &FacilityTypes,
    params: CircleParams,
) -> CircleReport {
    let index = SpatialIndex::build(
        facilities
            .iter()
            .enumerate()
            .map(|(i, f)| (i as u32, f.position, f.type_ix)),
    );
    let targets = targets(types);
    let nearest = nearest_per_site(
        sites,
        facilities,
        &index,
        &targets,
        params,
        types.all().len(),
    );
    let mut coverage: BTreeMap<Target, BTreeMap<Option<RegionCode>, Coverage>> = BTreeMap::new();
    for (ti, (target, _)) in targets.iter().enumerate() {
        let by = coverage.entry(target.clone()).or_default();
        for (si, s) in sites.iter().enumerate() {
            let c = by.entry(s.community.clone()).or_insert_with(|| Coverage {
                population: 0,
                covered: 0,
                gaps: vec![],
            });
            c.population += u64::from(s.population);
            let n = nearest.get(si).and_then(|v| v.get(ti)).copied().flatten();
            match n {
                Some((_, d)) if d * params.detour <= params.walk_m => {
                    c.covered += u64::from(s.population)
                }
                _ => c.gaps.push(Gap {
                    site: si,
                    nearest: n,
                }),
            }
        }
        for c in by.values_mut() {
            c.gaps.sort_by(|a, b| {
                let d = |g: &Gap| g.nearest.map(|n| n.1).unwrap_or(f64::INFINITY);
                d(b).total_cmp(&d(a)).then(a.site.cmp(&b.site))
            });
        }
    }
    CircleReport { params, coverage }
}

/// What a norm measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NormMetric {
    /// At least one facility per `value` residents (and at least one per unit).
    ResidentsPerFacility,
    /// At least `value` m² of floor area per 1,000 residents.
    FloorAreaPer1000,
    /// At least `value` capacity units (beds, places, seats) per 1,000 residents.
    CapacityPer1000,
}

/// Where a norm is checked.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum NormScope {
    /// Each community.
    Community,
    /// Each sub-district.
    Subdistrict,
}

/// One allocation norm (配置标准).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Norm {
    /// Facility type code.
    pub facility_type: String,
    /// What it measures.
    pub metric: NormMetric,
    /// The required value.
    pub value: f64,
    /// Where it is checked.
    pub scope: NormScope,
    /// Where the number comes from (示例 when illustrative).
    pub source: String,
}

/// The shipped norms (`data/places/allocation-norms.csv`).
pub const NORMS_CSV: &str = include_str!("../../../data/places/allocation-norms.csv");

/// Reads norms: `设施类型,指标,标准值,范围,依据`, where 指标 is 每处服务人口 (residents per
/// facility), 千人建筑面积 (m² per 1,000) or 千人容量 (capacity per 1,000), and 范围 is 社区 or
/// 街道.
pub fn parse_norms(csv: &str, types: &FacilityTypes) -> Result<Vec<Norm>, String> {
    let mut out = vec![];
    for (i, line) in csv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let c: Vec<&str> = line.splitn(5, ',').map(str::trim).collect();
        let at = |m: String| format!("allocation norms, line {}: {m}", i + 1);
        if c.len() < 4 {
            return Err(at("give 设施类型,指标,标准值,范围[,依据]".into()));
        }
        let t = types
            .find(c[0])
            .ok_or_else(|| at(format!("unknown facility type '{}'", c[0])))?;
        let metric = match c[1] {
            "每处服务人口" => NormMetric::ResidentsPerFacility,
            "千人建筑面积" => NormMetric::FloorAreaPer1000,
            "千人容量" => NormMetric::CapacityPer1000,
            m => {
                return Err(at(format!(
                    "unknown metric '{m}'; use 每处服务人口, 千人建筑面积 or 千人容量"
                )))
            }
        };
        let value: f64 = c[2]
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v > 0.0)
            .ok_or_else(|| at(format!("'{}' is not a positive number", c[2])))?;
        let scope = match c[3] {
            "社区" => NormScope::Community,
            "街道" => NormScope::Subdistrict,
            s => return Err(at(format!("unknown scope '{s}'; use 社区 or 街道"))),
        };
        out.push(Norm {
            facility_type: t.code.clone(),
            metric,
            value,
            scope,
            source: c.get(4).copied().unwrap_or("").to_string(),
        });
    }
    Ok(out)
}

/// A facility as the allocation check sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Provision {
    /// Facility type code.
    pub facility_type: String,
    /// Community it lies in.
    pub community: Option<RegionCode>,
    /// Capacity, when known.
    pub capacity: Option<u32>,
    /// Floor area, when known.
    pub floor_area_m2: Option<f64>,
}

/// The result of one norm in one unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Allocation {
    /// The norm (index into the norms given).
    pub norm: usize,
    /// The community or sub-district.
    pub unit: RegionCode,
    /// Its residents.
    pub population: u64,
    /// Facilities of the type in it.
    pub facilities: usize,
    /// What the norm requires (facilities, m² or capacity units).
    pub required: f64,
    /// What there is, in the same measure.
    pub actual: f64,
    /// Facilities whose capacity or floor area is unknown (counted as 0).
    pub unknown: usize,
}

impl Allocation {
    /// Whether the unit falls short.
    pub fn short(&self) -> bool {
        self.actual + 1e-9 < self.required
    }
}

/// Checks every norm in every unit of its scope. `populations` gives each community's
/// residents; sub-districts add up their communities.
pub fn allocation(
    norms: &[Norm],
    facilities: &[Provision],
    populations: &BTreeMap<RegionCode, u64>,
) -> Vec<Allocation> {
    let unit_of = |c: &RegionCode, scope: NormScope| match scope {
        NormScope::Community => Some(c.clone()),
        NormScope::Subdistrict => c.parent(),
    };
    let mut out = vec![];
    for (ni, n) in norms.iter().enumerate() {
        let mut units: BTreeMap<RegionCode, (u64, usize, f64, usize)> = BTreeMap::new();
        for (c, p) in populations {
            if let Some(u) = unit_of(c, n.scope) {
                units.entry(u).or_default().0 += p;
            }
        }
        for f in facilities
            .iter()
            .filter(|f| f.facility_type == n.facility_type)
        {
            let Some(u) = f.community.as_ref().and_then(|c| unit_of(c, n.scope)) else {
                continue;
            };
            let e = units.entry(u).or_default();
            e.1 += 1;
            let (measure, known) = match n.metric {
                NormMetric::ResidentsPerFacility => (1.0, true),
                NormMetric::FloorAreaPer1000 => {
                    (f.floor_area_m2.unwrap_or(0.0), f.floor_area_m2.is_some())
                }
                NormMetric::CapacityPer1000 => (
                    f.capacity.map(f64::from).unwrap_or(0.0),
                    f.capacity.is_some(),
                ),
            };
            e.2 += measure;
            if !known {
                e.3 += 1;
            }
        }
        for (unit, (population, count, actual, unknown)) in units {
            let required = match n.metric {
                NormMetric::ResidentsPerFacility => ((population as f64) / n.value)
                    .ceil()
                    .max(if population > 0 { 1.0 } else { 0.0 }),
                _ => population as f64 / 1000.0 * n.value,
            };
            out.push(Allocation {
                norm: ni,
                unit,
                population,
                facilities: count,
                required,
                actual,
                unknown,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(i: usize, lat: f64, lng: f64, pop: u32, community: &str) -> ResidentialSite {
        ResidentialSite {
            code: format!("RS{i}"),
            name: format!("小区{i}"),
            position: LatLng { lat, lng },
            population: pop,
            community: Some(RegionCode::parse(community).expect("code")),
            demo: true,
        }
    }

    #[test]
    fn coverage_counts_residents_within_the_walk_and_names_the_gaps() {
        let types = FacilityTypes::shipped();
        let health = types
            .all()
            .iter()
            .position(|t| t.code == "community_health")
            .expect("type") as u16;
        let at = LatLng {
            lat: 22.55,
            lng: 114.0,
        };
        // One health centre; sites at about 500 m, 900 m and 1,400 m north of it.
        let north = |m: f64| at.lat + m / gongfu_domain::place::M_PER_DEG_LAT;
        let sites = vec![
            site(0, north(500.0), 114.0, 1000, "440399001001"),
            site(1, north(900.0), 114.0, 2000, "440399001001"),
            site(2, north(1400.0), 114.0, 4000, "440399001002"),
        ];
        let facilities = vec![Facility {
            id: 7,
            type_ix: health,
            position: at,
        }];
        let r = analyse(&sites, &facilities, &types, CircleParams::default());
        let t = Target::Type("community_health".into());
        let c1 = &r.coverage[&t][&Some(RegionCode::parse("440399001001").expect("code"))];
        assert_eq!((c1.population, c1.covered), (3000, 3000));
        let c2 = &r.coverage[&t][&Some(RegionCode::parse("440399001002").expect("code"))];
        assert_eq!((c2.population, c2.covered), (4000, 0));
        assert_eq!(c2.gaps[0].site, 2);
        let (id, d) = c2.gaps[0].nearest.expect("nearest");
        assert_eq!(id, 7);
        assert!((d - 1400.0).abs() < 1.0, "{d}");
        // A detour of 1.2 turns the 900 m site's walk into 1,080 m: out of reach.
        let r = analyse(
            &sites,
            &facilities,
            &types,
            CircleParams::new(1000.0, 1.2).expect("params"),
        );
        assert_eq!(r.total(&t).expect("total").covered, 1000);
        // The area 病有所医 is served by the health centre too; 老有所养 by nothing.
        let area = r.total(&Target::Area("病有所医".into())).expect("area");
        assert_eq!(area.covered, 1000);
        let elderly = r.total(&Target::Area("老有所养".into())).expect("area");
        assert_eq!(elderly.covered, 0);
    }

    #[test]
    fn params_out_of_range_say_the_allowed_range() {
        assert!(CircleParams::new(10.0, 1.0)
            .expect_err("short")
            .contains("50 to 5000"));
        assert!(CircleParams::new(1000.0, 0.5)
            .expect_err("detour")
            .contains("1.0"));
    }

    #[test]
    fn the_shipped_norms_read_and_flag_a_shortfall() {
        let types = FacilityTypes::shipped();
        let norms = parse_norms(NORMS_CSV, &types).expect("norms parse");
        assert!(!norms.is_empty());
        let norm = Norm {
            facility_type: "community_health".into(),
            metric: NormMetric::ResidentsPerFacility,
            value: 15_000.0,
            scope: NormScope::Community,
            source: "test".into(),
        };
        let c = RegionCode::parse("440399001001").expect("code");
        let pops = BTreeMap::from([(c.clone(), 31_000u64)]);
        let one = Provision {
            facility_type: "community_health".into(),
            community: Some(c.clone()),
            capacity: None,
            floor_area_m2: Some(1200.0),
        };
        let r = allocation(
            std::slice::from_ref(&norm),
            std::slice::from_ref(&one),
            &pops,
        );
        assert_eq!((r[0].required, r[0].actual), (3.0, 1.0));
        assert!(r[0].short());
        let area = Norm {
            metric: NormMetric::FloorAreaPer1000,
            value: 30.0,
            scope: NormScope::Subdistrict,
            ..norm
        };
        let r = allocation(&[area], &[one], &pops);
        assert_eq!(r[0].unit.as_str(), "440399001000");
        assert!((r[0].required - 930.0).abs() < 1e-9);
        assert!(!r[0].short());
        assert!(parse_norms("h\n社康中心,每千人,1,社区", &types)
            .expect_err("bad metric")
            .contains("line 2"));
    }
}
