//! Any cells into the service-point and residential-site row parsers: no panic, and every
//! error names a column of the layout.
#![no_main]

use gongfu_domain::facility::FacilityTypes;
use gongfu_domain::geo::CoordSystem;
use gongfu_domain::place::{PlaceContext, PointDraft, SiteDraft, POINT_COLUMNS, SITE_COLUMNS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|cells: Vec<String>| {
    let types = FacilityTypes::shipped();
    let ctx = PlaceContext {
        types: &types,
        default_coord: CoordSystem::Gcj02,
        bounds: None,
        items: None,
        communities: None,
        boundaries: &[],
        demo: false,
    };
    let point = PointDraft::from_pairs(
        POINT_COLUMNS
            .iter()
            .map(|c| c.0)
            .zip(cells.iter().map(String::as_str)),
    );
    if let Err(es) = point.parse(&ctx) {
        assert!(es
            .iter()
            .all(|e| POINT_COLUMNS.iter().any(|c| c.0 == e.column)));
    }
    let site = SiteDraft::from_pairs(
        SITE_COLUMNS
            .iter()
            .map(|c| c.0)
            .zip(cells.iter().map(String::as_str)),
    );
    if let Err(es) = site.parse(&ctx) {
        assert!(es
            .iter()
            .all(|e| SITE_COLUMNS.iter().any(|c| c.0 == e.column)));
    }
});
