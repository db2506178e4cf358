//! Reading service points and residential sites (CSV, xlsx, GeoJSON) and boundaries
//! (GeoJSON). Same rules as every import: every error names file, row (or feature) and
//! column; one bad row imports nothing; an unknown column is an error, never dropped.

use std::collections::{BTreeMap, HashMap};

use gongfu_domain::place::{
    column_for, Boundary, FieldError, PlaceContext, PointDraft, Polygon, ResidentialSite,
    ServicePoint, SiteDraft, POINT_COLUMNS, SITE_COLUMNS,
};
use gongfu_domain::{RegionCode, RegionLevel};
use gongfu_sheets::{read_sheet, ImportError, ImportFailure, Table, MAX_ERRORS};
use serde_json::Value;

/// Rows as (row or feature number, cells by canonical header).
type Rows = Vec<(usize, Vec<(&'static str, String)>)>;

/// Where rows came from, for messages: the file, its table (CSV/xlsx) and the table column
/// of each canonical header.
struct Source<'a> {
    file: &'a str,
    table: Option<&'a Table>,
    col_of: &'a [Option<usize>],
    columns: &'a [(&'static str, &'a [&'a str])],
}

fn error(file: &str, row: Option<usize>, column: Option<String>, message: String) -> ImportError {
    ImportError {
        file: file.into(),
        sheet: None,
        row,
        column,
        message,
    }
}

fn is_geojson(file: &str, bytes: &[u8]) -> bool {
    let lower = file.to_ascii_lowercase();
    lower.ends_with(".geojson")
        || lower.ends_with(".json")
        || bytes.trim_ascii_start().starts_with(b"{")
}

/// Rows of a table as drafts keyed by canonical header, with their row numbers; unknown
/// columns are errors.
fn table_rows(
    t: &Table,
    columns: &[(&'static str, &[&str])],
) -> Result<(Vec<Option<usize>>, Rows), ImportFailure> {
    let mut errors = vec![];
    let mut map = vec![];
    for (i, h) in t.headers.iter().enumerate() {
        match column_for(columns, h) {
            Some(k) => map.push(Some(k)),
            None if h.is_empty() => map.push(None),
            None => {
                map.push(None);
                errors.push(t.error_at(
                    Some(t.header_row),
                    Some(i),
                    gongfu_domain::msg!(
                        "places-column-unknown",
                        header = h,
                        known = columns.iter().map(|c| c.0).collect::<Vec<_>>().join("、")
                    ),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(ImportFailure::new(&t.file, errors));
    }
    let col_of: Vec<Option<usize>> = columns
        .iter()
        .map(|(h, _)| map.iter().position(|m| *m == Some(*h)))
        .collect();
    let rows = t
        .rows
        .iter()
        .map(|(n, cells)| {
            let pairs = map
                .iter()
                .zip(cells)
                .filter_map(|(k, v)| k.map(|k| (k, v.clone())))
                .collect();
            (*n, pairs)
        })
        .collect();
    Ok((col_of, rows))
}

fn read_table(
    file: &str,
    bytes: &[u8],
    columns: &[(&'static str, &[&str])],
) -> Result<Table, ImportFailure> {
    let is_header = |h: &[String]| {
        h.iter().any(|c| column_for(columns, c) == Some("纬度"))
            && h.iter().any(|c| column_for(columns, c) == Some("经度"))
    };
    let needs = columns.iter().map(|c| c.0).collect::<Vec<_>>().join(", ");
    read_sheet(file, bytes, is_header, &needs)
}

/// Parses rows with `parse`, collecting every error with its row and column, and refuses
/// a code used twice.
fn parse_rows<T>(
    src: Source<'_>,
    rows: Rows,
    parse: impl Fn(&[(&'static str, String)]) -> Result<T, Vec<FieldError>>,
    code: impl Fn(&T) -> String,
    what: &str,
) -> Result<Vec<T>, ImportFailure> {
    let Source {
        file,
        table: t,
        col_of,
        columns,
    } = src;
    let mut errors: Vec<ImportError> = vec![];
    let mut out = vec![];
    let mut seen: HashMap<String, usize> = HashMap::new();
    let column_label = |h: &'static str| -> Option<String> {
        let k = columns.iter().position(|c| c.0 == h)?;
        match (t, col_of.get(k).copied().flatten()) {
            (Some(t), Some(i)) => t.error_at(None, Some(i), "").column,
            _ => Some(h.to_string()),
        }
    };
    for (row, pairs) in rows {
        match parse(&pairs) {
            Ok(v) => {
                if let Some(first) = seen.insert(code(&v), row) {
                    errors.push(error(
                        file,
                        Some(row),
                        column_label("编码"),
                        gongfu_domain::msg!(
                            "places-code-twice",
                            what = what,
                            code = code(&v),
                            first = first
                        ),
                    ));
                }
                out.push(v);
            }
            Err(es) => errors.extend(es.into_iter().map(|e| {
                let mut ie = error(file, Some(row), column_label(e.column), e.message);
                ie.sheet = t.and_then(|t| t.sheet.clone());
                ie
            })),
        }
        if errors.len() >= MAX_ERRORS {
            break;
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        errors.truncate(MAX_ERRORS);
        Err(ImportFailure::new(file, errors))
    }
}

/// Features of a GeoJSON FeatureCollection (or one Feature), or an error naming the file.
fn features(file: &str, bytes: &[u8]) -> Result<Vec<Value>, ImportFailure> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| {
        ImportFailure::new(
            file,
            vec![error(
                file,
                Some(e.line()),
                None,
                gongfu_domain::msg!("geojson-bad-json", reason = e),
            )],
        )
    })?;
    match v["type"].as_str() {
        Some("FeatureCollection") => Ok(v["features"].as_array().cloned().unwrap_or_default()),
        Some("Feature") => Ok(vec![v]),
        other => Err(ImportFailure::new(
            file,
            vec![error(
                file,
                None,
                None,
                gongfu_domain::msg!("geojson-bad-type", value = other.unwrap_or("")),
            )],
        )),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join("、"),
        _ => String::new(),
    }
}

/// GeoJSON points as rows: the properties (by column name or alias), with 纬度/经度 from
/// the geometry. Row numbers are 1-based feature numbers.
fn geojson_rows(
    file: &str,
    bytes: &[u8],
    columns: &[(&'static str, &[&str])],
) -> Result<Rows, ImportFailure> {
    let mut errors = vec![];
    let mut rows = vec![];
    for (i, f) in features(file, bytes)?.iter().enumerate() {
        let n = i + 1;
        let mut pairs = vec![];
        if let Some(props) = f["properties"].as_object() {
            for (k, v) in props {
                match column_for(columns, k) {
                    Some(h) if h != "纬度" && h != "经度" => pairs.push((h, text(v))),
                    Some(_) => {}
                    None => errors.push(error(
                        file,
                        Some(n),
                        Some(k.clone()),
                        gongfu_domain::msg!(
                            "geojson-property-unknown",
                            n = n,
                            property = k,
                            known = columns.iter().map(|c| c.0).collect::<Vec<_>>().join("、")
                        ),
                    )),
                }
            }
        }
        let g = &f["geometry"];
        match (g["type"].as_str(), g["coordinates"].as_array()) {
            (Some("Point"), Some(c)) if c.len() >= 2 => {
                pairs.push(("经度", text(&c[0])));
                pairs.push(("纬度", text(&c[1])));
            }
            _ => errors.push(error(
                file,
                Some(n),
                Some("geometry".into()),
                gongfu_domain::msg!("geojson-not-point", n = n),
            )),
        }
        rows.push((n, pairs));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        errors.truncate(MAX_ERRORS);
        Err(ImportFailure::new(file, errors))
    }
}

/// Reads rows of a table (CSV, xlsx) or GeoJSON points with `parse`; refuses an empty file.
fn read_rows<T>(
    file: &str,
    bytes: &[u8],
    columns: &[(&'static str, &[&str])],
    parse: impl Fn(&[(&'static str, String)]) -> Result<T, Vec<FieldError>>,
    code: impl Fn(&T) -> String,
    what: &str,
) -> Result<Vec<T>, ImportFailure> {
    let out = if is_geojson(file, bytes) {
        let rows = geojson_rows(file, bytes, columns)?;
        let src = Source {
            file,
            table: None,
            col_of: &[],
            columns,
        };
        parse_rows(src, rows, parse, code, what)?
    } else {
        let t = read_table(file, bytes, columns)?;
        let (col_of, rows) = table_rows(&t, columns)?;
        let src = Source {
            file,
            table: Some(&t),
            col_of: &col_of,
            columns,
        };
        parse_rows(src, rows, parse, code, what)?
    };
    if out.is_empty() {
        return Err(ImportFailure::new(
            file,
            vec![error(
                file,
                None,
                None,
                gongfu_domain::msg!("places-file-empty", what = what),
            )],
        ));
    }
    Ok(out)
}

/// Reads service points from CSV, xlsx or GeoJSON.
pub fn read_points(
    file: &str,
    bytes: &[u8],
    ctx: &PlaceContext<'_>,
) -> Result<Vec<ServicePoint>, ImportFailure> {
    read_rows(
        file,
        bytes,
        POINT_COLUMNS,
        |pairs| PointDraft::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str()))).parse(ctx),
        |p: &ServicePoint| p.code.clone(),
        "服务点",
    )
}

/// Reads residential sites from CSV, xlsx or GeoJSON.
pub fn read_sites(
    file: &str,
    bytes: &[u8],
    ctx: &PlaceContext<'_>,
) -> Result<Vec<ResidentialSite>, ImportFailure> {
    read_rows(
        file,
        bytes,
        SITE_COLUMNS,
        |pairs| SiteDraft::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str()))).parse(ctx),
        |s: &ResidentialSite| s.code.clone(),
        "居住小区",
    )
}

fn rings(v: &Value) -> Option<Vec<Vec<[f64; 2]>>> {
    v.as_array()?
        .iter()
        .map(|ring| {
            ring.as_array()?
                .iter()
                .map(|p| {
                    let p = p.as_array()?;
                    Some([p.first()?.as_f64()?, p.get(1)?.as_f64()?])
                })
                .collect()
        })
        .collect()
}

/// Reads boundaries from GeoJSON: one Feature per region, `properties.code` the 12-digit
/// statistical code (also `代码`, `region_code`), `properties.name` optional (the region's
/// registered name is used), geometry a Polygon or MultiPolygon in WGS84. `regions` are the
/// regions that exist now, with their names.
pub fn read_boundaries(
    file: &str,
    bytes: &[u8],
    regions: &BTreeMap<RegionCode, String>,
    demo: bool,
) -> Result<Vec<Boundary>, ImportFailure> {
    let mut errors = vec![];
    let mut out: Vec<Boundary> = vec![];
    let mut seen: HashMap<RegionCode, usize> = HashMap::new();
    for (i, f) in features(file, bytes)?.iter().enumerate() {
        let n = i + 1;
        let props = &f["properties"];
        let raw = ["code", "代码", "region_code", "区划代码"]
            .iter()
            .map(|k| text(&props[*k]))
            .find(|s| !s.is_empty())
            .unwrap_or_default();
        let mut bad = |column: &str, m: String| {
            errors.push(error(
                file,
                Some(n),
                Some(column.into()),
                gongfu_domain::msg!("geojson-feature", n = n, message = m),
            ))
        };
        let code = match RegionCode::parse(&raw) {
            Ok(c) if !regions.contains_key(&c) => {
                bad(
                    "code",
                    gongfu_domain::msg!("boundary-region-unknown", code = c),
                );
                None
            }
            Ok(c) if c.level() == RegionLevel::Province || c.level() == RegionLevel::City => {
                bad(
                    "code",
                    gongfu_domain::msg!(
                        "boundary-region-level",
                        code = c,
                        level = c.level().label()
                    ),
                );
                None
            }
            Ok(c) => Some(c),
            Err(e) if raw.is_empty() => {
                let _ = e;
                bad("code", gongfu_domain::msg!("boundary-no-code"));
                None
            }
            Err(e) => {
                bad("code", e.to_string());
                None
            }
        };
        let g = &f["geometry"];
        let parts = match g["type"].as_str() {
            Some("Polygon") => rings(&g["coordinates"]).map(|r| vec![r]),
            Some("MultiPolygon") => g["coordinates"]
                .as_array()
                .and_then(|ps| ps.iter().map(rings).collect::<Option<Vec<_>>>()),
            _ => None,
        };
        let Some(parts) = parts else {
            bad("geometry", gongfu_domain::msg!("boundary-not-polygon"));
            continue;
        };
        // The size of the whole feature first: parts each within the caps can still be too
        // many together, and then none of them is read.
        if let Err(e) = Boundary::check_size(&parts) {
            bad(
                "geometry",
                format!(
                    "{}{e}",
                    code.as_ref().map(|c| format!("{c}：")).unwrap_or_default()
                ),
            );
            continue;
        }
        let mut polygons = vec![];
        for (k, rings) in parts.iter().enumerate() {
            match Polygon::from_rings(rings) {
                Ok(p) => polygons.push(p),
                Err(e) => bad(
                    "geometry",
                    format!(
                        "{}{}：{e}",
                        code.as_ref().map(|c| format!("{c} ")).unwrap_or_default(),
                        if parts.len() > 1 {
                            gongfu_domain::msg!("boundary-part", k = k + 1)
                        } else {
                            String::new()
                        }
                    ),
                ),
            }
        }
        if polygons.is_empty() {
            if parts.is_empty() {
                bad("geometry", gongfu_domain::msg!("boundary-no-polygons"));
            }
            continue;
        }
        let Some(code) = code else { continue };
        if let Some(first) = seen.insert(code.clone(), n) {
            bad(
                "code",
                gongfu_domain::msg!("boundary-twice", code = code, first = first),
            );
            continue;
        }
        let given = text(&props["name"]);
        out.push(Boundary {
            name: regions
                .get(&code)
                .cloned()
                .filter(|n| !n.is_empty())
                .unwrap_or(given),
            region: code,
            polygons,
            demo: demo || text(&props["source"]).contains("示例"),
        });
        if errors.len() >= MAX_ERRORS {
            break;
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors.push(error(
            file,
            None,
            None,
            "the file has no features; give one Feature per region".into(),
        ));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        errors.truncate(MAX_ERRORS);
        Err(ImportFailure::new(file, errors))
    }
}
