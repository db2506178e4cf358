//! Service points as search results, and the questions that ask for a place.
//!
//! A point is a result of its own kind ([`DocKind::Point`]): its name, facility type,
//! address and the items delivered there are searchable, so 丹溪社区的社康 finds the
//! centre itself. A query that asks where (老人去哪里体检, 附近的长者饭堂) is told apart by
//! words kept as data ([`PlaceWords`], `data/search/place-words.csv`); the front doors
//! then offer the nearest points that deliver what was found.

use gongfu_domain::facility::FacilityType;
use gongfu_domain::place::ServicePoint;

use crate::normalize::Normalized;
use crate::{DocKind, SearchDoc, SearchError};

/// The header line of a place-words file.
pub const PLACE_WORDS_HEADER: &str = "问地方的说法";

/// A point ranks below items and texts with the same words: a resident who types 老年人体检
/// wants the service first, and the places that deliver it next.
const POINT_BOOST: f32 = 0.5;

/// The words that make a query a question about where to go (去哪里, 附近, 在哪),
/// normalized. They are not searched for themselves.
#[derive(Debug, Clone, Default)]
pub struct PlaceWords {
    words: Vec<String>,
}

impl PlaceWords {
    /// The words shipped in `data/search/place-words.csv`.
    pub fn shipped() -> Self {
        #[allow(clippy::expect_used)]
        Self::parse(include_str!("../../../data/search/place-words.csv"))
            .expect("data/search/place-words.csv is compiled in and parsed by a unit test")
    }

    /// Reads a place-words file: the header `问地方的说法`, then one word per line; blank
    /// lines and lines starting with `#` are skipped.
    pub fn parse(text: &str) -> Result<Self, SearchError> {
        let err = |line: usize, message: String| SearchError::PlaceWords { line, message };
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim()));
        match lines.next() {
            Some((_, h)) if h.trim_start_matches('\u{feff}') == PLACE_WORDS_HEADER => {}
            _ => {
                return Err(err(
                    1,
                    format!("the first line must be the header `{PLACE_WORDS_HEADER}`"),
                ))
            }
        }
        let mut words = Vec::new();
        for (n, line) in lines {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let w = Normalized::new(line).text;
            if !w.chars().any(char::is_alphanumeric) {
                return Err(err(
                    n,
                    format!("`{line}` has no letter, digit or Chinese character"),
                ));
            }
            if !words.contains(&w) {
                words.push(w);
            }
        }
        Ok(PlaceWords { words })
    }

    /// The words, normalized.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// True if `text` asks where to go: it holds one of the words (after normalizing, so
    /// 去哪裡 counts too).
    pub fn asks_where(&self, text: &str) -> bool {
        let text = Normalized::new(text).text;
        self.words.iter().any(|w| text.contains(w.as_str()))
    }

    /// True if `word` (normalized) is one of the words.
    pub(crate) fn contains(&self, word: &str) -> bool {
        self.words.iter().any(|w| w == word)
    }
}

/// The search document of a service point keyed `key` (its id): its name as the title;
/// its facility type (name and other names), address, code and the names of the items
/// delivered there as the body. The caller sets its areas.
pub fn point_doc(
    key: impl Into<String>,
    point: &ServicePoint,
    facility: Option<&FacilityType>,
    item_names: &[&str],
) -> SearchDoc {
    let mut body = Vec::new();
    if let Some(t) = facility {
        body.push(t.name.clone());
        if !t.aliases.is_empty() {
            body.push(t.aliases.join("、"));
        }
    } else {
        body.push(point.facility_type.clone());
    }
    body.push(point.address.clone());
    if !item_names.is_empty() {
        body.push(format!("服务事项：{}", item_names.join("、")));
    }
    body.push(point.code.clone());
    let mut d = SearchDoc::new(DocKind::Point, key, &point.name, body.join("\n"));
    d.boost = POINT_BOOST;
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_words_parse_and_tell_where_questions() {
        let w = PlaceWords::shipped();
        assert!(w.words().len() >= 10);
        for q in [
            "老人去哪里体检",
            "附近的长者饭堂",
            "社康在哪",
            "妇幼保健院地址",
            "老人去哪裡體檢",
        ] {
            assert!(w.asks_where(q), "{q}");
        }
        for q in ["老人体检", "生孩子有什么补贴", "低保"] {
            assert!(!w.asks_where(q), "{q}");
        }
    }

    #[test]
    fn a_bad_file_names_the_line() {
        assert!(PlaceWords::parse("words\n附近\n").is_err());
        match PlaceWords::parse("问地方的说法\n附近\n（）\n") {
            Err(SearchError::PlaceWords { line, .. }) => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
    }
}
