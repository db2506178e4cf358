//! "What can I enjoy" (我能享受什么) as a capability: each item's eligibility rule run for
//! one resident (with reasons, the questions still open and where to go), and for a whole
//! population (eligible counts per item and community: the microsimulation that
//! gongfu-affordability costs).
//!
//! It owns the compiled form of a list version's rules for a date (cached: versions never
//! change), reproducible synthetic populations, and a resident's answers kept behind a
//! link. Both paths run one [`gongfu_rules::Program`], so a resident's answer and the
//! microsimulation's count cannot disagree.
//!
//! It must never speak SQL (gongfu-db) or HTTP (gongfu-http, gongfu-web), never change
//! the list (it reads published versions and adjustment previews through gongfu-catalog),
//! and never store a resident's answers unless they ask for a link.

pub mod answers;
pub mod assess;
pub mod life;
pub mod microsim;
pub mod synth;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use gongfu_catalog::{Catalog, CatalogError, Snapshot};
use gongfu_db::{Db, DbError};
use gongfu_places::{Places, PlacesError};
use gongfu_rules::date::Ymd;
use gongfu_rules::{Cond, Program, Schema};

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum EligibilityError {
    /// An item or a kept link does not exist.
    #[error("{}", gongfu_domain::msg!("not-found", what = gongfu_domain::message::thing(what), key = key))]
    NotFound {
        /// Kind of thing.
        what: &'static str,
        /// Its key.
        key: String,
        /// What to do.
        hint: String,
    },
    /// The input is wrong; every message names the field, row or column.
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
    /// A file did not import; every error names its row and column.
    #[error(transparent)]
    Import(#[from] gongfu_sheets::ImportFailure),
    /// The list.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// Service points.
    #[error(transparent)]
    Places(#[from] PlacesError),
    /// Storage.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A list version's rules compiled for one reference date.
#[derive(Debug)]
pub struct Compiled {
    /// The version.
    pub snapshot: Arc<Snapshot>,
    /// Reference date.
    pub date: Ymd,
    /// The program: item `k` of the program is `snapshot.items[items[k]]`.
    pub program: Program,
    /// Each program item's condition (scope, regions and rule).
    pub conds: Vec<Cond>,
    /// Index into the snapshot's items, per program item.
    pub items: Vec<usize>,
    /// Items without a (readable) rule: neither offered nor counted.
    pub without_rule: Vec<usize>,
}

impl Compiled {
    /// Compiles a version's rules for a date.
    pub fn new(snapshot: Arc<Snapshot>, date: Ymd, schema: &Schema) -> Self {
        let mut conds = Vec::new();
        let mut items = Vec::new();
        let mut without_rule = Vec::new();
        for (i, it) in snapshot.items.iter().enumerate() {
            match gongfu_catalog::eligibility::effective(it, schema) {
                Ok(Some(c)) => {
                    conds.push(c);
                    items.push(i);
                }
                Ok(None) => without_rule.push(i),
                Err(e) => {
                    // Stored rules were checked when written; a schema changed since can
                    // break one. The item is reported as without a rule, not dropped.
                    tracing::warn!(item = %it.code, error = %e, "eligibility rule no longer reads");
                    without_rule.push(i);
                }
            }
        }
        let program = Program::compile(
            items
                .iter()
                .zip(&conds)
                .map(|(&i, c)| (snapshot.items[i].code.to_string(), c)),
            date,
        );
        Compiled {
            snapshot,
            date,
            program,
            conds,
            items,
            without_rule,
        }
    }
}

/// Service point slots per item code.
pub type PointIndex = HashMap<String, Vec<usize>>;

/// The capability.
pub struct Eligibility {
    db: Db,
    catalog: Arc<Catalog>,
    places: Arc<Places>,
    compiled: Mutex<Vec<Arc<Compiled>>>,
    point_index: Mutex<Option<(i64, Arc<PointIndex>)>>,
}

/// How many compiled (version, date) pairs are kept.
const COMPILED_KEPT: usize = 8;

impl Eligibility {
    /// The capability over a database, the list and the service points.
    pub fn new(db: Db, catalog: Arc<Catalog>, places: Arc<Places>) -> Self {
        Eligibility {
            db,
            catalog,
            places,
            compiled: Mutex::new(Vec::new()),
            point_index: Mutex::new(None),
        }
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The list.
    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    /// The profile's fields.
    pub fn schema(&self) -> &'static Schema {
        Schema::shared()
    }

    /// A version's rules compiled for a date (newest version when `None`).
    pub async fn compiled(
        &self,
        version: Option<i64>,
        date: Ymd,
    ) -> Result<Arc<Compiled>, EligibilityError> {
        let snapshot = self.catalog.require(version).await?;
        let number = snapshot.version.number;
        {
            let cache = self.compiled.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(c) = cache
                .iter()
                .find(|c| c.snapshot.version.number == number && c.date == date)
            {
                return Ok(c.clone());
            }
        }
        let c = Arc::new(Compiled::new(snapshot, date, self.schema()));
        let mut cache = self.compiled.lock().unwrap_or_else(|e| e.into_inner());
        cache.push(c.clone());
        if cache.len() > COMPILED_KEPT {
            cache.remove(0);
        }
        Ok(c)
    }

    /// Region names by code, for reasons ("所在社区：芙苑社区").
    pub async fn region_names(&self) -> Result<HashMap<String, String>, EligibilityError> {
        Ok(gongfu_db::regions::list(&self.db)
            .await?
            .into_iter()
            .map(|r| (r.code.as_str().to_string(), r.name))
            .collect())
    }

    /// The service points.
    pub fn places(&self) -> &Arc<Places> {
        &self.places
    }

    /// Today in China Standard Time on the installation's clock, as rules read dates.
    pub fn today(&self) -> Ymd {
        gongfu_catalog::eligibility::ymd(self.catalog.clock().today())
    }
}
