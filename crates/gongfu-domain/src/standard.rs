//! Standards (标准): their numbers, the registry's rows and system tree, and the lifecycle
//! watch (coverage, reviews due, what a withdrawn standard leaves hanging).

pub mod model;
pub mod number;
pub mod watch;

pub use model::{
    parse_date, split_numbers, FieldError, Origin, Stage, Standard, StandardColumn, StandardDraft,
    SystemNode, SystemTree, TreeError, DEFAULT_REVIEW_YEARS, STANDARD_COLUMNS,
};
pub use number::{
    InternalPattern, Issuer, Nature, NumberError, NumberRules, PatternError, StandardLevel,
    StandardNumber,
};
pub use watch::{attention, coverage, supersession_cycle, Attention, Coverage};
