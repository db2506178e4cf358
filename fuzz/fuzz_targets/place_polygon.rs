//! Rings of arbitrary coordinates into the polygon checker: no panic; a polygon it accepts
//! writes GeoJSON rings that it accepts again, with the same area.
#![no_main]

use gongfu_domain::place::Polygon;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|rings: Vec<Vec<(f64, f64)>>| {
    let rings: Vec<Vec<[f64; 2]>> = rings
        .into_iter()
        .take(4)
        .map(|r| r.into_iter().take(64).map(|(a, b)| [a, b]).collect())
        .collect();
    if let Ok(p) = Polygon::from_rings(&rings) {
        let again = Polygon::from_rings(&p.to_geojson_rings()).expect("its own rings are valid");
        assert!((again.area_m2() - p.area_m2()).abs() <= 1e-6 * p.area_m2().max(1.0));
    }
});
