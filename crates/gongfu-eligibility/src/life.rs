//! Life events (出生, 入学, 就业失业, ...) that group items for browsing, as data
//! (`data/eligibility/life-events.csv`): an event lists categories by name and extra item
//! codes, so a district's own categories and items join without code changes.

use gongfu_domain::{ServiceItem, Taxonomy};

/// The shipped events.
pub const LIFE_EVENTS_CSV: &str = include_str!("../../../data/eligibility/life-events.csv");

/// One life event.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LifeEvent {
    /// Stable key (`birth`).
    pub key: String,
    /// Chinese label (出生).
    pub label: String,
    /// Category names it covers.
    pub categories: Vec<String>,
    /// Further item codes.
    pub items: Vec<String>,
}

impl LifeEvent {
    /// Whether an item belongs to this event.
    pub fn covers(&self, item: &ServiceItem, taxonomy: &Taxonomy) -> bool {
        self.items.iter().any(|c| c == item.code.as_str())
            || taxonomy
                .category(item.category_no)
                .is_some_and(|c| self.categories.contains(&c.name))
    }
}

/// Reads the events file; a malformed shipped file is a build defect caught by tests, so
/// bad rows are reported as an error string naming the row.
pub fn parse(text: &str) -> Result<Vec<LifeEvent>, String> {
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in rd.records().enumerate() {
        let rec = rec.map_err(|e| format!("life events, row {}: {e}", i + 2))?;
        let get = |n: usize| rec.get(n).unwrap_or("").trim().to_string();
        let split = |s: String| {
            s.split('|')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(String::from)
                .collect()
        };
        if get(0).is_empty() || get(1).is_empty() {
            return Err(format!(
                "life events, row {}: key and label are required",
                i + 2
            ));
        }
        out.push(LifeEvent {
            key: get(0),
            label: get(1),
            categories: split(get(2)),
            items: split(get(3)),
        });
    }
    Ok(out)
}

/// The shipped events, read once.
pub fn standard() -> &'static [LifeEvent] {
    static EVENTS: std::sync::OnceLock<Vec<LifeEvent>> = std::sync::OnceLock::new();
    EVENTS.get_or_init(|| parse(LIFE_EVENTS_CSV).unwrap_or_default())
}
