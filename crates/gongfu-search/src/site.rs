//! The installation's search: the index fed from the newest list version, the registry,
//! the stored texts and the service points, kept current by comparing the audit log's
//! newest id.
//!
//! This is the one part of the crate that reads data (through `Catalog`, `Registry` and
//! gongfu-db's documents queries, never SQL of its own). Every change to the list, the
//! registry or the texts writes an audit entry in the same transaction, so "the newest
//! audit id moved" is exactly "the data may have changed". The index is rebuilt whole,
//! lazily, on the first search after a change: the user dictionary (item and standard
//! names) is fixed when an index is built, so a renamed item needs a new index anyway, and
//! a district's few thousand documents index in well under a second.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use gongfu_catalog::{Catalog, CatalogError};
use gongfu_db::places::StoredPoint;
use gongfu_db::{audit, documents, Db, DbError};
use gongfu_domain::geo::LatLng;
use gongfu_domain::place::PointStatus;
use gongfu_places::{Places, PlacesError};
use gongfu_standards::{Registry, RegistryError};

use crate::{
    point_doc, DocKind, PlaceWords, SearchConfig, SearchDoc, SearchError, SearchIndex, SearchPage,
    SearchQuery, Synonyms,
};

/// Why a site search failed.
#[derive(Debug, thiserror::Error)]
pub enum SiteSearchError {
    /// The query itself is wrong (empty, unknown kind); the resident can fix it.
    #[error(transparent)]
    Query(SearchError),
    /// `area` names no area of the newest list.
    #[error("unknown area `{0}`: give an area number (1-9 in the national list) or its name, e.g. 幼有所育")]
    UnknownArea(String),
    /// Reading the documents failed.
    #[error("reading the {what} to index failed: {message}")]
    Load {
        /// What was being read.
        what: &'static str,
        /// The underlying error.
        message: String,
    },
    /// The engine failed while indexing.
    #[error(transparent)]
    Index(SearchError),
}

impl From<DbError> for SiteSearchError {
    fn from(e: DbError) -> Self {
        SiteSearchError::Load {
            what: "database",
            message: e.to_string(),
        }
    }
}

impl From<CatalogError> for SiteSearchError {
    fn from(e: CatalogError) -> Self {
        SiteSearchError::Load {
            what: "service list",
            message: e.to_string(),
        }
    }
}

impl From<PlacesError> for SiteSearchError {
    fn from(e: PlacesError) -> Self {
        SiteSearchError::Load {
            what: "service points",
            message: e.to_string(),
        }
    }
}

impl From<RegistryError> for SiteSearchError {
    fn from(e: RegistryError) -> Self {
        SiteSearchError::Load {
            what: "standard registry",
            message: e.to_string(),
        }
    }
}

/// Ranking weights per kind: residents come for services, so an item outranks a standard
/// with the same words; a standard no longer in force sinks below the current ones.
const ITEM_BOOST: f32 = 1.5;
const GUIDE_BOOST: f32 = 1.2;
const STANDARD_BOOST: f32 = 1.0;
const GONE_STANDARD_BOOST: f32 = 0.4;

/// How many of a where-question's items the nearest points are looked up for: the best
/// few, so 老人去哪里体检 offers places for 老年人健康管理, not for every item that says 老人.
const WHERE_ITEMS: usize = 3;

/// A service point offered for a where-question, with its distance.
#[derive(Debug, Clone)]
pub struct NearPoint {
    /// The point.
    pub point: StoredPoint,
    /// Metres from where the resident is, when they said.
    pub distance_m: Option<f64>,
}

/// Search over the installation's items, standards, guides and service points.
pub struct SiteSearch {
    catalog: Arc<Catalog>,
    registry: Arc<Registry>,
    places: Arc<Places>,
    synonyms: Synonyms,
    place_words: PlaceWords,
    /// Compared on every search: a search must find what was just written, by this
    /// process or another, and the comparison is one indexed query.
    index: audit::Cached<SearchIndex>,
}

impl SiteSearch {
    /// A search over `catalog`, `registry` and `places` with the shipped synonyms.
    pub fn new(catalog: Arc<Catalog>, registry: Arc<Registry>, places: Arc<Places>) -> Self {
        Self::with_synonyms(catalog, registry, places, Synonyms::shipped())
    }

    /// A search with the given synonym groups.
    pub fn with_synonyms(
        catalog: Arc<Catalog>,
        registry: Arc<Registry>,
        places: Arc<Places>,
        synonyms: Synonyms,
    ) -> Self {
        SiteSearch {
            catalog,
            registry,
            places,
            synonyms,
            place_words: PlaceWords::shipped(),
            index: audit::Cached::new(std::time::Duration::ZERO),
        }
    }

    fn db(&self) -> &Db {
        self.catalog.db()
    }

    /// Runs `query`. `area` may be an area number or name of the newest list.
    pub async fn search(&self, mut query: SearchQuery) -> Result<SearchPage, SiteSearchError> {
        if let Some(area) = query.area.take() {
            query.area = Some(self.area_number(&area).await?);
        }
        let index = self.fresh_index().await?;
        index.search(&query).map_err(|e| match e {
            SearchError::EmptyQuery | SearchError::UnknownKind(_) => SiteSearchError::Query(e),
            other => SiteSearchError::Index(other),
        })
    }

    /// True if `text` asks where to go (去哪里, 附近, 在哪; `data/search/place-words.csv`):
    /// the front doors then offer [`SiteSearch::where_to_go`].
    pub fn asks_where(&self, text: &str) -> bool {
        self.place_words.asks_where(text)
    }

    /// The service points to offer for `text`, at most `limit`, never a closed one. With
    /// `at`: the nearest points that deliver its best few items, or, when it finds no
    /// item, the nearest of the points it finds by name, type or address. Without: the
    /// points it finds, best first.
    pub async fn where_to_go(
        &self,
        text: &str,
        at: Option<LatLng>,
        limit: usize,
    ) -> Result<Vec<NearPoint>, SiteSearchError> {
        let loaded = self.places.loaded().await?;
        let near = |p: &StoredPoint| NearPoint {
            point: p.clone(),
            distance_m: at.map(|at| at.distance_m(p.point.position)),
        };
        let items: Vec<String> = match at {
            Some(_) => {
                let mut q = SearchQuery::new(text);
                q.kind = Some(DocKind::Item);
                q.limit = WHERE_ITEMS;
                self.search(q)
                    .await?
                    .results
                    .into_iter()
                    .map(|h| h.key)
                    .collect()
            }
            None => Vec::new(),
        };
        let mut out: Vec<NearPoint> = if items.is_empty() {
            let mut q = SearchQuery::new(text);
            q.kind = Some(DocKind::Point);
            q.limit = if at.is_some() {
                crate::MAX_LIMIT
            } else {
                limit
            };
            self.search(q)
                .await?
                .results
                .iter()
                .filter_map(|h| h.key.parse::<i64>().ok())
                .filter_map(|id| loaded.point(id))
                .filter(|p| p.point.status != PointStatus::Closed)
                .map(near)
                .collect()
        } else {
            loaded
                .points
                .iter()
                .filter(|p| {
                    p.point.status != PointStatus::Closed
                        && p.point
                            .items
                            .iter()
                            .any(|c| items.iter().any(|i| i == c.as_str()))
                })
                .map(near)
                .collect()
        };
        if at.is_some() {
            out.sort_by(|a, b| {
                a.distance_m
                    .unwrap_or(0.0)
                    .total_cmp(&b.distance_m.unwrap_or(0.0))
            });
        }
        out.truncate(limit);
        Ok(out)
    }

    /// Builds the index if the data changed since it was built, and says how many documents
    /// it holds: call it at start-up so the first resident's search does not wait.
    pub async fn warm(&self) -> Result<usize, SiteSearchError> {
        Ok(self.fresh_index().await?.len())
    }

    async fn area_number(&self, raw: &str) -> Result<String, SiteSearchError> {
        let raw = raw.trim();
        let taxonomy = self.catalog.current_taxonomy().await?;
        if let Ok(n) = raw.parse::<u32>() {
            if taxonomy.area(n).is_some() {
                return Ok(n.to_string());
            }
        } else if let Some(a) = taxonomy.area_by_name(raw) {
            return Ok(a.no.to_string());
        }
        Err(SiteSearchError::UnknownArea(raw.to_string()))
    }

    /// The index for the data as it is now: the kept one if no audit entry was written
    /// since it was built, else a new one (concurrent searches after a change build once).
    async fn fresh_index(&self) -> Result<Arc<SearchIndex>, SiteSearchError> {
        self.index.get(self.db(), |g| self.build(g)).await
    }

    /// Builds the index over the data as of audit generation `generation`.
    async fn build(&self, generation: i64) -> Result<SearchIndex, SiteSearchError> {
        let (config, docs) = self.gather().await?;
        let started = std::time::Instant::now();
        let count = docs.len();
        let index = tokio::task::spawn_blocking(move || SearchIndex::build(config, docs))
            .await
            .map_err(|e| SiteSearchError::Load {
                what: "search index build",
                message: e.to_string(),
            })?
            .map_err(SiteSearchError::Index)?;
        tracing::info!(
            documents = count,
            generation,
            ms = started.elapsed().as_millis() as u64,
            "search index built"
        );
        Ok(index)
    }

    /// Every document to index and the words to teach the segmenter.
    async fn gather(&self) -> Result<(SearchConfig, Vec<SearchDoc>), SiteSearchError> {
        let mut docs = vec![];
        let mut words: BTreeSet<String> = BTreeSet::new();
        // item code -> (area no, name), for standards' areas and guides.
        let mut items: BTreeMap<String, (u32, String)> = BTreeMap::new();
        if let Some(snap) = self.catalog.snapshot(None).await? {
            let tax = &snap.taxonomy;
            for a in &tax.areas {
                words.insert(a.name.clone());
            }
            for c in &tax.categories {
                words.insert(c.name.clone());
            }
            for it in &snap.items {
                words.insert(it.name.clone());
                items.insert(it.code.to_string(), (it.area_no, it.name.clone()));
                let area = tax.area(it.area_no).map(|a| a.name.as_str()).unwrap_or("");
                let category = tax
                    .category(it.category_no)
                    .map(|c| c.name.as_str())
                    .unwrap_or("");
                let departments: Vec<&str> =
                    it.lead_departments.iter().map(|d| d.as_str()).collect();
                let body = [
                    area,
                    category,
                    &it.target_population,
                    &it.content,
                    &it.standard,
                    it.expenditure_responsibility.text(),
                    &departments.join("、"),
                    &it.policy_basis,
                    &it.process,
                ]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("\n");
                let mut d = SearchDoc::new(DocKind::Item, it.code.to_string(), &it.name, body);
                d.areas = vec![it.area_no.to_string()];
                d.boost = ITEM_BOOST;
                docs.push(d);
            }
        }
        let registry = self.registry.loaded().await?;
        let standards = &registry.standards;
        let stored = documents::all(self.db()).await?;
        let texts: BTreeMap<(&str, &str), &documents::StoredDocument> = stored
            .iter()
            .map(|d| ((d.kind.as_str(), d.key.as_str()), d))
            .collect();
        let day = self.catalog.clock().today();
        for s in standards {
            words.insert(s.title.clone());
            let key = s.number.to_string();
            let areas: BTreeSet<String> = s
                .items
                .iter()
                .filter_map(|c| items.get(c.as_str()).map(|(a, _)| a.to_string()))
                .collect();
            let served: Vec<&str> = s
                .items
                .iter()
                .filter_map(|c| items.get(c.as_str()).map(|(_, n)| n.as_str()))
                .collect();
            let mut body = format!(
                "{key} {}\n{}\n{}",
                s.number.official(),
                s.issued_by,
                served.join("、")
            );
            if let Some(t) = texts.get(&("standard", key.as_str())) {
                body.push('\n');
                body.push_str(&t.plain_text);
            }
            let mut d = SearchDoc::new(DocKind::Standard, key, &s.title, body);
            d.areas = areas.into_iter().collect();
            d.parents = s
                .items
                .iter()
                .filter(|c| items.contains_key(c.as_str()))
                .map(|c| c.to_string())
                .collect();
            d.boost = if s.stage.is_gone() || !s.in_force(day) {
                GONE_STANDARD_BOOST
            } else {
                STANDARD_BOOST
            };
            docs.push(d);
        }
        for t in stored.iter().filter(|t| t.kind == "guide") {
            let mut d = SearchDoc::new(DocKind::Guide, &t.key, &t.title, &t.plain_text);
            if let Some((area, _)) = items.get(&t.key) {
                d.areas = vec![area.to_string()];
                d.parents = vec![t.key.clone()];
            }
            d.boost = GUIDE_BOOST;
            docs.push(d);
        }
        // Read again if the audit log moved: the index is being rebuilt because it did.
        let loaded = self.places.reload().await?;
        let taxonomy = self.catalog.current_taxonomy().await?;
        for (p, served) in loaded.points.iter().zip(&loaded.areas) {
            if p.point.status == PointStatus::Closed {
                continue;
            }
            let names: Vec<&str> = p
                .point
                .items
                .iter()
                .filter_map(|c| items.get(c.as_str()).map(|(_, n)| n.as_str()))
                .collect();
            let facility = self.places.types().find(&p.point.facility_type);
            let mut d = point_doc(p.id.to_string(), &p.point, facility, &names);
            d.areas = served
                .iter()
                .filter_map(|a| taxonomy.area_by_name(a).map(|a| a.no.to_string()))
                .collect();
            docs.push(d);
        }
        let config = SearchConfig {
            user_words: words.into_iter().filter(|w| !w.trim().is_empty()).collect(),
            synonyms: self.synonyms.clone(),
            place_words: self.place_words.clone(),
        };
        Ok((config, docs))
    }
}
