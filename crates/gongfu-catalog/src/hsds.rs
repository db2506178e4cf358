//! Open Referral HSDS 3.0: the service-directory exchange format, with gongfu's extra
//! fields as a documented profile (see `docs/hsds-profile.md`).
//!
//! Mapping: each department is an `organization`; each item is a `service` whose
//! `organization_id` is its first lead department; 服务内容 is `description`, 服务对象
//! `eligibility_description`, 服务流程 `application_process`, 支出责任 a `funding` row;
//! areas and categories are a `taxonomy` with `taxonomy_term`s linked by `attribute`s.
//! Everything HSDS has no field for travels in `gongfu_*` properties on the service, which
//! is what makes export then import exact. Ids are UUIDs derived from the code, so the same
//! item always gets the same id (UUIDv8: SHA-256 of a gongfu name).

use crate::import::{parse_drafts, ImportError, ImportFailure, Located, Origin};
use crate::Snapshot;
use gongfu_domain::catalog::{Area, Category, ITEM_COLUMNS};
use gongfu_domain::{ItemDraft, ServiceItem, Taxonomy};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

/// The profile URI written into every export.
pub const PROFILE: &str = "https://github.com/gongfu/gongfu/blob/main/docs/hsds-profile.md";

/// A deterministic UUID (version 8, RFC 9562) for a gongfu name such as `service:N2001`.
pub fn uuid_for(name: &str) -> String {
    let h = Sha256::digest(format!("gongfu:{name}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Item fields carried as `gongfu_<key>` on services (all but those HSDS has a place for).
const MAPPED: &[(&str, &str)] = &[
    ("name", "name"),
    ("content", "description"),
    ("target_population", "eligibility_description"),
    ("process", "application_process"),
];

fn status_of(it: &ServiceItem) -> &'static str {
    match it.status {
        gongfu_domain::ItemStatus::Active => "active",
        gongfu_domain::ItemStatus::Planned => "inactive",
        gongfu_domain::ItemStatus::Suspended => "temporarily closed",
    }
}

struct Tables {
    organizations: Vec<Value>,
    services: Vec<Value>,
    fundings: Vec<Value>,
    taxonomies: Vec<Value>,
    terms: Vec<Value>,
    attributes: Vec<Value>,
}

fn tables(s: &Snapshot) -> Tables {
    let mut depts: Vec<&str> = s
        .items
        .iter()
        .flat_map(|i| i.lead_departments.iter().map(|d| d.as_str()))
        .collect();
    depts.sort_unstable();
    depts.dedup();
    let organizations = depts.iter().map(|d| json!({"id": uuid_for(&format!("organization:{d}")), "name": d, "description": format!("牵头负责单位：{d}")})).collect();
    let tax_id = uuid_for("taxonomy:list");
    let taxonomies = vec![
        json!({"id": tax_id, "name": "基本公共服务清单领域与大类", "description": "gongfu areas (领域) and categories (大类)", "version": s.version.number.to_string()}),
    ];
    let mut terms = Vec::new();
    for a in &s.taxonomy.areas {
        terms.push(json!({"id": uuid_for(&format!("area:{}", a.no)), "code": format!("A{}", a.no), "name": a.name, "description": "领域", "taxonomy_id": tax_id}));
    }
    for c in &s.taxonomy.categories {
        terms.push(json!({"id": uuid_for(&format!("category:{}", c.no)), "code": format!("C{}", c.no), "name": c.name, "description": "大类", "taxonomy_id": tax_id, "parent_id": uuid_for(&format!("area:{}", c.area_no))}));
    }
    let mut services = Vec::new();
    let mut fundings = Vec::new();
    let mut attributes = Vec::new();
    for it in &s.items {
        let d = it.to_draft(&s.taxonomy);
        let sid = uuid_for(&format!("service:{}", it.code));
        let mut svc = Map::new();
        svc.insert("id".into(), sid.clone().into());
        if let Some(first) = it.lead_departments.first() {
            svc.insert(
                "organization_id".into(),
                uuid_for(&format!("organization:{}", first.as_str())).into(),
            );
        }
        for (key, field) in MAPPED {
            svc.insert((*field).into(), d.get(key).into());
        }
        svc.insert("status".into(), status_of(it).into());
        for c in ITEM_COLUMNS
            .iter()
            .filter(|c| !MAPPED.iter().any(|(k, _)| k == &c.key))
        {
            svc.insert(format!("gongfu_{}", c.key), d.get(c.key).into());
        }
        services.push(Value::Object(svc));
        // The funder is 支出责任 (中央财政, 地方财政), not an organization of the list: no
        // organization_id. The attribute says which category term the service carries and
        // has no value of its own. HSDS types these as strings, so an absent value is left
        // out, never null (the official schemas refuse null; tests/api/hsds.rs).
        fundings.push(json!({"id": uuid_for(&format!("funding:{}", it.code)), "service_id": sid, "source": it.expenditure_responsibility.text()}));
        attributes.push(json!({"id": uuid_for(&format!("attribute:{}", it.code)), "link_id": sid, "link_type": "service", "link_entity": "service", "taxonomy_term_id": uuid_for(&format!("category:{}", it.category_no))}));
    }
    Tables {
        organizations,
        services,
        fundings,
        taxonomies,
        terms,
        attributes,
    }
}

/// The version as HSDS 3.0 JSON: organizations with their services nested, as the HSDS
/// API's `/organizations` returns them, plus the taxonomy.
pub fn to_json(s: &Snapshot) -> Vec<u8> {
    let t = tables(s);
    let mut by_org: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (svc, (f, a)) in t
        .services
        .iter()
        .zip(t.fundings.iter().zip(t.attributes.iter()))
    {
        let mut svc = svc.clone();
        svc["funding"] = json!([f]);
        svc["attributes"] = json!([a]);
        by_org
            .entry(
                svc["organization_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
            .or_default()
            .push(svc);
    }
    let organizations: Vec<Value> = t
        .organizations
        .into_iter()
        .map(|mut o| {
            let id = o["id"].as_str().unwrap_or_default().to_string();
            o["services"] = Value::Array(by_org.remove(&id).unwrap_or_default());
            o
        })
        .collect();
    let v = json!({
        "hsds_version": "3.0",
        "profile": PROFILE,
        "gongfu_version": {"number": s.version.number, "label": s.version.label},
        "taxonomies": t.taxonomies,
        "taxonomy_terms": t.terms,
        "organizations": organizations,
    });
    serde_json::to_vec_pretty(&v).unwrap_or_default()
}

fn csv_of(rows: &[Value], fields: &[String]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(fields);
    for r in rows {
        let _ = w.write_record(fields.iter().map(|f| match &r[f.as_str()] {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }));
    }
    w.into_inner().unwrap_or_default()
}

/// The columns of a table: every field any row has, in the order first met (a field left
/// out of one row, like an area's `parent_id`, is still a column), or `fallback` for no rows.
fn fields_of(rows: &[Value], fallback: &[&str]) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    for key in rows.iter().filter_map(Value::as_object).flat_map(Map::keys) {
        if !fields.contains(key) {
            fields.push(key.clone());
        }
    }
    if rows.is_empty() {
        fields = fallback.iter().map(|s| s.to_string()).collect();
    }
    fields
}

/// The version as HSDS 3.0 CSV files with a Frictionless `datapackage.json`, zipped.
pub fn to_csv_zip(s: &Snapshot) -> Result<Vec<u8>, String> {
    let t = tables(s);
    let files: Vec<(&str, &[Value], &[&str])> = vec![
        (
            "organization",
            &t.organizations,
            &["id", "name", "description"],
        ),
        ("service", &t.services, &["id", "organization_id", "name"]),
        ("funding", &t.fundings, &["id", "service_id", "source"]),
        ("taxonomy", &t.taxonomies, &["id", "name"]),
        (
            "taxonomy_term",
            &t.terms,
            &["id", "code", "name", "taxonomy_id", "parent_id"],
        ),
        (
            "attribute",
            &t.attributes,
            &["id", "link_id", "taxonomy_term_id"],
        ),
    ];
    let mut resources = Vec::new();
    let mut zipw = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, rows, fallback) in &files {
        let fields = fields_of(rows, fallback);
        zipw.start_file(format!("{name}.csv"), opts)
            .map_err(|e| e.to_string())?;
        zipw.write_all(&csv_of(rows, &fields))
            .map_err(|e| e.to_string())?;
        resources.push(json!({
            "name": name, "path": format!("{name}.csv"), "profile": "tabular-data-resource", "format": "csv", "encoding": "utf-8",
            "schema": {"fields": fields.iter().map(|f| json!({"name": f, "type": "string"})).collect::<Vec<_>>(), "primaryKey": "id"},
        }));
    }
    let dp = json!({"name": "gongfu-service-list", "title": format!("基本公共服务清单 {}", s.version.label), "profile": "tabular-data-package", "hsds_version": "3.0", "hsds_profile": PROFILE, "resources": resources});
    zipw.start_file("datapackage.json", opts)
        .map_err(|e| e.to_string())?;
    zipw.write_all(&serde_json::to_vec_pretty(&dp).unwrap_or_default())
        .map_err(|e| e.to_string())?;
    Ok(zipw.finish().map_err(|e| e.to_string())?.into_inner())
}

/// Reads an HSDS 3.0 JSON export back into a list. Services need the gongfu profile
/// fields (`gongfu_code`, `gongfu_category`, ...); an HSDS file from another system without
/// them is reported service by service.
pub fn read_json(
    file: &str,
    bytes: &[u8],
    today: gongfu_rules::date::Ymd,
) -> Result<(Taxonomy, Vec<ServiceItem>), ImportFailure> {
    let fail = |message: String| ImportFailure {
        file: file.into(),
        errors: vec![ImportError {
            file: file.into(),
            sheet: None,
            row: None,
            column: None,
            message,
        }],
    };
    let v: Value =
        serde_json::from_slice(bytes).map_err(|e| fail(format!("not valid JSON: {e}")))?;
    let terms = v["taxonomy_terms"].as_array().ok_or_else(|| fail("no taxonomy_terms array; this reader takes the HSDS JSON that gongfu exports (hsds format)".into()))?;
    let mut areas = Vec::new();
    let mut cats = Vec::new();
    let area_nos: HashMap<&str, u32> = terms
        .iter()
        .filter_map(|t| {
            Some((
                t["id"].as_str()?,
                t["code"].as_str()?.strip_prefix('A')?.parse().ok()?,
            ))
        })
        .collect();
    for t in terms {
        let code = t["code"].as_str().unwrap_or("");
        let name = t["name"].as_str().unwrap_or("").to_string();
        if let Some(n) = code.strip_prefix('A').and_then(|n| n.parse().ok()) {
            areas.push(Area { no: n, name });
        } else if let Some(n) = code.strip_prefix('C').and_then(|n| n.parse().ok()) {
            let area_no = t["parent_id"]
                .as_str()
                .and_then(|p| area_nos.get(p))
                .copied()
                .unwrap_or(0);
            cats.push(Category {
                no: n,
                area_no,
                name,
            });
        }
    }
    let taxonomy = Taxonomy::new(areas, cats).map_err(|e| fail(format!("taxonomy_terms: {e}")))?;
    let mut drafts = Vec::new();
    let mut row = 0;
    for org in v["organizations"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        for svc in org["services"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
            row += 1;
            let mut d = ItemDraft::default();
            for (key, field) in MAPPED {
                d.set(key, svc[*field].as_str().unwrap_or("").to_string());
            }
            for c in ITEM_COLUMNS
                .iter()
                .filter(|c| !MAPPED.iter().any(|(k, _)| k == &c.key))
            {
                d.set(
                    c.key,
                    svc[format!("gongfu_{}", c.key)]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                );
            }
            if d.expenditure_responsibility.is_empty() {
                d.expenditure_responsibility = svc["funding"][0]["source"]
                    .as_str()
                    .unwrap_or("")
                    .to_string();
            }
            drafts.push(Located {
                draft: d,
                row,
                columns: HashMap::new(),
            });
        }
    }
    // Services come grouped by organization; restore list order before parsing.
    let items = parse_drafts(
        &Origin {
            file: file.into(),
            sheet: None,
        },
        &taxonomy,
        drafts,
        today,
    )?;
    let mut items = items;
    items.sort_by(|a, b| {
        (a.category_no, a.seq, a.code.as_str()).cmp(&(b.category_no, b.seq, b.code.as_str()))
    });
    Ok((taxonomy, items))
}

/// Reads an HSDS 3.0 CSV package (the zip `to_csv_zip` writes: `datapackage.json`,
/// `service.csv`, `taxonomy_term.csv`, `funding.csv`, ...) by rebuilding the JSON document
/// from its tables, so both forms go through one reader. Read within
/// [`gongfu_sheets::limits`]: the tables together inflate to at most `max_unzipped_bytes`
/// (a 1.25 MB package once inflated to 5.9 GB), and none has more than `max_rows` rows.
pub fn read_csv_zip(
    file: &str,
    bytes: &[u8],
    today: gongfu_rules::date::Ymd,
) -> Result<(Taxonomy, Vec<ServiceItem>), ImportFailure> {
    read_csv_zip_within(file, bytes, today, &gongfu_sheets::limits())
}

fn read_csv_zip_within(
    file: &str,
    bytes: &[u8],
    today: gongfu_rules::date::Ymd,
    limits: &gongfu_sheets::Limits,
) -> Result<(Taxonomy, Vec<ServiceItem>), ImportFailure> {
    let fail = |sheet: Option<&str>, message: String| ImportFailure {
        file: file.into(),
        errors: vec![ImportError {
            file: file.into(),
            sheet: sheet.map(str::to_string),
            row: None,
            column: None,
            message,
        }],
    };
    let mut zip = gongfu_sheets::Unzip::open(file, bytes, limits).map_err(|mut e| {
        e.message = format!(
            "{}；HSDS CSV 数据包是含 datapackage.json 的 CSV 文件 zip 包",
            e.message
        );
        ImportFailure::one(e)
    })?;
    if !zip.contains("datapackage.json") {
        return Err(fail(
            None,
            "no datapackage.json in the zip; an HSDS CSV package lists its tables there".into(),
        ));
    }
    let mut read = |name: &str| -> Result<Option<Vec<Value>>, ImportFailure> {
        // Capped: the tables read so far and this one inflate to at most the limit.
        let Some(bytes) = zip.read(name).map_err(ImportFailure::one)? else {
            return Ok(None);
        };
        let text = String::from_utf8(bytes)
            .map_err(|e| fail(Some(name), format!("not UTF-8 text: {e}")))?;
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let headers = rdr
            .headers()
            .map_err(|e| fail(Some(name), format!("bad header row: {e}")))?
            .clone();
        let mut rows = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| fail(Some(name), format!("not valid CSV: {e}")))?;
            if rows.len() == limits.max_rows {
                // Count the rest, so the message says how many there are.
                let found = rows.len() + 1 + rdr.records().count();
                let max = limits.max_rows;
                return Err(fail(
                    Some(name),
                    format!("「{file}」中的 {name} 有 {found} 行，超过了一次导入 {max} 行的上限，没有导入；请把清单拆成几个数据包（每张表不超过 {max} 行）分别导入"),
                ));
            }
            let obj: Map<String, Value> = headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), Value::String(v.to_string())))
                .collect();
            rows.push(Value::Object(obj));
        }
        Ok(Some(rows))
    };
    let services =
        read("service.csv")?.ok_or_else(|| fail(None, "no service.csv in the package".into()))?;
    let terms = read("taxonomy_term.csv")?
        .ok_or_else(|| fail(None, "no taxonomy_term.csv in the package".into()))?;
    let fundings = read("funding.csv")?.unwrap_or_default();
    let terms: Vec<Value> = terms
        .into_iter()
        .map(|mut t| {
            // CSV has no null: an empty parent_id is a top-level term.
            if t["parent_id"].as_str() == Some("") {
                t["parent_id"] = Value::Null;
            }
            t
        })
        .collect();
    let services: Vec<Value> = services
        .into_iter()
        .map(|mut svc| {
            let id = svc["id"].as_str().unwrap_or_default().to_string();
            let funding: Vec<&Value> = fundings
                .iter()
                .filter(|f| f["service_id"].as_str() == Some(id.as_str()))
                .collect();
            svc["funding"] = json!(funding);
            svc
        })
        .collect();
    let doc = json!({"hsds_version": "3.0", "taxonomy_terms": terms, "organizations": [{"services": services}]});
    read_json(file, &serde_json::to_vec(&doc).unwrap_or_default(), today)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zip of these entries, deflated.
    fn package(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            w.start_file(*name, opts).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn refusal(r: Result<(Taxonomy, Vec<ServiceItem>), ImportFailure>) -> ImportError {
        match r {
            Err(f) => f.errors.into_iter().next().unwrap(),
            Ok(_) => panic!("the package was read"),
        }
    }

    #[test]
    fn a_package_that_inflates_past_the_cap_is_refused() {
        // 4 MiB of one character deflates to a few KiB: read_to_string used to take it all.
        let bomb = format!("id,name\n1,{}\n", "a".repeat(4 * 1024 * 1024));
        let bytes = package(&[
            ("datapackage.json", b"{}"),
            ("service.csv", bomb.as_bytes()),
        ]);
        assert!(bytes.len() < 64 * 1024, "{}", bytes.len());
        let limits = gongfu_sheets::Limits {
            max_unzipped_bytes: 1024 * 1024,
            ..gongfu_sheets::Limits::DEFAULT
        };
        let e = refusal(read_csv_zip_within("bomb.zip", &bytes, 20261203, &limits));
        assert!(
            e.message.contains("service.csv") && e.message.contains("1 MiB 的上限"),
            "{e}"
        );
    }

    #[test]
    fn a_table_with_more_rows_than_the_cap_is_refused() {
        let services: String = std::iter::once("id,name\n".to_string())
            .chain((0..5).map(|i| format!("{i},服务{i}\n")))
            .collect();
        let bytes = package(&[
            ("datapackage.json", b"{}"),
            ("service.csv", services.as_bytes()),
        ]);
        let limits = gongfu_sheets::Limits {
            max_rows: 4,
            ..gongfu_sheets::Limits::DEFAULT
        };
        let e = refusal(read_csv_zip_within("many.zip", &bytes, 20261203, &limits));
        assert_eq!(e.sheet.as_deref(), Some("service.csv"));
        assert!(
            e.message.contains("有 5 行") && e.message.contains("4 行的上限"),
            "{e}"
        );
    }

    #[test]
    fn uuids_are_stable_and_well_formed() {
        let a = uuid_for("service:N2001");
        assert_eq!(a, uuid_for("service:N2001"));
        assert_ne!(a, uuid_for("service:N2002"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8", "version 8");
        assert!(
            matches!(&a[19..20], "8" | "9" | "a" | "b"),
            "RFC 9562 variant"
        );
    }
}
