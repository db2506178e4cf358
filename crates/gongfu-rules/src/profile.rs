//! One resident's answers, parsed once at the edge (JSON from the API, `field=value`
//! pairs in a rule's examples).
//!
//! Unanswered fields stay unknown, except that a question whose `ask_if` is certainly
//! false for the answers given takes its default (a man is not pregnant). `age` may be
//! given instead of a birth date: older residents know their age better than a form's
//! date picker, and an example reads better with it. It becomes a birth date half a year
//! past that birthday, so the age is right on the reference date and months before it.

use crate::date::{self, Ymd};
use crate::eval::Program;
use crate::population::{Population, PopulationBuilder};
use crate::schema::{Derived, FieldType, Schema, Value};

/// A profile that cannot be read: which field, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("profile field '{field}': {message}")]
pub struct ProfileError {
    /// Field name as given.
    pub field: String,
    /// What is wrong and what to do.
    pub message: String,
}

/// A resident's answers, indexed like the schema's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Value per field; `None` is not answered. Derived fields are always `None`.
    pub values: Vec<Option<Value>>,
}

fn perr(field: &str, message: impl Into<String>) -> ProfileError {
    ProfileError {
        field: field.to_string(),
        message: message.into(),
    }
}

impl Profile {
    /// Nothing answered.
    pub fn empty(schema: &Schema) -> Self {
        Profile {
            values: vec![None; schema.fields().len()],
        }
    }

    /// Reads a JSON object: field names to values (`null` is unanswered). `at` is the
    /// reference date, for `age` and friends given instead of dates.
    pub fn from_json(
        obj: &serde_json::Map<String, serde_json::Value>,
        schema: &Schema,
        at: Ymd,
    ) -> Result<Self, ProfileError> {
        let mut p = Profile::empty(schema);
        for (k, v) in obj {
            if v.is_null() {
                continue;
            }
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Array(items) => {
                    let mut parts = Vec::new();
                    for it in items {
                        match it {
                            serde_json::Value::String(s) => parts.push(s.clone()),
                            serde_json::Value::Number(n) => parts.push(n.to_string()),
                            _ => return Err(perr(k, "a list holds strings or numbers only")),
                        }
                    }
                    if parts.is_empty() {
                        "none".to_string()
                    } else {
                        parts.join("|")
                    }
                }
                serde_json::Value::Object(_) => {
                    return Err(perr(k, "expected a value, found an object"))
                }
                serde_json::Value::Null => continue,
            };
            p.set(schema, k, &text, at)?;
        }
        Ok(p)
    }

    /// Reads `field=value` pairs separated by `,` (an example profile in the list).
    pub fn from_pairs(text: &str, schema: &Schema, at: Ymd) -> Result<Self, ProfileError> {
        let mut p = Profile::empty(schema);
        let folded: String = text
            .chars()
            .map(|c| match c {
                '，' => ',',
                '＝' => '=',
                '｜' => '|',
                c => c,
            })
            .collect();
        for pair in folded.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| perr(pair, "write field=value, e.g. age=70"))?;
            p.set(schema, k.trim(), v.trim().trim_matches('"'), at)?;
        }
        Ok(p)
    }

    /// Sets one field from text, derived conveniences included.
    pub fn set(
        &mut self,
        schema: &Schema,
        name: &str,
        raw: &str,
        at: Ymd,
    ) -> Result<(), ProfileError> {
        let Some(i) = schema.index(name) else {
            let hint = schema
                .suggest(name)
                .map(|s| format!("did you mean '{s}'?"))
                .unwrap_or_else(|| format!("known fields: {}", schema.names().join(", ")));
            return Err(perr(name, format!("unknown field; {hint}")));
        };
        if let FieldType::Derived(d) = schema.field(i).ty {
            let n: u32 = raw
                .trim()
                .parse()
                .ok()
                .filter(|n| *n <= 150)
                .ok_or_else(|| perr(name, format!("'{raw}' is not an age from 0 to 150")))?;
            let birth = |years: u32, months: Option<u32>| -> Result<Ymd, ProfileError> {
                // Half-way into the year (month) of age, so the age holds on `at`.
                let b = if let Some(months) = months {
                    date::months_back_bound(at, i64::from(months))
                        .try_into()
                        .ok()
                        .and_then(|v: u32| {
                            let (y, m, d) = date::parts(v);
                            date::ymd(y, m, d.min(date::days_in_month(y, m)))
                                .and_then(|v| date::back(v, 0, 14))
                        })
                } else {
                    date::back(at, years, 182)
                };
                b.ok_or_else(|| perr(name, format!("{n} is too far back from the reference date")))
            };
            let (target, value) = match d {
                Derived::Years(f) => (f, Value::Date(birth(n, None)?)),
                Derived::Months(f) => (f, Value::Date(birth(0, Some(n))?)),
                Derived::YoungestYears(f) => (f, Value::DateList(vec![birth(n, None)?])),
                Derived::YoungestMonths(f) => (f, Value::DateList(vec![birth(0, Some(n))?])),
                Derived::Count(_) => {
                    return Err(perr(name, "give the dates themselves, not their count"))
                }
            };
            if self.values[target].is_some() {
                return Err(perr(
                    name,
                    format!(
                        "give either {name} or {}, not both",
                        schema.field(target).name
                    ),
                ));
            }
            self.values[target] = Some(value);
            return Ok(());
        }
        if self.values[i].is_some() {
            let derived: Vec<&str> = schema
                .fields()
                .iter()
                .filter(|f| matches!(f.ty, FieldType::Derived(d) if d.source() == i))
                .map(|f| f.name.as_str())
                .collect();
            return Err(perr(
                name,
                if derived.is_empty() {
                    "given twice".to_string()
                } else {
                    format!(
                        "given twice: give either {name} or {}, not both",
                        derived.join(" or ")
                    )
                },
            ));
        }
        let v = schema.parse_value(i, raw).map_err(|m| perr(name, m))?;
        if let Value::Date(d) = &v {
            if *d > at && schema.field(i).name == "birth_date" {
                return Err(perr(
                    name,
                    format!(
                        "{} is after the reference date {}",
                        date::format(*d),
                        date::format(at)
                    ),
                ));
            }
        }
        self.values[i] = Some(v);
        Ok(())
    }

    /// Fills in the default of every unanswered question that does not apply (its
    /// `ask_if` certainly false), repeating until nothing changes (one answer can make
    /// another question inapplicable).
    pub fn with_defaults(mut self, schema: &Schema, at: Ymd) -> Self {
        let asks: Vec<(String, &crate::rule::Cond)> = schema
            .fields()
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.ask_if.as_ref().map(|c| (i.to_string(), c)))
            .collect();
        if asks.is_empty() {
            return self;
        }
        let program = Program::compile(asks.iter().map(|(k, c)| (k.clone(), *c)), at);
        loop {
            let pop = self.population(schema);
            let atoms = program.atoms(&pop);
            let mut changed = false;
            for (n, (key, _)) in program.items.iter().enumerate() {
                let f: usize = key.parse().unwrap_or(usize::MAX);
                if f >= self.values.len() || self.values[f].is_some() {
                    continue;
                }
                if program.item(n, &atoms, 1).get(0) == Some(false) {
                    let field = schema.field(f);
                    self.values[f] = match (&field.default, &field.ty) {
                        (Some(v), _) => Some(v.clone()),
                        (None, FieldType::DateList) => Some(Value::DateList(vec![])),
                        (None, _) => None,
                    };
                    changed |= self.values[f].is_some();
                }
            }
            if !changed {
                return self;
            }
        }
    }

    /// A population of one: this profile, unanswered fields unknown.
    pub fn population(&self, schema: &Schema) -> Population {
        let mut b = PopulationBuilder::new(schema);
        b.push(&self.values);
        b.finish()
    }

    /// The profile as JSON (field names to values as the API takes them).
    pub fn to_json(&self, schema: &Schema) -> serde_json::Map<String, serde_json::Value> {
        let mut m = serde_json::Map::new();
        for (i, v) in self.values.iter().enumerate() {
            let Some(v) = v else { continue };
            let f = schema.field(i);
            let j = match v {
                Value::Bool(b) => serde_json::Value::Bool(*b),
                Value::Int(n) => serde_json::Value::from(*n),
                Value::Date(d) => serde_json::Value::from(date::format(*d)),
                Value::Enum(e) => serde_json::Value::from(f.choices[*e as usize].key.clone()),
                Value::Set(mask) => serde_json::Value::from(
                    f.choices
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| mask >> i & 1 == 1)
                        .map(|(_, c)| c.key.clone())
                        .collect::<Vec<_>>(),
                ),
                Value::DateList(l) => {
                    serde_json::Value::from(l.iter().map(|d| date::format(*d)).collect::<Vec<_>>())
                }
                Value::Region(c) => serde_json::Value::from(c.clone()),
            };
            m.insert(f.name.clone(), j);
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_only_where_the_question_does_not() {
        let s = Schema::standard();
        let at = 20261125;
        let man = Profile::from_pairs("age=70, sex=male", &s, at).unwrap_or_else(|e| panic!("{e}"));
        let man = man.with_defaults(&s, at);
        let pregnant = s.index("pregnant").unwrap_or(0);
        assert_eq!(man.values[pregnant], Some(Value::Bool(false)));
        let woman = Profile::from_pairs("age=30, sex=female", &s, at)
            .unwrap_or_else(|e| panic!("{e}"))
            .with_defaults(&s, at);
        assert_eq!(
            woman.values[pregnant], None,
            "a 30-year-old woman must be asked"
        );
        let unknown_sex = Profile::from_pairs("age=30", &s, at)
            .unwrap_or_else(|e| panic!("{e}"))
            .with_defaults(&s, at);
        assert_eq!(unknown_sex.values[pregnant], None);
        // Chained: a pregnant woman is not asked about planning a pregnancy.
        let p = Profile::from_pairs("age=30, sex=female, pregnant=true", &s, at)
            .unwrap_or_else(|e| panic!("{e}"))
            .with_defaults(&s, at);
        assert_eq!(
            p.values[s.index("planning_pregnancy").unwrap_or(0)],
            Some(Value::Bool(false))
        );
    }

    #[test]
    fn bad_profiles_name_the_field() {
        let s = Schema::standard();
        let at = 20261125;
        let e = Profile::from_pairs("agee=70", &s, at).unwrap_err();
        assert_eq!(e.field, "agee");
        assert!(e.message.contains("did you mean 'age'"));
        let e = Profile::from_pairs("age=70, birth_date=1950-01-01", &s, at).unwrap_err();
        assert!(e.message.contains("not both"), "{e}");
        let e = Profile::from_pairs("residency=local", &s, at).unwrap_err();
        assert!(e.message.contains("allowed: hukou"), "{e}");
        let e = Profile::from_pairs("birth_date=2030-01-01", &s, at).unwrap_err();
        assert!(e.message.contains("after the reference date"), "{e}");
        let j = serde_json::json!({"age": 70, "chronic_conditions": ["hypertension", "diabetes"], "children": []});
        let p = Profile::from_json(j.as_object().unwrap_or(&serde_json::Map::new()), &s, at)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            p.values[s.index("chronic_conditions").unwrap_or(0)],
            Some(Value::Set(0b11))
        );
        assert_eq!(
            p.values[s.index("children").unwrap_or(0)],
            Some(Value::DateList(vec![]))
        );
        assert_eq!(
            date::years_between(
                match &p.values[0] {
                    Some(Value::Date(d)) => *d,
                    _ => 0,
                },
                at
            ),
            70
        );
    }
}
