//! The resident profile's fields, as data (`data/eligibility/fields.csv`).
//!
//! A field has a name (what rules and the API call it), a type, a Chinese label and the
//! question the wizard asks, the values it may take, and optionally `ask_if` (a condition
//! in the rule language: when it is certainly false the question does not apply and
//! `default` is assumed, so a man is never asked whether he is pregnant and rules reading
//! `pregnant` still decide for him). Derived fields (`age`) are defined by an expression
//! over stored fields and have no column of their own.

use std::collections::HashMap;

use crate::date::{self, Ymd};
use crate::rule::{Cond, Rule};

/// The shipped schema.
pub const STANDARD_FIELDS: &str = include_str!("../../../data/eligibility/fields.csv");

/// How a field's values look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    /// Yes or no.
    Bool,
    /// A whole number in a range.
    Int {
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
    },
    /// A calendar date.
    Date,
    /// One of the listed values.
    Enum,
    /// Any number of the listed values.
    Set,
    /// A list of dates (children's birth dates).
    DateList,
    /// A community, by its 12-digit code.
    Region,
    /// Computed from other fields.
    Derived(Derived),
}

impl FieldType {
    /// The name used in the schema file and the fields API.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Bool => "bool",
            Self::Int { .. } => "int",
            Self::Date => "date",
            Self::Enum => "enum",
            Self::Set => "set",
            Self::DateList => "date_list",
            Self::Region => "region",
            Self::Derived(_) => "derived",
        }
    }
}

/// What a derived field computes; the `usize` is the stored field it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Derived {
    /// `years(date)`: whole years from the date to the reference date.
    Years(usize),
    /// `months(date)`: whole months.
    Months(usize),
    /// `count(date_list)`.
    Count(usize),
    /// `years(youngest(date_list))`: age of the youngest; absent when the list is empty.
    YoungestYears(usize),
    /// `months(youngest(date_list))`.
    YoungestMonths(usize),
}

impl Derived {
    /// The stored field it reads.
    pub fn source(self) -> usize {
        match self {
            Self::Years(f)
            | Self::Months(f)
            | Self::Count(f)
            | Self::YoungestYears(f)
            | Self::YoungestMonths(f) => f,
        }
    }
}

/// One allowed value of an enum or set field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Choice {
    /// Stable key, used in rules and the API.
    pub key: String,
    /// Chinese label.
    pub label: String,
}

/// A typed value of one field, after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Bool field.
    Bool(bool),
    /// Int field.
    Int(i64),
    /// Date field.
    Date(Ymd),
    /// Enum field: index into its choices.
    Enum(u8),
    /// Set field: bit i for choice i.
    Set(u32),
    /// Date list field.
    DateList(Vec<Ymd>),
    /// Region field: the code.
    Region(String),
}

/// One field of the profile.
#[derive(Debug, Clone)]
pub struct Field {
    /// Name in rules and the API.
    pub name: String,
    /// Type.
    pub ty: FieldType,
    /// Chinese label.
    pub label: String,
    /// The question the wizard asks.
    pub question: String,
    /// Values of an enum or set; for a bool, the labels of true and false.
    pub choices: Vec<Choice>,
    /// Unit of a number (周岁, 级).
    pub unit: String,
    /// `ask_if` as written.
    pub ask_if_text: String,
    /// `ask_if` compiled; `None` when the question always applies.
    pub ask_if: Option<Cond>,
    /// The value assumed when `ask_if` is certainly false.
    pub default: Option<Value>,
}

impl Field {
    /// Index of an enum or set value by key.
    pub fn choice(&self, key: &str) -> Option<usize> {
        self.choices.iter().position(|c| c.key == key)
    }

    /// The label of a bool value.
    pub fn bool_label(&self, v: bool) -> String {
        let key = if v { "true" } else { "false" };
        self.choice(key)
            .map(|i| self.choices[i].label.clone())
            .unwrap_or_else(|| {
                if v {
                    self.label.clone()
                } else {
                    format!("非{}", self.label)
                }
            })
    }

    /// Whether the field has a column (everything but derived fields).
    pub fn is_stored(&self) -> bool {
        !matches!(self.ty, FieldType::Derived(_))
    }
}

/// The most values an enum or set may list (a set is a 32-bit mask; an enum a byte).
pub const MAX_CHOICES: usize = 32;

/// What is wrong with a schema file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("eligibility fields, row {row}, column {column}: {message}")]
pub struct SchemaError {
    /// 1-based data row (the header is row 1).
    pub row: usize,
    /// Column name.
    pub column: &'static str,
    /// What is wrong and what to do.
    pub message: String,
}

/// The profile's fields.
#[derive(Debug, Clone)]
pub struct Schema {
    fields: Vec<Field>,
    by_name: HashMap<String, usize>,
}

const COLUMNS: [&str; 9] = [
    "name", "type", "label", "question", "values", "unit", "expr", "ask_if", "default",
];

static SHARED: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();

impl Schema {
    /// The installation's schema: the one [`Schema::install`] set at start-up, else the
    /// shipped one. One per process, like the rest of the configuration, so that every
    /// reader of a rule (import, adjustment, the resident's page, the microsimulation)
    /// reads it against the same fields.
    pub fn shared() -> &'static Schema {
        SHARED.get_or_init(Schema::standard)
    }

    /// Sets the installation's schema; call once at start-up, before anything reads a
    /// rule. Returns false (and changes nothing) if a schema was already in use.
    pub fn install(schema: Schema) -> bool {
        SHARED.set(schema).is_ok()
    }

    /// The shipped schema. It is tested, so this never fails.
    pub fn standard() -> Self {
        #[allow(clippy::expect_used)]
        Self::from_csv(STANDARD_FIELDS).expect("data/eligibility/fields.csv is valid (tested)")
    }

    /// Reads a schema from CSV text with the columns
    /// `name,type,label,question,values,unit,expr,ask_if,default`.
    pub fn from_csv(text: &str) -> Result<Self, SchemaError> {
        let err = |row: usize, column: &'static str, message: String| SchemaError {
            row,
            column,
            message,
        };
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(text.as_bytes());
        let header: Vec<String> = rd
            .headers()
            .map_err(|e| err(1, "name", format!("cannot read the header: {e}")))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        for c in COLUMNS {
            if !header.iter().any(|h| h == c) {
                return Err(err(
                    1,
                    "name",
                    format!(
                        "the header lacks column '{c}'; expected {}",
                        COLUMNS.join(",")
                    ),
                ));
            }
        }
        let col = |name: &str| header.iter().position(|h| h == name).unwrap_or(0);
        let mut rows = Vec::new();
        for (i, rec) in rd.records().enumerate() {
            let row = i + 2;
            let rec = rec.map_err(|e| err(row, "name", format!("cannot read the row: {e}")))?;
            let get = |name: &str| rec.get(col(name)).unwrap_or("").trim().to_string();
            rows.push((row, COLUMNS.map(get)));
        }
        let mut schema = Schema {
            fields: Vec::new(),
            by_name: HashMap::new(),
        };
        // Stored fields first, so derived fields can name any of them.
        let mut pending = Vec::new();
        for (row, [name, ty, label, question, values, unit, expr, ask_if, default]) in rows {
            if !is_ident(&name) {
                return Err(err(
                    row,
                    "name",
                    format!("'{name}' is not a field name: use lower-case letters, digits and _"),
                ));
            }
            if schema.by_name.contains_key(&name) || crate::rule::RESERVED.contains(&name.as_str())
            {
                return Err(err(
                    row,
                    "name",
                    format!("'{name}' is used twice or is a reserved word"),
                ));
            }
            if label.is_empty() {
                return Err(err(
                    row,
                    "label",
                    format!("field '{name}' has no Chinese label"),
                ));
            }
            let (ty, choices) = match ty.as_str() {
                "bool" => (FieldType::Bool, parse_choices(&values).map_err(|m| err(row, "values", m))?),
                "date" => (FieldType::Date, vec![]),
                "date_list" => (FieldType::DateList, vec![]),
                "region" => (FieldType::Region, vec![]),
                "enum" | "set" => {
                    let choices = parse_choices(&values).map_err(|m| err(row, "values", m))?;
                    if choices.is_empty() || choices.len() > MAX_CHOICES {
                        return Err(err(row, "values", format!("field '{name}' needs 1 to {MAX_CHOICES} values written key:标签|key:标签")));
                    }
                    (if ty == "enum" { FieldType::Enum } else { FieldType::Set }, choices)
                }
                "int" => {
                    let (lo, hi) = values
                        .split_once("..")
                        .and_then(|(a, b)| Some((a.trim().parse::<i64>().ok()?, b.trim().parse::<i64>().ok()?)))
                        .filter(|(a, b)| a <= b)
                        .ok_or_else(|| err(row, "values", format!("int field '{name}' needs a range like 0..4, found '{values}'")))?;
                    (FieldType::Int { min: lo, max: hi }, vec![])
                }
                "derived" => {
                    pending.push((row, name, label, unit, expr));
                    continue;
                }
                other => {
                    return Err(err(row, "type", format!("unknown type '{other}'; use bool, int, date, enum, set, date_list, region or derived")))
                }
            };
            if matches!(ty, FieldType::Bool) {
                for c in &choices {
                    if c.key != "true" && c.key != "false" {
                        return Err(err(
                            row,
                            "values",
                            format!(
                                "a bool field's values are true:标签|false:标签, found '{}'",
                                c.key
                            ),
                        ));
                    }
                }
            }
            let idx = schema.fields.len();
            schema.by_name.insert(name.clone(), idx);
            schema.fields.push(Field {
                name,
                ty,
                label,
                question,
                choices,
                unit,
                ask_if_text: ask_if,
                ask_if: None,
                default: None,
            });
            schema.fields[idx].default = if default.is_empty() {
                None
            } else {
                Some(
                    schema
                        .parse_value(idx, &default)
                        .map_err(|m| err(row, "default", m))?,
                )
            };
        }
        for (row, name, label, unit, expr) in pending {
            let d = schema
                .parse_derived(&expr)
                .map_err(|m| err(row, "expr", m))?;
            let idx = schema.fields.len();
            schema.by_name.insert(name.clone(), idx);
            schema.fields.push(Field {
                name,
                ty: FieldType::Derived(d),
                label,
                question: String::new(),
                choices: vec![],
                unit,
                ask_if_text: String::new(),
                ask_if: None,
                default: None,
            });
        }
        // ask_if may read any field, derived ones included.
        for i in 0..schema.fields.len() {
            let text = schema.fields[i].ask_if_text.clone();
            if text.is_empty() {
                continue;
            }
            let rule = Rule::parse(&text, &schema).map_err(|e| SchemaError {
                row: i + 2,
                column: "ask_if",
                message: e.to_string(),
            })?;
            if schema.fields[i].default.is_none() && schema.fields[i].ty != FieldType::DateList {
                return Err(err(
                    i + 2,
                    "default",
                    format!(
                        "field '{}' has ask_if but no default for when it is not asked",
                        schema.fields[i].name
                    ),
                ));
            }
            schema.fields[i].ask_if = Some(rule.cond);
        }
        Ok(schema)
    }

    fn parse_derived(&self, expr: &str) -> Result<Derived, String> {
        let s: String = expr.chars().filter(|c| !c.is_whitespace()).collect();
        let inner = |s: &str, f: &str| -> Option<String> {
            s.strip_prefix(f)?
                .strip_prefix('(')?
                .strip_suffix(')')
                .map(str::to_string)
        };
        let stored = |name: &str, want: FieldType| -> Result<usize, String> {
            let i = *self.by_name.get(name).ok_or_else(|| {
                format!("'{expr}' reads '{name}', which is not a stored field above")
            })?;
            if self.fields[i].ty != want {
                return Err(format!(
                    "'{expr}' reads '{name}', a {} field; it needs a {} field",
                    self.fields[i].ty.name(),
                    want.name()
                ));
            }
            Ok(i)
        };
        if let Some(a) = inner(&s, "years").or_else(|| inner(&s, "months")) {
            let months = s.starts_with("months");
            if let Some(list) = inner(&a, "youngest") {
                let f = stored(&list, FieldType::DateList)?;
                return Ok(if months {
                    Derived::YoungestMonths(f)
                } else {
                    Derived::YoungestYears(f)
                });
            }
            let f = stored(&a, FieldType::Date)?;
            return Ok(if months {
                Derived::Months(f)
            } else {
                Derived::Years(f)
            });
        }
        if let Some(a) = inner(&s, "count") {
            return Ok(Derived::Count(stored(&a, FieldType::DateList)?));
        }
        Err(format!("'{expr}' is not a derived expression; use years(f), months(f), count(list), years(youngest(list)) or months(youngest(list))"))
    }

    /// Every field, stored and derived, in file order (stored first).
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// A field by index.
    pub fn field(&self, i: usize) -> &Field {
        &self.fields[i]
    }

    /// A field's index by name.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// Names of every field, for "known fields are ..." messages.
    pub fn names(&self) -> Vec<&str> {
        self.fields.iter().map(|f| f.name.as_str()).collect()
    }

    /// The name closest to a misspelt one, if any is close.
    pub fn suggest(&self, name: &str) -> Option<&str> {
        if name.len() >= 4 {
            if let Some(f) = self.fields.iter().find(|f| f.name.starts_with(name)) {
                return Some(&f.name);
            }
        }
        self.fields
            .iter()
            .map(|f| (edit_distance(&f.name, name), f.name.as_str()))
            .filter(|(d, n)| *d <= 2.max(n.len() / 4))
            .min()
            .map(|(_, n)| n)
    }

    /// Parses a value of a stored field from text, as CSV cells and examples write it:
    /// `true/false/是/否/1/0`, numbers, `YYYY-MM-DD`, a value key or its Chinese label,
    /// set and list members separated by `|`.
    pub fn parse_value(&self, idx: usize, raw: &str) -> Result<Value, String> {
        let f = &self.fields[idx];
        let s = raw.trim();
        let choice = |v: &str| -> Result<usize, String> {
            let v = v.trim();
            f.choices
                .iter()
                .position(|c| c.key == v || c.label == v)
                // A label's short forms: "最低生活保障（低保）" is also "低保" and "最低生活保障".
                .or_else(|| {
                    f.choices.iter().position(|c| {
                        c.label.split_once('（').is_some_and(|(head, rest)| {
                            head == v || rest.trim_end_matches('）') == v
                        })
                    })
                })
                .ok_or_else(|| format!("'{v}' is not a value of {}; allowed: {}", f.name, keys(f)))
        };
        Ok(match &f.ty {
            FieldType::Bool => Value::Bool(match s {
                "true" | "是" | "1" | "yes" | "y" | "TRUE" | "True" => true,
                "false" | "否" | "0" | "no" | "n" | "FALSE" | "False" => false,
                _ => {
                    return Err(format!(
                        "'{s}' is not yes or no for {}; write true or false (是/否)",
                        f.name
                    ))
                }
            }),
            FieldType::Int { min, max } => {
                let n: i64 = s
                    .parse()
                    .map_err(|_| format!("'{s}' is not a whole number for {}", f.name))?;
                if n < *min || n > *max {
                    return Err(format!("{} must be from {min} to {max}, found {n}", f.name));
                }
                Value::Int(n)
            }
            FieldType::Date => {
                Value::Date(date::parse(s).ok_or_else(|| {
                    format!("'{s}' is not a date for {}; write YYYY-MM-DD", f.name)
                })?)
            }
            FieldType::Enum => {
                let i = choice(s)?;
                Value::Enum(i as u8)
            }
            FieldType::Set => {
                let mut mask = 0u32;
                for part in s
                    .split(['|', '、', ','])
                    .filter(|p| !p.trim().is_empty() && p.trim() != "none" && p.trim() != "无")
                {
                    mask |= 1 << choice(part)?;
                }
                Value::Set(mask)
            }
            FieldType::DateList => {
                let mut v = Vec::new();
                for part in s
                    .split(['|', '、', ','])
                    .filter(|p| !p.trim().is_empty() && p.trim() != "none" && p.trim() != "无")
                {
                    v.push(date::parse(part).ok_or_else(|| {
                        format!(
                            "'{}' is not a date in {}; write YYYY-MM-DD separated by |",
                            part.trim(),
                            f.name
                        )
                    })?);
                }
                Value::DateList(v)
            }
            FieldType::Region => {
                if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!(
                        "'{s}' is not a 12-digit community code for {}",
                        f.name
                    ));
                }
                Value::Region(s.to_string())
            }
            FieldType::Derived(_) => {
                return Err(format!(
                    "{} is derived from other fields and cannot be given directly",
                    f.name
                ))
            }
        })
    }
}

/// The keys of a field's values, for error messages.
pub fn keys(f: &Field) -> String {
    f.choices
        .iter()
        .map(|c| c.key.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_choices(s: &str) -> Result<Vec<Choice>, String> {
    let mut out: Vec<Choice> = Vec::new();
    for part in s.split('|').filter(|p| !p.trim().is_empty()) {
        let (k, l) = part
            .split_once(':')
            .ok_or_else(|| format!("value '{part}' needs a key and a label: key:标签"))?;
        let (k, l) = (k.trim(), l.trim());
        if !is_ident(k) || l.is_empty() {
            return Err(format!(
                "value '{part}' needs a key of lower-case letters, digits and _ and a label"
            ));
        }
        if out.iter().any(|c| c.key == k) {
            return Err(format!("value '{k}' is listed twice"));
        }
        out.push(Choice {
            key: k.to_string(),
            label: l.to_string(),
        });
    }
    Ok(out)
}

/// A name rules may use: ASCII lower-case letters, digits and `_`, not starting with a digit.
pub fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !s.as_bytes()[0].is_ascii_digit()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_schema_reads() {
        let s = Schema::standard();
        for name in [
            "birth_date",
            "sex",
            "residency",
            "rural",
            "pregnant",
            "planning_pregnancy",
            "children",
            "school_stage",
            "employment",
            "assistance",
            "disability",
            "disability_grade",
            "veteran",
            "military_family",
            "chronic_conditions",
            "lives_alone",
            "care_dependency",
            "housing_difficulty",
            "child_in_difficulty",
            "community",
            "age",
        ] {
            assert!(s.index(name).is_some(), "{name}");
        }
        let pregnant = s.field(s.index("pregnant").unwrap_or(0));
        assert!(pregnant.ask_if.is_some());
        assert_eq!(pregnant.default, Some(Value::Bool(false)));
        assert_eq!(s.suggest("agee"), Some("age"));
    }

    #[test]
    fn schema_errors_name_row_and_column() {
        let head = "name,type,label,question,values,unit,expr,ask_if,default\n";
        let e = Schema::from_csv(&format!("{head}x,colour,标签,,,,,,\n")).unwrap_err();
        assert_eq!((e.row, e.column), (2, "type"));
        let e = Schema::from_csv(&format!("{head}x,enum,标签,,a:甲|a:乙,,,,\n")).unwrap_err();
        assert_eq!((e.row, e.column), (2, "values"));
        let e = Schema::from_csv(&format!("{head}a,derived,年龄,,,,years(b),,\n")).unwrap_err();
        assert_eq!(e.column, "expr");
        let e = Schema::from_csv(&format!("{head}b,bool,乙,,,,,c,false\n")).unwrap_err();
        assert_eq!(e.column, "ask_if");
        assert!(e.message.contains("unknown field 'c'"), "{e}");
    }
}
