//! The whole application over HTTP: one test binary, a module per feature.
//! Each test boots the real server on port 0 with a fresh database (SQLite, or
//! PostgreSQL when GONGFU_TEST_DATABASE_URL is set).

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns may panic: that is how a test fails

mod accounts;
mod affordability;
mod browser;
mod edge;
mod eligibility;
mod eligibility_pages;
mod floor;
mod helpers;
mod hsds;
mod items;
mod messages;
mod openapi;
mod pages;
mod places;
mod scope;
mod search;
mod standards;
mod texts;
mod writes;
