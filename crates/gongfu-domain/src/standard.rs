//! Standards (标准): their numbers, and the registry's words (level, lifecycle stage).

pub mod number;

pub use number::{
    InternalPattern, Issuer, Nature, NumberError, NumberRules, PatternError, StandardLevel,
    StandardNumber,
};
