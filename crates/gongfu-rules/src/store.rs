//! A population as bytes, for storage, and populations put together from the rows of
//! others (births, deaths and migration in a projection).
//!
//! The encoding names every field and, for choices, every choice key, so a population
//! stored under one schema reads back under a later one: fields are matched by name,
//! choices by key, a field the schema added since takes its default, a field the schema
//! dropped is skipped. What cannot be matched (a choice key that no longer exists, a
//! field whose type changed) is an error naming it, never a silent zero.
//!
//! Layout (little-endian): `GFPOP1`, person count (u64), region count (u32) and each
//! region code (u16 length + UTF-8), field count (u32), then per stored field: name, type
//! tag (u8), choice count (u16) and keys, then the column (u32 byte length + bytes).

use crate::population::{Bits, Column, FastRow, Population, PopulationBuilder};
use crate::schema::{FieldType, Schema, Value};

const MAGIC: &[u8; 6] = b"GFPOP1";

/// Why stored bytes do not read as a population.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stored population: {0}")]
pub struct StoreError(pub String);

fn tag(ty: &FieldType) -> u8 {
    match ty {
        FieldType::Bool => 1,
        FieldType::Int { .. } => 2,
        FieldType::Date => 3,
        FieldType::Enum => 4,
        FieldType::Set => 5,
        FieldType::DateList => 6,
        FieldType::Region => 7,
        FieldType::Derived(_) => 0,
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    let b = &s.as_bytes()[..s.len().min(u16::MAX as usize)];
    out.extend_from_slice(&(b.len() as u16).to_le_bytes());
    out.extend_from_slice(b);
}

/// Encodes a population whose every field is known (synthesized or imported; a
/// resident's partial answers are never stored).
pub fn encode(pop: &Population, schema: &Schema) -> Vec<u8> {
    let mut out = Vec::with_capacity(pop.bytes() + 4096);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(pop.len() as u64).to_le_bytes());
    out.extend_from_slice(&(pop.regions().len() as u32).to_le_bytes());
    for r in pop.regions() {
        put_str(&mut out, r);
    }
    let stored: Vec<usize> = (0..schema.fields().len())
        .filter(|&f| pop.column(f).is_some())
        .collect();
    out.extend_from_slice(&(stored.len() as u32).to_le_bytes());
    for f in stored {
        let field = schema.field(f);
        put_str(&mut out, &field.name);
        out.push(tag(&field.ty));
        let keys: &[crate::schema::Choice] = match field.ty {
            FieldType::Enum | FieldType::Set => &field.choices,
            _ => &[],
        };
        out.extend_from_slice(&(keys.len() as u16).to_le_bytes());
        for c in keys {
            put_str(&mut out, &c.key);
        }
        let mut col = Vec::new();
        match pop.column(f) {
            Some(Column::Bool(b)) => b.words.iter().for_each(|w| col.extend(w.to_le_bytes())),
            Some(Column::Int(v)) => v.iter().for_each(|x| col.extend(x.to_le_bytes())),
            Some(Column::Date(v)) | Some(Column::Set(v)) | Some(Column::Region(v)) => {
                v.iter().for_each(|x| col.extend(x.to_le_bytes()))
            }
            Some(Column::Enum(v)) => col.extend_from_slice(v),
            Some(Column::DateList { youngest, count }) => {
                youngest.iter().for_each(|x| col.extend(x.to_le_bytes()));
                count.iter().for_each(|x| col.extend(x.to_le_bytes()));
            }
            None => {}
        }
        out.extend_from_slice(&(col.len() as u32).to_le_bytes());
        out.extend_from_slice(&col);
    }
    out
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], StoreError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.b.len());
        let Some(end) = end else {
            return Err(StoreError(format!(
                "truncated at byte {} (wanted {n} more of {}); the stored copy is damaged, import or synthesize the population again",
                self.at,
                self.b.len()
            )));
        };
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u16(&mut self) -> Result<u16, StoreError> {
        let s = self.take(2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Result<u32, StoreError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn u64(&mut self) -> Result<u64, StoreError> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(u64::from_le_bytes(a))
    }
    fn str(&mut self) -> Result<String, StoreError> {
        let n = self.u16()? as usize;
        String::from_utf8(self.take(n)?.to_vec())
            .map_err(|_| StoreError("a name is not UTF-8; the stored copy is damaged".into()))
    }
}

fn words<const N: usize>(b: &[u8]) -> impl Iterator<Item = [u8; N]> + '_ {
    b.chunks_exact(N).map(|c| {
        let mut a = [0u8; N];
        a.copy_from_slice(c);
        a
    })
}

/// Reads a population encoded by [`encode`] under `schema` (see the module notes for
/// how a changed schema is matched).
pub fn decode(bytes: &[u8], schema: &Schema) -> Result<Population, StoreError> {
    let mut r = Reader { b: bytes, at: 0 };
    if r.take(MAGIC.len())? != MAGIC {
        return Err(StoreError(
            "not a gongfu population (no GFPOP1 header)".into(),
        ));
    }
    let len = usize::try_from(r.u64()?)
        .ok()
        .filter(|&n| n <= bytes.len() * 8)
        .ok_or_else(|| StoreError("the person count is larger than the data".into()))?;
    let n_regions = r.u32()? as usize;
    let mut regions = Vec::with_capacity(n_regions.min(1 << 20));
    for _ in 0..n_regions {
        regions.push(r.str()?);
    }
    // Start from every field at its default, then overwrite the stored ones.
    let mut base = FastRow::new(schema);
    for (i, f) in schema.fields().iter().enumerate() {
        base.values[i] = default_number(&f.ty, f.default.as_ref());
    }
    let mut cols: Vec<Option<(Vec<i64>, Vec<u16>)>> = vec![None; schema.fields().len()];
    let n_fields = r.u32()? as usize;
    for _ in 0..n_fields {
        let name = r.str()?;
        let t = r.take(1)?[0];
        let n_keys = r.u16()? as usize;
        let mut keys = Vec::with_capacity(n_keys);
        for _ in 0..n_keys {
            keys.push(r.str()?);
        }
        let n = r.u32()? as usize;
        let data = r.take(n)?;
        let Some(f) = schema.index(&name) else {
            continue; // dropped from the schema since: nothing reads it
        };
        let field = schema.field(f);
        if tag(&field.ty) != t {
            return Err(StoreError(format!(
                "field '{name}' was stored as another type than the schema now gives it ({}); synthesize or import the population again",
                field.ty.name()
            )));
        }
        // Old choice index -> current one.
        let remap: Vec<i64> = keys
            .iter()
            .map(|k| {
                field.choice(k).map(|i| i as i64).ok_or_else(|| {
                    StoreError(format!(
                        "field '{name}': the stored value '{k}' is no longer one of its choices ({}); add it back to the fields or import the population again",
                        crate::schema::keys(field)
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        let want = |per: usize| {
            if data.len() != per {
                Err(StoreError(format!(
                    "field '{name}' holds {} bytes, not the {per} that {len} persons need",
                    data.len()
                )))
            } else {
                Ok(())
            }
        };
        let mut counts = Vec::new();
        let values: Vec<i64> = match &field.ty {
            FieldType::Bool => {
                want(len.div_ceil(64) * 8)?;
                let bits = Bits {
                    words: words::<8>(data).map(u64::from_le_bytes).collect(),
                    len,
                };
                (0..len).map(|i| i64::from(bits.get(i))).collect()
            }
            FieldType::Int { .. } => {
                want(len * 4)?;
                words::<4>(data)
                    .map(|w| i64::from(i32::from_le_bytes(w)))
                    .collect()
            }
            FieldType::Date => {
                want(len * 4)?;
                words::<4>(data)
                    .map(|w| i64::from(u32::from_le_bytes(w)))
                    .collect()
            }
            FieldType::Region => {
                want(len * 4)?;
                let v: Vec<i64> = words::<4>(data)
                    .map(|w| i64::from(u32::from_le_bytes(w)))
                    .collect();
                if v.iter().any(|&x| x as usize >= regions.len()) {
                    return Err(StoreError(format!(
                        "field '{name}' names a region past the {} stored",
                        regions.len()
                    )));
                }
                v
            }
            FieldType::Enum => {
                want(len)?;
                data.iter()
                    .map(|&x| remap.get(x as usize).copied().ok_or(x))
                    .collect::<Result<_, _>>()
                    .map_err(|x| {
                        StoreError(format!("field '{name}' holds choice {x} of {n_keys}"))
                    })?
            }
            FieldType::Set => {
                want(len * 4)?;
                words::<4>(data)
                    .map(|w| {
                        let m = u32::from_le_bytes(w);
                        let mut out = 0i64;
                        for (old, &new) in remap.iter().enumerate() {
                            if m >> old & 1 == 1 {
                                out |= 1 << new;
                            }
                        }
                        out
                    })
                    .collect()
            }
            FieldType::DateList => {
                want(len * 6)?;
                let (y, c) = data.split_at(len * 4);
                counts = words::<2>(c).map(u16::from_le_bytes).collect();
                words::<4>(y)
                    .map(|w| i64::from(u32::from_le_bytes(w)))
                    .collect()
            }
            FieldType::Derived(_) => continue,
        };
        cols[f] = Some((values, counts));
    }
    if r.at != bytes.len() {
        return Err(StoreError(format!(
            "{} bytes follow the last field; the stored copy is damaged",
            bytes.len() - r.at
        )));
    }
    let mut b = PopulationBuilder::new(schema);
    b.reserve(len);
    let region_ids: Vec<u32> = regions.iter().map(|c| b.region(c)).collect();
    let region_field = schema
        .fields()
        .iter()
        .position(|f| f.ty == FieldType::Region);
    let mut row = base.clone();
    for i in 0..len {
        for (f, col) in cols.iter().enumerate() {
            match col {
                Some((v, c)) => {
                    row.values[f] = if Some(f) == region_field {
                        i64::from(region_ids[v[i] as usize])
                    } else {
                        v[i]
                    };
                    if !c.is_empty() {
                        row.counts[f] = c[i];
                    }
                }
                None => row.values[f] = base.values[f],
            }
        }
        b.push_fast(&row);
    }
    Ok(b.finish())
}

/// A value as [`FastRow`] holds it, for a field's default.
pub fn default_number(ty: &FieldType, default: Option<&Value>) -> i64 {
    match (default, ty) {
        (Some(Value::Bool(b)), _) => i64::from(*b),
        (Some(Value::Int(n)), _) => *n,
        (Some(Value::Enum(e)), _) => i64::from(*e),
        (Some(Value::Set(m)), _) => i64::from(*m),
        (Some(Value::Date(d)), _) => i64::from(*d),
        (_, FieldType::Int { min, .. }) => *min,
        _ => 0,
    }
}

/// A new population of the given rows of several (rows may repeat, as for persons who
/// move in, or be left out, as for those who die or move away), grouped by community.
/// Populations must be fully known (what [`encode`] stores).
pub fn gather(schema: &Schema, parts: &[(&Population, &[u32])]) -> Population {
    gather_edited(schema, parts, |_, _, _| {})
}

/// [`gather`], with each row handed to `edit` before it is kept: `edit(part, k, row)`
/// sees the `k`-th row of `parts[part]` as [`FastRow`] numbers and may change them (a
/// projection marks a mother's newborn, or a pregnancy, on the person it moves on).
pub fn gather_edited(
    schema: &Schema,
    parts: &[(&Population, &[u32])],
    mut edit: impl FnMut(usize, usize, &mut FastRow),
) -> Population {
    let mut b = PopulationBuilder::new(schema);
    b.reserve(parts.iter().map(|(_, r)| r.len()).sum());
    let region_field = schema
        .fields()
        .iter()
        .position(|f| f.ty == FieldType::Region);
    let mut row = FastRow::new(schema);
    for (part, (pop, rows)) in parts.iter().enumerate() {
        let ids: Vec<u32> = pop.regions().iter().map(|c| b.region(c)).collect();
        for (k, &i) in rows.iter().enumerate() {
            let i = i as usize;
            for f in 0..schema.fields().len() {
                let (v, c) = match pop.column(f) {
                    Some(Column::Bool(bits)) => (i64::from(bits.get(i)), 0),
                    Some(Column::Int(v)) => (i64::from(v[i]), 0),
                    Some(Column::Date(v)) | Some(Column::Set(v)) => (i64::from(v[i]), 0),
                    Some(Column::Region(v)) => (i64::from(ids[v[i] as usize]), 0),
                    Some(Column::Enum(v)) => (i64::from(v[i]), 0),
                    Some(Column::DateList { youngest, count }) => {
                        (i64::from(youngest[i]), count[i])
                    }
                    None => (0, 0),
                };
                row.values[f] = v;
                row.counts[f] = c;
            }
            debug_assert!(region_field.is_none_or(|f| pop.column(f).is_some()));
            edit(part, k, &mut row);
            b.push_fast(&row);
        }
    }
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(schema: &Schema) -> Population {
        let mut b = PopulationBuilder::new(schema);
        let text = [
            "birth_date=1950-03-01, sex=female, residency=hukou, community=440399001001, chronic_conditions=hypertension|diabetes, children=1975-01-01|1980-02-02",
            "birth_date=2020-06-01, sex=male, residency=served, community=440399002001",
            "birth_date=1990-12-31, sex=female, residency=permanent, community=440399001001, pregnant=true, disability=physical, disability_grade=2",
        ];
        for t in text {
            let p = crate::Profile::from_pairs(t, schema, 20261201)
                .unwrap_or_else(|e| panic!("{t}: {e}"))
                .with_defaults(schema, 20261201);
            // Fill every field so the population is fully known, as stored ones are.
            let values: Vec<Option<Value>> = schema
                .fields()
                .iter()
                .zip(&p.values)
                .map(|(f, v)| {
                    v.clone().or_else(|| match f.ty {
                        FieldType::Bool => Some(Value::Bool(false)),
                        FieldType::Int { min, .. } => Some(Value::Int(min)),
                        FieldType::Enum => Some(Value::Enum(0)),
                        FieldType::Set => Some(Value::Set(0)),
                        FieldType::DateList => Some(Value::DateList(vec![])),
                        _ => None,
                    })
                })
                .collect();
            b.push(&values);
        }
        b.finish()
    }

    #[test]
    fn round_trips() {
        let schema = Schema::standard();
        let pop = sample(&schema);
        let back = decode(&encode(&pop, &schema), &schema).expect("decodes");
        for i in 0..pop.len() {
            assert_eq!(pop.row(&schema, i), back.row(&schema, i), "person {i}");
        }
        assert_eq!(pop.groups(), back.groups());
    }

    #[test]
    fn reads_under_a_schema_with_choices_reordered_and_a_field_added() {
        let schema = Schema::standard();
        let pop = sample(&schema);
        let bytes = encode(&pop, &schema);
        // Reverse the chronic_conditions choices and add a field with a default.
        let text = crate::schema::STANDARD_FIELDS
            .replace(
                "hypertension:高血压|diabetes:2型糖尿病|severe_mental:严重精神障碍|tuberculosis:肺结核",
                "tuberculosis:肺结核|severe_mental:严重精神障碍|diabetes:2型糖尿病|hypertension:高血压",
            )
            .replacen("\nage,derived", "\nhas_car,bool,有车,有车吗？,true:有|false:无,,,,false\nage,derived", 1);
        let other = Schema::from_csv(&text).expect("edited schema reads");
        let back = decode(&bytes, &other).expect("decodes under the new schema");
        let f = other.index("chronic_conditions").expect("field");
        let hyper = other.field(f).choice("hypertension").expect("choice");
        let diab = other.field(f).choice("diabetes").expect("choice");
        assert_eq!(
            back.row(&other, 0)[f],
            Some(Value::Set((1 << hyper) | (1 << diab)))
        );
        let car = other.index("has_car").expect("field");
        assert_eq!(back.row(&other, 1)[car], Some(Value::Bool(false)));
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let schema = Schema::standard();
        let bytes = encode(&sample(&schema), &schema);
        for cut in [0, 3, 6, 13, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode(&bytes[..cut], &schema).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer, &schema).is_err());
    }

    #[test]
    fn gather_repeats_and_drops_rows() {
        let schema = Schema::standard();
        let pop = sample(&schema);
        let g = gather(&schema, &[(&pop, &[2, 2, 1]), (&pop, &[0])]);
        assert_eq!(g.len(), 4);
        // Grouped by community: the two 001001 copies of person 2 and person 0 first.
        let mut rows: Vec<_> = (0..g.len()).map(|i| g.row(&schema, i)).collect();
        let mut want = vec![
            pop.row(&schema, 2),
            pop.row(&schema, 2),
            pop.row(&schema, 1),
            pop.row(&schema, 0),
        ];
        rows.sort_by_key(|r| format!("{r:?}"));
        want.sort_by_key(|r| format!("{r:?}"));
        assert_eq!(rows, want);
    }
}
