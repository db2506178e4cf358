//! Reading a population table (one row per person, the profile's fields as columns) and
//! the finance tables (unit costs, payer shares, budgets) from CSV, all or nothing.
//!
//! Headers are the fields' names or their Chinese labels. A stored field with a default
//! may be left out (every person then has the default); the others are required. Every
//! error names the file, row and column and says what to write instead; nothing is kept
//! from a file with any error.

use std::collections::HashSet;

use gongfu_rules::date::{self, Ymd};
use gongfu_rules::schema::{FieldType, Value};
use gongfu_rules::{Population, PopulationBuilder, Schema};
use gongfu_sheets::{column_letter, ImportError, ImportFailure, MAX_ERRORS};

use crate::afford::Shares;

use gongfu_sheets::decode;

struct Errors {
    file: String,
    list: Vec<ImportError>,
}

impl Errors {
    fn new(file: &str) -> Self {
        Errors {
            file: file.to_string(),
            list: Vec::new(),
        }
    }

    fn push(&mut self, row: Option<usize>, column: Option<String>, message: impl Into<String>) {
        if self.list.len() < MAX_ERRORS {
            self.list.push(ImportError {
                file: self.file.clone(),
                sheet: None,
                row,
                column,
                message: message.into(),
            });
        }
    }

    fn full(&self) -> bool {
        self.list.len() >= MAX_ERRORS
    }

    fn finish<T>(self, v: T) -> Result<T, ImportFailure> {
        if self.list.is_empty() {
            Ok(v)
        } else {
            Err(ImportFailure {
                file: self.file,
                errors: self.list,
            })
        }
    }
}

fn col_name(i: usize, header: &str) -> String {
    format!("{}（{header}）", column_letter(i))
}

/// Reads a population as of `at` (its reference date: nobody may be born after it).
/// `communities` are the codes a person may live in.
pub fn read_population(
    file: &str,
    bytes: &[u8],
    schema: &Schema,
    at: Ymd,
    communities: &HashSet<String>,
) -> Result<Population, ImportFailure> {
    let mut errors = Errors::new(file);
    let text = decode(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            errors.push(Some(1), None, format!("the header row is not CSV: {e}"));
            return errors.finish(PopulationBuilder::new(schema).finish());
        }
        None => {
            errors.push(None, None, "the file is empty; the first row names the columns (birth_date, sex, residency, community, ...)");
            return errors.finish(PopulationBuilder::new(schema).finish());
        }
    };
    // Column -> field.
    let headers: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    let mut slot: Vec<Option<usize>> = Vec::with_capacity(headers.len());
    let mut seen: HashSet<usize> = HashSet::new();
    for (i, h) in headers.iter().enumerate() {
        let f = schema
            .index(h)
            .or_else(|| schema.fields().iter().position(|f| f.label == *h));
        match f {
            Some(f) if !schema.field(f).is_stored() => {
                errors.push(Some(1), Some(col_name(i, h)), format!("'{h}' is computed from other fields and cannot be imported; give {} instead", match schema.field(f).ty { FieldType::Derived(d) => schema.field(d.source()).name.clone(), _ => String::new() }));
                slot.push(None);
            }
            Some(f) if !seen.insert(f) => {
                errors.push(
                    Some(1),
                    Some(col_name(i, h)),
                    format!(
                        "field '{}' has a second column; keep one",
                        schema.field(f).name
                    ),
                );
                slot.push(None);
            }
            Some(f) => slot.push(Some(f)),
            None => {
                let hint = schema
                    .suggest(h)
                    .map(|s| format!(" (did you mean {s}?)"))
                    .unwrap_or_default();
                errors.push(
                    Some(1),
                    Some(col_name(i, h)),
                    format!(
                        "'{h}' is not a field of the profile{hint}; the fields are {}",
                        schema.names().join(", ")
                    ),
                );
                slot.push(None);
            }
        }
    }
    let missing: Vec<&str> = schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(i, f)| f.is_stored() && assumed(f).is_none() && !seen.contains(i))
        .map(|(_, f)| f.name.as_str())
        .collect();
    if !missing.is_empty() {
        errors.push(Some(1), None, format!("required columns are missing: {}; add them (a yes/no field, a list, or a choice with a 'none' value may be left out: every person then has no/none)", missing.join(", ")));
    }
    if !errors.list.is_empty() {
        return errors.finish(PopulationBuilder::new(schema).finish());
    }
    let birth = schema.index("birth_date");
    let mut b = PopulationBuilder::new(schema);
    let defaults: Vec<Option<Value>> = schema.fields().iter().map(assumed).collect();
    let mut values = defaults.clone();
    for (n, rec) in records.enumerate() {
        let row = n + 2;
        if errors.full() {
            break;
        }
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(Some(row), None, format!("not CSV: {e}"));
                continue;
            }
        };
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        values.clone_from(&defaults);
        let mut ok = true;
        for (i, cell) in rec.iter().enumerate() {
            let Some(Some(f)) = slot.get(i) else {
                if !cell.trim().is_empty() && i >= slot.len() {
                    errors.push(
                        Some(row),
                        Some(column_letter(i)),
                        "a value beyond the last named column; add a header or remove it",
                    );
                    ok = false;
                }
                continue;
            };
            let f = *f;
            let field = schema.field(f);
            let c = cell.trim();
            if c.is_empty() {
                if assumed(field).is_none() {
                    errors.push(
                        Some(row),
                        Some(col_name(i, &headers[i])),
                        format!("{} is empty; every person needs it", field.name),
                    );
                    ok = false;
                }
                continue;
            }
            match schema.parse_value(f, c) {
                Ok(Value::Date(d)) if d > at => {
                    errors.push(Some(row), Some(col_name(i, &headers[i])), format!("{} {c} is after the population's reference date {}; a birth date cannot be in the future", field.name, date::format(at)));
                    ok = false;
                }
                Ok(Value::Date(d)) if Some(f) == birth && date::years_between(d, at) > 120 => {
                    errors.push(
                        Some(row),
                        Some(col_name(i, &headers[i])),
                        format!(
                            "birth_date {c} makes the person older than 120 on {}; check the year",
                            date::format(at)
                        ),
                    );
                    ok = false;
                }
                Ok(Value::DateList(l)) if l.iter().any(|&d| d > at) => {
                    errors.push(
                        Some(row),
                        Some(col_name(i, &headers[i])),
                        format!(
                            "{} holds a date after the reference date {}",
                            field.name,
                            date::format(at)
                        ),
                    );
                    ok = false;
                }
                Ok(Value::Region(code)) if !communities.contains(&code) => {
                    errors.push(Some(row), Some(col_name(i, &headers[i])), format!("community {code} is not a current community of the district; import the regions first or correct the code"));
                    ok = false;
                }
                Ok(v) => values[f] = Some(v),
                Err(e) => {
                    errors.push(Some(row), Some(col_name(i, &headers[i])), e);
                    ok = false;
                }
            }
        }
        // Children born before their parent is an impossible row.
        if let (Some(bf), Some(cf)) = (birth, schema.index("children")) {
            if let (Some(Value::Date(bd)), Some(Value::DateList(kids))) = (&values[bf], &values[cf])
            {
                if kids.iter().any(|k| k <= bd) {
                    errors.push(
                        Some(row),
                        None,
                        "a child's birth date is not after the person's own birth date",
                    );
                    ok = false;
                }
            }
        }
        if ok {
            b.push(&values);
        }
    }
    let pop = b.finish();
    if pop.is_empty() && errors.list.is_empty() {
        errors.push(None, None, "the file has a header but no persons");
    }
    errors.finish(pop)
}

/// The value a person has when a field's column is left out or its cell is empty: the
/// field's default, else "no" for yes/no fields, nothing for sets and lists, and `none`
/// for choices that have it. Fields with none of these (birth date, sex, residency,
/// community) must be given.
fn assumed(f: &gongfu_rules::schema::Field) -> Option<Value> {
    if let Some(d) = &f.default {
        return Some(d.clone());
    }
    match f.ty {
        FieldType::Bool => Some(Value::Bool(false)),
        FieldType::Set => Some(Value::Set(0)),
        FieldType::DateList => Some(Value::DateList(vec![])),
        FieldType::Enum => f.choice("none").map(|i| Value::Enum(i as u8)),
        _ => None,
    }
}

/// A finance table read by header: rows of cells in `columns` order, and each column's
/// label as the file has it ("C (单位成本)"), so messages name the column the user sees.
struct Sheet {
    rows: Vec<(usize, Vec<String>)>,
    labels: Vec<String>,
}

/// A finance table's column: key, accepted headers (the first is the canonical one),
/// whether it is required.
type Col<'a> = (&'a str, &'a [&'a str], bool);

/// Reads a CSV of named columns; errors for unknown and missing columns.
fn read_rows(file: &str, bytes: &[u8], columns: &[Col<'_>]) -> Result<Sheet, ImportFailure> {
    let mut errors = Errors::new(file);
    let text = decode(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut map: Vec<Option<usize>> = Vec::new();
    let mut labels: Vec<String> = columns.iter().map(|c| c.1[0].to_string()).collect();
    for (n, rec) in rdr.records().enumerate() {
        let row = n + 1;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(Some(row), None, format!("not CSV: {e}"));
                continue;
            }
        };
        if n == 0 {
            for (i, h) in rec.iter().enumerate() {
                let h = h.trim();
                match columns
                    .iter()
                    .position(|(k, aliases, _)| *k == h || aliases.contains(&h))
                {
                    Some(c) => {
                        labels[c] = col_name(i, h);
                        map.push(Some(c));
                    }
                    None => {
                        let known: Vec<&str> = columns.iter().map(|c| c.1[0]).collect();
                        errors.push(
                            Some(1),
                            Some(col_name(i, h)),
                            format!(
                                "'{h}' is not a column of this table; the columns are {}",
                                known.join(", ")
                            ),
                        );
                        map.push(None);
                    }
                }
            }
            for (c, (_, aliases, required)) in columns.iter().enumerate() {
                if *required && !map.contains(&Some(c)) {
                    errors.push(Some(1), None, format!("column {} is missing", aliases[0]));
                }
            }
            continue;
        }
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut cells = vec![String::new(); columns.len()];
        for (i, cell) in rec.iter().enumerate() {
            if let Some(Some(c)) = map.get(i) {
                cells[*c] = cell.trim().to_string();
            }
        }
        rows.push((row, cells));
    }
    if rows.is_empty() && errors.list.is_empty() {
        errors.push(None, None, "the file has no rows under its header");
    }
    errors.finish(Sheet { rows, labels })
}

/// Larger than any amount a district's table holds (10 万亿 yuan): a value past it is a
/// typo or a unit mistake, and would overflow the totals.
const MAX_AMOUNT: f64 = 1e13;

fn number(errors: &mut Errors, row: usize, col: &str, raw: &str, what: &str) -> Option<f64> {
    match raw.replace([',', '，'], "").parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..MAX_AMOUNT).contains(&v) => Some(v),
        _ => {
            errors.push(
                Some(row),
                Some(col.to_string()),
                format!("'{raw}' is not {what}"),
            );
            None
        }
    }
}

/// A share written as a fraction (0.35) or a percentage (35 or 35%).
fn fraction(errors: &mut Errors, row: usize, col: &str, raw: &str, what: &str) -> Option<f64> {
    let v = number(errors, row, col, raw.trim_end_matches('%'), what)?;
    Some(if raw.ends_with('%') || v > 1.0 {
        v / 100.0
    } else {
        v
    })
}

fn year(errors: &mut Errors, row: usize, col: &str, raw: &str) -> Option<i64> {
    match raw.parse::<i64>() {
        Ok(y) if (2000..=2100).contains(&y) => Some(y),
        _ => {
            errors.push(
                Some(row),
                Some(col.to_string()),
                format!("'{raw}' is not a year from 2000 to 2100, such as 2026"),
            );
            None
        }
    }
}

/// The four shares (central, provincial, municipal, district) of a row; `Some(None)` when
/// all four are empty.
fn share_cells(
    errors: &mut Errors,
    row: usize,
    cells: &[String],
    labels: &[String],
) -> Option<Option<Shares>> {
    if cells.iter().all(|c| c.is_empty()) {
        return Some(None);
    }
    let mut v = [0.0; 4];
    for (i, c) in cells.iter().enumerate() {
        v[i] = fraction(
            errors,
            row,
            &labels[i],
            c,
            "a share (0 to 1, or a percentage)",
        )?;
    }
    let s = Shares::from_array(v);
    if let Err(e) = s.check("shares") {
        errors.push(Some(row), None, e);
        return None;
    }
    Some(Some(s))
}

const SHARE_COLS: [Col<'static>; 4] = [
    ("central_share", &["中央承担比例"], false),
    ("provincial_share", &["省级承担比例"], false),
    ("municipal_share", &["市级承担比例"], false),
    ("district_share", &["区级承担比例"], false),
];

/// Reads unit costs: 事项编码, 年度, 单位成本（元/人·年）, optional 受益比例 (share of the
/// eligible who use it), optional shares, 数据来源.
pub fn read_costs(
    file: &str,
    bytes: &[u8],
    known_items: &HashSet<String>,
) -> Result<Vec<gongfu_db::eligibility::CostRow>, ImportFailure> {
    let mut cols: Vec<Col<'_>> = vec![
        ("item_code", &["事项编码", "编码"], true),
        ("year", &["年度", "年份"], true),
        (
            "unit_cost",
            &["单位成本（元/人·年）", "单位成本", "人均成本"],
            true,
        ),
        ("take_up", &["受益比例", "利用率"], false),
    ];
    cols.extend(SHARE_COLS);
    cols.push(("provenance", &["数据来源"], false));
    let sheet = read_rows(file, bytes, &cols)?;
    let l = &sheet.labels;
    let mut errors = Errors::new(file);
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (row, c) in &sheet.rows {
        let row = *row;
        if !known_items.contains(&c[0]) {
            errors.push(Some(row), Some(l[0].clone()), format!("item {} is neither in a published version of the list nor proposed in an adjustment; check the code, or propose the item first", c[0]));
            continue;
        }
        let Some(y) = year(&mut errors, row, &l[1], &c[1]) else {
            continue;
        };
        if !seen.insert((c[0].clone(), y)) {
            errors.push(
                Some(row),
                None,
                format!("item {} has a second row for {y}; keep one", c[0]),
            );
            continue;
        }
        let Some(unit_cost) = number(
            &mut errors,
            row,
            &l[2],
            &c[2],
            "a cost in yuan per beneficiary per year",
        ) else {
            continue;
        };
        let take_up = if c[3].is_empty() {
            None
        } else {
            let what = "a share of the eligible who use the item (0 to 1, or a percentage)";
            let Some(v) = fraction(&mut errors, row, &l[3], &c[3], what) else {
                continue;
            };
            if v > 1.0 {
                let msg = format!(
                    "受益比例 {} is more than all of the eligible; write at most 1 (100%)",
                    c[3]
                );
                errors.push(Some(row), Some(l[3].clone()), msg);
                continue;
            }
            Some(v)
        };
        let Some(shares) = share_cells(&mut errors, row, &c[4..8], &l[4..8]) else {
            continue;
        };
        out.push(gongfu_db::eligibility::CostRow {
            item_code: c[0].clone(),
            year: y,
            unit_cost,
            take_up,
            shares: shares.map(|s| s.array()),
            provenance: c[8].clone(),
        });
    }
    errors.finish(out)
}

/// Reads default payer shares: 支出责任 (中央财政承担 / 地方财政承担 / 中央和地方共同承担, or
/// any other text), the four shares, 数据来源.
pub fn read_payer_shares(
    file: &str,
    bytes: &[u8],
) -> Result<Vec<gongfu_db::eligibility::ShareRow>, ImportFailure> {
    let mut cols: Vec<Col<'_>> = vec![("responsibility", &["支出责任"], true)];
    cols.extend(SHARE_COLS.map(|(k, a, _)| (k, a, true)));
    cols.push(("provenance", &["数据来源"], false));
    let sheet = read_rows(file, bytes, &cols)?;
    let l = &sheet.labels;
    let mut errors = Errors::new(file);
    let mut out = Vec::new();
    for (row, c) in &sheet.rows {
        let Some(r) = gongfu_domain::ExpenditureResponsibility::parse(&c[0]) else {
            errors.push(Some(*row), Some(l[0].clone()), "支出责任 is empty; write 中央财政承担, 地方财政承担, 中央和地方共同承担 or the split's own text");
            continue;
        };
        let Some(Some(s)) = share_cells(&mut errors, *row, &c[1..5], &l[1..5]) else {
            continue;
        };
        out.push(gongfu_db::eligibility::ShareRow {
            responsibility: crate::afford::responsibility_key(&r),
            shares: s.array(),
            provenance: c[5].clone(),
        });
    }
    errors.finish(out)
}

/// Reads budgets: 区划代码, 年度, 一般公共预算支出（元）, 数据来源.
pub fn read_budgets(
    file: &str,
    bytes: &[u8],
) -> Result<Vec<gongfu_db::eligibility::BudgetRow>, ImportFailure> {
    let cols: [Col<'_>; 4] = [
        ("region_code", &["区划代码", "代码"], true),
        ("year", &["年度", "年份"], true),
        (
            "general_expenditure",
            &["一般公共预算支出（元）", "一般公共预算支出"],
            true,
        ),
        ("provenance", &["数据来源"], false),
    ];
    let sheet = read_rows(file, bytes, &cols)?;
    let l = &sheet.labels;
    let mut errors = Errors::new(file);
    let mut out = Vec::new();
    for (row, c) in &sheet.rows {
        let row = *row;
        if gongfu_domain::RegionCode::parse(&c[0]).is_err() {
            errors.push(
                Some(row),
                Some(l[0].clone()),
                format!("'{}' is not a 12-digit region code", c[0]),
            );
            continue;
        }
        let Some(y) = year(&mut errors, row, &l[1], &c[1]) else {
            continue;
        };
        let Some(v) = number(&mut errors, row, &l[2], &c[2], "an amount in yuan") else {
            continue;
        };
        out.push(gongfu_db::eligibility::BudgetRow {
            region_code: c[0].clone(),
            year: y,
            general_expenditure: v,
            provenance: c[3].clone(),
        });
    }
    errors.finish(out)
}
