//! Service points and service circles as a capability: the places where items are
//! delivered, "near me" over an in-memory spatial index, boundaries of sub-districts and
//! communities, residential sites, the 15-minute service-circle analysis and the facility
//! allocation check.
//!
//! It owns what a place means in this installation: the facility classification
//! (`data/places/facility-types.csv`), the holiday calendar "open now" reads, the
//! allocation norms, the district's bounds (the box around its boundary) and the rule that
//! a point's community is the boundary its position lies in. Every write goes to the
//! database first and then replaces the in-memory state, so a read after a write sees it;
//! the audit log's newest id tells a process that another one wrote.
//!
//! It must never speak SQL (gongfu-db) or HTTP (gongfu-http, gongfu-web), and never change
//! the service list: it reads the newest published version to check item codes.

pub mod circles;
pub mod export;
pub mod import;
pub mod index;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use gongfu_catalog::{Action, Actor, Catalog, CatalogError};
use gongfu_db::places::{self as store, SaveCounts, StoredPoint};
use gongfu_db::{audit, regions, Db, DbError};
use gongfu_domain::account::Owned;
use gongfu_domain::facility::FacilityTypes;
use gongfu_domain::geo::{CoordSystem, LatLng};
use gongfu_domain::hours::Calendar;
use gongfu_domain::place::{
    Boundary, Bounds, PlaceContext, PointStatus, ResidentialSite, ServicePoint,
};
use gongfu_domain::{ItemCode, PopulationKind, RegionCode, RegionLevel};
use gongfu_sheets::ImportFailure;
use time::PrimitiveDateTime;

use circles::{CircleParams, CircleReport, Facility, Norm, Provision};
use index::SpatialIndex;

/// The largest radius "near me" answers, metres.
pub const MAX_RADIUS_M: f64 = 5000.0;

/// The rings the portal draws, metres.
pub const RINGS_M: [f64; 3] = [500.0, 1000.0, 1500.0];

/// How far outside its boundary's box a district still accepts a point: facilities just
/// across the line (a hospital on the boundary road) serve its residents too.
pub const BOUNDS_MARGIN_M: f64 = 2000.0;

/// How often a read checks whether another process wrote.
const STALE_CHECK: Duration = Duration::from_secs(2);

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum PlacesError {
    /// A point, boundary or site does not exist.
    #[error("{}", gongfu_domain::msg!("not-found", what = gongfu_domain::message::thing(what), key = key))]
    NotFound {
        /// Kind of thing.
        what: &'static str,
        /// Its key.
        key: String,
        /// Where to look instead.
        hint: &'static str,
    },
    /// A parameter is out of range; the message names it and the allowed range.
    #[error("{message}")]
    Invalid {
        /// The parameter.
        field: &'static str,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// The actor may not do this.
    #[error(transparent)]
    Forbidden(#[from] gongfu_domain::Denied),
    /// An import file was rejected; nothing changed.
    #[error(transparent)]
    Import(#[from] ImportFailure),
    /// An export could not be written.
    #[error("cannot write the export: {0}")]
    Export(String),
    /// Reading the list failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// Storage failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl PlacesError {
    fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        PlacesError::Invalid {
            field,
            message: message.into(),
        }
    }
}

/// Everything read from the database, with the index over it. Replaced whole after a write.
#[derive(Debug)]
pub struct Loaded {
    /// Audit-log id this state was read at.
    pub generation: i64,
    /// Points; a point's slot in the index is its position here.
    pub points: Vec<StoredPoint>,
    /// Per point, the areas it serves (its type's and its items').
    pub areas: Vec<BTreeSet<String>>,
    by_id: HashMap<i64, usize>,
    index: SpatialIndex,
    /// Boundaries, by region code.
    pub boundaries: Vec<Boundary>,
    /// Residential sites, by code.
    pub sites: Vec<ResidentialSite>,
    /// Current regions below the district, with names.
    pub regions: BTreeMap<RegionCode, String>,
    /// Residents per current community: the newest 常住人口 when registered, else the sum of
    /// its residential sites.
    pub populations: BTreeMap<RegionCode, u64>,
}

impl Loaded {
    /// The areas a point serves, by id.
    pub fn areas_of(&self, id: i64) -> Option<&BTreeSet<String>> {
        self.by_id.get(&id).map(|&i| &self.areas[i])
    }

    /// A point by id.
    pub fn point(&self, id: i64) -> Option<&StoredPoint> {
        self.by_id.get(&id).map(|&i| &self.points[i])
    }

    /// The district's box (its boundaries'), if any boundary is known.
    pub fn bounds(&self) -> Option<Bounds> {
        self.boundaries
            .iter()
            .filter_map(Boundary::bounds)
            .reduce(|a, b| a.union(&b))
    }

    /// Community boundaries only.
    pub fn communities(&self) -> Vec<&Boundary> {
        self.boundaries
            .iter()
            .filter(|b| b.region.level() == RegionLevel::Community)
            .collect()
    }
}

/// A nearby query, parsed and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct NearbyQuery {
    /// Where, WGS84.
    pub at: LatLng,
    /// How far, metres (0 < r <= [`MAX_RADIUS_M`]).
    pub radius_m: f64,
    /// Only points serving this area.
    pub area: Option<String>,
    /// Only points of these facility types (codes).
    pub types: Vec<String>,
    /// Only points delivering this item.
    pub item: Option<ItemCode>,
    /// Only points open at this local time.
    pub open_at: Option<PrimitiveDateTime>,
}

impl NearbyQuery {
    /// Checks the radius: a 400 with the allowed range, never a silent clamp.
    pub fn radius(raw: f64) -> Result<f64, PlacesError> {
        if raw.is_finite() && raw > 0.0 && raw <= MAX_RADIUS_M {
            Ok(raw)
        } else {
            Err(PlacesError::invalid(
                "radius",
                format!(
                    "radius={raw} is out of range; use more than 0 and at most {MAX_RADIUS_M} metres (the portal's rings are 500, 1000 and 1500)"
                ),
            ))
        }
    }
}

/// One point found near a position: its slot in the state it was found in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearbyHit {
    /// Index into [`Loaded::points`].
    pub slot: usize,
    /// Great-circle distance, metres.
    pub distance_m: f64,
    /// Whether it is open at the query time (None without one or unknown hours).
    pub open: Option<bool>,
}

/// The answer to a nearby query: the hits and the state they index into. Points are not
/// copied: a 5 km query in a dense city finds tens of thousands, and a page shows fifty.
#[derive(Debug, Clone)]
pub struct Nearby {
    /// The state searched.
    pub loaded: Arc<Loaded>,
    /// Hits, nearest first.
    pub hits: Vec<NearbyHit>,
}

impl Nearby {
    /// The hits with their points.
    pub fn iter(&self) -> impl Iterator<Item = (&StoredPoint, &NearbyHit)> + '_ {
        self.hits.iter().map(|h| (&self.loaded.points[h.slot], h))
    }

    /// How many points were found.
    pub fn len(&self) -> usize {
        self.hits.len()
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }
}

/// A filter over the point list.
#[derive(Debug, Clone, Default)]
pub struct PointFilter {
    /// Facility type code.
    pub facility_type: Option<String>,
    /// Area name.
    pub area: Option<String>,
    /// Community or sub-district (its communities).
    pub region: Option<RegionCode>,
    /// Text in name or address.
    pub q: Option<String>,
    /// Status; None: every status.
    pub status: Option<PointStatus>,
    /// Item delivered.
    pub item: Option<ItemCode>,
}

/// What an import row is checked against, owned so that a [`PlaceContext`] can borrow it.
struct ContextParts {
    bounds: Option<Bounds>,
    boundaries: Vec<Boundary>,
    items: Option<BTreeSet<ItemCode>>,
    communities: BTreeSet<RegionCode>,
}

impl ContextParts {
    fn context<'a>(
        &'a self,
        types: &'a FacilityTypes,
        coord: CoordSystem,
        demo: bool,
    ) -> PlaceContext<'a> {
        PlaceContext {
            types,
            default_coord: coord,
            bounds: self.bounds,
            items: self.items.as_ref(),
            communities: (!self.communities.is_empty()).then_some(&self.communities),
            boundaries: &self.boundaries,
            demo,
        }
    }
}

/// The capability.
pub struct Places {
    db: Db,
    catalog: Arc<Catalog>,
    types: FacilityTypes,
    calendar: Calendar,
    norms: Vec<Norm>,
    state: audit::Cached<Loaded>,
}

impl Places {
    /// The capability over a database, with the shipped classification, calendar and norms.
    pub fn new(db: Db, catalog: Arc<Catalog>) -> Self {
        let types = FacilityTypes::shipped();
        let norms = circles::parse_norms(circles::NORMS_CSV, &types).unwrap_or_default();
        Self {
            db,
            catalog,
            types,
            calendar: Calendar::shipped(),
            norms,
            state: audit::Cached::new(STALE_CHECK),
        }
    }

    /// The facility classification.
    pub fn types(&self) -> &FacilityTypes {
        &self.types
    }

    /// The holiday calendar.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The allocation norms.
    pub fn norms(&self) -> &[Norm] {
        &self.norms
    }

    /// The index position of a facility type code.
    pub fn type_tag(&self, code: &str) -> Option<u16> {
        self.types
            .all()
            .iter()
            .position(|t| t.code == code)
            .map(|i| i as u16)
    }

    /// A facility type by code, name or alias, or an error listing the codes.
    pub fn facility_type(&self, raw: &str) -> Result<String, PlacesError> {
        self.types.find(raw).map(|t| t.code.clone()).ok_or_else(|| {
            PlacesError::invalid(
                "type",
                format!(
                    "unknown facility type '{raw}'; use one of {}",
                    self.types
                        .all()
                        .iter()
                        .map(|t| t.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
    }

    async fn read_all(&self, generation: i64) -> Result<Loaded, PlacesError> {
        let points = store::points(&self.db).await?;
        let boundaries = store::boundaries(&self.db).await?;
        let sites = store::sites(&self.db).await?;
        let mut regions: BTreeMap<RegionCode, String> = BTreeMap::new();
        for r in regions::list(&self.db).await? {
            if r.valid_to.is_none() {
                regions.insert(r.code, r.name);
            }
        }
        let mut populations: BTreeMap<RegionCode, u64> = BTreeMap::new();
        let mut year_of: BTreeMap<RegionCode, i64> = BTreeMap::new();
        for p in regions::all_populations(&self.db).await? {
            if p.kind != PopulationKind::Permanent
                || p.region_code.level() != RegionLevel::Community
                || !regions.contains_key(&p.region_code)
            {
                continue;
            }
            let newest = year_of.entry(p.region_code.clone()).or_insert(p.year);
            if *newest == p.year {
                populations.insert(p.region_code, p.count.max(0) as u64);
            }
        }
        for s in &sites {
            if let Some(c) = &s.community {
                if !year_of.contains_key(c) {
                    *populations.entry(c.clone()).or_default() += u64::from(s.population);
                }
            }
        }
        let item_areas: HashMap<String, String> = match self.catalog.snapshot(None).await? {
            Some(snap) => snap
                .items
                .iter()
                .filter_map(|it| {
                    let area = snap.taxonomy.area(it.area_no)?;
                    Some((it.code.to_string(), area.name.clone()))
                })
                .collect(),
            None => HashMap::new(),
        };
        let areas = points
            .iter()
            .map(|p| {
                let mut a: BTreeSet<String> = self
                    .types
                    .find(&p.point.facility_type)
                    .map(|t| t.areas.iter().cloned().collect())
                    .unwrap_or_default();
                a.extend(
                    p.point
                        .items
                        .iter()
                        .filter_map(|i| item_areas.get(i.as_str()).cloned()),
                );
                a
            })
            .collect();
        let index = SpatialIndex::build(points.iter().enumerate().map(|(i, p)| {
            (
                i as u32,
                p.point.position,
                self.type_tag(&p.point.facility_type).unwrap_or(u16::MAX),
            )
        }));
        let by_id = points.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        Ok(Loaded {
            generation,
            points,
            areas,
            by_id,
            index,
            boundaries,
            sites,
            regions,
            populations,
        })
    }

    /// The state as of now, read again if the audit log moved since it was read (after a
    /// write here, so the next read sees it even within the two seconds).
    #[tracing::instrument(name = "reload_places", skip_all)]
    pub async fn reload(&self) -> Result<Arc<Loaded>, PlacesError> {
        self.state.refresh(&self.db, |g| self.read_all(g)).await
    }

    /// The current state: loaded at first use, re-read when the audit log shows another
    /// process wrote (checked at most every two seconds).
    pub async fn loaded(&self) -> Result<Arc<Loaded>, PlacesError> {
        self.state.get(&self.db, |g| self.read_all(g)).await
    }

    /// Points within the radius, nearest first, with the filters applied; closed points
    /// never appear, suspended ones only without `open_at`.
    pub async fn nearby(&self, q: &NearbyQuery) -> Result<Nearby, PlacesError> {
        let l = self.loaded().await?;
        let tags: Vec<u16> = q
            .types
            .iter()
            .map(|t| self.type_tag(t).unwrap_or(u16::MAX - 1))
            .collect();
        let tags = (!q.types.is_empty()).then_some(tags.as_slice());
        let mut out = vec![];
        for h in l.index.within(q.at, q.radius_m, tags) {
            let i = h.slot as usize;
            let p = &l.points[i];
            if p.point.status == PointStatus::Closed {
                continue;
            }
            if let Some(a) = &q.area {
                if !l.areas[i].contains(a) {
                    continue;
                }
            }
            if let Some(item) = &q.item {
                if !p.point.items.contains(item) {
                    continue;
                }
            }
            let open = q.open_at.and_then(|at| {
                p.point.hours.as_ref().map(|hours| {
                    p.point.status == PointStatus::Open && hours.is_open(at, &self.calendar)
                })
            });
            if q.open_at.is_some() && open != Some(true) {
                continue;
            }
            out.push(NearbyHit {
                slot: i,
                distance_m: h.distance_m,
                open,
            });
        }
        Ok(Nearby {
            loaded: l,
            hits: out,
        })
    }

    /// Points matching a filter, by id.
    pub async fn points(&self, f: &PointFilter) -> Result<(Arc<Loaded>, Vec<usize>), PlacesError> {
        let l = self.loaded().await?;
        let q =
            f.q.as_ref()
                .map(|q| q.trim().to_lowercase())
                .filter(|q| !q.is_empty());
        let hits = l
            .points
            .iter()
            .enumerate()
            .filter(|(i, p)| {
                let p = &p.point;
                f.facility_type
                    .as_ref()
                    .is_none_or(|t| &p.facility_type == t)
                    && f.area.as_ref().is_none_or(|a| l.areas[*i].contains(a))
                    && f.status.is_none_or(|s| p.status == s)
                    && f.item.as_ref().is_none_or(|it| p.items.contains(it))
                    && f.region.as_ref().is_none_or(|r| {
                        p.community
                            .as_ref()
                            .is_some_and(|c| c == r || c.is_within(r))
                    })
                    && q.as_ref().is_none_or(|q| {
                        p.name.to_lowercase().contains(q) || p.address.to_lowercase().contains(q)
                    })
            })
            .map(|(i, _)| i)
            .collect();
        Ok((l, hits))
    }

    /// One point by id.
    pub async fn point(&self, id: i64) -> Result<StoredPoint, PlacesError> {
        let l = self.loaded().await?;
        l.point(id).cloned().ok_or_else(|| PlacesError::NotFound {
            what: "service point",
            key: id.to_string(),
            hint: "GET /api/v1/points lists the points with their ids",
        })
    }

    /// Whether the actor may write these points over what is stored (`None`: remove):
    /// an editor only points its department runs, as they stand and as they will be.
    fn may_change(
        actor: &Actor,
        l: &Loaded,
        points: &[(&str, Option<&ServicePoint>)],
    ) -> Result<(), PlacesError> {
        actor.may(Action::EditPoints)?;
        let owned = |p: &ServicePoint| {
            Owned::new(
                format!("服务点 {}（{}）", p.code, p.name),
                p.department.as_slice(),
            )
        };
        if actor.may(Action::Administer).is_ok() {
            return Ok(());
        }
        let stored: HashMap<&str, &ServicePoint> = l
            .points
            .iter()
            .map(|s| (s.point.code.as_str(), &s.point))
            .collect();
        for (code, new) in points {
            let before: Vec<Owned> = stored.get(code).map(|p| owned(p)).into_iter().collect();
            actor.may_change(Action::EditPoints, &before, new.map(owned).as_ref())?;
        }
        Ok(())
    }

    async fn context_parts(&self) -> Result<ContextParts, PlacesError> {
        // An import is checked against the state as of now, not as of up to two seconds
        // ago: regions imported just before (by the list) must count.
        let l = self.reload().await?;
        let items = self
            .catalog
            .snapshot(None)
            .await?
            .map(|s| s.items.iter().map(|i| i.code.clone()).collect());
        let communities = l
            .regions
            .keys()
            .filter(|c| c.level() == RegionLevel::Community)
            .cloned()
            .collect();
        Ok(ContextParts {
            bounds: l.bounds().map(|b| b.grown_m(BOUNDS_MARGIN_M)),
            boundaries: l.communities().into_iter().cloned().collect(),
            items,
            communities,
        })
    }

    /// Imports points from a file (CSV, xlsx, GeoJSON): every row checked against the
    /// classification, the district's bounds, the list's items and the boundaries; all
    /// saved or none. A point whose code is stored already is replaced.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, file = %file))]
    pub async fn import_points(
        &self,
        actor: &Actor,
        file: &str,
        bytes: &[u8],
        coord: CoordSystem,
        demo: bool,
    ) -> Result<SaveCounts, PlacesError> {
        actor.may(Action::EditPoints)?;
        let parts = self.context_parts().await?;
        let points = import::read_points(file, bytes, &parts.context(&self.types, coord, demo))?;
        let l = self.loaded().await?;
        let changes: Vec<_> = points.iter().map(|p| (p.code.as_str(), Some(p))).collect();
        Self::may_change(actor, &l, &changes)?;
        let counts =
            store::save_points(&self.db, &points, &[], &actor.name, "points.import").await?;
        self.reload().await?;
        Ok(counts)
    }

    /// Removes one point.
    pub async fn remove_point(&self, actor: &Actor, id: i64) -> Result<(), PlacesError> {
        actor.may(Action::EditPoints)?;
        let p = self.point(id).await?;
        Self::may_change(
            actor,
            &*self.loaded().await?,
            &[(p.point.code.as_str(), None)],
        )?;
        store::save_points(&self.db, &[], &[p.point.code], &actor.name, "points.remove").await?;
        self.reload().await?;
        Ok(())
    }

    /// Imports residential sites (CSV, xlsx, GeoJSON points), all or none.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, file = %file))]
    pub async fn import_sites(
        &self,
        actor: &Actor,
        file: &str,
        bytes: &[u8],
        coord: CoordSystem,
        demo: bool,
    ) -> Result<SaveCounts, PlacesError> {
        // Where people live is the district's data, not a department's: like boundaries,
        // it weighs on every department's coverage figures.
        actor.may(Action::Administer)?;
        let mut parts = self.context_parts().await?;
        parts.items = None;
        let sites = import::read_sites(file, bytes, &parts.context(&self.types, coord, demo))?;
        let counts = store::save_sites(&self.db, &sites, &actor.name).await?;
        self.reload().await?;
        Ok(counts)
    }

    /// Imports boundaries (GeoJSON), all or none, and re-derives the community of every
    /// point and site from them. Administrators only: boundaries decide where every point
    /// belongs.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, file = %file))]
    pub async fn import_boundaries(
        &self,
        actor: &Actor,
        file: &str,
        bytes: &[u8],
        demo: bool,
    ) -> Result<SaveCounts, PlacesError> {
        actor.may(Action::Administer)?;
        // Checked against the regions as of now (see `context_parts`).
        let l = self.reload().await?;
        let fresh = import::read_boundaries(file, bytes, &l.regions, demo)?;
        // Boundaries after the import: the stored ones not replaced, plus the new ones.
        let mut all: BTreeMap<RegionCode, Boundary> = l
            .boundaries
            .iter()
            .map(|b| (b.region.clone(), b.clone()))
            .collect();
        for b in &fresh {
            all.insert(b.region.clone(), b.clone());
        }
        let all: Vec<Boundary> = all.into_values().collect();
        let relocate = |code: &str, at: LatLng, had: &Option<RegionCode>| {
            let now = gongfu_domain::place::locate_community(&all, at).map(|b| b.region.clone());
            let now = now.or_else(|| had.clone());
            (now != *had).then(|| (code.to_string(), now))
        };
        let points: Vec<_> = l
            .points
            .iter()
            .filter_map(|p| relocate(&p.point.code, p.point.position, &p.point.community))
            .collect();
        let sites: Vec<_> = l
            .sites
            .iter()
            .filter_map(|s| relocate(&s.code, s.position, &s.community))
            .collect();
        let counts = store::save_boundaries(&self.db, &fresh, &points, &sites, &actor.name).await?;
        self.reload().await?;
        Ok(counts)
    }

    /// The service-circle analysis over the stored sites and points (closed points left
    /// out; suspended ones count, they are still the district's facilities).
    pub async fn circles(
        &self,
        params: CircleParams,
    ) -> Result<(Arc<Loaded>, CircleReport), PlacesError> {
        let l = self.loaded().await?;
        let facilities: Vec<Facility> = l
            .points
            .iter()
            .filter(|p| p.point.status != PointStatus::Closed)
            .filter_map(|p| {
                Some(Facility {
                    id: p.id,
                    type_ix: self.type_tag(&p.point.facility_type)?,
                    position: p.point.position,
                })
            })
            .collect();
        let report = circles::analyse(&l.sites, &facilities, &self.types, params);
        Ok((l, report))
    }

    /// The allocation check of every norm in every community or sub-district.
    pub async fn allocation(&self) -> Result<(Arc<Loaded>, Vec<circles::Allocation>), PlacesError> {
        let l = self.loaded().await?;
        let provisions: Vec<Provision> = l
            .points
            .iter()
            .filter(|p| p.point.status != PointStatus::Closed)
            .map(|p| Provision {
                facility_type: p.point.facility_type.clone(),
                community: p.point.community.clone(),
                capacity: p.point.capacity,
                floor_area_m2: p.point.floor_area_m2,
            })
            .collect();
        let result = circles::allocation(&self.norms, &provisions, &l.populations);
        Ok((l, result))
    }

    /// Checks `walk` and `detour` for the analysis.
    pub fn circle_params(
        walk: Option<f64>,
        detour: Option<f64>,
    ) -> Result<CircleParams, PlacesError> {
        let d = CircleParams::default();
        CircleParams::new(walk.unwrap_or(d.walk_m), detour.unwrap_or(d.detour)).map_err(|m| {
            PlacesError::invalid(
                if m.starts_with("walk") {
                    "walk"
                } else {
                    "detour"
                },
                m,
            )
        })
    }
}
