//! The HSDS 3.0 exports pass Open Referral's own schemas: the demo's list (JSON and the CSV
//! package) and service points, fetched from the export endpoints as a consumer gets them,
//! are handed to `tests/hsds_check.py`, which validates every record against the official
//! compiled schemas vendored in `data/hsds/schema/` with Python's `jsonschema`, an
//! implementation independent of gongfu. Missing python3 or jsonschema: the check says so
//! and passes, unless GONGFU_REQUIRE_HSDS=1 (CI), which makes the absence a failure.

use crate::helpers::{python_with, run_python_check, spawn_demo};
use std::path::Path;

/// The exports the check reads, by the file name it expects.
const EXPORTS: [(&str, &str); 3] = [
    ("/api/v1/exports/items?format=hsds", "items.hsds.json"),
    ("/api/v1/exports/items?format=hsds-csv", "items.hsds.zip"),
    ("/api/v1/exports/points?format=hsds", "points.hsds.json"),
];

#[tokio::test]
async fn hsds_exports_validate_against_the_official_compiled_schemas() {
    let Some(python) = python_with(
        "jsonschema",
        "GONGFU_REQUIRE_HSDS",
        "the HSDS schema check",
        "jsonschema",
    ) else {
        return;
    };
    let app = spawn_demo().await;
    let dir = tempfile::tempdir().expect("temp dir");
    for (url, file) in EXPORTS {
        let r = app.get(url).await;
        assert_eq!(r.status(), 200, "{url}");
        let bytes = r.bytes().await.expect("body");
        std::fs::write(dir.path().join(file), &bytes).expect("write");
    }
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/hsds/schema");
    run_python_check(
        &python,
        "hsds_check.py",
        &[&schemas, dir.path()],
        "the HSDS exports do not validate against Open Referral's schemas",
    );
}
