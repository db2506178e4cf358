//! Chinese full-text search over the service list's items, the standards and the guide
//! texts: what residents type into the portal's search box and `GET /api/v1/search`.
//!
//! It owns how Chinese text becomes searchable: normalization (full-width to half-width,
//! lowercase, traditional to simplified characters, [`to_simplified`]), segmentation with
//! jieba plus the installation's own words (item, category and standard names), synonym
//! groups as data ([`Synonyms`], `data/search/synonyms.csv`), ranking (BM25 with the title
//! weighted over the body, times each document's boost) and highlighted snippets.
//!
//! The engine ([`SearchIndex`]) never reads data: it indexes the [`SearchDoc`]s it is
//! given, in memory. [`SiteSearch`] (`site.rs`) is the one place that gathers them, from
//! the newest list version, the registry and the stored texts, and rebuilds the index when
//! the audit log shows the data changed. Nothing here speaks SQL or HTTP. Queries are free text: nothing a resident types is parsed
//! as query syntax, so `AND`, quotes and colons are just characters.

mod analyzer;
mod index;
mod normalize;
mod points;
mod site;
mod synonyms;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use index::SearchIndex;
pub use normalize::to_simplified;
pub use points::{point_doc, PlaceWords, PLACE_WORDS_HEADER};
pub use site::{NearPoint, SiteSearch, SiteSearchError};
pub use synonyms::{Synonyms, SYNONYMS_HEADER};

/// The most results one page returns; a larger `limit` is lowered to this.
pub const MAX_LIMIT: usize = 100;

/// The deepest a page may start; a larger `offset` is lowered to this. Nobody reads past
/// the thousandth result, and collecting that many costs every query.
pub const MAX_OFFSET: usize = 1_000;

/// How much of a query is read, in characters. A pasted paragraph is cut here rather than
/// refused: its start is what the resident meant.
pub const MAX_QUERY_CHARS: usize = 200;

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// A service item of the list (服务项目), keyed by its code (N0101).
    Item,
    /// A standard (标准), keyed by its canonical number (GB/T 1.1-2020).
    Standard,
    /// A guide text (办事指南 and other texts), keyed by its id.
    Guide,
    /// A service point (服务点), keyed by its id: where an item is delivered.
    Point,
}

impl DocKind {
    /// Every kind, in display order.
    pub const ALL: [DocKind; 4] = [
        DocKind::Item,
        DocKind::Standard,
        DocKind::Guide,
        DocKind::Point,
    ];

    /// The lowercase name used in URLs and JSON: `item`, `standard`, `guide`, `point`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Item => "item",
            DocKind::Standard => "standard",
            DocKind::Guide => "guide",
            DocKind::Point => "point",
        }
    }
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DocKind {
    type Err = SearchError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DocKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| SearchError::UnknownKind(s.to_string()))
    }
}

/// One document to index.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    /// What it is.
    pub kind: DocKind,
    /// Its identity within its kind: an item code (N0101), a canonical standard number
    /// (GB/T 1.1-2020) or a guide id. Upserting the same kind and key replaces it.
    pub key: String,
    /// The title shown in results and weighted over the body.
    pub title: String,
    /// The searchable text; snippets are taken from it.
    pub body: String,
    /// Area numbers as strings, "1" to "9" in the national taxonomy: an item has its own,
    /// a standard those of its items. Filtering by area matches any of them exactly.
    pub areas: Vec<String>,
    /// Multiplies the document's score; 1.0 is neutral. Must be finite and positive.
    pub boost: f32,
    /// The item codes it belongs to (a guide's item, a standard's items): when one of them
    /// matches a query too, the document is listed under that item's result
    /// ([`Hit::related`]) instead of being ranked apart.
    pub parents: Vec<String>,
}

impl SearchDoc {
    /// A document with no areas and a neutral boost.
    pub fn new(
        kind: DocKind,
        key: impl Into<String>,
        title: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
        SearchDoc {
            kind,
            key: key.into(),
            title: title.into(),
            body: body.into(),
            areas: Vec::new(),
            boost: 1.0,
            parents: Vec::new(),
        }
    }
}

/// What the index needs to know about the installation's language.
#[derive(Debug, Clone, Default)]
pub struct SearchConfig {
    /// The list's own names: item names, category names, service objects, standard
    /// titles. They join jieba's dictionary so a query typed as one of them stays one word
    /// (老年人健康管理); documents are findable by their parts either way.
    pub user_words: Vec<String>,
    /// Synonym groups, expanded at query time.
    pub synonyms: Synonyms,
    /// The words that ask where to go (去哪里, 附近): kept whole by the segmenter and not
    /// searched for.
    pub place_words: PlaceWords,
}

/// A search as a resident asks it.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    /// Free text. Not parsed as query syntax; only the first [`MAX_QUERY_CHARS`]
    /// characters are read.
    pub text: String,
    /// Only documents of this kind.
    pub kind: Option<DocKind>,
    /// Only documents in this area (exact match on one of [`SearchDoc::areas`]).
    pub area: Option<String>,
    /// How many results, at most [`MAX_LIMIT`]; 0 returns only the total.
    pub limit: usize,
    /// How many results to skip, at most [`MAX_OFFSET`].
    pub offset: usize,
}

impl SearchQuery {
    /// The first ten results for `text`, any kind, any area.
    pub fn new(text: impl Into<String>) -> Self {
        SearchQuery {
            text: text.into(),
            kind: None,
            area: None,
            limit: 10,
            offset: 0,
        }
    }
}

/// One page of results.
#[derive(Debug, Clone, Serialize)]
pub struct SearchPage {
    /// How many documents match in all (before limit and offset).
    pub total: usize,
    /// The page, best first.
    pub results: Vec<Hit>,
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// What it is.
    pub kind: DocKind,
    /// Its key (item code, standard number or guide id).
    pub key: String,
    /// Its title as indexed.
    pub title: String,
    /// The title as HTML: escaped, query words wrapped in `<mark>…</mark>`.
    pub title_html: String,
    /// About 120 characters of the body as HTML around the best match (escaped, matches in
    /// `<mark>…</mark>`, `…` where text was cut), or the body's start when the body has
    /// no match.
    pub snippet: String,
    /// The ranking score (BM25 times the document's boost); only its order means anything.
    /// An item's result that took the place of its guide or standard has that one's score.
    pub score: f32,
    /// For an item: the guides and standards that belong to it (guides first), shown as
    /// links under it rather than as results of their own. Empty for other kinds.
    pub related: Vec<Related>,
}

/// A document listed under an item's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    /// What it is.
    pub kind: DocKind,
    /// Its key (standard number or guide id).
    pub key: String,
    /// Its title.
    pub title: String,
}

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query has no word, letter or digit.
    #[error("empty search query: type at least one word, letter or digit")]
    EmptyQuery,
    /// A document kind that is not item, standard, guide or point.
    #[error("unknown document kind `{0}`: expected item, standard, guide or point")]
    UnknownKind(String),
    /// A synonyms file that cannot be read.
    #[error("synonyms line {line}: {message}")]
    Synonyms {
        /// The 1-based line.
        line: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A place-words file that cannot be read.
    #[error("place words line {line}: {message}")]
    PlaceWords {
        /// The 1-based line.
        line: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A document that cannot be indexed.
    #[error("cannot index {kind} `{key}`: {message}")]
    InvalidDoc {
        /// Its kind.
        kind: DocKind,
        /// Its key as given.
        key: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The search engine failed.
    #[error("search index failed while {action}: {source}; rebuild it with replace_all (or restart the server)")]
    Index {
        /// What the index was doing.
        action: &'static str,
        /// The engine's error.
        #[source]
        source: tantivy::TantivyError,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_unknown_kinds_say_what_is_expected() {
        for k in DocKind::ALL {
            assert_eq!(k.as_str().parse::<DocKind>().ok(), Some(k));
            assert_eq!(
                serde_json::to_string(&k).ok(),
                Some(format!("\"{}\"", k.as_str()))
            );
        }
        assert_eq!(" Item ".parse::<DocKind>().ok(), Some(DocKind::Item));
        let err = "items".parse::<DocKind>().expect_err("not a kind");
        assert_eq!(
            err.to_string(),
            "unknown document kind `items`: expected item, standard, guide or point"
        );
    }
}
