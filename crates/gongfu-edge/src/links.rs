//! The public page of each kind of thing, for search results on the API and on the pages.

use gongfu_search::{DocKind, Hit};

/// The page a search hit links to.
pub fn hit_url(h: &Hit) -> String {
    doc_url(h.kind, &h.key)
}

/// The page of the document of `kind` keyed `key` (an item code, a standard number, a
/// guide key or a point id): a hit's, and each of the documents listed under an item.
pub fn doc_url(kind: DocKind, key: &str) -> String {
    match kind {
        DocKind::Item => format!("/items/{key}"),
        DocKind::Standard => format!(
            "/standards/view/{}",
            key.replace('/', "%2F").replace(' ', "%20")
        ),
        DocKind::Guide => format!("/guides/{key}"),
        DocKind::Point => format!("/points/{key}"),
    }
}
