//! The fiscal affordability assessment (财政承受能力评估): what the list costs, by year and
//! payer, against the district's budget, before an item is added or a standard raised.
//!
//! It owns populations as staff keep them (synthesized from head counts, stored as their
//! parameters, or imported as columns; decoded ones cached), unit costs, payer shares and
//! budgets, scenarios, the projection of a population over 1-5 years, and kept runs with
//! their workbook. Eligible counts come from gongfu-eligibility's microsimulation over the
//! same compiled rules a resident's answer uses.
//!
//! It must never speak SQL (gongfu-db) or HTTP (gongfu-http, gongfu-web), never change
//! the list (it reads versions and adjustment previews through gongfu-catalog), and keep
//! the assessment itself ([`afford::run`]) a pure function of its inputs.

pub mod afford;
pub mod popfile;
pub mod project;
pub mod report;
pub mod service;

use std::sync::{Arc, Mutex};

use gongfu_catalog::{Catalog, CatalogError};
use gongfu_db::{Db, DbError};
use gongfu_eligibility::{Eligibility, EligibilityError};
use gongfu_rules::{Population, Schema};

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum AffordabilityError {
    /// A population, run or item does not exist.
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
    /// Not allowed for this account.
    #[error(transparent)]
    Forbidden(#[from] gongfu_domain::Denied),
    /// The list.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The eligibility rules.
    #[error(transparent)]
    Eligibility(#[from] EligibilityError),
    /// Storage.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The capability.
pub struct Affordability {
    eligibility: Arc<Eligibility>,
    /// Populations decoded (or drawn) lately, by id: decoding is seconds, runs are many.
    populations: Mutex<Vec<(i64, Arc<Population>)>>,
}

impl Affordability {
    /// The capability over the eligibility rules (and through them the list and the
    /// database).
    pub fn new(eligibility: Arc<Eligibility>) -> Self {
        Affordability {
            eligibility,
            populations: Mutex::new(Vec::new()),
        }
    }

    /// The database.
    pub fn db(&self) -> &Db {
        self.eligibility.db()
    }

    /// The list.
    pub fn catalog(&self) -> &Arc<Catalog> {
        self.eligibility.catalog()
    }

    /// The eligibility rules.
    pub fn eligibility(&self) -> &Arc<Eligibility> {
        &self.eligibility
    }

    /// The profile's fields.
    pub fn schema(&self) -> &'static Schema {
        self.eligibility.schema()
    }
}
