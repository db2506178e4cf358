//! One resident: which items they may use, which they may not, which depend on questions
//! not yet answered (and which question to ask next), each with reasons and where to go.

use std::collections::HashMap;

use gongfu_domain::geo::LatLng;
use gongfu_rules::date::{self, Ymd};
use gongfu_rules::schema::{Choice, FieldType, Value};
use gongfu_rules::{decide, Outcome, Profile, Reason, Schema};

use crate::life::LifeEvent;
use crate::{Eligibility, EligibilityError};

/// A field as the API and the wizard show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FieldView {
    /// Name.
    pub name: String,
    /// bool, int, date, enum, set, date_list, region or derived.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Chinese label.
    pub label: String,
    /// The wizard's question.
    pub question: String,
    /// Allowed values of a choice; labels of yes and no.
    pub values: Vec<Choice>,
    /// Unit of a number.
    pub unit: String,
    /// Range of an int field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Range of an int field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// When the question applies, as a rule.
    pub ask_if: String,
    /// Derived fields: what they compute.
    pub expr: String,
}

/// Every field of the schema.
pub fn field_views(schema: &Schema) -> Vec<FieldView> {
    schema
        .fields()
        .iter()
        .map(|f| field_view(schema, f))
        .collect()
}

fn field_view(_schema: &Schema, f: &gongfu_rules::schema::Field) -> FieldView {
    let (min, max) = match f.ty {
        FieldType::Int { min, max } => (Some(min), Some(max)),
        _ => (None, None),
    };
    let expr = match f.ty {
        FieldType::Derived(d) => {
            let src = |i: usize| _schema.field(i).name.clone();
            match d {
                gongfu_rules::schema::Derived::Years(i) => format!("years({})", src(i)),
                gongfu_rules::schema::Derived::Months(i) => format!("months({})", src(i)),
                gongfu_rules::schema::Derived::Count(i) => format!("count({})", src(i)),
                gongfu_rules::schema::Derived::YoungestYears(i) => {
                    format!("years(youngest({}))", src(i))
                }
                gongfu_rules::schema::Derived::YoungestMonths(i) => {
                    format!("months(youngest({}))", src(i))
                }
            }
        }
        _ => String::new(),
    };
    FieldView {
        name: f.name.clone(),
        kind: f.ty.name(),
        label: f.label.clone(),
        question: f.question.clone(),
        values: f.choices.clone(),
        unit: f.unit.clone(),
        min,
        max,
        ask_if: f.ask_if_text.clone(),
        expr,
    }
}

/// A service point where an item is delivered.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PointRef {
    /// Point id (`/points/{id}`).
    pub id: i64,
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// Straight-line distance from the resident's community's centre, metres.
    pub distance_m: Option<f64>,
}

/// One item's outcome for the resident.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    /// Item code.
    pub code: String,
    /// Item name.
    pub name: String,
    /// Area number.
    pub area_no: u32,
    /// Area name.
    pub area: String,
    /// Category name.
    pub category: String,
    /// Why, in plain Chinese.
    pub reasons: Vec<Reason>,
    /// For `maybe`: the fields whose answers would decide it.
    pub missing: Vec<String>,
    /// The item's 服务标准.
    pub standard: String,
    /// Life events it belongs to (keys).
    pub life_events: Vec<String>,
    /// Nearest points delivering it (eligible items only).
    pub points: Vec<PointRef>,
    /// Points delivering it in all.
    pub points_total: usize,
}

/// An item without a rule yet.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ItemRef {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// The question that decides the most open items.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Question {
    /// The field.
    pub field: FieldView,
    /// How many open items its answer decides or narrows.
    pub decides: usize,
}

/// The answer to "what can I enjoy".
#[derive(Debug, Clone, serde::Serialize)]
pub struct Assessment {
    /// List version.
    pub version: i64,
    /// Reference date.
    pub date: String,
    /// Certainly eligible.
    pub eligible: Vec<Entry>,
    /// Depends on questions not answered.
    pub maybe: Vec<Entry>,
    /// Certainly not.
    pub ineligible: Vec<Entry>,
    /// Items without a rule yet.
    pub without_rule: Vec<ItemRef>,
    /// The next question to ask, if any answer would still change the result.
    pub next: Option<Question>,
    /// Every question whose answer would still change the result, best first (`next` is
    /// the first): a resident who skips one is asked the one after.
    pub open_questions: Vec<String>,
    /// The answers as understood, defaults of questions that do not apply included.
    pub profile: serde_json::Map<String, serde_json::Value>,
}

/// How many points are listed per item.
const POINTS_PER_ITEM: usize = 3;

impl Eligibility {
    /// Points per item code, built once per state of the service points.
    fn points_by_item(&self, loaded: &gongfu_places::Loaded) -> std::sync::Arc<crate::PointIndex> {
        let mut cache = self.point_index.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((generation, map)) = cache.as_ref() {
            if *generation == loaded.generation {
                return map.clone();
            }
        }
        let mut by_item: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in loaded.points.iter().enumerate() {
            for code in &p.point.items {
                by_item
                    .entry(code.as_str().to_string())
                    .or_default()
                    .push(i);
            }
        }
        let map = std::sync::Arc::new(by_item);
        *cache = Some((loaded.generation, map.clone()));
        map
    }

    /// Assesses one resident's answers against a version's rules on a date.
    pub async fn assess(
        &self,
        profile: Profile,
        at: Ymd,
        version: Option<i64>,
    ) -> Result<Assessment, EligibilityError> {
        let schema = self.schema();
        let compiled = self.compiled(version, at).await?;
        let profile = profile.with_defaults(schema, at);
        // Current region names come with the spatial state, which follows every import.
        let loaded = self.places.loaded().await?;
        let name_of = |c: &str| {
            gongfu_domain::RegionCode::parse(c)
                .ok()
                .and_then(|r| loaded.regions.get(&r).cloned())
        };
        let pop = profile.population(schema);
        let conds: Vec<&gongfu_rules::Cond> = compiled.conds.iter().collect();
        let decisions = decide(&compiled.program, &conds, &pop, schema, &name_of);
        let snap = &compiled.snapshot;
        let events = crate::life::standard();
        // Where the resident lives, for distances to points.
        let community = schema
            .index("community")
            .and_then(|f| match &profile.values[f] {
                Some(Value::Region(c)) => Some(c.clone()),
                _ => None,
            });
        let centre = community.as_ref().and_then(|c| {
            loaded
                .boundaries
                .iter()
                .find(|b| b.region.as_str() == c)
                .and_then(|b| {
                    let ring = b.polygons.first()?.outer();
                    let n = ring.len().max(1) as f64;
                    Some(LatLng {
                        lat: ring.iter().map(|p| p.lat).sum::<f64>() / n,
                        lng: ring.iter().map(|p| p.lng).sum::<f64>() / n,
                    })
                })
        });
        let by_item = self.points_by_item(&loaded);
        let mut out = Assessment {
            version: snap.version.number,
            date: date::format(at),
            eligible: vec![],
            maybe: vec![],
            ineligible: vec![],
            without_rule: compiled
                .without_rule
                .iter()
                .map(|&i| ItemRef {
                    code: snap.items[i].code.to_string(),
                    name: snap.items[i].name.clone(),
                })
                .collect(),
            next: None,
            open_questions: Vec::new(),
            profile: profile.to_json(schema),
        };
        let mut open_fields: HashMap<usize, usize> = HashMap::new();
        for (k, d) in decisions.into_iter().enumerate() {
            let it = &snap.items[compiled.items[k]];
            let points_all: &[usize] = by_item.get(it.code.as_str()).map_or(&[], Vec::as_slice);
            let points = if d.outcome == Outcome::Eligible {
                nearest(&loaded.points, points_all, centre, community.as_deref())
            } else {
                vec![]
            };
            for f in &d.missing {
                *open_fields.entry(*f).or_default() += 1;
            }
            let entry = Entry {
                code: it.code.to_string(),
                name: it.name.clone(),
                area_no: it.area_no,
                area: snap
                    .taxonomy
                    .area(it.area_no)
                    .map(|a| a.name.clone())
                    .unwrap_or_default(),
                category: snap
                    .taxonomy
                    .category(it.category_no)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                reasons: d.reasons,
                missing: d
                    .missing
                    .iter()
                    .map(|&f| schema.field(f).name.clone())
                    .collect(),
                standard: it.standard.clone(),
                life_events: events
                    .iter()
                    .filter(|e: &&LifeEvent| e.covers(it, &snap.taxonomy))
                    .map(|e| e.key.clone())
                    .collect(),
                points,
                points_total: points_all.len(),
            };
            match d.outcome {
                Outcome::Eligible => out.eligible.push(entry),
                Outcome::Maybe => out.maybe.push(entry),
                Outcome::Ineligible => out.ineligible.push(entry),
            }
        }
        // The question deciding the most open items; ties go to the schema's order, which
        // asks the broad questions (birth date, residency) first.
        let mut open: Vec<(usize, usize)> = open_fields.into_iter().collect();
        open.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        out.next = open.first().map(|&(f, n)| Question {
            field: field_view(schema, schema.field(f)),
            decides: n,
        });
        out.open_questions = open
            .iter()
            .map(|&(f, _)| schema.field(f).name.clone())
            .collect();
        Ok(out)
    }
}

fn nearest(
    points: &[gongfu_db::places::StoredPoint],
    slots: &[usize],
    centre: Option<LatLng>,
    community: Option<&str>,
) -> Vec<PointRef> {
    let mut v: Vec<(f64, &gongfu_db::places::StoredPoint)> = slots
        .iter()
        .map(|&i| {
            let p = &points[i];
            let d = centre
                .map(|c| c.distance_m(p.point.position))
                .unwrap_or_else(|| {
                    // Without a position, the resident's own community first.
                    if community.is_some()
                        && p.point.community.as_ref().map(|r| r.as_str()) == community
                    {
                        0.0
                    } else {
                        f64::MAX
                    }
                });
            (d, p)
        })
        .collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
    v.into_iter()
        .take(POINTS_PER_ITEM)
        .map(|(d, p)| PointRef {
            id: p.id,
            name: p.point.name.clone(),
            address: p.point.address.clone(),
            distance_m: (centre.is_some()).then_some(d.round()),
        })
        .collect()
}
