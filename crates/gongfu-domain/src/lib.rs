//! Domain types of gongfu: the words of basic public service standardization, parsed.
//!
//! This crate owns the *meaning* of the data: a [`RegionCode`] is twelve digits whose zero
//! runs say its level, an [`ItemCode`] is a short token, an [`ExpenditureResponsibility`]
//! is one of the standard phrasings or free text, a [`ServiceItem`] cannot exist with an
//! empty 服务对象. Raw input is parsed into these types once, at the edge (import files,
//! HTTP bodies, CLI flags), and nothing downstream checks again.
//!
//! It must never do IO: no SQL, no HTTP, no files, no clocks. Everything here is a pure
//! function of its arguments, which is what lets every other crate trust it and what makes
//! it cheap to fuzz.

pub mod account;
pub mod audit;
pub mod catalog;
pub mod clock;
pub mod facility;
pub mod floor;
pub mod geo;
pub mod hours;
pub mod message;
pub mod place;
pub mod region;
pub mod standard;
pub mod text;

pub use account::{Action, Actor, Denied, Owned, Role, Username};
pub use catalog::{
    AdjustmentStatus, Area, BaseRelation, Category, Decision, DepartmentName,
    ExpenditureResponsibility, ItemCode, ItemDraft, ItemError, ItemStatus, OriginLevel,
    PopulationScope, ProposalKind, ServiceItem, Taxonomy, TaxonomyError,
};
pub use clock::{Clock, FixedClock};
pub use region::{PopulationKind, RegionCode, RegionCodeError, RegionLevel};
pub use standard::{NumberError, NumberRules, StandardLevel, StandardNumber};
