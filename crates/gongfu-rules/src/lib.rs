//! Eligibility rules: the profile's fields as data, the rule language, and its
//! evaluation over one resident or a whole population.
//!
//! It owns the meaning of a rule: how the text parses (`rule`), which fields exist and
//! what values they take (`schema`, from `data/eligibility/fields.csv`), how a rule is
//! compiled for a reference date into tests over columns (`eval`), how a population is
//! held as columns (`population`), how a resident's answers are read (`profile`) and how a
//! decision is explained in Chinese (`explain`). One compiled [`eval::Program`] serves
//! both the resident ("what can I enjoy") and the microsimulation (eligible counts per
//! item and community), so the two cannot disagree.
//!
//! It must never do IO (no SQL, HTTP, files, clocks: the reference date is an argument)
//! and never know about the service list: items are keys and conditions handed to it.

pub mod date;
pub mod eval;
pub mod explain;
pub mod population;
pub mod profile;
pub mod rule;
pub mod schema;
pub mod store;

pub use eval::Program;
pub use explain::{decide, Decision, Outcome, Reason, Status};
pub use population::{Population, PopulationBuilder};
pub use profile::{Profile, ProfileError};
pub use rule::{Cond, Rule, RuleError};
pub use schema::{Schema, SchemaError, Value};
