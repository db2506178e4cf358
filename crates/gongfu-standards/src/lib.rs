//! The standard system (标准体系) as a capability: the registry of standards, the tree they
//! sit in, their links to the list's items, coverage, the lifecycle watch, standard texts
//! and the GB/T 1.1 checker.
//!
//! It owns what a standard number means in this installation (the sector codes and the
//! district's internal-norm patterns, [`NumberRules`]) and the rules of the registry.
//!
//! It must never speak SQL (that is gongfu-db) or HTTP (gongfu-http, gongfu-web), and never
//! change the service list: it reads published versions through gongfu-db and links to
//! items by code.

pub mod view;

use gongfu_db::Db;
pub use gongfu_domain::standard::{InternalPattern, NumberError, NumberRules, StandardNumber};

/// The standards capability over a database.
#[derive(Debug, Clone)]
pub struct Registry {
    #[allow(dead_code)]
    db: Db,
    rules: NumberRules,
}

impl Registry {
    /// A registry over `db`, reading numbers with `rules`.
    pub fn new(db: Db, rules: NumberRules) -> Self {
        Self { db, rules }
    }

    /// How numbers are read here.
    pub fn rules(&self) -> &NumberRules {
        &self.rules
    }

    /// Parses a standard number with this installation's rules.
    pub fn parse_number(&self, raw: &str) -> Result<StandardNumber, NumberError> {
        StandardNumber::parse(raw, &self.rules)
    }
}
