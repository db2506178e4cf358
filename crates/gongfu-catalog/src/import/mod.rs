//! Import: files in, parsed lists out, all or nothing.
//!
//! Every reader turns its format into [`ItemDraft`]s that remember where each cell came
//! from; one function then parses them all against the taxonomy and checks the list-wide
//! rules. Either every row is good and a [`ParsedList`] comes back, or the caller gets
//! every error found (up to [`MAX_ERRORS`]), each naming file, sheet, row and column.

pub mod registry;
pub mod text_layout;

use gongfu_domain::catalog::{validate_list, Area, Category, ItemColumn, ITEM_COLUMNS};
use gongfu_domain::{ItemDraft, ServiceItem, Taxonomy};
use gongfu_rules::date::Ymd;
use gongfu_sheets::Table;
use std::collections::HashMap;

pub use gongfu_sheets::read as table;
pub use gongfu_sheets::{ImportError, ImportFailure, MAX_ERRORS};

/// The file formats a list can be read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV, UTF-8 or GB18030.
    Csv,
    /// Excel workbook (also .xls and .ods).
    Xlsx,
    /// gongfu's JSON list.
    Json,
    /// The official text layout (一、 / 1. / (1) / 服务对象：...), e.g. a PDF's text layer.
    Text,
    /// Open Referral HSDS 3.0 CSV files with datapackage.json, zipped.
    HsdsCsv,
}

impl Format {
    /// Guesses the format from the file name, then from the first bytes.
    pub fn detect(file: &str, bytes: &[u8]) -> Option<Self> {
        if gongfu_sheets::is_workbook(file, bytes) {
            return Some(Self::Xlsx);
        }
        let lower = file.to_ascii_lowercase();
        match lower.rsplit_once('.').map_or("", |(_, ext)| ext) {
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            "txt" | "text" | "md" => Some(Self::Text),
            "zip" => Some(Self::HsdsCsv),
            _ if bytes.trim_ascii_start().starts_with(b"{") => Some(Self::Json),
            _ => None,
        }
    }

    /// Parses a format name as given on the command line or in the API.
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "xlsx" | "excel" => Some(Self::Xlsx),
            "json" | "hsds" => Some(Self::Json),
            "hsds-csv" | "zip" => Some(Self::HsdsCsv),
            "text" | "txt" => Some(Self::Text),
            _ => None,
        }
    }
}

/// A list read from a file: every item parsed, the list-wide rules checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedList {
    /// The taxonomy the items were parsed against.
    pub taxonomy: Taxonomy,
    /// True when the file carried its own taxonomy (text layout, JSON, an xlsx 领域大类 sheet).
    pub taxonomy_from_file: bool,
    /// The items, in file order.
    pub items: Vec<ServiceItem>,
}

/// An item draft and where its cells are in the file.
#[derive(Debug, Clone)]
pub struct Located {
    /// The raw item.
    pub draft: ItemDraft,
    /// Row or line of the item.
    pub row: usize,
    /// Column (or line) per field key, for errors on one field.
    pub columns: HashMap<&'static str, (Option<usize>, Option<String>)>,
}

/// Where the drafts came from, for messages.
#[derive(Debug, Clone)]
pub struct Origin {
    /// File name.
    pub file: String,
    /// Sheet name.
    pub sheet: Option<String>,
}

/// Reads a list from `bytes`. `fallback` is the taxonomy to parse against when the file
/// does not carry its own (the current version's, or the national default).
pub fn read_list(
    file: &str,
    bytes: &[u8],
    format: Format,
    fallback: &Taxonomy,
    today: Ymd,
) -> Result<ParsedList, ImportFailure> {
    let (origin, taxonomy, from_file, drafts) = match format {
        Format::Csv => {
            let t = table::read_csv(file, bytes, is_item_header).map_err(ImportFailure::one)?;
            let (o, d) = table_drafts(&t)?;
            (o, fallback.clone(), false, d)
        }
        Format::Xlsx => {
            let t = table::read_xlsx(file, bytes, &["服务清单", "清单"], is_item_header)
                .map_err(ImportFailure::one)?;
            let tax = match table::read_workbook(file, bytes)
                .map_err(ImportFailure::one)?
                .into_iter()
                .find(|(n, _)| n == TAXONOMY_SHEET)
            {
                Some((name, rows)) => {
                    let tt = taxonomy_table(file, Some(name), rows)?;
                    Some(read_taxonomy_table(&tt)?)
                }
                None => None,
            };
            let (o, d) = table_drafts(&t)?;
            let from_file = tax.is_some();
            (o, tax.unwrap_or_else(|| fallback.clone()), from_file, d)
        }
        Format::HsdsCsv => {
            let (taxonomy, items) = crate::hsds::read_csv_zip(file, bytes, today)?;
            return Ok(ParsedList {
                taxonomy,
                taxonomy_from_file: true,
                items,
            });
        }
        Format::Json if is_hsds(bytes) => {
            let (taxonomy, items) = crate::hsds::read_json(file, bytes, today)?;
            return Ok(ParsedList {
                taxonomy,
                taxonomy_from_file: true,
                items,
            });
        }
        Format::Json => {
            let (tax, d) = json_drafts(file, bytes)?;
            let from_file = tax.is_some();
            (
                Origin {
                    file: file.into(),
                    sheet: None,
                },
                tax.unwrap_or_else(|| fallback.clone()),
                from_file,
                d,
            )
        }
        Format::Text => {
            let (tax, d) = text_layout::read(file, bytes)?;
            (
                Origin {
                    file: file.into(),
                    sheet: None,
                },
                tax,
                true,
                d,
            )
        }
    };
    let items = parse_drafts(&origin, &taxonomy, drafts, today)?;
    Ok(ParsedList {
        taxonomy,
        taxonomy_from_file: from_file,
        items,
    })
}

/// An HSDS document says so in its first kilobytes.
fn is_hsds(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    head.windows(14).any(|w| w == b"\"hsds_version\"")
}

/// Name of the xlsx sheet that carries the taxonomy.
pub const TAXONOMY_SHEET: &str = "领域大类";

fn is_item_header(cells: &[String]) -> bool {
    let known = cells
        .iter()
        .filter(|c| ItemColumn::by_header(c).is_some())
        .count();
    known >= 3
        && cells
            .iter()
            .any(|c| ItemColumn::by_header(c).is_some_and(|col| col.key == "name"))
}

/// Maps a table's columns to item fields and reads every row into a draft. Area and
/// category cells left empty are filled from the row above, as merged cells read.
fn table_drafts(t: &Table) -> Result<(Origin, Vec<Located>), ImportFailure> {
    let mut errors = Vec::new();
    let mut map: Vec<Option<&'static ItemColumn>> = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, h) in t.headers.iter().enumerate() {
        if h.is_empty() {
            map.push(None);
            continue;
        }
        match ItemColumn::by_header(h) {
            Some(c) => {
                if let Some(prev) = seen.insert(c.key, i) {
                    errors.push(t.error_at(
                        Some(t.header_row),
                        Some(i),
                        gongfu_domain::msg!(
                            "import-column-repeated",
                            header = h,
                            column = table::column_letter(prev),
                            canonical = c.header
                        ),
                    ));
                }
                map.push(Some(c));
            }
            None => {
                let known: Vec<&str> = ITEM_COLUMNS.iter().map(|c| c.header).collect();
                errors.push(t.error_at(
                    Some(t.header_row),
                    Some(i),
                    gongfu_domain::msg!(
                        "import-column-unknown",
                        header = h,
                        known = known.join("、")
                    ),
                ));
                map.push(None);
            }
        }
    }
    if !errors.is_empty() {
        return Err(ImportFailure {
            file: t.file.clone(),
            errors,
        });
    }
    let mut out = Vec::with_capacity(t.rows.len());
    let (mut last_area, mut last_cat) = (String::new(), String::new());
    for (row_no, cells) in &t.rows {
        let mut d = ItemDraft::default();
        let mut columns = HashMap::new();
        for (i, col) in map.iter().enumerate() {
            if let Some(col) = col {
                d.set(col.key, cells.get(i).cloned().unwrap_or_default());
                columns.insert(
                    col.key,
                    (
                        Some(*row_no),
                        Some(format!("{}（{}）", table::column_letter(i), t.headers[i])),
                    ),
                );
            }
        }
        if d.area.trim().is_empty() && d.category.trim().is_empty() {
            d.area = last_area.clone();
            d.category = last_cat.clone();
        } else if d.category.trim().is_empty() {
            d.category = String::new();
        } else if d.area.trim().is_empty() && !seen.contains_key("area") {
            // no area column at all: the category alone decides the area
        } else if d.area.trim().is_empty() {
            d.area = last_area.clone();
        }
        last_area = d.area.clone();
        last_cat = d.category.clone();
        out.push(Located {
            draft: d,
            row: *row_no,
            columns,
        });
    }
    Ok((
        Origin {
            file: t.file.clone(),
            sheet: t.sheet.clone(),
        },
        out,
    ))
}

/// Parses every draft against the taxonomy, gives codes to rows that have none (from
/// category and 序号, as the national layout has no code column), and checks list rules.
pub fn parse_drafts(
    origin: &Origin,
    taxonomy: &Taxonomy,
    drafts: Vec<Located>,
    today: Ymd,
) -> Result<Vec<ServiceItem>, ImportFailure> {
    let mut errors = Vec::new();
    let mut items = Vec::with_capacity(drafts.len());
    let mut rows = Vec::with_capacity(drafts.len());
    let at = |l: &Located, field: Option<&'static str>, message: String| {
        let (row, column) = field
            .and_then(|f| l.columns.get(f).cloned())
            .unwrap_or((Some(l.row), None));
        ImportError {
            file: origin.file.clone(),
            sheet: origin.sheet.clone(),
            row: row.or(Some(l.row)),
            column,
            message,
        }
    };
    for mut l in drafts {
        if l.draft.code.trim().is_empty() {
            if let Some(code) = derived_code(&l.draft, taxonomy) {
                l.draft.code = code;
            }
        }
        match ServiceItem::parse(&l.draft, taxonomy) {
            Ok(it) => {
                let problems =
                    crate::eligibility::check(&it, gongfu_rules::Schema::shared(), today);
                if problems.is_empty() {
                    items.push(it);
                    rows.push(l);
                } else {
                    for (field, msg) in problems {
                        errors.push(at(&l, Some(field), msg));
                    }
                }
            }
            Err(errs) => {
                for e in errs {
                    let msg = if e.field == "code" && l.draft.seq.trim().is_empty() {
                        gongfu_domain::msg!("import-code-or-seq", message = e.message)
                    } else {
                        e.message
                    };
                    errors.push(at(&l, Some(e.field), msg));
                }
            }
        }
        if errors.len() >= MAX_ERRORS {
            break;
        }
    }
    if errors.is_empty() {
        for e in validate_list(&items) {
            errors.push(at(&rows[e.index()], Some(e.field()), e.to_string()));
        }
    }
    if errors.is_empty() {
        Ok(items)
    } else {
        errors.truncate(MAX_ERRORS);
        Err(ImportFailure {
            file: origin.file.clone(),
            errors,
        })
    }
}

/// N + category + 序号 for national items, L + ... for local ones: N2001 is category 20's
/// first item.
fn derived_code(d: &ItemDraft, taxonomy: &Taxonomy) -> Option<String> {
    let cat = taxonomy.category_by_name(&d.category)?;
    let seq: String = gongfu_domain::text::fold_width(&d.seq)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let seq: u32 = seq.parse().ok()?;
    let national = d.origin_level.trim().is_empty()
        || gongfu_domain::OriginLevel::parse(&d.origin_level)
            == Some(gongfu_domain::OriginLevel::National);
    Some(format!(
        "{}{:02}{:02}",
        if national { "N" } else { "L" },
        cat.no,
        seq
    ))
}

fn taxonomy_table(
    file: &str,
    sheet: Option<String>,
    rows: Vec<(usize, Vec<String>)>,
) -> Result<Table, ImportFailure> {
    let t = Table {
        file: file.into(),
        sheet: sheet.clone(),
        headers: vec![],
        header_row: 0,
        rows: vec![],
    };
    let mut it = rows.into_iter();
    for (n, cells) in it.by_ref() {
        let cleaned: Vec<String> = cells
            .iter()
            .map(|c| gongfu_domain::text::clean(c))
            .collect();
        if cleaned.iter().any(|c| c == "领域") && cleaned.iter().any(|c| c == "大类") {
            // Pad short rows to the header's width, as the CSV reader does, so every
            // column index below is in bounds.
            let width = cleaned.len();
            let rows = it
                .filter(|(_, c)| c.iter().any(|x| !x.trim().is_empty()))
                .map(|(n, mut c)| {
                    c.resize(width.max(c.len()), String::new());
                    (n, c)
                })
                .collect();
            return Ok(Table {
                headers: cleaned,
                header_row: n,
                rows,
                ..t
            });
        }
    }
    Err(ImportFailure::one(t.error_at(
        None,
        None,
        gongfu_domain::msg!("taxonomy-no-header"),
    )))
}

/// Reads a taxonomy file (CSV or xlsx): columns 领域编号, 领域, 大类编号, 大类.
pub fn read_taxonomy(file: &str, bytes: &[u8]) -> Result<Taxonomy, ImportFailure> {
    let t = match Format::detect(file, bytes) {
        Some(Format::Xlsx) => {
            let sheets = table::read_workbook(file, bytes).map_err(ImportFailure::one)?;
            let (name, rows) = sheets.into_iter().next().ok_or_else(|| {
                ImportFailure::one(ImportError {
                    file: file.into(),
                    sheet: None,
                    row: None,
                    column: None,
                    message: gongfu_domain::msg!("import-no-sheets"),
                })
            })?;
            taxonomy_table(file, Some(name), rows)?
        }
        _ => table::read_csv(file, bytes, |h| {
            h.iter().any(|c| c == "领域") && h.iter().any(|c| c == "大类")
        })
        .map_err(ImportFailure::one)?,
    };
    read_taxonomy_table(&t)
}

fn read_taxonomy_table(t: &Table) -> Result<Taxonomy, ImportFailure> {
    let need = |name: &str| {
        t.find(|h| h == name).ok_or_else(|| {
            ImportFailure::one(t.error_at(
                Some(t.header_row),
                None,
                gongfu_domain::msg!("taxonomy-missing-column", column = name),
            ))
        })
    };
    let (an, a, cn, c) = (
        need("领域编号")?,
        need("领域")?,
        need("大类编号")?,
        need("大类")?,
    );
    let mut errors = Vec::new();
    let mut areas: Vec<Area> = Vec::new();
    let mut cats = Vec::new();
    for (row, cells) in &t.rows {
        let num = |i: usize| -> Option<u32> {
            let s: String = gongfu_domain::text::fold_width(&cells[i])
                .trim()
                .to_string();
            s.parse().ok().or_else(|| chinese_numeral(&s))
        };
        let (Some(area_no), Some(cat_no)) = (num(an), num(cn)) else {
            errors.push(t.error_at(
                Some(*row),
                Some(if num(an).is_none() { an } else { cn }),
                gongfu_domain::msg!("taxonomy-not-number"),
            ));
            continue;
        };
        let area_name = gongfu_domain::catalog::strip_numbering(&cells[a]);
        match areas.iter().find(|x| x.no == area_no) {
            Some(x) if x.name != area_name => errors.push(t.error_at(
                Some(*row),
                Some(a),
                gongfu_domain::msg!(
                    "taxonomy-area-renamed",
                    no = area_no,
                    earlier = x.name,
                    here = area_name
                ),
            )),
            Some(_) => {}
            None => areas.push(Area {
                no: area_no,
                name: area_name,
            }),
        }
        cats.push(Category {
            no: cat_no,
            area_no,
            name: gongfu_domain::catalog::strip_numbering(&cells[c]),
        });
    }
    if !errors.is_empty() {
        return Err(ImportFailure {
            file: t.file.clone(),
            errors,
        });
    }
    Taxonomy::new(areas, cats)
        .map_err(|e| ImportFailure::one(t.error_at(None, None, e.to_string())))
}

/// 一 .. 九十九 as numbers.
pub fn chinese_numeral(s: &str) -> Option<u32> {
    let digit = |c: char| "零一二三四五六七八九".find(c).map(|i| (i / 3) as u32);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c).filter(|d| *d > 0),
        ['十', d] => digit(*d).map(|d| 10 + d),
        [t, '十'] => digit(*t).map(|t| t * 10),
        [t, '十', d] => Some(digit(*t)? * 10 + digit(*d)?),
        _ => None,
    }
}

/// The JSON list format that `export` writes: `{"taxonomy": {...}, "items": [...]}`.
/// Item fields may be strings, numbers, booleans, arrays (joined with 、) or, for
/// 支出责任, an object with `text`, so the API's item JSON reads back as it is.
fn json_drafts(
    file: &str,
    bytes: &[u8],
) -> Result<(Option<Taxonomy>, Vec<Located>), ImportFailure> {
    let fail = |row: Option<usize>, message: String| {
        ImportFailure::one(ImportError {
            file: file.into(),
            sheet: None,
            row,
            column: None,
            message,
        })
    };
    let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        fail(
            Some(e.line()),
            gongfu_domain::msg!("import-bad-json", reason = e),
        )
    })?;
    let taxonomy = match v.get("taxonomy") {
        Some(t) if !t.is_null() => {
            let t: Taxonomy = serde_json::from_value(t.clone()).map_err(|e| fail(None, format!("taxonomy: {e}; expected {{\"areas\": [{{\"no\", \"name\"}}], \"categories\": [{{\"no\", \"area_no\", \"name\"}}]}}")))?;
            Some(
                Taxonomy::new(t.areas, t.categories)
                    .map_err(|e| fail(None, format!("taxonomy: {e}")))?,
            )
        }
        _ => None,
    };
    let items = v
        .get("items")
        .and_then(|i| i.as_array())
        .ok_or_else(|| fail(None, gongfu_domain::msg!("import-json-no-items")))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        let obj = it.as_object().ok_or_else(|| {
            fail(
                Some(i + 1),
                gongfu_domain::msg!("import-json-not-object", index = i + 1),
            )
        })?;
        let d = draft_from_json(obj);
        out.push(Located {
            draft: d,
            row: i + 1,
            columns: HashMap::new(),
        });
    }
    Ok((taxonomy, out))
}

/// An item draft from JSON in the shape the API returns items: strings, numbers, booleans,
/// arrays (joined with 、), `{"no", "name"}` for area and category, `{"kind", "text"}` for
/// 支出责任. Unknown keys are ignored, so an item fetched from the API can be edited and
/// sent back as it is.
pub fn draft_from_json(obj: &serde_json::Map<String, serde_json::Value>) -> ItemDraft {
    let mut d = ItemDraft::default();
    for (k, val) in obj {
        if ITEM_COLUMNS.iter().any(|c| c.key == k) {
            let s = match k.as_str() {
                "area" | "category" => val
                    .get("name")
                    .map(json_text)
                    .unwrap_or_else(|| json_text(val)),
                _ => json_text(val),
            };
            d.set(k, s);
        }
    }
    d
}

fn json_text(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "是" } else { "否" }.into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(json_text).collect::<Vec<_>>().join("、"),
        Value::Object(o) => o
            .get("text")
            .or_else(|| o.get("name"))
            .map(json_text)
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_numeral("一"), Some(1));
        assert_eq!(chinese_numeral("九"), Some(9));
        assert_eq!(chinese_numeral("十"), Some(10));
        assert_eq!(chinese_numeral("十三"), Some(13));
        assert_eq!(chinese_numeral("二十一"), Some(21));
        assert_eq!(chinese_numeral("x"), None);
        assert_eq!(chinese_numeral("零"), None);
    }
}
